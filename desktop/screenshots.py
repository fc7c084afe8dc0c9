"""Render every screen with demo data to PNG files (for the README and reviews).

    houselights screenshots --out docs/screenshots --size 1366x768 [--scale 1.5]

Runs offscreen when there is no display, on a throwaway demo organization, so
it never touches real data. ``--size`` is the screen in pixels (the window fills
it, dialogs are never larger); ``--scale`` renders as at that display scaling
(125% is 1.25): the pictures keep the pixel size, everything in them is larger.
"""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from desktop import formatting

#: a common laptop screen: the README's screens are rendered at this size
SIZE = (1366, 768)
#: the screen in logical pixels (the size divided by the scale), set by render_all
_screen = list(SIZE)


def parse_size(text: str) -> tuple[int, int]:
    """'1366x768' -> (1366, 768); ValueError with a reason otherwise."""
    match = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", text or "")
    if not match:
        raise ValueError(f"the size must be WIDTHxHEIGHT in pixels, like 1366x768, not {text!r}")
    return int(match.group(1)), int(match.group(2))


def fit(widget, width: int, height: int) -> None:
    """Resize a dialog to at most the screen (a dialog larger than a laptop is a bug)."""
    widget.resize(min(width, _screen[0]), min(height, _screen[1]))


def _settle(app) -> None:
    for _ in range(5):
        app.processEvents()


#: an online-sales export in the generic layout; the last row is broken on purpose
SAMPLE_SALES = "\n".join(
    (
        "order_id,order_date,first_name,last_name,email,event_name,event_date,ticket_type,price,"
        "quantity,barcode",
        "WEB-1041,2026-11-02 18:12,Lena,Okafor,lena.okafor@example.com,Winter Gala,"
        '2026-12-19 19:30,Adult,$42.00,2,"GALA41A,GALA41B"',
        "WEB-1042,2026-11-03 09:40,Tomás,Reyes,t.reyes@example.com,Winter Gala,2026-12-19 19:30,"
        "Student,$18.00,1,GALA42A",
        "WEB-1043,2026-11-03 21:05,Priya,Nair,priya.nair@example.com,Winter Gala,2026-12-19 19:30,"
        "Adult,$42.00,1,GALA43A",
        "WEB-1044,2026-11-04 08:15,Sam,Ito,sam.ito@example.com,Winter Gala,2026-12-19 19:30,Adult,"
        "forty,1,GALA44A",
        "",
    )
)


def _import_shots(window, folder: Path, shot, qt_app) -> None:
    """The online-sales import: the file read, then a dry run's report."""
    sample = folder / "online-sales.csv"
    sample.write_text(SAMPLE_SALES, encoding="utf-8")
    dialog = window.import_sales()
    fit(dialog, 980, 640)
    dialog.choose_file(str(sample))
    _wait(qt_app, lambda: not dialog.busy and dialog.sales is not None)
    shot(dialog, "import-preview")
    dialog.start(dry_run=True)
    _wait(qt_app, lambda: not dialog.busy)
    shot(dialog, "import-dry-run")
    dialog.reject()


def _ladder_shots(window, shot) -> None:
    """The ladder dashboard over the past year, drilled down to who moved up."""
    from projections import ladder

    window.show_area("ladder")
    view = window.ladder_view
    view.preset.setCurrentIndex(view.preset.findData(365))
    view.drill_moves(ladder.UP)
    shot(window, "ladder")


