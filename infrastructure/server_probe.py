"""Does the shared server answer? A cheap look that never hangs, and a pool that
reconnects promptly once it does.

While the door decides by itself (``infrastructure.offline_door``), its background sync
asks ``ServerProbe.answers()`` every few seconds: a fresh connection (``connect_timeout``
of ``PROBE_SECONDS``) and ``SELECT 1`` under a ``statement_timeout``, on a thread of its
own that the caller waits for at most ``PROBE_SECONDS`` plus a second. A stalled network
(connections accepted, nothing forwarded) therefore costs the caller that long and no
more; a probe still hanging is not started twice.

Only when the probe answers are the queued scans sent, through the application's
connection pool. That pool would otherwise come back slowly: psycopg_pool retries a
lost connection with a doubling delay (1, 2, 4 ... 64 s) for five minutes, and its
connections have no connect timeout of their own. ``bounded_reconnects`` gives them one
and lets a failing reconnection give up after ``RECONNECT_SECONDS`` (the next request
then connects at once); ``fresh_connections`` drops the connections kept from before the
outage (a changed network leaves them open but dead), so the first send after the
server is back does not wait on one of them.
"""

from __future__ import annotations

import logging
import math
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

log = logging.getLogger(__name__)

#: how long one look at the server may take (connecting, then ``SELECT 1``)
PROBE_SECONDS = 2.0
#: how long the pool keeps retrying a lost connection before the next request retries
RECONNECT_SECONDS = 4.0
#: the pool's connections: connect timeout and TCP keepalives (a vanished server is
#: noticed in about 20 s instead of the system's two hours)
POOL_CONNECT = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
}


class ServerProbe:
    """``answers()``: whether the server ``env`` names takes a fresh connection and a
    ``SELECT 1`` within ``timeout`` seconds. Safe to call from any thread but the GUI's
    (it waits up to ``timeout`` + 1 s, twice when the last look still hangs)."""

    def __init__(self, env: dict[str, str], timeout: float = PROBE_SECONDS) -> None:
        self.env = env
        #: whole seconds: libpq's connect timeout (it takes 2 s at least)
        self.timeout = max(2, math.ceil(timeout))
        self._lock = threading.Lock()
        self._running: Future | None = None

    def answers(self) -> bool:
        with self._lock:
            running = self._running
        if running is not None and not self._waited(running):
            return False  # the last look still hangs: the network is not back
        future: Future = Future()
        with self._lock:
            self._running = future
        threading.Thread(
            target=self._look, args=(future,), daemon=True, name="server-probe"
        ).start()
        return self._waited(future) and bool(future.result())

    def _waited(self, future: Future) -> bool:
        """Whether ``future`` is done within the look's bound (its timeout and a second)."""
        try:
            future.result(self.timeout + 1.0)
        except FutureTimeout:
            log.info("server probe: no answer within %d s", self.timeout)
            return False
        return True

    def _look(self, future: Future) -> None:
        try:
            future.set_result(self.look())
        except BaseException as error:  # noqa: BLE001 - a failed look is a "no"
            log.info("server probe: %s", type(error).__name__)
            future.set_result(False)

    def look(self) -> bool:
        """One look, on this thread: connect, ``SELECT 1``, close."""
        from infrastructure.shared_store import connect

        seconds = self.timeout
        with connect(
            self.env, connect_timeout=seconds, options=f"-c statement_timeout={seconds * 1000}"
        ) as conn:
            row = conn.execute("SELECT 1").fetchone()
        return row is not None and row[0] == 1


def _pool(app: Any):
    """The psycopg_pool of ``app``'s PostgreSQL store; None for another store."""
    datastore = getattr(getattr(app, "recorder", None), "datastore", None)
    pool = getattr(datastore, "pool", None)
    return pool if hasattr(pool, "reconnect_timeout") else None


def bounded_reconnects(app: Any, connect_timeout: float = 10.0) -> None:
    """Give the pool of ``app``'s shared store a connect timeout and keepalives, and let
    a lost connection's retries give up after ``RECONNECT_SECONDS`` (see the module)."""
    pool = _pool(app)
    if pool is None:
        return
    pool.kwargs = {
        **pool.kwargs,
        **POOL_CONNECT,
        "connect_timeout": max(1, round(connect_timeout)),
    }
    pool.reconnect_timeout = RECONNECT_SECONDS


def fresh_connections(app: Any) -> None:
    """Close the pool's idle connections and open new ones (psycopg_pool's ``drain``):
    after an outage they may be open but dead. Connections in use are replaced when
    they come back."""
    pool = _pool(app)
    if pool is not None and not pool.closed:
        pool.drain()
