"""Every command runs on the one writer worker: a slow store never freezes a screen.

The store's write is held at a known point (a ``threading.Event`` inside the
recorder's insert, on the writer's thread); while it is held the test checks that
the GUI thread goes on handling events (a timer tick, a key typed into a field),
that the form says it is busy, and that it cannot be sent twice. Then the write
is let through and the result arrives. Nothing here is timed.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtCore import Qt, QThread, QTimer
from PySide6.QtWidgets import QLineEdit

from desktop.views.box_office.order_changes import RefundDialog
from desktop.views.forms import is_busy
from desktop.writer import shared_writer
from projections import box_office as read_model
from projections import timeline
from tests.desktop.box_office_steps import click, open_sell_dialog, set_quantity
from tests.desktop.conftest import settle

#: how long a held write waits for the test to let it through: the test always does;
#: this only ends a test that is broken (a command run on the GUI thread never returns
#: to the test, so its hold runs out and the test fails on ``held.timed_out``)
HOLD_S = 120


class HeldWrites:
    """The recorder's writes from any thread but the GUI thread wait at ``inside``
    until ``release()``; or fail with ``failure`` when one is set."""

    def __init__(self, recorder, monkeypatch) -> None:
        self.inside = threading.Event()
        self.go_on = threading.Event()
        self.timed_out = False
        self.threads: list[str] = []
        self.failure: Exception | None = None
        real = recorder.insert_events

        def insert_events(*args, **kwargs):
            if threading.current_thread() is not threading.main_thread():
                self.threads.append(QThread.currentThread().objectName())
                self.inside.set()
                if self.failure is not None:
                    raise self.failure
                if not self.go_on.wait(HOLD_S):
                    self.timed_out = True
            return real(*args, **kwargs)

        monkeypatch.setattr(recorder, "insert_events", insert_events)

    def release(self) -> None:
        self.go_on.set()


@pytest.fixture
def held(services, monkeypatch) -> HeldWrites:
    return HeldWrites(services.app.recorder, monkeypatch)


def gui_thread_answers(qtbot) -> None:
    """A timer tick and a key typed into a field are handled while the write is held."""
    ticks: list[int] = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1])
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClicks(field, "still here")
    assert field.text() == "still here"


def test_a_sale_held_by_the_store_leaves_the_screen_answering(
    services, flute, box_office, held, qtbot
):
    dialog = open_sell_dialog(qtbot, box_office)
    click(qtbot, dialog.anonymous_button)
    set_quantity(qtbot, dialog, "Adult", 2)
    qtbot.mouseClick(dialog.sell_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(held.inside.is_set)  # the sale is in the store's hands, not the GUI's

    gui_thread_answers(qtbot)
    assert is_busy(dialog)
    assert dialog.sell_button.text() == "Selling…" and not dialog.sell_button.isEnabled()
    assert not dialog.cancel_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # the sale comes back to this dialog
    assert dialog.isVisible() and dialog.pages.currentIndex() == 0
    assert dialog.sell() is None  # pressing again sends no second sale

    held.release()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    assert not held.timed_out and "houselights-writer" in held.threads
    assert len(dialog.tickets_ready.codes()) == 2
    assert not is_busy(dialog) and dialog.sell_button.isEnabled()
    assert services.app.get_performance(flute).sold == 2  # one sale, not two
    assert len(read_model.tickets(services.runner.db(), flute)) == 2


def test_a_store_that_fails_keeps_the_form_and_says_why(services, flute, box_office, held, qtbot):
    held.failure = sqlite3.OperationalError("disk I/O error")
    dialog = open_sell_dialog(qtbot, box_office)
    click(qtbot, dialog.anonymous_button)
    set_quantity(qtbot, dialog, "Adult", 2)
    click(qtbot, dialog.sell_button)
    qtbot.waitUntil(lambda: dialog.general_error.isVisible())
    assert dialog.general_error.text().startswith("This could not be saved (")
    assert "disk I/O error" in dialog.general_error.text()
    assert dialog.pages.currentIndex() == 0 and dialog.spins["Adult"].value() == 2
    assert not is_busy(dialog) and dialog.sell_button.isEnabled()


def test_a_refund_held_by_the_store_keeps_its_question_open_and_busy(
    services, flute, window, held, qtbot
):
    sale = services.app.sell_tickets(flute, {"Adult": 1}, payment="cash")  # not held: here
    dialog = RefundDialog(services.app, services.runner, sale.order_id, "", window)
    refunded: list[dict] = []
    dialog.refunded.connect(refunded.append)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible)
    qtbot.mouseClick(dialog.refund_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(held.inside.is_set)
    gui_thread_answers(qtbot)
    assert dialog.isVisible() and is_busy(dialog)
    assert dialog.refund_button.text() == "Refunding…"
    held.release()
    qtbot.waitUntil(lambda: refunded != [])
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert refunded[0].refunded == sale.codes
    assert not held.timed_out


def test_a_note_held_by_the_store_keeps_its_words_until_recorded(services, window, held, qtbot):
    ada = services.app.register_patron("Ada", "Noted", email="ada.noted@example.org")
    window.open_patron(ada)
    page = window.patron_page
    page.note_edit.setFocus()
    qtbot.keyClicks(page.note_edit, "Asked for an aisle seat")
    qtbot.mouseClick(page.note_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(held.inside.is_set)
    gui_thread_answers(qtbot)
    assert is_busy(page) and not page.note_edit.isEnabled()
    assert page.note_edit.toPlainText() == "Asked for an aisle seat"
    held.release()
    settle(qtbot)
    assert page.note_edit.toPlainText() == "" and page.note_edit.isEnabled()
    kinds = [r["kind"] for r in timeline.rows(services.runner.db(), ada)]
    assert "note" in kinds
    assert not held.timed_out and shared_writer().pending == 0


def test_the_writer_keeps_one_read_model_connection_for_every_command(services, qtbot):
    """Each command on the writer used to find its thread's data gone (a new Python
    thread state per command): a new SQLite connection for every scan, never closed."""
    writer = shared_writer()
    seen: list[int] = []
    for _ in range(3):
        writer.submit(lambda: id(services.runner.db()), on_done=seen.append)
    settle(qtbot)
    assert len(seen) == 3 and len(set(seen)) == 1
    assert seen[0] != id(services.runner.db())  # the writer's own, not the GUI thread's


def test_a_thread_pool_task_keeps_its_threads_connection(services, qtbot):
    """The poll for other workstations' events runs on Qt's thread pool: its thread's
    connection is kept from one poll to the next."""
    from desktop.background import BackgroundRunner

    runner = BackgroundRunner()
    seen: list[tuple[int, int]] = []
    for round_ in range(1, 4):
        runner.run(
            lambda _progress: (threading.get_ident(), id(services.runner.db())),
            on_done=seen.append,
        )
        qtbot.waitUntil(lambda n=round_: len(seen) == n)
    runner.shutdown()
    by_thread: dict[int, set[int]] = {}
    for thread, connection in seen:
        by_thread.setdefault(thread, set()).add(connection)
    assert all(len(connections) == 1 for connections in by_thread.values())


def test_the_door_paints_its_verdict_before_the_read_models_catch_up(
    services, window, qtbot, monkeypatch
):
    """The scan's verdict (and greeting) come first; the read models follow it on the
    writer, so the house count moves after the verdict is on screen."""
    from datetime import UTC, datetime, timedelta

    from desktop.main_window import DOOR
    from tests.desktop.conftest import FLUTE_PRICES
    from tests.desktop.keys import scanner_burst

    app = services.app
    tonight = app.schedule_performance(
        app.create_production("Tonight's show"),
        datetime.now(UTC) + timedelta(minutes=30),
        10,
        FLUTE_PRICES,
        venue="Main stage",
    )
    ada = services.app.register_patron("Ada", "Door", email="ada.door@example.org")
    [code] = app.sell_tickets(tonight, {"Adult": 1}, patron_id=ada).codes
    window.show_area(DOOR)
    door = window.door_view
    door.choose_performance(tonight)
    settle(qtbot)
    inside, go_on = threading.Event(), threading.Event()
    real_catch_up = services.runner.catch_up

    def held_catch_up(*args, **kwargs):
        if QThread.currentThread().objectName() == "houselights-writer":
            inside.set()
            assert go_on.wait(HOLD_S), "the test never let the read models catch up"
        return real_catch_up(*args, **kwargs)

    monkeypatch.setattr(services.runner, "catch_up", held_catch_up)
    door.code_field.setFocus()
    scanner_burst(door.code_field, code)
    qtbot.waitUntil(lambda: door.panel.verdict == "admit")  # painted, the catch-up held
    qtbot.waitUntil(inside.is_set)
    assert door.panel.greeting.isVisible()
    assert door.house.admitted_label.text() == "0"  # the read models have not moved yet
    gui_thread_answers(qtbot)
    go_on.set()
    settle(qtbot)
    qtbot.waitUntil(lambda: door.house.admitted_label.text() == "1")


class HeldReads:
    """The service's reads named (``app.get_performance``, ...) wait at ``inside`` until
    ``release()`` when called off the GUI thread; a call on the GUI thread (it would
    freeze the screen for as long as the server takes) is noted in ``on_gui`` and let
    through, so code that still reads there fails on an assertion, never on a hang."""

    def __init__(self, app, names: tuple[str, ...], monkeypatch) -> None:
        self.inside = threading.Event()
        self.go_on = threading.Event()
        self.timed_out = False
        self.on_gui: list[str] = []
        self.threads: list[str] = []
        self.holding = True
        for name in names:
            monkeypatch.setattr(app, name, self._held(name, getattr(app, name)))

    def _held(self, name, real):
        def read(*args, **kwargs):
            if not self.holding:
                return real(*args, **kwargs)
            if threading.current_thread() is threading.main_thread():
                self.on_gui.append(name)
            else:
                self.threads.append(QThread.currentThread().objectName())
                self.inside.set()
                if not self.go_on.wait(HOLD_S):
                    self.timed_out = True
            return real(*args, **kwargs)

        return read

    def release(self) -> None:
        self.go_on.set()

    def stop(self) -> None:
        """The test itself reads from here on (another workstation's sale)."""
        self.holding = False


def test_the_sell_dialog_opens_and_takes_keys_while_the_store_is_slow_to_count_seats(
    services, flute, box_office, qtbot, monkeypatch
):
    """The seats left come from the store (another workstation may just have sold); it
    is asked off the GUI thread, the form is usable from the read models meanwhile."""
    services.app.sell_tickets(flute, {"Adult": 1}, payment="cash")
    settle(qtbot)
    held = HeldReads(services.app, ("get_performance",), monkeypatch)
    dialog = open_sell_dialog(qtbot, box_office)
    assert held.on_gui == []  # nothing asked of the store on the GUI thread
    qtbot.waitUntil(held.inside.is_set)  # the store's count is being asked for
    assert dialog.checking_seats
    gui_thread_answers(qtbot)
    name = dialog.walk_up.fields["first_name"]
    name.setFocus()
    qtbot.keyClicks(name, "Walter")
    qtbot.waitUntil(lambda: name.text() == "Walter")
    assert dialog.seats_label.text() == "4 seats left of 5"  # from the read models
    set_quantity(qtbot, dialog, "Adult", 2)
    assert dialog.sell_button.isEnabled()

    # meanwhile another workstation sells two more: the store's answer says so
    held.stop()
    services.app.sell_tickets(flute, {"Adult": 2}, payment="cash")
    held.release()
    qtbot.waitUntil(lambda: not dialog.checking_seats)
    assert dialog.seats_label.text() == "2 seats left of 5"
    assert dialog.spins["Adult"].value() == 2 and name.text() == "Walter"  # kept
    assert not held.timed_out and held.on_gui == [] and set(held.threads) == {"houselights-writer"}


def test_a_refusal_for_seats_asks_the_store_again_off_the_gui_thread(
    services, flute, box_office, qtbot, monkeypatch
):
    dialog = open_sell_dialog(qtbot, box_office)
    settle(qtbot)  # the seats left, as the store counts them
    click(qtbot, dialog.anonymous_button)
    set_quantity(qtbot, dialog, "Adult", 2)
    services.app.sell_tickets(flute, {"Adult": 4}, payment="cash")  # another window sold
    held = HeldReads(services.app, ("get_performance",), monkeypatch)
    qtbot.mouseClick(dialog.sell_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.tickets_error.isVisible())  # refused: 1 seat left
    assert "Only 1 seat is left" in dialog.tickets_error.text()
    assert held.on_gui == []
    qtbot.waitUntil(held.inside.is_set)  # the count as it is now, asked on the writer
    gui_thread_answers(qtbot)
    held.release()
    qtbot.waitUntil(lambda: dialog.seats_label.text() == "1 seat left of 5")
    assert held.on_gui == [] and set(held.threads) == {"houselights-writer"}


def new_patron_dialog(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.patron_dialog is not None and window.patron_dialog.isVisible())
    dialog = window.patron_dialog
    qtbot.waitUntil(dialog.fields["first_name"].hasFocus)
    return dialog


def test_the_duplicate_hint_is_asked_off_the_gui_thread_and_typing_goes_on(
    services, window, qtbot, monkeypatch
):
    # (Grace Hopper, grace@navy.example, is on file: the services fixture)
    dialog = new_patron_dialog(window, qtbot)
    held = HeldReads(services.app, ("find_contact_matches",), monkeypatch)
    email, phone = dialog.fields["email"], dialog.fields["phone"]
    email.setFocus()
    qtbot.waitUntil(email.hasFocus)
    qtbot.keyClicks(email, "grace@navy.example")
    phone.setFocus()  # leaving the email field asks whether it is on file
    qtbot.waitUntil(phone.hasFocus)
    assert held.on_gui == []
    qtbot.waitUntil(held.inside.is_set)
    assert dialog.checking_matches and not dialog.duplicates.isVisible()
    gui_thread_answers(qtbot)
    qtbot.keyClicks(phone, "+1 555 0101")
    qtbot.waitUntil(lambda: phone.text() == "+1 555 0101")
    held.release()
    qtbot.waitUntil(dialog.duplicates.isVisible)
    assert dialog.duplicates.matches.item(0).text().startswith("Grace Hopper")
    assert not held.timed_out and held.on_gui == [] and set(held.threads) == {"houselights-writer"}


def test_a_duplicate_answer_for_an_email_typed_over_is_not_shown(services, window, qtbot):
    """The answer comes back after the volunteer corrected the email: it is about what
    is no longer there, so it is dropped (the corrected email gets its own answer)."""
    dialog = new_patron_dialog(window, qtbot)
    email = dialog.fields["email"]
    email.setFocus()
    qtbot.waitUntil(email.hasFocus)
    qtbot.keyClicks(email, "grace@navy.example")
    qtbot.waitUntil(lambda: email.text() == "grace@navy.example")
    dialog.check_contact_matches()  # asked about grace@navy.example ...
    email.setText("grace@navy.example.org")  # ... and corrected before the answer is shown
    settle(qtbot)
    assert not dialog.duplicates.isVisible()
    dialog.check_contact_matches()
    settle(qtbot)
    assert not dialog.duplicates.isVisible()  # grace@navy.example.org is nobody's
    email.setText("grace@navy.example")
    dialog.check_contact_matches()
    settle(qtbot)
    assert dialog.duplicates.isVisible()  # and the right one is found


def test_a_scan_while_the_writer_records_a_sale_waits_its_turn_and_is_not_lost(
    services, window, held, qtbot
):
    """The writer is busy with a sale the store holds: a scan at the door goes in
    line behind it (the door says it is waiting), and both are recorded, in order."""
    from datetime import UTC, datetime, timedelta

    from desktop.main_window import DOOR
    from tests.desktop.conftest import FLUTE_PRICES
    from tests.desktop.keys import scanner_burst

    app = services.app
    tonight = app.schedule_performance(
        app.create_production("Tonight's show"),
        datetime.now(UTC) + timedelta(minutes=30),
        10,
        FLUTE_PRICES,
        venue="Main stage",
    )
    [code] = app.sell_tickets(tonight, {"Adult": 1}).codes  # (the test's thread: not held)
    window.show_area(DOOR)
    door = window.door_view
    door.choose_performance(tonight)
    settle(qtbot)
    sold: list[object] = []
    shared_writer().submit(
        app.sell_tickets, tonight, {"Adult": 2}, payment="cash", on_done=sold.append
    )
    qtbot.waitUntil(held.inside.is_set)  # the sale is with the store
    door.code_field.setFocus()
    scanner_burst(door.code_field, code)
    qtbot.waitUntil(lambda: door.panel.verdict == "problem")  # "No connection" meanwhile
    assert door.waiting == 1
    gui_thread_answers(qtbot)
    held.release()
    qtbot.waitUntil(lambda: door.panel.verdict == "admit")
    assert len(sold) == 1 and door.last_result.code == code
    settle(qtbot)
    assert app.get_performance(tonight).sold == 3
    assert held.threads[:2] == ["houselights-writer", "houselights-writer"]


def test_a_follow_up_held_by_the_store_offers_no_second_press_until_answered(
    services, window, held, qtbot
):
    """While "done" is on the writer worker the view takes no other press; its buttons
    said otherwise (another row chosen meanwhile offered "Not done after all", and a
    press on it was silently dropped)."""
    from datetime import date, timedelta

    from desktop.main_window import FOLLOW_UPS

    app = services.app
    ada = app.register_patron("Ada", "Followed", email="ada.followed@example.org")
    app.schedule_follow_up(ada, date.today() + timedelta(days=2), "Send the brochure")
    finished = app.schedule_follow_up(ada, date.today() + timedelta(days=3), "Call back")
    app.mark_follow_up_done(finished)
    window.show_area(FOLLOW_UPS)
    view = window.follow_ups
    qtbot.mouseClick(view.show_done, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    texts = [view.proxy.index(r, 3).data() for r in range(2)]
    open_row, done_row = texts.index("Send the brochure"), texts.index("Call back")
    view.table.selectRow(open_row)
    qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(held.inside.is_set)

    view.table.selectRow(done_row)  # chosen while the first press is being saved
    assert is_busy(view)
    assert not view.undone_button.isEnabled() and not view.done_button.isEnabled()
    held.release()
    qtbot.waitUntil(lambda: not is_busy(view))
    assert view.current()["text"] == "Call back"
    assert view.undone_button.isEnabled() and not view.done_button.isEnabled()
    assert not held.timed_out
