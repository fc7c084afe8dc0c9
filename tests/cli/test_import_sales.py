"""``houselights import sales``: the office manager imports an online-sales export."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from benchmarks.bench_sales_import import export
from desktop.cli import main
from imports import sales_import

SAMPLES = Path(__file__).parents[1] / "fixtures" / "sales"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_report_then_a_second_import_finds_everything_already_there(capsys, tmp_path):
    data = str(tmp_path / "data")
    args = (
        "--data",
        data,
        "import",
        "sales",
        str(SAMPLES / "ticket_tailor.csv"),
        "--json",
        "--timezone",
        "Europe/London",
    )

    code, out, _ = run(capsys, *args)
    report = json.loads(out)
    assert code == 0
    assert {k: report[k] for k in ("imported", "matched", "created", "rejected")} == {
        "imported": 3,
        "matched": 0,
        "created": 3,
        "rejected": [],
    }

    code, out, _ = run(capsys, *args)
    again = json.loads(out)
    assert (code, again["imported"], again["already_imported"]) == (0, 0, 3)
    # The patrons are searchable right away (the read models caught up).
    _, out, _ = run(capsys, "--data", data, "patrons", "--search", "lovelace", "--json")
    assert [p["email"] for p in json.loads(out)] == ["ada@example.org"]


def test_dry_run_summary_in_words_saves_nothing(capsys, tmp_path):
    data = str(tmp_path / "data")
    code, out, _ = run(
        capsys, "--data", data, "import", "sales", str(SAMPLES / "eventbrite.csv"), "--dry-run"
    )
    assert code == 0
    assert "Dry run: nothing was saved." in out
    assert "Would import 3 orders (4 tickets)" in out
    # Ada, Grace, Zoë and Charles Babbage, who holds Ada's second ticket
    assert "4 new patrons" in out and "(Eventbrite attendee report)" in out
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
    assert code == 1  # a row was refused: not all done (issue 19)
    assert "Imported 1 order (1 ticket)" in out
    assert "Not imported: 1 row." in out
    assert "row 3: “lots” is not an amount of money" in out


def test_rejected_writes_every_row_not_imported_to_correct_and_import_again(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setattr(sales_import, "LISTED_PROBLEMS", 2)
    path = tmp_path / "orders.csv"
    lines = ["order_id,order_date,first_name,event_name,event_date,price"]
    lines += [f"{n},2026-02-01 10:00,Fan{n},Hamlet,2026-03-14 19:30,lots" for n in range(5)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data, rejected = str(tmp_path / "data"), tmp_path / "fix-me.csv"

    code, out, _ = run(capsys, "--data", data, "import", "sales", str(path), "--dry-run")
    assert "Not imported: 5 rows. The first 2 by row number:" in out
    assert "add --rejected FILE.csv" in out
    code, out, _ = run(
        capsys, "--data", data, "import", "sales", str(path), "--rejected", str(rejected)
    )

    assert code == 1
    assert "Not imported: 5 rows. The first 2 by row number:" in out
    assert f"Every row not imported (5) is in {rejected}" in out
    written = rejected.read_text(encoding="utf-8-sig").splitlines()
    assert written[0] == lines[0] + ",Row in the imported file,Why it was not imported"
    assert [line.split(",")[:6] for line in written[1:]] == [x.split(",") for x in lines[1:]]
    rejected.write_text(
        rejected.read_text(encoding="utf-8-sig").replace(",lots,", ",25.00,"), encoding="utf-8"
    )
    code, out, _ = run(capsys, "--data", data, "import", "sales", str(rejected))
    assert code == 0 and "Imported 5 orders (5 tickets)" in out


def test_rejected_refuses_the_imported_file_or_a_missing_folder(capsys, tmp_path):
    data = str(tmp_path / "data")
    sample = str(SAMPLES / "generic.csv")
    for target, words in (
        (sample, "is the file being imported"),
        (str(tmp_path / "no" / "such.csv"), "there is no folder"),
        (str(tmp_path), "is a folder"),
    ):
        code, out, err = run(
            capsys, "--data", data, "import", "sales", sample, "--rejected", target
        )
        assert code != 0 and words in err, (target, err)
        assert out == ""


def test_dates_excel_stored_as_numbers_are_shown_then_confirmed(capsys, tmp_path):
    from tests.imports.test_excel_serial_dates import _serial_workbook

    path = tmp_path / "attendees.xlsx"
    _serial_workbook(path, order_dates_too=False)
    data = str(tmp_path / "data")
    base = ("--data", data, "import", "sales", str(path), "--timezone", "America/New_York")

    code, out, _ = run(capsys, *base, "--dry-run")
    assert code == 0
    assert (
        "Dates in the column “Event Start Date” were stored by Excel as numbers "
        "(46095.8125 is 2026-03-14 19:30; 4 cells): read as dates." in out
    )
    assert "import with --excel-serial-dates to confirm" in out
    assert "Would import 3 orders (4 tickets)" in out

    code, out, err = run(capsys, *base)
    assert code != 0 and out == ""
    assert "stored by Excel as numbers" in err and "--excel-serial-dates" in err

    code, out, _ = run(capsys, *base, "--excel-serial-dates")
    assert code == 0 and "Imported 3 orders (4 tickets)" in out
    assert "read as dates." in out and "to confirm" not in out


def test_a_modelled_layout_says_so_and_names_the_columns_it_does_not_read(capsys, tmp_path):
    data = str(tmp_path / "data")
    sample = str(SAMPLES / "ticketsource.csv")

    code, out, _ = run(capsys, "--data", data, "import", "sales", sample, "--timezone", "UTC")

    assert code == 0 and "Imported 3 orders" in out
    assert (
        "This layout (TicketSource bookings) is modelled on the service's own terms, not "
        "confirmed from a real export" in out
    )
    assert "  order_id = Booking Ref" in out
    assert "Columns of the file not read: Booking Fee, Title." in out
    _, confirmed, _ = run(
        capsys, "--data", data, "import", "sales", str(SAMPLES / "eventbrite.csv")
    )
    assert "modelled" not in confirmed and "Columns used" not in confirmed


def test_a_mapping_names_the_columns_of_an_unknown_layout(capsys, tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text(
        "Ref,When,Who,Show,Show date\n1,2026-02-01 10:00,Ada Lovelace,Hamlet,2026-03-14 19:30\n",
        encoding="utf-8",
    )
    base = ("--data", str(tmp_path / "data"), "import", "sales", str(path), "--json")

    code, _, err = run(capsys, *base)
    assert code != 0 and "order number" in err and "column" in err

    code, out, _ = run(
        capsys,
        *base,
        "--mapping",
        "order_id=Ref",
        "--mapping",
        "order_date=When",
        "--mapping",
        "full_name=Who",
        "--mapping",
        "event_name=Show",
        "--mapping",
        "event_date=Show date",
    )
    assert code == 0 and json.loads(out)["imported"] == 1


def test_an_unreadable_file_fails_with_a_clear_message(capsys, tmp_path):
    code, out, err = run(
        capsys, "--data", str(tmp_path / "data"), "import", "sales", str(tmp_path / "missing.csv")
    )
    assert code != 0 and out == ""
    assert "There is no file" in err and "missing.csv" in err

    binary = tmp_path / "sales.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00\x00")
    code, _, err = run(capsys, "--data", str(tmp_path / "data"), "import", "sales", str(binary))
    assert code != 0 and "not a CSV text file" in err

    code, _, err = run(
        capsys,
        "--data",
        str(tmp_path / "data"),
        "import",
        "sales",
        str(SAMPLES / "generic.csv"),
        "--mapping",
        "email=Nope",
    )
    assert code != 0 and "no column called “Nope”" in err


def test_an_unknown_time_zone_is_refused_before_anything_is_saved(capsys, tmp_path):
    data = str(tmp_path / "data")
    code, _, err = run(
        capsys,
        "--data",
        data,
        "import",
        "sales",
        str(SAMPLES / "generic.csv"),
        "--timezone",
        "Mars/Olympus",
    )
    assert code != 0 and "“Mars/Olympus” is not a time zone we know" in err
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    assert json.loads(out)["events"] == 0


# -- issue 16 --------------------------------------------------------------------------
UK_FILE = (
    "order_id,order_date,first_name,last_name,email,event_name,event_date\n"
    "U1,01/10/2026 09:00,Ada,Lovelace,ada@example.org,Hamlet,12/11/2026 19:30\n"
)


def _settings_file(tmp_path, monkeypatch, **values) -> None:
    path = tmp_path / "houselights.ini"
    path.write_text("[import]\n" + "".join(f"{k}={v}\n" for k, v in values.items()))
    monkeypatch.setenv("HOUSELIGHTS_SETTINGS", str(path))


def test_the_command_line_honours_the_time_zone_and_date_order_settings(
    capsys, tmp_path, monkeypatch
):
    """Finding 9: the CLI ignored import/timezone; finding 2: no way to say the date order."""
    _settings_file(tmp_path, monkeypatch, timezone="Europe/London", date_order="dmy")
    path = tmp_path / "uk.csv"
    path.write_text(UK_FILE, encoding="utf-8")
    data = str(tmp_path / "data")

    code, out, _ = run(capsys, "--data", data, "import", "sales", str(path), "--dry-run")
    assert code == 0
    assert "Dates read day first (12/11/2026 is 12 November 2026)" in out
    assert "import/date_order setting decides" in out

    code, out, _ = run(capsys, "--data", data, "import", "sales", str(path), "--json")
    assert code == 0 and json.loads(out)["date_order"] == "dmy"
    _, out, _ = run(capsys, "--data", data, "performances", "--json")
    (show,) = json.loads(out)
    assert show["starts_at"].startswith("2026-11-12T19:30:00") and show["starts_at"].endswith(
        "+00:00"
    )


def test_date_order_option_overrides_the_setting(capsys, tmp_path, monkeypatch):
    _settings_file(tmp_path, monkeypatch, timezone="Europe/London", date_order="dmy")
    path = tmp_path / "us.csv"
    path.write_text(UK_FILE, encoding="utf-8")
    data = str(tmp_path / "data")
    code, out, _ = run(
        capsys, "--data", data, "import", "sales", str(path), "--json", "--date-order", "mdy"
    )
    assert code == 0 and json.loads(out)["date_order_source"] == "choice"
    _, out, _ = run(capsys, "--data", data, "performances", "--json")
    assert json.loads(out)[0]["starts_at"].startswith("2026-12-11T19:30")


def test_an_unrecognised_layout_needs_the_mapping_confirmed(capsys, tmp_path, monkeypatch):
    """Finding 3: a 'Not recognised' file was imported with guessed columns."""
    _settings_file(tmp_path, monkeypatch, timezone="Europe/London")
    path = tmp_path / "odd.csv"
    path.write_text(
        "Order Number,Purchase Date,Name,Email,Event Title,Event Date\n"
        "X1,2026-02-01 10:15,Ada Lovelace,ada@example.org,Hamlet,2026-03-14 19:30\n",
        encoding="utf-8",
    )
    data = str(tmp_path / "data")
    code, out, _ = run(capsys, "--data", data, "import", "sales", str(path), "--dry-run")
    assert code == 0 and "  order_id = Order Number" in out and "not recognised" in out

    code, _, err = run(capsys, "--data", data, "import", "sales", str(path))
    assert code != 0 and "do not recognise the layout" in err
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    assert json.loads(out)["events"] == 0

    code, out, _ = run(
        capsys,
        "--data",
        data,
        "import",
        "sales",
        str(path),
        "--json",
        "--mapping",
        "full_name=Name",
    )
    assert code == 0 and json.loads(out)["imported"] == 1


def test_an_item_pattern_that_cannot_be_read_is_refused(capsys, tmp_path):
    code, _, err = run(
        capsys,
        "--data",
        str(tmp_path / "data"),
        "import",
        "sales",
        str(SAMPLES / "generic.csv"),
        "--item-pattern",
        "(?P<event>.+)",
    )
    assert code != 0 and "(?P<date>…)" in err


class Terminal(io.StringIO):
    """Standard error as a person's terminal."""

    def isatty(self) -> bool:
        return True


