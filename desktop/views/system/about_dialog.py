"""Help → About Houselights: version, where the data is, and help for a support request."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QUrl, Signal, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.appicon import app_icon
from desktop.diagnostics import app_version, copy_diagnostics
from infrastructure.third_party import notices


class AboutDialog(QDialog):
    #: the diagnostics text just put on the clipboard
    diagnostics_copied = Signal(str)

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        config = services.config
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Houselights"))
        self.setMinimumWidth(560)

        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title_label = QLabel(
            self.tr("<h2>Houselights {version}</h2>").format(version=app_version()), self
        )
        tagline = QLabel(self.tr("Know and welcome your patrons."), self)
        self.data_label = QLabel(str(config.data_dir), self)
        self.data_label.setObjectName("dataFolder")
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.data_label.setWordWrap(True)
        store = config.describe()  # a shared store's address without its password
        self.store_label = QLabel(store, self)
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.store_label.setWordWrap(True)
        python = QLabel(
            self.tr("Python {python} · Qt {qt}").format(
                python=sys.version.split()[0], qt=qVersion()
            ),
            self,
        )
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("aboutStatus")

        text = QVBoxLayout()
        text.addWidget(self.title_label)
        text.addWidget(tagline)
        text.addSpacing(8)
        text.addWidget(QLabel(self.tr("<b>Data folder</b>"), self))
        text.addWidget(self.data_label)
        text.addWidget(QLabel(self.tr("<b>Event store</b>"), self))
        text.addWidget(self.store_label)
        text.addWidget(python)
        text.addWidget(self.status_label)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)

        self.open_folder_button = QPushButton(self.tr("Open data folder"), self)
        self.open_folder_button.clicked.connect(self.open_data_folder)
        self.copy_button = QPushButton(self.tr("Copy diagnostics"), self)
        self.copy_button.setToolTip(
            self.tr(
                "Copies the version, this computer's system, the database kind and the "
                "last lines of the log, to paste into a support request. "
                "No password is included."
            )
        )
        self.copy_button.clicked.connect(self.copy_diagnostics)
        self.licences_button = QPushButton(self.tr("Third-party licences"), self)
        self.licences_button.setToolTip(
            self.tr(
                "The software Houselights is made of (Qt, ZBar, Python, ...) "
                "and the licence of each."
            )
        )
        self.licences_button.clicked.connect(self.show_licences)
        self.licences_dialog: LicencesDialog | None = None
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder_button)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.licences_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        # wide enough for every button's words (a style sheet's padding included)
        self.setMinimumWidth(max(560, layout.sizeHint().width()))

    def show_licences(self) -> LicencesDialog:
        if self.licences_dialog is None:
            self.licences_dialog = LicencesDialog(self)
        self.licences_dialog.show()
        self.licences_dialog.raise_()
        return self.licences_dialog

    def open_data_folder(self) -> bool:
        """Show the data folder in the file manager (Explorer, Finder, ...)."""
        url = QUrl.fromLocalFile(str(self.services.config.data_dir))
        opened = QDesktopServices.openUrl(url)
        if not opened:
            self.status_label.setText(
                self.tr("The folder could not be opened here; its path is above.")
            )
        return opened

    def copy_diagnostics(self) -> str:
        text = copy_diagnostics(self.services)
        self.status_label.setText(
            self.tr("Diagnostics copied. Paste them into your support request.")
        )
        self.diagnostics_copied.emit(text)
        return text


class LicencesDialog(QDialog):
    """Each bundled third-party component with its version, licence and full text."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("licencesDialog")
        self.setWindowTitle(self.tr("Third-party licences"))
        self.resize(860, 560)
        self.notices = notices()
        intro = QLabel(
            self.tr(
                "Houselights is built with the following software. Each is used "
                "under the licence shown; the LGPL libraries (Qt, FFmpeg, ZBar) are "
                "separate files in the program's folder that you may replace."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("licenceList")
        for notice in self.notices:
            self.list.addItem(f"{notice.name} {notice.version} — {notice.license}")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("licenceText")
        self.text.setReadOnly(True)
        self.list.currentRowChanged.connect(self._show)
        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.text)
        splitter.setSizes([330, 530])
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(row)
        if self.notices:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.notices):
            notice = self.notices[row]
            self.text.setPlainText(
                f"{notice.name} {notice.version}\n{notice.license}\n\n{notice.text}"
            )
