"""Reports for the manager: pick one on the left; see its table and chart.

Every report is a definition in ``desktop/report_catalog.py`` (attendance, sales
channels, revenue by performance and by month, contact capture, ...). This
screen shows whichever is chosen: a summary line, a QtCharts chart and a
sortable table, and exports it to CSV or XLSX, prints it or saves it as PDF.
A report over a period (``period=True``) shows a period chooser above its table;
a report naming a ``patron_key`` opens the patron of a double-clicked row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import cast

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.export import tell_write_failed, write_rows_csv, write_rows_xlsx
from desktop.file_dialogs import save_file_name
from desktop.formatting import local_date
from desktop.models.base import SortProxy
from desktop.models.report_table import WIDTHS, ReportTableModel, tr
from desktop.report_catalog import MOMENT, REPORTS, TEXT, ReportDefinition, cells, report
from desktop.report_chart import build_chart
from desktop.report_printing import print_report, save_report_pdf
from desktop.views.reports.period_chooser import PeriodChooser
from desktop.views.widgets import (
    SCROLLS_UP_AND_DOWN,
    FlowLayout,
    ask_height_for_width,
    heading,
    moment_width,
    table_view,
)
from domain.application import Houselights
from domain.errors import HouselightsError
from domain.roles import Permission
from projections.runner import ReadModelRunner


class ReportsView(QWidget):
    #: a file was written (path), for the status bar
    exported = Signal(str)
    #: a patron to open (double-click on a row of a report with a ``patron_key``)
    open_patron = Signal(str)

    def __init__(
        self, runner: ReadModelRunner, parent: QWidget | None = None, app: Houselights | None = None
    ):
        super().__init__(parent)
        self.runner = runner
        #: the application service, for reports read through it (``service=True``)
        self.app = app
        self.setObjectName("reports")
        self.definition: ReportDefinition = REPORTS[0]
        self.rows: list[dict] = []

        self.report_list = QListWidget(self)
        self.report_list.setObjectName("reportList")
        self.report_list.setFixedWidth(220)
        for definition in REPORTS:
            item = QListWidgetItem(tr(definition.title))
            item.setData(Qt.ItemDataRole.UserRole, definition.key)
            item.setSizeHint(QSize(0, 34))
            self.report_list.addItem(item)
        self.report_list.currentRowChanged.connect(self._chosen)

        self.title = heading("", self)
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setObjectName("muted")
        self.summary = QLabel(self)
        self.summary.setObjectName("subheading")
        self.summary.setWordWrap(True)
        self.details = QLabel(self)
        self.details.setObjectName("reportDetails")
        self.details.setWordWrap(True)
        self.details.hide()

        # -- the period (only for reports over a period) ------------------------------
        self.period_bar = PeriodChooser(
            ("reportPeriod", "reportStart", "reportEnd"), self, stretch=True
        )
        self.period_bar.changed.connect(self._period_changed)
        self.preset = self.period_bar.preset
        self.start_edit = self.period_bar.start_edit
        self.end_edit = self.period_bar.end_edit

        self.chart_view = QChartView(self)
        self.chart_view.setObjectName("reportChart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        self.model = ReportTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("reportTable")
        self.table.setModel(self.proxy)
        self.table.doubleClicked.connect(self._open_row)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart_view)
        splitter.addWidget(self.table)
        splitter.setSizes([300, 360])
        splitter.setChildrenCollapsible(False)

        self.csv_button = QPushButton(self.tr("Export CSV…"), self)
        self.xlsx_button = QPushButton(self.tr("Export XLSX…"), self)
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.pdf_button = QPushButton(self.tr("Save as PDF…"), self)
        self.csv_button.clicked.connect(lambda: self.export(suffix=".csv"))
        self.xlsx_button.clicked.connect(lambda: self.export(suffix=".xlsx"))
        self.print_button.clicked.connect(self.print_)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())

        # the buttons wrap onto a second line on a narrow window (a laptop at 150%)
        actions_box = QWidget(self)
        actions = FlowLayout(actions_box, spacing=8, right=True)
        for button in (self.csv_button, self.xlsx_button, self.print_button, self.pdf_button):
            actions.addWidget(button)
        page = QVBoxLayout()
        page.setSpacing(10)
        page.addWidget(self.title)
        page.addWidget(self.description)
        page.addWidget(self.period_bar)
        page.addWidget(self.summary)
        page.addWidget(self.details)
        page.addWidget(splitter, 1)
        page.addWidget(actions_box)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(28, 18, 28, 14)
        layout.setSpacing(18)
        layout.addWidget(self.report_list)
        layout.addLayout(page, 1)
        self.report_list.setCurrentRow(0)

    # -- showing ---------------------------------------------------------------
    def _chosen(self, row: int) -> None:
        if row < 0:
            return
        key = self.report_list.item(row).data(Qt.ItemDataRole.UserRole)
        self.definition = report(key)
        self.refresh()

    def show_report(self, key: str) -> None:
        keys = [r.key for r in REPORTS]
        self.report_list.setCurrentRow(keys.index(key))

    # -- the period --------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        """The chosen days, first and last included."""
        return self.period_bar.period()

    def set_period(self, start: date, end: date) -> None:
        self.period_bar.set_period(start, end)
        self._period_changed()

    def _period_changed(self) -> None:
        if self.definition.period:
            self.refresh()

    def period_text(self) -> str:
        start, end = self.period()
        return self.tr("From {start} to {end}.").format(
            start=local_date(start.isoformat()), end=local_date(end.isoformat())
        )

    def _open_row(self, index) -> None:
        key = self.definition.patron_key
        if key is None or not index.isValid():
            return
        row = self.proxy.mapToSource(index).row()
        patron_id = self.rows[row].get(key)
        if patron_id:
            self.open_patron.emit(str(patron_id))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # a narrow window (a laptop at 150%): a narrower list of reports, less margin
        window = self.window()
        narrow = window.width() < 1000
        if narrow != getattr(self, "_narrow", None):
            self._narrow = narrow
            self.report_list.setFixedWidth(170 if narrow else 220)
            layout = cast(QHBoxLayout, self.layout())
            layout.setContentsMargins(*((14, 8, 14, 8) if narrow else (28, 18, 28, 14)))
            layout.setSpacing(12 if narrow else 18)
        # a short or narrow window (a laptop at 125% or 150%): a report's words, chart and
        # rows do not fit, so the page scrolls up and down as a whole and the table keeps
        # several rows in sight
        scrolls = narrow or window.height() < self.SHORT_WINDOW
        if scrolls != getattr(self, "_scrolls", None):
            self._scrolls = scrolls
            self.table.setMinimumHeight(220 if scrolls else 0)
            self.setProperty(SCROLLS_UP_AND_DOWN, scrolls)
        ask_height_for_width(self, scrolls)

    #: a window shorter than this (logical pixels; 1366×768 at 125% is 614) scrolls
    SHORT_WINDOW = 700

    def refresh(self) -> None:
        definition = self.definition
        self.period_bar.setVisible(definition.period)
        self.title.setText(tr(definition.title))
        self.description.setText(tr(definition.description))
        try:
            needs = Permission.READ_SUPPORT if definition.service else Permission.READ_REPORTS
            self.rows = self.runner.read(needs, definition.read, self.period(), app=self.app)
            summary = definition.summary(self.rows) if definition.summary else ""
            details = definition.details(self.rows) if definition.details else ""
        except HouselightsError as refused:  # e.g. a role that may not see this report
            self.rows, summary, details = [], str(refused), ""
        self.details.setText(details)
        self.details.setVisible(bool(details))
        if definition.period:
            summary = f"{self.period_text()} {summary}".strip()
        self.summary.setText(summary)
        self.model.set_report(definition, self.rows)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, column in enumerate(definition.columns):
            width = column.width or WIDTHS.get(column.kind, 120)
            if column.kind == MOMENT and not column.width:  # a date and time in this locale
                width = moment_width(self.table)
            self.table.setColumnWidth(i, width)
        first_is_text = (
            bool(definition.columns)
            and definition.columns[0].kind == TEXT
            and definition.columns[0].width is None
        )
        stretch = 0 if first_is_text else len(definition.columns) - 1
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        # the names in the stretching column are read whole ("Twelfth Night", not "Twelf…")
        self.table.minimum_widths = {stretch: min(self.table.sizeHintForColumn(stretch), 320)}
        self.table.columns_arranged()  # no title cut off, whatever the report
        old = self.chart_view.chart()
        self.chart_view.setChart(build_chart(definition, self.rows))
        if old is not None:
            old.deleteLater()
        ask_height_for_width(self, bool(getattr(self, "_scrolls", False)))

    # -- files and paper --------------------------------------------------------
    def _file_name(self, suffix: str) -> str:
        return tr(self.definition.title).lower().replace(" ", "-") + suffix

    def _ask(self, suffix: str, kind: str) -> Path | None:
        chosen, _ = save_file_name(
            self, "report", self.tr("Save the report"), self._file_name(suffix), kind
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def export(self, path: str | Path | None = None, suffix: str = ".csv") -> Path | None:
        """The table as CSV (text as shown) or XLSX (numbers as numbers), by ``suffix``
        or the name's ending; asks where when no ``path`` is given."""
        if path is None:
            kinds = {
                ".csv": self.tr("CSV files (*.csv)"),
                ".xlsx": self.tr("Excel workbooks (*.xlsx)"),
            }
            path = self._ask(suffix, kinds[suffix])
            if path is None:
                return None
        path = Path(path)
        headers = [tr(c.title) for c in self.definition.columns]
        try:
            if path.suffix.lower() == ".xlsx":
                lines = cells(self.definition, self.rows, for_export=True)
                write_rows_xlsx(path, headers, lines, sheet=tr(self.definition.title))
            else:
                write_rows_csv(path, headers, cells(self.definition, self.rows))
        except OSError as error:
            tell_write_failed(self, error)
            return None
        self.exported.emit(str(path))
        return path

    def save_pdf(self, path: str | Path | None = None) -> Path | None:
        if path is None:
            path = self._ask(".pdf", self.tr("PDF files (*.pdf)"))
            if path is None:
                return None
        try:
            written = save_report_pdf(path, self.definition, self.rows, self._summary_text())
        except OSError as error:
            tell_write_failed(self, error)
            return None
        self.exported.emit(str(written))
        return written

    def print_(self, printer=None) -> bool:
        """The print dialog, then the report on paper; False when cancelled."""
        return print_report(self, self.definition, self.rows, self._summary_text(), printer)

    def _summary_text(self) -> str:
        """The summary and its details, as printed."""
        details = self.details.text() if self.details.isVisibleTo(self) else ""
        return "\n".join(t for t in (self.summary.text(), details) if t)
