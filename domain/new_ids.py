"""Ids of new patrons: UUID version 7 (RFC 9562), which sort in the order they were made.

A random id (version 4) puts each new patron at a random place of every index keyed by
patron: the event store's primary key and a dozen read-model indexes (the timeline's,
the door's, the box office's, the ladder's...). An import that registers thousands of
patrons then changes a page of each of those indexes for nearly every patron, and at
the design size (100,000 patrons) those pages are most of the indexes: written to the
log, copied into the file, and read again when the page cache cannot hold them all.
Ids that grow with time put a batch of new patrons side by side at one place of each
index (its end, once every patron has such an id): a 20,000-row import with 3,654 new
patrons into the design-size organization changed 48,000 read-model pages instead of
83,000 (docs/performance.md).

Ids made from a natural key (a ticket's code, an order's reference, a contact key:
``domain/natural_ids.py``) stay as they are: the same key must always give the same id.

The first 48 bits are the moment in milliseconds since 1970, then the version (7), a
12-bit sequence, the variant and 62 random bits. The sequence starts at a random
value each millisecond and counts up within it; should the clock go back, or more than
the sequence can count be made in one millisecond, the moment is carried forward from
the last id. So ids made in this process always increase, and ids made elsewhere
differ by their random bits.

Such an id tells when the patron was registered, to the millisecond. The patron's first
event says so too, and the moment stays after an erasure (docs/guide/erasure.md, *What
stays*), so the id gives nothing away.
"""

from __future__ import annotations

import os
import threading
import time
from uuid import UUID

_VERSION = 0x7 << 76
_VARIANT = 0b10 << 62
_SEQUENCE_TOP = 0xFFF
#: a new millisecond's sequence starts below this, so it has room to count up
_SEQUENCE_START = 0x800
_RANDOM_BITS = (1 << 62) - 1

#: the clock the ids are read from (nanoseconds since 1970), and their random bytes
_clock = time.time_ns
_noise = os.urandom
_lock = threading.Lock()
_last_ms = 0
_sequence = 0


def time_ordered_uuid() -> UUID:
    """A new UUID version 7, greater than any this process made before."""
    global _last_ms, _sequence
    now_ms = _clock() // 1_000_000
    noise = int.from_bytes(_noise(10), "big")
    with _lock:
        if now_ms > _last_ms:
            _last_ms, _sequence = now_ms, (noise >> 64) % _SEQUENCE_START
        elif _sequence < _SEQUENCE_TOP:
            _sequence += 1
        else:
            _last_ms, _sequence = _last_ms + 1, 0
        moment, sequence = _last_ms, _sequence
    return UUID(int=moment << 80 | _VERSION | sequence << 64 | _VARIANT | noise & _RANDOM_BITS)
