"""The real window under a real X server, typed at by xdotool like a USB scanner.

A keyboard-wedge scanner is emulated as a volunteer meets it: the code's keys and
its Enter reach the X server in one go and are pressed one after the other, as a
scanner's chip sends them (``xtest_keyboard``: ``xdotool type`` makes round trips
between keys, so a moment of xdotool waiting for a core was a gap in the "scan");
a person types with xdotool, 150 ms between keys. The app runs as
its own process (``python -m desktop.cli``) on a temporary data folder holding
a small demo organization; what it recorded is read back from the event store
by polling with a deadline (a failure timeout, never a speed assertion).
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from uuid import UUID

import pytest

from demo import organization as demo
from desktop.settings import SETTINGS
from desktop.views.door.door import pick_performance
from domain.application import Houselights
from domain.ticket_codes import new_code, ticket_id
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from projections import door as door_read_model
from tests.desktop.xtest_keyboard import scanner_keys

ROOT = Path(__file__).resolve().parents[2]
#: failure timeouts: how long to wait for the window or for what it records
DEADLINE_S = 60
#: keys closer together than this are a scanner's: the app's setting, left at its default
#: as a volunteer has it (a scan's keys are pressed by the X server within a millisecond
#: of each other, see ``scanner``)
SCANNER_GAP_MS = SETTINGS["door/scanner_gap_ms"].default
#: a person's keys are this far apart at least (xdotool sleeps after the server has
#: pressed a key, so a busy machine only ever spreads them wider): a person's, not a scan
PERSON_GAP_MS = 150
assert PERSON_GAP_MS > SCANNER_GAP_MS


@pytest.fixture(scope="module")
def display():
    """An Xvfb display of its own (skipped only off CI when Xvfb or xdotool is missing)."""
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs {', '.join(missing)} for the real X server test")
        pytest.skip(f"{', '.join(missing)} not installed")
    # Xvfb picks a free display number itself and says which once it listens there: two
    # test runs at once never pick the same one (a number checked free here could be
    # taken by the other run before this Xvfb got it)
    readable, writable = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(writable), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(writable,),
    )
    os.close(writable)
    said = b""
    with os.fdopen(readable, "rb") as told:
        while not said.endswith(b"\n"):
            ready, _, _ = select.select([told], [], [], DEADLINE_S)
            assert ready, "Xvfb never opened a display"
            chunk = os.read(told.fileno(), 16)
            assert chunk, "Xvfb stopped before it opened a display"
            said += chunk
    number = int(said)
    yield f":{number}"
    server.terminate()
    server.wait(10)


@pytest.fixture
def organization(tmp_path) -> dict:
    """A demo organization, and four tickets of tonight's performance for Ada."""
    data = tmp_path / "data"
    services = bootstrap(resolve(data), staff="maria", workstation="box-office-1")
    try:
        app = services.app
        demo.generate(app, 40, seed=17)
        services.runner.catch_up()
        rows = door_read_model.performances(services.runner.db())
        from datetime import UTC, datetime

        shown = pick_performance(rows, datetime.now(tz=UTC))
        ada = app.register_patron("Ada", "Lovelace", email="ada@example.org")
        level = next(iter(price_levels(services, shown)))
        sale = app.sell_tickets(shown, {level: 4}, patron_id=ada, codes=doubled_codes(4))
        services.runner.catch_up()
    finally:
        services.close()
    # an office that has set itself up: the window opens on its area, not the assistant
    from desktop.cli import main as houselights

    assert (
        houselights(
            [
                "--data",
                str(data),
                "setup",
                "--organization",
                "Lantern Theatre",
                "--timezone",
                "UTC",
                "--currency",
                "USD",
            ]
        )
        == 0
    )
    return {
        "data": data,
        "performance": shown,
        "ada": ada,
        "codes": sale.codes,
        "order": sale.order_id,
    }


def doubled_codes(count: int) -> list[str]:
    """Houselights codes as the box office makes them, each with a digit and a doubled
    character ("C99X"): half of all codes have one, and Qt calls the second key of a
    pair a held key's repeat when the app was busy while they came."""
    codes: list[str] = []
    while len(codes) < count:  # half of all codes qualify: a few tries
        code = new_code()
        doubled = any(code[i] == code[i + 1] for i in range(len(code) - 1))
        if doubled and any(c.isdigit() for c in code):
            codes.append(code)
    return codes


def price_levels(services, performance_id: str) -> dict:
    from projections import box_office

    return box_office.performance(services.runner.db(), performance_id)["price_levels"]


