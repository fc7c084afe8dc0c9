"""Erasing a patron leaves the support figures true: when each message was sent and by
which side stay in the stored chat, so counts and reply times do not change."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from domain.rota_service import SupportReport
from infrastructure.erasure import erase_patron
from projections import support
from tests.domain.support_example import CALLS, CHATS, EXPECTED, LONDON, STARTED
from tests.erasure.conftest import register_secret_patron


def test_the_support_figures_survive_an_erasure(start):
    services = start()
    app = services.app
    patron_id = register_secret_patron(app)
    for key, messages in CHATS.items():
        app.record_chat(
            "Crisp",
            f"secret-{key}",
            messages,
            visitor_email="zq.other@example.org",
            occurred_at=datetime.fromisoformat(STARTED[key]),
        )
    for at, direction, reason in CALLS:
        app.log_call(
            patron_id, direction, reason, "answered", occurred_at=datetime.fromisoformat(at)
        )
    app.add_duty_slot("Monday", "09:00", "12:00", "phone", name="Maria")
    app.add_duty_slot("Monday", "09:30", "12:00", "chat", name="Jo")
    services.runner.catch_up()

    def figures() -> SupportReport:
        db = services.runner.db()
        return app.support_report(support.inquiries(db), support.rota(db), LONDON)

    assert {k: asdict(figures())[k] for k in EXPECTED} == EXPECTED
    assert figures().reasons == [["Parking", 1], ["Tickets", 1]]
    erase_patron(app, services.runner, patron_id)
    services.runner.catch_up()
    assert {k: asdict(figures())[k] for k in EXPECTED} == EXPECTED
    assert figures().reasons == []  # what the patron called about went with them
    assert (
        app.get_chat(app.record_chat("Crisp", "secret-A", CHATS["A"]).id).messages[0]["text"]
        == "[erased]"
    )
