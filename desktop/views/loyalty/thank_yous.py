"""Thank-yous: who came or gave and still waits for a thank-you, and how promptly
people were thanked.

Staff select one row or many (Shift/Ctrl, or Ctrl+A) and say how they thanked
them: letter, email or call. Each becomes a thank-you on the patron's timeline
(``Patron.Thanked``; for a donor the donation is acknowledged too). *Mail
merge…* writes the selected people (or everyone listed) to a CSV or Excel file
for a letter; *Open draft* opens an email to them in the default mail client,
with every address in Bcc.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QModelIndex, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from desktop.background import BackgroundRunner, Task, run_with_progress
from desktop.export import (
    add_export,
    ask_save_path,
    tell_write_failed,
    write_rows_csv,
    write_rows_xlsx,
)
from desktop.models.base import ROW_ROLE, SortProxy
from desktop.models.thank_you_table import ThankYouTableModel
from desktop.server_connection import needs_server
from desktop.thank_you_letters import (
    MAIL_MERGE_HEADERS,
    MAILTO_LIMIT,
    draft_text,
    mail_merge_rows,
    mailto_url,
    performance_label,
    recipients,
)
from desktop.views.forms import submit_action
from desktop.views.widgets import date_width, heading, size_columns, table_view
from domain.application import Houselights
from domain.roles import Permission
from domain.thank_yous import ATTENDANCE, DONATION
from domain.thank_yous_service import ThanksResult
from projections import thank_yous
from projections.runner import ReadModelRunner

ALL = ""
#: more people than this never fit in one mailto: link (MAILTO_LIMIT characters)
MAX_DRAFT_PEOPLE = 250


def thank_item(row: dict) -> dict:
    """What ``thank_patron`` needs for one queue row."""
    attendee = row["kind"] == thank_yous.ATTENDEE
    return {
        "patron_id": row["patron_id"],
        "reason": ATTENDANCE if attendee else DONATION,
        "reference_id": row["reference_id"],
    }


def thank_many_work(progress, app, items: list[dict], channel: str) -> ThanksResult:
    """Runs on the thread pool: thank everyone selected, with progress and cancel."""
    return app.thank_many(
        items,
        channel,
        progress=lambda done, total: progress.update(done, total, ""),
        cancelled=lambda: progress.cancelled,
    )


class ThankYouView(QWidget):
    #: something happened worth a line in the status bar
    message = Signal(str)
    open_patron = Signal(str)

    def __init__(
        self,
        app: Houselights,
        runner: ReadModelRunner,
        parent: QWidget | None = None,
        organization: str = "",
    ):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.organization = organization
        self.setObjectName("thankYous")
        self.background = BackgroundRunner(self)
        self.bulk_task: Task | None = None
        self.last_draft_url = ""

        intro = QLabel(
            self.tr(
                "Everyone admitted at the door and every donor not yet thanked waits here. "
                "Select one or many, then say how you thanked them."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        self.summary = QLabel(self)
        self.summary.setObjectName("subheading")
        self.summary.setWordWrap(True)

        self.performance_filter = QComboBox(self)
        self.performance_filter.setObjectName("performanceFilter")
        self.performance_filter.setMinimumWidth(200)
        self.kind_filter = QComboBox(self)
        self.kind_filter.setObjectName("kindFilter")
        for text, value in (
            (self.tr("Attendees and donors"), ALL),
            (self.tr("Attendees"), thank_yous.ATTENDEE),
            (self.tr("Donors"), thank_yous.DONOR),
        ):
            self.kind_filter.addItem(text, value)
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        for text, value in (
            (self.tr("Not thanked yet"), "waiting"),
            (self.tr("Thanked"), "thanked"),
            (self.tr("Everyone"), ALL),
        ):
            self.status_filter.addItem(text, value)
        for combo in (self.performance_filter, self.kind_filter, self.status_filter):
            combo.activated.connect(self.load_rows)
            # as narrow as a laptop at 150% needs; the full text shows when it opens
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        self.performance_filter.view().setMinimumWidth(420)

        self.model = ThankYouTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("thankYouQueue")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setModel(self.proxy)
        c = ThankYouTableModel
        day = date_width(self.table)
        size_columns(
            self.table,
            {c.NAME: 190, c.KIND: 70, c.VISIT: 60, c.DUE: day, c.EMAIL: 220, c.THANKED: 150},
            stretch=c.FOR,
        )
        self.table.doubleClicked.connect(self._open)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.export_action = add_export(
            self.table,
            suggested_name=self.tr("thank-you-queue") + ".csv",
            on_done=lambda path: self.message.emit(self.tr("Saved {path}").format(path=path)),
        )

        self.letter_button = needs_server(QPushButton(self.tr("Thanked by &letter"), self))
        self.email_button = needs_server(QPushButton(self.tr("Thanked by &email"), self))
        self.call_button = needs_server(QPushButton(self.tr("Thanked by &phone"), self))
        self.channel_buttons = {
            "letter": self.letter_button,
            "email": self.email_button,
            "call": self.call_button,
        }
        for channel, button in self.channel_buttons.items():
            button.clicked.connect(lambda _=False, how=channel: self.mark(how))
        self.merge_button = QPushButton(self.tr("&Mail merge…"), self)
        self.merge_button.setToolTip(
            self.tr(
                "Save the selected people (or everyone listed) as a CSV or Excel file for letters"
            )
        )
        self.merge_button.clicked.connect(lambda: self.export_mail_merge())
        self.draft_button = QPushButton(self.tr("Open &draft"), self)
        self.draft_button.setToolTip(
            self.tr("Write an email to the selected people (or everyone listed), addresses in Bcc")
        )
        self.draft_button.clicked.connect(self.open_draft)
        self.selection_label = QLabel(self)
        self.selection_label.setObjectName("muted")
        self.selection_label.setWordWrap(True)  # on two lines rather than pushing the buttons

        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Thank-yous"), self))
        top.addStretch(1)
        top.addWidget(self.merge_button)
        top.addWidget(self.draft_button)
        filters = QHBoxLayout()
        filters.addWidget(self.performance_filter, 2)
        filters.addWidget(self.kind_filter, 1)
        filters.addWidget(self.status_filter, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.selection_label, 1)
        for button in self.channel_buttons.values():
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self._selection_changed()

    # -- reading ---------------------------------------------------------------------
    def filters(self) -> dict:
        status = self.status_filter.currentData()
        return {
            "performance_id": self.performance_filter.currentData() or None,
            "kind": self.kind_filter.currentData() or None,
            "thanked": None if status == ALL else status == "thanked",
        }

    def refresh(self) -> None:
        chosen = self.performance_filter.currentData()
        self.performance_filter.clear()
        self.performance_filter.addItem(self.tr("All performances"), ALL)
        for show in self.runner.read(Permission.THANK, thank_yous.performances):
            label = performance_label(show["title"], show["starts_at"])
            waiting = (
                self.tr("{n} to thank").format(n=show["waiting"])
                if show["waiting"]
                else (self.tr("everyone thanked"))
            )
            self.performance_filter.addItem(f"{label} — {waiting}", show["id"])
        found = self.performance_filter.findData(chosen) if chosen else 0
        self.performance_filter.setCurrentIndex(max(found, 0))
        self.show_figures(self.runner.read(Permission.THANK, thank_yous.promptness))
        self.load_rows()

    def show_figures(self, figures: dict) -> None:
        def share(part: dict) -> str:
            if part["share_within_7_days"] is None:
                return self.tr("no week over yet")
            return self.tr("{share} (of {n})").format(
                share=formatting.percent(part["share_within_7_days"]),
                n=formatting.number(part["week_over"]),
            )

        attendees, donors = figures["attendees"], figures["donors"]
        self.summary.setText(
            self.tr(
                "Waiting: {a} attendees, {d} donors. Thanked within 7 days: attendees "
                "{a_share}, donors {d_share}."
            ).format(
                a=formatting.number(attendees["waiting"]),
                d=formatting.number(donors["waiting"]),
                a_share=share(attendees),
                d_share=share(donors),
            )
        )

    def load_rows(self, *_args) -> None:
        filters = self.filters()
        page = self.model.page_size
        rows = self.runner.read(Permission.THANK, thank_yous.queue, limit=page, **filters)
        self.model.set_fetcher(
            lambda loaded, limit: self.runner.read(
                Permission.THANK, thank_yous.queue, limit=limit, offset=len(loaded), **filters
            )
        )
        self.model.set_rows(rows, more=len(rows) >= page)
        self._selection_changed()

    def selected_rows(self) -> list[dict]:
        rows = self.table.selectionModel().selectedRows()
        return [index.data(ROW_ROLE) for index in sorted(rows, key=QModelIndex.row)]

    def chosen_rows(self) -> list[dict]:
        """The selected rows, or, with nobody selected, everyone the filters list."""
        return self.selected_rows() or self.runner.read(
            Permission.THANK, thank_yous.queue, **self.filters()
        )

    def _selection_changed(self, *_args) -> None:
        selected = len(self.table.selectionModel().selectedRows())
        for button in self.channel_buttons.values():
            needs_server(button, selected > 0 and self.bulk_task is None)
        if selected:
            text = self.tr("{n} selected").format(n=selected)
        elif self.model.rowCount():
            text = self.tr("Select who was thanked (Ctrl+A selects everyone listed).")
        else:
            text = self.tr("Nobody here: everyone has been thanked.")
        self.selection_label.setText(text)

    def _open(self, index) -> None:
        row = index.data(ROW_ROLE)
        if row:
            self.open_patron.emit(row["patron_id"])

    # -- thanking -------------------------------------------------------------------
    def mark(self, channel: str):
        """Record the selected rows as thanked by ``channel``; returns the background
        task when there are several (tests wait for it)."""
        rows = [r for r in self.selected_rows() if not r.get("thanked_at")]
        if not rows:
            self.message.emit(self.tr("Select someone who has not been thanked yet."))
            return None
        if len(rows) == 1:  # on the writer worker, like every command
            item = thank_item(rows[0])
            name = " ".join(p for p in (rows[0]["first_name"], rows[0]["last_name"]) if p)
            submit_action(
                self,
                partial(
                    self.app.thank_patron,
                    item["patron_id"],
                    channel,
                    item["reason"],
                    item["reference_id"],
                ),
                lambda _result: self.message.emit(
                    self.tr("Thank-you recorded for {name}.").format(name=name)
                ),
                lambda text: QMessageBox.warning(self, self.tr("Not recorded"), text),
                busy=self._thank_buttons(),
            )
            return None
        items = [thank_item(r) for r in rows]
        self.bulk_task, _dialog = run_with_progress(
            self,
            self.background,
            self.tr("Recording {n} thank-yous…").format(n=len(items)),
            thank_many_work,
            self.app,
            items,
            channel,
            on_done=self._bulk_done,
            on_error=self._bulk_failed,
            on_cancelled=self._bulk_finished,
        )
        self._selection_changed()
        return self.bulk_task

    def _thank_buttons(self) -> tuple:
        return (self.letter_button, self.email_button, self.call_button)

    def _bulk_finished(self) -> None:
        self.bulk_task = None
        self._selection_changed()

    def _bulk_done(self, result: ThanksResult) -> None:
        self._bulk_finished()
        self.message.emit(self.tr("{n} thank-yous recorded.").format(n=result.thanked))
        if result.problems:
            lines = "\n".join(p.message for p in result.problems[:10])
            QMessageBox.information(
                self,
                self.tr("Some were not recorded"),
                self.tr("{n} could not be recorded:\n{lines}").format(
                    n=len(result.problems), lines=lines
                ),
            )

    def _bulk_failed(self, error: BaseException, _details: str = "") -> None:
        self._bulk_finished()
        QMessageBox.warning(self, self.tr("Not recorded"), str(error))

    # -- letters and emails ---------------------------------------------------------
    def export_mail_merge(self, path: str | Path | None = None) -> Path | None:
        """Write the chosen rows as a mail-merge file (CSV or XLSX by the name's end)."""
        rows = self.chosen_rows()
        if not rows:
            self.message.emit(self.tr("Nobody to write to with these filters."))
            return None
        if path is None:
            path = ask_save_path(
                self, self.tr("Save a mail-merge file"), self.tr("thank-you-letters") + ".csv"
            )
            if path is None:
                return None
        path = Path(path)
        lines = mail_merge_rows(rows)
        try:
            if path.suffix.lower() == ".xlsx":
                write_rows_xlsx(path, MAIL_MERGE_HEADERS, lines, sheet="Thank-yous")
            else:
                write_rows_csv(path, MAIL_MERGE_HEADERS, lines)
        except OSError as error:
            tell_write_failed(self, error)
            return None
        self.message.emit(self.tr("Saved {path} ({n} people)").format(path=path, n=len(lines)))
        return path

    def draft_url(self) -> str:
        rows = self.chosen_rows()
        bcc, _missing = recipients(rows)
        subject, body = draft_text(rows, self.organization, self._draft_tr)
        return mailto_url(bcc, subject, body) if bcc else ""

    @staticmethod
    def _draft_tr(text: str) -> str:
        return QCoreApplication.translate("ThankYouDraft", text)

    def open_draft(self) -> str:
        """Open an email draft to the chosen people; returns the mailto: URL ('' if none)."""
        if not self.selected_rows():
            listed = self.runner.read(Permission.THANK, thank_yous.count, **self.filters())
            if listed > MAX_DRAFT_PEOPLE:  # too many for any draft: do not read them all
                self._too_many(listed)
                return ""
        rows = self.chosen_rows()
        bcc, missing = recipients(rows)
        if not bcc:
            QMessageBox.information(
                self,
                self.tr("No email addresses"),
                self.tr("Nobody chosen has an email address. Use Mail merge… for letters instead."),
            )
            return ""
        subject, body = draft_text(rows, self.organization, self._draft_tr)
        url = mailto_url(bcc, subject, body)
        if len(url) > MAILTO_LIMIT:
            self._too_many(len(bcc))
            return ""
        self.last_draft_url = url
        QDesktopServices.openUrl(QUrl(url))
        note = self.tr(" {n} without an email address were left out.").format(n=missing)
        self.message.emit(
            self.tr("Draft opened for {n} people.").format(n=len(bcc)) + (note if missing else "")
        )
        return url

    def _too_many(self, n: int) -> None:
        QMessageBox.information(
            self,
            self.tr("Too many for one draft"),
            self.tr(
                "{n} people are too many for one email draft. Select fewer, or use "
                "Mail merge… and your mailing program."
            ).format(n=formatting.number(n)),
        )

    def shutdown(self) -> None:
        self.background.shutdown()