def test_a_big_import_shows_each_phase_with_its_numbers_on_a_terminal(
    capsys, tmp_path, monkeypatch
):
    """Issue 16: no number moved while a big file was read and planned."""
    path = tmp_path / "season.csv"
    rows = export(path, 5000)
    data = str(tmp_path / "data")
    for dry_run in (("--dry-run",), ()):
        terminal = Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        code, out, _ = run(capsys, "--data", data, "import", "sales", str(path), *dry_run)
        assert code == 0, out
        shown = [line.split("\r")[-1].rstrip() for line in terminal.getvalue().split("\n")]
        said = re.search(r"(?:import|Imported) ([\d,]+) orders", out)
        assert said, out
        orders = int(said[1].replace(",", ""))
        assert shown[:6] == [
            f"Reading the file: {rows:,} rows",
            f"Checking the dates: {rows:,} of {rows:,} rows",
            f"Checking the barcodes: {rows:,} of {rows:,} rows",
            f"Reading the sales: {rows:,} of {rows:,} rows",
            f"Looking for barcodes used twice: {rows:,} of {rows:,} rows",
            f"Planning the orders: {orders:,} of {orders:,}",
        ]
        selling = "Rehearsing orders (dry run)" if dry_run else "Importing orders"
        assert shown[6] == f"{selling}: {orders:,} of {orders:,}"
        # the numbers moved: the reading line was written at 2,000 and 4,000 rows first
        assert "Reading the file: 2,000 rows\rReading the file: 4,000 rows\r" in (
            terminal.getvalue()
        )


