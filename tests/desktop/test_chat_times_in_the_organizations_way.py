"""A chat's message times in the organization's time zone and way (issue 22): the chat
view and the chat on a patron's timeline write each message's moment (kept as a
``domain.wording`` mark in ``shown_transcript``) through ``desktop.formatting``, not
in this computer's clock; a data folder built before is rebuilt once when it opens."""

from __future__ import annotations

import pytest

from desktop import formatting
from desktop.main_window import FOLLOW_UPS
from desktop.models.base import ROW_ROLE
from desktop.views.conversations.follow_ups import CHATS_TAB
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import conversations, timeline

#: Wednesday 8 September 2027: 13:01 UTC is 14:01 in London (summer time), 9:01 AM in
#: New York and 22:01 in Tokyo; the last message, 23:10 UTC, is past midnight in London
MESSAGES = [
    {
        "at": "2027-09-08T13:01:00+00:00",
        "sender": "visitor",
        "name": "G. H.",
        "text": "Is the Saturday matinee relaxed?",
    },
    {
        "at": "2027-09-08T13:02:00+00:00",
        "sender": "agent",
        "name": "Maria",
        "text": "Yes, lights stay up a little.",
    },
    {"at": "2027-09-08T23:10:00+00:00", "sender": "visitor", "name": "G. H.", "text": "Thanks!"},
]

WAYS = [
    (
        "GB",
        "Europe/London",
        [
            "[14:01] G. H.: Is the Saturday matinee relaxed?",
            "[14:02] Maria (staff): Yes, lights stay up a little.",
            "[Thu 9 Sept 2027, 00:10] G. H.: Thanks!",  # the next day in London
        ],
    ),
    (
        "US",
        "America/New_York",
        [
            "[9:01 AM] G. H.: Is the Saturday matinee relaxed?",
            "[9:02 AM] Maria (staff): Yes, lights stay up a little.",
            "[7:10 PM] G. H.: Thanks!",  # the same day in New York
        ],
    ),
]


def plain(text: str) -> str:
    """Qt writes a narrow or no-break space in some countries' times."""
    return (text or "").replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def machine_in_tokyo(computer_clock):
    """This computer's clock in Tokyo (TZ): neither organization's zone."""
    computer_clock("Asia/Tokyo")


def _ada(services) -> str:
    row = (
        services.runner.db()
        .conn.execute("SELECT id FROM patrons WHERE name = 'Ada Lovelace'")
        .fetchone()
    )
    return row[0]


@pytest.mark.parametrize(("country", "zone", "lines"), WAYS)
def test_the_chat_view_shows_the_message_times_in_the_organizations_zone_and_way(
    machine_in_tokyo, services, window, qtbot, country, zone, lines
):
    formatting.configure(country, "", zone)
    services.app.record_chat(
        "tawk.to", "c-1", MESSAGES, visitor_name="G. H.", visitor_email="ada@example.org"
    )
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    view.show_tab(CHATS_TAB)
    qtbot.waitUntil(lambda: view.chats.model.rowCount() == 1)
    panel = view.chats.panel
    qtbot.waitUntil(lambda: "Thanks!" in panel.transcript.toPlainText())

    assert plain(panel.transcript.toPlainText()).splitlines()[:3] == lines
    assert "{" not in panel.transcript.toPlainText()
    # found by the words said, not by the times nor the marks' ISO digits
    assert len(conversations.search_chats(services.runner.db(), "matinee relaxed")) == 1
    assert conversations.search_chats(services.runner.db(), "13") == []
    assert conversations.search_chats(services.runner.db(), "moment") == []


@pytest.mark.parametrize(("country", "zone", "lines"), WAYS)
def test_the_chat_on_the_patrons_timeline_shows_the_times_in_the_organizations_way(
    machine_in_tokyo, services, window, qtbot, country, zone, lines
):
    formatting.configure(country, "", zone)
    ada = _ada(services)
    services.app.record_chat("tawk.to", "c-2", MESSAGES, visitor_email="ada@example.org")
    window.open_patron(ada)
    page = window.patron_page
    table = page.timeline_table
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() == 2)
    [row] = [
        r
        for r in range(table.model().rowCount())
        if table.model().index(r, 0).data(ROW_ROLE)["kind"] == "chat"
    ]
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.selectRow(row)
    qtbot.keyClick(table, "\r")  # Enter opens the whole chat below the timeline
    qtbot.waitUntil(page.timeline_detail.isVisible)

    assert plain(page.timeline_detail.toPlainText()).splitlines() == lines


@pytest.mark.parametrize(
    ("version", "old_line"),
    [
        (2, "[22:01] G. H.: Is the Saturday matinee relaxed?"),  # this computer's clock
        (3, "[{time:2027-09-08T13:01:00+00:00}] G. H.: Is the Saturday matinee relaxed?"),
    ],
)
def test_a_data_folder_built_before_shows_the_times_once_rebuilt(
    machine_in_tokyo, tmp_path, version, old_line
):
    """A read model built by conversations v2 (this computer's clock in the searched
    transcript, no ``shown_transcript``) or v3 (marks in the searched transcript) and
    timeline v9 is rebuilt when the data folder opens, once."""
    data = tmp_path / "data"
    services = bootstrap(resolve(data), staff="maria", workstation="box-office-1")
    ada = services.app.register_patron("Ada", "Lovelace", email="ada@example.org")
    chat = services.app.record_chat("tawk.to", "c-3", MESSAGES, visitor_email="ada@example.org").id
    services.runner.catch_up()
    db = services.runner.db()
    with db.atomic():  # as those versions wrote it
        db.conn.execute("ALTER TABLE chats DROP COLUMN shown_transcript")
        db.conn.execute("UPDATE chats SET transcript = ?", (old_line,))
        db.conn.execute("INSERT INTO chats_fts (chats_fts) VALUES ('rebuild')")
        db.conn.execute("UPDATE timeline SET detail = ? WHERE kind = 'chat'", (old_line,))
        db.conn.execute("UPDATE timeline_chats SET transcript = ?", (old_line,))
        db.conn.execute(
            "UPDATE projection_positions SET version = ? WHERE name = 'conversations'",
            (version,),
        )
        db.conn.execute("UPDATE projection_positions SET version = 9 WHERE name = 'timeline'")
    clock = '"22"*' if version == 2 else '"2027"*'  # the old search found the clock
    assert db.conn.execute(
        "SELECT count(*) FROM chats_fts WHERE chats_fts MATCH ?", (clock,)
    ).fetchone() == (1,)
    services.close()

    formatting.configure("GB", "", "Europe/London")
    services = bootstrap(resolve(data), staff="maria", workstation="box-office-1")
    try:
        services.runner.catch_up()
        db = services.runner.db()
        row = conversations.chat(db, chat)
        assert row is not None
        assert plain(formatting.transcript(row["shown_transcript"])).splitlines() == WAYS[0][2]
        [on_timeline] = [r for r in timeline.rows(db, ada) if r["kind"] == "chat"]
        assert plain(formatting.transcript(on_timeline["detail"])).splitlines() == WAYS[0][2]
        assert conversations.search_chats(db, "22") == []
        assert conversations.search_chats(db, "2027") == []
        assert len(conversations.search_chats(db, "matinee")) == 1
        positions = services.runner.positions()
    finally:
        services.close()

    # rebuilt once: opened again, the read models carry on from where they were
    services = bootstrap(resolve(data), staff="maria", workstation="box-office-1")
    try:
        assert services.runner.positions() == positions
    finally:
        services.close()
