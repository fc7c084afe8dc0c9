"""The duty rota: one for the organization, kept as events, guarded by its rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from domain.errors import NotAllowed, ValidationError
from domain.rota import next_change, next_on_duty, on_duty
from tests.domain.support_example import LONDON

TUESDAY_EVENING = datetime(2026, 7, 7, 19, 30, tzinfo=LONDON)


def test_a_manager_puts_staff_and_volunteers_on_duty_and_every_workstation_sees_it(store, open_app):
    store.add_staff("Tom", "manager", password="manager-pass")
    store.sign_in("Tom", password="manager-pass")
    store.add_staff("Maria Lopez", "box office", password="box-office-pass")

    chat = store.add_duty_slot("Tuesday", "19:00", "21:00", "chat", staff="maria lopez")
    store.add_duty_slot("tue", "9:30", "12", "phone", name="  Sam (volunteer) ")
    store.add_duty_slot(0, "00:00", "24:00", "both", name="Night owl")

    other = open_app()  # another workstation
    slots = other.duty_slots()
    assert [(s.weekday, s.starts, s.ends, s.duty, s.name) for s in slots] == [
        (0, "00:00", "24:00", "both", "Night owl"),
        (1, "09:30", "12:00", "phone", "Sam (volunteer)"),
        (1, "19:00", "21:00", "chat", "Maria Lopez"),
    ]
    assert slots[2].staff_id and not slots[1].staff_id
    store.remove_duty_slot(chat)
    assert [s.name for s in other.duty_slots()] == ["Night owl", "Sam (volunteer)"]


@pytest.mark.parametrize(
    ("weekday", "starts", "ends", "message"),
    [
        ("Tuesday", "21:00", "19:00", "ends (19:00) before it starts (21:00)"),
        ("Tuesday", "19:00", "19:00", "starts and ends at 19:00"),
        ("Funday", "19:00", "21:00", "not a day of the week"),
        ("Tuesday", "7pm", "21:00", "not a time"),
        ("Tuesday", "19:00", "25:00", "not a time of day"),
        ("Tuesday", "20:00", "22:00", "already on duty on Tuesday from 19:00 to 21:00"),
    ],
)
def test_a_slot_the_rota_cannot_take_is_refused_with_a_reason(
    store, weekday, starts, ends, message
):
    store.add_duty_slot("Tuesday", "19:00", "21:00", "chat", name="Jo")
    before = store.event_count()

    with pytest.raises(ValidationError, match=re.escape(message)):
        store.add_duty_slot(weekday, starts, ends, "phone", name="jo")

    assert store.event_count() == before


def test_back_to_back_slots_and_other_people_do_not_overlap(store):
    store.add_duty_slot("Tuesday", "19:00", "21:00", "chat", name="Jo")
    store.add_duty_slot("Tuesday", "21:00", "23:00", "chat", name="Jo")
    store.add_duty_slot("Tuesday", "19:00", "21:00", "chat", name="Sam")
    assert len(store.duty_slots()) == 3


def test_an_unknown_account_or_a_deactivated_one_is_refused(store):
    with pytest.raises(ValidationError, match="no staff account called “Nobody”"):
        store.add_duty_slot("Monday", "09:00", "12:00", "chat", staff="Nobody")
    store.add_staff("Tom", "manager", password="manager-pass")
    store.sign_in("Tom", password="manager-pass")
    store.add_staff("Bob", "box office", password="box-office-pass")
    store.deactivate_staff("Bob")
    with pytest.raises(ValidationError, match="deactivated"):
        store.add_duty_slot("Monday", "09:00", "12:00", "chat", staff="Bob")
    assert store.duty_slots() == []


def test_only_a_manager_changes_the_rota(store):
    store.add_staff("Tom", "manager", password="manager-pass")
    store.sign_in("Tom", password="manager-pass")
    store.add_staff("Bob", "box office", password="box-office-pass")
    slot = store.add_duty_slot("Monday", "09:00", "12:00", "chat", staff="Bob")

    store.sign_in("Bob", password="box-office-pass")
    with pytest.raises(NotAllowed, match=r"Box office.*change the duty rota"):
        store.add_duty_slot("Monday", "13:00", "15:00", "chat", staff="Bob")
    with pytest.raises(NotAllowed, match="change the duty rota"):
        store.remove_duty_slot(slot)
    assert len(store.duty_slots()) == 1


SLOTS = [
    {"weekday": 1, "starts": "19:00", "ends": "21:00", "duty": "chat", "name": "Maria"},
    {"weekday": 1, "starts": "18:00", "ends": "20:00", "duty": "both", "name": "Jo"},
    {"weekday": 3, "starts": "10:00", "ends": "12:30", "duty": "phone", "name": "Sam"},
]


def test_who_is_on_duty_and_who_comes_next():
    assert [s["name"] for s in on_duty(SLOTS, TUESDAY_EVENING)] == ["Jo", "Maria"]
    assert [s["name"] for s in on_duty(SLOTS, TUESDAY_EVENING, "phone")] == ["Jo"]
    assert next_on_duty(SLOTS, TUESDAY_EVENING, "chat")["name"] == "Jo"  # on now, by name
    late = TUESDAY_EVENING.replace(hour=22)
    assert next_on_duty(SLOTS, late, "phone")["name"] == "Sam"  # Thursday 10:00
    assert next_on_duty(SLOTS, late, "chat")["name"] == "Jo"  # next Tuesday 18:00
    assert next_on_duty([], late, "chat") is None


def test_the_next_change_is_a_slot_edge_or_the_turn_of_the_hour():
    assert next_change(SLOTS, TUESDAY_EVENING) == TUESDAY_EVENING.replace(hour=20, minute=0)
    thursday = datetime(2026, 7, 9, 12, 5, 40, tzinfo=LONDON)
    assert next_change(SLOTS, thursday) == thursday.replace(minute=30, second=0)
    assert next_change([], datetime(2026, 7, 9, 12, 59, 59, tzinfo=UTC)) == datetime(
        2026, 7, 9, 13, 0, tzinfo=UTC
    )
