"""Erase a patron's personal data: type their name to confirm, then wait for it.

The erasure itself is ``infrastructure/erasure.py::erase_patron``, run in the background
with a progress bar (the read models are rebuilt). Once it has started it cannot be
stopped halfway: a half-done erasure would leave the data in some files, so the
dialog's Cancel only works until the erase button is pressed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from desktop.background import BackgroundRunner
from desktop.server_connection import needs_server
from desktop.views.widgets import dialog_buttons, error_label, show_error
from domain.application import Houselights
from infrastructure.erasure import Erasure, erase_patron
from projections.runner import ReadModelRunner


def matches(typed: str, name: str) -> bool:
    """The confirmation matches when the name is typed, case and spaces aside."""
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold() != ""


class EraseDialog(QDialog):
    #: the erasure finished: the result of ``erase_patron``
    erased = Signal(object)  # the Erasure

    def __init__(
        self,
        app: Houselights,
        runner: ReadModelRunner,
        patron: dict,
        parent: QWidget | None = None,
        *,
        data_dir: Path | None = None,
        backup_folders: Iterable[Path] = (),
    ):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.patron = patron
        #: where copies of the store are (backups, set-aside stores): cleaned too
        self.data_dir = data_dir
        self.backup_folders = list(backup_folders)
        self.background = BackgroundRunner(self, max_threads=1)
        self.result_info: Erasure | None = None
        self.setWindowTitle(self.tr("Erase personal data"))
        self.setMinimumWidth(520)

        name = patron.get("name") or ""
        text = self.tr(
            "This erases <b>{name}</b>'s name, email, phone, postal address, household, "
            "notes, calls, chats and follow-ups from every file on this computer and from "
            "the shared store, for good. Tickets, visits, donations and revenue stay "
            "counted; the patron shows as “[erased]”. This cannot be undone."
        ).format(name=_escape(name))
        merged = len(app.erasure_records(patron["id"])) - 1
        if merged:
            text += " " + (
                self.tr("The record merged into this one is the same person: it is erased too.")
                if merged == 1
                else self.tr(
                    "The {count} records merged into this one are the same person: they are "
                    "erased too."
                ).format(count=merged)
            )
        intro = QLabel(text, self)
        intro.setObjectName("eraseIntro")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("confirmName")
        self.name_edit.setPlaceholderText(self.tr("Type the patron's name to confirm"))
        self.name_edit.textChanged.connect(self._typed)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setObjectName("muted")
        self.error = error_label(self)
        self.erase_button, self.cancel_button, buttons = dialog_buttons(
            self, self.tr("Erase for good"), self.erase
        )
        self.erase_button.setObjectName("dangerButton")
        needs_server(self.erase_button, False)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        label = QLabel(self.tr("Type “{name}” to confirm:").format(name=name), self)
        label.setObjectName("fieldLabel")
        layout.addWidget(label)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _typed(self, text: str) -> None:
        needs_server(self.erase_button, matches(text, self.patron.get("name") or ""))

    def erase(self) -> None:
        if not matches(self.name_edit.text(), self.patron.get("name") or ""):
            return
        show_error(self.error, "")
        for widget in (self.name_edit, self.erase_button, self.cancel_button):
            widget.setEnabled(False)
        self.progress.show()
        self.status.setText(self.tr("Erasing and rebuilding the read models…"))
        self.background.run(
            self._work,
            self.patron["id"],
            on_progress=self._progress,
            on_done=self._done,
            on_error=self._failed,
        )

    def _work(self, progress, patron_id: str) -> Erasure:
        return erase_patron(
            self.app,
            self.runner,
            patron_id,
            progress=progress.update,
            data_dir=self.data_dir,
            backup_folders=self.backup_folders,
        )

    def _progress(self, done: int, total: int, _message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _done(self, result: Erasure) -> None:
        self.result_info = result
        self.erased.emit(result)
        missed = result.backups.not_cleaned
        if not missed:
            self.accept()
            return
        # The store and read models are clean; say which copies still hold the data.
        self.progress.hide()
        lines = "".join(f"<li>{_escape(item.path)}: {_escape(item.reason)}</li>" for item in missed)
        show_error(
            self.error,
            self.tr(
                "The personal data was erased from the store and the lists, but these "
                "copies could not be cleaned and still hold it:<ul>{files}</ul>Delete them; "
                "or, once they can be reached (the USB stick plugged in), finish with: "
                "houselights erase {id} --yes"
            ).format(files=lines, id=_escape(result.patron_id)),
        )
        self.status.setText("")
        self.error.setTextFormat(Qt.TextFormat.RichText)
        self.cancel_button.setText(self.tr("Close"))
        self.cancel_button.setEnabled(True)

    def _failed(self, error: BaseException, _trace: str) -> None:
        self.progress.hide()
        self.status.setText("")
        self.cancel_button.setEnabled(True)
        self.name_edit.setEnabled(True)
        self._typed(self.name_edit.text())
        show_error(
            self.error,
            self.tr(
                "The erasure did not finish: {error}. Try again; it continues where it stopped."
            ).format(error=error),
        )

    def reject(self) -> None:
        if self.background.busy:
            return  # never halfway: wait for the erasure to finish
        super().reject()

    def done(self, result: int) -> None:
        self.background.shutdown()
        super().done(result)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
