"""The door check of the application service (mixed into ``Houselights``).

``scan(code, performance_id, door)`` is one repository fetch (the ticket id is
uuid5 of its code) and one save. The Ticket aggregate decides; two doors
admitting the same ticket at the same moment both try to write its next
version, the store's optimistic concurrency lets exactly one win, and the
other decides again on the new state (ALREADY ADMITTED, naming the door that
won). Refused scans are recorded as ``DoorScan`` aggregates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.box_office import Ticket
from domain.box_office_service import BoxOfficeService, aggregate_uuid
from domain.door import (
    ADMIT,
    ALREADY_ADMITTED,
    NOT_FOUND,
    UNKNOWN,
    VOID,
    WRONG_PERFORMANCE,
    DoorScan,
    ScanReading,
    clean_door,
    read_scan,
)
from domain.errors import TicketProblem
from domain.recording import Stamp
from domain.roles import Permission
from domain.store import Store, command
from domain.ticket_codes import ticket_id
from domain.verdicts import Verdict

#: how often a scan decides again after another door saved the same aggregate first
SCAN_ATTEMPTS = 10
#: what an offline door queues: an admission, a refused (or repeated) scan, an undo
QUEUED_ADMISSION, QUEUED_REFUSAL, QUEUED_UNDO = "admit", "refuse", "undo"
#: what became of a queued scan when sent (``DoorService.send_queued``)
SENT, ALREADY_SENT, CONFLICT = "sent", "already", "conflict"
#: how long the door trusts what it read about a performance (its name and start)
PERFORMANCE_FACTS_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class PerformanceFacts:
    """A performance as the door names it: WRONG PERFORMANCE says which one is right.

    ``starts_at`` is ISO 8601 ("" when the door's copy does not know it); ``label`` the
    title and start in a few words (``Performance.label``)."""

    id: str
    title: str
    starts_at: str
    label: str

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "title": self.title,
            "starts_at": self.starts_at,
            "label": self.label,
        }


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What the door decided about one scan, and the facts its words are written from
    (the door view's and the command line's; the domain has no words for it).

    ``verdict`` is one of ``domain.verdicts.VERDICTS``, decided by the Ticket;
    ``scanned`` is what was read (invisible characters shown), ``code`` the code looked
    up ("" when nothing usable was read), ``at`` when (ISO 8601); ``hint`` and
    ``problem`` say why a code is UNKNOWN. A known ticket adds ``ticket_id``,
    ``patron_id`` (None: nobody on it) and ``price_level``. ADMIT and ALREADY ADMITTED
    carry ``repeat`` (the same scan twice, still ADMIT) and, when admitted before,
    ``admitted_at``/``admitted_door``; VOID carries ``status`` (refunded or exchanged),
    WRONG PERFORMANCE ``right_performance``.

    Through the door's front (``infrastructure.offline_door``): ``offline`` (True:
    decided by this door from its copy, and queued), ``queued`` (scans waiting to be
    sent) and, for a scan decided here, ``scan_id``. None: not through a front."""

    verdict: Verdict
    scanned: str
    code: str
    door: str
    performance_id: str
    at: str
    hint: str = ""
    problem: str = ""
    ticket_id: str | None = None
    patron_id: str | None = None
    price_level: str = ""
    repeat: bool = False
    admitted_at: str | None = None
    admitted_door: str = ""
    status: str = ""
    right_performance: PerformanceFacts | None = None
    offline: bool | None = None
    queued: int | None = None
    scan_id: str = ""

    @classmethod
    def unknown(
        cls,
        reading: ScanReading,
        door: str,
        performance_id: str,
        at: datetime,
        problem: str,
        offline: bool | None = None,
    ) -> ScanResult:
        """UNKNOWN: no ticket with the code read (or nothing usable was read)."""
        read = (reading.scanned, reading.code, door, performance_id, at.isoformat())
        return cls(UNKNOWN, *read, reading.hint, problem, offline=offline)

    @classmethod
    def decided(
        cls,
        reading: ScanReading,
        door: str,
        performance_id: str,
        at: datetime,
        verdict: Verdict,
        repeat: bool,
        ticket: KnownTicket,
        right_performance: Callable[[], PerformanceFacts],
        offline: bool | None = None,
    ) -> ScanResult:
        """The Ticket's verdict on a known ticket, with the facts that verdict names
        (``right_performance()`` is asked for WRONG PERFORMANCE only)."""
        admitted_at = ticket.admitted_at
        admitted = verdict in (ADMIT, ALREADY_ADMITTED) and admitted_at is not None
        return cls(
            verdict=verdict,
            scanned=reading.scanned,
            code=ticket.code,
            door=door,
            performance_id=performance_id,
            at=at.isoformat(),
            hint=reading.hint,
            problem=reading.problem,
            ticket_id=ticket.id,
            patron_id=ticket.patron_id,
            price_level=ticket.price_level,
            repeat=repeat,
            admitted_at=admitted_at.isoformat() if admitted and admitted_at else None,
            admitted_door=ticket.admitted_door if admitted else "",
            status=ticket.status if verdict == VOID else "",
            right_performance=right_performance() if verdict == WRONG_PERFORMANCE else None,
            offline=offline,
        )

    def to_json(self) -> dict[str, Any]:
        """The facts as plain JSON values, each key only where its verdict has it (the
        keys the door's results have always had)."""
        out: dict[str, Any] = {
            "scanned": self.scanned,
            "code": self.code,
            "door": self.door,
            "performance_id": self.performance_id,
            "hint": self.hint,
            "problem": self.problem,
            "at": self.at,
        }
        if self.ticket_id is not None:
            out |= {
                "ticket_id": self.ticket_id,
                "patron_id": self.patron_id,
                "price_level": self.price_level,
            }
        if self.admitted_at is not None:
            out |= {"admitted_at": self.admitted_at, "admitted_door": self.admitted_door}
        out["verdict"] = self.verdict
        if self.verdict == VOID:
            out["status"] = self.status
        elif self.right_performance is not None:
            out["right_performance"] = self.right_performance.to_json()
        elif self.verdict in (ADMIT, ALREADY_ADMITTED):
            out["repeat"] = self.repeat
        if self.offline is not None:
            out["offline"] = self.offline
        if self.queued is not None:
            out["queued"] = self.queued
        if self.scan_id:
            out["scan_id"] = self.scan_id
        return out


@dataclass(frozen=True, slots=True)
class KnownTicket:
    """What a scan's result names of a ticket the door knows: the stored Ticket's, or an
    offline door's copy of it (admitted as its own queued scans say)."""

    id: str
    code: str
    patron_id: str | None
    price_level: str
    status: str
    admitted_at: datetime | None
    admitted_door: str


@dataclass(frozen=True, slots=True)
class UndoResult:
    """An admission undone: the ticket's code and performance, the door, the reason.

    ``offline``: through the door's front, True when this door queued the undo (the
    store did not answer); None: not through a front."""

    code: str
    performance_id: str
    door: str
    reason: str
    offline: bool | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "performance_id": self.performance_id,
            "door": self.door,
            "reason": self.reason,
        }
        if self.offline is not None:
            out["offline"] = self.offline
        return out


