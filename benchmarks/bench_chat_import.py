"""How fast chats are read and imported (prints figures; asserts nothing).

    uv run python benchmarks/bench_chat_import.py [--chats 5000] [--patrons 2000]

Writes a tawk.to-style JSON export of ``--chats`` conversations (four
messages each; two in three from a patron on file, found by email), then times
reading it, the import, a second (idempotent) import, and a transcript search
in the read model.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from imports.chat_formats import read_chat_file
from imports.chat_import import import_chats
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import conversations


def export(path: Path, chats: int, patrons: int) -> None:
    items = []
    for n in range(chats):
        email = f"fan{n % patrons}@example.org" if n % 3 else f"stranger{n}@example.net"
        messages = [
            {
                "sender": {"t": "v" if i % 2 == 0 else "a", "n": "Fan" if i % 2 == 0 else "Maria"},
                "type": "msg",
                "msg": f"Message {i} of chat {n} about parking and refunds",
                "time": f"2026-11-{1 + n % 28:02d}T1{i}:{n % 60:02d}:00Z",
            }
            for i in range(4)
        ]
        items.append(
            {
                "chatId": f"bench-{n}",
                "chat": {
                    "id": f"bench-{n}",
                    "visitor": {"name": f"Fan {n}", "email": email},
                    "messages": messages,
                },
            }
        )
    path.write_text(json.dumps(items), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--patrons", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        services = bootstrap(resolve(Path(folder) / "data"))
        app = services.app
        with app.batch():
            for n in range(args.patrons):
                app.register_patron(
                    "Fan", f"Number{n}", email=f"fan{n}@example.org", allow_duplicate=True
                )
        path = Path(folder) / "chats.json"
        export(path, args.chats, args.patrons)
        started = time.perf_counter()
        chats = read_chat_file(path, timezone="UTC")
        read = time.perf_counter() - started
        started = time.perf_counter()
        report = import_chats(app, chats)
        imported = time.perf_counter() - started
        started = time.perf_counter()
        again = import_chats(app, chats)
        second = time.perf_counter() - started
        services.runner.catch_up()
        db = services.runner.db()
        started = time.perf_counter()
        for _ in range(100):
            conversations.search_chats(db, "refunds chat 4")
        search_ms = (time.perf_counter() - started) * 10
        services.close()
    print(f"{args.chats:,} chats ({args.patrons:,} patrons on file)")
    print(f"read the file:     {read:6.2f} s")
    rate = args.chats / imported
    print(f"import:            {imported:6.2f} s  ({rate:,.0f} chats/s), ", end="")
    print(f"{report['linked']:,} linked, {report['unmatched']:,} waiting")
    print(f"import again:      {second:6.2f} s  (imported {again['imported']})")
    print(f"transcript search: {search_ms:6.2f} ms per query")


if __name__ == "__main__":
    main()
