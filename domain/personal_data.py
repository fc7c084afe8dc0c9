"""Where personal data lives in the event store.

Events are immutable, so personal data is confined to a few known fields of a
few known events. Erasure (issue 9) rewrites exactly these fields of the
stored payloads in place and compacts the files, so names, contact details and
free text become unrecoverable while counts and revenue (which never live in
these fields) stay true. Keep this table complete when adding events.
"""

from __future__ import annotations

#: event class name -> the payload fields that hold personal data
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "Patron.Registered": (
        "first_name", "last_name", "email", "phone", "address", "household", "preferred_name",
    ),  # fmt: skip
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
    "ContactKey.Opened": (),
    "ContactKey.Claimed": (),
    "ContactKey.Released": (),
    # Box office: references to patrons by id only, never their details.
    "Production.Created": (),
    "Production.Renamed": (),
    "Performance.Scheduled": (),
    "Performance.SeatsTaken": (),
    "Performance.SeatsReleased": (),
    "Performance.CapacityChanged": (),
    "Performance.Rescheduled": (),
    "Performance.VenueChanged": (),
    "Performance.PricesChanged": (),
    "Exchange.Made": (),
    "Ticket.Issued": (),
    "Ticket.Refunded": (),
    "Ticket.Exchanged": (),
    "Order.Placed": (),
    "Order.Refunded": (),
    # Subscriptions, memberships, donations: patron ids and amounts only.
    "Subscription.Purchased": (),
    "Subscription.Refunded": (),
    "Membership.Started": (),
    "Donation.Received": (),
    "Donation.Acknowledged": (),
    # The door: ticket codes and door names only; the patron is known by the ticket.
    "Ticket.Admitted": (),
    "Ticket.AdmissionUndone": ("reason",),  # free text a volunteer typed
    "DoorScan.Recorded": (),
    # Calls, chats, follow-ups: free text and the chat visitor's contact details.
    "Call.Logged": ("reason", "notes"),
    "FollowUp.Scheduled": ("text",),
    "FollowUp.Done": (),
    "FollowUp.Undone": (),
    "Chat.Imported": ("subject", "visitor_name", "visitor_email", "visitor_phone", "messages"),
    "Chat.Linked": (),
    "Chat.NoteAdded": ("text",),
    # Quick answers are the organization's own wording, shared by every workstation.
    "QuickAnswer.Added": (),
    "QuickAnswer.Edited": (),
    "QuickAnswer.Removed": (),
}
