"""Selling tickets at the window or on the phone, capturing the buyer as we go.

The lesson of the box office: a walk-up buyer whose name we never learn is a
lost relationship. So the quick walk-up form (name, email or phone, consent)
is the default and has the keyboard focus; finding a patron already on file is
one click away; selling without a name takes a deliberate click on a choice
that says plainly it will be counted as a lost contact.

The dialog decides nothing itself: it calls the application service and shows
what the domain says, in words a volunteer understands, keeping what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.formatting import local_moment, money
from desktop.models.base import SortProxy
from desktop.models.patron_table import PatronTableModel
from desktop.server_connection import needs_server
from desktop.views.box_office.tickets_ready import TicketsReady, ticket_dicts
from desktop.views.forms import read_later, submit_command
from desktop.views.widgets import (
    clear_layout,
    dialog_buttons,
    error_label,
    heading,
    show_error,
    table_view,
)
from domain.application import Houselights
from domain.attendees import holders_for
from domain.box_office import PAYMENTS, order_total
from domain.box_office_changes import WalkUpSaleResult
from domain.box_office_service import PerformanceInfo, SaleResult
from domain.errors import (
    HouselightsError,
    NotEnoughSeats,
)
from domain.roles import Permission
from projections import box_office
from projections import patron_directory as directory
from projections.patron_search import search
from projections.runner import ReadModelRunner

WALK_UP, FIND, ANONYMOUS = 0, 1, 2
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


#: what a sale in this form gives back: a walk-up buyer's, or anyone else's
Sold = SaleResult | WalkUpSaleResult


def performance_from_row(row: dict) -> PerformanceInfo:
    """A performance as the read models know it (the store's answer follows)."""
    return PerformanceInfo(
        id=row["id"],
        production_id=row.get("production_id") or "",
        title=row.get("title") or "",
        starts_at=row.get("starts_at") or "",
        venue=row.get("venue") or "",
        capacity=int(row.get("capacity") or 0),
        sold=int(row.get("sold") or 0),
        available=int(row.get("capacity") or 0) - int(row.get("sold") or 0),
        price_levels=dict(row.get("price_levels") or {}),
    )


def performance_label(row: dict) -> str:
    parts = [row.get("title") or "", local_moment(row.get("starts_at"))]
    if row.get("venue"):
        parts.append(row["venue"])
    return " · ".join(p for p in parts if p)


class WalkUpForm(QWidget):
    """First name, last name, email, phone, consent; errors under the fields."""

    FIELDS = ("first_name", "last_name", "email", "phone")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(3)
        labels = {
            "first_name": self.tr("&First name"),
            "last_name": self.tr("&Last name"),
            "email": self.tr("&Email"),
            "phone": self.tr("&Phone"),
        }
        hints = {"email": self.tr("name@example.org"), "phone": self.tr("555-123-4567")}
        for i, key in enumerate(self.FIELDS):
            row, column = divmod(i, 2)
            caption = QLabel(labels[key], self)
            caption.setObjectName("fieldLabel")
            edit = QLineEdit(self)
            edit.setObjectName(key)
            edit.setPlaceholderText(hints.get(key, ""))
            caption.setBuddy(edit)
            grid.addWidget(caption, row * 3, column)
            grid.addWidget(edit, row * 3 + 1, column)
            self.fields[key] = edit
        for row, keys in ((2, ("name",)), (5, ("email", "phone"))):
            for column, key in enumerate(keys):
                label = error_label(self)
                grid.addWidget(label, row, column, 1, 2 if len(keys) == 1 else 1)
                self.errors[key] = label
        hint = QLabel(self.tr("An email or a phone number is enough."), self)
        hint.setObjectName("muted")
        grid.addWidget(hint, 6, 0, 1, 2)
        self.consent = QCheckBox(self.tr("Happy to receive news by email"), self)
        self.consent.setObjectName("email_consent")
        grid.addWidget(self.consent, 7, 0, 1, 2)
        grid.setRowStretch(8, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def values(self) -> dict:
        values: dict[str, str | bool] = {key: edit.text() for key, edit in self.fields.items()}
        values["email_consent"] = self.consent.isChecked()
        return values

    def is_empty(self) -> bool:
        return not any(edit.text().strip() for edit in self.fields.values())

    def clear(self) -> None:
        for edit in self.fields.values():
            edit.clear()
        self.consent.setChecked(False)
        self.clear_errors()

    def clear_errors(self) -> None:
        for label in self.errors.values():
            show_error(label, "")

    def show_errors(self, by_field: dict[str, str]) -> list[str]:
        """Show each message under its field; returns the ones with no place here."""
        aliases = {"first_name": "name", "last_name": "name", "contact": "email"}
        unplaced = []
        for key, message in by_field.items():
            label = self.errors.get(aliases.get(key, key))
            if label is None:
                unplaced.append(message)
            else:
                show_error(label, message)
        return unplaced


class PatronFinder(QWidget):
    """Search as you type; the current row is the buyer."""

    chosen_changed = Signal()
    DELAY_MS = 120

    def __init__(self, runner: ReadModelRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("buyerSearch")
        self.search_field.setPlaceholderText(self.tr("Name, email or phone"))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.installEventFilter(self)
        self.model = PatronTableModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("buyerResults")
        self.table.setModel(self.proxy)
        for column in (
            PatronTableModel.CITY,
            PatronTableModel.INTERESTS,
            PatronTableModel.LAST_ACTIVITY,
        ):
            self.table.setColumnHidden(column, True)
        self.table.horizontalHeader().setSectionResizeMode(
            PatronTableModel.EMAIL, QHeaderView.ResizeMode.Stretch
        )
        self.table.setColumnWidth(PatronTableModel.NAME, 170)
        self.table.setColumnWidth(PatronTableModel.PHONE, 130)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.chosen_changed.emit())
        self.status = QLabel(self)
        self.status.setObjectName("muted")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_field.textChanged.connect(self._timer.start)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search_field)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._show_status()

    #: matches listed at most (the search reads one more to know there are more)
    SHOWN = 50
    _more = False

    def run_search(self) -> None:
        self._timer.stop()
        text = self.search_field.text().strip()
        # one more than is shown: a full list says it is the first few, not how many match
        limit = self.SHOWN + 1
        rows = self.runner.read(Permission.READ_PATRONS, search, text, limit=limit) if text else []
        self._more = len(rows) > self.SHOWN
        self.model.set_rows(rows[: self.SHOWN])
        if rows:
            self.table.selectRow(0)
        self._show_status()
        self.chosen_changed.emit()

    def _show_status(self) -> None:
        text = self.search_field.text().strip()
        count = self.model.rowCount()
        if not text:
            message = self.tr("Type to find a patron already on file.")
        elif count == 0:
            message = self.tr("Nobody on file matches. Use the walk-up form to add them.")
        elif count == 1:
            message = self.tr("1 patron matches.")
        elif self._more:
            message = self.tr(
                "The first {count} matches; type more of the name, email or phone to narrow it."
            ).format(count=count)
        else:
            message = self.tr("{count} patrons match; pick the right one.").format(count=count)
        self.status.setText(message)

    def show_patron(self, row: dict) -> None:
        """Preselect one patron (selling from their page)."""
        self.search_field.blockSignals(True)
        self.search_field.setText(row.get("name") or "")
        self.search_field.blockSignals(False)
        self.model.set_rows([row])
        self.table.selectRow(0)
        self._show_status()
        self.chosen_changed.emit()

    def chosen(self) -> dict | None:
        if self._timer.isActive():
            self.run_search()
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_data(self.proxy.mapToSource(index).row())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            watched is self.search_field
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            if event.key() in _ENTER:
                # Enter picks the patron (the search runs now); it never sells
                self.run_search()
                return True
            if event.key() == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)


