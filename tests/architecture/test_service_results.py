"""Results cross the service boundary as frozen dataclasses (issue 21).

The door's ``scan`` and ``undo_admission`` (of the door service and of the offline
door's front), ``decide_offline``, the ``check-in`` command, the offline door's sync
and state, the organization's answers and an erasure each return a frozen, slotted
dataclass with typed fields, never a dict; a verdict is one of the ``Verdict`` values.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest

from desktop import door_check
from domain import door_offline, verdicts
from domain.door_service import (
    DoorService,
    KnownTicket,
    PerformanceFacts,
    ScanResult,
    UndoResult,
)
from domain.organization import OrganizationAnswers
from domain.organization_service import OrganizationService
from infrastructure.erasure import CopiesCleaned, Erasure, UncleanedCopy, erase_patron
from infrastructure.offline_door import DoorState, OfflineDoor, SyncResult

RESULTS = [
    (DoorService.scan, "ScanResult"),
    (DoorService.undo_admission, "UndoResult"),
    (OfflineDoor.scan, "ScanResult"),
    (OfflineDoor.undo_admission, "UndoResult"),
    (door_offline.decide_offline, "tuple[ScanResult, dict[str, Any]]"),
    (door_check.check_in, "CheckIn"),
    (OfflineDoor.sync, "SyncResult"),
    (OfflineDoor.state, "DoorState"),
    (OrganizationService.organization_answers, "OrganizationAnswers | None"),
    (OrganizationService.configure_organization, "OrganizationAnswers"),
    (erase_patron, "Erasure"),
]

#: the result classes and the classes they are made of
CLASSES = [
    ScanResult,
    UndoResult,
    PerformanceFacts,
    KnownTicket,
    door_check.CheckIn,
    door_check.AdmittedPatron,
    SyncResult,
    DoorState,
    OrganizationAnswers,
    Erasure,
    CopiesCleaned,
    UncleanedCopy,
]


def returned(function) -> str:
    """The return annotation as written (``from __future__ import annotations``)."""
    inner = getattr(function, "__wrapped__", function)
    return inner.__annotations__["return"]


@pytest.mark.parametrize(
    ("function", "expected"), RESULTS, ids=lambda x: getattr(x, "__qualname__", x)
)
def test_results_are_named_dataclasses(function, expected):
    assert returned(function) == expected


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_each_is_frozen_slotted_and_typed(cls):
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen
    assert "__slots__" in cls.__dict__
    hints = typing.get_type_hints(cls)
    assert all(f.name in hints for f in dataclasses.fields(cls))
    assert not any(hint is dict or typing.get_origin(hint) is dict for hint in hints.values())


@pytest.mark.parametrize(
    "cls",
    [c for c in CLASSES if c not in (KnownTicket, door_check.AdmittedPatron)],
    ids=lambda cls: cls.__name__,
)
def test_each_result_says_its_json(cls):
    assert callable(getattr(cls, "to_json", None))


def test_a_verdict_is_one_of_the_verdicts():
    assert typing.get_args(typing.get_type_hints(ScanResult)["verdict"]) == verdicts.VERDICTS
