"""How the loyalty ladder's rungs read on screen (one place for every view)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from domain import loyalty


def rung_label(rung: str) -> str:
    tr = QCoreApplication.translate
    return {
        loyalty.PROSPECT: tr("Loyalty", "New patron"),
        loyalty.TRYER: tr("Loyalty", "Tryer"),
        loyalty.BUYER: tr("Loyalty", "Buyer"),
        loyalty.ADVOCATE: tr("Loyalty", "Advocate"),
        loyalty.LAPSED: tr("Loyalty", "Lapsed"),
    }.get(rung, rung)