def test_ctrl_c_while_the_orders_are_planned_stops_and_imports_nothing(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 50)
    path = tmp_path / "season.csv"
    export(path, 400)
    data = str(tmp_path / "data")
    planned = []
    plan_order = sales_import.plan_order

    def plan_then_press_ctrl_c(*args):
        planned.append(args[0])
        if len(planned) == 60:
            signal.raise_signal(signal.SIGINT)  # as a person pressing Ctrl-C
        return plan_order(*args)

    monkeypatch.setattr(sales_import, "plan_order", plan_then_press_ctrl_c)
    # (Python's own handler, or "ignore" when the suite was started in the background)
    before = signal.getsignal(signal.SIGINT)
    code, out, err = run(capsys, "--data", data, "import", "sales", str(path), "--json")

    report = json.loads(out)
    assert code == 1 and report["cancelled"] is True and report["stopped_in"] == "planning"
    assert (report["imported"], report["tickets"]) == (0, 0)
    assert "Stopping" in err
    assert len(planned) == 100  # it stopped when the chunk of orders it was on was planned
    assert signal.getsignal(signal.SIGINT) is before  # given back
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    assert json.loads(out)["events"] == 0


def test_ctrl_c_while_a_file_is_read_stops_before_anything_is_opened(capsys, tmp_path, monkeypatch):
    from imports.sales_file import SpooledRows

    path = tmp_path / "season.csv"
    export(path, 5000)
    extend = SpooledRows.extend

    def extend_then_press_ctrl_c(rows_kept, rows):
        extend(rows_kept, rows)
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(SpooledRows, "extend", extend_then_press_ctrl_c)
    code, out, err = run(capsys, "--data", str(tmp_path / "data"), "import", "sales", str(path))

    assert (code, out) == (130, "")
    assert "stopped while reading the file; nothing was imported" in err
    assert not (tmp_path / "data").exists()  # the store was never opened


