"""Aggregate ids made from natural keys (a ticket's code, an order's reference, a
contact key): ``uuid.uuid5``, the same ids, made in half the time.

An import makes tens of thousands of them (each ticket, order and new contact key,
some more than once); the standard library's ``uuid5`` builds the UUID from bytes
and sets its version through its slower general constructor.
"""

from __future__ import annotations

from functools import lru_cache
from hashlib import sha1
from uuid import UUID, SafeUUID

#: the version (5) and variant (RFC 4122) bits, as ``uuid.UUID(bytes=..., version=5)`` sets them
_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (5 << 76) | (0x8000 << 48)


_new = object.__new__
_set = object.__setattr__


def name_uuid(namespace: UUID, name: str) -> UUID:
    """``uuid.uuid5(namespace, name)``."""
    digest = sha1(namespace.bytes + name.encode("utf-8"), usedforsecurity=False).digest()
    # what UUID(int=...) sets (its two slots), without its checks of the arguments:
    # the value is 128 bits by construction
    made = _new(UUID)
    _set(made, "int", int.from_bytes(digest[:16], "big") & _CLEAR | _SET)
    _set(made, "is_safe", SafeUUID.unknown)
    return made


@lru_cache(maxsize=65536)  # an import names each performance and buyer by its id again and again
def uuid_of(text: str) -> UUID:
    """``UUID(text)`` (``ValueError`` for text that is no id)."""
    return UUID(text)
