"""Finding a patron at the box office: every keystroke narrows the directory."""

from __future__ import annotations

import pytest

from projections import patron_directory
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


# -- one or two characters over a big directory: the walk in name order -------------------
FIRSTS = ["Maria", "Mårten", "Mei", "Ma", "Zoë", "Jo", "Łucja", "Ómar", "Anne-Marie", "M."]
LASTS = ["Martin", "Müller", "Ng", "Okafor", "Mac Donald", "Dvořák", "O'Brien", "Ma", "Smith"]


@pytest.fixture
def big_directory(services):
    """Hundreds of patrons sharing first letters, with accents, hyphens, apostrophes,
    one-letter words, underscores in emails, phones and interests; some merged away."""
    app = services.app
    ids = []
    with app.batch(size=200):
        for n in range(330):
            first, last = FIRSTS[n % len(FIRSTS)], LASTS[n * 7 % len(LASTS)]
            email = f"{first[:2].lower()}_{n}@m{n % 4}.example" if n % 3 else ""
            ids.append(app.register_patron(
                first, last, email=email, phone=f"55{n % 10} 01{n:03d}" if n % 2 else "",
                tags=["mailing list", "jazz"][: n % 3]))  # fmt: skip
    services.runner.catch_up()
    for duplicate, survivor in zip(ids[1:40:6], ids[2:40:6], strict=True):
        app.merge_patrons(str(duplicate), str(survivor))
    app.update_contact(str(ids[3]), first_name="Quentin", email="qq@example.org")
    app.set_tags(str(ids[5]), ["masterclass"])
    services.runner.catch_up()
    return services


QUERIES = ["m", "M", "ma", "Mä", "mu", "mü", "o", "ó", "ob", "j", "jo", "z", "zo", "n", "ng",
           "5", "55", "01", "q", "qq", "ja", "ex", "e", "d", "dv", "ł", "łu", "x", "xy", "_",
           "m_", "m.", "a-", "ma jo"]  # fmt: skip


@pytest.mark.parametrize("limit", [200, 40, 1])
def test_short_searches_walk_the_name_order_and_find_what_the_index_finds(big_directory,
                                                                           limit):  # fmt: skip
    db = big_directory.runner.db()
    for text in QUERIES:
        query = patron_directory.fts_query(text)
        expected = patron_directory._search_index(db, query, limit) if query else None
        assert patron_directory.search(db, text, limit) == (
            expected if query else patron_directory.page(db, limit=limit)
        ), text


def test_a_common_short_search_never_asks_the_index(big_directory, monkeypatch):
    db = big_directory.runner.db()
    expected = {t: patron_directory._search_index(db, patron_directory.fts_query(t), 30)
                for t in ("m", "ma", "jo", "55")}  # fmt: skip
    assert all(len(rows) == 30 for rows in expected.values())  # common enough to walk

    def index_asked(*_args):
        raise AssertionError("a common one- or two-character search sorted every match")

    monkeypatch.setattr(patron_directory, "_search_index", index_asked)
    for text, rows in expected.items():
        assert patron_directory.search(db, text, 30) == rows


def test_short_prefixes_follow_contact_and_interest_changes(big_directory):
    db = big_directory.runner.db()

    def marks(patron_id: str) -> set[str]:
        (text,) = db.conn.execute("SELECT short_prefixes FROM patrons WHERE id = ?",
                                  (patron_id,)).fetchone()  # fmt: skip
        return set(text.split())

    quentin = db.conn.execute("SELECT id FROM patrons WHERE first_name = 'Quentin'").fetchone()[0]
    assert {"q.", "qu", "qq", "ex", "or"} <= marks(quentin)
    big_directory.app.update_contact(quentin, first_name="Rosa", email="")
    big_directory.app.set_tags(quentin, ["wheelchair"])
    big_directory.runner.catch_up()
    assert {"r.", "ro", "wh"} <= marks(quentin)
    assert not {"q.", "qu", "qq", "ex"} & marks(quentin)
    assert "Rosa" in [r["first_name"] for r in search(db, "wh", 200)]
