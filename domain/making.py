"""A new aggregate and its first event, made as eventsourcing's ``_create`` makes them,
without asking again, for every aggregate, what only depends on its classes.

``Aggregate._create(event_class, id=..., **values)`` works out on each call which
values the event takes, which the aggregate's ``__init__`` takes (through
``inspect``), resolves the aggregate's class from its topic and sets each of the
frozen event's fields through ``object.__setattr__``: about half of an import's
time making aggregates (issue 16's speed: 20,000 tickets and 10,000 orders for a
20,000-row file). ``create`` works that out once per pair of classes (a ``_Plan``)
and then makes the same objects: the same event class with the same fields in the
same order (so it is stored as the same bytes), the same aggregate state, the event
pending on it. Anything its plan does not cover (an explicit id that is not a UUID,
a value the event does not take or one missing, a class that changes how it is
made) goes through ``_create`` itself. ``tests/domain/test_making.py`` compares
both ways for every class made here, and an import's stored events both ways.
"""

from __future__ import annotations

import dataclasses
import inspect
import keyword
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.domain import (
    BaseAggregate,
    CanInitAggregate,
    CanMutateAggregate,
    DecoratedFuncCaller,
    DomainEvent,
    _create_id_param_names,
    _init_mentions_id,
    decorated_funcs,
)
from eventsourcing.utils import get_topic

A = TypeVar("A", bound=BaseAggregate[Any])

#: the fields ``_create`` fills in itself
_IMPOSED = ("originator_topic", "originator_id", "originator_version", "timestamp")


@dataclasses.dataclass(frozen=True)
class _Plan:
    topic: str
    #: the event's fields, in its dataclass order (its stored state keeps that order)
    fields: tuple[str, ...]
    #: what the caller gives (the fields but those ``_create`` fills in)
    given: frozenset[str]
    #: what the aggregate's ``__init__`` takes, and whether it takes the id
    init_names: tuple[str, ...]
    init_takes_id: bool
    create_id_names: tuple[str, ...]
    #: ``make(id, values)``: the aggregate and its event for these classes, written out
    #: for them (None: worked out at each call, below)
    make: Any = None


_plans: dict[tuple[type, type], _Plan | None] = {}


def _plan(cls: Any, event_class: Any) -> _Plan | None:
    """What ``_create`` would work out for this pair, or None when it does more than
    ``create`` repeats (then ``create`` hands over to ``_create``)."""
    if getattr(cls, "TOPIC", None) or getattr(event_class, "TOPIC", None):
        return None  # explicit topics are checked against a registry on each call
    if not (isinstance(event_class, type) and issubclass(event_class, CanInitAggregate)):
        return None
    event_class = cast(Any, event_class)
    if (
        event_class.mutate is not CanInitAggregate.mutate
        or event_class.__post_init__ is not DomainEvent.__post_init__
        or cls.__base_init__ is not BaseAggregate.__base_init__
        or cls.__new__ is not object.__new__
        or not dataclasses.is_dataclass(event_class)
    ):
        return None
    fields = dataclasses.fields(event_class)
    if any(not f.init for f in fields):
        return None
    names = tuple(f.name for f in fields)
    if not set(_IMPOSED) <= set(names):
        return None
    init_names = tuple(inspect.signature(cls.__init__).parameters)
    plan = _Plan(
        topic=get_topic(cls),
        fields=names,
        given=frozenset(names) - set(_IMPOSED),
        init_names=init_names,
        init_takes_id=cls in _init_mentions_id,
        create_id_names=tuple(_create_id_param_names[cls]),
    )
    return dataclasses.replace(plan, make=_maker(cls, event_class, plan))


def _maker(cls: Any, event_class: Any, plan: _Plan) -> Any:
    """``create``'s steps for one pair of classes as one function, each field and
    argument named in it (no loop over the names, no dict built and read again): the
    same objects, the event's fields in the same order."""
    if not all(n.isidentifier() and not keyword.iskeyword(n) for n in plan.fields + ("id",)):
        return None
    source_of = {name: f"values[{name!r}]" for name in plan.given}
    source_of.update(
        originator_topic="topic",
        originator_id="id",
        originator_version="version",
        timestamp="timestamp",
    )
    fields = ", ".join(f"{name}={source_of[name]}" for name in plan.fields)
    init = {name: source_of[name] for name in plan.init_names if name in source_of}
    if plan.init_takes_id:
        init["id"] = "id"
    if not all(n.isidentifier() and not keyword.iskeyword(n) for n in init):
        return None
    arguments = ", ".join(f"{name}={value}" for name, value in init.items())
    source = (
        "def make(id, values):\n"
        "    timestamp = event_class.create_timestamp()\n"
        "    version = cls.INITIAL_VERSION\n"
        "    created = new(event_class)\n"
        f"    created.__dict__.update({fields})\n"
        "    aggregate = new(cls)\n"
        + (
            # BaseAggregate.__base_init__'s attributes, in its order
            "    aggregate.__dict__.update(_id=id, _version=version, _created_on=timestamp,"
            " _modified_on=timestamp, _pending_events=[])\n"
            if cls.__setattr__ is object.__setattr__
            else "    aggregate.__base_init__(id, version, timestamp)\n"
        )
        + f"    aggregate.__init__({arguments})\n"
        # (CanMutateAggregate.apply does nothing: not called when it is the event's)
        + (
            ""
            if event_class.apply is CanMutateAggregate.apply
            else "    created.apply(aggregate)\n"
        )
        + "    aggregate._pending_events.append(created)\n"
        "    return aggregate\n"
    )
    namespace: dict[str, Any] = {
        "cls": cls,
        "event_class": event_class,
        "topic": plan.topic,
        "new": object.__new__,
    }
    exec(source, namespace)  # noqa: S102 - made from the classes' own identifiers above
    return namespace["make"]


