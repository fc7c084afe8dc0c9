"""Ticket codes survive keyboards, typos and guessing."""

from __future__ import annotations

import itertools

from domain.ticket_codes import (
    ALPHABET,
    CODE_LENGTH,
    grouped,
    is_acceptable_external,
    is_own_code,
    new_code,
    normalize_code,
    ticket_id,
)

CONFUSABLE = set("0OQD1IL2Z5S8BUV")
MOVES_ON_OTHER_LAYOUTS = set("AQWZYM")


def test_codes_are_long_enough_and_use_only_safe_characters():
    assert len(ALPHABET) == 17 and len(set(ALPHABET)) == 17
    assert not (set(ALPHABET) & (CONFUSABLE | MOVES_ON_OTHER_LAYOUTS))
    assert all(c.isdigit() or c.isupper() for c in ALPHABET)
    for _ in range(200):
        code = new_code()
        assert len(code) == CODE_LENGTH >= 10
        assert set(code) <= set(ALPHABET)
        assert is_own_code(code)


def test_ten_thousand_codes_are_all_different():
    codes = {new_code() for _ in range(10_000)}
    assert len(codes) == 10_000


def test_every_single_wrong_character_is_caught():
    code = new_code()
    for position, wrong in itertools.product(range(CODE_LENGTH), ALPHABET):
        if code[position] != wrong:
            typo = code[:position] + wrong + code[position + 1 :]
            assert not is_own_code(typo), typo


def test_every_swap_of_two_characters_is_caught():
    for _ in range(50):
        code = new_code()
        for i, j in itertools.combinations(range(CODE_LENGTH), 2):
            if code[i] != code[j]:
                swapped = list(code)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                assert not is_own_code("".join(swapped))


def test_printed_groups_and_lowercase_normalise_back():
    code = new_code()
    assert normalize_code(grouped(code).lower() + " \t") == code
    assert is_own_code(normalize_code(grouped(code)))


def test_the_ticket_id_derives_from_the_code():
    code = new_code()
    assert ticket_id(code) == ticket_id(grouped(code).lower())
    assert ticket_id(code) != ticket_id(new_code())


def test_codes_from_other_services_are_accepted_as_they_are():
    assert is_acceptable_external("EB-1234567890123")
    assert not is_own_code("EB-1234567890123")
    assert not is_acceptable_external("")
    assert not is_acceptable_external("x" * 65)
    assert not is_acceptable_external("two words")
