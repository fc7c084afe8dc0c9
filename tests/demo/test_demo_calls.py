"""The demo organization has calls, chats (some waiting) and follow-ups (some overdue)."""

from __future__ import annotations

from datetime import UTC, datetime

from demo import organization as demo
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import conversations, timeline

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def make(folder) -> tuple:
    services = bootstrap(resolve(folder))
    result = demo.generate(services.app, 240, seed=5, now=NOW)
    services.runner.catch_up()
    return services, result


def test_the_demo_has_calls_chats_and_follow_ups(tmp_path):
    services, result = make(tmp_path / "a")
    try:
        db = services.runner.db()
        counts = conversations.follow_up_counts(db, NOW.date())
        assert counts["overdue"] > 0 and counts["upcoming"] + counts["today"] > 0
        assert result["calls"] > 0 and result["chats"] > result["chats_waiting"] > 0
        assert len(conversations.waiting_chats(db)) == result["chats_waiting"]
        assert len(conversations.quick_answers(db)) == 5
        caller = conversations.calls(db)[0]["patron_id"]
        assert "call" in {r["kind"] for r in timeline.rows(db, caller)}
        linked = db.conn.execute(
            "SELECT patron_id FROM chats WHERE patron_id IS NOT NULL LIMIT 1"
        ).fetchone()[0]
        assert "chat" in {r["kind"] for r in timeline.rows(db, linked)}
        assert conversations.search_chats(db, "parking") or conversations.search_chats(db, "loop")
    finally:
        services.close()


def test_the_same_seed_gives_the_same_calls_and_chats(tmp_path):
    def story(folder):
        services, _ = make(folder)
        try:
            db = services.runner.db()
            return (
                db.conn.execute(
                    "SELECT occurred_at, reason, notes FROM calls ORDER BY 1"
                ).fetchall(),
                db.conn.execute(
                    "SELECT conversation_id, transcript FROM chats ORDER BY 1"
                ).fetchall(),
            )
        finally:
            services.close()

    assert story(tmp_path / "a") == story(tmp_path / "b")
