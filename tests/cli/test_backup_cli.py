"""houselights backup / restore / backups / check, and a damaged store met by any command."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

from desktop.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Typing(io.StringIO):
    """Standard input as a person at a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def data(tmp_path, capsys):
    folder = tmp_path / "data"
    assert run(capsys, "--data", str(folder), "demo", "--patrons", "20")[0] == 0
    return folder


def spoil(path: Path) -> None:
    """Overwrite two pages in the middle of the file, as a failing disk does."""
    raw = bytearray(path.read_bytes())
    raw[16384:24576] = b"\x5a" * 8192
    path.write_bytes(bytes(raw))


def test_backup_then_restore_round_trip(capsys, data, tmp_path):
    code, out, _ = run(capsys, "--data", str(data), "backup", str(tmp_path / "usb"), "--json")
    assert code == 0
    made = json.loads(out)
    assert Path(made["path"]).parent == tmp_path / "usb" and made["events"] > 20

    code, out, _ = run(capsys, "--data", str(data), "backups", "--json")
    assert json.loads(out) == []  # the listing looks in the backup folder, not on the stick
    run(capsys, "--data", str(data), "backup")  # the default: the data folder's backups
    _, out, _ = run(capsys, "--data", str(data), "backups", "--json")
    assert [Path(b["path"]).parent for b in json.loads(out)] == [data / "backups"]

    run(capsys, "--data", str(data), "patrons")  # nothing changes with a search
    code, out, _ = run(capsys, "--data", str(data), "restore", made["path"], "--yes", "--json")
    assert code == 0
    restored = json.loads(out)
    assert restored["events"] == made["events"] == restored["previous_events"]
    assert [Path(p).name.startswith("events.before-restore-") for p in restored["moved_aside"]][0]
    _, out, _ = run(capsys, "--data", str(data), "status", "--json")
    assert json.loads(out)["events"] == made["events"]


def test_restore_asks_first_and_a_no_changes_nothing(capsys, data, tmp_path, monkeypatch):
    run(capsys, "--data", str(data), "backup", str(tmp_path / "usb"))
    backup = next((tmp_path / "usb").glob("houselights-*.sqlite"))
    store = sha(data / "events.sqlite")

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a script: nobody to ask
    code, _, err = run(capsys, "--data", str(data), "restore", str(backup))
    assert code == 1 and "--yes" in err and "nothing was changed" in err

    monkeypatch.setattr("sys.stdin", Typing("n\n"))
    code, out, _ = run(capsys, "--data", str(data), "restore", str(backup))
    assert code == 1 and "Put it in place of the current store" in out
    assert "Nothing was changed." in out
    assert sha(data / "events.sqlite") == store

    monkeypatch.setattr("sys.stdin", Typing("y\n"))
    code, out, _ = run(capsys, "--data", str(data), "restore", str(backup))
    assert code == 0 and "The previous store is kept as" in out


def test_backup_of_a_postgresql_store_points_to_pg_dump(capsys, tmp_path):
    code, _, err = run(
        capsys, "--data", str(tmp_path), "--store", "postgresql://hl:pw@office/hl", "backup"
    )
    assert code == 1
    assert "pg_dump" in err and "README" in err and ":pw@" not in err
    assert not (tmp_path / "backups").exists()


def test_a_damaged_store_is_explained_never_written_and_restored(capsys, data, tmp_path):
    run(capsys, "--data", str(data), "backup")
    events = data / "events.sqlite"
    spoil(events)
    damaged = sha(events)

    for command in (["status"], ["patrons"], ["check"], ["backup"]):
        code, out, err = run(capsys, "--data", str(data), *command)
        said = out + err
        assert code in (1, 3), command
        assert "events.sqlite is damaged" in said, command
        assert sha(events) == damaged, command  # never written, not even by a check
    code, _, err = run(capsys, "--data", str(data), "status")
    assert "houselights --data" in err and "restore" in err
    command = err[err.index("houselights --data") :].split()
    backup = command[-1]
    assert Path(backup).parent == data / "backups"

    code, out, _ = run(capsys, "--data", str(data), "restore", backup, "--yes")
    assert code == 0
    kept = next(data.glob("events.damaged-*.sqlite"))
    assert sha(kept) == damaged
    code, out, _ = run(capsys, "--data", str(data), "check")
    assert code == 0 and "check out" in out


def test_a_store_with_no_backup_says_where_it_looked(capsys, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "events.sqlite").write_bytes(b"this was a spreadsheet once" * 50)
    code, _, err = run(capsys, "--data", str(data), "status")
    assert code == 3
    assert "not a Houselights database" in err and "There is no backup in" in err


def test_a_damaged_read_model_file_is_set_aside_and_rebuilt(capsys, data):
    _, out, _ = run(capsys, "--data", str(data), "status", "--json")
    patrons = json.loads(out)["patrons"]
    spoil(data / "readmodels.sqlite")
    code, out, err = run(capsys, "--data", str(data), "patrons", "--json")
    assert code == 0
    assert "readmodels.sqlite is damaged" in err and "rebuilt" in err
    assert len(json.loads(out)) == min(patrons, 50)
    assert list(data.glob("readmodels.damaged-*.sqlite"))


def test_damage_the_quick_look_misses_is_explained_when_a_command_hits_it(
    capsys, data, monkeypatch
):
    import sqlite3
    from contextlib import closing

    from infrastructure import store_check

    # A large store gets only the quick look at start-up (here: every store).
    monkeypatch.setattr(store_check, "QUICK_FULL_CHECK_BYTES", 0)
    run(capsys, "--data", str(data), "backup")
    events = data / "events.sqlite"
    with closing(sqlite3.connect(events)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(events.read_bytes())
    middle = len(raw) // 2 // 4096 * 4096
    raw[middle : middle + 8192] = b"\x5a" * 8192
    events.write_bytes(bytes(raw))
    before = sha(events)
    code, _, err = run(capsys, "--data", str(data), "rebuild")  # reads every event
    assert code == 3
    assert "events.sqlite is damaged" in err and "houselights --data" in err
    assert "Traceback" not in err
    assert sha(events) == before