def launch(display: str, tmp_path: Path, data: Path, area: str) -> subprocess.Popen:
    """The app as a user starts it, on ``area``; its settings in a folder of its own."""
    config = tmp_path / f"config-{area}"
    (config / "Houselights").mkdir(parents=True)
    (config / "Houselights" / "Houselights.conf").write_text(
        f"[ui]\nlast_area={area}\n\n[door]\nsounds=false\n"
    )
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_CONFIG_HOME": str(config),
        "PYTHONPATH": str(ROOT),
    }
    for _attempt in range(CONNECT_ATTEMPTS):
        app = subprocess.Popen(
            [sys.executable, "-m", "desktop.cli", "--data", str(data)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if window_or_exit(display, "^Houselights", app) is not None:
            return app
        output = app.communicate()[0]
        assert "could not connect to display" in output, output
    pytest.fail(f"the app never connected to the X server {display}")


#: Xvfb refuses a connection now and then (about 1 in 300 here, one client at a time,
#: with nothing else running): a refused connection is made again, up to this often
CONNECT_ATTEMPTS = 3
REFUSED = "Can't open display"


def run_xdotool(display: str, *args: str) -> subprocess.CompletedProcess:
    for _attempt in range(CONNECT_ATTEMPTS):
        done = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, "DISPLAY": display},
            capture_output=True,
            text=True,
            timeout=DEADLINE_S,
        )
        if REFUSED not in done.stderr:
            break
    return done