@pytest.fixture
def computer_in_dubai(computer_clock):
    """This computer's clock zone is Asia/Dubai (the process's TZ)."""
    computer_clock("Asia/Dubai")


def test_without_an_import_zone_the_organizations_is_used_not_the_computers(
    capsys, tmp_path, monkeypatch, computer_in_dubai
):
    """Dates without a zone: --timezone, else import/timezone, else the organization's
    time zone (here London), and only then this computer's clock zone (here Dubai)."""
    from desktop.cli import organization_settings

    _settings_file(tmp_path, monkeypatch, date_order="dmy")  # no import/timezone chosen
    data = tmp_path / "data"
    organization_settings(data).set("organization/timezone", "Europe/London")
    path = tmp_path / "uk.csv"
    path.write_text(UK_FILE, encoding="utf-8")

    code, _, _ = run(capsys, "--data", str(data), "import", "sales", str(path), "--json")
    assert code == 0
    _, out, _ = run(capsys, "--data", str(data), "performances", "--json")
    (show,) = json.loads(out)
    assert show["starts_at"] == "2026-11-12T19:30:00.000000+00:00"  # 19:30 in London


def test_the_import_zone_setting_wins_over_the_organizations(
    capsys, tmp_path, monkeypatch, computer_in_dubai
):
    from desktop.cli import organization_settings

    _settings_file(tmp_path, monkeypatch, timezone="America/New_York", date_order="dmy")
    data = tmp_path / "data"
    organization_settings(data).set("organization/timezone", "Europe/London")
    path = tmp_path / "uk.csv"
    path.write_text(UK_FILE, encoding="utf-8")

    assert run(capsys, "--data", str(data), "import", "sales", str(path), "--json")[0] == 0
    _, out, _ = run(capsys, "--data", str(data), "performances", "--json")
    assert json.loads(out)[0]["starts_at"] == "2026-11-13T00:30:00.000000+00:00"  # New York