def _duplicate_shots(window, services, shot, qt_app) -> None:
    """The duplicates review, the merge confirmation, and a survivor's merge bar.
    The merge is undone afterwards, so later screens see the organization unchanged."""
    window.show_area("duplicates")
    view = window.duplicates
    _wait(qt_app, lambda: view.task is None and view.model.rowCount() > 0)
    # The pair with the most history makes the comparison worth looking at.
    rows = view.model.rows
    busiest = max(rows, key=lambda r: r["a_stats"]["tickets"] + r["b_stats"]["tickets"])
    view.table.selectRow(view.proxy.proxy_row_of(busiest["id"]))
    shot(window, "duplicates")
    dialog = view.merge()
    shot(dialog, "merge-confirm")
    dialog.reject()
    survivor, duplicate = view.survivor_and_duplicate()
    services.app.merge_patrons(duplicate["id"], survivor["id"])
    services.runner.catch_up()
    window.open_patron(survivor["id"])
    shot(window, "patron-merged")
    unmerge = _opened(window.patron_page.merge_bar.unmerge(), "the unmerge dialog")
    shot(unmerge, "dialog-unmerge")
    unmerge.reject()
    services.app.unmerge_patron(duplicate["id"])
    services.runner.catch_up()
    window.show_patron_list()


def _thank_you_and_report_shots(window, shot) -> None:
    """The thank-you queue of the latest performance, some rows selected; reports."""
    from PySide6.QtCore import QItemSelectionModel

    window.show_area("thank_yous")
    view = window.thank_yous
    view.refresh()
    from projections import thank_yous

    busiest = max(
        thank_yous.performances(view.runner.db()), key=lambda p: p["waiting"], default=None
    )
    if busiest is not None:
        view.performance_filter.setCurrentIndex(view.performance_filter.findData(busiest["id"]))
    view.load_rows()
    rows = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(min(3, view.proxy.rowCount())):
        view.table.selectionModel().select(view.proxy.index(row, 0), rows)
    shot(window, "thank-yous")
    window.show_area("reports")
    for key, name in (
        ("attendance", "report-attendance"),
        ("sales_channels", "report-channels"),
        ("revenue_month", "report-revenue-month"),
        ("contact_capture", "report-contact-capture"),
    ):
        window.reports.show_report(key)
        shot(window, name)
    _loyalty_movements_shot(window, shot)
    _support_shots(window, shot)


def _support_shots(window, shot) -> None:
    """Patron support (issue 23): the heatmap of the last 90 days, and the duty rota with
    the Tuesday-to-Thursday evening selected (a gap)."""
    from PySide6.QtWidgets import QTableWidgetSelectionRange

    from desktop.views.reports.period_chooser import PRESETS

    window.show_area("reports")
    window.reports.show_report("support")
    window.reports.preset.setCurrentIndex(PRESETS.index(90))
    shot(window, "report-support")
    rota = window.open_rota()
    rota.resize(1100, 700)
    rota.grid.setRangeSelected(QTableWidgetSelectionRange(18, 1, 20, 3), True)
    rota.who.setCurrentText("Sam")
    shot(rota, "duty-rota")
    rota.accept()


def _loyalty_movements_shot(window, shot) -> None:
    """The loyalty movements report over the last 365 days."""
    from desktop.views.reports.period_chooser import PRESETS

    window.show_area("reports")
    window.reports.show_report("loyalty_movements")
    window.reports.preset.setCurrentIndex(PRESETS.index(365))
    shot(window, "report-loyalty-movements")


