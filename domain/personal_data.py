"""Where personal data lives in the event store.

Events are immutable, so personal data is confined to a few known fields of a
few known events. Erasure (issue 9) rewrites exactly these fields of the
stored payloads in place and compacts the files, so names, contact details and
free text become unrecoverable while counts and revenue (which never live in
these fields) stay true. Keep this table complete when adding events.
"""

from __future__ import annotations

from typing import Any, cast

#: event class name -> the payload fields that hold personal data
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "Patron.Registered": (
        "first_name",
        "last_name",
        "email",
        "phone",
        "address",
        "household",
        "preferred_name",
    ),
    "Patron.ContactChanged": ("changes",),
    "Patron.HouseholdNoteSet": ("text",),
    "Patron.NoteAdded": ("text",),
    "Patron.TagsChanged": (),
    # Merging duplicates: patron ids only.
    "Patron.MergedInto": (),
    "Patron.Absorbed": (),
    "Patron.Unmerged": (),
    "Patron.Separated": (),
    "DuplicatePair.Dismissed": (),
    "DuplicatePair.DismissedAgain": (),
    "DuplicatePair.Reopened": (),
    "Patron.Thanked": (),  # channel, reason and a performance or donation id
    "Patron.Erased": (),  # who erased and when; no personal data
    "ContactKey.Opened": (),
    "ContactKey.Claimed": (),
    "ContactKey.Released": (),
    # Box office: references to patrons by id only, never their details.
    "Production.Created": (),
    "Production.Renamed": (),
    "Performance.Scheduled": (),
    "Performance.SeatsTaken": (),
    "Performance.SeatsTakenTogether": (),
    "Performance.SeatsReleased": (),
    "Performance.CapacityChanged": (),
    "Performance.Rescheduled": (),
    "Performance.VenueChanged": (),
    "Performance.PricesChanged": (),
    "Exchange.Made": (),
    "Ticket.Issued": (),
    "Ticket.Refunded": (),
    "Ticket.Exchanged": (),
    "Ticket.CodeReplaced": (),
    "Order.Placed": (),
    "Order.Refunded": (),
    # Subscriptions, memberships, donations: patron ids and amounts only.
    "Subscription.Purchased": (),
    "Subscription.Refunded": (),
    "Membership.Started": (),
    "Donation.Received": (),
    "Donation.Acknowledged": (),
    # Staff accounts: a staff member's name (never erased with a patron); hashes only.
    "StaffMember.Created": ("name",),
    "StaffMember.RoleChanged": (),
    "StaffMember.PasswordSet": (),
    "StaffMember.PinSet": (),
    "StaffMember.Deactivated": (),
    "StaffMember.SignInFailed": (),
    "StaffMember.SignedInAfterFailures": (),
    "StaffMember.Unlocked": (),
    "StaffRoster.Opened": (),
    "StaffRoster.MemberAdded": (),
    # The door: ticket codes and door names only; the patron is known by the ticket.
    "Ticket.Admitted": (),
    "Ticket.DoubleEntryRecorded": (),  # ticket code, doors, workstations and times
    "Ticket.AdmissionUndone": ("reason",),  # free text a volunteer typed
    "DoorScan.Recorded": (),
    # Calls, chats, follow-ups: free text and the chat visitor's contact details.
    "Call.Logged": ("reason", "notes"),
    "FollowUp.Scheduled": ("text",),
    "FollowUp.Done": (),
    "FollowUp.Undone": (),
    "FollowUp.Assigned": (),  # a staff member's or volunteer's name, never a patron's
    # In a chat's messages, who wrote (name) and what (text); when and which side stay.
    "Chat.Imported": (
        "subject",
        "visitor_name",
        "visitor_email",
        "visitor_phone",
        "messages.name",
        "messages.text",
    ),
    "Chat.Linked": (),
    "Chat.NoteAdded": ("text",),
    # The organization's own answers (name, country, time zone, currency): no patron's.
    "Organization.Configured": (),
    "Organization.Changed": (),
    # The duty rota: staff and volunteers on duty (never erased with a patron).
    "Rota.Opened": (),
    "Rota.SlotAdded": ("name",),
    "Rota.SlotRemoved": (),
    # Quick answers are the organization's own wording, shared by every workstation.
    "QuickAnswer.Added": (),
    "QuickAnswer.Edited": (),
    "QuickAnswer.Removed": (),
}


#: Aggregates whose first event does not name a patron but that can belong to one.
#: ``OWNER_FIELDS``: events that hand the aggregate to a patron (the latest decides,
#: so a chat linked to the wrong patron and then corrected goes with the right one).
OWNER_FIELDS: dict[str, str] = {"Chat.Linked": "patron_id"}
#: ``VISITOR_CONTACT_FIELDS``: the email and phone of an aggregate no patron owns yet
#: (a chat nobody linked); it is the erased patron's when they ever had that email or phone.
VISITOR_CONTACT_FIELDS: dict[str, tuple[str, str]] = {
    "Chat.Imported": ("visitor_email", "visitor_phone"),
}


#: what a redacted text field holds from then on (also a valid name for the constructors)
ERASED = "[erased]"


def event_name(topic: str) -> str:
    """'Patron.Registered' from a stored topic such as 'domain.patron:Patron.Registered'."""
    from eventsourcing.utils import TopicError, resolve_topic

    try:
        name: str = resolve_topic(topic).__qualname__
        return name
    except TopicError:
        return topic.rsplit(":", 1)[-1]


def personal_fields(name: str) -> tuple[str, ...]:
    """The personal fields of an event; an event missing from the table has none listed."""
    return PERSONAL_FIELDS.get(name, ())


def redact_value(value: object) -> object:
    """Text becomes the marker (empty text stays empty); containers keep their shape.

    Yes/no values and numbers are not personal (an email-consent flag, say), so they
    stay; a dict of contact changes keeps its keys, so the timeline can still say
    *which* details changed.
    """
    if isinstance(value, str):
        return ERASED if value else ""
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item) for item in value)
    return value


def _redact_path(value: object, path: list[str]) -> object:
    """Redact ``value`` at ``path`` ('messages.text': the text of every message)."""
    if not path:
        return redact_value(value)
    if isinstance(value, list | tuple):
        return type(value)(_redact_path(item, path) for item in value)
    if isinstance(value, dict) and path[0] in value:
        return {**value, path[0]: _redact_path(value[path[0]], path[1:])}
    return value


def redact_state(name: str, state: dict[str, Any]) -> dict[str, Any] | None:
    """A stored event's state with its personal fields redacted; None when nothing changes.

    A field is a key of the state, or a dotted path into it ('messages.text': the
    ``text`` of each item of the ``messages`` list), so the shape and the
    non-personal parts (when a message was sent) stay readable.
    """
    redacted: object = state
    for field in personal_fields(name):
        redacted = _redact_path(redacted, field.split("."))
    # redaction keeps the shape: a dict stays a dict with the same keys
    return cast(dict[str, Any], redacted) if redacted != state else None


def mentions(value: object, patron_id: str) -> bool:
    """Whether a decoded event state refers to the patron (by id, anywhere in it)."""
    if isinstance(value, dict):
        return any(mentions(v, patron_id) for v in value.values())
    if isinstance(value, list | tuple):
        return any(mentions(v, patron_id) for v in value)
    return (
        value is not None
        and not isinstance(value, bool | int | float)
        and (str(value) == patron_id)
    )
