"""The audit view (managers only): who did what, when, from which workstation.

Sortable by every column, filtered as you type (staff member, workstation or
action), exported to CSV like every table.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop import formatting
from desktop.export import add_export
from desktop.models.audit_table import AuditModel
from desktop.models.base import SortProxy
from desktop.views.widgets import heading, moment_width, size_columns, table_view
from domain.roles import Permission
from projections import audit
from projections.runner import ReadModelRunner

#: rows shown at most (the newest); the filter reaches further back
LIMIT = 5000


class AuditView(QWidget):
    exported = Signal(str)

    def __init__(self, runner: ReadModelRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("audit")
        intro = QLabel(
            self.tr(
                "Every change recorded in Houselights: when, by whom, from which "
                "workstation. Type a name, a workstation or an action to narrow the list."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        self.filter_field = QLineEdit(self)
        self.filter_field.setObjectName("auditFilter")
        self.filter_field.setPlaceholderText(self.tr("Filter: staff member, workstation, action"))
        self.filter_field.setClearButtonEnabled(True)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(150)
        self._typing.timeout.connect(self.refresh)
        self.filter_field.textChanged.connect(lambda _text: self._typing.start())
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")

        self.model = AuditModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = table_view(self)
        self.table.setObjectName("auditTable")
        self.table.setModel(self.proxy)
        m = AuditModel
        when = moment_width(self.table)
        size_columns(
            self.table,
            {m.WHEN: when, m.WHO: 150, m.WORKSTATION: 130, m.SUBJECT: 240},
            stretch=m.ACTION,
        )
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_action = add_export(
            self.table,
            self.export_button,
            suggested_name=self.tr("audit") + ".csv",
            on_done=lambda path: self.exported.emit(str(path)),
        )

        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Audit"), self))
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.filter_field)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        rows = self.runner.read(
            Permission.SEE_AUDIT, audit.rows, self.filter_field.text(), limit=LIMIT
        )
        self.model.names = self.runner.read(
            Permission.SEE_AUDIT, audit.subject_names, [r["subject"] for r in rows]
        )
        self.model.set_rows(rows)
        self.count_label.setText(
            self.count_words(len(rows), self.runner.read(Permission.SEE_AUDIT, audit.count))
        )

    def count_words(self, shown: int, total: int) -> str:
        """'1 action', '312 actions', or 'The newest 5,000 of 48,210 actions' (the display
        cap is never shown as a total)."""
        n = formatting.number
        if shown >= LIMIT and self.filter_field.text().strip():
            return self.tr("The newest {shown} that match; type more to narrow").format(
                shown=n(shown)
            )
        if shown >= LIMIT and total > shown:
            return self.tr("The newest {shown} of {total} actions").format(
                shown=n(shown), total=n(total)
            )
        return self.tr("1 action") if shown == 1 else self.tr("{n} actions").format(n=n(shown))
