"""Which of many aggregate ids have events in the store, in one query per 500 ids.

An import asks this for every order and ticket of a chunk at once instead of
reading each aggregate (a few hundred microseconds each: minutes for a big file).
``install(store)`` gives ``Store.stored_ids`` (``app.stored_ids``) this query for
the store it was opened on; without it the store asks id by id (correct, only
slower).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

PART = 500


def _sqlite(recorder, ids: list[UUID]) -> set[UUID]:
    marks = ",".join("?" * len(ids))
    statement = (
        f"SELECT DISTINCT originator_id FROM {recorder.events_table_name} "
        f"WHERE originator_id IN ({marks})"
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, [i.hex for i in ids])
        return {UUID(row[0]) for row in cursor.fetchall()}


def _postgres(recorder, ids: list[UUID]) -> set[UUID]:
    from psycopg.sql import SQL, Identifier

    statement = SQL("SELECT DISTINCT originator_id FROM {} WHERE originator_id = ANY(%s)").format(
        Identifier(recorder.events_table_name)
    )
    with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute(statement, (ids,))
        return {UUID(str(row["originator_id"])) for row in cursor.fetchall()}


def query_for(recorder):
    """``ids -> set of stored ids`` for this recorder, or None for one we do not know."""
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    if isinstance(recorder, SQLiteAggregateRecorder):
        part_query = _sqlite
    else:
        try:
            from eventsourcing.postgres import PostgresAggregateRecorder
        except ImportError:  # pragma: no cover - psycopg is a dependency
            return None
        if not isinstance(recorder, PostgresAggregateRecorder):
            return None
        part_query = _postgres

    def stored(ids: Iterable[UUID]) -> set[UUID]:
        ids = list(dict.fromkeys(ids))
        found: set[UUID] = set()
        for start in range(0, len(ids), PART):
            found |= part_query(recorder, ids[start : start + PART])
        return found

    return stored


def install(store) -> None:
    """Let ``store.stored_ids`` use one query per 500 ids."""
    store.stored_ids_query = query_for(store.recorder)
