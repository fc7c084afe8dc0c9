"""The reports the manager can open: each a definition, not a screen.

A ``ReportDefinition`` is a title, a description, its columns (key, header,
kind of value), a ``rows(db)`` function reading read models, an optional
``summary(rows)`` line and an optional ``Chart``. With ``period=True`` the screen
shows a period chooser (last 30, 90 or 365 days, or chosen dates) and calls
``rows(db, start, end)`` with the first and last day; with ``patron_key`` a
double-click on a row opens the patron whose id is in that key. The reports screen shows any
definition as a sortable table and a chart, exports it to CSV and XLSX, prints
it and saves it as PDF; nothing else needs writing for a new report. To add
one, append a definition to ``REPORTS`` (or call ``register``), e.g.::

    register(ReportDefinition(
        key="loyalty", title="Loyalty movements",
        description="Who moved up the ladder, and who lapsed, in the last 90 days.",
        columns=(Column("rung", "Rung"), Column("moved_up", "Moved up", INT),
                 Column("lapsed", "Lapsed", INT)),
        rows=lambda db: rung_moves(db),
        chart=Chart(BAR, label=lambda r: r["rung"], series=("moved_up", "lapsed")),
    ))

(the real "Loyalty movements" report below takes a period and charts moves per month.)

English texts here are translated when shown (context "Reports"); a summary
translates its own template when called. Only QtCore is used (no widgets).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QCoreApplication
from sqlite_utils import Database

from desktop import formatting
from desktop.formatting import local_date, local_moment, money
from desktop.loyalty_labels import rung_and_kind, rung_label
from desktop.report_support import (
    SHORT_DAYS,
    duration,
    support_details,
    support_rows,
    support_summary,
)
from projections import box_office, ladder, reports

TEXT, INT, MONEY, PERCENT, MOMENT, DATE, MONTH, DURATION = (
    "text",
    "int",
    "money",
    "percent",
    "moment",
    "date",
    "month",
    "duration",
)
#: HEATMAP: rows are hours of the day with counts per weekday (d0..d6, Monday first) and
#: the weekdays' inquiries while nobody was on duty (u0..u6), drawn as a grid
BAR, STACKED, PIE, HEATMAP = "bar", "stacked", "pie", "heatmap"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = TEXT
    #: pixels in the table (None: by kind of value)
    width: int | None = None


@dataclass(frozen=True)
class Chart:
    """``kind``: BAR (a bar per series side by side), STACKED or PIE (first series).
    ``label(row)`` names each category; ``latest`` keeps only the last rows (the most
    recent performances or months) so the chart stays readable."""

    kind: str
    label: Callable[[dict], str]
    series: tuple[str, ...]
    latest: int | None = 12
    #: turns the table's rows into the chart's (e.g. moves counted per month), and
    #: names series that are not columns of the table (each counted, INT)
    group: Callable[[list[dict]], list[dict]] | None = field(default=None, compare=False)
    names: tuple[tuple[str, str], ...] = ()

    def column(self, definition: ReportDefinition, key: str) -> Column:
        """The column a series comes from (or an INT column named in ``names``)."""
        named = dict(self.names)
        if key in named:
            return Column(key, named[key], INT)
        return definition.column(key)


@dataclass(frozen=True)
class ReportDefinition:
    key: str
    title: str
    description: str
    columns: tuple[Column, ...]
    #: rows(db), rows(db, first, last) for a ``period`` report, rows(app, db, …) for a
    #: ``service`` report: ``read`` passes what the report needs
    rows: Callable[..., list[dict]]
    chart: Chart | None = None
    summary: Callable[[list[dict]], str] | None = field(default=None, compare=False)
    #: rows(db, start, end) for the chosen days (first and last included)
    period: bool = False
    #: the row key holding a patron id: a double-click on the row opens that patron
    patron_key: str | None = None
    #: rows(app, db, ...) read through the application service (which checks who may)
    service: bool = False
    #: more lines under the summary, in plain type (printed with it)
    details: Callable[[list[dict]], str] | None = field(default=None, compare=False)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def read(self, db: Database, period: tuple[date, date] | None = None, app=None) -> list[dict]:
        """The rows; a period report needs ``period`` (first day, last day), a ``service``
        report the application service ``app``."""
        first = (app, db) if self.service else (db,)
        if self.service and app is None:
            raise ValueError(f"the report {self.key!r} is read through the service")
        if self.period:
            if period is None:
                raise ValueError(f"the report {self.key!r} needs a period")
            return self.rows(*first, *period)
        return self.rows(*first)


def format_value(kind: str, value) -> str:
    """How a value is shown in the table, the CSV file and the PDF."""
    if value is None or value == "":
        return ""
    if kind == INT:
        return f"{int(value):,}"
    if kind == MONEY:
        return money(int(value))
    if kind == PERCENT:
        return formatting.percent(float(value))
    if kind == MOMENT:
        return local_moment(value)
    if kind == DATE:
        return local_date(value)
    if kind == MONTH:
        return formatting.month(value)
    if kind == DURATION:
        return duration(value)
    return str(value)


def export_value(kind: str, value):
    """What goes in a spreadsheet cell: numbers stay numbers (money in currency units)."""
    if value is None:
        return ""
    if kind == INT:
        return int(value)
    if kind == MONEY:
        return round(int(value) / 100, 2)
    if kind == PERCENT:
        return round(float(value), 4)
    if kind == DURATION:
        return round(float(value))  # seconds
    return format_value(kind, value)


def chart_value(kind: str, value) -> float:
    if value is None:
        return 0.0
    return int(value) / 100 if kind == MONEY else float(value)


def _short_show(row: dict) -> str:
    """A chart category: the day (titles are in the table; they do not fit under bars)."""
    return formatting.date(row.get("starts_at"), year=False)


def _month(row: dict) -> str:
    return format_value(MONTH, row["month"])


def _short_month(row: dict) -> str:
    """A chart category: Mar '26."""
    return formatting.month(row["month"], short_year=True)


