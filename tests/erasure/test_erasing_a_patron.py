"""Erasing a patron: their personal data leaves every file of the data folder,
while counts and revenue stay true."""

from __future__ import annotations

import json

import pytest

from desktop.erasure import erase_patron
from domain.errors import PatronErased, PatronNotFound
from domain.personal_data import ERASED
from projections import box_office, patron_directory, timeline
from tests.erasure.conftest import SECRETS, files_containing, register_secret_patron, sell_and_scan


def sales_figures(services) -> list[tuple]:
    db = services.runner.db()
    return [
        (p["id"], p["sold"], p["admitted"], p["revenue_cents"]) for p in box_office.performances(db)
    ]


def stored_rows(services) -> list[bytes]:
    """Every raw row of a PostgreSQL store's tables, as bytes."""
    app = services.app
    datastore = app.recorder.datastore
    tables = (app.recorder.events_table_name, app.snapshots.recorder.events_table_name)
    found = []
    with datastore.transaction(commit=False) as c:
        for table in tables:
            c.execute(f"SELECT * FROM {table}")
            found += [repr(row).encode() for row in c.fetchall()]
            c.execute(f"SELECT state FROM {table}")
            found += [bytes(row["state"]) for row in c.fetchall()]
    return found


def test_erased_personal_data_is_in_no_file_while_sales_stay_true(start, store_config, monkeypatch):
    monkeypatch.setattr("desktop.erasure.PAGE", 2)  # the store is read a page at a time
    services = start()
    app = services.app
    patron_id = register_secret_patron(app)
    sold = sell_and_scan(app, patron_id)
    services.runner.catch_up()
    before = sales_figures(services)
    assert before and before[0][1:] == (4, 1, 10500)
    folder = store_config.data_dir
    if store_config.kind == "sqlite":
        # The test can fail: before the erasure the secrets are on disk.
        assert {name for _, name in files_containing(folder, SECRETS)} >= {"first_name", "note"}

    result = erase_patron(services.app, services.runner, patron_id)

    assert result["recorded"] and result["events_redacted"] >= 4
    assert sales_figures(services) == before
    row = patron_directory.get(services.runner.db(), patron_id)
    assert row["name"] == ERASED and row["email"] == ERASED
    assert patron_directory.search(services.runner.db(), "Zebulonia") == []
    summaries = [r["summary"] for r in timeline.rows(services.runner.db(), patron_id)]
    assert summaries[0].startswith("Personal data erased by maria on ")
    # The other buyer keeps everything.
    assert patron_directory.get(services.runner.db(), sold["other"])["name"] == "Ada Lovelace"
    # Aggregates still load; the patron can no longer be changed.
    assert app.get_patron(patron_id)["first_name"] == ERASED
    with pytest.raises(PatronErased):
        app.add_note(patron_id, "Another note")
    assert app.find_contact_matches(email=SECRETS["new_email"]) == []
    # The ticket whose undo reason was redacted still loads and still knows it was used.
    code = sold["order"]["codes"][0]
    assert app.scan(code, sold["performance"], "South door")["verdict"] == "already_admitted"
    services.runner.catch_up()
    assert sales_figures(services) == before
    # Also while everything is still open (WAL and shared-memory files in place).
    assert files_containing(folder, SECRETS) == []
    services.close()

    assert files_containing(folder, SECRETS) == []
    if store_config.kind == "postgresql":
        services = start()
        raw = b"\n".join(stored_rows(services))
        assert not [name for name, text in SECRETS.items() if text.encode() in raw]
        assert b"Ada" in raw  # the check can see names that are there

    # A fresh start, and a rebuild from zero, show the same figures.
    again = start()
    assert sales_figures(again) == before
    again.runner.rebuild()
    assert sales_figures(again) == before
    assert json.dumps(again.app.get_patron(patron_id)).count(ERASED) >= 5


def test_erasing_twice_finishes_the_job_and_unknown_patrons_are_refused(start):
    services = start()
    patron_id = register_secret_patron(services.app)
    first = erase_patron(services.app, services.runner, patron_id)
    second = erase_patron(services.app, services.runner, patron_id)
    assert first["recorded"] and not second["recorded"]
    assert second["events_redacted"] == 0
    with pytest.raises(PatronNotFound):
        erase_patron(services.app, services.runner, "not-a-patron")


def test_another_workstation_forgets_the_patron_when_it_catches_up(tmp_path, postgres_db):
    """Two workstations on one PostgreSQL store: the one that did not erase rebuilds too."""
    from desktop.bootstrap import bootstrap
    from desktop.config import resolve

    office = bootstrap(resolve(tmp_path / "office", store=postgres_db), staff="maria")
    foyer = bootstrap(resolve(tmp_path / "foyer", store=postgres_db), staff="sam")
    try:
        patron_id = register_secret_patron(office.app)
        sell_and_scan(office.app, patron_id)
        foyer.runner.poll()
        assert files_containing(tmp_path / "foyer", SECRETS)
        before = sales_figures(foyer)

        # The foyer polls between the erasure event and the rewrite of the payloads:
        # it waits rather than rebuilding from payloads that still hold the data.
        office.app.record_erasure(patron_id)
        foyer.runner.poll()
        assert foyer.runner.pending_erasures == {patron_id}
        erase_patron(office.app, office.runner, patron_id)
        foyer.runner.poll()

        assert foyer.runner.pending_erasures == set()
        assert files_containing(tmp_path / "foyer", SECRETS) == []
        assert sales_figures(foyer) == before
        assert patron_directory.get(foyer.runner.db(), patron_id)["name"] == ERASED
    finally:
        foyer.close()
        office.close()
