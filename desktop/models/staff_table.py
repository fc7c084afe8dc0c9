"""Staff accounts as a table: name, role, how they sign in, active or not.

Its rows are the service's ``StaffInfo`` (``domain/staff_service.py``), not dicts."""

from __future__ import annotations

from desktop.models.base import RowTableModel
from domain.roles import ROLE_LABELS
from domain.staff_service import StaffInfo


class StaffModel(RowTableModel):
    NAME, ROLE, SIGN_IN, STATE = range(4)

    def headers(self) -> list[str]:
        return [self.tr("Name"), self.tr("Role"), self.tr("Signs in with"), self.tr("Account")]

    def display(self, row: StaffInfo, column: int) -> str:  # type: ignore[override]
        if column == self.NAME:
            return row.name
        if column == self.ROLE:
            return self.tr(ROLE_LABELS.get(row.role, row.role))
        if column == self.SIGN_IN:
            ways = [self.tr("password")] if row.has_password else []
            ways += [self.tr("door PIN")] if row.has_pin else []
            return self.tr(" or ").join(ways)
        if column == self.STATE:
            if not row.active:
                return self.tr("Deactivated")
            return self.tr("Locked") if row.locked else self.tr("Active")
        return ""
