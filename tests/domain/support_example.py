"""A hand-computed week at the support desk (London, summer time: UTC+1).

Chats (local times):
  A  Tue 19:00 visitor, 19:02 staff                     -> 120 s
  B  Tue 19:30 visitor, 19:31 bot, 19:40 staff          -> 600 s (the bot is not staff)
  C  Sun 23:58 visitor, Mon 00:03 staff                 -> 300 s, counts Sunday 23:00
  D  Mon 09:15 visitor, nobody answers                  -> unanswered
  E  Mon 09:40, a transcript without times, answered    -> counted, no reply time
  F  Mon 09:50:00 visitor, 09:50:30 staff               -> 30 s
Incoming calls: Tue 19:10 (Tickets), Mon 10:05 (Parking); an outgoing call is no inquiry.
Rota: Maria on the phone Mon 09:00-12:00, Jo on chat Mon 09:30-12:00.

Reply times 30, 120, 300, 600: median (120 + 300) / 2 = 210 s; 90th percentile, nearest
rank ceil(0.9 * 4) = 4th -> 600 s. Nobody on duty for A, B, C, D and the Tuesday call:
5 of 8 inquiries = 62.5%. Uncovered: Tuesday 19-20 (3 inquiries, 37.5%), Monday 9-10
(1: D came before chat duty began at 09:30), Sunday 23-24 (1).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def msg(at: str, sender: str, text: str = "…") -> dict:
    return {"at": at, "sender": sender, "name": "", "text": text}


CHATS = {
    "A": [
        msg("2026-07-07T18:00:00+00:00", "visitor", "Is there parking?"),
        msg("2026-07-07T18:02:00+00:00", "agent", "Yes, Mill Lane."),
    ],
    "B": [
        msg("2026-07-07T18:30:00+00:00", "visitor"),
        msg("2026-07-07T18:31:00+00:00", "system", "An agent will be with you soon."),
        msg("2026-07-07T18:40:00+00:00", "agent"),
    ],
    "C": [msg("2026-07-05T22:58:00+00:00", "visitor"), msg("2026-07-05T23:03:00+00:00", "agent")],
    "D": [msg("2026-07-06T08:15:00+00:00", "visitor", "Hello? Anyone there?")],
    "E": [msg("", "visitor", "Do you sell gift vouchers?"), msg("", "agent", "We do!")],
    "F": [msg("2026-07-06T08:50:00+00:00", "visitor"), msg("2026-07-06T08:50:30+00:00", "agent")],
}
#: when each chat started (E has no times: it is filed at the moment given on import)
STARTED = {
    "A": "2026-07-07T18:00:00+00:00",
    "B": "2026-07-07T18:30:00+00:00",
    "C": "2026-07-05T22:58:00+00:00",
    "D": "2026-07-06T08:15:00+00:00",
    "E": "2026-07-06T08:40:00+00:00",
    "F": "2026-07-06T08:50:00+00:00",
}
CALLS = [
    ("2026-07-07T18:10:00+00:00", "incoming", "Tickets"),
    ("2026-07-06T09:05:00+00:00", "incoming", "Parking"),
    ("2026-07-06T09:20:00+00:00", "outgoing", "Membership"),
]
ROTA = [
    {
        "weekday": 0,
        "starts": "09:00",
        "ends": "12:00",
        "duty": "phone",
        "name": "Maria",
        "staff_id": "",
    },
    {
        "weekday": 0,
        "starts": "09:30",
        "ends": "12:00",
        "duty": "chat",
        "name": "Jo",
        "staff_id": "",
    },
]

EXPECTED = {
    "inquiries": 8,
    "chats": 6,
    "calls": 2,
    "by_hour": [[0, 9, 3], [0, 10, 1], [1, 19, 3], [6, 23, 1]],
    "first_reply_seconds": {"median": 210.0, "p90": 600.0, "chats": 4},
    "unanswered": 1,
    "without_times": 1,
    "outside_staffed_hours": 0.625,
    "outside": 5,
}
EXPECTED_UNCOVERED = [
    ("Tuesday", 19, 20, 3, 2, 1, 0.375),
    ("Monday", 9, 10, 1, 1, 0, 0.125),
    ("Sunday", 23, 24, 1, 1, 0, 0.125),
]
