"""Ids made from natural keys are exactly ``uuid.uuid5``'s: every stored ticket, order
and contact key keeps its id."""

from uuid import NAMESPACE_URL, uuid5

from hypothesis import given
from hypothesis import strategies as st

from domain.box_office import order_id_for
from domain.contact_index import ContactKey
from domain.natural_ids import name_uuid
from domain.ticket_codes import ticket_id


@given(st.text(), st.text(min_size=1))
def test_name_uuid_is_uuid5(namespace_name, name):
    namespace = uuid5(NAMESPACE_URL, namespace_name)
    made = name_uuid(namespace, name)
    expected = uuid5(namespace, name)
    assert made == expected
    assert (made.version, made.variant, str(made)) == (5, expected.variant, str(expected))


def test_the_ids_of_tickets_orders_and_contact_keys_stay_as_stored():
    # the ids stores written before hold (the ticket's: by the code before this change)
    assert str(ticket_id("BC00012345")) == "05b3fdda-cab0-53ce-bc0d-c366d1d44a70"
    assert str(order_id_for("import:generic:W7@x")) == str(
        uuid5(uuid5(NAMESPACE_URL, "https://houselights.app/order"), "import:generic:W7@x")
    )
    assert ContactKey.key_id("email:ada@example.org") == uuid5(
        uuid5(NAMESPACE_URL, "https://houselights.app/contact-key"), "email:ada@example.org"
    )
