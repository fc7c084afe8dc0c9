"""``houselights sync --json`` and ``status --json``, pinned byte for byte, and the plain
values of the offline door's ``sync()`` and ``state()``.

Written while those results were plain dicts, before they became frozen dataclasses
(issue 21), so that the change is shown to change nothing a script reads.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from desktop.cli import main
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.door_proxy import DROP, PASS, FlakyProxy


def plain(result) -> dict:
    """A result as the plain values a script or the JSON output sees."""
    return result.to_json()


def printed(capsys, *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    return status, capsys.readouterr().out


def status_line(data: str, store: str, location: str, out: str, queued: int) -> str:
    """What ``status --json`` prints, key by key in its order (the counts read back)."""
    shown = json.loads(out)
    expected = {
        "organization": "Our Theatre",
        "organization_set_up": False,
        "events": shown["events"],
        "queued": queued,
        "patrons": shown["patrons"],
        "projections": shown["projections"],
        "store": store,
        "location": location,
        "data": data,
    }
    assert isinstance(shown["events"], int) and isinstance(shown["patrons"], int)
    assert all(set(p) == {"position", "lag"} for p in shown["projections"].values())
    return json.dumps(expected) + "\n"


def test_sync_and_status_on_this_computer_are_pinned(capsys, tmp_path):
    data = str(tmp_path / "data")
    status, out = printed(capsys, "--data", data, "sync", "--json")
    assert (status, out) == (0, '{"sent": 0, "conflicts": 0, "left": 0}\n')
    status, out = printed(capsys, "--data", data, "status", "--json")
    assert status == 0
    config = resolve(data)
    assert out == status_line(data, "sqlite", config.describe(), out, 0)

    services = bootstrap(config)
    try:
        assert plain(services.door().sync()) == {"sent": 0, "conflicts": 0, "left": 0}
        assert list(plain(services.door().state()).items()) == [
            ("offline", False),
            ("queued", 0),
        ]
    finally:
        services.close()


def test_sync_and_status_with_the_server_gone_and_back_are_pinned(capsys, tmp_path, postgres_db):
    office = bootstrap(
        resolve(tmp_path / "office", store=postgres_db), staff="maria", workstation="box-office"
    )
    parts = urlsplit(postgres_db)
    proxy = FlakyProxy(parts.hostname, parts.port)
    try:
        app = office.app
        show = app.schedule_performance(
            app.create_production("Aida"),
            datetime.now(tz=UTC) + timedelta(hours=2),
            50,
            {"Adult": 900},
        )
        code, second = app.sell_tickets(show, {"Adult": 2}).codes
        url = proxy.url(postgres_db)
        north, south = str(tmp_path / "north"), str(tmp_path / "south")
        for data in (north, south):
            assert printed(capsys, "--data", data, "--store", url, "performances")[0] == 0
        proxy.set_mode(DROP)
        for data, door in ((north, "North door"), (south, "South door")):
            argv = ["--data", data, "--store", url, "check-in", code, "--performance", show]
            assert printed(capsys, *argv, "--door", door, "--json")[0] == 0
        argv = ["--data", north, "--store", url, "check-in", second, "--performance", show]
        assert printed(capsys, *argv, "--json")[0] == 0

        status, out = printed(capsys, "--data", north, "--store", url, "sync", "--json")
        assert status == 1
        shown = json.loads(out)
        assert shown["error"].startswith("The shared store did not answer (")
        assert shown["error"].endswith(
            "). 2 scans still waiting; nothing is lost. Try again when the network or the "
            "server is back."
        )
        left = {"sent": 0, "conflicts": 0, "left": 2, "error": shown["error"]}
        assert out == json.dumps(left) + "\n"

        proxy.set_mode(PASS)
        location = resolve(north, store=url).describe()
        status, out = printed(capsys, "--data", north, "--store", url, "status", "--json")
        assert (status, out) == (0, status_line(north, "postgresql", location, out, 2))
        status, out = printed(capsys, "--data", south, "--store", url, "sync", "--json")
        assert (status, out) == (0, '{"sent": 1, "conflicts": 0, "left": 0}\n')
        status, out = printed(capsys, "--data", north, "--store", url, "sync", "--json")
        assert (status, out) == (0, '{"sent": 2, "conflicts": 1, "left": 0}\n')
        status, out = printed(capsys, "--data", north, "--store", url, "sync", "--json")
        assert (status, out) == (0, '{"sent": 0, "conflicts": 0, "left": 0}\n')
        status, out = printed(capsys, "--data", north, "--store", url, "status", "--json")
        assert (status, out) == (0, status_line(north, "postgresql", location, out, 0))

        services = bootstrap(resolve(tmp_path / "west", store=url), workstation="west")
        front = services.door()
        try:
            proxy.set_mode(DROP)
            assert front.scan(second, show, "West door").offline is True
            assert list(plain(front.state()).items()) == [("offline", True), ("queued", 1)]
            proxy.set_mode(PASS)
            assert list(plain(front.sync()).items()) == [
                ("sent", 1),
                ("conflicts", 0),
                ("left", 0),
            ]
            assert plain(front.state()) == {"offline": False, "queued": 0}
        finally:
            front.close()
            services.close()
    finally:
        proxy.close()
        office.close()
