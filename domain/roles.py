"""Who may record what: staff roles and the events each role may append (issue 9).

The application service checks every aggregate it saves against this table
(``Houselights._check_allowed``), so a role is enforced wherever a command comes
from -- a window, the command line, an import -- not only by hidden buttons.
The table is by event name, so a new event is covered by the rule for its kind.
"""

from __future__ import annotations

MANAGER = "manager"
BOX_OFFICE = "box_office"
DOOR = "door"

#: role -> words a volunteer understands
ROLE_LABELS = {MANAGER: "Manager", BOX_OFFICE: "Box office", DOOR: "Door volunteer"}
ROLES = tuple(ROLE_LABELS)

#: what the door records: scans (admitted or refused) and undoing an admission
DOOR_EVENTS = frozenset({"Ticket.Admitted", "Ticket.AdmissionUndone", "DoorScan.Recorded"})

#: only a manager manages staff accounts, the duty rota, and erases personal data
MANAGER_ONLY_AGGREGATES = frozenset({"StaffMember", "StaffRoster", "Rota"})
MANAGER_ONLY_EVENTS = frozenset({"Patron.Erased"})


def may_record(role: str | None, event_name: str) -> bool:
    """Whether someone in ``role`` may append an event named ``event_name``."""
    if role == MANAGER:
        return True
    if role == DOOR:
        return event_name in DOOR_EVENTS
    if role == BOX_OFFICE:
        aggregate = event_name.split(".", 1)[0]
        return aggregate not in MANAGER_ONLY_AGGREGATES and event_name not in MANAGER_ONLY_EVENTS
    return False


def check_role(role: str) -> str:
    from domain.errors import ValidationError

    role = (role or "").strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {"box": BOX_OFFICE, "boxoffice": BOX_OFFICE, "volunteer": DOOR,
               "door_volunteer": DOOR}  # fmt: skip
    role = aliases.get(role, role)
    if role not in ROLES:
        raise ValidationError(
            "role", "Choose a role: manager, box_office or door (door volunteer)."
        )
    return role
