"""Reports for the manager. First: contact capture, the lost walk-ups of the seeds.

A walk-up buyer whose name we never learn is a relationship we cannot start:
this report counts, per performance, the orders whose buyer we know, the
walk-ups captured at the window and the anonymous sales (lost contacts).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.export import add_export
from desktop.models.base import SortProxy
from desktop.models.contact_capture_table import ContactCaptureModel
from desktop.views.widgets import heading, size_columns, table_view
from projections import box_office


class ReportsView(QWidget):
    #: a CSV file was written (path), for the status bar
    exported = Signal(str)

    def __init__(self, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("reports")

        intro = QLabel(
            self.tr(
                "Contact capture: for each performance, how many buyers we know by name, "
                "how many walk-ups were captured at the window, and how many tickets were "
                "sold without a name. Those are lost contacts: nobody can thank them or "
                "welcome them back."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        self.summary = QLabel(self)
        self.summary.setObjectName("subheading")
        self.summary.setWordWrap(True)

        self.model = ContactCaptureModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("contactCapture")
        self.table.setModel(self.proxy)
        c = ContactCaptureModel
        size_columns(self.table, {c.WHEN: 200, c.ORDERS: 70, c.TICKETS: 70, c.REVENUE: 100,
                                  c.KNOWN: 120, c.WALK_UPS: 95, c.LOST: 70, c.SHARE: 115},
                     stretch=c.TITLE)  # fmt: skip
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_action = add_export(
            self.table,
            self.export_button,
            suggested_name=self.tr("contact-capture") + ".csv",
            on_done=lambda path: self.exported.emit(str(path)),
        )

        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Reports"), self))
        top.addStretch(1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        rows = box_office.contact_capture(self.runner.db())
        self.model.set_rows(rows)
        orders = sum(r["orders"] for r in rows)
        lost = sum(r["lost"] for r in rows)
        walk_ups = sum(r["walk_ups"] for r in rows)
        if not orders:
            self.summary.setText(self.tr("No sales yet."))
            return
        known = sum(r["known"] for r in rows)
        self.summary.setText(
            self.tr(
                "{orders} orders: {share} of buyers known, {walk_ups} walk-ups captured, "
                "{lost} lost contacts."
            ).format(
                orders=f"{orders:,}",
                share=f"{known / orders:.0%}",
                walk_ups=f"{walk_ups:,}",
                lost=f"{lost:,}",
            )
        )
