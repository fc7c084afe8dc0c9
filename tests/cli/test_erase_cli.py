"""``houselights erase PATRON_ID``: asks first, then erases; figures stay."""

from __future__ import annotations

import io
import json

from desktop.cli import main
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.erasure.conftest import SECRETS, files_containing, register_secret_patron, sell_and_scan


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def make_patron(data) -> str:
    services = bootstrap(resolve(data))
    try:
        patron_id = register_secret_patron(services.app)
        sell_and_scan(services.app, patron_id)
    finally:
        services.close()
    return patron_id


def test_erase_asks_for_the_name_and_keeps_sales(capsys, monkeypatch, tmp_path):
    data = tmp_path / "data"
    patron_id = make_patron(data)
    _, before, _ = run(capsys, "--data", str(data), "performances", "--json")

    # Not confirmed (no terminal, no --yes): nothing happens.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "--data", str(data), "erase", patron_id)
    assert code == 1 and "--yes" in err
    assert files_containing(data, SECRETS)

    # A wrong name typed at the prompt: nothing happens either.
    monkeypatch.setattr("sys.stdin", _Terminal("Somebody Else\n"))
    code, _, err = run(capsys, "--data", str(data), "erase", patron_id)
    assert code == 1 and "did not match" in err
    assert files_containing(data, SECRETS)

    monkeypatch.setattr("sys.stdin", _Terminal("zebulonia quixwortham\n"))
    code, out, _ = run(capsys, "--data", str(data), "--staff", "the manager", "erase", patron_id)
    assert code == 0 and "Erased the personal data" in out
    assert files_containing(data, SECRETS) == []
    _, after, _ = run(capsys, "--data", str(data), "performances", "--json")
    assert json.loads(after) == json.loads(before)


def test_erase_with_yes_and_json_and_an_unknown_patron(capsys, tmp_path):
    data = tmp_path / "data"
    patron_id = make_patron(data)
    code, out, _ = run(capsys, "--data", str(data), "erase", patron_id, "--yes", "--json")
    assert code == 0 and json.loads(out)["events_redacted"] >= 4
    code, _, err = run(capsys, "--data", str(data), "erase", "nobody", "--yes")
    assert code == 1 and "could not find" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_erasing_a_merged_record_asks_for_the_patrons_name_and_erases_both(
    capsys, monkeypatch, tmp_path
):
    data = tmp_path / "data"
    services = bootstrap(resolve(data))
    try:
        patron_id = register_secret_patron(services.app)
        twin = services.app.register_patron(
            "Zeb", "Q", email="zq.twin@example.net", allow_duplicate=True
        )
        services.app.merge_patrons(twin, patron_id)
    finally:
        services.close()

    monkeypatch.setattr("sys.stdin", _Terminal("zebulonia quixwortham\n"))
    code, out, _ = run(capsys, "--data", str(data), "erase", twin)
    assert code == 0 and "The record merged into it is the same person: it is erased too" in out
    assert "and 1 record merged into it" in out
    assert files_containing(data, {**SECRETS, "twin": "zq.twin"}) == []


def test_erase_cleans_the_backups_and_names_those_it_cannot_reach(capsys, monkeypatch, tmp_path):
    data = tmp_path / "data"
    patron_id = make_patron(data)
    usb = tmp_path / "usb"
    assert run(capsys, "--data", str(data), "backup")[0] == 0
    assert run(capsys, "--data", str(data), "backup", str(usb))[0] == 0
    assert {name for name, _ in files_containing(usb, SECRETS)}  # the check can fail
    # The backup folder chosen in the window is the USB stick...
    monkeypatch.setattr("desktop.cli_backups.configured_folder", lambda: str(usb))
    code, out, _ = run(capsys, "--data", str(data), "erase", patron_id, "--yes")
    assert code == 0 and "Cleaned 2 backups and set-aside stores" in out
    assert "NOT cleaned" not in out
    assert files_containing(data, SECRETS) == [] and files_containing(usb, SECRETS) == []
    # ...which is not plugged in at the next erasure: the output says so.
    other = make_patron_named(data, "Ottilie", "Fernwhistle")
    monkeypatch.setattr("desktop.cli_backups.configured_folder", lambda: str(tmp_path / "gone"))
    code, out, _ = run(capsys, "--data", str(data), "erase", other, "--yes", "--json")
    result = json.loads(out)
    # a copy left with the patron's data is something left undone (issue 19)
    made = next((data / "backups").glob("houselights-*.sqlite"))
    assert code == 1 and result["backups"]["cleaned"] == [str(made)]
    assert result["backups"]["not_cleaned"][0]["path"] == str(tmp_path / "gone")
    code, out, _ = run(capsys, "--data", str(data), "erase", other, "--yes")
    assert f"NOT cleaned: {tmp_path / 'gone'}: the backup folder is not there" in out


def make_patron_named(data, first: str, last: str) -> str:
    services = bootstrap(resolve(data))
    try:
        return services.app.register_patron(first, last, email=f"{first}@example.org")
    finally:
        services.close()