def _conversation_shots(window, shot, qt_app, services) -> None:
    """The call form, the follow-ups, the chat queue and a chat on a timeline (issue 6)."""
    from desktop.models.base import ROW_ROLE
    from desktop.views.conversations.follow_ups import CHATS_TAB, WAITING_TAB
    from projections import conversations

    window.show_patron_list()
    dialog = window.log_call()
    fit(dialog, 760, dialog.sizeHint().height())
    dialog.finder.search_field.setText("ada")
    dialog.finder.run_search()
    dialog.reason.setCurrentText("Parking")
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("call_back"))
    dialog.notes.setPlainText("Coming to the Saturday matinee with her mother. ")
    dialog.notes.moveCursor(dialog.notes.textCursor().MoveOperation.End)
    dialog.quick_answers.insert(conversations.quick_answers(services.runner.db())[2]["text"])
    shot(dialog, "call-form")
    dialog.reject()

    window.show_area("follow_ups")
    view = window.follow_ups
    view.refresh()
    shot(window, "follow-ups")
    view.show_tab(WAITING_TAB)
    view.waiting.table.selectRow(0)
    shot(window, "chat-queue")
    view.show_tab(CHATS_TAB)
    view.chats.search_field.setText("parking")
    shot(window, "chat-search")

    linked = (
        services.runner.db()
        .conn.execute(
            "SELECT patron_id FROM chats WHERE patron_id IS NOT NULL ORDER BY started_at DESC"
        )
        .fetchone()
    )
    if linked:
        window.open_patron(linked[0])
        window.patron_page.sections.setSizes([120, 600])
        table = window.patron_page.timeline_table
        for row in range(table.model().rowCount()):
            data = table.model().index(row, 0).data(ROW_ROLE)
            if data["kind"] == "chat":
                table.selectRow(row)
                table.scrollTo(table.model().index(row, 0))
                window.patron_page.timeline_detail.toggle(data)
                break
        shot(window, "timeline-chat")
    _settle(qt_app)
    window.show_patron_list()


def _settings_shots(window, shot) -> None:
    """The Settings screen: a loyalty rule being changed, then where the data lives."""
    window.show_area("settings")
    page = window.settings_page
    page.scroll_area.verticalScrollBar().setValue(0)
    page.fields["organization/name"].set_value("Riverside Opera Company")
    page.apply()
    page.fields["loyalty/lapsed_months"].set_value(24)
    shot(window, "settings")
    page.revert()
    bar = page.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    shot(window, "settings-data")
    bar.setValue(0)


def _backup_shots(window, services, shot) -> None:
    """File → Backups… with a week of daily backups, and the damaged-store dialog."""
    from desktop.views.system.damaged_store_dialog import DamagedStoreDialog
    from infrastructure import backups
    from infrastructure.store_check import Damage

    config = services.config
    folder = backups.default_folder(config)
    today = datetime.now().replace(hour=22, minute=5, second=0, microsecond=0)
    for days in range(6, -1, -1):
        backups.backup(
            config,
            folder,
            now=today - timedelta(days=days, minutes=days * 7),
            include_readmodels=days == 0,
        )
    dialog = window.show_backups()
    fit(dialog, 900, 560)
    dialog.refresh()
    dialog.status.setText(
        dialog.tr("Backed up {events} events to {path}.").format(
            events=formatting.number(services.app.event_count()),
            path=backups.list_backups(folder)[0].path,
        )
    )
    shot(dialog, "backups")
    from desktop.views.system.backups_dialog import restore_question

    latest = backups.list_backups(folder)[0]
    question = restore_question(dialog, latest.path, latest.events, services.app.event_count())
    question.show()
    shot(question, "dialog-restore")
    question.reject()
    dialog.close()
    damage = Damage(config.events_path, "malformed", "database disk image is malformed")
    damaged = DamagedStoreDialog(
        backups.DamagedStore(damage, backups.latest_in([folder]), [folder], config), window
    )
    fit(damaged, 900, 520)
    shot(damaged, "damaged-store")
    damaged.reject()


def _first_run_shots(window, settings, shot) -> None:
    """The first-run assistant (its first and last pages) and the help window (F1)."""
    from desktop.views.system.setup_assistant import SetupAssistant

    assistant = SetupAssistant(window.app, settings, window)
    page = assistant.organization
    page.name.setText("Lantern Theatre")
    page.country.setCurrentIndex(page.country.findData("GB"))
    page.timezone.setCurrentText("Europe/London")
    fit(assistant, 720, 520)
    assistant.show()
    shot(assistant, "setup-organization")
    names = {"WorkstationPage": "setup-workstation", "ManagerPage": "setup-manager"}
    while assistant.currentPage() is not assistant.start_page:
        assistant.next()
        name = names.get(type(assistant.currentPage()).__name__)
        if name:
            shot(assistant, name)
    assistant.start_page.demo.setChecked(True)
    shot(assistant, "setup-start")
    assistant.reject()
    helper = window.show_help("door")
    fit(helper, 820, 640)
    shot(helper, "help")
    helper.close()


