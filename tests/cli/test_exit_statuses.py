"""Exit statuses and input checks (issue 19): non-zero whenever something was refused
or left undone, one clear line for bad numbers, never a traceback."""

from __future__ import annotations

import io
import logging

import pytest

from desktop import cli
from desktop.cli import main
from tests.safety_helpers import run


@pytest.fixture
def data(tmp_path, capsys):
    folder = tmp_path / "data"
    assert run(capsys, "--data", str(folder), "demo", "--patrons", "8")[0] == 0
    return folder


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["demo", "--patrons", "-5"], "not between 1 and 200,000"),
        (["demo", "--patrons", "0"], "not between 1 and 200,000"),
        (["demo", "--patrons", "1e12"], "is not a whole number"),
        (["demo", "--patrons", "1000000000000"], "not between 1 and 200,000"),
        (["patrons", "--limit", "100000000000000000000"], "not between 1 and 100,000"),
        (["audit", "--limit", "-1"], "not between 1 and 100,000"),
        (["screenshots", "--patrons", "many"], "is not a whole number"),
    ],
)
def test_every_number_is_checked_with_one_clear_line(argv, words, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--data", str(tmp_path / "data"), *argv])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and words in err and "Traceback" not in err
    assert not (tmp_path / "data" / "events.sqlite").exists()  # nothing was started


def test_the_demo_goes_only_into_an_empty_store(data, capsys):
    _, before, _ = run(capsys, "--data", str(data), "status", "--json")
    code, _, err = run(capsys, "--data", str(data), "demo", "--patrons", "5")
    assert code == 1 and "only goes into an empty data folder" in err
    _, after, _ = run(capsys, "--data", str(data), "status", "--json")
    assert after == before


def test_an_import_with_every_row_refused_is_not_a_success(data, tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,order_date,first_name,event_name,event_date,price\n"
        "1,2026-02-01 10:00,Ada,Hamlet,2026-03-14 19:30,lots\n"
        "2,2026-02-01 10:00,Bo,Hamlet,2026-03-14 19:30,much\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--data", str(data), "import", "sales", str(orders))
    assert code == 1 and "Not imported: 2 rows." in out


def test_a_chat_import_of_unreadable_text_is_not_a_success(data, tmp_path, capsys):
    words = tmp_path / "words.txt"
    words.write_text("just some words\nwith no chat in them\n", encoding="utf-8")
    code, out, _ = run(capsys, "--data", str(data), "import", "chats", str(words))
    assert code == 1 and "Not imported: 1 item." in out


def test_staff_add_without_a_terminal_says_how(data, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "--data", str(data), "staff", "add", "Maria", "--role", "manager")
    assert code == 1 and "--password-stdin" in err and "Traceback" not in err


def test_an_unexpected_error_is_one_line_and_logged(data, capsys, monkeypatch):
    def broken(_args):
        raise RuntimeError("a wire came loose")

    monkeypatch.setitem(cli.COMMANDS, "status", broken)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    code, _, err = run(capsys, "--data", str(data), "status")
    assert code == 70 and "a wire came loose" in err and "Traceback" not in err
    assert "houselights.log" in err
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "RuntimeError: a wire came loose" in (data / "houselights.log").read_text()


def test_a_server_that_cannot_be_reached_has_its_own_status(tmp_path, capsys):
    code, _, err = run(
        capsys,
        "--data",
        str(tmp_path / "data"),
        "--store",
        "postgresql://houselights@127.0.0.1:1/nowhere",
        "status",
    )
    assert code == 5 and "Cannot reach the server" in err and "Traceback" not in err
