"""Wire Houselights together (cosmicpython-style bootstrap, replaceable defaults).

Nothing here imports Qt, so the command line starts fast and tests can build
the whole back end without a GUI.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from domain.application import Houselights
from domain.recording import RecordingContext
from infrastructure import stored_ids
from infrastructure.config import StoreConfig, resolve
from infrastructure.erasure import store_redacted
from infrastructure.shared_store import open_shared
from projections import all_projections
from projections.runner import ReadModelRunner


@dataclass
class Services:
    """What the desktop client and the command line work with."""

    config: StoreConfig
    app: Houselights
    runner: ReadModelRunner

    def close(self) -> None:
        self.app.unsubscribe(self.runner.notify)
        self.runner.close()
        self.app.close()


def open_store(env: dict[str, str]) -> Houselights:
    """The event store ``env`` names: how the second process of a long rebuild reads
    the events (``projections/side_process.py``)."""
    return Houselights(env=env)


def bootstrap(
    config: StoreConfig | None = None,
    *,
    staff: str = "office",
    workstation: str | None = None,
    projections=None,
    catch_up: bool = True,
    batch_size: int = 2000,
) -> Services:
    """Open the event store and the local read models.

    ``catch_up=False`` skips applying pending events (the desktop client does
    that in the background so start-up never waits for history).
    """
    config = config or resolve()
    context = RecordingContext(staff=staff, workstation=workstation or socket.gethostname())
    env = config.eventsourcing_env()
    if config.kind == "postgresql":
        # Several workstations may start at once: the schema is created once, locked.
        app = open_shared(env, lambda opened: Houselights(env=opened, context=context))
        env = {**env, "CREATE_TABLE": "false"}
    else:
        app = Houselights(env=env, context=context)
    stored_ids.install(app.store)
    runner = ReadModelRunner(
        app.recorder,
        app.mapper,
        config.readmodels_path,
        projections if projections is not None else all_projections(),
        batch_size=batch_size,
    )
    app.subscribe(runner.notify)
    runner.side_store = (open_store, env)
    runner.erasure_ready = lambda patron_ids: store_redacted(app, patron_ids)
    if catch_up:
        runner.catch_up()
    return Services(config=config, app=app, runner=runner)