def _dialog_shots(window, services, shot, patron_id: str) -> None:
    """Every dialog the other shots do not open, with the demo's data, so each is
    checked like the screens (nothing cut off, no raw id): a patron's donation,
    subscription, membership and details; the box office's refund, exchange,
    performance and production; the chats' import and link; the licences."""
    from desktop.views.conversations.follow_ups import CHATS_TAB

    window.open_patron(patron_id)
    page = window.patron_page
    purchases = page.purchases
    for name, open_dialog in (
        ("donation", purchases.record_donation),
        ("subscription", purchases.sell_subscription),
        ("membership", purchases.start_membership),
        ("edit-patron", page.edit),
    ):
        dialog = _opened(open_dialog(), f"the {name} dialog")
        fit(dialog, 760, max(dialog.sizeHint().height(), 360))
        shot(dialog, f"dialog-{name}")
        dialog.reject()

    window.show_area("box_office")
    view = window.box_office
    view.refresh()
    chosen = None
    for row in range(view.proxy.rowCount()):  # the soonest performance with a buyer's order
        view.table.selectRow(row)
        view.select_performance(view.proxy.row_id(row))
        tickets = view.ticket_proxy
        for ticket_row in range(tickets.rowCount()):
            data = view.ticket_model.rows[tickets.mapToSource(tickets.index(ticket_row, 0)).row()]
            if data.get("status") == "valid" and data.get("patron_id"):
                view.ticket_table.selectRow(ticket_row)
                chosen = view.chosen_order()
                break
        if chosen is not None:
            break
    if chosen is None:
        raise RuntimeError("the demo organization has no upcoming order to refund")
    for name, open_dialog in (
        ("refund", view.refund),
        ("exchange", view.exchange),
        ("edit-performance", view.edit_performance),
        ("new-production", view.new_production),
    ):
        dialog = _opened(open_dialog(), f"the {name} dialog")
        fit(dialog, 760, max(dialog.sizeHint().height(), 300))
        shot(dialog, f"dialog-{name}")
        dialog.reject()

    chats = _opened(window.import_chats(), "the chat import dialog")
    fit(chats, 900, 600)
    shot(chats, "dialog-import-chats")
    chats.reject()
    window.show_area("follow_ups")
    window.follow_ups.show_tab(CHATS_TAB)
    chat_list = window.follow_ups.chats
    chat_list.refresh()
    chat_list.table.selectRow(0)
    link = _opened(chat_list.panel.link(), "the link-a-chat dialog")
    fit(link, 760, max(link.sizeHint().height(), 420))
    shot(link, "dialog-link-chat")
    link.reject()

    about = window.show_about()
    licences = about.show_licences()
    fit(licences, 820, 600)
    shot(licences, "dialog-licences")
    licences.close()
    about.reject()
    window.show_patron_list()


def _wait(app, done, seconds: float = 30) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


T = TypeVar("T")


def _opened(dialog: T | None, what: str) -> T:
    """A dialog the demo organization always opens (its screenshot cannot be skipped)."""
    if dialog is None:
        raise RuntimeError(f"{what} did not open on the demo organization")
    return dialog


#: what did not fit on a screen in the last ``render_all`` (``cut_off``'s words)
PROBLEMS: list[str] = []


