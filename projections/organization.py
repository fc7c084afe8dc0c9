"""Read model: the organization's answers (name, country, time zone, currency), as
every workstation on the store sees them (``domain/organization.py``)."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from projections.base import Event, Projection, iso, run_script

FIELDS = ("name", "country", "timezone", "currency", "configured_at", "recorded_by", "workstation")


class OrganizationProfile(Projection):
    name = "organization"
    version = 1
    tables = ("organization",)

    def __init__(self) -> None:
        super().__init__()
        self.on("Organization.Configured", "Organization.Changed")(self._configured)

    def create(self, db: Database) -> None:
        run_script(
            db,
            """
            CREATE TABLE IF NOT EXISTS organization (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                name TEXT NOT NULL,
                country TEXT NOT NULL,
                timezone TEXT NOT NULL,
                currency TEXT NOT NULL,
                configured_at TEXT NOT NULL,
                recorded_by TEXT NOT NULL,
                workstation TEXT NOT NULL
            );
            """,
        )

    def _configured(self, db: Database, e: Event, position: int) -> None:
        db.conn.execute(
            "INSERT OR REPLACE INTO organization VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.name,
                e.country,
                e.timezone,
                e.currency,
                iso(e.occurred_at),
                e.recorded_by,
                e.workstation,
            ),
        )


def profile(db: Database) -> dict[str, str] | None:
    """The answers and who gave them last (None: the store has none yet)."""
    try:
        row = db.conn.execute(f"SELECT {', '.join(FIELDS)} FROM organization").fetchone()
    except sqlite3.OperationalError:  # read models made before this projection
        return None
    return dict(zip(FIELDS, row, strict=True)) if row else None