def test_a_long_import_has_its_read_models_brought_up_to_date_alongside(
    capsys, tmp_path, monkeypatch
):
    """Issue 16's speed: a second process applies the saved chunks while the import
    runs; when the command ends nothing is left behind."""
    from projections.runner import ReadModelRunner

    monkeypatch.setattr(sales_import, "ALONGSIDE_ROWS", 300)
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 60)
    finished = []
    finish = ReadModelRunner.finish_alongside

    def finish_and_note(runner, second, **options):
        applied = finish(runner, second, **options)
        finished.append((second.error, second.applied, applied))
        return applied

    monkeypatch.setattr(ReadModelRunner, "finish_alongside", finish_and_note)
    path = tmp_path / "season.csv"
    export(path, 400)
    data = str(tmp_path / "data")

    code, out, _ = run(capsys, "--data", data, "import", "sales", str(path), "--json")
    assert code == 0 and json.loads(out)["tickets"] == 400
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    status = json.loads(out)
    [(error, by_the_second, both)] = finished
    assert error == "" and by_the_second == both == status["events"]
    assert max(p["lag"] for p in status["projections"].values()) == 0


def test_ctrl_c_during_a_long_import_keeps_what_was_saved_applied(capsys, tmp_path, monkeypatch):
    """Ctrl-C reaches the second process too: it ignores it, applies what the import
    saved before it stopped, and the command ends with the read models up to date."""
    from projections.runner import ReadModelRunner

    monkeypatch.setattr(sales_import, "ALONGSIDE_ROWS", 100)
    monkeypatch.setattr(sales_import, "CHUNK_ORDERS", 50)
    path = tmp_path / "season.csv"
    export(path, 400)
    data = str(tmp_path / "data")
    sold = []
    finished = []
    finish = ReadModelRunner.finish_alongside

    def finish_and_note(runner, second, **options):
        applied = finish(runner, second, **options)
        finished.append((second.error, second.applied))
        return applied

    monkeypatch.setattr(ReadModelRunner, "finish_alongside", finish_and_note)
    started = []
    start = ReadModelRunner.start_alongside

    def start_and_note(runner, *args):
        started.append((runner, start(runner, *args)))
        return started[-1][1]

    monkeypatch.setattr(ReadModelRunner, "start_alongside", start_and_note)
    original = sales_import.SalesImport._sell_order

    def sell_then_press_ctrl_c(self, *args, **kwargs):
        sold.append(1)
        if len(sold) == 120:
            [(runner, second)] = started
            saved, waited, pause = runner.head(), 0.0, threading.Event()
            while second.position() < saved and waited < 60:  # (a hang guard)
                pause.wait(0.05)  # until the second process has applied what was saved
                waited += 0.05
            # A terminal sends Ctrl-C to every process of the command.
            os.kill(second._process.pid, signal.SIGINT)
            signal.raise_signal(signal.SIGINT)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sales_import.SalesImport, "_sell_order", sell_then_press_ctrl_c)
    code, out, _ = run(capsys, "--data", data, "import", "sales", str(path), "--json")

    report = json.loads(out)
    assert code == 1 and report["cancelled"] is True
    assert 0 < report["imported"] < 200
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    status = json.loads(out)
    assert finished == [("", status["events"])]  # the second process applied them all
    assert max(p["lag"] for p in status["projections"].values()) == 0


def test_a_dry_run_of_a_long_file_starts_no_second_process(capsys, tmp_path, monkeypatch):
    """A dry run saves nothing: there is nothing for a second process to apply."""
    from projections.runner import ReadModelRunner

    monkeypatch.setattr(sales_import, "ALONGSIDE_ROWS", 100)
    started = []
    start = ReadModelRunner.start_alongside

    def start_and_note(runner, *args):
        started.append(start(runner, *args))
        return started[-1]

    monkeypatch.setattr(ReadModelRunner, "start_alongside", start_and_note)
    path = tmp_path / "season.csv"
    export(path, 300)
    data = str(tmp_path / "data")

    code, out, _ = run(capsys, "--data", data, "import", "sales", str(path), "--dry-run")
    assert code == 0 and "nothing was saved" in out.lower(), out
    assert started == []
    code, _, _ = run(capsys, "--data", data, "import", "sales", str(path))
    assert code == 0 and len(started) == 1 and started[0] is not None


