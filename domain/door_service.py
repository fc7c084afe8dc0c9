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
from datetime import datetime
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
    clean_door,
    read_scan,
)
from domain.errors import TicketProblem
from domain.recording import Stamp
from domain.roles import Permission
from domain.store import Store, command
from domain.ticket_codes import ticket_id

#: how often a scan decides again after another door saved the same aggregate first
SCAN_ATTEMPTS = 10
#: what an offline door queues: an admission, a refused (or repeated) scan, an undo
QUEUED_ADMISSION, QUEUED_REFUSAL, QUEUED_UNDO = "admit", "refuse", "undo"
#: what became of a queued scan when sent (``DoorService.send_queued``)
SENT, ALREADY_SENT, CONFLICT = "sent", "already", "conflict"
#: how long the door trusts what it read about a performance (its name and start)
PERFORMANCE_FACTS_SECONDS = 60.0


class ScanWithdrawn(Exception):  # noqa: N818 - a fact, not a failure
    """The door stopped waiting for this scan and decided it by itself (offline)."""


class DoorService:
    """Door checks. Methods take and return simple values."""

    def __init__(self, store: Store, box_office: BoxOfficeService) -> None:
        self.store = store
        self.box_office = box_office
        #: performance id -> (when read, its title and start): see ``_performance_facts``
        self._performances: dict[str, tuple[float, dict[str, Any]]] = {}

    @command(Permission.DOOR_CHECK)
    def scan(
        self,
        code: str,
        performance_id: str,
        door: str,
        occurred_at: datetime | None = None,
        scan_id: str = "",
        still_wanted: Callable[[], bool] | None = None,
    ) -> dict[str, Any]:
        """Check a scanned (or typed) code in at ``door`` for ``performance_id``.

        Returns ``{"verdict", "code", "scanned", "door", "performance_id", ...}``:
        ``verdict`` is one of ``domain.verdicts.VERDICTS``, decided by the Ticket; ADMIT
        adds the ticket's ``patron_id`` (and ``repeat`` for the same scan twice),
        ALREADY ADMITTED ``admitted_at``/``admitted_door``, WRONG PERFORMANCE
        ``right_performance`` (``id``, ``title``, ``starts_at``, ``label``), VOID
        ``status`` (refunded or exchanged), UNKNOWN a ``problem`` and perhaps a ``hint``.
        The words for each are the door view's and the command line's.
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
        base = {
            "scanned": reading.scanned,
            "code": reading.code,
            "door": door,
            "performance_id": performance_id,
            "hint": reading.hint,
            "problem": reading.problem,
            "at": stamp["occurred_at"].isoformat(),
        }
        for attempt in range(SCAN_ATTEMPTS):
            ticket = self._ticket(reading.code) if reading.usable else None
            if ticket is None or ticket.performance_id != performance_id:
                self._performance_facts(performance_id)  # it must exist to log a refusal
            result = self._decide(ticket, performance_id, door, stamp, base)
            if still_wanted is not None and not still_wanted():
                raise ScanWithdrawn(scan_id)
            try:
                if result["verdict"] == ADMIT and not result.get("repeat"):
                    assert ticket is not None  # only a ticket is admitted
                    ticket.admit(performance_id, door, stamp, scan_id)
                    self.store.commit(ticket)
                else:
                    code = result["code"] or reading.scanned
                    if result.get("repeat"):
                        record = DoorScan.repeated(code, performance_id, door, stamp, scan_id)
                    else:
                        record = DoorScan.refused(
                            code, result["verdict"], performance_id, door, stamp, scan_id
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
    ) -> dict[str, Any]:
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
        return {
            "code": ticket.code,
            "performance_id": ticket.performance_id,
            "door": clean_door(door),
            "reason": reason.strip(),
        }

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

    def _performance_facts(self, performance_id: str) -> dict[str, Any]:
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
        facts = {
            "id": str(performance.id),
            "title": performance.title,
            "starts_at": performance.starts_at.isoformat(),
            "label": performance.label(),
        }
        cache[facts["id"]] = (now, facts)
        return facts

    def _ticket(self, code: str) -> Ticket | None:
        try:
            ticket = self.store.get(ticket_id(code))
        except AggregateNotFoundError:
            return None
        return ticket if isinstance(ticket, Ticket) else None

    def _decide(
        self,
        ticket: Ticket | None,
        performance_id: str,
        door: str,
        stamp: Stamp,
        base: dict[str, Any],
    ) -> dict[str, Any]:
        """The facts of the Ticket's own verdict (``Ticket.verdict``), for the door's
        words to be written from (the door view, the command line)."""
        if ticket is None:
            return {**base, "verdict": UNKNOWN, "problem": base["problem"] or NOT_FOUND}
        facts = {
            **base,
            "code": ticket.code,
            "ticket_id": str(ticket.id),
            "patron_id": ticket.patron_id,
            "price_level": ticket.price_level,
        }
        verdict, repeat = ticket.verdict(performance_id, door, stamp["occurred_at"])
        if verdict == VOID:
            return {**facts, "verdict": VOID, "status": ticket.status}
        if verdict == WRONG_PERFORMANCE:
            right = self._performance_facts(ticket.performance_id)
            shown = {k: right[k] for k in ("id", "title", "starts_at", "label")}
            return {**facts, "verdict": WRONG_PERFORMANCE, "right_performance": shown}
        if ticket.admitted_at is not None:
            facts |= {
                "admitted_at": ticket.admitted_at.isoformat(),
                "admitted_door": ticket.admitted_door,
            }
        return {**facts, "verdict": verdict, "repeat": repeat}