# -- summaries (templates translated when called, context "Reports") -------------------
def _tr(text: str) -> str:
    return QCoreApplication.translate("Reports", text)


def attendance_summary(rows: list[dict]) -> str:
    sold = sum(r["sold"] for r in rows)
    if not sold:
        return _tr("No performance with tickets sold has started yet.")
    admitted = sum(r["admitted"] for r in rows)
    return _tr("{n} performances: {admitted} of {sold} tickets used, {share} no-shows.").format(
        n=f"{len(rows):,}",
        admitted=f"{admitted:,}",
        sold=f"{sold:,}",
        share=formatting.percent(1 - admitted / sold),
    )


def channels_summary(rows: list[dict]) -> str:
    orders = sum(r["orders"] for r in rows)
    if not orders:
        return _tr("No sales yet.")
    top = max(rows, key=lambda r: r["tickets"])
    lost = sum(r["lost"] for r in rows)
    return _tr("{orders} orders; most tickets through {channel}; {lost} lost contacts.").format(
        orders=f"{orders:,}", channel=_tr(top["label"]).lower(), lost=f"{lost:,}"
    )


def revenue_summary(rows: list[dict]) -> str:
    if not rows:
        return _tr("No performances yet.")
    total = sum(r["revenue_cents"] for r in rows)
    return _tr("{total} from {tickets} tickets.").format(
        total=money(total), tickets=f"{sum(r['sold'] for r in rows):,}"
    )


def month_summary(rows: list[dict]) -> str:
    if not rows:
        return _tr("No sales or gifts yet.")
    best = max(rows, key=lambda r: r["total_cents"])
    total = sum(r["total_cents"] for r in rows)
    return _tr("{total} in all; best month {month} ({best}).").format(
        total=money(total), month=_month(best), best=money(best["total_cents"])
    )


def capture_summary(rows: list[dict]) -> str:
    orders = sum(r["orders"] for r in rows)
    if not orders:
        return _tr("No sales yet.")
    known = sum(r["known"] for r in rows)
    walk_ups = sum(r["walk_ups"] for r in rows)
    lost = sum(r["lost"] for r in rows)
    return _tr(
        "{orders} orders: {share} of buyers known, {walk_ups} walk-ups captured, "
        "{lost} lost contacts."
    ).format(
        orders=f"{orders:,}",
        share=formatting.percent(known / orders),
        walk_ups=f"{walk_ups:,}",
        lost=f"{lost:,}",
    )


def contact_capture_rows(db: Database) -> list[dict]:
    rows = box_office.contact_capture(db)
    for row in rows:
        row["share_known"] = row["known"] / row["orders"] if row["orders"] else 0.0
    return rows


