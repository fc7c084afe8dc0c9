"""Small widgets the screens share: tables, headings, chips, a flow layout, progress."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.export import add_export
from desktop.models.base import RowTableModel, SortProxy


class FittingTable(QTableView):
    """A table whose column headers are never cut off: a column is never made narrower
    than its header's title (``setColumnWidth`` and every model change), a stretching
    column that has too little room keeps its title's width (the table scrolls
    sideways instead), and each header's full title is its tooltip."""

    #: stretching columns held at their title's width while there is too little room
    _held: frozenset[int] = frozenset()

    def setModel(self, model) -> None:  # noqa: N802 - Qt's name
        old = self.model()
        if old is not None:
            for signal in (old.modelReset, old.layoutChanged, old.headerDataChanged):
                with contextlib.suppress(RuntimeError, TypeError):
                    signal.disconnect(self.fit_headers)
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self.fit_headers)
            model.layoutChanged.connect(self.fit_headers)
            model.headerDataChanged.connect(self.fit_headers)
        self.fit_headers()

    #: column -> the least width it keeps besides its title's (its words, say)
    minimum_widths: dict[int, int] = {}

    def header_width(self, column: int) -> int:
        """The width a column needs for its header's title, sort arrow and margins."""
        header = self.horizontalHeader()
        if self.model() is None or column >= header.count():
            return 0
        return max(
            header.sectionSizeFromContents(column).width(), self.minimum_widths.get(column, 0)
        )

    def setColumnWidth(self, column: int, width: int) -> None:  # noqa: N802 - Qt's name
        super().setColumnWidth(column, max(width, self.header_width(column)))

    def fit_headers(self, *_args) -> None:
        """Widen every column narrower than its title; then the stretching ones."""
        header = self.horizontalHeader()
        for column in range(header.count()):
            if header.isSectionHidden(column) or column in self.stretching_columns():
                continue
            needed = self.header_width(column)
            if header.sectionSize(column) < needed:
                header.resizeSection(column, needed)
        self._fit_stretching()

    def columns_arranged(self) -> None:
        """The view chose its stretching column anew (forget the ones held back)."""
        self._held = frozenset()
        self.fit_headers()

    def stretching_columns(self) -> set[int]:
        header = self.horizontalHeader()
        stretch = {
            c
            for c in range(header.count())
            if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch
        }
        return stretch | self._held

    def _fit_stretching(self) -> None:
        """A stretching column squeezed below its title's width is held at that width
        (the table scrolls sideways) and stretches again once there is room."""
        header = self.horizontalHeader()
        held = set(self._held)
        for column in self.stretching_columns():
            if column >= header.count() or header.isSectionHidden(column):
                continue
            others = sum(
                header.sectionSize(c)
                for c in range(header.count())
                if c != column and not header.isSectionHidden(c)
            )
            needed = self.header_width(column)
            if self.viewport().width() - others < needed:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, needed)
                held.add(column)
            elif column in held:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                held.discard(column)
        self._held = frozenset(held)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # not when rows come and go
            self._fit_stretching()


