"""Merging duplicate patrons, and undoing it (on both event stores)."""

from __future__ import annotations

import pytest

from domain.duplicates import similar_first_names, similar_names
from domain.errors import DonationProblem, MergeProblem, PossibleDuplicate, ThankYouProblem
from domain.merging import MergeResult, UnmergeResult


@pytest.fixture
def pair(store) -> tuple[str, str]:
    """Ada on file twice: once with an email, once (years later) with a phone."""
    ada = store.register_patron(
        "Ada", "Lovelace", email="ada@example.org", address={"postal_code": "SW1A 1AA"}
    )
    twin = store.register_patron(
        "Ada", "Lovelace", phone="555 123 4567", address={"postal_code": "SW1A 1AA"}
    )
    return ada, twin


def test_a_merge_is_recorded_on_both_records(store, pair):
    ada, twin = pair
    assert store.merge_patrons(twin, ada) == MergeResult(merged=twin, into=ada)

    assert store.get_patron(twin).merged_into == ada
    assert store.get_patron(ada).absorbed == [twin]


def test_the_survivor_owns_the_merged_records_email_and_phone(store, pair):
    ada, twin = pair
    store.merge_patrons(twin, ada)

    assert [m.id for m in store.find_contact_matches(phone="(555) 123-4567")] == [ada]
    assert [m.id for m in store.find_contact_matches(email="ada@example.org")] == [ada]
    with pytest.raises(PossibleDuplicate) as warned:
        store.register_patron("Augusta", "King", phone="5551234567")
    assert [m.id for m in warned.value.matches] == [ada]


def test_a_command_naming_the_merged_record_acts_on_the_survivor(store, pair):
    ada, twin = pair
    store.merge_patrons(twin, ada)

    store.add_note(twin, "Called about parking.")

    assert [n["text"] for n in store.get_patron(ada).notes] == ["Called about parking."]
    assert store.get_patron(twin).notes == []


def test_a_record_cannot_be_merged_into_itself(store, pair):
    ada, _ = pair
    with pytest.raises(MergeProblem, match="cannot be merged into itself"):
        store.merge_patrons(ada, ada)


def test_a_record_cannot_be_merged_twice_until_unmerged(store, pair):
    ada, twin = pair
    grace = store.register_patron("Grace", "Hopper")
    store.merge_patrons(twin, ada)

    with pytest.raises(MergeProblem, match="already merged.*Unmerge it first"):
        store.merge_patrons(twin, ada)
    with pytest.raises(MergeProblem, match="already merged"):
        store.merge_patrons(twin, grace)
    with pytest.raises(MergeProblem, match="itself merged into another record"):
        store.merge_patrons(grace, twin)
    with pytest.raises(MergeProblem, match="has to stay the surviving record"):
        store.merge_patrons(ada, grace)

    store.unmerge_patron(twin)
    store.merge_patrons(twin, grace)
    assert store.get_patron(twin).merged_into == grace


def test_unmerging_restores_both_records_and_their_keys(store, pair):
    ada, twin = pair
    before = (store.get_patron(ada), store.get_patron(twin))
    store.merge_patrons(twin, ada)

    assert store.unmerge_patron(twin) == UnmergeResult(unmerged=twin, from_id=ada)

    after = (store.get_patron(ada), store.get_patron(twin))
    strip = ("version",)
    assert [{k: v for k, v in p.to_json().items() if k not in strip} for p in after] == [
        {k: v for k, v in p.to_json().items() if k not in strip} for p in before
    ]
    assert [m.id for m in store.find_contact_matches(phone="555 123 4567")] == [twin]
    assert [m.id for m in store.find_contact_matches(email="ada@example.org")] == [ada]
    assert {m.id for m in store.find_name_matches("Ada", "Lovelace", "SW1A1AA")} == {ada, twin}


def test_unmerging_keeps_a_key_both_records_share(store):
    ada = store.register_patron("Ada", "Lovelace", email="ada@example.org")
    twin = store.register_patron("Ada", "L.", email="ada@example.org", allow_duplicate=True)
    store.merge_patrons(twin, ada)
    store.unmerge_patron(twin)

    assert {m.id for m in store.find_contact_matches(email="ada@example.org")} == {ada, twin}


def test_unmerging_a_record_that_is_not_merged_is_refused(store, pair):
    ada, _ = pair
    with pytest.raises(MergeProblem, match="nothing to unmerge"):
        store.unmerge_patron(ada)


def test_a_dismissed_pair_can_be_reopened(store, pair):
    ada, twin = pair
    assert store.dismiss_duplicate(ada, twin) is True
    assert store.dismiss_duplicate(twin, ada) is False  # either order: the same pair
    assert store.reopen_duplicate(twin, ada) is True
    assert store.dismiss_duplicate(ada, twin) is True


def test_two_workstations_merging_at_once_cannot_both_merge(open_app, store, pair):
    ada, twin = pair
    grace = store.register_patron("Grace", "Hopper")
    other = open_app()
    # Both read the records before either saves: the second save conflicts, looks
    # again and is told the record is already merged.
    mine, theirs = store.merging._patron_record(twin), other.merging._patron_record(twin)
    assert mine.version == theirs.version
    store.merge_patrons(twin, ada)
    real_get = other.merging._patron_record
    seen = {"stale": theirs}
    other.merging._patron_record = lambda pid: (
        seen.pop("stale") if pid == twin and seen else real_get(pid)
    )
    with pytest.raises(MergeProblem, match="already merged"):
        other.merge_patrons(twin, grace)
    assert other.get_patron(twin).merged_into == ada


def test_a_second_application_sees_the_merge(open_app, store, pair):
    ada, twin = pair
    store.merge_patrons(twin, ada)
    other = open_app()
    with pytest.raises(MergeProblem):
        other.merge_patrons(twin, ada)
    assert other.get_patron(ada).absorbed == [twin]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("Ada", "Lovelace"), ("ada", "LOVELACE"), True),
        (("Zoë", "Brontë"), ("Zoe", "Bronte"), True),
        (("Robert", "Smith"), ("Bob", "Smith"), True),
        (("Alexander", "Nguyen"), ("Alex", "Nguyen"), True),
        (("A.", "Lovelace"), ("Ada", "Lovelace"), True),
        (("Jonathan", "Miller"), ("Jonathon", "Miller"), True),
        (("Margaret", "Hamilton"), ("Margaret", "Hamliton"), True),
        (("Ada", "Lovelace"), ("Grace", "Lovelace"), False),
        (("Ann", "Lee"), ("Ann", "Lew"), False),  # short names: one letter is a different name
        (("Ada", "Lovelace"), ("Ada", "Byron"), False),
    ],
)
def test_similar_names(a, b, same):
    assert similar_names(*a, *b) is same


def test_an_initial_matches_only_its_own_letter():
    assert similar_first_names("J.", "Jane") is True
    assert similar_first_names("K.", "Jane") is False


def test_a_gift_of_the_merged_record_is_thanked_on_the_survivor(store, pair):
    ada, twin = pair
    gift = store.record_donation(twin, 2500, "Education")
    other = store.register_patron("Grace", "Hopper")
    not_theirs = store.record_donation(other, 900)
    store.merge_patrons(twin, ada)

    store.thank_patron(ada, "letter", "donation", gift)  # from the thank-you queue

    with pytest.raises(ThankYouProblem):
        store.thank_patron(ada, "letter", "donation", not_theirs)
    store.unmerge_patron(twin)
    with pytest.raises(DonationProblem):  # the gift is acknowledged once
        store.thank_patron(twin, "email", "donation", gift)
