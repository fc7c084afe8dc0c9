"""``houselights import sales``: the office manager imports an online-sales export."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.cli import main

SAMPLES = Path(__file__).parents[1] / "fixtures" / "sales"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_report_then_a_second_import_finds_everything_already_there(capsys, tmp_path):
    data = str(tmp_path / "data")
    args = ("--data", data, "import", "sales", str(SAMPLES / "ticket_tailor.csv"), "--json",
            "--timezone", "Europe/London")  # fmt: skip

    code, out, _ = run(capsys, *args)
    report = json.loads(out)
    assert code == 0
    assert {k: report[k] for k in ("imported", "matched", "created", "rejected")} == {
        "imported": 3, "matched": 0, "created": 3, "rejected": [],
    }  # fmt: skip

    code, out, _ = run(capsys, *args)
    again = json.loads(out)
    assert (code, again["imported"], again["already_imported"]) == (0, 0, 3)
    # The patrons are searchable right away (the read models caught up).
    _, out, _ = run(capsys, "--data", data, "patrons", "--search", "lovelace", "--json")
    assert [p["email"] for p in json.loads(out)] == ["ada@example.org"]


def test_dry_run_summary_in_words_saves_nothing(capsys, tmp_path):
    data = str(tmp_path / "data")
    code, out, _ = run(capsys, "--data", data, "import", "sales",
                       str(SAMPLES / "eventbrite.csv"), "--dry-run")  # fmt: skip
    assert code == 0
    assert "Dry run: nothing was saved." in out
    assert "Would import 3 orders (4 tickets)" in out
    assert "3 new patrons" in out and "(Eventbrite attendee report)" in out
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    assert json.loads(out)["events"] == 0


def test_rejected_rows_are_listed_with_their_row_numbers(capsys, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,order_date,first_name,event_name,event_date,price\n"
        "1,2026-02-01 10:00,Ada,Hamlet,2026-03-14 19:30,25.00\n"
        "2,2026-02-01 10:00,Bo,Hamlet,2026-03-14 19:30,lots\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--data", str(tmp_path / "data"), "import", "sales", str(path))
    assert code == 0
    assert "Imported 1 order (1 ticket)" in out
    assert "Not imported: 1 row." in out
    assert "row 3: “lots” is not an amount of money" in out


def test_a_mapping_names_the_columns_of_an_unknown_layout(capsys, tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text(
        "Ref,When,Who,Show,Show date\n1,2026-02-01 10:00,Ada Lovelace,Hamlet,2026-03-14 19:30\n",
        encoding="utf-8",
    )
    base = ("--data", str(tmp_path / "data"), "import", "sales", str(path), "--json")

    code, _, err = run(capsys, *base)
    assert code != 0 and "order number" in err and "column" in err

    code, out, _ = run(capsys, *base, "--mapping", "order_id=Ref", "--mapping", "order_date=When",
                       "--mapping", "full_name=Who", "--mapping", "event_name=Show",
                       "--mapping", "event_date=Show date")  # fmt: skip
    assert code == 0 and json.loads(out)["imported"] == 1


def test_an_unreadable_file_fails_with_a_clear_message(capsys, tmp_path):
    code, out, err = run(capsys, "--data", str(tmp_path / "data"), "import", "sales",
                         str(tmp_path / "missing.csv"))  # fmt: skip
    assert code != 0 and out == ""
    assert "There is no file" in err and "missing.csv" in err

    binary = tmp_path / "sales.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00\x00")
    code, _, err = run(capsys, "--data", str(tmp_path / "data"), "import", "sales", str(binary))
    assert code != 0 and "not a CSV text file" in err

    code, _, err = run(capsys, "--data", str(tmp_path / "data"), "import", "sales",
                       str(SAMPLES / "generic.csv"), "--mapping", "email=Nope")  # fmt: skip
    assert code != 0 and "no column called “Nope”" in err


def test_an_unknown_time_zone_is_refused_before_anything_is_saved(capsys, tmp_path):
    data = str(tmp_path / "data")
    code, _, err = run(capsys, "--data", data, "import", "sales", str(SAMPLES / "generic.csv"),
                       "--timezone", "Mars/Olympus")  # fmt: skip
    assert code != 0 and "“Mars/Olympus” is not a time zone we know" in err
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    assert json.loads(out)["events"] == 0
