"""The thank-you queue on screen: marking one, marking many, mail merge and drafts."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from desktop.main_window import THANK_YOUS
from desktop.models.thank_you_table import ThankYouTableModel as T
from desktop.thank_you_letters import (
    MAIL_MERGE_HEADERS,
    draft_text,
    mail_merge_rows,
    mailto_url,
    recipients,
    salutation,
)
from projections import box_office, thank_yous, timeline
from tests.desktop.conftest import schedule

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def evening(services):
    """Hamlet two days ago: Ada (with a friend), Zoë and Grace came; Adam gave $50."""
    app, db = services.app, services.runner.db()
    hamlet = schedule(app, "Hamlet", -2, capacity=20)
    ids = {r["first_name"]: r["patron_id"] for r in _patrons(db)}
    came = datetime.now(UTC) - timedelta(days=2, minutes=10)
    for name, tickets in (("Ada", 2), ("Zoë", 1), ("Grace", 1)):
        sale = app.sell_tickets(hamlet, {"Adult": tickets}, patron_id=ids[name])
        for code in sale.codes:
            app.scan(code, hamlet, "North", occurred_at=came)
    gift = app.record_donation(ids["Adam"], 5000, "Education fund")
    return {"hamlet": hamlet, "gift": gift, **ids}


def _patrons(db):
    from projections import patron_directory

    return [
        {"first_name": r["name"].split()[0], "patron_id": r["id"]}
        for r in patron_directory.page(db, limit=10)
    ]


@pytest.fixture
def queue(window, qtbot, evening):
    window.show_area(THANK_YOUS)
    view = window.thank_yous
    qtbot.waitUntil(lambda: view.model.rowCount() == 4)
    return view


def shown(view, column: int) -> list[str]:
    model = view.table.model()
    return sorted(model.index(r, column).data() for r in range(model.rowCount()))


def click_row(qtbot, view, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = view.table.visualRect(view.table.model().index(row, T.NAME))
    qtbot.mouseClick(view.table.viewport(), LEFT, modifier, rect.center())


def test_the_queue_lists_who_came_and_who_gave(queue, services):
    assert shown(queue, T.NAME) == ["Ada Lovelace", "Adam Zimmer", "Grace Hopper", "Zoë Adams"]
    assert shown(queue, T.KIND) == ["Came", "Came", "Came", "Gave"]
    assert "$50.00 to Education fund" in shown(queue, T.FOR)
    assert shown(queue, T.VISIT) == ["", "1st", "1st", "1st"]
    assert "Waiting: 3 attendees, 1 donors." in queue.summary.text()
    assert not queue.letter_button.isEnabled()  # nobody selected yet


def test_marking_one_thank_you_puts_it_on_the_timeline(queue, services, qtbot, evening):
    row = next(r for r in range(4) if queue.table.model().index(r, T.NAME).data() == "Zoë Adams")
    click_row(qtbot, queue, row)
    assert queue.selection_label.text() == "1 selected"

    qtbot.mouseClick(queue.letter_button, LEFT)

    qtbot.waitUntil(lambda: "Zoë Adams" not in shown(queue, T.NAME))
    summaries = [r["summary"] for r in timeline.rows(services.runner.db(), evening["Zoë"])]
    assert summaries[0].startswith("Thanked by letter for coming to Hamlet")
    assert "Waiting: 2 attendees, 1 donors." in queue.summary.text()


def test_marking_many_at_once_by_a_real_selection(queue, services, qtbot, evening):
    click_row(qtbot, queue, 0)
    click_row(qtbot, queue, 3, Qt.KeyboardModifier.ShiftModifier)  # rows 0..3
    assert queue.selection_label.text() == "4 selected"

    qtbot.mouseClick(queue.email_button, LEFT)

    qtbot.waitUntil(lambda: queue.model.rowCount() == 0, timeout=10000)
    qtbot.waitUntil(lambda: queue.bulk_task is None)
    db = services.runner.db()
    assert thank_yous.count(db, thanked=True) == 4
    assert box_office.donations(db, evening["Adam"])[0]["acknowledged_how"] == "email"
    # the filters show them again: thanked, donors only
    queue.status_filter.setCurrentIndex(queue.status_filter.findData("thanked"))
    queue.kind_filter.setCurrentIndex(queue.kind_filter.findData("donor"))
    queue.load_rows()
    assert shown(queue, T.NAME) == ["Adam Zimmer"]
    assert shown(queue, T.THANKED)[0].startswith("by email, ")


def test_select_all_with_the_keyboard_and_filter_by_performance(queue, qtbot, evening):
    queue.performance_filter.setCurrentIndex(queue.performance_filter.findData(evening["hamlet"]))
    queue.load_rows()
    assert shown(queue, T.KIND) == ["Came", "Came", "Came"]
    assert "Hamlet" in queue.performance_filter.currentText()
    assert "3 to thank" in queue.performance_filter.currentText()
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(queue.selected_rows()) == 3


def test_mail_merge_files_in_csv_and_xlsx(queue, tmp_path, qtbot):
    click_row(qtbot, queue, 0)
    click_row(qtbot, queue, 1, Qt.KeyboardModifier.ControlModifier)
    selected = {r["first_name"] for r in queue.selected_rows()}

    written = queue.export_mail_merge(tmp_path / "letters.csv")
    with open(written, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert tuple(lines[0]) == MAIL_MERGE_HEADERS
    assert {line[1] for line in lines[1:]} == selected

    queue.table.clearSelection()  # nobody selected: everyone listed
    book = load_workbook(queue.export_mail_merge(tmp_path / "letters.xlsx"))
    sheet = book["Thank-yous"]
    rows = list(sheet.values)
    assert rows[0][:6] == (
        "salutation",
        "first name",
        "last name",
        "email",
        "performance",
        "visit number",
    )
    by_first = {r[1]: r for r in rows[1:]}
    assert set(by_first) == {"Ada", "Zoë", "Grace", "Adam"}
    ada = by_first["Ada"]
    assert ada[0] == "Dear Ada" and ada[3] == "ada@example.org"
    assert ada[4].startswith("Hamlet, ") and ada[5] == 1  # a number, not text
    assert by_first["Adam"][6] == "$50.00 to Education fund" and by_first["Adam"][4] is None


class MailClient(QObject):
    """Stands in for the default mail client: Qt hands it every mailto: URL opened."""

    def __init__(self):
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))


def test_open_draft_hands_the_mail_client_a_bcc_draft(queue, qtbot):
    client = MailClient()
    QDesktopServices.setUrlHandler("mailto", client, "open")
    try:
        queue.kind_filter.setCurrentIndex(queue.kind_filter.findData("attendee"))
        queue.load_rows()
        qtbot.mouseClick(queue.draft_button, LEFT)
    finally:
        QDesktopServices.unsetUrlHandler("mailto")
    assert len(client.opened) == 1
    fields = parse_qs(urlsplit(client.opened[0]).query)
    assert sorted(fields["bcc"][0].split(",")) == [
        "ada@example.org",
        "grace@navy.example",
        "zoe@example.net",
    ]
    assert fields["subject"] == ["Thank you for coming to Hamlet"]


# -- the pure rules behind the files and drafts ------------------------------------------
def test_mailto_url_puts_everyone_in_bcc_and_encodes_the_text():
    url = mailto_url(
        ["a@example.org", "b+c@example.org"], "Thank you & see you", "Dear friend,\nThanks!"
    )
    assert url.startswith("mailto:?bcc=a@example.org,b%2Bc@example.org&subject=")
    query = urlsplit(url).query
    assert parse_qs(query)["subject"] == ["Thank you & see you"]
    assert parse_qs(query)["body"] == ["Dear friend,\r\nThanks!"]
    assert "%0D%0A" in url and " " not in url
    assert mailto_url([], "Hi") == "mailto:?subject=Hi"
    assert unquote(mailto_url([], to="x@example.org")) == "mailto:x@example.org"


def test_recipients_are_distinct_and_those_without_email_counted():
    rows = [{"email": "a@x.org"}, {"email": " a@x.org "}, {"email": ""}, {"email": None}]
    assert recipients(rows) == (["a@x.org"], 2)


def test_draft_text_names_the_performance_or_the_gift():
    one = [{"kind": "attendee", "title": "Hamlet"}, {"kind": "attendee", "title": "Hamlet"}]
    assert draft_text(one)[0] == "Thank you for coming to Hamlet"
    assert draft_text([{"kind": "donor"}], "Riverside Opera")[1].endswith("Riverside Opera\n")
    assert draft_text([{"kind": "donor"}, *one])[0] == "Thank you"


def test_mail_merge_rows_and_salutations():
    assert salutation("Ada", "Lovelace") == "Dear Ada"
    assert salutation("", "Lovelace") == "Dear Lovelace"
    assert salutation(None, None) == "Dear friend"
    [line] = mail_merge_rows(
        [
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "a@x.org",
                "kind": "attendee",
                "title": "Hamlet",
                "starts_at": "2026-03-14T19:30:00+00:00",
                "visit_number": 3,
            }
        ]
    )
    assert line[:4] == ["Dear Ada", "Ada", "Lovelace", "a@x.org"]
    assert line[4].startswith("Hamlet, ") and "Mar 2026" in line[4]
    assert line[5:] == [3, ""]


def test_too_many_for_one_draft_says_so_and_opens_nothing(queue, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop.views.loyalty import thank_yous as screen

    told = []
    monkeypatch.setattr(screen, "MAX_DRAFT_PEOPLE", 2)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(args[2]))
    client = MailClient()
    QDesktopServices.setUrlHandler("mailto", client, "open")
    try:
        assert queue.open_draft() == ""  # four listed, nobody selected
    finally:
        QDesktopServices.unsetUrlHandler("mailto")
    assert client.opened == [] and told == [
        "4 people are too many for one email draft. Select fewer, or use Mail merge… and "
        "your mailing program."
    ]
