"""The ladder dashboard: who is where on the loyalty ladder, who moved, who came back.

Patrons per rung as a bar chart; movement over a chosen period (moved up, lapsed,
came back); the second-visit rate of first-timers. Every number drills down: a
click on a bar or a figure lists the patrons behind it below, and a double-click
on one of them opens their page. The figures are the ones ``houselights report
ladder`` prints.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting, style
from desktop.export import add_export
from desktop.formatting import local_date
from desktop.loyalty_labels import rung_label
from desktop.models.base import SortProxy
from desktop.models.ladder_table import LadderPatronModel
from desktop.report_chart import whole_number_axis
from desktop.style import ACCENT, MUTED
from desktop.views.reports.period_chooser import PeriodChooser
from desktop.views.widgets import (
    SCROLLS_UP_AND_DOWN,
    ask_height_for_width,
    heading,
    size_columns,
    table_view,
)
from domain import loyalty
from domain.roles import Permission
from projections import ladder
from projections.runner import ReadModelRunner

_STYLE = f"""
QPushButton#figure {{ text-align: left; padding: 8px 12px; font-size: 11pt; }}
QPushButton#figure:checked {{ border: 2px solid {ACCENT}; }}
QPushButton#figure[twoLines="true"] {{ min-height: 2.6em; }}
QLabel#figureCaption {{ color: {MUTED}; font-size: 9.5pt; }}
"""


class LadderView(QWidget):
    #: below this window width (logical pixels) the chart and the figures are stacked
    NARROW_WINDOW = 1200

    #: a patron to open (double-click in the drill-down table)
    open_patron = Signal(str)
    #: a CSV file was written (path), for the status bar
    exported = Signal(str)

    def __init__(self, runner: ReadModelRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("ladder")
        self.setStyleSheet(_STYLE)
        self.counts: dict[str, int] = dict.fromkeys(loyalty.RUNGS, 0)
        #: what the table below shows: ("rung", rung), ("moves", movement) or
        #: ("second", returned, in_period)
        self.drill: tuple = ("rung", loyalty.TRYER)

        # -- the period ----------------------------------------------------------------
        self.chooser = PeriodChooser(("periodPreset", "periodStart", "periodEnd"), self)
        self.chooser.changed.connect(self.refresh)
        self.preset = self.chooser.preset
        self.start_edit = self.chooser.start_edit
        self.end_edit = self.chooser.end_edit

        # -- patrons per rung ------------------------------------------------------------
        self.bars = QBarSet(self.tr("Patrons"))
        self.bars.setColor(QColor(ACCENT))
        self.bars.setBorderColor(QColor(ACCENT))
        self.bars.setLabelColor(QColor(style.current().ink))
        self.bars.clicked.connect(lambda index: self.drill_rung(loyalty.RUNGS[index]))
        self.series = QBarSeries()
        self.series.append(self.bars)
        self.series.setLabelsVisible(True)
        self.series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.chart = QChart()
        self.chart.addSeries(self.series)
        self.chart.legend().hide()
        self.chart.setBackgroundVisible(False)
        self.chart.setMargins(QMargins(0, 0, 0, 0))
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.axis_x = QBarCategoryAxis()
        self.axis_x.append([rung_label(r) for r in loyalty.RUNGS])
        self.axis_x.setTruncateLabels(False)
        self.axis_y = QValueAxis()
        self.axis_y.setLabelFormat("%d")
        self.chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.axis_x)
        self.series.attachAxis(self.axis_y)
        self.chart_view = QChartView(self.chart, self)
        self.chart_view.setObjectName("ladderChart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(240)
        self.chart_view.setToolTip(self.tr("Click a bar to list the patrons on that rung"))
        self.rung_buttons: dict[str, QPushButton] = {}
        rung_row = QHBoxLayout()
        rung_row.setSpacing(6)
        for rung in loyalty.RUNGS:
            button = self._figure_button()
            button.clicked.connect(lambda _=False, r=rung: self.drill_rung(r))
            self.rung_buttons[rung] = button
            button.setProperty("twoLines", True)  # the count and the rung, never clipped
            rung_row.addWidget(button)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("muted")

        rungs_box = QFrame(self)
        rungs_box.setObjectName("card")
        rungs_layout = QVBoxLayout(rungs_box)
        rungs_layout.setContentsMargins(16, 12, 16, 12)
        rungs_layout.addWidget(
            heading(self.tr("Patrons per rung, today"), rungs_box, name="subheading")
        )
        rungs_layout.addWidget(self.total_label)
        rungs_layout.addWidget(self.chart_view, 1)
        rungs_layout.addLayout(rung_row)

        # -- movement and second visits ------------------------------------------------------
        self.moved_up = self._figure_button()
        self.moved_up.clicked.connect(lambda: self.drill_moves(ladder.UP))
        self.lapsed = self._figure_button()
        self.lapsed.clicked.connect(lambda: self.drill_moves(ladder.LAPSED_MOVE))
        self.came_back = self._figure_button()
        self.came_back.clicked.connect(lambda: self.drill_moves(ladder.BACK))
        self.first_timers = self._figure_button()
        self.first_timers.clicked.connect(lambda: self.drill_second(None, False))
        self.returned = self._figure_button()
        self.returned.clicked.connect(lambda: self.drill_second(True, False))
        self.returned_in_period = self._figure_button()
        self.returned_in_period.clicked.connect(lambda: self.drill_second(True, True))
        self.not_back = self._figure_button()
        self.not_back.clicked.connect(lambda: self.drill_second(False, False))

        figures_box = QFrame(self)
        figures_box.setObjectName("card")
        grid = QGridLayout(figures_box)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        grid.addWidget(
            heading(self.tr("Movement in the period"), figures_box, name="subheading"), 0, 0, 1, 2
        )
        grid.addWidget(self.moved_up, 1, 0)
        grid.addWidget(self.lapsed, 1, 1)
        grid.addWidget(self.came_back, 2, 0)
        grid.addWidget(
            heading(self.tr("Second visits"), figures_box, name="subheading"), 3, 0, 1, 2
        )
        explain = QLabel(
            self.tr(
                "Patrons whose first performance was in the period, and how many of them "
                "booked or came to a second one."
            ),
            figures_box,
        )
        explain.setObjectName("figureCaption")
        explain.setWordWrap(True)
        grid.addWidget(explain, 4, 0, 1, 2)
        grid.addWidget(self.first_timers, 5, 0)
        grid.addWidget(self.returned, 5, 1)
        grid.addWidget(self.returned_in_period, 6, 0)
        grid.addWidget(self.not_back, 6, 1)
        grid.setRowStretch(7, 1)

        # -- the patrons behind a number -------------------------------------------------------
        self.model = LadderPatronModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("ladderPatrons")
        self.table.setModel(self.proxy)
        m = LadderPatronModel
        size_columns(
            self.table, {m.NAME: 200, m.RUNG: 190, m.DATE: 150, m.EMAIL: 220}, stretch=m.DETAIL
        )
        self.table.doubleClicked.connect(self._open_row)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            opening = QShortcut(QKeySequence(key), self.table)
            opening.setContext(Qt.ShortcutContext.WidgetShortcut)
            opening.activated.connect(lambda: self._open_row(self.table.currentIndex()))
        self.table.setToolTip(self.tr("Double-click a patron to open their page"))
        self.drill_title = heading("", self, name="subheading")
        self.drill_title.setWordWrap(True)  # a long period's dates go onto two lines
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_action = add_export(
            self.table,
            self.export_button,
            suggested_name=self.tr("loyalty-ladder") + ".csv",
            on_done=lambda path: self.exported.emit(str(path)),
        )

        # -- layout ---------------------------------------------------------------------------
        # side by side; one under the other on a narrow window (a laptop at 125%, 150%),
        # where the page then scrolls up and down (see ``fit``)
        self.top = top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        top.addWidget(heading(self.tr("Loyalty ladder"), self))
        top.addStretch(1)
        top.addWidget(self.chooser)
        self.boxes = boxes = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        boxes.setSpacing(14)
        boxes.addWidget(rungs_box, 3)
        boxes.addWidget(figures_box, 2)
        drill_top = QHBoxLayout()
        drill_top.addWidget(self.drill_title)
        drill_top.addStretch(1)
        drill_top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addLayout(boxes, 3)
        layout.addLayout(drill_top)
        layout.addWidget(self.table, 2)

    def _figure_button(self) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName("figure")
        button.setCheckable(True)
        button.setAutoExclusive(False)
        return button

    # -- the period ------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        """The chosen days, first and last included."""
        return self.chooser.period()

    def set_period(self, start: date, end: date) -> None:
        self.chooser.set_period(start, end)
        self.refresh()

    # -- figures ---------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        width = self.window().width()
        down, across = QBoxLayout.Direction.TopToBottom, QBoxLayout.Direction.LeftToRight
        self.boxes.setDirection(down if width < self.NARROW_WINDOW else across)
        self.top.setDirection(down if width < 1000 else across)
        # stacked, the page is taller than a short screen: it scrolls up and down
        self.setProperty(SCROLLS_UP_AND_DOWN, width < self.NARROW_WINDOW)
        # stacked, the page asks for the height its wrapped lines need (the chart and its
        # axis stay whole)
        ask_height_for_width(self, width < self.NARROW_WINDOW)

    def refresh(self) -> None:
        start, end = self.period()
        self.counts = self.runner.read(Permission.READ_REPORTS, ladder.rung_counts)
        values = [self.counts[r] for r in loyalty.RUNGS]
        if self.bars.count():
            self.bars.remove(0, self.bars.count())
        self.bars.append(values)
        whole_number_axis(self.axis_y, max(values + [0]))
        total = sum(values)
        self.total_label.setText(self.tr("{n} patrons").format(n=formatting.number(total)))
        for rung, button in self.rung_buttons.items():
            button.setText(f"{formatting.number(self.counts[rung])}\n{rung_label(rung)}")
        moved = self.runner.read(
            Permission.READ_REPORTS, ladder.movement_counts, start, end, zone=formatting.zone()
        )
        self.moved_up.setText(self.tr("{n} moved up").format(n=formatting.number(moved[ladder.UP])))
        self.lapsed.setText(
            self.tr("{n} lapsed").format(n=formatting.number(moved[ladder.LAPSED_MOVE]))
        )
        self.came_back.setText(
            self.tr("{n} came back after lapsing").format(n=formatting.number(moved[ladder.BACK]))
        )
        visits = self.runner.read(
            Permission.READ_REPORTS, ladder.second_visits, start, end, zone=formatting.zone()
        )
        self.second = visits
        self.first_timers.setText(
            self.tr("{n} first-timers").format(n=formatting.number(visits["first_timers"]))
        )
        self.returned.setText(
            self.tr("{rate} came back ({n})").format(
                rate=formatting.percent(visits["rate"]), n=formatting.number(visits["returned"])
            )
        )
        within = self.tr("{rate} within the period ({n})")
        self.returned_in_period.setText(
            within.format(
                rate=formatting.percent(visits["rate_in_period"]),
                n=formatting.number(visits["returned_in_period"]),
            )
        )
        self.not_back.setText(
            self.tr("{n} not back yet").format(
                n=formatting.number(visits["first_timers"] - visits["returned"])
            )
        )
        self._show_drill()

    # -- drilling down -------------------------------------------------------------------------
    def drill_rung(self, rung: str) -> None:
        self.drill = ("rung", rung)
        self._show_drill()

    def drill_moves(self, movement: str) -> None:
        self.drill = ("moves", movement)
        self._show_drill()

    def drill_second(self, returned: bool | None, in_period: bool) -> None:
        self.drill = ("second", returned, in_period)
        self._show_drill()

    def _show_drill(self) -> None:
        start, end = self.period()
        kind = self.drill[0]
        if kind == "rung":
            rung = self.drill[1]
            rows = [
                dict(r, date=r["since"], detail=self._last_active(r))
                for r in self.runner.read(Permission.READ_REPORTS, ladder.patrons_on_rung, rung)
            ]
            title = self.tr("{rung}: {n}").format(
                rung=rung_label(rung), n=formatting.number(len(rows))
            )
            self.model.date_header = self.tr("Since")
            pressed = self.rung_buttons[rung]
        elif kind == "moves":
            movement = self.drill[1]
            rows = [
                dict(
                    r,
                    rung=r["to_rung"],
                    date=r["moved_at"],
                    detail=self.tr("from {rung}").format(rung=rung_label(r["from_rung"]).lower()),
                )
                for r in self.runner.read(
                    Permission.READ_REPORTS,
                    ladder.loyalty_movements,
                    start,
                    end,
                    zone=formatting.zone(),
                )
                if r["movement"] == movement
            ]
            words = {
                ladder.UP: self.tr("Moved up"),
                ladder.LAPSED_MOVE: self.tr("Lapsed"),
                ladder.BACK: self.tr("Came back after lapsing"),
            }
            patrons = len({r["patron_id"] for r in rows})
            title = self.tr("{what} from {start} to {end}: {n} patrons, {moves} moves").format(
                what=words[movement],
                start=formatting.day(start),
                end=formatting.day(end),
                n=formatting.number(patrons),
                moves=formatting.number(len(rows)),
            )
            self.model.date_header = self.tr("Moved on")
            pressed = {
                ladder.UP: self.moved_up,
                ladder.LAPSED_MOVE: self.lapsed,
                ladder.BACK: self.came_back,
            }[movement]
        else:
            returned, in_period = self.drill[1], self.drill[2]
            rows = [
                dict(r, date=r["first_show"], detail=self._second_show(r))
                for r in self.runner.read(
                    Permission.READ_REPORTS,
                    ladder.first_timers,
                    start,
                    end,
                    returned,
                    in_period,
                    zone=formatting.zone(),
                )
            ]
            title = {
                (None, False): self.tr("First-timers in the period: {n}"),
                (True, False): self.tr("First-timers who came back: {n}"),
                (True, True): self.tr("First-timers who came back within the period: {n}"),
                (False, False): self.tr("First-timers not back yet: {n}"),
            }[(returned, in_period)].format(n=formatting.number(len(rows)))
            self.model.date_header = self.tr("First performance")
            pressed = {
                (None, False): self.first_timers,
                (True, False): self.returned,
                (True, True): self.returned_in_period,
                (False, False): self.not_back,
            }[(returned, in_period)]
        for button in self.findChildren(QPushButton, "figure"):
            button.setChecked(button is pressed)
        self.drill_title.setText(title)
        self.model.set_rows(rows)
        ask_height_for_width(self, self.window().width() < self.NARROW_WINDOW)

    def _last_active(self, row: dict) -> str:
        last = local_date(row.get("last_activity"))
        return self.tr("last active {date}").format(date=last) if last else ""

    def _second_show(self, row: dict) -> str:
        second = local_date(row.get("second_show"))
        return self.tr("second performance {date}").format(date=second) if second else ""

    def patron_ids(self) -> list[str]:
        """The patrons the table lists, in the order shown."""
        ids = (self.proxy.row_id(r) for r in range(self.proxy.rowCount()))
        return [patron_id for patron_id in ids if patron_id is not None]

    def _open_row(self, index) -> None:
        if not index.isValid():
            return
        patron_id = self.proxy.row_id(index.row())
        if patron_id:
            self.open_patron.emit(patron_id)