def render_all(
    out_dir: str | Path,
    patrons: int = 400,
    seed: int = 2026,
    size: tuple[int, int] = SIZE,
    scale: float = 1.0,
    dark: bool = False,
    on_shot: Callable[[str, Any], object] | None = None,
) -> list[Path]:
    """Every screen as a PNG of ``size`` pixels, as at display scaling ``scale``.

    ``on_shot(name, widget)`` is called with each screen as it is taken, laid out as
    in its picture (the tests measure the screens with it)."""
    if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if scale != 1.0:
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:
            raise RuntimeError("--scale must be chosen before the application starts")
        os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
    _screen[:] = [int(size[0] / scale), int(size[1] / scale)]  # never beyond the screen
    import shiboken6
    from PySide6.QtCore import QSettings

    from demo import organization as demo
    from desktop.app import application, create_main_window
    from desktop.settings import Settings
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve
    from projections import patron_directory

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    qt_app = application()
    if dark:
        from desktop import style

        style.use_scheme(qt_app, style.DARK)
    written: list[Path] = []
    problems = PROBLEMS  # what does not fit on each screen (``cut_off``)
    problems.clear()

    def shot(widget, name: str) -> None:
        _settle(qt_app)
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        written.append(path)
        if on_shot is not None:
            on_shot(name, widget)
        for problem in cut_off(widget) + scrolled(widget) + raw_ids(widget):
            problems.append(f"{name}: {problem}")

    with tempfile.TemporaryDirectory(prefix="houselights-shots-") as data:
        services = bootstrap(resolve(data), staff="maria.box-office", workstation="box-office-1")
        window = None
        try:
            demo.generate(services.app, patrons, seed=seed)
            services.runner.catch_up()
            # settings in a throwaway file: the Settings screen works, yours stay untouched
            store = QSettings(str(Path(data) / "settings.ini"), QSettings.Format.IniFormat)
            window = create_main_window(services, Settings(store))
            window.resize(*_screen)
            window.show()
            window.set_sync_status(services.runner.lag())
            window.show_patron_list()
            shot(window, "patrons")

            window.patron_list.search_field.setText("ad")
            window.patron_list.run_search()
            shot(window, "search")

            db = services.runner.db()
            busiest = max(
                patron_directory.page(db, limit=patrons),
                key=lambda r: (r["interactions"], bool(r["household"])),
            )
            window.open_patron(busiest["id"])
            shot(window, "patron")
            erase = _opened(window.patron_page.erase(), "the erase dialog")
            erase.name_edit.setText(busiest["name"])
            shot(erase, "erase-patron")
            erase.reject()

            dialog = window.new_patron()
            fit(dialog, 720, dialog.sizeHint().height())
            dialog.fields["first_name"].setText("Rosa")
            dialog.fields["email"].setText("rosa@example")
            dialog.save()
            window.writer.wait_idle()  # the refusal comes back from the writer worker
            shot(dialog, "new-patron-validation")
            # someone already registered with an email and a phone: a likely duplicate
            twin = next(
                (r for r in patron_directory.page(db, limit=patrons) if r["email"] and r["phone"]),
                busiest,
            )
            dialog.fields["email"].setText(twin["email"] or "")
            dialog.fields["phone"].setText(twin["phone"] or "")
            dialog.save()
            window.writer.wait_idle()
            if shiboken6.isValid(dialog) and dialog.isVisible():  # a warning, not a save
                shot(dialog, "new-patron-duplicate")
                dialog.reject()
            else:
                problems.append("new-patron-duplicate: no duplicate warning was shown")

            for area in ("box_office", "door", "thank_yous", "reports"):
                window.show_area(area)
                shot(window, f"area-{area.replace('_', '-')}")
            _ladder_shots(window, shot)
            _thank_you_and_report_shots(window, shot)
            _staff_shots(window, shot)
            _settings_shots(window, shot)
            _first_run_shots(window, window.settings, shot)
            window.show_area("box_office")
            sell = _opened(window.box_office.sell(), "the sale dialog")
            fit(sell, 940, 620)
            shot(sell, "sell-tickets")
            sell.reject()
            performance = window.box_office.new_performance()
            fit(performance, 720, performance.sizeHint().height())
            shot(performance, "new-performance")
            performance.reject()
            _import_shots(window, Path(data), shot, qt_app)
            _duplicate_shots(window, services, shot, qt_app)
            about = window.show_about()
            shot(about, "about")
            about.reject()
            _conversation_shots(window, shot, qt_app, services)
            _dialog_shots(window, services, shot, busiest["id"])
            _backup_shots(window, services, shot)

            codes = door_evening(
                services.app, [r["id"] for r in patron_directory.page(db, limit=patrons)]
            )
            services.runner.catch_up()
            window.show_area("door")
            door_view = window.door_view
            door_view.door_field.setText("North door")
            door_view.refresh()
            door_view.choose_performance(codes["tonight"])
            shot(window, "door-ready")
            for name, code in (
                ("admit", codes["regular"]),
                ("admit-first-visit", codes["new"]),
                ("already-admitted", codes["admitted"]),
                ("wrong-performance", codes["tomorrow"]),
                ("refunded", codes["refunded"]),
                ("unknown", codes["typo"]),
            ):
                door_view.check(code, scanned=True)
                door_view.writer.wait_idle()  # the verdict comes back from the writer
                services.runner.catch_up()
                shot(window, f"door-{name}")
            lookup = _opened(door_view.open_lookup(), "the door's find-by-name dialog")
            lookup.search_field.setText(codes["holder"][:3])
            lookup.run_search()
            shot(lookup, "door-find-by-name")
            lookup.reject()
        finally:
            if window is not None:  # its timers stop before the read models close
                window.shutdown()
                window.close()
            services.close()
    written.append(_ticket_shot(out / "ticket.png"))
    return written