#: a change of rung as the report words it
MOVEMENTS = {ladder.UP: "Moved up", ladder.LAPSED_MOVE: "Lapsed", ladder.BACK: "Came back"}


def loyalty_rows(db: Database, start: date, end: date) -> list[dict]:
    """Every change of rung from ``start`` to ``end`` (both days included), oldest first,
    with the rungs and the change in words."""
    # the period's days are the organization's (from its midnight to its midnight)
    rows = ladder.loyalty_movements(db, start, end, zone=formatting.zone())
    for row in rows:
        row["change"] = _tr(MOVEMENTS[row["movement"]])
        row["from_label"] = rung_label(row["from_rung"])
        row["to_label"] = rung_and_kind(row["to_rung"], row["kind"] or "")
        row["month"] = formatting.stored_moment(row["moved_at"]).strftime("%Y-%m")
    return rows


def moves_per_month(rows: list[dict]) -> list[dict]:
    """The chart's rows: per month from the first move to the last (months without a
    move included), how many moved up, lapsed and came back."""
    if not rows:
        return []
    counted: dict[str, dict] = {}
    year, month = map(int, min(r["month"] for r in rows).split("-"))
    last = max(r["month"] for r in rows)
    while (key := f"{year:04d}-{month:02d}") <= last:
        counted[key] = {"month": key, ladder.UP: 0, ladder.LAPSED_MOVE: 0, ladder.BACK: 0}
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for row in rows:
        counted[row["month"]][row["movement"]] += 1
    return list(counted.values())


def loyalty_summary(rows: list[dict]) -> str:
    if not rows:
        return _tr("Nobody moved on the ladder in this period.")
    n = {key: sum(r["movement"] == key for r in rows) for key in MOVEMENTS}
    patrons = len({r["patron_id"] for r in rows})
    return _tr(
        "{moves} changes of rung by {patrons} patrons: {up} moved up, {lapsed} lapsed, "
        "{back} came back."
    ).format(
        moves=f"{len(rows):,}",
        patrons=f"{patrons:,}",
        up=f"{n[ladder.UP]:,}",
        lapsed=f"{n[ladder.LAPSED_MOVE]:,}",
        back=f"{n[ladder.BACK]:,}",
    )


PERFORMANCE = Column("title", "Performance")
WHEN = Column("starts_at", "Date and time", MOMENT)