def test_a_long_import_starts_its_second_process_before_opening_the_store(
    capsys, tmp_path, monkeypatch
):
    """The second process imports the read models (about half a second of CPU) while
    this one opens the store: it used to be started after, and was often not ready for
    the first chunk. The process started ahead is the one that applies the import."""
    from infrastructure import bootstrap
    from projections.alongside import CatchUpAlongside
    from projections.runner import ReadModelRunner

    monkeypatch.setattr(sales_import, "ALONGSIDE_ROWS", 100)
    steps: list[str] = []
    prepared, started = [], []
    prepare, open_services = CatchUpAlongside.prepare, bootstrap.bootstrap
    start = ReadModelRunner.start_alongside

    def prepare_and_note(*args):
        steps.append("second process")
        prepared.append(prepare(*args))
        return prepared[-1]

    def open_and_note(*args, **kwargs):
        steps.append("store")
        return open_services(*args, **kwargs)

    def start_and_note(runner, *args):
        started.append(start(runner, *args))
        return started[-1]

    monkeypatch.setattr(CatchUpAlongside, "prepare", prepare_and_note)
    monkeypatch.setattr(bootstrap, "bootstrap", open_and_note)
    monkeypatch.setattr(ReadModelRunner, "start_alongside", start_and_note)
    path = tmp_path / "season.csv"
    export(path, 300)
    data = str(tmp_path / "data")

    code, out, _ = run(capsys, "--data", data, "import", "sales", str(path), "--json")
    assert code == 0 and json.loads(out)["imported"] > 100
    assert steps == ["second process", "store"]
    [second] = started
    assert second is not None and second._process is prepared[0].process
    assert second.error == "" and second._process.exitcode == 0
    _, out, _ = run(capsys, "--data", data, "status", "--json")
    assert max(p["lag"] for p in json.loads(out)["projections"].values()) == 0

    # a dry run saves nothing to apply: no process is started for it, ahead or not
    steps.clear()
    code, _, _ = run(capsys, "--data", data, "import", "sales", str(path), "--dry-run")
    assert code == 0 and steps == ["store"] and len(started) == 1


def test_the_import_command_imports_the_stores_modules_before_qt(tmp_path):
    """PySide6, once imported, reads the source of every module imported after it (its
    ``__feature__`` hook): 0.08 s of the command's start when the settings were read
    (through Qt) before the store was opened. A fresh process, as on a terminal."""
    script = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"code = main(['--data', {str(tmp_path / 'data')!r}, 'import', 'sales', "
        f"{str(SAMPLES / 'generic.csv')!r}, '--timezone', 'Europe/London'])\n"
        "names = list(sys.modules)\n"
        "print(code, names.index('domain.application') < names.index('PySide6'))\n"
    )
    env = {**os.environ, "HOUSELIGHTS_SETTINGS": str(tmp_path / "settings.ini")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.stdout.split()[-2:] == ["0", "True"], done.stderr


def test_the_stores_page_check_begins_before_the_file_is_read(capsys, tmp_path, monkeypatch):
    """A big store's page check reads every page for a second or more and the first
    save waits for it: it runs while the file is read and checked, begun once."""
    from imports import sales_file
    from infrastructure import store_check

    args = ("--data", str(tmp_path / "data"), "import", "sales", str(SAMPLES / "generic.csv"))
    assert run(capsys, *args, "--timezone", "Europe/London")[0] == 0  # the store exists
    steps: list[str] = []
    begin, read = store_check.StoreHealth.__init__, sales_file.read_sales_file

    def begun(self, *args, **kwargs):
        steps.append("page check")
        begin(self, *args, **kwargs)

    def reading(*args, **kwargs):
        steps.append("reading the file")
        return read(*args, **kwargs)

    monkeypatch.setattr(store_check.StoreHealth, "__init__", begun)
    monkeypatch.setattr(sales_file, "read_sales_file", reading)
    code, _, _ = run(capsys, *args, "--timezone", "Europe/London")
    assert code == 0
    assert steps == ["page check", "reading the file"]  # was the other way round

    # no store yet: nothing is begun, and a file that cannot be read creates nothing
    steps.clear()
    missing = ("--data", str(tmp_path / "new"), "import", "sales", str(tmp_path / "no.csv"))
    assert run(capsys, *missing)[0] != 0
    assert steps == ["reading the file"] and not (tmp_path / "new").exists()
