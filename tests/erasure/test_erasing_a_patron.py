"""Erasing a patron: their personal data leaves every file of the data folder,
while counts and revenue stay true."""

from __future__ import annotations

import json

import pytest

from domain.errors import PatronErased, PatronNotFound
from domain.personal_data import ERASED
from infrastructure import backups
from infrastructure.erasure import erase_patron
from projections import (
    audit,
    box_office,
    conversations,
    patron_directory,
    patron_search,
    thank_yous,
    timeline,
)
from tests.erasure.conftest import (
    CONVERSATION_SECRETS,
    KEPT,
    SECRETS,
    converse,
    files_containing,
    register_secret_patron,
    sell_and_scan,
)

EVERYTHING = {**SECRETS, **CONVERSATION_SECRETS}


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


def conversation_figures(services, patron_id: str) -> dict:
    """What the office counts about calls, chats, follow-ups and thank-yous."""
    db = services.runner.db()

    def count(table: str) -> int:
        return db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    return {
        "calls": count("calls"),
        "chats": count("chats"),
        "follow_ups": count("follow_ups"),
        "waiting_chats": len(conversations.waiting_chats(db)),
        "patron_calls": len(conversations.calls(db, patron_id)),
        "follow_ups_due": conversations.follow_up_counts(db),
        "thanked": thank_yous.count(db, thanked=True),
        "timeline": timeline.count(db, patron_id),
    }


def test_erased_personal_data_is_in_no_file_while_sales_stay_true(
    start, store_config, monkeypatch, tmp_path
):
    monkeypatch.setattr("infrastructure.erasure.PAGE", 2)  # the store is read a page at a time
    services = start()
    app = services.app
    patron_id = register_secret_patron(app)
    sold = sell_and_scan(app, patron_id)
    talk = converse(app, patron_id, tmp_path)
    app.thank_patron(patron_id, "letter", "attendance", sold["performance"])
    services.runner.catch_up()
    before = sales_figures(services)
    assert before and before[0][1:] == (4, 1, 10500)
    talked = conversation_figures(services, patron_id)
    assert (talked["calls"], talked["chats"], talked["waiting_chats"]) == (1, 4, 2)
    assert talked["thanked"] == 1
    folder = store_config.data_dir
    if store_config.kind == "sqlite":
        # A backup made before the erasure, with its read-model copy, in the data folder.
        made = backups.backup(store_config, include_readmodels=True)
        # The test can fail: before the erasure the secrets are on disk, in the
        # event store and in the read models (the chats' full-text index too).
        found = files_containing(folder, EVERYTHING)
        assert {name for _, name in found} == set(EVERYTHING)
        assert ("readmodels", "unmatched_chat") in {(f.split(".")[0], n) for f, n in found}
        assert {made.path.name, made.readmodels.name} <= {f for f, _ in found}

    result = erase_patron(services.app, services.runner, patron_id, data_dir=folder)

    assert result.recorded and result.events_redacted >= 12
    assert result.records == (patron_id, talk["duplicate"])
    if store_config.kind == "sqlite":
        assert result.backups.cleaned == (str(made.path),)
        assert result.backups.not_cleaned == ()
    assert sales_figures(services) == before
    # Every call, chat, follow-up and thank-you is still counted; the timeline gains
    # one "Personal data erased" line per record erased.
    talked["timeline"] += len(result.records)
    assert conversation_figures(services, patron_id) == talked
    db = services.runner.db()
    assert conversations.search_chats(db, "Tobiasquin") == []
    assert conversations.search_chats(db, "Saffronwhistle") == []
    assert len(conversations.search_chats(db, "Periwinkle")) == 1  # someone else's chat stays
    audit_rows = json.dumps(audit.rows(db))
    assert not [name for name, text in EVERYTHING.items() if text.lower() in audit_rows.lower()]
    # The record merged into the patron is the same person: erased with them. The one
    # merged by mistake and unmerged again is someone else: it stays.
    assert app.get_patron(talk["duplicate"]).first_name == ERASED
    with pytest.raises(PatronErased):
        app.merging._patron_record(talk["duplicate"]).check_not_erased()
    assert patron_directory.get(db, talk["unmerged"])["name"] == "Ottoline Brackenfurze"
    row = patron_directory.get(services.runner.db(), patron_id)
    assert row["name"] == ERASED and row["email"] == ERASED
    assert patron_search.search(services.runner.db(), "Zebulonia") == []
    summaries = [r["summary"] for r in timeline.rows(services.runner.db(), patron_id)]
    assert summaries[0].startswith("Personal data erased by maria on ")
    # The other buyer keeps everything.
    assert patron_directory.get(services.runner.db(), sold["other"])["name"] == "Ada Lovelace"
    # Aggregates still load; the patron can no longer be changed.
    assert app.get_patron(patron_id).first_name == ERASED
    with pytest.raises(PatronErased):
        app.add_note(patron_id, "Another note")
    assert app.find_contact_matches(email=SECRETS["new_email"]) == []
    # The ticket whose undo reason was redacted still loads and still knows it was used.
    code = sold["order"].codes[0]
    assert app.scan(code, sold["performance"], "South door").verdict == "already_admitted"
    talked["timeline"] += 1  # that refused scan is on the (erased) patron's timeline too
    services.runner.catch_up()
    assert sales_figures(services) == before
    # Also while everything is still open (WAL and shared-memory files in place).
    assert files_containing(folder, EVERYTHING) == []
    services.close()

    assert files_containing(folder, EVERYTHING) == []
    if store_config.kind == "sqlite":  # the check can see what is there
        assert {name for _, name in files_containing(folder, KEPT)} == set(KEPT)
    if store_config.kind == "postgresql":
        services = start()
        raw = b"\n".join(stored_rows(services))
        assert not [name for name, text in EVERYTHING.items() if text.encode() in raw]
        assert b"Ada" in raw and KEPT["other_chat"].encode() in raw  # it sees what is there

    # A fresh start, and a rebuild from zero, show the same figures.
    again = start()
    assert sales_figures(again) == before
    again.runner.rebuild()
    assert sales_figures(again) == before
    assert conversation_figures(again, patron_id) == talked
    assert json.dumps(again.app.get_patron(patron_id).to_json()).count(ERASED) >= 5


def test_erasing_twice_finishes_the_job_and_unknown_patrons_are_refused(start):
    services = start()
    patron_id = register_secret_patron(services.app)
    first = erase_patron(services.app, services.runner, patron_id)
    second = erase_patron(services.app, services.runner, patron_id)
    assert first.recorded and not second.recorded
    assert second.events_redacted == 0
    with pytest.raises(PatronNotFound):
        erase_patron(services.app, services.runner, "not-a-patron")


def test_another_workstation_forgets_the_patron_when_it_catches_up(tmp_path, postgres_db):
    """Two workstations on one PostgreSQL store: the one that did not erase rebuilds too."""
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

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
