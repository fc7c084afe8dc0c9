"""Import chats: a live-chat export file, or a transcript pasted from a chat window.

Reading and importing run in the background (``desktop/background.py``) with
a progress bar and Cancel. The report says how many chats were imported, how
many were linked to a patron by email or phone and how many wait in the chat
queue; what could not be read is listed with its reason in a table that sorts
and exports. Everything goes through ``imports.chat_formats`` and
``imports.chat_import``; the dialog holds no import rule.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.export import add_export
from desktop.file_dialogs import open_file_name
from desktop.models.base import RowTableModel, SortProxy
from desktop.server_connection import needs_server, set_enabled
from desktop.views.imports.shared import (
    ImportDialog,
    add_import_header,
    remember_zone,
    zone_chooser,
)
from desktop.views.widgets import error_label, show_count, show_error, table_view
from domain.application import Houselights
from domain.errors import HouselightsError
from imports.chat_formats import read_chat_file, read_chat_text
from imports.chat_import import import_chats

FILE_TAB, PASTE_TAB = range(2)


class RejectedChatsModel(RowTableModel):
    id_key = "item"
    ITEM, REASON = range(2)

    def headers(self) -> list[str]:
        return [self.tr("Item"), self.tr("Why it was not imported")]

    def display(self, row: dict, column: int) -> str:
        return str(row["item"]) if column == self.ITEM else row["reason"]

    def sort_value(self, row: dict, column: int):
        return row["item"] if column == self.ITEM else super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        return row["reason"] if column == self.REASON else None


# -- work that runs on the thread pool (never touches a widget) ---------------------
def chat_import_work(
    progress, app, path: str | None, text: str | None, timezone: str, outcome: list
) -> dict:
    progress.update(0, -1, "")
    chats = (
        read_chat_file(path, timezone) if path else read_chat_text(text or "", timezone=timezone)
    )
    report = import_chats(
        app, chats, progress=progress.update, cancelled=lambda: progress.cancelled
    )
    report = {**report, "kind": chats.kind}
    outcome.append(report)
    return report


class ImportChatsDialog(ImportDialog):
    def __init__(self, app: Houselights, background, settings=None, parent: QWidget | None = None):
        super().__init__(app, background, settings, parent)
        self.setObjectName("importChatsDialog")
        self.setWindowTitle(self.tr("Import chats"))
        self.resize(900, 640)

        layout = QVBoxLayout(self)
        add_import_header(
            layout,
            self.tr("Import chats"),
            self.tr(
                "Bring in chats from your website's live chat: a JSON export (Zendesk Chat, "
                "Intercom, Crisp, Chatwoot, Freshchat, tawk.to, LiveChat), a CSV export, or a "
                "transcript pasted from the chat window, also as copied straight from it (name, "
                "time, message). Chats with a patron's email or phone go on their timeline; the "
                "others wait under Follow-ups → Chats waiting. Importing the same chats again adds "
                "nothing twice."
            ),
            self,
        )

        self.tabs = QTabWidget(self)
        file_tab = QWidget(self)
        file_row = QHBoxLayout(file_tab)
        self.path_field = QLineEdit(file_tab)
        self.path_field.setObjectName("chatFile")
        self.path_field.setPlaceholderText(self.tr("No file chosen yet"))
        self.choose_button = QPushButton(self.tr("Choose file…"), file_tab)
        self.choose_button.clicked.connect(lambda: self.choose_file())
        file_row.addWidget(QLabel(self.tr("Chat export:"), file_tab))
        file_row.addWidget(self.path_field, 1)
        file_row.addWidget(self.choose_button)
        self.tabs.addTab(file_tab, self.tr("From a file"))
        paste_tab = QWidget(self)
        paste_layout = QVBoxLayout(paste_tab)
        self.paste = QPlainTextEdit(paste_tab)
        self.paste.setObjectName("pastedTranscript")
        self.paste.setPlaceholderText(
            self.tr(
                "Name: Ada Lovelace\nEmail: ada@example.org\nDate: 2026-11-20\n"
                "[12:01] Visitor: Is there parking?\n[12:02] Maria (agent): Yes, on Mill Lane.\n"
                "---\n(a line of dashes starts the next chat; text copied from the chat window "
                "works too: say who the visitor is with a “Visitor:” line)"
            )
        )
        paste_layout.addWidget(self.paste)
        self.tabs.addTab(paste_tab, self.tr("Paste a transcript"))
        self.tabs.setFixedHeight(200)
        layout.addWidget(self.tabs)

        zone_row = QHBoxLayout()
        self.timezone = zone_chooser(self.settings, self)
        zone_row.addWidget(QLabel(self.tr("Time zone of times without one:"), self))
        zone_row.addWidget(self.timezone)
        zone_row.addStretch(1)
        layout.addLayout(zone_row)

        self.summary = QLabel(self.tr("Choose a file or paste a transcript, then Import."), self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.rejected_model = RejectedChatsModel(self)
        self.rejected_proxy = SortProxy(self.rejected_model, self)
        self.rejected_table = table_view(self)
        self.rejected_table.setObjectName("rejectedChats")
        self.rejected_table.setModel(self.rejected_proxy)
        self.rejected_table.horizontalHeader().setStretchLastSection(True)
        self.rejected_table.setColumnWidth(RejectedChatsModel.ITEM, 70)
        self.rejected_export = QPushButton(self.tr("Export…"), self)
        add_export(self.rejected_table, self.rejected_export, "chats-not-imported.csv")
        layout.addWidget(self.rejected_table, 1)
        layout.addWidget(self.rejected_export, 0, Qt.AlignmentFlag.AlignRight)
        self.error = error_label(self)
        layout.addWidget(self.error)

        bottom = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.import_button = needs_server(QPushButton(self.tr("Import"), self))
        self.import_button.setObjectName("primaryButton")
        self.import_button.clicked.connect(lambda: self.start())
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.clicked.connect(self.close)
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addStretch(1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for widget in (
            self.choose_button,
            self.import_button,
            self.close_button,
            self.paste,
            self.timezone,
            self.tabs,
        ):
            set_enabled(widget, not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)

    def choose_file(self, path: str | None = None) -> str | None:
        if path is None:
            path = open_file_name(
                self,
                "chats",
                self.tr("Choose the chat export"),
                self.tr("Chat exports (*.json *.csv *.txt);;All files (*)"),
            )
            if not path:
                return None
        self.path_field.setText(str(path))
        self.tabs.setCurrentIndex(FILE_TAB)
        return str(path)

    def start(self):
        """Read and import in the background; returns the task (None when nothing to do)."""
        if self.busy:
            return None
        from_file = self.tabs.currentIndex() == FILE_TAB
        path = self.path_field.text().strip() if from_file else None
        text = None if from_file else self.paste.toPlainText()
        if from_file and not path:
            show_error(self.error, self.tr("Choose the chat export first."))
            return None
        zone = self.timezone.currentText().strip()
        remember_zone(self.settings, zone)
        show_error(self.error, "")
        self._outcome = []
        self.summary.setText(self.tr("Importing…"))
        self.progress.setRange(0, 0)
        return self.start_work(chat_import_work, self.app, path, text, zone, self._outcome)

    def _progress(self, done: int, total: int, _message: str) -> None:
        show_count(self.progress, done, total, self.tr("%v of %m chats"))

    def _finished(self, report: dict) -> None:
        self.task = None
        self.show_report(report)
        self._set_busy(False)

    def _stopped(self) -> None:
        self.task = None
        if self._outcome:
            self.show_report(self._outcome[-1], cancelled=True)
        else:
            self.summary.setText(self.tr("Stopped before anything was imported."))
        self._set_busy(False)

    def _failed(self, error: BaseException, _details: str = "") -> None:
        self.task = None
        message = (
            str(error)
            if isinstance(error, HouselightsError)
            else self.tr(
                "Something went wrong: {error}. Chats already imported stay; importing again "
                "brings in the rest."
            ).format(error=error)
        )
        show_error(self.error, message)
        self.summary.setText(self.tr("Nothing more was imported. See the message below."))
        self._set_busy(False)

    def show_report(self, report: dict, cancelled: bool = False) -> None:
        self.report = report
        lines = [
            self.tr("<b>Stopped.</b> What was imported before you cancelled stays.")
            if cancelled
            else self.tr("<b>Import finished</b> ({kind}).").format(kind=report.get("kind", ""))
        ]
        lines.append(
            self.tr(
                "Chats imported: {imported} · on a patron's timeline: {linked} · waiting for a "
                "patron: {unmatched}"
            ).format(**report)
        )
        if report["imported"] == 0 and not report["rejected"]:
            lines.append(self.tr("Nothing new: these chats were imported before."))
        if report["rejected"]:
            lines.append(
                self.tr("Not imported: {count}. The table says why.").format(
                    count=len(report["rejected"])
                )
            )
        self.summary.setText("<br>".join(lines))
        self.rejected_model.set_rows(report["rejected"])
        self.imported.emit(report)
