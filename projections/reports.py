"""The manager's reports as plain rows (dicts), read from the box-office read model.

Read-only queries, no Qt: the reports screen (``desktop/report_catalog.py``)
and the command line (``houselights report ...``) print the same figures.
Money is integer cents; moments ISO UTC text; months ``YYYY-MM`` (UTC).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from projections.base import iso

#: the sales channels, in the order the report lists them
CHANNEL_LABELS = {
    "online": "Online (imported)",
    "box_office": "Box office",
    "phone": "Phone",
    "walk_up": "Walk-up",
    "subscription": "Subscriptions",
}


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def attendance(db: Database, now: datetime | None = None) -> list[dict[str, Any]]:
    """Performances that have started, earliest first: id, title, starts_at, capacity,
    sold, admitted, no_shows (sold but not admitted) and no_show_rate (0..1; None when
    nothing was sold)."""
    rows = _dicts(
        db.conn.execute(
            "SELECT id, title, starts_at, capacity, sold, admitted FROM bo_performances"
            " WHERE starts_at <= ? ORDER BY starts_at, title, id",
            (iso(now or datetime.now(tz=UTC)),),
        )
    )
    for row in rows:
        row["no_shows"] = max(0, row["sold"] - row["admitted"])
        row["no_show_rate"] = round(row["no_shows"] / row["sold"], 4) if row["sold"] else None
    return rows


def sales_channels(db: Database) -> list[dict[str, Any]]:
    """Per channel: orders, tickets, revenue_cents (less refunds), known (orders whose
    buyer we know), attendees (tickets held by a named patron other than the buyer:
    contacts captured beyond the buyers) and lost (anonymous orders: contacts lost).
    Subscriptions count as a channel of their own (one order per subscription, one
    ticket per performance)."""
    found = {
        row["channel"]: row
        for row in _dicts(
            db.conn.execute(
                "SELECT channel, count(*) AS orders, sum(quantity) AS tickets,"
                " sum(total_cents - refunded_cents) AS revenue_cents,"
                " count(patron_id) AS known, sum(lost_contact) AS lost"
                " FROM bo_orders GROUP BY channel"
            )
        )
    }
    attendees = dict(
        db.conn.execute(
            "SELECT o.channel, count(*) FROM bo_tickets t"
            " JOIN bo_orders o ON o.order_id = t.order_id"
            " WHERE t.patron_id IS NOT NULL AND t.patron_id IS NOT o.patron_id"
            " AND t.status != 'replaced'"
            " GROUP BY o.channel"
        ).fetchall()
    )
    for channel, row in found.items():
        row["attendees"] = attendees.get(channel, 0)
    orders, tickets, revenue = db.conn.execute(
        "SELECT count(*), coalesce(sum(json_array_length(performance_ids)), 0),"
        " coalesce(sum(price_cents - refunded_cents), 0) FROM bo_subscriptions"
    ).fetchone()
    if orders:
        found["subscription"] = {
            "channel": "subscription",
            "orders": orders,
            "tickets": tickets,
            "revenue_cents": revenue,
            "known": orders,
            "attendees": 0,
            "lost": 0,
        }
    ordered = [c for c in CHANNEL_LABELS if c in found] + sorted(set(found) - set(CHANNEL_LABELS))
    return [
        {**found[c], "label": CHANNEL_LABELS.get(c, c.replace("_", " ").capitalize())}
        for c in ordered
    ]


def revenue_by_performance(db: Database) -> list[dict[str, Any]]:
    """Every performance, earliest first: id, title, starts_at, sold and revenue_cents
    (tickets and subscription shares, less refunds)."""
    return _dicts(
        db.conn.execute(
            "SELECT id, title, starts_at, sold, revenue_cents FROM bo_performances"
            " ORDER BY starts_at, title, id"
        )
    )


def revenue_by_month(db: Database) -> list[dict[str, Any]]:
    """Per month (UTC) of sale, earliest first: tickets_cents (orders less their refunds),
    subscriptions_cents, memberships_cents, donations_cents and total_cents."""
    months: dict[str, dict[str, Any]] = {}
    sources = (
        (
            "tickets_cents",
            "SELECT substr(placed_at, 1, 7), sum(total_cents - refunded_cents)"
            " FROM bo_orders GROUP BY 1",
        ),
        (
            "subscriptions_cents",
            "SELECT substr(purchased_at, 1, 7),"
            " sum(price_cents - refunded_cents) FROM bo_subscriptions"
            " GROUP BY 1",
        ),
        (
            "memberships_cents",
            "SELECT substr(started_at, 1, 7), sum(price_cents) FROM bo_memberships GROUP BY 1",
        ),
        (
            "donations_cents",
            "SELECT substr(received_at, 1, 7), sum(amount_cents) FROM bo_donations GROUP BY 1",
        ),
    )
    keys = [key for key, _ in sources]
    for key, sql in sources:
        for month, cents in db.conn.execute(sql):
            row = months.setdefault(month, {"month": month, **dict.fromkeys(keys, 0)})
            row[key] = cents or 0
    rows = [months[m] for m in sorted(months)]
    for row in rows:
        row["total_cents"] = sum(row[k] for k in keys)
    return rows
