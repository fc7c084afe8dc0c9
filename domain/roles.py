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

#: a sign-in attempt is recorded whoever (or nobody) is signed in: the audit shows
#: wrong passwords, and the count of them throttles the next try (issue 19)
SIGN_IN_EVENTS = frozenset({"StaffMember.SignInFailed", "StaffMember.SignedInAfterFailures"})

#: only a manager manages staff accounts, the duty rota, the organization's answers
#: (name, country, time zone, currency), and erases personal data
MANAGER_ONLY_AGGREGATES = frozenset({"StaffMember", "StaffRoster", "Rota", "Organization"})
MANAGER_ONLY_EVENTS = frozenset({"Patron.Erased"})


def may_record(role: str | None, event_name: str) -> bool:
    """Whether someone in ``role`` may append an event named ``event_name``."""
    if event_name in SIGN_IN_EVENTS:
        return True
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
    aliases = {
        "box": BOX_OFFICE,
        "boxoffice": BOX_OFFICE,
        "volunteer": DOOR,
        "door_volunteer": DOOR,
    }
    role = aliases.get(role, role)
    if role not in ROLES:
        raise ValidationError(
            "role", "Choose a role: manager, box_office or door (door volunteer)."
        )
    return role


class Permission:
    """What a service method or a command needs (issue 19): declared on each one
    (``@command(Permission.SELL)``, ``@reads(Permission.READ_PATRONS)``) and checked by
    ``Access.require`` in the service, for reads as for writes."""

    ANYONE = "anyone"  # signing in, asking who is signed in
    SEE_STATUS = "see_status"  # counts and positions: no personal data
    SEE_PERFORMANCES = "see_performances"  # titles, times, seats sold
    DOOR_CHECK = "door_check"  # scan a ticket, undo an admission
    READ_PATRONS = "read_patrons"  # names, contact details, timelines, chats, donations
    EDIT_PATRONS = "edit_patrons"  # register, contact details, notes, calls, chats, merges
    READ_TICKETS = "read_tickets"  # who holds which ticket
    SELL = "sell"  # tickets, subscriptions, memberships, donations, refunds, exchanges
    PROGRAMME = "programme"  # productions and performances
    THANK = "thank"
    IMPORT = "import"
    READ_REPORTS = "read_reports"  # ladder, attendance, thank-yous, duplicates
    BACKUP = "backup"  # a copy of the event store
    MANAGE_STAFF = "manage_staff"  # accounts, roles, PINs, lifting a lockout
    MANAGE_ROTA = "manage_rota"  # who is on chat and phone duty
    SEE_STAFF = "see_staff"  # the accounts' names and roles (to put someone on duty)
    READ_SUPPORT = "read_support"  # the patron support report
    SEE_AUDIT = "see_audit"
    ERASE = "erase"
    #: manager-only because each hands over (or replaces) everything at once
    RESTORE = "restore"
    EXPORT_KEY = "export_key"
    REBUILD = "rebuild"
    BACKUP_READ_MODELS = "backup_read_models"  # every contact detail, in one file
    LIST_BACKUPS = "list_backups"
    DEMO = "demo"
    ORGANIZATION = "organization"  # its name, country, time zone and currency


_EVERYONE = {Permission.SEE_STATUS, Permission.SEE_PERFORMANCES, Permission.DOOR_CHECK}
_OFFICE = _EVERYONE | {
    Permission.READ_PATRONS,
    Permission.EDIT_PATRONS,
    Permission.READ_TICKETS,
    Permission.SELL,
    Permission.PROGRAMME,
    Permission.THANK,
    Permission.IMPORT,
    Permission.READ_REPORTS,
    Permission.BACKUP,
    Permission.LIST_BACKUPS,
    Permission.READ_SUPPORT,
    Permission.SEE_STAFF,
}
_MANAGER = _OFFICE | {
    Permission.MANAGE_STAFF,
    Permission.SEE_AUDIT,
    Permission.ERASE,
    Permission.RESTORE,
    Permission.EXPORT_KEY,
    Permission.REBUILD,
    Permission.BACKUP_READ_MODELS,
    Permission.DEMO,
    Permission.MANAGE_ROTA,
    Permission.ORGANIZATION,
}

#: role -> what it may do (nobody signed in, on a store with accounts: nothing)
PERMISSIONS: dict[str, frozenset[str]] = {
    MANAGER: frozenset(_MANAGER),
    BOX_OFFICE: frozenset(_OFFICE),
    DOOR: frozenset(_EVERYONE),
}

#: what each permission is, in words for "your account cannot ..." messages
PERMISSION_WORDS = {
    Permission.SEE_STATUS: "see the store's status",
    Permission.SEE_PERFORMANCES: "see the performances",
    Permission.DOOR_CHECK: "check tickets at the door",
    Permission.READ_PATRONS: "look up patrons",
    Permission.EDIT_PATRONS: "change patron records",
    Permission.READ_TICKETS: "see who holds which ticket",
    Permission.SELL: "sell or refund",
    Permission.PROGRAMME: "change productions and performances",
    Permission.THANK: "thank patrons",
    Permission.IMPORT: "import sales or chats",
    Permission.READ_REPORTS: "see the reports",
    Permission.BACKUP: "make a backup",
    Permission.MANAGE_STAFF: "manage staff accounts",
    Permission.MANAGE_ROTA: "change the duty rota",
    Permission.SEE_STAFF: "see the staff accounts",
    Permission.READ_SUPPORT: "see the patron support report",
    Permission.SEE_AUDIT: "see the audit trail",
    Permission.ERASE: "erase personal data",
    Permission.RESTORE: "restore a backup",
    Permission.EXPORT_KEY: "export the encryption key",
    Permission.REBUILD: "rebuild the read models",
    Permission.BACKUP_READ_MODELS: "back up the read models (every contact detail)",
    Permission.LIST_BACKUPS: "list the backups",
    Permission.DEMO: "add the demo organization",
    Permission.ORGANIZATION: "change the organization's settings",
}


def has_permission(role: str | None, permission: str) -> bool:
    return permission in PERMISSIONS.get(role or "", frozenset())
