"""Tickets just sold or exchanged: their codes, and print or save them as PDF.

The printing itself lives in ``desktop.ticket_printing`` (loaded on first use,
so the PDF libraries never slow down start-up).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def ticket_dicts(
    app, performance: dict, codes: list[str], patron_name: str, order_id: str
) -> list[dict]:
    """What a printed ticket shows, for each code (price level and price from the service)."""
    tickets = []
    for code in codes:
        ticket = app.get_ticket(code)
        tickets.append(
            {
                "code": code,
                "title": performance.get("title") or "",
                "starts_at": performance.get("starts_at") or "",
                "venue": performance.get("venue") or "",
                "price_level": ticket.price_level if ticket else "",
                "price_cents": ticket.price_cents if ticket else 0,
                "patron_name": patron_name,
                "order_id": order_id,
            }
        )
    return tickets


def printable(performance: dict, rows: list[dict], patron_name: str) -> list[dict]:
    """Ticket rows of the read model as printed tickets."""
    return [
        {
            "code": row["code"],
            "title": performance.get("title") or "",
            "starts_at": performance.get("starts_at") or "",
            "venue": performance.get("venue") or "",
            "price_level": row.get("price_level") or "",
            "price_cents": int(row.get("price_cents") or 0),
            "patron_name": patron_name,
            "order_id": row.get("order_id") or "",
        }
        for row in rows
    ]


def background_of(widget: QWidget | None):
    """The window's background runner (printing and PDFs run off the GUI thread)."""
    while widget is not None:
        runner = getattr(widget, "background", None)
        if runner is not None:
            return runner
        widget = widget.parentWidget()
    return None


def print_tickets(parent: QWidget, tickets: list[dict]) -> None:
    from desktop import ticket_printing

    ticket_printing.print_tickets(parent, tickets, runner=background_of(parent))


def save_tickets(parent: QWidget, tickets: list[dict], on_done=None) -> None:
    from desktop import ticket_printing

    ticket_printing.save_tickets_dialog(
        parent, tickets, runner=background_of(parent), on_done=on_done
    )


class TicketsReady(QWidget):
    """The codes in large, clear type, with Print tickets… and Save as PDF…."""

    #: (kind, tickets) after a print or save was started, kind "print" or "pdf"
    handed_out = Signal(str, list)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tickets: list[dict] = []
        self.codes_label = QLabel(self)
        self.codes_label.setObjectName("ticketCodes")
        self.codes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(13)
        self.codes_label.setFont(mono)
        self.codes_label.setWordWrap(True)
        self.print_button = QPushButton(self.tr("Print tickets…"), self)
        self.print_button.setObjectName("primaryButton")
        self.print_button.clicked.connect(self.print_)
        self.pdf_button = QPushButton(self.tr("Save as PDF…"), self)
        self.pdf_button.clicked.connect(self.save_pdf)

        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.codes_label)
        layout.addLayout(buttons)

    def set_tickets(self, tickets: list[dict]) -> None:
        self.tickets = list(tickets)
        self.codes_label.setText(
            "\n".join(
                f"{t['code']}   {t['price_level']}" if t.get("price_level") else t["code"]
                for t in self.tickets
            )
        )

    def codes(self) -> list[str]:
        return [t["code"] for t in self.tickets]

    def print_(self) -> None:
        print_tickets(self.window(), self.tickets)
        self.handed_out.emit("print", self.tickets)

    def save_pdf(self) -> None:
        save_tickets(self.window(), self.tickets)
        self.handed_out.emit("pdf", self.tickets)
