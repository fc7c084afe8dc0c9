"""The application is one service per area over one store, wired once."""

from __future__ import annotations

import pytest

from domain.store import Store


def test_each_area_has_its_own_service_over_the_same_store(store):
    services = store.services()
    assert set(services) == {
        "staff",
        "patrons",
        "merging",
        "box_office",
        "order_changes",
        "memberships",
        "door",
        "thank_yous",
        "conversations",
        "reads",
        "rota",
        "erasure",
        "organization",
    }
    assert all(service.store is store.store for service in services.values())
    assert isinstance(store.store, Store)


def test_a_service_method_called_on_the_application_is_its_areas_own(store):
    assert store.scan == store.door.scan
    assert store.register_patron == store.patrons.register_patron
    assert store.batch == store.store.batch  # the store's own
    with pytest.raises(AttributeError, match="no_such_command"):
        store.no_such_command  # noqa: B018


def test_no_method_name_belongs_to_two_services(store):
    names: dict[str, str] = {}
    for area, service in store.services().items():
        for name in dir(type(service)):
            if not name.startswith("_") and callable(getattr(type(service), name)):
                assert name not in names, f"{name} in {names.get(name)} and {area}"
                names[name] = area
    assert len(names) > 50
