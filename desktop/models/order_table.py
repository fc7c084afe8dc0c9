"""A patron's purchases: one row per order, newest first."""

from __future__ import annotations

from typing import Any

from desktop import formatting
from desktop.formatting import money
from desktop.models.base import RowTableModel


class OrderTableModel(RowTableModel):
    PERFORMANCE, DATE, TICKETS, TOTAL, STATUS, PAYMENT = range(6)
    id_key = "order_id"

    def headers(self) -> list[str]:
        return [
            self.tr("Performance"),
            self.tr("Date"),
            self.tr("Tickets"),
            self.tr("Total"),
            self.tr("Status"),
            self.tr("Paid by"),
        ]

    def status(self, row: dict) -> str:
        refunded = int(row.get("refunded_cents") or 0)
        total = int(row.get("total_cents") or 0)
        status = row.get("status")
        if status == "exchanged":
            return self.tr("Exchanged")
        if refunded and refunded >= total:
            return self.tr("Refunded")
        if refunded:
            return self.tr("Partly refunded ({amount})").format(amount=money(refunded))
        if status == "refunded":
            return self.tr("Refunded")
        return self.tr("Paid")

    def payment_label(self, payment: str) -> str:
        return {
            "cash": self.tr("Cash"),
            "card": self.tr("Card"),
            "complimentary": self.tr("Complimentary"),
        }.get(payment, (payment or "").capitalize())

    def prepare(self, row: dict) -> dict:
        row = dict(row)
        row["_date"] = formatting.moment(row.get("starts_at"), weekday=False)
        row["_status"] = self.status(row)
        row["_payment"] = self.payment_label(row.get("payment") or "")
        return row

    def display(self, row: dict, column: int) -> str:
        if column == self.PERFORMANCE:
            return row.get("title") or ""
        if column == self.DATE:
            return row["_date"]
        if column == self.TICKETS:
            return str(row.get("quantity") or 0)
        if column == self.TOTAL:
            return money(row.get("total_cents") or 0)
        if column == self.STATUS:
            return row["_status"]
        if column == self.PAYMENT:
            return row["_payment"]
        return ""

    def sort_value(self, row: dict, column: int) -> Any:
        if column == self.DATE:
            return row.get("starts_at") or ""
        if column == self.TICKETS:
            return int(row.get("quantity") or 0)
        if column == self.TOTAL:
            return int(row.get("total_cents") or 0)
        return super().sort_value(row, column)

    def tooltip(self, row: dict, column: int) -> str | None:
        codes = row.get("codes")
        if codes and column in (self.PERFORMANCE, self.TICKETS):
            return ", ".join(codes) if isinstance(codes, list) else str(codes)
        return None
