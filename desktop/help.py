"""F1: the user-guide page of the screen or dialog in front of you, read offline.

Each area of the main window names its page where it is declared
(``desktop/areas.py``); ``DIALOG_PAGES`` maps every dialog (by class name) to
one of the pages in ``docs/guide/``; a test checks that
every area and dialog has a page and that every page exists. The pages are
Markdown, shown in a ``QTextBrowser`` (links between pages and the screenshots
in ``docs/screenshots/`` work, nothing goes to the network); the installer
bundles both folders.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QImageReader,
    QKeyEvent,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.areas import AREA_LIST, ShowsAreas

#: the page for each area of the main window: declared with the area (``desktop/areas.py``)
AREA_PAGES = {area.key: area.help_page for area in AREA_LIST}
#: the page for each dialog and window, by class name
DIALOG_PAGES = {
    "PatronDialog": "patrons",
    "PatronActionDialog": "patrons",
    "EraseDialog": "erasure",
    "SellDialog": "box-office",
    "PerformanceDialog": "box-office",
    "DonationDialog": "box-office",
    "MembershipDialog": "box-office",
    "SubscriptionDialog": "box-office",
    "ExchangeDialog": "box-office",
    "RefundDialog": "box-office",
    "MergeDialog": "duplicates",
    "UnmergeDialog": "duplicates",
    "DoorLookupDialog": "door",
    "DoorUnlockDialog": "door",
    "PinDialog": "door",
    "CameraDialog": "door",
    "CallDialog": "calls-and-chats",
    "ImportChatsDialog": "calls-and-chats",
    "LinkChatDialog": "calls-and-chats",
    "QuickAnswerDialog": "calls-and-chats",
    "QuickAnswerPicker": "calls-and-chats",
    "RotaDialog": "calls-and-chats",
    "ImportSalesDialog": "importing-sales",
    # the base of both import dialogs; each of them has its own page above
    "ImportDialog": "importing-sales",
    "SignInDialog": "staff-and-roles",
    "StaffDialog": "staff-and-roles",
    "BackupsDialog": "backups",
    "DamagedStoreDialog": "backups",
    "AboutDialog": "installing",
    "LicencesDialog": "installing",
    "SetupAssistant": "getting-started",
    "HelpWindow": "index",
}
PAGES = {**AREA_PAGES, **DIALOG_PAGES}
#: dialogs that ask one question for whatever opened them (refund this order? merge
#: these two?): their page is the page of the screen or dialog that asked
ASKS_FOR_ITS_PARENT = {"ConfirmBox"}


def guide_folder() -> Path:
    """docs/guide beside the source, or inside the installed app (PyInstaller)."""
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled:
        return Path(bundled) / "docs" / "guide"
    return Path(__file__).resolve().parents[1] / "docs" / "guide"


def page_path(page: str) -> Path:
    return guide_folder() / f"{page}.md"


def page_for(widget: QWidget | None) -> str:
    """The guide page for a widget: its dialog's page, else the main window's area's."""
    current = widget
    while current is not None:
        name = type(current).__name__
        if name in DIALOG_PAGES:
            return DIALOG_PAGES[name]
        if name == "MainWindow":
            return AREA_PAGES.get(cast(ShowsAreas, current).current_area(), "index")
        current = current.parentWidget()
    return "index"


class GuideBrowser(QTextBrowser):
    """The guide's pages; a picture the installed app does not carry (the bundle has
    the guide's text, not its screenshots) takes no room instead of a broken icon."""

    def loadResource(self, kind: int, name: QUrl | str):  # noqa: N802 - Qt's name
        if kind == QTextDocument.ResourceType.ImageResource.value:
            path = self.source().resolved(QUrl(name)).toLocalFile()
            if path and not Path(path).is_file():
                nothing = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
                nothing.fill(Qt.GlobalColor.transparent)
                return nothing
        return super().loadResource(kind, name)


