"""Ids made from natural keys are exactly ``uuid.uuid5``'s: every stored ticket, order
and contact key keeps its id."""

import pickle
import unicodedata
from uuid import NAMESPACE_URL, UUID, uuid5

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.box_office import order_id_for
from domain.contact import fold
from domain.contact_index import ContactKey
from domain.natural_ids import name_uuid, uuid_of
from domain.ticket_codes import ticket_id


@given(st.text(), st.text(min_size=1))
def test_name_uuid_is_uuid5(namespace_name, name):
    namespace = uuid5(NAMESPACE_URL, namespace_name)
    made = name_uuid(namespace, name)
    expected = uuid5(namespace, name)
    assert made == expected
    assert (made.version, made.variant, str(made)) == (5, expected.variant, str(expected))
    assert made.is_safe == expected.is_safe and hash(made) == hash(expected)
    assert pickle.loads(pickle.dumps(made)) == expected


def test_the_ids_of_tickets_orders_and_contact_keys_stay_as_stored():
    # the ids stores written before hold (the ticket's: by the code before this change)
    assert str(ticket_id("BC00012345")) == "05b3fdda-cab0-53ce-bc0d-c366d1d44a70"
    assert str(order_id_for("import:generic:W7@x")) == str(
        uuid5(uuid5(NAMESPACE_URL, "https://houselights.app/order"), "import:generic:W7@x")
    )
    assert ContactKey.key_id("email:ada@example.org") == uuid5(
        uuid5(NAMESPACE_URL, "https://houselights.app/contact-key"), "email:ada@example.org"
    )


@given(st.uuids())
def test_uuid_of_reads_an_id_as_uuid_does(made):
    for text in (str(made), made.hex, str(made).upper()):
        assert uuid_of(text) == UUID(text)


def test_uuid_of_refuses_text_that_is_no_id():
    with pytest.raises(ValueError):
        uuid_of("not an id")


def _fold_by_normalizing(text: str) -> str:
    """``fold`` without its shortcut for ASCII text."""
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).casefold()


@given(st.text())
def test_fold_is_the_same_with_its_shortcut_for_ascii(text):
    assert fold(text) == _fold_by_normalizing(text)
    ascii_text = text.encode("ascii", "ignore").decode()
    assert fold(ascii_text) == _fold_by_normalizing(ascii_text)


def test_fold_of_every_ascii_character():
    every = "".join(map(chr, range(128)))
    assert fold(every) == _fold_by_normalizing(every)
    assert fold("José Ünal") == "jose unal"
