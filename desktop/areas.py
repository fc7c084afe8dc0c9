"""The areas of the main window, declared once: title, who sees them, their help page.

The navigation, the role check, the refresh of the area on screen and F1 all
read this list; a new area is one more entry here and one page in the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QCoreApplication

from domain.roles import BOX_OFFICE as BOX_OFFICE_ROLE
from domain.roles import DOOR as DOOR_ROLE
from domain.roles import MANAGER

PATRONS, FOLLOW_UPS, BOX_OFFICE, DOOR, THANK_YOUS = (
    "patrons",
    "follow_ups",
    "box_office",
    "door",
    "thank_yous",
)
LADDER, REPORTS, DUPLICATES, SETTINGS, AUDIT = (
    "ladder",
    "reports",
    "duplicates",
    "settings",
    "audit",
)

OFFICE = frozenset({MANAGER, BOX_OFFICE_ROLE})


class ShowsAreas(Protocol):
    """The main window, as those that only ask which area it shows see it."""

    def current_area(self) -> str: ...


@runtime_checkable
class Refreshing(Protocol):
    """The page of an area that ``refreshes``: it reloads from the read models."""

    def refresh(self) -> object: ...


@dataclass(frozen=True)
class Area:
    key: str
    #: the navigation's words (translated in the "MainWindow" context)
    title: str
    #: the staff roles that see it (the service enforces what each may do)
    roles: frozenset[str]
    #: its page of the user guide (docs/guide/<page>.md), opened by F1
    help_page: str
    #: whether its page reloads from the read models when they change
    refreshes: bool = True

    def label(self) -> str:
        return QCoreApplication.translate("MainWindow", self.title)


AREA_LIST = (
    Area(PATRONS, "Patrons", OFFICE, "patrons"),
    Area(FOLLOW_UPS, "Follow-ups", OFFICE, "calls-and-chats"),
    Area(BOX_OFFICE, "Box office", OFFICE, "box-office"),
    Area(DOOR, "Door", OFFICE | {DOOR_ROLE}, "door"),
    Area(THANK_YOUS, "Thank-yous", OFFICE, "thank-yous"),
    Area(LADDER, "Loyalty ladder", OFFICE, "loyalty-ladder"),
    Area(REPORTS, "Reports", OFFICE, "reports"),
    Area(DUPLICATES, "Duplicates", OFFICE, "duplicates"),
    Area(SETTINGS, "Settings", OFFICE, "settings", refreshes=False),
    Area(AUDIT, "Audit", frozenset({MANAGER}), "staff-and-roles"),
)
#: the area keys in navigation order
AREAS = tuple(area.key for area in AREA_LIST)
BY_KEY = {area.key: area for area in AREA_LIST}


def areas_for(role: str | None) -> set[str]:
    """The areas a staff role sees (none for nobody signed in)."""
    return {area.key for area in AREA_LIST if role in area.roles}
