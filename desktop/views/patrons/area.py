"""The Patrons area: the list of patrons and one patron's page, one at a time."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QStackedWidget, QWidget

from desktop.views.patrons.patron_page import PatronPage
from desktop.views.patrons.patrons import PatronListView


class PatronsArea(QStackedWidget):
    def __init__(
        self, patron_list: PatronListView, patron_page: PatronPage, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("patronsArea")
        self.patron_list = patron_list
        self.patron_page = patron_page
        self.addWidget(patron_list)
        self.addWidget(patron_page)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    # the room of the page shown: the list does not need the patron page's width
    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        shown = self.currentWidget()
        return shown.minimumSizeHint() if shown is not None else super().minimumSizeHint()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        shown = self.currentWidget()
        return shown.sizeHint() if shown is not None else super().sizeHint()

    def refresh(self) -> None:
        self.patron_list.refresh()
        if self.patron_page.patron_id is not None:
            self.patron_page.refresh()
