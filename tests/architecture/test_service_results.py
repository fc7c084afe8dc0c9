"""The offline door's sync and state, the organization's answers and an erasure's result
cross to the views and the command line as frozen dataclasses (issue 21), as the door's
results do."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from domain.organization import OrganizationAnswers
from domain.organization_service import OrganizationService
from infrastructure.erasure import CopiesCleaned, Erasure, UncleanedCopy, erase_patron
from infrastructure.offline_door import DoorState, OfflineDoor, SyncResult

RESULTS = [
    (OfflineDoor.sync, "SyncResult"),
    (OfflineDoor.state, "DoorState"),
    (OrganizationService.organization_answers, "OrganizationAnswers | None"),
    (OrganizationService.configure_organization, "OrganizationAnswers"),
    (erase_patron, "Erasure"),
]


def returned(function) -> str:
    inner = getattr(function, "__wrapped__", function)
    return inner.__annotations__["return"]


@pytest.mark.parametrize(
    ("function", "expected"), RESULTS, ids=lambda x: getattr(x, "__qualname__", x)
)
def test_results_are_named_dataclasses(function, expected):
    assert returned(function) == expected


@pytest.mark.parametrize(
    "cls",
    [SyncResult, DoorState, OrganizationAnswers, Erasure, CopiesCleaned, UncleanedCopy],
    ids=lambda cls: cls.__name__,
)
def test_each_is_frozen_slotted_typed_and_says_its_json(cls):
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen
    assert "__slots__" in cls.__dict__
    hints = typing.get_type_hints(cls)
    assert all(f.name in hints for f in dataclasses.fields(cls))
    assert callable(cls.to_json)
