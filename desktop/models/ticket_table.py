"""The tickets of one performance: code, buyer, price level, price, status."""

from __future__ import annotations

from typing import Any

from desktop.formatting import local_moment, money
from desktop.models.base import RowTableModel


class TicketTableModel(RowTableModel):
    CODE, BUYER, LEVEL, PRICE, STATUS, SOLD_AT = range(6)
    id_key = "code"

    def headers(self) -> list[str]:
        return [
            self.tr("Ticket code"),
            self.tr("Buyer"),
            self.tr("Price level"),
            self.tr("Price"),
            self.tr("Status"),
            self.tr("Sold"),
        ]

    def status_label(self, status: str) -> str:
        return {
            "valid": self.tr("Valid"),
            "refunded": self.tr("Refunded"),
            "exchanged": self.tr("Exchanged"),
            "replaced": self.tr("Code replaced"),
            "admitted": self.tr("Came in"),
        }.get(status, (status or "").capitalize())

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_sold"] = local_moment(row.get("issued_at"))
        row["_status"] = self.status_label(row.get("status") or "")
        if row.get("waiting") and row.get("status") == "admitted":
            row["_status"] = self.tr("Came in (not sent)")
        if not row.get("buyer"):
            row["buyer"] = self.tr("No name (lost contact)") if not row.get("patron_id") else ""
        return row

    def tooltip(self, row: dict, column: int) -> str | None:
        if column == self.STATUS and row.get("waiting") and row.get("status") == "admitted":
            return self.tr(
                "Admitted at this workstation's door while the server did not answer; "
                "waiting to be sent to it"
            )
        return None

    def display(self, row: dict, column: int) -> str:
        if column == self.CODE:
            return row.get("code") or ""
        if column == self.BUYER:
            return row.get("buyer") or ""
        if column == self.LEVEL:
            return row.get("price_level") or ""
        if column == self.PRICE:
            return money(row.get("price_cents") or 0)
        if column == self.STATUS:
            return row["_status"]
        if column == self.SOLD_AT:
            return row["_sold"]
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.PRICE:
            return int(row.get("price_cents") or 0)
        if column == self.SOLD_AT:
            return row.get("issued_at") or ""
        return super().sort_value(row, column)
