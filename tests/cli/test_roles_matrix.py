"""Roles hold on every command (issue 19): every CLI command, run by every role and by
nobody signed in on a store with accounts, is allowed or refused as the permission
table says -- and the refusal comes from the service, before anything is read."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from desktop.cli import COMMAND_PERMISSIONS, build_parser, main
from domain.roles import BOX_OFFICE, DOOR, MANAGER, PERMISSIONS, Permission

SALES = Path(__file__).resolve().parents[1] / "fixtures" / "sales"
CHATS = Path(__file__).resolve().parents[1] / "fixtures" / "chats"
PASSWORDS = {"Maria Lopez": "manager-secret", "Bob Box": "box-office-pw", "Dee Door": "2468"}
AS = {MANAGER: "Maria Lopez", BOX_OFFICE: "Bob Box", DOOR: "Dee Door", None: None}
REFUSALS = ("cannot do this", "Sign in first")


def run(monkeypatch, capsys, argv: list[str], stdin: str = "", password: str | None = None):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    if password is None:
        monkeypatch.delenv("HOUSELIGHTS_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("HOUSELIGHTS_PASSWORD", password)
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def organization(tmp_path_factory) -> dict:
    """A demo store with a manager, a box-office and a door account, and what the
    commands need: a ticket, two patrons, a backup of another organization."""
    from _pytest.monkeypatch import MonkeyPatch

    root = tmp_path_factory.mktemp("roles")
    data = root / "data"
    other = root / "other"
    patch = MonkeyPatch()
    try:

        def cli(*argv: str, stdin: str = "", password: str | None = None) -> str:
            patch.setattr("sys.stdin", io.StringIO(stdin))
            if password is None:
                patch.delenv("HOUSELIGHTS_PASSWORD", raising=False)
            else:
                patch.setenv("HOUSELIGHTS_PASSWORD", password)
            out = io.StringIO()
            patch.setattr("sys.stdout", out)
            assert main(list(argv)) == 0, argv
            patch.undo()
            return out.getvalue()

        cli("--data", str(other), "demo", "--patrons", "5")
        made = json.loads(cli("--data", str(other), "backup", str(root / "usb"), "--json"))
        cli("--data", str(data), "demo", "--patrons", "20")
        patrons = [p["id"] for p in json.loads(cli("--data", str(data), "patrons", "--json"))]
        performances = json.loads(cli("--data", str(data), "performances", "--json"))
        ticket = None
        for performance in performances:
            tickets = json.loads(
                cli("--data", str(data), "tickets", "--performance", performance["id"], "--json")
            )
            valid = [t["code"] for t in tickets if t["status"] == "valid"]
            if valid:
                ticket = (valid[0], performance["id"])
                break
        assert ticket is not None
        cli("--data", str(data), "backup")
        cli(
            "--data",
            str(data),
            "staff",
            "add",
            "Maria Lopez",
            "--role",
            "manager",
            "--password-stdin",
            stdin="manager-secret\n",
        )
        as_maria = ("--data", str(data), "--as", "Maria Lopez")
        cli(
            *as_maria,
            "staff",
            "add",
            "Bob Box",
            "--role",
            "box_office",
            "--password-stdin",
            stdin="box-office-pw\n",
            password="manager-secret",
        )
        cli(
            *as_maria,
            "staff",
            "add",
            "Dee Door",
            "--role",
            "door",
            "--pin-stdin",
            stdin="2468\n",
            password="manager-secret",
        )
    finally:
        patch.undo()
    return {"data": data, "ticket": ticket, "patrons": patrons, "foreign": made["path"]}


def commands(org: dict) -> list[tuple[str, list[str], str | None, str]]:
    """(label, argv after the data folder, permission, stdin) for every command."""
    code, performance = org["ticket"]
    a, b = org["patrons"][:2]
    P = Permission
    return [
        ("status", ["status"], P.SEE_STATUS, ""),
        ("demo", ["demo", "--patrons", "5"], P.DEMO, ""),
        ("rebuild", ["rebuild"], P.REBUILD, ""),
        ("patrons", ["patrons", "--json"], P.READ_PATRONS, ""),
        (
            "import sales",
            ["import", "sales", str(SALES / "eventbrite.csv"), "--dry-run"],
            P.IMPORT,
            "",
        ),
        ("import chats", ["import", "chats", str(CHATS / "crisp.json")], P.IMPORT, ""),
        ("check-in", ["check-in", code, "--performance", performance], P.DOOR_CHECK, ""),
        ("performances", ["performances", "--json"], P.SEE_PERFORMANCES, ""),
        ("tickets", ["tickets", "--performance", performance, "--json"], P.READ_TICKETS, ""),
        ("report ladder", ["report", "ladder", "--json"], P.READ_REPORTS, ""),
        ("report attendance", ["report", "attendance", "--json"], P.READ_REPORTS, ""),
        ("report thank-yous", ["report", "thank-yous", "--json"], P.READ_REPORTS, ""),
        ("report support", ["report", "support", "--json"], P.READ_SUPPORT, ""),
        (
            "report double-entries",
            ["report", "double-entries", "--performance", performance, "--json"],
            P.READ_REPORTS,
            "",
        ),
        ("rota", ["rota", "--json"], P.SEE_STATUS, ""),
        (
            "rota add",
            ["rota", "add", "Monday", "19:00", "21:00", "--name", "Sam"],
            P.MANAGE_ROTA,
            "",
        ),
        ("duplicates", ["duplicates", "--json"], P.READ_PATRONS, ""),
        ("merge", ["merge", a, b], P.EDIT_PATRONS, ""),
        ("unmerge", ["unmerge", a], P.EDIT_PATRONS, ""),
        ("erase", ["erase", a, "--yes"], P.ERASE, ""),
        ("encryption status", ["encryption", "status"], None, ""),
        ("encryption export-key", ["encryption", "export-key"], P.EXPORT_KEY, ""),
        ("staff list", ["staff", "list"], P.MANAGE_STAFF, ""),
        (
            "staff add",
            ["staff", "add", "Eve", "--role", "door", "--pin-stdin"],
            P.MANAGE_STAFF,
            "1357\n",
        ),
        ("staff role", ["staff", "role", "Dee Door", "box_office"], P.MANAGE_STAFF, ""),
        ("staff deactivate", ["staff", "deactivate", "Bob Box"], P.MANAGE_STAFF, ""),
        ("staff unlock", ["staff", "unlock", "Dee Door"], P.MANAGE_STAFF, ""),
        ("audit", ["audit", "--json"], P.SEE_AUDIT, ""),
        ("backup", ["backup"], P.BACKUP, ""),
        ("backup --with-read-models", ["backup", "--with-read-models"], P.BACKUP_READ_MODELS, ""),
        ("backups", ["backups", "--json"], P.LIST_BACKUPS, ""),
        ("restore", ["restore", org["foreign"], "--yes"], P.RESTORE, ""),
        ("check", ["check"], None, ""),
        (
            "setup",
            [
                "setup",
                "--organization",
                "Riverside Players",
                "--timezone",
                "Europe/London",
                "--currency",
                "GBP",
            ],
            P.ORGANIZATION,
            "",
        ),
    ]


def test_the_table_covers_every_command():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001
    assert set(sub.choices) == set(COMMAND_PERMISSIONS)


def test_the_manager_only_permissions_are_the_managers_only():
    for permission in (
        Permission.RESTORE,
        Permission.EXPORT_KEY,
        Permission.REBUILD,
        Permission.BACKUP_READ_MODELS,
    ):
        assert [r for r, allowed in PERMISSIONS.items() if permission in allowed] == [MANAGER]


ROLES = [MANAGER, BOX_OFFICE, DOOR, None]


@pytest.mark.parametrize("role", ROLES, ids=["manager", "box_office", "door", "nobody"])
def test_every_command_for_every_role(organization, role, tmp_path, monkeypatch, capsys):
    """Each command on a fresh copy of the store, so what one does cannot hide another."""
    seen = []
    for label, argv, permission, stdin in commands(organization):
        data = tmp_path / label.replace(" ", "_")
        shutil.copytree(organization["data"], data)
        as_ = ["--as", AS[role]] if role else []
        code, out, err = run(
            monkeypatch,
            capsys,
            ["--data", str(data), *as_, *argv],
            stdin=stdin,
            password=PASSWORDS.get(AS[role] or ""),
        )
        refused = code == 1 and any(words in err for words in REFUSALS)
        allowed = permission is None or (role is not None and permission in PERMISSIONS[role])
        assert refused != allowed, (label, role, code, err[:300])
        assert "Traceback" not in err, (label, role, err)
        assert code != 70 and "did not expect" not in err, (label, role, err[:300])  # a crash
        if refused:
            assert out == "", (label, role, out[:200])  # nothing read was printed
        seen.append(label)
    assert len(seen) == len(commands(organization))