class ScanWithdrawn(Exception):  # noqa: N818 - a fact, not a failure
    """The door stopped waiting for this scan and decided it by itself (offline)."""


class DoorService:
    """Door checks. Methods take and return simple values."""

    def __init__(self, store: Store, box_office: BoxOfficeService) -> None:
        self.store = store
        self.box_office = box_office
        #: performance id -> (when read, its title and start): see ``_performance_facts``
        self._performances: dict[str, tuple[float, PerformanceFacts]] = {}

    @command(Permission.DOOR_CHECK)
    def scan(
        self,
        code: str,
        performance_id: str,
        door: str,
        occurred_at: datetime | None = None,
        scan_id: str = "",
        still_wanted: Callable[[], bool] | None = None,
    ) -> ScanResult:
        """Check a scanned (or typed) code in at ``door`` for ``performance_id``.

        Returns a ``ScanResult``: its ``verdict`` is one of ``domain.verdicts.VERDICTS``,
        decided by the Ticket, with the facts that verdict names. The words for each
        are the door view's and the command line's.
        Raises ``PerformanceNotFound`` for a performance that does not exist.
        ``scan_id`` is the id an offline-capable door gave the scan (see ``send_queued``):
        the admission or refusal records it, so the same scan is never recorded twice.
        ``still_wanted()`` is asked just before saving: a door that stopped waiting for
        the store and decided by itself answers False, and nothing is saved
        (``ScanWithdrawn``): the store never records a verdict the door did not show.
        """
        performance_id = str(aggregate_uuid(performance_id))
        door = clean_door(door)
        reading = read_scan(code)
        stamp = self.store.stamp(occurred_at)
        for attempt in range(SCAN_ATTEMPTS):
            ticket = self._ticket(reading.code) if reading.usable else None
            if ticket is None or ticket.performance_id != performance_id:
                self._performance_facts(performance_id)  # it must exist to log a refusal
            result = self._decide(reading, ticket, performance_id, door, stamp)
            if still_wanted is not None and not still_wanted():
                raise ScanWithdrawn(scan_id)
            try:
                if result.verdict == ADMIT and not result.repeat:
                    assert ticket is not None  # only a ticket is admitted
                    ticket.admit(performance_id, door, stamp, scan_id)
                    self.store.commit(ticket)
                else:
                    code = result.code or reading.scanned
                    if result.repeat:
                        record = DoorScan.repeated(code, performance_id, door, stamp, scan_id)
                    else:
                        record = DoorScan.refused(
                            code, result.verdict, performance_id, door, stamp, scan_id
                        )
                    self.store.commit(record)
                return result
            except IntegrityError:
                # Another door admitted this ticket first: decide again on what is
                # stored now (a fresh Ticket: the failed save drained this one).
                if attempt == SCAN_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    @command(Permission.DOOR_CHECK)
    def undo_admission(
        self,
        code: str,
        reason: str,
        door: str,
        occurred_at: datetime | None = None,
        scan_id: str = "",
        still_wanted: Callable[[], bool] | None = None,
    ) -> UndoResult:
        """Undo a ticket's admission (with a reason); the ticket can be scanned again.

        Raises ``TicketProblem`` for an unknown or not admitted ticket and
        ``InvalidInput`` without a reason.
        """
        reading = read_scan(code)
        ticket = self._ticket(reading.code) if reading.usable else None
        if ticket is None:
            raise TicketProblem("We have no ticket with this code.")
        stamp = self.store.stamp(occurred_at)
        ticket.undo_admission(reason, clean_door(door), stamp, scan_id)
        if still_wanted is not None and not still_wanted():
            raise ScanWithdrawn(scan_id)
        self.store.commit(ticket)
        return UndoResult(ticket.code, ticket.performance_id, clean_door(door), reason.strip())

    @command
    def send_queued(self, scan: dict[str, Any]) -> str:
        """Apply one scan an offline door decided and queued, through the Ticket as usual.

        ``scan`` holds ``id`` (the scan's own id), ``kind`` (admit, refuse or undo),
        ``code``, ``performance_id``, ``door``, ``occurred_at`` (when the door decided),
        ``workstation``, and ``verdict`` (a refusal's) or ``reason`` (an undo's).
        Returns what became of it: ``sent``; ``already`` (this scan was applied before:
        sending twice never admits twice); ``conflict`` (the ticket was admitted
        elsewhere too: the earliest admission stands and a ``DoubleEntryRecorded`` says
        who else went in, where and when; or the store refused what the door admitted,
        recorded as a refused scan).
        """
        scan_id, kind = str(scan["id"]), scan["kind"]
        at = datetime.fromisoformat(scan["occurred_at"])
        stamp = self.store.stamp(at)
        performance_id, door = str(scan["performance_id"]), clean_door(scan["door"])
        for attempt in range(SCAN_ATTEMPTS):
            try:
                return self._send(scan, scan_id, kind, at, stamp, performance_id, door)
            except IntegrityError:
                if self.store.exists(UUID(scan_id)):  # its own DoorScan is stored: sent before
                    return ALREADY_SENT
                if attempt == SCAN_ATTEMPTS - 1:  # another door saved this ticket first
                    raise
        raise AssertionError("unreachable")

    def _send(
        self,
        scan: dict[str, Any],
        scan_id: str,
        kind: str,
        at: datetime,
        stamp: Stamp,
        performance_id: str,
        door: str,
    ) -> str:
        if kind == QUEUED_REFUSAL:
            verdict = scan["verdict"]
            if verdict == DoorScan.REPEAT:
                record = DoorScan.repeated(scan["code"], performance_id, door, stamp, scan_id)
            else:
                record = DoorScan.refused(
                    scan["code"], verdict, performance_id, door, stamp, scan_id
                )
            self.store.commit(record)
            return SENT
        ticket = self._ticket(scan["code"])
        if ticket is None:  # gone from the store (restored from an older backup?): say so
            self.store.commit(
                DoorScan.refused(scan["code"], UNKNOWN, performance_id, door, stamp, scan_id)
            )
            return CONFLICT
        if ticket.knows_scan(scan_id):
            return ALREADY_SENT
        if kind == QUEUED_UNDO:
            if not ticket.admitted:
                return SENT  # undone already (here or elsewhere): nothing left to take back
            ticket.undo_admission(scan.get("reason") or "", door, stamp, scan_id)
            self.store.commit(ticket)
            return SENT
        verdict, repeat = ticket.verdict(performance_id, door, at)
        if verdict == ADMIT and not repeat:
            ticket.admit(performance_id, door, stamp, scan_id)
            self.store.commit(ticket)
            return SENT
        if repeat:  # the same door a moment later: the scanner firing twice
            self.store.commit(DoorScan.repeated(ticket.code, performance_id, door, stamp, scan_id))
            return SENT
        if verdict == ALREADY_ADMITTED:
            ticket.record_double_entry(door, at, stamp["workstation"], scan_id, stamp)
            self.store.commit(ticket)
            return CONFLICT
        # refunded, exchanged or moved while this door was offline: the store refuses
        self.store.commit(
            DoorScan.refused(ticket.code, verdict, performance_id, door, stamp, scan_id)
        )
        return CONFLICT

    def _performance_facts(self, performance_id: str) -> PerformanceFacts:
        """Title and start of a performance, read at most once a minute per performance.

        A Performance aggregate carries an event per sale, so reading it costs
        more as the night sells out; the door needs only its name and start
        (to name the right night, and to know it exists). The verdict itself
        never depends on this: the Ticket decides.
        """
        cache = self._performances
        now = time.monotonic()
        hit = cache.get(str(performance_id))
        if hit is not None and now - hit[0] < PERFORMANCE_FACTS_SECONDS:
            return hit[1]
        performance = self.box_office.performance(performance_id)
        facts = PerformanceFacts(
            id=str(performance.id),
            title=performance.title,
            starts_at=performance.starts_at.isoformat(),
            label=performance.label(),
        )
        cache[facts.id] = (now, facts)
        return facts

    def _ticket(self, code: str) -> Ticket | None:
        try:
            ticket = self.store.get(ticket_id(code))
        except AggregateNotFoundError:
            return None
        return ticket if isinstance(ticket, Ticket) else None

    def _decide(
        self,
        reading: ScanReading,
        ticket: Ticket | None,
        performance_id: str,
        door: str,
        stamp: Stamp,
    ) -> ScanResult:
        """The Ticket's own verdict (``Ticket.verdict``) with its facts, for the door's
        words to be written from (the door view, the command line)."""
        at = stamp["occurred_at"]
        if ticket is None:
            return ScanResult.unknown(
                reading, door, performance_id, at, reading.problem or NOT_FOUND
            )
        verdict, repeat = ticket.verdict(performance_id, door, at)
        known = KnownTicket(
            str(ticket.id),
            ticket.code,
            ticket.patron_id,
            ticket.price_level,
            ticket.status,
            ticket.admitted_at,
            ticket.admitted_door,
        )
        right = partial(self._performance_facts, ticket.performance_id)
        return ScanResult.decided(reading, door, performance_id, at, verdict, repeat, known, right)
