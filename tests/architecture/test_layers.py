"""The layering rules of docs/architecture.md, checked on the source itself.

Data flows one way: a view calls an application service, the service appends
events, projections turn them into read models, views read those. So: the
domain knows no Qt and no SQL; projections know only the domain; the Qt-free
packages (infrastructure, imports, demo) never reach into the desktop client;
views hold no SQL; and no two modules import each other, however indirectly.
"""

from __future__ import annotations

import pytest

from tests.architecture.imports_graph import ROOT, cycles, graph, imported_names, modules

QT = ("PySide6", "shiboken6")
SQL = ("sqlite3", "sqlite_utils", "psycopg", "psycopg2")
FIRST_PARTY = ("domain", "projections", "infrastructure", "imports", "demo", "desktop")


def top(name: str) -> str:
    return name.split(".", 1)[0]


def imports_of(package: str) -> dict[str, set[str]]:
    """module of ``package`` -> the top-level packages it imports."""
    return {
        name: {top(n) for n in imported_names(path)}
        for name, path in modules().items()
        if top(name) == package
    }


ALLOWED = {
    # package: first-party packages it may import
    "domain": {"domain"},
    "projections": {"projections", "domain"},
    "imports": {"imports", "domain"},
    "demo": {"demo", "domain", "imports"},
    "infrastructure": {"infrastructure", "domain", "projections"},
    "desktop": set(FIRST_PARTY),
}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_the_layers_below_it(package):
    wrong = {
        name: sorted(found & set(FIRST_PARTY) - ALLOWED[package])
        for name, found in imports_of(package).items()
    }
    assert {name: found for name, found in wrong.items() if found} == {}


@pytest.mark.parametrize("package", ["domain", "projections", "infrastructure", "imports", "demo"])
def test_only_the_desktop_client_knows_qt(package):
    with_qt = sorted(name for name, found in imports_of(package).items() if found & set(QT))
    assert with_qt == []


def test_the_domain_knows_no_sql():
    with_sql = sorted(name for name, found in imports_of("domain").items() if found & set(SQL))
    assert with_sql == []


def test_views_hold_no_sql():
    views = ROOT / "desktop" / "views"
    offenders = []
    for path in sorted(views.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        names = {top(n) for n in imported_names(path)}
        if names & set(SQL) or ".execute(" in text or "SELECT " in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_module_imports_itself_through_others():
    assert cycles(graph()) == []


def test_the_checks_see_a_cycle_and_a_wrong_import():
    """The checks above can fail: a made-up cycle is found, and so is a made-up
    import of Qt by the domain."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    found = imports_of("domain")
    assert found and all(isinstance(v, set) for v in found.values())
    assert not ALLOWED["domain"] & {"desktop", "projections"}


def test_no_class_is_made_of_more_than_three_others():
    """An application service is one class per area over one store, never a pile of
    mixins: no first-party class has more than three base classes."""
    import ast

    wide = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and len(node.bases) > 3:
                wide.append(f"{name}.{node.name} ({len(node.bases)} bases)")
    assert wide == []