def table_view(parent: QWidget | None = None) -> FittingTable:
    """A read-only, row-selecting, sortable table in the house style (``FittingTable``)."""
    table = FittingTable(parent)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(34)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setSortingEnabled(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the read model's order
    return table


#: a long moment to measure with (a Wednesday in September, at 22:30)
_WIDE_MOMENT = "2026-09-30T22:30:00"


def moment_width(table: QTableView, weekday: bool = True) -> int:
    """A column's width for a moment as ``formatting.moment`` writes it in this locale."""
    from desktop import formatting

    text = formatting.moment(_WIDE_MOMENT, weekday=weekday)
    return table.fontMetrics().horizontalAdvance(text) + 28


def date_width(table: QTableView, weekday: bool = False) -> int:
    """A column's width for a date as ``formatting.date`` writes it in this locale."""
    from desktop import formatting

    text = formatting.date(_WIDE_MOMENT, weekday=weekday)
    return table.fontMetrics().horizontalAdvance(text) + 28


def exporting_table(
    model: RowTableModel,
    parent: QWidget,
    export_button: QPushButton,
    suggested_name: str,
    on_exported: Callable[[Path], None],
    name: str = "",
) -> tuple[SortProxy, FittingTable, QAction]:
    """A list screen's table: ``model`` sorted by a ``SortProxy`` in a ``table_view``
    named ``name``, saved as a spreadsheet file by ``export_button`` and the table's
    context menu (``suggested_name``; ``on_exported(path)`` afterwards)."""
    proxy = SortProxy(model, parent)
    table = table_view(parent)
    if name:
        table.setObjectName(name)
    table.setModel(proxy)
    action = add_export(table, export_button, suggested_name=suggested_name, on_done=on_exported)
    return proxy, table, action


def select_row(table: QTableView, row: int) -> None:
    """Make ``row`` (of the table's own model) the current, only selected row and show it."""
    index = table.model().index(row, 0)
    table.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    table.scrollTo(index)


#: a page property: on a short screen the page is taller than the window and scrolls up
#: and down in the window's area scroll (a dashboard with its list); pages without it
#: must fit (the door, the lists: their own tables scroll instead)
SCROLLS_UP_AND_DOWN = "scrollsUpAndDown"


def ask_height_for_width(page: QWidget, on: bool) -> None:
    """A page that scrolls up and down asks for the height its width needs: its wrapped
    lines (a long title, an explanation) are taller than the minimum sizes say, and the
    window's scrolling area goes by those (``AreaStack``), so without this a chart or a
    table would be squeezed under the words. Done after the current resize or change."""

    def fit() -> None:
        layout = page.layout()
        needed = layout.totalHeightForWidth(page.width()) if on and layout is not None else 0
        needed = max(needed, 0)
        if needed != page.minimumHeight():
            page.setMinimumHeight(needed)

    QTimer.singleShot(0, page, fit)


def size_columns(table: QTableView, widths: dict[int, int], stretch: int) -> None:
    """Give columns their widths (at least their titles'); ``stretch`` takes the room
    that is left."""
    for column, width in widths.items():
        table.setColumnWidth(column, width)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    if isinstance(table, FittingTable):
        table.columns_arranged()


def stand_in_menu(menu_button: QPushButton, buttons: tuple[QPushButton, ...]) -> QMenu:
    """A menu on ``menu_button`` that stands in for ``buttons`` on a small screen (the
    button starts hidden): each entry clicks its button and, when the menu opens, is on
    or off with the same tooltip as its button is then."""
    menu = QMenu(menu_button)
    entries = []
    for button in buttons:
        action = menu.addAction(button.text())
        action.triggered.connect(button.click)
        entries.append((action, button))

    def follow_buttons() -> None:
        for action, button in entries:
            action.setEnabled(button.isEnabled())
            action.setToolTip(button.toolTip())

    menu.aboutToShow.connect(follow_buttons)
    menu_button.setMenu(menu)
    menu_button.hide()
    return menu


def order_menu_button(parent: QWidget, buttons: tuple[QPushButton, ...]) -> QPushButton:
    """The "Order" menu button that stands in for an order's actions (refund, exchange,
    print, save as PDF: ``buttons``) where a short window has no room for them (the box
    office, a patron's purchases); it starts hidden."""
    button = QPushButton(QCoreApplication.translate("Orders", "Order"), parent)
    button.setToolTip(
        QCoreApplication.translate(
            "Orders", "Refund, exchange, print or save the selected order's tickets"
        )
    )
    stand_in_menu(button, buttons)
    return button


def clear_layout(layout: QLayout) -> None:
    """Take every item out of ``layout``; its widgets are deleted (soon, by Qt)."""
    while (item := layout.takeAt(0)) is not None:
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()


def placeholder(combo: QComboBox, text: str) -> None:
    """The grey hint in an editable list's empty text field."""
    field = combo.lineEdit()
    if field is not None:
        field.setPlaceholderText(text)


def heading(text: str, parent: QWidget | None = None, name: str = "heading") -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def error_label(parent: QWidget | None = None) -> QLabel:
    """A red message under a field; hidden while empty."""
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


class ElidedLabel(QLabel):
    """One line that never pushes its parent wider: too long for its room, it is cut
    in the middle with "…" (an email keeps its start and its domain) and the whole
    text is its tooltip; ``full_text()`` is what it holds (what Copy copies)."""

    def __init__(self, parent: QWidget | None = None, mode=Qt.TextElideMode.ElideMiddle):
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction(QCoreApplication.translate("ElidedLabel", "Copy"), self)
        copy.triggered.connect(self._copy)
        self.addAction(copy)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text or ""
        self._fit()

    def full_text(self) -> str:
        return self._full

    def is_elided(self) -> bool:
        return super().text() != self._full

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        height = super().minimumSizeHint().height()
        return QSize(self.fontMetrics().horizontalAdvance("…") * 4, height)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """The whole text's width (a label that may grow asks for all of it)."""
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + 2 * self.margin()
        return QSize(width + margins.left() + margins.right(), super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        margins = self.contentsMargins()
        room = self.width() - margins.left() - margins.right() - 2 * self.margin()
        shown = self._full
        if room > 0 and self.fontMetrics().horizontalAdvance(self._full) > room:
            shown = self.fontMetrics().elidedText(self._full, self._mode, room)
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")

    def _copy(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(self._full)


def chip(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("chip")
    label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return label


class FlowLayout(QLayout):
    """Lays children out left to right and wraps them (tag chips, a row of buttons that
    goes onto two lines on a narrow window); ``right=True`` keeps each line right-aligned."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, right: bool = False):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._right = right
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:  # noqa: N802 (Qt API)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 (Qt API)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 (Qt API)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def clear(self) -> None:
        while (item := self.takeAt(0)) is not None:
            if item.widget() is not None:
                item.widget().hide()  # gone now, not only once the event loop deletes it
                item.widget().deleteLater()

    def expandingDirections(self):  # noqa: N802 (Qt API)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt API)
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt API)
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines: list[list] = [[]]
        x = area.x()
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and lines[-1]:
                lines.append([])
                x = area.x()
            lines[-1].append((item, hint))
            x += hint.width() + self._spacing
        y = area.y()
        for line in lines:
            if not line:
                continue
            width = sum(h.width() for _, h in line) + self._spacing * (len(line) - 1)
            x = area.right() + 1 - width if self._right else area.x()
            height = max(h.height() for _, h in line)
            for item, hint in line:
                if apply:
                    item.setGeometry(QRect(QPoint(x, y), hint))
                x += hint.width() + self._spacing
            y += height + self._spacing
        return max(0, y - self._spacing) - rect.y() + margins.bottom()


class BodyScroll(QScrollArea):
    """A scroll area that asks for its whole content (a dialog opens at its full size
    where the screen has room) but can shrink to a few lines (where it has not)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        frame = 2 * self.frameWidth()
        bar = self.verticalScrollBar().sizeHint().width()
        return inner.sizeHint() + QSize(frame + bar, frame)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        inner = self.widget()
        width = inner.minimumSizeHint().width() if inner is not None else 0
        return QSize(width + self.verticalScrollBar().sizeHint().width(), 120)


def scrolling_body(
    dialog: QWidget, buttons: QLayout, margins=(24, 20, 24, 20), spacing: int = 12
) -> tuple[QVBoxLayout, BodyScroll]:
    """The dialog's layout: its body (returned with its scroll area; the body is to
    fill) scrolls when the screen is too short for it (a laptop at 125% or 150%);
    ``buttons`` stay visible below."""
    outer = QVBoxLayout(dialog)
    outer.setContentsMargins(0, 0, 0, margins[3])
    outer.setSpacing(spacing)
    scroll = BodyScroll(dialog)
    scroll.setObjectName("dialogScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    inner = QWidget(scroll)
    inner.setObjectName("dialogBody")
    body = QVBoxLayout(inner)
    body.setContentsMargins(margins[0], margins[1], margins[2], 0)
    body.setSpacing(spacing)
    scroll.setWidget(inner)
    outer.addWidget(scroll, 1)
    row = QHBoxLayout()
    row.setContentsMargins(margins[0], 0, margins[2], 0)
    row.addLayout(buttons)
    outer.addLayout(row)
    return body, scroll


def dialog_buttons(
    dialog, label: str, on_confirm, server: bool = True
) -> tuple[QPushButton, QPushButton, QHBoxLayout]:
    """Cancel and the dialog's main button (default, primary style), right-aligned. The
    main button saves to the store: it needs the server (``desktop.server_connection``)
    unless ``server`` is False."""
    from desktop.server_connection import needs_server

    confirm = QPushButton(label, dialog)
    if server:
        needs_server(confirm)
    confirm.setObjectName("primaryButton")
    confirm.setDefault(True)
    confirm.clicked.connect(lambda: on_confirm())
    cancel = QPushButton(QCoreApplication.translate("Dialog", "Cancel"), dialog)
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(cancel)
    row.addWidget(confirm)
    return confirm, cancel, row


def show_field_errors(errors: dict[str, QLabel], general: QLabel, by_field: dict[str, str]) -> None:
    """Each message under its field; those with no field of their own go in ``general``."""
    unplaced = []
    for key, message in by_field.items():
        label = errors.get(key)
        if label is None:
            unplaced.append(message)
        else:
            show_error(label, message)
    show_error(general, " ".join(unplaced))


def show_count(bar: QProgressBar, done: int, total: int, text_format: str) -> None:
    """Background progress on a bar: ``done`` of ``total`` shown with ``text_format``
    (e.g. "%v of %m orders"); a busy bar while the total is unknown (``total < 0``)."""
    if total < 0:
        bar.setRange(0, 0)
        return
    bar.setRange(0, max(total, 1))
    bar.setValue(min(done, max(total, 1)))
    bar.setFormat(text_format)


def stop_task(task, cancel_button: QPushButton, bar: QProgressBar, stopping_text: str) -> None:
    """Ask a running background task (if any) to stop; its Cancel button is done meanwhile."""
    if task is not None:
        cancel_button.setEnabled(False)
        bar.setFormat(stopping_text)
        task.cancel()