def _staff_shots(window, shot) -> None:
    """The audit area (managers) and the sign-in dialog (issue 9)."""
    from desktop.views.staff.sign_in_dialog import SignInDialog

    window.show_area("audit")
    shot(window, "area-audit")
    dialog = SignInDialog(window.app, window, name="Dee")
    fit(dialog, 460, dialog.sizeHint().height())
    shot(dialog, "sign-in")
    dialog.reject()
    staff = window.manage_staff()
    shot(staff, "staff-accounts")
    staff.reject()


def _ticket_shot(path: Path) -> Path:
    """A printed ticket as it comes out of the printer (a sample; needs no data)."""
    from desktop.ticket_printing import ticket_image

    sample = dict(
        code="3E4EEGH663XJ",
        title="The Marriage of Figaro",
        starts_at="2026-11-21T19:30:00+00:00",
        venue="Main Hall, 12 Mill Lane",
        price_level="Adult",
        price_cents=4550,
        patron_name="Ada Lovelace",
        order_id="8c1f2a3b-1111-2222-3333-444455556666",
        organization="Riverside Opera Company",
    )
    ticket_image(sample, width=1400).save(str(path))
    return path


def door_evening(app, patron_ids: list[str], now: datetime | None = None) -> dict:
    """Tonight's performance half checked in, and one ticket for each verdict."""
    rng = random.Random(7)
    now = now or datetime.now(tz=UTC)
    prices = {"Adult": 3200, "Concession": 1800}
    flute = app.create_production("The Magic Flute")
    tonight = app.schedule_performance(
        flute, now + timedelta(minutes=40), 320, prices, venue="Main hall"
    )
    tomorrow = app.schedule_performance(
        flute, now + timedelta(days=1, minutes=40), 320, prices, venue="Main hall"
    )
    carmen = app.create_production("Carmen")
    last_year = app.schedule_performance(
        carmen, now - timedelta(days=430), 300, prices, venue="Main hall"
    )
    regular, new, *others = patron_ids
    old = app.sell_tickets(
        last_year, {"Adult": 2}, patron_id=regular, occurred_at=now - timedelta(days=450)
    )
    app.scan(old.codes[0], last_year, "North door", occurred_at=now - timedelta(days=430))
    app.set_tags(regular, ["opera", "Mozart", "hearing loop"])
    season = app.sell_subscription(
        regular, "Opera season", [tonight], 9000, occurred_at=datetime(2019, 8, 20, 10, tzinfo=UTC)
    )
    app.record_donation(regular, 25_000, occurred_at=now - timedelta(days=20))
    fresh = app.sell_tickets(tonight, {"Adult": 1}, patron_id=new)
    app.set_tags(new, ["jazz", "brings grandchildren"])
    codes = {"tonight": tonight, "new": fresh.codes[0]}
    holder = app.get_patron(others[0])
    codes["holder"] = holder.last_name or holder.first_name
    codes["regular"] = season.codes[0]
    with app.batch():
        for patron in others[:150]:
            sale = app.sell_tickets(
                tonight,
                {rng.choice(list(prices)): rng.randint(1, 3)},
                patron_id=patron,
                occurred_at=now - timedelta(days=9),
            )
            for code in sale.codes:
                if rng.random() < 0.55:
                    door = rng.choice(("North door", "North door", "South door", "Balcony"))
                    app.scan(code, tonight, door, occurred_at=now - timedelta(minutes=20))
    codes["admitted"] = app.sell_tickets(tonight, {"Adult": 1}).codes[0]
    app.scan(codes["admitted"], tonight, "South door", occurred_at=now - timedelta(minutes=7))
    codes["tomorrow"] = app.sell_tickets(tomorrow, {"Adult": 1}, patron_id=others[-1]).codes[0]
    refunded = app.sell_tickets(tonight, {"Adult": 1}, patron_id=others[-2])
    app.refund_order(refunded.order_id)
    codes["refunded"] = refunded.codes[0]
    good = codes["new"]
    codes["typo"] = good[:4] + next(c for c in "CEFGH" if c != good[4]) + good[5:]
    return codes