def xdotool(display: str, *args: str) -> str:
    done = run_xdotool(display, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def search_windows(display: str, name: str) -> list[str] | None:
    """The windows on screen whose title matches ``name`` (none: an empty list), or
    None when a window closed while xdotool was looking at it: xdotool lists the
    windows, then asks about each, and stops at one that is gone (BadWindow)."""
    done = run_xdotool(display, "search", "--onlyvisible", "--name", name)
    if done.returncode != 0 and "BadWindow" in done.stderr:
        return None
    assert done.returncode == 0 or not done.stderr, done.stderr  # 1 alone: none matched
    return done.stdout.split()


def window_or_exit(display: str, name: str, app: subprocess.Popen) -> str | None:
    """The first window on screen whose title matches ``name``, once there is one (a
    search that met a closing window is asked again, within the same deadline), or
    None once the app has ended."""
    deadline = time.monotonic() + DEADLINE_S
    while not (found := search_windows(display, name)):
        if app.poll() is not None:
            return None
        assert time.monotonic() < deadline, f"no window {name} ever showed"
        time.sleep(0.05)
    return found[0]


def wait_for_window(display: str, name: str, app: subprocess.Popen) -> str:
    """The first window whose title matches ``name``, the app still running."""
    window = window_or_exit(display, name, app)
    assert window is not None, app.communicate()[0]
    return window


def focused_window(display: str, app: subprocess.Popen) -> str:
    """Wait for the main window to be on screen, then give it the keyboard."""
    window = wait_for_window(display, "^Houselights", app)
    xdotool(display, "windowfocus", "--sync", window)
    assert app.poll() is None, app.communicate()[0]
    return window


#: what a keypad sends with NumLock off, digit by digit (End is 1, Down 2, Page Down 3...)
NUMLOCK_OFF = {
    "0": "KP_Insert",
    "1": "KP_End",
    "2": "KP_Down",
    "3": "KP_Next",
    "4": "KP_Left",
    "5": "KP_Begin",
    "6": "KP_Right",
    "7": "KP_Home",
    "8": "KP_Up",
    "9": "KP_Prior",
}


def scanner(display: str, code: str) -> None:
    """A USB scanner reading ``code``: its keys and Enter, pressed by the X server
    back to back, whatever this process and xdotool are waiting for."""
    scanner_keys(display, [*code, "Return"])


def person(display: str, text: str) -> None:
    # xdotool type sleeps half its --delay after a key's press, half after its release
    xdotool(display, "type", "--delay", str(2 * PERSON_GAP_MS), text)


def quit_app(display: str, app: subprocess.Popen) -> str:
    xdotool(display, "key", "ctrl+q")
    try:
        out, _ = app.communicate(timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        app.kill()
        out, _ = app.communicate()
    return out


class Store:
    """Reads what the running app recorded, straight from the event store."""

    def __init__(self, data: Path):
        self.data = data
        self.app = Houselights(env=resolve(data).eventsourcing_env())

    def admitted_door(self, code: str) -> str | None:
        ticket = self.app.repository.get(ticket_id(code))
        return ticket.admitted_door if ticket.admitted else None

    def notes(self, patron_id: str) -> str:
        return str(self.app.repository.get(UUID(patron_id)).notes)

    def count(self) -> int:
        return self.app.event_count()

    def recorded_since(self, position: int) -> list[tuple[str, str]]:
        """What was recorded after ``position``: (aggregate id, event name), in order."""
        notifications = self.app.store.recorder.select_notifications(position + 1, 1000)
        return [(str(n.originator_id), n.topic.rsplit(".", 1)[-1]) for n in notifications]

    def wait_for(self, what, app: subprocess.Popen, display: str, step: str) -> None:
        deadline = time.monotonic() + DEADLINE_S
        while not what():
            assert app.poll() is None, app.communicate()[0]
            if time.monotonic() > deadline:
                shot = self.data.parent / f"{step}.png"
                subprocess.run(
                    ["import", "-window", "root", str(shot)],
                    check=False,
                    env={**os.environ, "DISPLAY": display},
                )
                pytest.fail(f"{step}: the app never recorded it (screen: {shot})")
            time.sleep(0.05)


def test_scans_and_typing_through_a_real_x_server(display, organization, tmp_path):
    codes, data = organization["codes"], organization["data"]
    store = Store(data)
    # -- the Door: a scan and a code typed by a person both check in ---------------------
    app = launch(display, tmp_path, data, "door")
    try:
        focused_window(display, app)
        scanner(display, codes[0])
        store.wait_for(
            lambda: store.admitted_door(codes[0]) == "Main door", app, display, "door-scan"
        )
        person(display, codes[1].lower())
        xdotool(display, "key", "Return")
        store.wait_for(
            lambda: store.admitted_door(codes[1]) == "Main door", app, display, "door-typed"
        )

        # -- Patrons: a scan opens Ada's page (it never lands in the search box) -----------
        xdotool(display, "key", "ctrl+f")
        before = store.count()
        scanner(display, codes[2])
        person(display, "Asked about parking")
        xdotool(display, "key", "ctrl+Return")
        store.wait_for(
            lambda: "Asked about parking" in store.notes(organization["ada"]),
            app,
            display,
            "patrons-scan",
        )
        assert store.admitted_door(codes[2]) is None  # looked up, not checked in
        assert store.count() == before + 1  # the note, nothing else
    finally:
        quit_app(display, app)

    # -- Box office: the scanner's Enter never opens Sell tickets -----------------------
    app = launch(display, tmp_path, data, "box_office")
    try:
        focused_window(display, app)
        xdotool(display, "key", "Tab")  # into the performance table, as a volunteer does
        before = store.count()
        scanner(display, codes[3])
        person(display, "Wants to exchange")
        xdotool(display, "key", "ctrl+Return")
        store.wait_for(
            lambda: "Wants to exchange" in store.notes(organization["ada"]),
            app,
            display,
            "box-office-scan",
        )
        assert store.admitted_door(codes[3]) is None
        assert store.count() == before + 1
    finally:
        quit_app(display, app)


def test_a_scan_over_a_question_and_a_keypad_scanner_through_a_real_x_server(
    display, organization, tmp_path
):
    """Over an open question box, a scan closes it (as Esc would) and is checked in
    once; a scanner that sends its digits from the keypad with NumLock off is read
    as digits; the same keypad keys pressed by a person are cursor keys, not a scan.

    Nothing is asserted by time: the app handles X input in order, so once a later
    check-in is in the store, everything typed before it has been handled."""
    data = organization["data"]
    # The keypad scan needs a code with digits (every code sold to Ada here has some):
    # take one that has, and the others in turn.
    keypad = next(c for c in organization["codes"] if any(ch.isdigit() for ch in c))
    first, unscanned, last = [c for c in organization["codes"] if c != keypad][:3]
    codes = [first, keypad, unscanned, last]
    store = Store(data)
    app = launch(display, tmp_path, data, "door")
    try:
        main = focused_window(display, app)
        start = store.count()
        # -- File → Rebuild read models…: its question is open over the Door ------------
        xdotool(display, "key", "alt+f")
        xdotool(display, "key", "r")
        wait_for_window(display, "^Rebuild read models", app)
        scanner(display, codes[0])
        store.wait_for(
            lambda: store.admitted_door(codes[0]) == "Main door", app, display, "question-scan"
        )
        store.wait_for(
            # (None: a window closed while xdotool looked, so it is asked again)
            lambda: search_windows(display, "^Rebuild read models") == [],
            app,
            display,
            "question-closed",
        )
        xdotool(display, "windowfocus", "--sync", main)

        # -- a keypad scanner, NumLock off: End, Down, Page Down... are the digits ---------
        keys = [NUMLOCK_OFF.get(c, c) for c in codes[1]]
        assert any(k.startswith("KP_") for k in keys), codes[1]  # it has digits
        scanner_keys(display, [*keys, "Return"])
        store.wait_for(
            lambda: store.admitted_door(codes[1]) == "Main door", app, display, "keypad-scan"
        )

        # -- the same keys pressed by a person in the code field: cursor keys, not a scan --
        # xdotool key sleeps half its --delay after a press, half after a release
        xdotool(
            display, "key", "--delay", str(PERSON_GAP_MS), *(NUMLOCK_OFF[d] for d in "24681357")
        )
        scanner(display, codes[3])  # then a scan: the next thing recorded
        store.wait_for(
            lambda: store.admitted_door(codes[3]) == "Main door", app, display, "keypad-typed"
        )
    finally:
        quit_app(display, app)
    tickets = {str(ticket_id(code)): code for code in codes}
    recorded = [
        (tickets.get(aggregate, aggregate), event)
        for aggregate, event in store.recorded_since(start)
    ]
    # each check-in once, in order; nothing else (no rebuild, no scan of the keypad keys)
    assert [code for code, _event in recorded] == [codes[0], codes[1], codes[3]], recorded
    assert store.admitted_door(codes[2]) is None