class HelpWindow(QDialog):
    """One guide page, with the links between pages; Back and Contents."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("helpWindow")
        self.setWindowTitle(self.tr("Houselights help"))
        self.browser = GuideBrowser(self)
        self.browser.setObjectName("helpText")
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self._outside_link)
        self.browser.setSearchPaths([str(guide_folder())])
        self.back_button = QPushButton(self.tr("Back"), self)
        self.back_button.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.back_button.setEnabled(False)
        self.contents_button = QPushButton(self.tr("Contents"), self)
        self.contents_button.clicked.connect(lambda: self.show_page("index"))
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addWidget(self.contents_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(row)
        self.resize(820, 640)
        self.page = ""
        self.browser.sourceChanged.connect(lambda _url: self.fit_images())

    def show_page(self, page: str) -> None:
        path = page_path(page)
        self.page = page
        if not path.is_file():
            self.browser.setMarkdown(
                self.tr(
                    "# Help is missing\n\nThe user guide was not found at `{path}`. "
                    "Reinstall Houselights to get it back."
                ).format(path=path)
            )
            return
        self.browser.setSource(QUrl.fromLocalFile(str(path)))

    def fit_images(self) -> None:
        """Screenshots as wide as the page at most (they are 1366 pixels wide)."""
        document = self.browser.document()
        room = max(200, self.browser.viewport().width() - 24)
        base = self.browser.source()
        block = document.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                shape = fragment.charFormat()
                if shape.isImageFormat():
                    image = shape.toImageFormat()
                    path = base.resolved(QUrl(image.name())).toLocalFile()
                    size = QImageReader(path).size() if path else QSize()
                    if size.width() > room:
                        image.setWidth(room)
                        image.setHeight(size.height() * room / size.width())
                        cursor = QTextCursor(document)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(
                            fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                        )
                        cursor.setCharFormat(image)
                fragments += 1
            block = block.next()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        QTimer.singleShot(0, self.fit_images)  # once the page has its new width

    def _outside_link(self, url: QUrl) -> None:
        """Pages of the guide open here; the web and other files in their own programs."""
        if url.scheme() in ("http", "https", "mailto"):
            self.browser.setSource(self.browser.source())  # stay on the page
            QDesktopServices.openUrl(url)
            return
        if url.isLocalFile() or not url.scheme():
            name = Path(url.path()).stem
            if Path(url.path()).suffix == ".md":
                self.page = name


_window: list[HelpWindow] = []


def _open_window() -> HelpWindow | None:
    if _window and shiboken6.isValid(_window[0]):
        return _window[0]
    _window.clear()
    return None


def show_help(parent: QWidget | None, page: str) -> HelpWindow:
    """Open (or bring forward) the help window on ``page`` (one for the application, owned
    by the main window)."""
    window = _open_window()
    if window is None:
        owner = parent.window() if parent is not None else None
        while owner is not None and (above := owner.parentWidget()) is not None:
            owner = above.window()  # a dialog's main window
        window = HelpWindow(owner)
        window.setWindowFlag(Qt.WindowType.Window, True)
        _window[:] = [window]
    window.show_page(page)
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def help_for_focus() -> HelpWindow:
    """F1: the page of whatever has the keyboard focus (or the active window)."""
    widget = QApplication.focusWidget() or QApplication.activeWindow()
    if widget is not None and isinstance(widget.window(), HelpWindow):
        return cast(HelpWindow, widget.window())
    return show_help(widget, page_for(widget))


#: a window's property: its own shortcut answers F1 (the main window's Help action)
OWN_F1 = "houselightsOwnF1"


class F1Filter(QObject):
    """F1 in any window of the app, modal dialogs included (their modality blocks the
    main window's shortcut, so the key itself is caught here).

    Every event of the application passes through a filter on it, in Python: building
    the main window alone sent it about 28,000 (0.3 s of the window's 1.1 s). So it
    watches only while the active window is one without its own F1, such as a dialog;
    while the main window is active its Help action's shortcut answers F1."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_F1
            and not event.isAutoRepeat()
        ):
            help_for_focus()
            return True
        return False


class F1Watch:
    """Puts the F1 filter on the application while the active window has no F1 of
    its own, and takes it off again (the application's focus window changes seldom)."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self.filter = F1Filter(app)
        self.watching = False
        app.focusWindowChanged.connect(self.follow)
        self.follow()

    def follow(self, _focus_window: object = None) -> None:
        active = QApplication.activeWindow()
        wanted = active is not None and not active.property(OWN_F1)
        if wanted and not self.watching:
            self._app.installEventFilter(self.filter)
        elif self.watching and not wanted:
            self._app.removeEventFilter(self.filter)
        self.watching = wanted


_f1: list[F1Watch] = []


def install_f1() -> None:
    """Catch F1 everywhere in the application (once)."""
    app = QApplication.instance()
    if isinstance(app, QApplication) and not (_f1 and shiboken6.isValid(_f1[0].filter)):
        _f1[:] = [F1Watch(app)]  # (again for a new application: the old one's is gone)


def f1_watching() -> bool:
    """Whether the F1 filter is on the application now."""
    return bool(_f1) and _f1[0].watching
