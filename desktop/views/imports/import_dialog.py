"""Import online sales: choose a CSV export, check the columns, dry run, import.

The dialog reads the file and runs the import in the background
(``desktop/background.py``) with a progress bar and Cancel; it shows the
detected layout, the first rows, a column-mapping editor (one list per
field) and, at the end, the report with the rejected rows in a table that can
be sorted and exported. Everything it does goes through
``imports.sales_import``; the dialog holds no import rule.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.background import Cancelled
from desktop.export import add_export, tell_write_failed
from desktop.file_dialogs import open_file_name, save_file_name
from desktop.models.base import SortProxy
from desktop.models.sales_import import PreviewTableModel, RejectedTableModel
from desktop.server_connection import needs_server
from desktop.views.imports.shared import (
    ImportDialog,
    add_import_header,
    remember_zone,
    zone_chooser,
)
from desktop.views.widgets import error_label, show_count, show_error, table_view
from domain.application import Houselights
from domain.errors import HouselightsError
from imports.sales_file import READING, ReadingCancelled, SalesFile, read_sales_file
from imports.sales_import import (
    APPLYING,
    CHECKING_CODES,
    CHECKING_DATES,
    CHECKING_TWICE,
    DEFAULT_ITEM_PATTERN,
    PLANNING,
    READING_ROWS,
    SELLING,
    applied_beside,
    beside_cache_kib,
    excel_number_dates,
    import_sales,
    missing_fields,
)
from imports.sales_layouts import FIELDS, REQUIRED
from projections.alongside import Prepared
from projections.runner import ReadModelRunner

PREVIEW_ROWS = 20
DATE_ORDER_SETTING = "import/date_order"


# -- work that runs on the thread pool (never touches a widget) ---------------------
def read_work(progress, path: str) -> SalesFile:
    """The file read, and (a workbook) its dates Excel stored as numbers looked for."""
    progress.update(0, None, READING)
    try:
        sales = read_sales_file(
            path, progress=progress.update, cancelled=lambda: progress.cancelled
        )
    except ReadingCancelled:
        raise Cancelled from None
    sales.excel_dates = excel_number_dates(sales, sales.mapping)
    return sales


def import_work(
    progress,
    app,
    sales,
    mapping,
    timezone,
    dry_run,
    outcome: list,
    reading: dict | None = None,
    runner: ReadModelRunner | None = None,
    prepared: Prepared | None = None,
) -> dict:
    """``mapping`` None: the detected one, not confirmed (an unrecognised layout then
    only rehearses); ``reading``: date_order, default_date_order, item_pattern.
    ``runner``: this window's read models, which a second process brings up to date
    while a long file is imported (otherwise each saved chunk is applied here);
    ``prepared``: that process, started once the file was read
    (``ReadModelRunner.prepare_alongside``), ended here if it is not used."""

    def run(update) -> dict:
        report = import_sales(
            app,
            sales,
            mapping=mapping,
            timezone=timezone,
            dry_run=dry_run,
            progress=update,
            cancelled=lambda: progress.cancelled,
            **(reading or {}),
        )
        outcome.append(report)  # kept for the GUI also when the import was cancelled
        return report

    if runner is None or not applied_beside(sales, dry_run):
        if prepared is not None:
            prepared.release()  # (nothing to apply beside the import)
        return run(progress.update)
    applying = functools.partial(progress.update, message=APPLYING)
    # Cancel while the last chunks are applied stops the wait: the window's polls apply
    # the rest in the background (the import itself is done by then).
    with runner.applied_alongside(
        app,
        progress=applying,
        cancelled=lambda: progress.cancelled,
        cache_kib=beside_cache_kib(sales),
        prepared=prepared,
    ) as heard:

        def update(done: int, total: int, phase: str) -> None:
            heard()  # the views show what the second process has applied so far
            progress.update(done, total, phase)

        return run(update)


class ImportSalesDialog(ImportDialog):
    """File chooser, detected layout, preview, column mapping, dry run, import, report;
    ``imported`` is emitted after a real (not dry) import only."""

    def __init__(
        self,
        app: Houselights,
        background,
        settings=None,
        parent: QWidget | None = None,
        runner: ReadModelRunner | None = None,
    ):
        super().__init__(app, background, settings, parent)
        #: this window's read models (a long import has them brought up to date by a
        #: second process meanwhile); None: each saved chunk is applied as it is saved
        self.runner = runner
        self.sales: SalesFile | None = None
        self.mapping: dict[str, str] = {}
        self._dry_run = False
        #: the date columns holding dates Excel stored as numbers (the file's, or the last
        #: dry run's with the columns then chosen)
        self._number_dates: list[dict] = []
        #: where each run writes every row it did not import (removed when closed)
        self._rejected_dir: tempfile.TemporaryDirectory | None = None
        #: the second process of this file's import, started once a long file is read
        #: (``_prepare_import``)
        self._ahead: Prepared | None = None
        self.finished.connect(self._forget_rejected_rows)
        self.setObjectName("importSalesDialog")
        self.setWindowTitle(self.tr("Import online sales"))
        self.resize(1040, 720)
        self._build()
        self._set_busy(False)

    # -- building ----------------------------------------------------------------------
    def _field_labels(self) -> dict[str, str]:
        return {
            "order_id": self.tr("Order number"),
            "order_date": self.tr("Order date"),
            "first_name": self.tr("First name"),
            "last_name": self.tr("Last name"),
            "full_name": self.tr("Full name (when there is no first/last)"),
            "email": self.tr("Email"),
            "phone": self.tr("Phone"),
            "postal_code": self.tr("Postal code"),
            "event_name": self.tr("Event name"),
            "event_date": self.tr("Event date"),
            "event_time": self.tr("Event time (when the date has none)"),
            "ticket_type": self.tr("Ticket type"),
            "price": self.tr("Price per ticket"),
            "quantity": self.tr("Quantity (empty means 1)"),
            "barcode": self.tr("Barcode"),
            "status": self.tr("Status (refunded, cancelled or unpaid rows are left out)"),
            "ticket_id": self.tr("Ticket or attendee number (the service's own)"),
            "order_total": self.tr("Order total (divided over the order's tickets)"),
            "fees": self.tr("Service fees included in the price or total (subtracted)"),
            "attendee_first_name": self.tr("Attendee first name (when not the buyer)"),
            "attendee_last_name": self.tr("Attendee last name"),
            "attendee_full_name": self.tr("Attendee full name (when there is no first/last)"),
            "attendee_email": self.tr("Attendee email"),
            "attendee_phone": self.tr("Attendee phone"),
            "timezone": self.tr("Event time zone (wins over the one chosen above)"),
            "item_name": self.tr("Item name holding the event and its date (Square, Shopify)"),
        }

    def _date_orders(self) -> list[tuple[str, str]]:
        return [
            ("", self.tr("As the file shows (else the setting)")),
            ("dmy", self.tr("Day first: 12/11/2026 is 12 November")),
            ("mdy", self.tr("Month first: 12/11/2026 is December 11")),
            ("ymd", self.tr("Year first: 26/11/12 is 12 November 2026")),
        ]

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        add_import_header(
            layout,
            self.tr("Import online sales"),
            self.tr(
                "Bring in the orders your online ticketing service sold: each buyer is found "
                "among your patrons (or added), each ticket keeps its barcode so it scans at "
                "the door. Importing the same file again adds nothing twice."
            ),
            self,
        )

        file_row = QHBoxLayout()
        self.path_field = QLineEdit(self)
        self.path_field.setReadOnly(True)
        self.path_field.setPlaceholderText(self.tr("No file chosen yet"))
        self.choose_button = QPushButton(self.tr("Choose file…"), self)
        self.choose_button.clicked.connect(lambda: self.choose_file())
        file_row.addWidget(QLabel(self.tr("Sales file:"), self))
        file_row.addWidget(self.path_field, 1)
        file_row.addWidget(self.choose_button)
        layout.addLayout(file_row)

        self.layout_label = QLabel(self)
        self.layout_label.setObjectName("subheading")
        self.layout_label.setWordWrap(True)
        layout.addWidget(self.layout_label)
        #: a recognised layout that no public copy of the export confirms says so
        self.layout_note = QLabel(self)
        self.layout_note.setObjectName("layoutNote")
        self.layout_note.setWordWrap(True)
        self.layout_note.setVisible(False)
        layout.addWidget(self.layout_note)
        self.confirm_mapping = QCheckBox(
            self.tr("I checked the columns (Columns tab): import the file with them"), self
        )
        self.confirm_mapping.setObjectName("confirmMapping")
        self.confirm_mapping.toggled.connect(lambda _on: self._set_busy(self.busy))
        layout.addWidget(self.confirm_mapping)
        self.excel_dates_note = QLabel(self)
        self.excel_dates_note.setObjectName("excelDatesNote")
        self.excel_dates_note.setWordWrap(True)
        layout.addWidget(self.excel_dates_note)
        self.confirm_excel_dates = QCheckBox(
            self.tr("Read them as dates (check them in the dry run first)"), self
        )
        self.confirm_excel_dates.setObjectName("confirmExcelDates")
        self.confirm_excel_dates.toggled.connect(lambda _on: self._set_busy(self.busy))
        layout.addWidget(self.confirm_excel_dates)

        zone_row = QHBoxLayout()
        self.timezone = zone_chooser(self.settings, self)
        self.timezone.setToolTip(
            self.tr("Dates in the file without a time zone are read in this one")
        )
        zone_row.addWidget(QLabel(self.tr("Time zone of the dates in the file:"), self))
        zone_row.addWidget(self.timezone)
        self.date_order = QComboBox(self)
        self.date_order.setObjectName("dateOrder")
        for value, label in self._date_orders():
            self.date_order.addItem(label, value)
        self.date_order.setToolTip(
            self.tr(
                "How to read dates like 12/11/2026. A date such as 14/03/2026 in the file decides "
                "by itself; when none does, your date-order setting is used and the report says so."
            )
        )
        zone_row.addSpacing(16)
        zone_row.addWidget(QLabel(self.tr("Dates:"), self))
        zone_row.addWidget(self.date_order)
        zone_row.addStretch(1)
        layout.addLayout(zone_row)

        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)

        # Preview: the first rows as the file has them.
        preview = QWidget(self)
        preview_layout = QVBoxLayout(preview)
        self.preview_model = PreviewTableModel(self)
        self.preview_proxy = SortProxy(self.preview_model, self)
        self.preview_table = table_view(preview)
        self.preview_table.setModel(self.preview_proxy)
        self.preview_export = QPushButton(self.tr("Export…"), preview)
        add_export(self.preview_table, self.preview_export, "sales-preview.csv")
        preview_layout.addWidget(self.preview_table, 1)
        preview_layout.addWidget(self.preview_export, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs.addTab(preview, self.tr("First rows"))

        # Columns: which column of the file holds each field.
        columns = QScrollArea(self)
        columns.setWidgetResizable(True)
        form_holder = QWidget(columns)
        form = QFormLayout(form_holder)
        self.mapping_hint = QLabel(
            self.tr(
                "Choose which column of the file holds each piece of information. "
                "Fields marked * are needed."
            ),
            form_holder,
        )
        self.mapping_hint.setWordWrap(True)
        form.addRow(self.mapping_hint)
        self.mapping_error = error_label(form_holder)
        form.addRow(self.mapping_error)
        #: the file's columns no field reads: shown, never dropped silently
        self.unused_label = QLabel(form_holder)
        self.unused_label.setObjectName("unusedColumns")
        self.unused_label.setWordWrap(True)
        form.addRow(self.unused_label)
        self.field_boxes: dict[str, QComboBox] = {}
        labels = self._field_labels()
        for name in FIELDS:
            box = QComboBox(form_holder)
            box.setObjectName(f"mapping_{name}")
            box.currentIndexChanged.connect(self._mapping_changed)
            self.field_boxes[name] = box
            form.addRow(labels[name] + (" *" if name in REQUIRED else ""), box)
        self.item_pattern = QLineEdit(DEFAULT_ITEM_PATTERN, form_holder)
        self.item_pattern.setObjectName("itemPattern")
        self.item_pattern.setToolTip(
            self.tr(
                "A regular expression that finds the event and its date in an item name: the "
                "groups (?P<event>…) and (?P<date>…), and (?P<time>…) when the time stands apart"
            )
        )
        form.addRow(self.tr("Item name pattern"), self.item_pattern)
        columns.setWidget(form_holder)
        self.tabs.addTab(columns, self.tr("Columns"))

        # Report: the outcome and the rejected rows.
        report = QWidget(self)
        report_layout = QVBoxLayout(report)
        self.summary = QLabel(self.tr("Run a dry run or the import to see what happens."), report)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rejected_model = RejectedTableModel(self)
        self.rejected_proxy = SortProxy(self.rejected_model, self)
        self.rejected_table = table_view(report)
        self.rejected_table.setModel(self.rejected_proxy)
        self.rejected_table.horizontalHeader().setStretchLastSection(True)
        self.rejected_export = QPushButton(self.tr("Export…"), report)
        add_export(self.rejected_table, self.rejected_export, "sales-not-imported.csv")
        self.rejected_save = QPushButton(self.tr("Save all rows not imported…"), report)
        self.rejected_save.setObjectName("saveRejectedRows")
        self.rejected_save.setToolTip(
            self.tr(
                "Every row not imported, with the file's own columns, its row number and why: "
                "correct them in a spreadsheet and import that file"
            )
        )
        self.rejected_save.clicked.connect(lambda: self.save_rejected_rows())
        self.rejected_save.setEnabled(False)
        report_layout.addWidget(self.summary)
        report_layout.addWidget(self.rejected_table, 1)
        report_buttons = QHBoxLayout()
        report_buttons.addStretch(1)
        report_buttons.addWidget(self.rejected_save)
        report_buttons.addWidget(self.rejected_export)
        report_layout.addLayout(report_buttons)
        self.report_tab = report
        self.tabs.addTab(report, self.tr("Report"))

        self.error = error_label(self)
        layout.addWidget(self.error)

        bottom = QHBoxLayout()
        #: what the import is doing, in words with its numbers ("Planning the orders:
        #: 4,000 of 9,312"), beside the bar
        self.phase = QLabel(self)
        self.phase.setObjectName("importPhase")
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.dry_run_button = QPushButton(self.tr("Dry run"), self)
        self.dry_run_button.setToolTip(self.tr("See what the import would do, without saving"))
        self.dry_run_button.clicked.connect(lambda: self.start(dry_run=True))
        self.import_button = needs_server(QPushButton(self.tr("Import"), self))
        self.import_button.setObjectName("primaryButton")
        self.import_button.clicked.connect(lambda: self.start(dry_run=False))
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.clicked.connect(self.close)
        bottom.addWidget(self.phase)
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addStretch(1)
        bottom.addSpacing(24)
        bottom.addWidget(self.dry_run_button)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)

    # -- state -----------------------------------------------------------------------
    @property
    def confirmed(self) -> bool:
        """A recognised layout, or columns the user said they checked."""
        return self.sales is not None and (
            self.sales.layout is not None or self.confirm_mapping.isChecked()
        )

    @property
    def dates_confirmed(self) -> bool:
        """No dates Excel stored as numbers, or the user said to read them as dates."""
        return not self._number_dates or self.confirm_excel_dates.isChecked()

    def _set_busy(self, busy: bool) -> None:
        ready = self.sales is not None and not missing_fields(self.sales, self.mapping)
        self.choose_button.setEnabled(not busy)
        self.timezone.setEnabled(not busy)
        self.date_order.setEnabled(not busy)
        self.dry_run_button.setEnabled(ready and not busy)
        needs_server(
            self.import_button, ready and not busy and self.confirmed and self.dates_confirmed
        )
        if self.sales is not None and not self.confirmed:
            tip = self.tr(
                "This layout is not recognised: check the columns, then tick “I checked the "
                "columns” above the tabs"
            )
        elif not self.dates_confirmed:
            tip = self.tr(
                "Excel stored some dates as numbers: check them, then tick “Read them as "
                "dates” above the tabs"
            )
        else:
            tip = ""
        self.import_button.setToolTip(tip)
        self.confirm_mapping.setVisible(self.sales is not None and self.sales.layout is None)
        self.excel_dates_note.setVisible(bool(self._number_dates))
        self.confirm_excel_dates.setVisible(bool(self._number_dates))
        self.confirm_excel_dates.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.close_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.phase.setVisible(busy)
        if not busy:
            self.phase.setText("")
        for box in self.field_boxes.values():
            box.setEnabled(not busy and self.sales is not None)

    # -- choosing and reading the file ---------------------------------------------------
    def choose_file(self, path: str | None = None):
        """Read ``path`` (or ask for a file) in the background; returns the task."""
        if path is None:
            path = open_file_name(
                self,
                "sales",
                self.tr("Choose the sales export"),
                self.tr("Sales exports (*.csv *.txt *.xlsx);;All files (*)"),
            )
            if not path:
                return None
        self.path_field.setText(str(path))
        self._release_ahead()  # (another file's)
        show_error(self.error, "")
        self.layout_label.setText(self.tr("Reading the file…"))
        self._dry_run = False
        self.task = self.background.run(
            read_work,
            str(path),
            on_done=self._file_read,
            on_error=self._file_failed,
            on_progress=self._progress,
            on_cancelled=self._reading_stopped,
        )
        self._set_busy(True)
        self.progress.setRange(0, 0)
        return self.task

    def _reading_stopped(self) -> None:
        """Cancelled while the file was read: no file is chosen."""
        self.task = None
        self.sales = None
        self.mapping = {}
        self.path_field.clear()
        self._show_number_dates([])
        self.layout_note.setVisible(False)
        self.layout_label.setText(self.tr("Reading stopped. Choose the file again to import it."))
        self.preview_model.set_file([], [])
        self._fill_mapping()
        self._set_busy(False)

    def _file_read(self, sales: SalesFile) -> None:
        self.task = None
        self.sales = sales
        self.mapping = dict(sales.mapping)
        self.report = None
        rows = sales.sale_rows()  # counted while the file was read
        modelled = sales.layout is not None and not sales.layout.confirmed
        self.layout_note.setText(
            self.tr(
                "This layout is modelled on the service's own terms, not confirmed from a real "
                "export: check the columns on the Columns tab before importing."
            )
            if modelled
            else ""
        )
        self.layout_note.setVisible(modelled)
        if sales.layout is not None:
            text = self.tr("Recognised: {layout} · rows: {rows}").format(
                layout=sales.layout.name, rows=formatting.number(rows)
            )
        elif sales.missing():
            text = self.tr(
                "Layout not recognised · rows: {rows}. Choose the columns on the Columns tab."
            ).format(rows=formatting.number(rows))
        else:
            text = self.tr(
                "Layout not recognised · rows: {rows}. The columns were matched by their "
                "names: check them on the Columns tab."
            ).format(rows=formatting.number(rows))
        self.layout_label.setText(text)
        self.confirm_mapping.setChecked(False)
        self._show_number_dates(sales.excel_dates)
        self.preview_model.set_file(sales.headers, sales.preview(PREVIEW_ROWS))
        self.preview_table.resizeColumnsToContents()
        self._prepare_import()
        self._fill_mapping()
        self.rejected_model.set_rows([])
        self.rejected_save.setEnabled(False)
        self.summary.setText(self.tr("Run a dry run or the import to see what happens."))
        self.tabs.setCurrentIndex(0 if sales.layout is not None else 1)
        self._set_busy(False)

    def _show_number_dates(self, found: list[dict]) -> None:
        """Say which columns hold dates Excel stored as numbers, and how they are read;
        a new finding (another column chosen) needs its confirmation again."""
        if [f["column"] for f in found] != [f["column"] for f in self._number_dates]:
            self.confirm_excel_dates.setChecked(False)
        self._number_dates = list(found)
        self.excel_dates_note.setText(
            "<br>".join(
                self.tr(
                    "Dates in the column “{column}” were stored by Excel as numbers, not as "
                    "dates ({count} cells): {example} is {date}."
                ).format(
                    column=escape(f["column"]),
                    count=f"{f['count']:,}",
                    example=escape(f["example"]),
                    date=escape(f["read_as"]),
                )
                for f in found
            )
        )

    def _file_failed(self, error: BaseException, _details: str = "") -> None:
        self.task = None
        self.sales = None
        self.mapping = {}
        self._show_number_dates([])
        self.layout_note.setVisible(False)
        self.layout_label.setText("")
        self.preview_model.set_file([], [])
        self._fill_mapping()
        show_error(self.error, self._message(error))
        self._set_busy(False)

    def _fill_mapping(self) -> None:
        headers = self.sales.headers if self.sales else []
        for name, box in self.field_boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(self.tr("(not in this file)"), "")
            for header in headers:
                box.addItem(header, header)
            box.setCurrentIndex(max(0, box.findData(self.mapping.get(name, ""))))
            box.blockSignals(False)
        self._mapping_changed()

    def set_column(self, name: str, header: str) -> None:
        """Choose the column for a field (as picking it in the list does)."""
        box = self.field_boxes[name]
        box.setCurrentIndex(max(0, box.findData(header)))

    def _mapping_changed(self, *_args) -> None:
        self.mapping = {
            name: box.currentData() for name, box in self.field_boxes.items() if box.currentData()
        }
        missing = missing_fields(self.sales, self.mapping) if self.sales else []
        unused = self.sales.unused_columns(self.mapping) if self.sales else []
        self.unused_label.setText(
            self.tr("Columns of the file no field reads: {columns}.").format(
                columns=", ".join(f"“{c}”" for c in unused)
            )
            if unused
            else ""
        )
        self.unused_label.setVisible(bool(unused))
        labels = self._field_labels()
        show_error(
            self.mapping_error,
            self.tr("Choose the column for: {fields}.").format(
                fields=", ".join(labels[name] for name in missing)
            )
            if missing
            else "",
        )
        self._set_busy(self.busy)

    # -- running -------------------------------------------------------------------------
    def start(self, dry_run: bool):
        """Run a dry run or the import in the background; returns the task."""
        if self.sales is None or self.busy or missing_fields(self.sales, self.mapping):
            return None
        if not dry_run and not self.confirmed:
            return None
        zone = self.timezone.currentText().strip()
        setting = self.settings.get(DATE_ORDER_SETTING) if self.settings is not None else None
        reading = {
            "date_order": self.date_order.currentData() or None,
            "default_date_order": setting,
            "item_pattern": self.item_pattern.text().strip() or None,
            "rejected_file": self._rejected_path(),
            "excel_serial_dates": bool(self._number_dates) and self.confirm_excel_dates.isChecked(),
        }
        prepared = None
        if not dry_run:
            remember_zone(self.settings, zone)
            # the process started once the file was read (a dry run leaves it waiting);
            # none left (an earlier import of the file used it): the import starts one
            prepared, self._ahead = self._ahead, None
        self._outcome = []
        self._dry_run = dry_run
        show_error(self.error, "")
        self.progress.setRange(0, 0)
        self.summary.setText(self.tr("Dry run in progress…") if dry_run else self.tr("Importing…"))
        return self.start_work(
            import_work,
            self.app,
            self.sales,
            dict(self.mapping) if self.confirmed or self.mapping != self.sales.mapping else None,
            zone,
            dry_run,
            self._outcome,
            reading,
            self.runner,
            prepared,
        )

    def _prepare_import(self) -> None:
        """Once a long file is read, start the second process of its import
        (``ReadModelRunner.prepare_alongside``). It imports the read models, about half a
        second of CPU, then waits while the file is looked at: started when Import is
        clicked, it was still importing them when the first chunk was saved. It ends with
        the dialog, or when another file is chosen."""
        self._release_ahead()
        sales = self.sales
        if self.runner is not None and sales is not None and applied_beside(sales, False):
            self._ahead = self.runner.prepare_alongside()

    def _release_ahead(self) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.release()

    def done(self, result: int) -> None:
        self._release_ahead()
        super().done(result)

    def _rejected_path(self) -> str:
        """Where the next run writes the rows it does not import (the last run's gone)."""
        if self._rejected_dir is None:
            self._rejected_dir = tempfile.TemporaryDirectory(prefix="houselights-import-")
        path = Path(self._rejected_dir.name) / "rows-not-imported.csv"
        path.unlink(missing_ok=True)
        self.rejected_save.setEnabled(False)
        return str(path)

    def _forget_rejected_rows(self, *_args) -> None:
        """The dialog closed: the rows not imported are no longer offered."""
        if self._rejected_dir is not None:
            self._rejected_dir.cleanup()
            self._rejected_dir = None
        self.rejected_save.setEnabled(False)

    def save_rejected_rows(self, path: str | Path | None = None) -> Path | None:
        """Save every row the last run did not import (asks where, unless ``path``);
        returns the file written, or None when cancelled or it could not be written."""
        written = (self.report or {}).get("rejected_file", "")
        if not written or not Path(written).is_file():
            return None
        if path is None:
            chosen, _ = save_file_name(
                self,
                "export",
                self.tr("Save all rows not imported"),
                self.tr("sales-rows-not-imported.csv"),
                self.tr("CSV files (*.csv)"),
            )
            if not chosen:
                return None
            path = chosen if chosen.lower().endswith(".csv") else chosen + ".csv"
        try:
            shutil.copyfile(written, path)
        except OSError as error:
            tell_write_failed(self, error)
            return None
        return Path(path)

    def _phase_words(self) -> dict[str, str]:
        """What each phase of reading and importing a file is called (``{done}`` and
        ``{total}`` are its numbers)."""
        return {
            READING: self.tr("Reading the file: {done} rows"),
            CHECKING_DATES: self.tr("Checking the dates: {done} of {total} rows"),
            CHECKING_CODES: self.tr("Checking the barcodes: {done} of {total} rows"),
            READING_ROWS: self.tr("Reading the sales: {done} of {total} rows"),
            CHECKING_TWICE: self.tr("Looking for barcodes used twice: {done} of {total} rows"),
            PLANNING: self.tr("Planning the orders: {done} of {total}"),
            APPLYING: self.tr(
                "Bringing the patron list and timelines up to date: {done} of {total}"
            ),
            SELLING: (
                self.tr("Dry run: {done} of {total} orders")
                if self._dry_run
                else self.tr("Importing: {done} of {total} orders")
            ),
        }

    def _progress(self, done: int, total: int, phase: str) -> None:
        words = self._phase_words().get(phase, self.tr("{done} of {total}"))
        self.phase.setText(words.format(done=f"{done:,}", total=f"{max(total, 0):,}"))
        show_count(self.progress, done, total, "%p%")

    def _finished(self, report: dict) -> None:
        self.task = None
        self.progress.setFormat("%p%")
        self.show_report(report)
        self._set_busy(False)

    def _stopped(self) -> None:
        self.task = None
        self.progress.setFormat("%p%")
        if self._outcome:
            self.show_report(self._outcome[-1])
        else:
            self.summary.setText(self.tr("Stopped before anything was imported."))
        self._set_busy(False)

    def _failed(self, error: BaseException, _details: str = "") -> None:
        self.task = None
        self.progress.setFormat("%p%")
        show_error(self.error, self._message(error))
        self.summary.setText(self.tr("The import stopped. See the message below."))
        self._set_busy(False)

    def _message(self, error: BaseException) -> str:
        if isinstance(error, HouselightsError):
            return str(error)
        return self.tr(
            "Something went wrong: {error}. Orders already imported stay; importing the "
            "file again brings in the rest."
        ).format(error=error)

    def show_report(self, report: dict) -> None:
        self.report = report
        lines = []
        if "excel_dates" in report:
            self._show_number_dates(report["excel_dates"])
        if report["cancelled"] and report.get("stopped_in", SELLING) != SELLING:
            # stopped while the file was checked, read or planned: no order was looked at
            self.summary.setText(
                self.tr(
                    "<b>Stopped</b> while the file was being checked and planned, before any "
                    "order: nothing was imported. Import it again when you are ready."
                )
            )
            self.rejected_model.set_rows([])
            self.tabs.setCurrentWidget(self.report_tab)
            return
        if report["dry_run"]:
            lines.append(self.tr("<b>Dry run: nothing was saved.</b> The import would bring in:"))
        elif report["cancelled"]:
            lines.append(
                self.tr(
                    "<b>Stopped.</b> What was imported before you cancelled stays; import the "
                    "file again to bring in the rest."
                )
            )
        else:
            lines.append(self.tr("<b>Import finished.</b>"))
        lines.append(
            self.tr(
                "Orders: {orders} · Tickets: {tickets} · "
                "Buyers found among your patrons: {matched} · New patrons: {created} · "
                "New performances: {performances}"
            ).format(
                orders=report["imported"],
                tickets=report["tickets"],
                matched=report["matched"],
                created=report["created"],
                performances=report["performances_created"],
            )
        )
        if report.get("attendees"):
            lines.append(
                self.tr(
                    "Attendees other than the buyer, each holding their own ticket: {count}."
                ).format(count=report["attendees"])
            )
        if report.get("completed"):
            lines.append(
                self.tr("Orders imported in part before and now completed: {count}.").format(
                    count=report["completed"]
                )
            )
        if report["already_imported"]:
            lines.append(
                self.tr("Imported before and left as they are: {count} orders.").format(
                    count=report["already_imported"]
                )
            )
        if report.get("codes_attached"):
            lines.append(
                self.tr(
                    "Tickets imported before that now carry the ticketing service's barcode "
                    "(their Houselights codes are void): {count}."
                ).format(count=report["codes_attached"])
            )
        lines += [
            self.tr("Row {row}: {reason}").format(row=note["row"], reason=escape(note["reason"]))
            for note in report.get("left_out", ())
        ]
        lines += self._reading_lines(report)
        if report["rejected"]:
            count = report.get("rejected_count", len(report["rejected"]))
            if len(report["rejected"]) < count:
                lines.append(
                    self.tr(
                        "Rows not imported: {count}. The table shows the first {listed} by row "
                        "number and why."
                    ).format(count=f"{count:,}", listed=f"{len(report['rejected']):,}")
                )
            else:
                lines.append(
                    self.tr("Rows not imported: {count}. The table says why.").format(
                        count=f"{count:,}"
                    )
                )
            if report.get("rejected_file"):
                lines.append(
                    self.tr(
                        "“Save all rows not imported…” saves every one of them with the file's "
                        "own columns, its row number and why: correct them there and import "
                        "that file."
                    )
                )
        else:
            lines.append(self.tr("Every row could be read."))
        self.rejected_save.setEnabled(bool(report.get("rejected_file")))
        self.summary.setText("<br>".join(lines))
        self.rejected_model.set_rows(report["rejected"])
        self.rejected_table.resizeColumnToContents(RejectedTableModel.ROW)
        self.tabs.setCurrentWidget(self.report_tab)
        if not report["dry_run"]:
            self.imported.emit(report)

    def _reading_lines(self, report: dict) -> list[str]:
        """How the dates were read and, in a dry run, which column holds what."""
        lines = []
        words = dict(self._date_orders())
        order, source = report.get("date_order", ""), report.get("date_order_source", "")
        if source == "setting":
            lines.append(
                self.tr(
                    "Dates such as {example} read: {order}. No date in the file shows the "
                    "order, so your date-order setting decided; choose another under Dates if "
                    "that is wrong."
                ).format(
                    example=escape(report.get("date_order_example", "")),
                    order=words.get(order, order),
                )
            )
        elif source == "file" and report["dry_run"]:
            lines.append(
                self.tr("Dates read: {order} (the file's {example} shows it).").format(
                    order=words.get(order, order),
                    example=escape(report.get("date_order_example", "")),
                )
            )
        for found in report.get("excel_dates", ()):
            lines.append(
                self.tr(
                    "Dates in the column “{column}” were stored by Excel as numbers ({example} "
                    "is {date}; {count} cells): read as dates."
                ).format(
                    column=escape(found["column"]),
                    example=escape(found["example"]),
                    date=escape(found["read_as"]),
                    count=f"{found['count']:,}",
                )
            )
        if report.get("excel_dates") and not report.get("excel_dates_confirmed"):
            lines.append(
                self.tr(
                    "<b>Check those dates</b>, then tick “Read them as dates” (above the tabs) "
                    "to import."
                )
            )
        if report["dry_run"] and report.get("mapping"):
            labels = self._field_labels()
            used = ", ".join(
                f"{escape(labels.get(f, f))} = “{escape(c)}”" for f, c in report["mapping"].items()
            )
            lines.append(self.tr("Columns used: {columns}").format(columns=used))
            if report.get("unused_columns"):
                lines.append(
                    self.tr("Columns of the file not read: {columns}.").format(
                        columns=", ".join(f"“{escape(c)}”" for c in report["unused_columns"])
                    )
                )
            if report.get("layout_modelled"):
                lines.append(
                    self.tr(
                        "<b>This layout is modelled</b> on the service's own terms, not "
                        "confirmed from a real export: check that each column holds what its "
                        "field says."
                    )
                )
            if self.sales is not None and not self.confirmed:
                lines.append(
                    self.tr(
                        "<b>This layout is not recognised.</b> Check the columns, then tick “I "
                        "checked the columns” (above the tabs) to import."
                    )
                )
        return lines
