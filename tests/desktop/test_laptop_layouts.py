"""Every screen usable on a laptop (issue 22): 1366×768, also at 125% scaling (a
window of about 1093×614 logical pixels), nothing cut off, the timeline given room."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from desktop.main_window import AREAS
from desktop.models.performance_table import PerformanceTableModel
from desktop.screenshots import cut_off
from desktop.views.widgets import SCROLLS_UP_AND_DOWN
from tests.desktop.conftest import schedule

#: 1366×768 at 125%, less a taskbar
AT_125 = (1093, 574)


def test_the_window_fits_a_laptop_at_125_percent(window, qtbot):
    wanted = window.minimumSizeHint()
    assert wanted.width() <= AT_125[0] and wanted.height() <= AT_125[1]
    window.resize(*AT_125)
    qtbot.waitUntil(lambda: window.width() == AT_125[0])
    for area in AREAS:
        window.show_area(area)
        qtbot.waitUntil(lambda area=area: window.current_area() == area)
        # an area that needs more room scrolls (it is never squeezed or cut off)
        page = window.areas.currentWidget()
        qtbot.waitUntil(
            lambda page=page: (
                page.width() >= page.minimumSizeHint().width()
                or window.area_scroll.horizontalScrollBar().maximum() > 0
            )
        )
        # (once the area has laid out what it just loaded)
        qtbot.waitUntil(lambda: cut_off(window) == [])


def test_column_titles_are_never_cut_and_say_themselves_in_a_tooltip(window, services, qtbot):
    schedule(services.app, "Twelfth Night", 2)
    services.runner.catch_up()
    window.resize(*AT_125)
    window.show_area("box_office")
    table = window.box_office.table
    header = table.horizontalHeader()
    table.setColumnWidth(1, 10)  # a view asking for less than the title needs
    for column in range(header.count()):
        if header.isSectionHidden(column):
            continue
        assert header.sectionSize(column) >= header.sectionSizeFromContents(column).width()
    title = table.model().headerData(1, Qt.Orientation.Horizontal)
    assert (
        table.model().headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == title
    )
    # a squeezed stretching column keeps its title's width; the table scrolls sideways
    stretch = min(table.stretching_columns())
    table.resize(200, table.height())
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() > 0)
    assert header.sectionSize(stretch) >= header.sectionSizeFromContents(stretch).width()


def test_the_patron_page_gives_the_timeline_the_room(window, services, qtbot):
    app = services.app
    ada = next(p["id"] for p in app_patrons(services) if "Lovelace" in p["name"])
    show = schedule(app, "Hamlet", 5, capacity=50)
    start = datetime.now(UTC) - timedelta(days=30)
    for day in range(8):
        app.sell_tickets(show, {"Adult": 1}, patron_id=ada, occurred_at=start + timedelta(days=day))
        app.add_note(ada, f"Called about seats, day {day}")
    services.runner.catch_up()
    window.resize(1366, 768)
    window.open_patron(ada)
    page = window.patron_page
    qtbot.waitUntil(lambda: page.purchases.proxy.rowCount() == 8)
    qtbot.waitUntil(lambda: page.sections.sizes()[1] > page.sections.sizes()[0])
    rows = page.timeline_table.verticalHeader().defaultSectionSize()
    assert page.timeline_table.viewport().height() >= 4 * rows
    assert page.purchases.table.viewport().height() <= 4 * rows  # a few orders, then it scrolls


def app_patrons(services) -> list[dict]:
    from projections import patron_directory

    return patron_directory.page(services.runner.db(), limit=50)


def test_at_1366_by_768_no_area_scrolls(window, qtbot):
    """On the laptop screen itself every area fits: the door's code field, the reports'
    buttons are on screen without scrolling the window."""
    window.resize(1366, 768 - 40)  # less a taskbar
    qtbot.waitUntil(lambda: window.width() == 1366)
    for area in AREAS:
        window.show_area(area)
        qtbot.waitUntil(lambda area=area: window.current_area() == area)
        qtbot.waitUntil(
            lambda: (
                window.area_scroll.verticalScrollBar().maximum() == 0
                and window.area_scroll.horizontalScrollBar().maximum() == 0
            )
        )
    window.show_area("door")
    field = window.door_view.code_field
    qtbot.waitUntil(lambda: field.visibleRegion().boundingRect().height() == field.height())


#: 1366×768 at 150%: 910×512 logical pixels
AT_150 = (910, 512)


def test_at_150_percent_no_area_scrolls_sideways_and_only_long_pages_up_and_down(window, qtbot):
    """At 150% every area fits across; one that cannot fit up and down (a report, the
    ladder with its list, the duplicates' comparison) says so and scrolls as a page."""
    from desktop.views.widgets import SCROLLS_UP_AND_DOWN

    window.resize(*AT_150)
    qtbot.waitUntil(lambda: window.width() == AT_150[0])
    room = window.area_scroll.maximumViewportSize()  # the room without scroll bars
    for area in AREAS:
        window.show_area(area)
        qtbot.waitUntil(lambda area=area: window.current_area() == area)
        page = window.areas.currentWidget()
        # what the area asks for, worked out from its layouts as they are now
        need = window.areas.minimumSizeHint()
        assert need.width() <= room.width(), (area, need, room)
        long = bool(page.property(SCROLLS_UP_AND_DOWN))
        assert long or need.height() <= room.height(), (area, need, room)
        qtbot.waitUntil(lambda: cut_off(window) == [])
    window.show_area("door")
    field = window.door_view.code_field
    qtbot.waitUntil(lambda: field.visibleRegion().boundingRect().height() == field.height())


def _rows_shown(table) -> int:
    """Whole rows the table shows without scrolling."""
    return table.viewport().height() // table.verticalHeader().defaultSectionSize()


def test_at_150_percent_the_box_office_gives_the_performances_the_room(window, services, qtbot):
    """1366×768 at 150%: the performances list shows at least four rows (it showed two),
    the selected performance's tickets at least two, and nothing is cut off; the order
    actions are one menu on the row of the tickets' title."""
    for days in range(1, 10):
        schedule(services.app, f"Show {days}", days)
    services.runner.catch_up()
    window.resize(*AT_150)
    qtbot.waitUntil(lambda: window.width() == AT_150[0])
    window.show_area("box_office")
    view = window.box_office
    view.refresh()
    qtbot.waitUntil(view.is_short)
    qtbot.waitUntil(lambda: _rows_shown(view.table) >= 4)
    assert _rows_shown(view.ticket_table) >= 2
    assert view.order_menu_button.isVisible() and not view.refund_button.isVisible()
    menu = view.order_menu_button.menu()
    menu.aboutToShow.emit()
    assert [a.text() for a in menu.actions()] == [
        b.text()
        for b in (view.refund_button, view.exchange_button, view.print_button, view.pdf_button)
    ]
    assert [a.isEnabled() for a in menu.actions()] == [
        b.isEnabled()
        for b in (view.refund_button, view.exchange_button, view.print_button, view.pdf_button)
    ]
    qtbot.waitUntil(lambda: cut_off(window) == [])
    # a window with room again: the buttons and the title's own row come back
    window.resize(1264, 800)
    qtbot.waitUntil(lambda: not view.is_short())
    assert view.refund_button.isVisible() and not view.order_menu_button.isVisible()


def test_a_long_email_on_the_patron_card_is_cut_in_the_middle_with_a_tooltip(
    window, services, qtbot
):
    email = "maximiliane.oberhauser-lindqvist@riverside-opera-friends.example.org"
    patron = services.app.register_patron("Maximiliane", "Oberhauser-Lindqvist", email=email)
    services.runner.catch_up()
    window.resize(*AT_150)
    qtbot.waitUntil(lambda: window.width() == AT_150[0])
    window.open_patron(patron)
    card = window.patron_page.card
    label = card.email_label
    qtbot.waitUntil(lambda: label.full_text() == email and label.is_elided())
    shown = label.text()
    assert shown.startswith("maxim") and shown.endswith(".org") and "…" in shown
    assert label.toolTip() == email
    # the card is no wider than its column: nothing on it is clipped
    scroll = window.patron_page.card_scroll
    assert card.width() <= scroll.viewport().width()
    assert label.geometry().right() <= card.contentsRect().right()
    assert cut_off(card) == []
    # Copy copies the whole address
    [copy] = label.actions()
    copy.trigger()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == email
    # a wider card shows more of it; a short address whole, with no tooltip
    window.resize(1600, 900)
    qtbot.waitUntil(lambda: len(label.text()) > len(shown))
    label.setText("ada@example.org")
    assert label.text() == "ada@example.org" and label.toolTip() == ""


def _busy_patron(services) -> str:
    app = services.app
    ada = next(p["id"] for p in app_patrons(services) if "Lovelace" in p["name"])
    show = schedule(app, "Hamlet", 5, capacity=50)
    start = datetime.now(UTC) - timedelta(days=30)
    for day in range(6):
        app.sell_tickets(show, {"Adult": 1}, patron_id=ada, occurred_at=start + timedelta(days=day))
        app.add_note(ada, f"Called about seats, day {day}")
    services.runner.catch_up()
    return ada


def test_on_a_short_laptop_window_the_timeline_has_the_page_without_scrolling(
    window, services, qtbot
):
    """1366×768 at 125% and 150%: the timeline showed about one row before the page
    scrolled; now it and the purchases are tabs, the timeline first with six rows or more,
    and the page does not scroll."""
    ada = _busy_patron(services)
    page = window.patron_page
    for size in (AT_125, AT_150):
        window.resize(*size)
        qtbot.waitUntil(lambda size=size: window.width() == size[0])
        window.open_patron(ada)
        qtbot.waitUntil(lambda: page.purchases.proxy.rowCount() == 6)
        qtbot.waitUntil(page.is_tabbed)
        tabs = page.tabs
        assert tabs.currentWidget() is page.timeline_box
        entries = page.timeline_count.text().split()[0]  # "15 entries"
        assert [tabs.tabText(i) for i in range(tabs.count())] == [
            f"Timeline ({entries})",
            "Purchases (6)",
        ]
        qtbot.waitUntil(lambda: _rows_shown(page.timeline_table) >= 6)
        qtbot.waitUntil(lambda: window.area_scroll.verticalScrollBar().maximum() == 0)
        assert not page.property(SCROLLS_UP_AND_DOWN)
        qtbot.waitUntil(lambda: cut_off(page) == [])
        # the purchases and their figures are one click away
        qtbot.mouseClick(
            tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(1).center()
        )
        assert tabs.currentWidget() is page.purchases_tab
        qtbot.waitUntil(
            lambda: page.purchases.table.isVisible() and page.purchases.stats.isVisible()
        )
        # (two orders at 125%; at 150% one, with their four figures above)
        least = 2 if size == AT_125 else 1
        qtbot.waitUntil(lambda least=least: _rows_shown(page.purchases.table) >= least)
        # (the order actions one menu on the title's row there)
        assert page.purchases.order_menu_button.isVisible()
        assert not page.purchases.refund_button.isVisible()
        qtbot.waitUntil(lambda: cut_off(page) == [])
        tabs.setCurrentIndex(0)
    # a tall window again: both in one column, the figures above the note
    window.resize(1366, 768 - 40)
    qtbot.waitUntil(lambda: not page.is_tabbed())
    assert page.sections.isVisible() and not page.tabs.isVisible()
    assert (
        page.sections.indexOf(page.purchases) == 0 and page.sections.indexOf(page.timeline_box) == 1
    )
    assert page.purchases.stats.isVisible() and page.purchases.refund_button.isVisible()
    assert not page.purchases.order_menu_button.isVisible()
    qtbot.waitUntil(lambda: _rows_shown(page.timeline_table) >= 4)


def test_at_150_percent_the_box_office_fits_across_and_keeps_the_titles(window, services, qtbot):
    """1366×768 at 150% with the demo's kind of titles and a tally that counts refunds:
    the box office scrolled sideways (839 px wanted, 723 there) and cut "The Gruffalo
    (f…". Now the tally is cut with a tooltip, the revenue and venue columns hide (the
    header's menu shows them), the title column keeps room for a typical title and
    says the whole title in its tooltip; a wide window shows every column again."""
    app = services.app
    title = "The Gruffalo (family matinee)"
    show = schedule(app, title, 3, capacity=50)
    for days in range(4, 8):
        schedule(app, f"The Seagull {days}", days)
    for _ in range(3):
        app.sell_tickets(show, {"Adult": 1})
    app.refund_order(app.sell_tickets(show, {"Adult": 1}).order_id)
    services.runner.catch_up()
    window.resize(*AT_150)
    qtbot.waitUntil(lambda: window.width() == AT_150[0])
    window.show_area("box_office")
    view = window.box_office
    view.refresh()
    view.select_performance(show)
    tally = view.tickets_count
    whole = getattr(tally, "full_text", tally.text)
    qtbot.waitUntil(lambda: "refunded" in whole())
    room = window.area_scroll.maximumViewportSize()
    qtbot.waitUntil(lambda: window.areas.minimumSizeHint().width() <= room.width())
    qtbot.waitUntil(lambda: window.area_scroll.horizontalScrollBar().maximum() == 0)
    table = view.table
    p = PerformanceTableModel
    typical = table.fontMetrics().horizontalAdvance("The Gruffalo (family)") + 12
    qtbot.waitUntil(lambda: table.columnWidth(p.TITLE) >= typical)
    assert table.horizontalScrollBar().maximum() == 0  # the performances fit across too
    assert table.isColumnHidden(p.REVENUE)
    row = view.proxy.proxy_row_of(show)
    assert view.proxy.index(row, p.TITLE).data(Qt.ItemDataRole.ToolTipRole) == title
    if tally.text() != whole():
        assert tally.toolTip() == whole()
    # the performance actions are one menu on this narrow row; Sell stays a button
    assert view.sell_button.isVisible()
    qtbot.waitUntil(lambda: cut_off(window) == [])
    # the header's menu shows a hidden column again, for good
    menu = view._column_menu(table.horizontalHeader().rect().center())
    [revenue] = [a for a in menu.actions() if "Revenue" in a.text()]
    assert not revenue.isChecked()
    revenue.trigger()
    menu.close()
    assert not table.isColumnHidden(p.REVENUE)
    window.resize(*AT_150)
    assert not table.isColumnHidden(p.REVENUE)
    # a wide window: every column, and the three buttons instead of the menu
    view.choose_column(p.REVENUE, True)
    window.resize(1600, 900)
    qtbot.waitUntil(lambda: not table.isColumnHidden(p.VENUE))
    assert view.new_production_button.isVisible()
    assert not view.performance_menu_button.isVisible()


def test_at_125_and_150_percent_the_timeline_s_summary_has_the_room(window, services, qtbot):
    """The When column wrote the weekday and took the summary's room: at 125% and 150%
    the summary was narrow and the timeline scrolled sideways. Now When is as wide as
    its short moments (the weekday in its tooltip) and the summary stretches."""
    from desktop import formatting
    from desktop.models.timeline import TimelineModel as T

    ada = _busy_patron(services)
    page = window.patron_page
    table = page.timeline_table
    for size in (AT_125, AT_150):
        window.resize(*size)
        qtbot.waitUntil(lambda size=size: window.width() == size[0])
        window.open_patron(ada)
        qtbot.waitUntil(lambda: page.timeline_model.rowCount() > 0)
        qtbot.waitUntil(page.is_tabbed)
        qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
        summary_room = table.fontMetrics().averageCharWidth() * 24
        qtbot.waitUntil(lambda room=summary_room: table.columnWidth(T.SUMMARY) >= room)
        assert table.columnWidth(T.WHEN) < table.columnWidth(T.SUMMARY)
        qtbot.waitUntil(lambda: cut_off(page) == [])
    # narrow, When writes the day (the time and weekday in its tooltip) and By hides
    # (who recorded it is in the summary's tooltip)
    row = page.timeline_model.row_data(0)
    when = page.timeline_proxy.index(0, T.WHEN)
    assert when.data() == formatting.date(row["occurred_at"])
    assert when.data(Qt.ItemDataRole.ToolTipRole) == formatting.moment(row["occurred_at"])
    assert table.fontMetrics().horizontalAdvance(when.data()) <= table.columnWidth(T.WHEN)
    assert table.isColumnHidden(T.BY)
    summary = page.timeline_proxy.index(0, T.SUMMARY).data(Qt.ItemDataRole.ToolTipRole)
    assert summary.endswith(f"Recorded by {row['recorded_by']}")
    # a wide window: the day and time, and the By column
    window.resize(1366, 768 - 40)
    qtbot.waitUntil(lambda: not table.isColumnHidden(T.BY))
    when = page.timeline_proxy.index(0, T.WHEN)
    assert when.data() == formatting.moment(row["occurred_at"], weekday=False)
