"""Erasure tests run the whole back end on both stores, as the other layers do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from infrastructure.config import StoreConfig, resolve

#: distinctive strings that must not survive an erasure anywhere in the data folder
SECRETS = {
    "first_name": "Zebulonia",
    "last_name": "Quixwortham",
    "email": "zq.secretmail@example.org",
    "phone": "+44 20 7946 0871",
    "street": "17 Marblethorpe Crescent",
    "city": "Wyvernholt",
    "note": "Allergic to glitterfoam confetti",
    "household": "Lives with Barnabyquist",
    "reason": "Wristband mixup kerfuffle",
    "phone_digits": "2079460871",
    "new_email": "zq.other@example.org",
    "new_phone_digits": "2079460999",
    "preferred_name": "Zebbiequill",
}

#: what the patron said and what staff wrote about them: calls, follow-ups, chats,
#: and a duplicate record merged into theirs (all must go with the erasure)
CONVERSATION_SECRETS = {
    "call_reason": "Ferntickle seating",
    "call_notes": "Wants the Harpsichordium box again",
    "follow_up": "Post the Moonquarry brochure",
    "chat_subject": "Glimmerwick question",
    "chat_text": "My nephew Tobiasquin loves the chorus",
    "staff_linked_chat": "Is the Oxbramble foyer step-free",
    "staff_linked_email": "zq.workmail@example.net",
    "chat_note": "Promised a Plumbrook cushion",
    "unmatched_chat": "Left my Saffronwhistle scarf in row F",
    "duplicate_email": "zq.dupe@example.net",
    "duplicate_street": "4 Larkspindle Row",
    "duplicate_note": "Dupe record kumquatfest",
}

#: other people's data next to it, which must stay
KEPT = {
    "other_chat": "Do you sell Periwinkle gift vouchers",
    "other_visitor": "grace@navy.example",
    "unmerged_record": "Brackenfurze",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def store_config(request: pytest.FixtureRequest, tmp_path) -> StoreConfig:
    """As in tests/conftest.py, but the store in a "data" folder of its own."""
    if request.param == "postgresql":
        return resolve(tmp_path / "data", store=request.getfixturevalue("postgres_db"))
    return resolve(tmp_path / "data", store="sqlite")


def register_secret_patron(app) -> str:
    s = SECRETS
    patron_id = app.register_patron(
        s["first_name"],
        s["last_name"],
        email=s["email"],
        phone=s["phone"],
        address={"street": s["street"], "city": s["city"], "postal_code": "WV1 2XZ"},
        household=s["household"],
        tags=["opera"],
        preferred_name=s["preferred_name"],
    )
    app.add_note(patron_id, s["note"])
    app.update_contact(patron_id, phone="+44 20 7946 0999", email="zq.other@example.org")
    return patron_id


def sell_and_scan(app, patron_id: str) -> dict:
    production = app.create_production("The Tempest")
    performance = app.schedule_performance(
        production, datetime.now(tz=UTC) + timedelta(hours=1), 100, {"Adult": 3000, "Child": 1500}
    )
    order = app.sell_tickets(performance, {"Adult": 2, "Child": 1}, patron_id=patron_id)
    other = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    app.sell_tickets(performance, {"Adult": 1}, patron_id=other)
    app.scan(order.codes[0], performance, "Main door")
    app.undo_admission(order.codes[0], SECRETS["reason"], "Main door")
    app.scan(order.codes[0], performance, "Main door")
    return {"performance": performance, "order": order, "other": other}


def variants(text: str) -> list[bytes]:
    """The ways a string could sit in a file: UTF-8 as typed, lower and upper case, UTF-16."""
    forms = {text, text.lower(), text.upper()}
    found = [f.encode("utf-8") for f in forms]
    found += [f.encode("utf-16-le") for f in forms]
    return found


def files_containing(folder: Path, secrets: dict[str, str]) -> list[tuple[str, str]]:
    """(file, secret name) for every secret found in any file under the folder."""
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for name, text in secrets.items():
            if any(form in data for form in variants(text)):
                hits.append((path.name, name))
    return hits


def _chat(conversation_id: str, name: str, email: str, text: str, subject: str = "") -> dict:
    return {
        "id": conversation_id,
        "service": "Website chat",
        "subject": subject,
        "visitor": {"name": name, "email": email},
        "messages": [
            {"sender": "visitor", "name": name, "text": text, "time": "2026-11-10 16:00"},
            {"sender": "agent", "name": "Maria", "text": "Let me see.", "time": "2026-11-10 16:02"},
        ],
    }


def converse(app, patron_id: str, folder: Path) -> dict:
    """Calls, a follow-up, chats (imported from a file and linked by email, linked by
    staff later, unmatched but from the patron's old email), a thank-you, and two
    merges: one record still merged into the patron, one merged and unmerged again."""
    import json

    from imports.chat_formats import read_chat_file
    from imports.chat_import import import_chats

    c, s = CONVERSATION_SECRETS, SECRETS
    name = f"{s['first_name']} {s['last_name']}"
    call = app.log_call(
        patron_id,
        "incoming",
        c["call_reason"],
        "call_back",
        c["call_notes"],
        follow_up_on=datetime.now(tz=UTC).date() + timedelta(days=3),
    )
    follow_up = app.schedule_follow_up(patron_id, datetime.now(tz=UTC).date(), c["follow_up"])
    chats = [
        _chat("zq-1", name, s["new_email"], c["chat_text"], c["chat_subject"]),
        _chat("zq-2", "Z.", c["staff_linked_email"], c["staff_linked_chat"]),
        _chat("zq-3", "Zeb", s["email"], c["unmatched_chat"]),  # the email they had before
        _chat("gh-1", "Grace Hopper", KEPT["other_visitor"], KEPT["other_chat"]),
    ]
    chat_file = folder / "chats.json"
    chat_file.write_text(json.dumps({"conversations": chats}), encoding="utf-8")
    report = import_chats(app, read_chat_file(chat_file, timezone="UTC"))
    chat_file.unlink()  # the file the office exported is theirs to delete, not ours
    assert report == {"imported": 4, "linked": 1, "unmatched": 3, "rejected": []}
    from domain.conversations import chat_id

    ids = {key: str(chat_id("Website chat", key)) for key in ("zq-1", "zq-2", "zq-3", "gh-1")}
    assert app.get_chat(ids["zq-1"]).patron_id == patron_id
    app.link_chat(ids["zq-2"], patron_id)
    tomorrow = datetime.now(tz=UTC).date() + timedelta(days=1)
    noted = app.add_chat_note(ids["zq-2"], c["chat_note"], follow_up_on=tomorrow)
    app.mark_follow_up_done(follow_up)

    duplicate = app.register_patron(
        s["first_name"],
        s["last_name"],
        email=c["duplicate_email"],
        address={"street": c["duplicate_street"], "city": "Elsewhere", "postal_code": "EL1 1SE"},
        allow_duplicate=True,
    )
    app.add_note(duplicate, c["duplicate_note"])
    app.merge_patrons(duplicate, patron_id)
    mistaken = app.register_patron("Ottoline", KEPT["unmerged_record"], email="ob@example.org")
    app.merge_patrons(mistaken, patron_id)
    app.unmerge_patron(mistaken)
    return {
        "call": call,
        "follow_up": follow_up,
        "chats": ids,
        "chat_note": noted,
        "duplicate": duplicate,
        "unmerged": mistaken,
    }
