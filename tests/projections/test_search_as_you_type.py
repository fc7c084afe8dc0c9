"""Finding a patron at the box office: every keystroke narrows the directory."""

from __future__ import annotations

import pytest

from projections.patron_directory import search


@pytest.fixture
def directory(services):
    app = services.app
    app.register_patron("Ada", "Lovelace", email="ada@example.org", phone="(555) 123-4567",
                        tags=["opera", "chamber music"])  # fmt: skip
    app.register_patron("Zoë", "Adams", email="zoe@example.net", phone="+44 20 7946 0958",
                        tags=["jazz"])  # fmt: skip
    app.register_patron("Adam", "Zimmer", email="az@example.org", tags=["opera"])
    app.register_patron("Grace", "Hopper", email="grace@navy.example", phone="555 765 4321")
    return services


def names(services, text: str) -> list[str]:
    return [row["name"] for row in search(services.runner.db(), text)]


def test_first_name_prefix(directory):
    assert names(directory, "Gra") == ["Grace Hopper"]


def test_last_name_prefix_results_in_last_name_order(directory):
    assert names(directory, "ada") == ["Zoë Adams", "Ada Lovelace", "Adam Zimmer"]


def test_email_fragment(directory):
    assert names(directory, "ada@exa") == ["Ada Lovelace"]
    assert names(directory, "@example.org") == ["Ada Lovelace", "Adam Zimmer"]
    assert names(directory, "navy") == ["Grace Hopper"]


def test_phone_digits_typed_without_spaces(directory):
    assert names(directory, "555123") == ["Ada Lovelace"]
    assert names(directory, "5557654321") == ["Grace Hopper"]
    assert names(directory, "442079") == ["Zoë Adams"]
    assert names(directory, "555-765") == ["Grace Hopper"]


def test_interest_tag(directory):
    assert names(directory, "opera") == ["Ada Lovelace", "Adam Zimmer"]
    assert names(directory, "chamber") == ["Ada Lovelace"]


def test_accents_do_not_matter(directory):
    assert names(directory, "Zoe") == ["Zoë Adams"]
    assert names(directory, "zoë") == ["Zoë Adams"]
    assert names(directory, "ZOE") == ["Zoë Adams"]


def test_every_word_typed_must_match(directory):
    assert names(directory, "ada lov") == ["Ada Lovelace"]
    assert names(directory, "ada opera") == ["Ada Lovelace", "Adam Zimmer"]
    assert names(directory, "ada jazz") == ["Zoë Adams"]
    assert names(directory, "grace opera") == []


def test_punctuation_is_not_a_query_language(directory):
    assert names(directory, '"Hopper" (grace*') == ["Grace Hopper"]
    assert names(directory, "hopper-") == ["Grace Hopper"]
    assert names(directory, "NOT hopper") == []
    assert names(directory, "@ - *") == names(directory, "")


def test_nothing_typed_lists_everyone_in_name_order(directory):
    assert names(directory, "  ") == ["Zoë Adams", "Grace Hopper", "Ada Lovelace", "Adam Zimmer"]


def test_the_directory_follows_changes(directory):
    app = directory.app
    ada = app.find_contact_matches(email="ada@example.org")[0]["id"]

    app.update_contact(ada, last_name="King", phone="555 000 1111")
    app.set_tags(ada, ["ballet"])

    assert names(directory, "Lovelace") == []
    assert names(directory, "King") == ["Ada King"]
    assert names(directory, "555123") == []
    assert names(directory, "5550001111") == ["Ada King"]
    assert names(directory, "opera") == ["Adam Zimmer"]
    assert names(directory, "ballet") == ["Ada King"]
    assert names(directory, "ada") == ["Zoë Adams", "Ada King", "Adam Zimmer"]


def test_names_are_found_as_written(services):
    for first, last in [("Hans", "Weiß"), ("Søren", "Kierkegaard"), ("Antonín", "Dvořák")]:
        services.app.register_patron(first, last)

    assert names(services, "Weiß") == ["Hans Weiß"]
    assert names(services, "weiß hans") == ["Hans Weiß"]
    assert names(services, "Søren") == ["Søren Kierkegaard"]
    assert names(services, "dvorak") == names(services, "Dvořák") == ["Antonín Dvořák"]


def test_a_single_character_finds_names_only_then_every_field_from_the_second(directory):
    # "e" would match every example.org address; the first key press looks at names
    assert names(directory, "e") == []
    assert names(directory, "g") == ["Grace Hopper"]
    assert names(directory, "z") == ["Zoë Adams", "Adam Zimmer"]
    assert names(directory, "5") == []  # no name starts with a digit
    assert names(directory, "55") == ["Grace Hopper", "Ada Lovelace"]
    assert names(directory, "ex") == ["Zoë Adams", "Grace Hopper", "Ada Lovelace", "Adam Zimmer"]
