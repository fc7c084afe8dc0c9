"""``houselights staff`` and ``--as``: accounts from the command line, roles enforced."""

from __future__ import annotations

import io
import json

from desktop.cli import main


def run(capsys, monkeypatch, *argv: str, stdin: str = "", password: str | None = None):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    if password is None:
        monkeypatch.delenv("HOUSELIGHTS_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("HOUSELIGHTS_PASSWORD", password)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_accounts_roles_and_the_audit_from_the_command_line(capsys, monkeypatch, tmp_path):
    data = ["--data", str(tmp_path / "data")]
    # The first account needs no sign-in (no accounts yet: everyone is a manager).
    code, out, _ = run(
        capsys,
        monkeypatch,
        *data,
        "staff",
        "add",
        "Maria Lopez",
        "--role",
        "manager",
        "--password-stdin",
        stdin="manager-secret\n",
    )
    assert code == 0 and "Added Maria Lopez (Manager)" in out
    # From now on, nobody signed in can change anything or list the accounts.
    code, _, err = run(
        capsys,
        monkeypatch,
        *data,
        "staff",
        "add",
        "Dee",
        "--role",
        "door",
        "--pin-stdin",
        stdin="2468\n",
    )
    assert code == 1 and "Sign in first" in err
    code, _, err = run(
        capsys, monkeypatch, *data, "--as", "Maria Lopez", "staff", "list", password="wrong-secret"
    )
    assert code == 1 and "do not match" in err

    as_maria = [*data, "--as", "maria lopez"]
    code, _, _ = run(
        capsys,
        monkeypatch,
        *as_maria,
        "staff",
        "add",
        "Dee",
        "--role",
        "door",
        "--pin-stdin",
        stdin="2468\n",
        password="manager-secret",
    )
    assert code == 0
    code, _, _ = run(
        capsys,
        monkeypatch,
        *as_maria,
        "staff",
        "add",
        "Bob",
        "--role",
        "box_office",
        "--password-stdin",
        stdin="box-office-pw\n",
        password="manager-secret",
    )
    assert code == 0
    code, out, _ = run(
        capsys, monkeypatch, *as_maria, "staff", "list", "--json", password="manager-secret"
    )
    listed = {m["name"]: m for m in json.loads(out)}
    assert {n: m["role"] for n, m in listed.items()} == {
        "Maria Lopez": "manager",
        "Dee": "door",
        "Bob": "box_office",
    }
    assert "hash" not in out

    # A door volunteer signs in with the PIN; may not look up patrons or see the audit.
    code, _, err = run(
        capsys, monkeypatch, *data, "--as", "Dee", "patrons", "--json", password="2468"
    )
    assert code == 1 and "Door volunteer" in err
    code, _, err = run(
        capsys, monkeypatch, *data, "--as", "Bob", "audit", "--json", password="box-office-pw"
    )
    assert code == 1 and "audit" in err
    code, _, err = run(
        capsys,
        monkeypatch,
        *data,
        "--as",
        "Bob",
        "staff",
        "role",
        "Dee",
        "manager",
        password="box-office-pw",
    )
    assert code == 1 and "Box office" in err

    code, out, _ = run(capsys, monkeypatch, *as_maria, "audit", "--json", password="manager-secret")
    rows = json.loads(out)
    assert {r["recorded_by"] for r in rows} == {"office", "Maria Lopez"}
    assert "Staff account created" in {r["action"] for r in rows}