# -- what does not fit --------------------------------------------------------------------
def cut_off(widget) -> list[str]:
    """Texts on a shown widget that do not fit where they are: table headers narrower
    than their titles, labels, buttons and tick boxes narrower than their words.
    Each as 'kind “text”' (empty when everything fits)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QCheckBox,
        QHeaderView,
        QLabel,
        QPushButton,
        QRadioButton,
        QStyle,
    )

    found: list[str] = []
    for header in widget.findChildren(QHeaderView):
        if not header.isVisibleTo(widget) or header.orientation() != Qt.Orientation.Horizontal:
            continue
        model = header.model()
        if model is None:
            continue
        view = header.parentWidget()
        if isinstance(view, QAbstractItemView) and not view.isVisibleTo(widget):
            continue
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
            if not text:
                continue
            needed = header.sectionSizeFromContents(section).width()
            if header.sectionSize(section) + 1 < needed:
                found.append(
                    f"column header “{text}” ({header.sectionSize(section)} of {needed} px)"
                )
    for label in widget.findChildren(QLabel):
        if (
            not label.isVisibleTo(widget)
            or label.wordWrap()
            or not label.text()
            or label.textFormat() == Qt.TextFormat.RichText
            or "<" in label.text()
            or label.pixmap() is not None
            and not label.pixmap().isNull()
        ):
            continue
        shown = label.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        lines = shown.split("\n")
        widest = max(label.fontMetrics().horizontalAdvance(line) for line in lines)
        margins = label.contentsMargins()
        room = label.width() - margins.left() - margins.right() - 2 * label.margin()
        if widest > room + 1 and label.width() > 0:
            found.append(f"label “{label.text()[:60]}” ({room} of {widest} px)")
    for button in widget.findChildren(QAbstractButton):
        if not button.isVisibleTo(widget) or not button.text() or header_child(button):
            continue
        words = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        needed = max(button.fontMetrics().horizontalAdvance(line) for line in words.split("\n"))
        if isinstance(button, QCheckBox | QRadioButton):
            needed += button.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 6
        elif isinstance(button, QPushButton) and not button.isFlat():
            # the words with the button's own padding (the style sheet's) around them
            needed = max(needed, button.sizeHint().width() - 4)
        elif not button.icon().isNull():
            needed += button.iconSize().width() + 4
        if button.width() + 1 < needed:
            found.append(f"button “{words}” ({button.width()} of {needed} px)")
    return found


#: an internal id (a UUID) as Houselights' records have them
RAW_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def raw_ids(widget, rows: int = 300) -> list[str]:
    """Internal ids shown to the user on a shown widget: in its title, labels, buttons,
    lists and the cells of its tables (the first ``rows`` of each), read-only text
    boxes and choice lists. Tooltips and exports may carry ids; the screen may not."""
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QHeaderView,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTableView,
        QTextEdit,
    )

    found: list[str] = []

    def check(kind: str, text) -> None:
        match = RAW_ID.search(str(text or ""))
        if match:
            found.append(f"{kind} shows the id {match.group(0)}: “{str(text)[:80]}”")

    check("the title", widget.windowTitle())
    for label in widget.findChildren(QLabel):
        if label.isVisibleTo(widget):
            check("a label", label.text())
    for button in widget.findChildren(QAbstractButton):
        if button.isVisibleTo(widget):
            check("a button", button.text())
    for edit in widget.findChildren(QLineEdit):
        if edit.isVisibleTo(widget) and edit.isReadOnly():
            check("a field", edit.text())
    for box in widget.findChildren(QPlainTextEdit):
        if box.isVisibleTo(widget) and box.isReadOnly():
            check("a text", box.toPlainText())
    for box in widget.findChildren(QTextEdit):
        if box.isVisibleTo(widget) and box.isReadOnly():
            check("a text", box.toPlainText())
    popups = set()  # a choice list's own list: its items are checked as choices
    for combo in widget.findChildren(QComboBox):
        popups.add(combo.view())
        if combo.isVisibleTo(widget):
            for i in range(combo.count()):
                check("a choice", combo.itemText(i))
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or not view.isVisibleTo(widget) or view in popups:
            continue
        if isinstance(view, QHeaderView):  # a table's titles, not its cells
            continue
        top = QModelIndex()
        try:
            columns = model.columnCount(top)
        except TypeError:  # a list model (its column count is Qt's own)
            columns = 1
        for column in range(columns):
            if isinstance(view, QTableView) and view.isColumnHidden(column):
                continue
            title = model.headerData(column, Qt.Orientation.Horizontal) or column
            for row in range(min(model.rowCount(top), rows)):
                text = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
                if RAW_ID.search(str(text or "")):
                    check(f"the {title} column", text)
                    break
    return found


def scrolled(widget) -> list[str]:
    """The main window's area when it does not fit the window: it scrolls sideways (the
    main content out of sight), or up and down as a whole when it is not a page that
    says it may (``SCROLLS_UP_AND_DOWN``: the ladder's dashboard with its list). Each
    as a sentence."""
    from desktop.views.widgets import SCROLLS_UP_AND_DOWN

    scroll = getattr(widget, "area_scroll", None)
    if scroll is None or not widget.isVisible():
        return []
    shown = scroll.widget()
    if shown is None:
        return []
    need = shown.minimumSizeHint()
    room = scroll.viewport().size()
    found = []
    if scroll.horizontalScrollBar().isVisible():
        found.append(f"the area scrolls sideways (needs {need.width()} px, has {room.width()})")
    shown_page = shown.currentWidget() if hasattr(shown, "currentWidget") else shown
    while hasattr(shown_page, "currentWidget") and shown_page.currentWidget() is not None:
        shown_page = shown_page.currentWidget()  # the patrons' list or page
    long = bool(shown_page is not None and shown_page.property(SCROLLS_UP_AND_DOWN))
    if scroll.verticalScrollBar().isVisible() and not long:
        found.append(
            f"the area scrolls up and down (needs {need.height()} px, has {room.height()})"
        )
    return found


def header_child(widget) -> bool:
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QHeaderView | QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False
