"""Event names in plain words, for the audit view and for messages."""

from __future__ import annotations

import re

#: where the generic wording ("Ticket: admission undone") would read badly
WORDS = {
    "Patron.Registered": "Patron registered",
    "Patron.Erased": "Patron's personal data erased",
    "DoorScan.Recorded": "Door scan refused or repeated",
    "Ticket.Admitted": "Ticket admitted at the door",
    "Order.Placed": "Tickets sold",
    "StaffMember.Created": "Staff account created",
    "StaffMember.PasswordSet": "Staff password set",
    "StaffMember.PinSet": "Door PIN set",
    "StaffRoster.Opened": "Staff accounts started",
    "StaffRoster.MemberAdded": "Staff account listed",
    "Call.Logged": "Call logged",
    "Chat.Imported": "Chat imported",
    "Chat.Linked": "Chat linked to a patron",
    "Chat.NoteAdded": "Note added to a chat",
    "FollowUp.Scheduled": "Follow-up scheduled",
    "FollowUp.Assigned": "Follow-up assigned to the next on duty",
    "Rota.Opened": "Duty rota started",
    "Rota.SlotAdded": "Put on the duty rota",
    "Rota.SlotRemoved": "Taken off the duty rota",
    "Patron.MergedInto": "Patron record merged into another",
    "Patron.Absorbed": "Patron record took in a duplicate",
}

_WORD = re.compile(r"[A-Z][a-z]*|[a-z]+|\d+")


def plain_words(event_name: str) -> str:
    """'Ticket.AdmissionUndone' -> 'Ticket: admission undone'."""
    if event_name in WORDS:
        return WORDS[event_name]
    thing, _, what = event_name.partition(".")
    thing_words = " ".join(_WORD.findall(thing)).capitalize()
    what_words = " ".join(w.lower() for w in _WORD.findall(what))
    return f"{thing_words}: {what_words}" if what_words else thing_words