class SellDialog(QDialog):
    """``sold(result)`` after each sale: the service's result plus ``tickets`` to print."""

    sold = Signal(dict)

    def __init__(
        self,
        app: Houselights,
        runner: ReadModelRunner,
        performances: list[dict],
        performance_id: str | None = None,
        patron: dict | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.performances = performances
        self.performance: PerformanceInfo | None = None
        self.spins: dict[str, QSpinBox] = {}
        self.outcome: dict | None = None
        self._seats_asked = 0
        self.setObjectName("sellDialog")
        self.setWindowTitle(self.tr("Sell tickets"))
        self.setMinimumWidth(900)

        self._build_performance_choice(performances)
        buyer_card = self._build_buyer()
        tickets_card = self._build_tickets_and_payment()
        form = self._build_form(buyer_card, tickets_card)
        done = self._build_done_page()
        self.pages = QStackedWidget(self)
        self.pages.addWidget(form)
        self.pages.addWidget(done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(self.pages)

        index = self.performance_combo.findData(performance_id) if performance_id else 0
        self.performance_combo.setCurrentIndex(max(0, index))
        self.performance_combo.currentIndexChanged.connect(lambda _i: self._load_performance())
        self.finder.chosen_changed.connect(self.update_total)
        self._load_performance()  # (once: the store is asked once for the seats left)
        if patron is not None:
            self.finder.show_patron(patron)
            self.set_mode(FIND)
        else:
            self.set_mode(WALK_UP)

    # -- building (one part of the form each) ---------------------------------------------
    def _build_performance_choice(self, performances: list[dict]) -> None:
        self.performance_combo = QComboBox(self)
        self.performance_combo.setObjectName("performanceChoice")
        for row in performances:
            self.performance_combo.addItem(performance_label(row), row["id"])
        self.seats_label = QLabel(self)
        self.seats_label.setObjectName("seatsLeft")

    def _build_buyer(self) -> QFrame:
        """Who is buying: a walk-up buyer's form, a patron on file, or nobody."""
        self.walk_up_button = QPushButton(self.tr("Walk-up buyer"), self)
        self.find_button = QPushButton(self.tr("Patron on file"), self)
        self.mode_group = QButtonGroup(self)
        for mode, button in ((WALK_UP, self.walk_up_button), (FIND, self.find_button)):
            button.setCheckable(True)
            button.setObjectName("segmentButton")
            self.mode_group.addButton(button, mode)
        self.mode_group.setExclusive(False)  # neither is checked while selling anonymously
        self.walk_up_button.setChecked(True)
        self.mode_group.idClicked.connect(self.set_mode)
        self.anonymous_button = QPushButton(self.tr("No name? Sell anonymously…"), self)
        self.anonymous_button.setObjectName("flatButton")
        self.anonymous_button.setToolTip(
            self.tr("Counted as a lost contact: we cannot thank or invite this buyer back")
        )
        self.anonymous_button.clicked.connect(lambda: self.set_mode(ANONYMOUS))

        self.walk_up = WalkUpForm(self)
        self.finder = PatronFinder(self.runner, self)
        self.anonymous_panel = QFrame(self)
        self.anonymous_panel.setObjectName("warningPanel")
        warning = QLabel(
            self.tr(
                "<b>Selling without a name.</b><br>This sale will be counted as a "
                "<b>lost contact</b>: we will not be able to thank this buyer, invite them "
                "back or welcome them at the door.<br><br>If you can, ask for a name and an "
                "email or phone; it takes ten seconds."
            ),
            self.anonymous_panel,
        )
        warning.setObjectName("warningText")
        warning.setWordWrap(True)
        self.back_to_walk_up = QPushButton(self.tr("Ask for their name instead"), self)
        self.back_to_walk_up.clicked.connect(lambda: self.set_mode(WALK_UP))
        panel = QVBoxLayout(self.anonymous_panel)
        panel.setContentsMargins(16, 14, 16, 14)
        panel.addWidget(warning)
        panel.addWidget(self.back_to_walk_up, 0, Qt.AlignmentFlag.AlignLeft)
        anonymous_page = QWidget(self)
        page = QVBoxLayout(anonymous_page)
        page.setContentsMargins(0, 4, 0, 0)
        page.addWidget(self.anonymous_panel)
        page.addStretch(1)

        self.buyer_stack = QStackedWidget(self)
        self.buyer_stack.addWidget(self.walk_up)
        self.buyer_stack.addWidget(self.finder)
        self.buyer_stack.addWidget(anonymous_page)
        self.buyer_stack.setMinimumHeight(260)

        modes = QHBoxLayout()
        modes.setSpacing(0)
        modes.addWidget(self.walk_up_button)
        modes.addWidget(self.find_button)
        modes.addStretch(1)
        buyer_card = QFrame(self)
        buyer_card.setObjectName("card")
        buyer = QVBoxLayout(buyer_card)
        buyer.setContentsMargins(18, 14, 18, 14)
        buyer.addWidget(heading(self.tr("Who is buying?"), self, name="sectionTitle"))
        buyer.addLayout(modes)
        buyer.addWidget(self.buyer_stack, 1)
        buyer.addWidget(self.anonymous_button, 0, Qt.AlignmentFlag.AlignLeft)

        return buyer_card

    def _build_tickets_and_payment(self) -> QFrame:
        self.levels_box = QGridLayout()
        self.levels_box.setHorizontalSpacing(12)
        self.levels_box.setVerticalSpacing(6)
        self.tickets_error = error_label(self)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("totalLabel")
        self.payment_buttons: dict[str, QRadioButton] = {}
        self.payment_group = QButtonGroup(self)
        payment_row = QHBoxLayout()
        payment_labels = {
            "cash": self.tr("C&ash"),
            "card": self.tr("Ca&rd"),
            "complimentary": self.tr("C&omplimentary"),
        }
        for payment in PAYMENTS:
            radio = QRadioButton(payment_labels[payment], self)
            radio.setObjectName(payment)
            self.payment_group.addButton(radio)
            self.payment_buttons[payment] = radio
            payment_row.addWidget(radio)
        payment_row.addStretch(1)
        self.payment_buttons["card"].setChecked(True)
        self.payment_group.buttonToggled.connect(lambda *_: self.update_total())

        tickets_card = QFrame(self)
        tickets_card.setObjectName("card")
        tickets = QVBoxLayout(tickets_card)
        tickets.setContentsMargins(18, 14, 18, 14)
        tickets.addWidget(heading(self.tr("Tickets"), self, name="sectionTitle"))
        tickets.addLayout(self.levels_box)
        tickets.addWidget(self.tickets_error)
        self.names_button = QPushButton(self.tr("&Name each ticket (optional)"), self)
        self.names_button.setObjectName("flatButton")
        self.names_button.setCheckable(True)
        self.names_button.setToolTip(
            self.tr(
                "When the tickets are for other people: each one named becomes a patron who "
                "holds the ticket, is greeted at the door and has it on their timeline"
            )
        )
        self.names_button.toggled.connect(lambda _on: self._show_names())
        self.names_panel = QWidget(self)
        self.names_panel.setObjectName("ticketNames")
        self.names_grid = QGridLayout(self.names_panel)
        self.names_grid.setContentsMargins(0, 0, 0, 0)
        self.name_fields: list[dict[str, QLineEdit]] = []
        self.names_panel.setVisible(False)
        tickets.addWidget(self.names_button, 0, Qt.AlignmentFlag.AlignLeft)
        tickets.addWidget(self.names_panel)
        tickets.addSpacing(6)
        payment_caption = QLabel(self.tr("Payment"), self)
        payment_caption.setObjectName("fieldLabel")
        tickets.addWidget(payment_caption)
        tickets.addLayout(payment_row)
        tickets.addStretch(1)
        tickets.addWidget(self.total_label)

        return tickets_card

    def _build_form(self, buyer_card: QFrame, tickets_card: QFrame) -> QWidget:
        self.general_error = error_label(self)
        self.general_error.setObjectName("problemBanner")
        self.sell_button, self.cancel_button, buttons = dialog_buttons(
            self, self.tr("Sell"), self.sell
        )
        #: what needs the server (off while the door says it is offline)
        self.commit_button = self.sell_button

        top = QHBoxLayout()
        top.addWidget(self.performance_combo, 1)
        top.addSpacing(12)
        top.addWidget(self.seats_label)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(buyer_card, 3)
        columns.addWidget(tickets_card, 2)

        form = self.form_page = QWidget(self)
        form_layout = QVBoxLayout(form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.setSpacing(12)
        performance_caption = QLabel(self.tr("&Performance"), self)
        performance_caption.setObjectName("fieldLabel")
        performance_caption.setBuddy(self.performance_combo)
        form_layout.addWidget(performance_caption)
        form_layout.addLayout(top)
        form_layout.addLayout(columns, 1)
        form_layout.addWidget(self.general_error)
        form_layout.addLayout(buttons)

        return form

    def _build_done_page(self) -> QWidget:
        """What the seller sees after a sale: the tickets to print, sell more or done."""
        self.done_title = heading("", self, name="subheading")
        self.done_title.setWordWrap(True)
        self.done_detail = QLabel(self)
        self.done_detail.setWordWrap(True)
        self.done_detail.setObjectName("muted")
        self.tickets_ready = TicketsReady(self)
        self.another_button = QPushButton(self.tr("Sell more"), self)
        self.another_button.clicked.connect(self.sell_more)
        self.close_button = QPushButton(self.tr("Done"), self)
        self.close_button.clicked.connect(self.accept)
        done_buttons = QHBoxLayout()
        done_buttons.addStretch(1)
        done_buttons.addWidget(self.another_button)
        done_buttons.addWidget(self.close_button)
        done = QWidget(self)
        done_layout = QVBoxLayout(done)
        done_layout.setContentsMargins(0, 0, 0, 0)
        done_layout.setSpacing(12)
        done_card = QFrame(self)
        done_card.setObjectName("successCard")
        card = QVBoxLayout(done_card)
        card.setContentsMargins(22, 18, 22, 18)
        card.setSpacing(10)
        card.addWidget(self.done_title)
        card.addWidget(self.done_detail)
        card.addWidget(self.tickets_ready)
        done_layout.addWidget(done_card)
        done_layout.addStretch(1)
        done_layout.addLayout(done_buttons)

        return done

    # -- state ------------------------------------------------------------------------
    @property
    def mode(self) -> int:
        return self.buyer_stack.currentIndex()

    def set_mode(self, mode: int) -> None:
        self.buyer_stack.setCurrentIndex(mode)
        self.walk_up_button.setChecked(mode == WALK_UP)
        self.find_button.setChecked(mode == FIND)
        self.anonymous_button.setVisible(mode != ANONYMOUS)
        show_error(self.general_error, "")
        if mode == WALK_UP:
            self.walk_up.fields["first_name"].setFocus(Qt.FocusReason.OtherFocusReason)
        elif mode == FIND:
            self.finder.search_field.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.back_to_walk_up.setFocus(Qt.FocusReason.OtherFocusReason)
        self.update_total()

    def quantities(self) -> dict[str, int]:
        return {level: spin.value() for level, spin in self.spins.items() if spin.value()}

    def payment(self) -> str:
        return next(p for p, radio in self.payment_buttons.items() if radio.isChecked())

    def _load_performance(self) -> None:
        """The chosen performance's price levels and seats, at once from this
        workstation's read models; the store's own count of seats left follows off
        the GUI thread (``_check_seats``): a slow server never freezes the form."""
        performance_id = self.performance_combo.currentData()
        if not performance_id:
            self.performance = None
            self.seats_label.setText(self.tr("No performance to sell"))
            needs_server(self.sell_button, False)
            return
        row = self.runner.read(Permission.SEE_PERFORMANCES, box_office.performance, performance_id)
        if row is None:  # not in this workstation's lists yet: the store says
            row = next((r for r in self.performances if r["id"] == performance_id), None)
        if row is not None:
            self._show_performance(performance_from_row(row))
        else:
            self.performance = None
            needs_server(self.sell_button, False)
            self.seats_label.setText(self.tr("Checking the seats left…"))
        self._check_seats(performance_id)

    def _check_seats(self, performance_id: str) -> int:
        """Ask the store for the seats left now (another workstation may just have sold),
        on the writer worker; the answer updates the form. Returns the job number."""
        app = self.app
        self._seats_asked += 1
        return read_later(
            self,
            lambda: app.get_performance(performance_id),
            self._seats_answered,
            self._seats_unknown,
        )

    @property
    def checking_seats(self) -> bool:
        """The store has not answered every question about seats yet."""
        return self._seats_asked > 0

    def _seats_answered(self, performance: PerformanceInfo) -> None:
        self._seats_asked -= 1
        if self.performance_combo.currentData() != performance.id:
            return  # another performance was chosen meanwhile: its own answer follows
        if self.performance is None or self.performance.price_levels != performance.price_levels:
            self._show_performance(performance)
        else:
            self.performance = performance
            self._show_seats(performance)

    def _seats_unknown(self, error: BaseException) -> None:
        self._seats_asked -= 1
        if isinstance(error, HouselightsError):
            show_error(self.general_error, str(error))
        elif self.performance is None:
            show_error(
                self.general_error,
                self.tr(
                    "The seats left could not be checked ({error}). Check the connection "
                    "and choose the performance again."
                ).format(error=error),
            )

    def _show_performance(self, performance: PerformanceInfo) -> None:
        """Price levels (the quantities typed kept) and the seats left."""
        self.performance = performance
        kept = self.quantities()
        needs_server(self.sell_button, True)  # stays off while offline
        clear_layout(self.levels_box)
        self.spins = {}
        for row, (level, cents) in enumerate(self.performance.price_levels.items()):
            name = QLabel(level, self)
            name.setObjectName("levelName")
            price = QLabel(money(cents), self)
            price.setObjectName("muted")
            spin = QSpinBox(self)
            spin.setObjectName(f"quantity:{level}")
            spin.setRange(0, 999)
            spin.setValue(kept.get(level, 0))
            spin.setFixedWidth(90)
            spin.setAccessibleName(self.tr("Number of {level} tickets").format(level=level))
            spin.valueChanged.connect(lambda _v: self.update_total())
            name.setBuddy(spin)
            self.levels_box.addWidget(name, row, 0)
            self.levels_box.addWidget(price, row, 1)
            self.levels_box.addWidget(spin, row, 2)
            self.spins[level] = spin
        self.levels_box.setColumnStretch(0, 1)
        self._show_seats(self.performance)
        self._set_tab_order()
        self.update_total()

    def _show_seats(self, performance: PerformanceInfo) -> None:
        available = performance.available
        capacity = performance.capacity
        if available <= 0:
            text = self.tr("Sold out")
        elif available == 1:
            text = self.tr("1 seat left of {capacity}").format(capacity=capacity)
        else:
            text = self.tr("{left} seats left of {capacity}").format(
                left=available, capacity=capacity
            )
        self.seats_label.setText(text)
        self.seats_label.setProperty("soldOut", available <= 0)
        self.seats_label.setProperty("fewLeft", 0 < available <= max(5, capacity // 10))
        self.seats_label.style().unpolish(self.seats_label)
        self.seats_label.style().polish(self.seats_label)

    def _set_tab_order(self) -> None:
        chain = [
            self.performance_combo,
            self.walk_up_button,
            self.find_button,
            *[self.walk_up.fields[k] for k in WalkUpForm.FIELDS],
            self.walk_up.consent,
            self.finder.search_field,
            self.finder.table,
            self.anonymous_button,
            *self.spins.values(),
            *self.payment_buttons.values(),
            self.sell_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def ticket_labels(self) -> list[str]:
        """'Adult 1', 'Adult 2', 'Child 1': the tickets in the order they are sold."""
        return [
            f"{level} {n}"
            for level, count in self.quantities().items()
            for n in range(1, count + 1)
        ]

    def _show_names(self) -> None:
        """One row (first name, last name, email) per ticket while names are asked for."""
        shown = self.names_button.isChecked()
        self.names_panel.setVisible(shown)
        if not shown:
            return
        labels = self.ticket_labels()
        kept = [{k: f.text() for k, f in row.items()} for row in self.name_fields]
        clear_layout(self.names_grid)
        self.name_fields = []
        hints = {
            "first_name": self.tr("First name"),
            "last_name": self.tr("Last name"),
            "email": self.tr("Email (optional)"),
        }
        for row, label in enumerate(labels):
            self.names_grid.addWidget(QLabel(label, self.names_panel), row, 0)
            fields = {}
            for column, (key, hint) in enumerate(hints.items(), start=1):
                field = QLineEdit(self.names_panel)
                field.setObjectName(f"ticket{row + 1}:{key}")
                field.setPlaceholderText(hint)
                field.setAccessibleName(f"{label}: {hint}")
                if row < len(kept):
                    field.setText(kept[row][key])
                self.names_grid.addWidget(field, row, column)
                fields[key] = field
            self.name_fields.append(fields)

    def ticket_names(self) -> list[dict] | None:
        """The names given per ticket, or None when no ticket was named."""
        if not self.names_button.isChecked():
            return None
        names = [{k: f.text() for k, f in row.items()} for row in self.name_fields]
        return names if any(any(v.strip() for v in row.values()) for row in names) else None

    def update_total(self) -> None:
        count = sum(self.quantities().values())
        if self.performance is None:
            return
        if self.names_button.isChecked() and len(self.name_fields) != count:
            self._show_names()
        total = order_total(self.performance.price_levels, self.quantities(), self.payment())
        self.total_label.setText(self.tr("Total {total}").format(total=money(total)))
        if count == 0:
            self.sell_button.setText(self.tr("Sell"))
        else:
            tickets = self.tr("1 ticket") if count == 1 else self.tr("{n} tickets").format(n=count)
            self.sell_button.setText(
                self.tr("Sell {tickets} · {total}").format(tickets=tickets, total=money(total))
            )

    # -- selling ------------------------------------------------------------------------
    def clear_errors(self) -> None:
        self.walk_up.clear_errors()
        show_error(self.tickets_error, "")
        show_error(self.general_error, "")

    def sell(self) -> int | None:
        """Sell through the service on the writer worker (the dialog busy meanwhile);
        once recorded, show the codes and emit ``sold``. Returns the writer's job
        number (None: nothing was sent)."""
        if self.performance is None:
            return None
        self.clear_errors()
        quantities, payment = self.quantities(), self.payment()
        if not quantities:
            # checked here too, so a walk-up buyer is never registered without a sale
            self._show_domain_errors({"quantities": self.tr("Choose how many tickets to sell.")})
            return None
        app, runner, performance_id = self.app, self.runner, self.performance.id
        # what a printed ticket shows of the performance
        performance = asdict(self.performance)

        def prepare() -> Callable[[], tuple[Sold, str, list[dict]]] | None:
            command = choose()
            if command is None:
                return None

            def and_tickets() -> tuple[Sold, str, list[dict]]:
                result, buyer_name = command()
                tickets = ticket_dicts(app, performance, result.codes, buyer_name, result.order_id)
                return result, buyer_name, tickets

            return and_tickets

        def choose() -> Callable[[], tuple[Sold, str]] | None:
            """Read the form here, on the GUI thread; the command only takes values."""
            names = self.ticket_names()
            if self.mode == WALK_UP:
                values = self.walk_up.values()

                def walk_up() -> tuple[Sold, str]:
                    # Each named attendee is found or registered; the buyer keeps the order.
                    holders = holders_for(app, names, performance_id) if names else None
                    result = app.sell_to_walk_up(
                        performance_id, quantities, payment=payment, holders=holders, **values
                    )
                    found = runner.read(Permission.READ_PATRONS, directory.get, result.patron_id)
                    typed = (values["first_name"], values["last_name"])
                    buyer_name = (
                        found["name"] if found else " ".join(v.strip() for v in typed if v.strip())
                    )
                    return result, buyer_name

                return walk_up
            if self.mode == FIND:
                patron = self.finder.chosen()
                if patron is None:
                    show_error(
                        self.general_error,
                        self.tr(
                            "Pick the buyer in the list first, or use the walk-up form "
                            "to add someone new."
                        ),
                    )
                    self.finder.search_field.setFocus()
                    return None

                def to_patron() -> tuple[Sold, str]:
                    holders = holders_for(app, names, performance_id) if names else None
                    result = app.sell_tickets(
                        performance_id,
                        quantities,
                        patron_id=patron["id"],
                        payment=payment,
                        holders=holders,
                    )
                    return result, patron.get("name") or ""

                return to_patron

            def anonymous() -> tuple[Sold, str]:
                holders = holders_for(app, names, performance_id) if names else None
                sale = app.sell_tickets(
                    performance_id, quantities, payment=payment, holders=holders
                )
                return sale, ""

            return anonymous

        return submit_command(
            self,
            prepare,
            self._show_domain_errors,
            self.general_error,
            lambda sold: self._sold(sold[0], sold[1], sold[2], quantities, payment),
            {NotEnoughSeats: self._refused_for_seats},
            busy=(self.sell_button, self.cancel_button, self.form_page),
            busy_text=self.tr("Selling…"),
        )

    def _refused_for_seats(self, error: NotEnoughSeats) -> None:
        if error.left <= 0:
            message = self.tr("This performance is sold out: nothing was sold. Offer another date?")
        elif error.left == 1:
            message = self.tr(
                "Only 1 seat is left, and you asked for {wanted}. Nothing was sold: lower "
                "the number of tickets, or choose another date."
            ).format(wanted=error.wanted)
        else:
            message = self.tr(
                "Only {left} seats are left, and you asked for {wanted}. Nothing was "
                "sold: lower the number of tickets, or choose another date."
            ).format(left=error.left, wanted=error.wanted)
        show_error(self.tickets_error, message)
        if self.performance is not None:  # another workstation may just have sold:
            self._check_seats(self.performance.id)  # the count as it is now follows
        next(iter(self.spins.values())).setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_domain_errors(self, by_field: dict[str, str]) -> None:
        placed: dict[str, str] = {}
        unplaced: list[str] = []
        for key, message in by_field.items():
            if key == "quantities":
                show_error(self.tickets_error, message)
            elif key == "payment":
                unplaced.append(message)
            else:
                placed[key] = message
        if self.mode == WALK_UP:
            unplaced += self.walk_up.show_errors(placed)
            first = next(
                (k for k in ("first_name", "name", "last_name", "email", "phone") if k in placed),
                "",
            )
            target = {"name": "first_name"}.get(first, first)
            if target in self.walk_up.fields:
                self.walk_up.fields[target].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            unplaced += list(placed.values())
        show_error(self.general_error, " ".join(unplaced))
        if "quantities" in by_field and self.spins:
            next(iter(self.spins.values())).setFocus(Qt.FocusReason.OtherFocusReason)

    def _sold(
        self, result: Sold, buyer_name: str, tickets: list[dict], quantities: dict, payment: str
    ) -> None:
        for ticket, person in zip(tickets, self.ticket_names() or [], strict=False):
            named = " ".join(p.strip() for p in (person["first_name"], person["last_name"]))
            if named.strip():
                ticket["patron_name"] = named.strip()  # printed with its holder's name
        self.outcome = {**asdict(result), "tickets": tickets, "buyer_name": buyer_name}
        count = len(result.codes)
        what = self.tr("1 ticket") if count == 1 else self.tr("{n} tickets").format(n=count)
        self.done_title.setText(
            self.tr("✓ Sold {what} for {performance}").format(
                what=what,
                performance=performance_label(asdict(self.performance) if self.performance else {}),
            )
        )
        paid = {
            "cash": self.tr("paid in cash"),
            "card": self.tr("paid by card"),
            "complimentary": self.tr("complimentary"),
        }[payment]
        if isinstance(result, WalkUpSaleResult) and result.existing_patron:
            detail = self.tr(
                "{name} was already on file with this email or phone: the tickets are on "
                "their record. {total} {paid}."
            ).format(name=buyer_name, total=money(result.total_cents), paid=paid)
        elif self.mode == WALK_UP:
            detail = self.tr(
                "{name} is now a patron (walk-up), {total} {paid}. The sale is on their timeline."
            ).format(name=buyer_name, total=money(result.total_cents), paid=paid)
        elif buyer_name:
            detail = self.tr("To {name}, {total} {paid}. The sale is on their timeline.").format(
                name=buyer_name, total=money(result.total_cents), paid=paid
            )
        else:
            detail = self.tr("No name: {total} {paid}, counted as a lost contact.").format(
                total=money(result.total_cents), paid=paid
            )
        self.done_detail.setText(detail)
        self.tickets_ready.set_tickets(tickets)
        self.pages.setCurrentIndex(1)
        self.tickets_ready.print_button.setFocus()
        self.sold.emit(self.outcome)

    def sell_more(self) -> None:
        """Back to the form for the next buyer, on the same performance."""
        for spin in self.spins.values():
            spin.setValue(0)
        self.name_fields = []
        self.names_button.setChecked(False)
        self.walk_up.clear()
        self.finder.search_field.clear()
        self.finder.model.set_rows([])
        self.outcome = None
        self.pages.setCurrentIndex(0)
        self._load_performance()
        self.set_mode(WALK_UP)
