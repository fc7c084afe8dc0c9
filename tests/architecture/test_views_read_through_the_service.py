"""The window's views read the read models only through the read service (issue 19).

A view asks ``runner.read(permission, reader, ...)``: the application's read service
(``domain/reading.py``) checks the role in force, like for the command line, before
the reader sees the read models. This test reads the source of every view and the
main window, and fails on a projection's reader called straight on a connection
(``directory.search(self.runner.db(), ...)``, ``ladder.rung_counts(db)``).
"""

from __future__ import annotations

import ast

from tests.architecture.imports_graph import ROOT

#: the window's code that shows read models
VIEWS = [*sorted((ROOT / "desktop" / "views").rglob("*.py")), ROOT / "desktop" / "main_window.py"]


def projection_names(tree: ast.AST) -> set[str]:
    """Names a module binds to projection modules (``from projections import ladder``,
    ``from projections import patron_directory as directory``, ``import projections.x``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "projections":
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("projections."):
            names |= {
                alias.asname or alias.name
                for alias in node.names
                if alias.name[:1].islower()  # functions, not classes (ReadModelRunner)
            }
    return names - {"runner", "database"}


def is_connection(node: ast.AST) -> bool:
    """``db``, ``something.db()`` or ``db.conn``: a read-model connection."""
    if isinstance(node, ast.Name):
        return node.id == "db"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "db"
    return isinstance(node, ast.Attribute) and node.attr == "conn"


def direct_reads(source: str) -> list[str]:
    tree = ast.parse(source)
    names = projection_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or not is_connection(node.args[0]):
            continue
        func = node.func
        called = (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in names
        ) or (isinstance(func, ast.Name) and func.id in names)
        if called:
            found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_view_reads_a_read_model_past_the_read_service():
    offenders = {
        str(path.relative_to(ROOT)): reads
        for path in VIEWS
        if (reads := direct_reads(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_check_finds_a_direct_read():
    source = (
        "from projections import patron_directory as directory\n"
        "from projections.conversations import follow_up_counts\n"
        "def f(self, db):\n"
        "    directory.search(self.runner.db(), 'Ada')\n"
        "    follow_up_counts(db)\n"
        "    self.runner.read('read_patrons', directory.search, 'Ada')\n"
    )
    assert [line[:7] for line in direct_reads(source)] == ["line 4:", "line 5:"]
