"""Opening a shared PostgreSQL store from several workstations at once.

eventsourcing's PostgreSQL recorder creates its tables, types and insert
function every time an application starts (``CREATE ... IF NOT EXISTS`` and
``CREATE OR REPLACE FUNCTION``). Two workstations starting at the same moment
then race in the server's catalogue ("tuple concurrently updated", a duplicate
type). ``open_shared`` avoids the race:

* when the schema is already there (every start but the very first), nothing
  is created at all;
* when it is missing, the schema is created by one process at a time, under
  a PostgreSQL advisory lock, and looked for again once the lock is held;
* transient errors (a concurrent catalogue update, a serialization failure,
  a deadlock) are tried again a few times.

A server that cannot be reached, refuses the user, or refuses to create the
tables raises ``ServerProblem`` whose message says so in words, never as a
damaged file to restore.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: the advisory lock key of Houselights' schema creation ("HouseLit" in ASCII)
SCHEMA_LOCK_KEY = 0x486F7573654C6974
#: how often a transient error at start-up is tried again
ATTEMPTS = 6
#: the events table eventsourcing names after the application
EVENTS_TABLE = "houselights_events"
#: the first words of the messages of transient errors
TRANSIENT_WORDS = (
    "tuple concurrently updated",
    "tuple concurrently deleted",
    "could not serialize",
    "deadlock detected",
    "duplicate key value violates unique constraint",
    "already exists",
)
#: what a server says when it refuses a user or a database
REFUSAL_WORDS = (
    "password authentication failed",
    "no pg_hba.conf entry",
    "does not exist",
    "permission denied",
    "must be owner",
    "too many connections",
    "authentication",
)


class ServerProblem(Exception):
    """The shared store's server cannot be used; the message says why, in words."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind  # "unreachable" or "refused"


def server_of(env: dict[str, str]) -> str:
    return f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def describe_error(error: BaseException, env: dict[str, str]) -> ServerProblem | None:
    """A ``ServerProblem`` for a connection, refusal or permission error; None otherwise."""
    import psycopg

    where = server_of(env)
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for each in chain:
        text = str(each).lower()
        if isinstance(each, psycopg.errors.InsufficientPrivilege) or "permission denied" in text:
            return ServerProblem(
                f"The server at {where} refused user {env['POSTGRES_USER']!r}: "
                f"{_first_line(each)}. Ask whoever set up the server to give this user the "
                "right to create and use Houselights' tables.",
                "refused",
            )
        if any(word in text for word in REFUSAL_WORDS) and (
            isinstance(each, psycopg.OperationalError) or "connection" in text
        ):
            return ServerProblem(
                f"The server at {where} refused the connection: {_first_line(each)}. "
                "Check the user name, password and database name in the store address.",
                "refused",
            )
    for each in chain:
        text = str(each).lower()
        if isinstance(each, psycopg.OperationalError | OSError) or any(
            word in text
            for word in (
                "connection",
                "timeout expired",
                "could not connect",
                "server closed",
                "couldn't get a connection",
            )
        ):
            return ServerProblem(
                f"Cannot reach the server at {where} ({_first_line(each)}). Check that the "
                "server is running and this computer is on the office network, then try again.",
                "unreachable",
            )
    return None


def is_transient(error: BaseException) -> bool:
    """Whether an error at start-up is worth trying again (a race with another start)."""
    import psycopg

    seen = 0
    each: BaseException | None = error
    while each is not None and seen < 5:
        if isinstance(each, psycopg.errors.SerializationFailure | psycopg.errors.DeadlockDetected):
            return True
        text = str(each).lower()
        if any(word in text for word in TRANSIENT_WORDS):
            return True
        each = each.__cause__ or each.__context__
        seen += 1
    return False


def connect(env: dict[str, str], **options):
    """A connection of its own to the shared store that ``env`` (the eventsourcing
    settings) names, autocommitting; ``options`` go to ``psycopg.connect`` (a shorter
    ``connect_timeout``, server ``options``)."""
    import psycopg

    settings = {
        "connect_timeout": int(env.get("POSTGRES_CONNECT_TIMEOUT") or 10),
        "autocommit": True,
        **options,
    }
    return psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        **settings,
    )


def schema_ready(conn, env: dict[str, str]) -> bool:
    """Whether the events table and its insert function are there (created last,
    in the same transaction as the table: both there means all of it is)."""
    schema = env.get("POSTGRES_SCHEMA") or "public"
    table = conn.execute("SELECT to_regclass(%s)", (f"{schema}.{EVENTS_TABLE}",)).fetchone()[0]
    if table is None:
        return False
    found = conn.execute(
        "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = %s AND p.proname LIKE 'es_insert_events%%' LIMIT 1",
        (schema,),
    ).fetchone()
    return found is not None


def open_shared(
    env: dict[str, str],
    open_app: Callable[[dict[str, str]], T],
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``open_app(env)`` with ``CREATE_TABLE`` chosen: false when the schema exists,
    else true while this process holds the schema lock. Transient errors are tried
    again; server problems raise ``ServerProblem``."""
    last: BaseException | None = None
    for attempt in range(ATTEMPTS):
        try:
            return _open_once(env, open_app)
        except ServerProblem:
            raise
        except Exception as error:
            if not is_transient(error):
                problem = describe_error(error, env)
                if problem is not None:
                    raise problem from error
                raise
            last = error
            sleep(0.05 * (attempt + 1))
    assert last is not None
    raise last


def _open_once(env: dict[str, str], open_app: Callable[[dict[str, str]], T]) -> T:
    try:
        conn = connect(env)
    except Exception as error:
        problem = describe_error(error, env)
        if problem is not None:
            raise problem from error
        raise
    with conn:
        if schema_ready(conn, env):
            return open_app({**env, "CREATE_TABLE": "false"})
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        try:
            ready = schema_ready(conn, env)
            return open_app({**env, "CREATE_TABLE": "false" if ready else "true"})
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))