def create(kind: type[A], event_class: type, id: UUID | None = None, **values: Any) -> A:  # noqa: A002
    """``kind._create(event_class, id=id, **values)``: the same aggregate and event."""
    cls: Any = kind
    key = (cls, event_class)
    try:
        plan = _plans[key]
    except KeyError:
        plan = _plans[key] = _plan(cls, event_class)
    if plan is None or values.keys() != plan.given or not (id is None or type(id) is UUID):
        return cast(A, cls._create(event_class, id=id, **values))
    if id is None:
        id = cls.create_id(**{k: values[k] for k in plan.create_id_names if k in values})  # noqa: A001
        if type(id) is not UUID:
            return cast(A, cls._create(event_class, id=id, **values))
    if plan.make is not None:
        return cast(A, plan.make(id, values))
    timestamp = event_class.create_timestamp()  # type: ignore[attr-defined]
    values["originator_topic"] = plan.topic
    values["originator_id"] = id
    values["originator_version"] = cls.INITIAL_VERSION
    values["timestamp"] = timestamp
    # the frozen dataclass's own __init__ sets each field through object.__setattr__;
    # its __post_init__ only checks that the id is a UUID (checked above)
    created: Any = object.__new__(event_class)
    created.__dict__.update({name: values[name] for name in plan.fields})
    aggregate = object.__new__(cls)
    aggregate.__base_init__(id, cls.INITIAL_VERSION, timestamp)
    init = {name: values[name] for name in plan.init_names if name in values}
    if plan.init_takes_id:
        init["id"] = id
    aggregate.__init__(**init)
    created.apply(aggregate)
    aggregate._pending_events.append(created)
    return cast(A, aggregate)


#: the fields ``trigger_event`` fills in itself
_NEXT = ("originator_id", "originator_version", "timestamp")


@dataclasses.dataclass(frozen=True)
class _Step:
    fields: tuple[str, ...]
    given: frozenset[str]
    #: the method decorated with ``@event`` and what it takes (None: the event's apply)
    method: Any
    method_names: tuple[str, ...]


_steps: dict[type, _Step | None] = {}


def _step(event_class: Any) -> _Step | None:
    """What ``trigger_event`` and the ``@event`` method work out for this event class,
    or None when it does more than ``trigger`` repeats."""
    if getattr(event_class, "TOPIC", None) or not (
        isinstance(event_class, type)
        and issubclass(event_class, CanMutateAggregate)
        and dataclasses.is_dataclass(event_class)
    ):
        return None
    if (
        event_class.mutate is not CanMutateAggregate.mutate
        or event_class.__post_init__ is not DomainEvent.__post_init__
        or issubclass(event_class, CanInitAggregate)
    ):
        return None
    fields = dataclasses.fields(event_class)
    if any(not f.init for f in fields):
        return None
    names = tuple(f.name for f in fields)
    method, method_names = None, ()
    if issubclass(event_class, DecoratedFuncCaller):
        # its apply calls the decorated method with the event's values it names, then
        # the apply of the classes after it (nothing, unless one defines its own)
        after: Any = super(DecoratedFuncCaller, event_class)
        if (
            event_class.apply is not DecoratedFuncCaller.apply
            or after.apply is not CanMutateAggregate.apply
            or event_class not in decorated_funcs
        ):
            return None
        method = decorated_funcs[event_class]
        method_names = tuple(inspect.signature(method).parameters)
    elif event_class.apply is not CanMutateAggregate.apply:
        return None
    return _Step(names, frozenset(names) - set(_NEXT), method, method_names)


def trigger(aggregate: Any, event_class: type, **values: Any) -> None:
    """``aggregate.trigger_event(event_class, **values)``, the ``@event`` method's event
    applied and pending on it: the same event and state, without the per-call
    introspection. A method decorated with ``@event`` is called with its values by
    name, as eventsourcing calls it."""
    try:
        step = _steps[event_class]
    except KeyError:
        step = _steps[event_class] = _step(event_class)
    if step is None or values.keys() != step.given:
        aggregate.trigger_event(event_class, **values)
        return
    version = aggregate.version + 1
    timestamp = event_class.create_timestamp()  # type: ignore[attr-defined]
    values["originator_id"] = aggregate.id
    values["originator_version"] = version
    values["timestamp"] = timestamp
    if type(values["originator_id"]) is not UUID:
        aggregate.trigger_event(event_class, **values)
        return
    happened: Any = object.__new__(event_class)
    happened.__dict__.update({name: values[name] for name in step.fields})
    # CanMutateAggregate.mutate: its id and version are right by construction
    if step.method is not None:
        step.method(aggregate, **{n: values[n] for n in step.method_names if n in values})
    else:
        happened.apply(aggregate)
    aggregate.version = version
    aggregate.modified_on = timestamp
    aggregate.pending_events.append(happened)