REPORTS: list[ReportDefinition] = [
    ReportDefinition(
        key="attendance",
        title="Attendance",
        description="For each performance that has started: tickets sold, people admitted "
        "at the door, and the share who bought a ticket but did not come (no-shows).",
        columns=(
            PERFORMANCE,
            WHEN,
            Column("capacity", "Capacity", INT),
            Column("sold", "Sold", INT),
            Column("admitted", "Admitted", INT),
            Column("no_shows", "No-shows", INT),
            Column("no_show_rate", "No-show rate", PERCENT),
        ),
        rows=lambda db: reports.attendance(db),
        chart=Chart(BAR, _short_show, ("sold", "admitted")),
        summary=attendance_summary,
    ),
    ReportDefinition(
        key="sales_channels",
        title="Sales channels",
        description="Where tickets are sold: online (imported), at the box office, on the "
        "phone, to walk-up buyers, and as subscriptions; with the attendees named besides "
        "the buyers (contacts captured) and the lost contacts of each (tickets sold without "
        "a name).",
        columns=(
            Column("label", "Channel"),
            Column("orders", "Orders", INT),
            Column("tickets", "Tickets", INT),
            Column("revenue_cents", "Revenue", MONEY),
            Column("known", "Known buyers", INT),
            Column("attendees", "Attendees named", INT),
            Column("lost", "Lost contacts", INT),
        ),
        rows=reports.sales_channels,
        chart=Chart(PIE, lambda r: r["label"], ("tickets",), latest=None),
        summary=channels_summary,
    ),
    ReportDefinition(
        key="revenue_performance",
        title="Revenue by performance",
        description="Takings of each performance: tickets and subscription shares, less refunds.",
        columns=(
            PERFORMANCE,
            WHEN,
            Column("sold", "Sold", INT),
            Column("revenue_cents", "Revenue", MONEY),
        ),
        rows=reports.revenue_by_performance,
        chart=Chart(BAR, _short_show, ("revenue_cents",)),
        summary=revenue_summary,
    ),
    ReportDefinition(
        key="revenue_month",
        title="Revenue by month",
        description="Money received each month: tickets (less refunds), subscriptions, "
        "memberships and donations.",
        columns=(
            Column("month", "Month", MONTH),
            Column("tickets_cents", "Tickets", MONEY),
            Column("subscriptions_cents", "Subscriptions", MONEY),
            Column("memberships_cents", "Memberships", MONEY),
            Column("donations_cents", "Donations", MONEY),
            Column("total_cents", "Total", MONEY),
        ),
        rows=reports.revenue_by_month,
        chart=Chart(
            STACKED,
            _short_month,
            ("tickets_cents", "subscriptions_cents", "memberships_cents", "donations_cents"),
        ),
        summary=month_summary,
    ),
    ReportDefinition(
        key="contact_capture",
        title="Contact capture",
        description="For each performance, how many buyers we know by name, how many "
        "walk-ups were captured at the window, and how many tickets were sold without a "
        "name. Those are lost contacts: nobody can thank them or welcome them back.",
        columns=(
            PERFORMANCE,
            WHEN,
            Column("orders", "Orders", INT),
            Column("tickets", "Tickets", INT),
            Column("revenue_cents", "Revenue", MONEY),
            Column("known", "Known buyers", INT),
            Column("walk_ups", "Walk-ups", INT),
            Column("lost", "Lost", INT),
            Column("share_known", "Share known", PERCENT),
        ),
        rows=contact_capture_rows,
        chart=Chart(STACKED, _short_show, ("known", "lost")),
        summary=capture_summary,
    ),
    ReportDefinition(
        key="loyalty_movements",
        title="Loyalty movements",
        description="Every change of rung on the loyalty ladder in the period: who moved up, "
        "who lapsed (no activity for too long) and who came back after lapsing. "
        "Double-click a row to open the patron.",
        columns=(
            Column("moved_at", "Date", DATE),
            Column("name", "Patron"),
            Column("email", "Email"),
            Column("change", "Change"),
            Column("from_label", "From"),
            Column("to_label", "To"),
        ),
        rows=loyalty_rows,
        chart=Chart(
            STACKED,
            _short_month,
            (ladder.UP, ladder.LAPSED_MOVE, ladder.BACK),
            latest=24,
            group=moves_per_month,
            names=tuple((key, title) for key, title in MOVEMENTS.items()),
        ),
        summary=loyalty_summary,
        period=True,
        patron_key="patron_id",
    ),
]


REPORTS.append(
    ReportDefinition(
        key="support",
        title="Patron support",
        description="When patrons reach out (imported chats and incoming calls, by weekday "
        "and hour, in local time) and how fast staff answer chats: the time from the "
        "visitor's first message to the first staff reply. Cells outlined in red had "
        "inquiries while nobody was on duty (Calls & chats → Duty rota).",
        columns=(
            Column("hour_text", "Hour", TEXT, 110),
            *(Column(f"d{d}", day, INT, 56) for d, day in enumerate(SHORT_DAYS)),
            Column("inquiries", "Inquiries", INT, 90),
            Column("chats", "Chats", INT, 70),
            Column("calls", "Calls", INT, 70),
            Column("median_seconds", "Median first reply", DURATION, 140),
            Column("p90_seconds", "90% answered within", DURATION, 150),
            Column("outside", "Nobody on duty", INT, 120),
            Column("nobody", "Days nobody was on duty"),
        ),
        rows=support_rows,
        chart=Chart(HEATMAP, lambda r: r["hour_text"], (), latest=None),
        summary=support_summary,
        details=support_details,
        period=True,
        service=True,
    )
)


def register(definition: ReportDefinition) -> None:
    """Add a report (or replace the one with the same key)."""
    for i, existing in enumerate(REPORTS):
        if existing.key == definition.key:
            REPORTS[i] = definition
            return
    REPORTS.append(definition)


def report(key: str) -> ReportDefinition:
    return next(r for r in REPORTS if r.key == key)


def cells(definition: ReportDefinition, rows: Sequence[dict], for_export: bool = False) -> list:
    """The rows as lists of cells, in column order (shown text, or spreadsheet values)."""
    convert = export_value if for_export else format_value
    return [[convert(c.kind, row.get(c.key)) for c in definition.columns] for row in rows]
