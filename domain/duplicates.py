"""Likely duplicate patrons: when two records probably are one person.

Two records are a likely pair when they share an email address, a phone number,
or a similar name at the same postal code. "Similar" means, after folding case
and accents: the same surname (or one typing slip apart) and first names that
are the same, one slip apart, one the start of the other (Alex, Alexander), an
initial (A., Ada) or a common nickname (Bob, Robert).

A pair someone reviewed and found to be two people is *dismissed*: a
``DuplicatePair.Dismissed`` event, so it stays dismissed on every workstation;
``Reopened`` puts it back on the list. The pair's aggregate id is a uuid5 of
the two patron ids in sorted order, so either order names the same pair.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from rapidfuzz.distance import OSA

from domain.contact import fold
from domain.recording import Stamp

_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/duplicate-pair")

#: reasons, strongest first (the order they are listed in)
REASONS = ("email", "phone", "name")

#: first names that are often the same person (each group: one name and its short forms)
NICKNAMES = (
    ("robert", "bob", "rob", "bobby", "robbie"),
    ("william", "bill", "will", "billy", "liam"),
    ("elizabeth", "liz", "beth", "betty", "lizzie", "eliza", "elisabeth"),
    ("katherine", "kate", "kathy", "katie", "catherine", "kath", "cathy"),
    ("james", "jim", "jimmy", "jamie"),
    ("michael", "mike", "mick", "mikey"),
    ("margaret", "maggie", "meg", "peggy", "marge"),
    ("richard", "rick", "dick", "rich"),
    ("edward", "ed", "ted", "eddie", "ned"),
    ("thomas", "tom", "tommy"),
    ("joseph", "joe", "joey"),
    ("charles", "charlie", "chuck"),
    ("john", "johnny", "jack"),
    ("jennifer", "jen", "jenny"),
    ("susan", "sue", "susie"),
    ("patricia", "pat", "patty"),
    ("anthony", "tony"),
    ("daniel", "dan", "danny"),
    ("david", "dave"),
    ("christopher", "chris"),
    ("deborah", "debbie", "deb"),
    ("rebecca", "becky"),
    ("alexander", "alex", "sasha", "sandy"),
    ("alexandra", "alex", "sasha", "sandra"),
    ("francis", "frank"),
    ("frances", "fran"),
    ("henry", "harry", "hank"),
    ("nicholas", "nick", "nicky"),
    ("samuel", "sam"),
    ("samantha", "sam"),
    ("benjamin", "ben"),
    ("matthew", "matt"),
    ("andrew", "andy", "drew"),
    ("peter", "pete"),
    ("stephen", "steve", "steven"),
    ("victoria", "vicky", "tori"),
    ("josephine", "jo", "josie"),
    ("johanna", "jo", "hanna"),
    ("giuseppe", "beppe", "pino"),
    ("francesco", "franco", "checco"),
    ("guillaume", "guy"),
    ("jose", "pepe"),
)
_NICK: dict[str, set[int]] = {}
_NONE: set[int] = set()
for _group_no, _group in enumerate(NICKNAMES):
    for _name in _group:
        _NICK.setdefault(_name, set()).add(_group_no)


def pair_id(a: str, b: str) -> UUID:
    first, second = sorted((str(a), str(b)))
    return uuid5(_NAMESPACE, f"{first}|{second}")


@lru_cache(maxsize=1 << 16)
def folded_words(text: str) -> tuple[str, ...]:
    """The words of a name, folded (names repeat: folding is cached)."""
    return tuple(w for w in fold(text or "").replace(".", " ").replace("-", " ").split() if w)


def postal_block(postal_code: str) -> str:
    """The postal code as compared: no spaces or hyphens, upper case."""
    return "".join((postal_code or "").split()).replace("-", "").upper()


def _one_slip(a: str, b: str) -> bool:
    """One typing slip apart (an insertion, deletion, substitution or swap), in names
    long enough for that to mean something."""
    if min(len(a), len(b)) < 4:
        return False
    return OSA.distance(a, b, score_cutoff=1) <= 1


def folded_name(first_name: str, last_name: str) -> tuple[str, str]:
    """(first word of the first name, whole surname), folded: what names are compared by."""
    first = folded_words(first_name)
    return (first[0] if first else "", " ".join(folded_words(last_name)))


def _similar_first(x: str, y: str) -> bool:
    if not x or not y:
        return False
    if x == y or _one_slip(x, y):
        return True
    if len(x) == 1 or len(y) == 1:  # an initial
        return x[0] == y[0]
    if len(min(x, y, key=len)) >= 3 and (x.startswith(y) or y.startswith(x)):
        return True
    return bool(_NICK.get(x, _NONE) & _NICK.get(y, _NONE))


def similar_folded(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """``similar_names`` on ``folded_name()`` results (fold once, compare many times)."""
    (first_a, last_a), (first_b, last_b) = a, b
    if not last_a or not (last_a == last_b or _one_slip(last_a, last_b)):
        return False
    return _similar_first(first_a, first_b)


def similar_first_names(a: str, b: str) -> bool:
    return _similar_first(folded_name(a, "")[0], folded_name(b, "")[0])


def similar_names(first_a: str, last_a: str, first_b: str, last_b: str) -> bool:
    """Likely the same person by name (the caller checks the postal code)."""
    return similar_folded(folded_name(first_a, last_a), folded_name(first_b, last_b))


class DuplicatePair(Aggregate):
    """A reviewed pair of patron records: dismissed as two different people, or not."""

    class Event(Aggregate.Event):
        occurred_at: datetime
        recorded_by: str
        workstation: str

    @event("Dismissed")
    def __init__(
        self, patron_ids: list[str], occurred_at: datetime, recorded_by: str, workstation: str
    ):
        self.patron_ids = sorted(patron_ids)
        self.dismissed = True

    @classmethod
    def dismiss_new(cls, a: str, b: str, stamp: Stamp) -> DuplicatePair:
        return cls._create(cls.Dismissed, id=pair_id(a, b), patron_ids=sorted((a, b)), **stamp)  # type: ignore[attr-defined]  # made by @event("Dismissed")

    def dismiss(self, stamp: Stamp) -> bool:
        if self.dismissed:
            return False
        self._dismissed_again(**stamp)
        return True

    @event("DismissedAgain")
    def _dismissed_again(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.dismissed = True

    def reopen(self, stamp: Stamp) -> bool:
        if not self.dismissed:
            return False
        self._reopened(**stamp)
        return True

    @event("Reopened")
    def _reopened(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.dismissed = False
