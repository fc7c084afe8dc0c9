import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from infrastructure.bootstrap import Services, bootstrap  # noqa: E402
from infrastructure.config import resolve  # noqa: E402

#: the longest any qtbot wait may take, in ms. Every wait ends on its signal or condition;
#: this bound only stops a broken test from hanging, so it is generous: a loaded machine
#: (another CPU-heavy process, nine agents on two cores) must never fail a test by being
#: slow. No test asserts that something happens within a time.
WAIT_MS = 120_000


@pytest.fixture(autouse=True)
def _waits_end_on_events_not_on_time(qtbot, monkeypatch):
    """qtbot's waits default to 5 s (and some tests once passed 1 or 2 s): under load a
    background rebuild can take longer without anything being wrong. Every wait gets
    ``WAIT_MS`` at least."""
    from pytestqt.qtbot import QtBot

    def longer(method):
        def wait(self, *args, timeout: int = WAIT_MS, **kwargs):
            if kwargs.get("raising") is False:  # watching for a while (assertNotEmitted)
                return method(self, *args, timeout=timeout, **kwargs)
            return method(self, *args, timeout=max(timeout, WAIT_MS), **kwargs)

        return wait

    for name in (
        "waitUntil",
        "waitSignal",
        "waitSignals",
        "waitCallback",
        "waitExposed",
        "waitActive",
    ):
        monkeypatch.setattr(QtBot, name, longer(getattr(QtBot, name)))


@pytest.fixture(autouse=True)
def _the_writer_stops_after_each_test():
    """The application's one writer (``desktop.writer.shared_writer``) outlives a
    window; each test ends with its commands answered and its thread stopped."""
    yield
    from desktop import writer

    if writer._shared is not None:
        writer._shared.shutdown()
        writer._shared = None


def settle(qtbot) -> None:
    """Wait until every command handed to the application's writer has been answered
    (its result shown, or its refusal)."""
    from desktop.writer import shared_writer

    qtbot.waitUntil(lambda: shared_writer().pending == 0)


def closed(dialog) -> bool:
    """The dialog is closed (and perhaps already deleted: closed on the writer's answer)."""
    from shiboken6 import isValid

    return not isValid(dialog) or not dialog.isVisible()


PATRONS = [
    dict(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.org",
        phone="(555) 123-4567",
        address={"street": "12 Mill Lane", "city": "London"},
        email_consent=True,
        tags=["opera", "chamber music"],
        household="Lives with her mother, who needs the lift.",
    ),
    dict(
        first_name="Zoë",
        last_name="Adams",
        email="zoe@example.net",
        phone="+44 20 7946 0958",
        address={"city": "Brighton"},
        tags=["jazz"],
    ),
    dict(
        first_name="Adam",
        last_name="Zimmer",
        email="az@example.org",
        tags=["opera"],
        address={"city": "Carlton"},
    ),
    dict(
        first_name="Grace",
        last_name="Hopper",
        email="grace@navy.example",
        phone="555 765 4321",
        address={"city": "Arlington"},
    ),
]


@pytest.fixture
def services(tmp_path) -> Iterator[Services]:
    """The whole back end on a fresh local store with four patrons."""
    services = bootstrap(resolve(tmp_path / "data"), staff="maria", workstation="box-office-1")
    for patron in PATRONS:
        services.app.register_patron(**patron)
    yield services
    services.close()


@pytest.fixture
def open_window(qtbot):
    """Open the main window on some services, shown and active (shortcuts need that)."""
    from desktop.app import create_main_window

    opened = []

    def open_(services, settings=None):
        window = create_main_window(services, settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        opened.append(window)
        return window

    yield open_
    for window in opened:
        window.close()


@pytest.fixture
def window(open_window, services):
    window = open_window(services)
    yield window
    window.close()  # before the services close


@pytest.fixture
def column():
    """``column(view, n)``: what a table shows in column n, top to bottom."""

    def read(view, number: int = 0) -> list[str]:
        model = view.model()
        return [
            model.index(row, number).data(Qt.ItemDataRole.DisplayRole)
            for row in range(model.rowCount())
        ]

    return read


# -- box office ------------------------------------------------------------------
FLUTE_PRICES = {"Adult": 2500, "Concession": 1800}


def schedule(app, title: str, days: float, capacity: int = 5, venue: str = "Main stage") -> str:
    """A performance ``days`` from now (negative: in the past), on the hour."""
    from datetime import UTC, datetime, timedelta

    starts = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    production = app.create_production(title)
    return app.schedule_performance(production, starts, capacity, FLUTE_PRICES, venue=venue)


@pytest.fixture
def flute(services) -> str:
    """The Magic Flute in three days: 5 seats, Adult $25.00, Concession $18.00."""
    return schedule(services.app, "The Magic Flute", 3)


@pytest.fixture
def box_office(window, qtbot):
    """The Box office area, as chosen in the navigation."""
    from desktop.main_window import BOX_OFFICE

    window.show_area(BOX_OFFICE)
    qtbot.waitUntil(lambda: window.areas.currentWidget() is window.box_office)
    return window.box_office
