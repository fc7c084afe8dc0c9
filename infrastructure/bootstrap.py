"""Wire Houselights together (cosmicpython-style bootstrap, replaceable defaults).

Nothing here imports Qt, so the command line starts fast and tests can build
the whole back end without a GUI.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from domain.application import Houselights
from domain.recording import RecordingContext
from infrastructure import stored_ids
from infrastructure.config import StoreConfig, resolve
from infrastructure.door_queue import DoorQueue
from infrastructure.encrypted_readmodels import readmodel_storage, readmodels_present
from infrastructure.erasure import store_redacted
from infrastructure.late_app import LateApp
from infrastructure.offline_door import OfflineDoor, StoreUnreachable, unreachable
from infrastructure.server_probe import ServerProbe, bounded_reconnects
from infrastructure.shared_store import ServerProblem, open_shared
from projections import all_projections
from projections.audit import staff_accounts_recorded
from projections.runner import ReadModelRunner

#: how long the command line waits for a shared store to open before a door decides
#: from its own copy (connecting and catching up take longer than one scan's write)
OPEN_BUDGET_SECONDS = 3.0

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the desktop client and the command line work with."""

    config: StoreConfig
    app: Houselights
    runner: ReadModelRunner
    _door: OfflineDoor | None = field(default=None, repr=False)
    #: the background page check of the store (``backups.start_page_check``), if started
    health: Any = None

    def door(self) -> OfflineDoor:
        """The door's front (``infrastructure.offline_door``): the view and ``check-in``
        scan through it, so a door goes on when the shared store does not answer."""
        if self._door is None:
            context = self.app.store.context
            self._door = OfflineDoor(
                readmodels=self.runner.db,
                door_queue=DoorQueue(self.config.door_queue_path),
                app=self.app,
                shared=self.config.kind == "postgresql",
                workstation=context.workstation,
                staff=context.staff,
                clock=context.clock,
                probe=server_probe(self.config),
            )
        return self._door

    def close(self) -> None:
        if self._door is not None:
            self._door.close()
        self.app.unsubscribe(self.runner.notify)
        self.runner.close()
        self.app.close()


def server_probe(config: StoreConfig) -> Callable[[], bool] | None:
    """A shared store's quick "does the server answer?" (``server_probe``); None for
    the embedded store."""
    if config.kind != "postgresql":
        return None
    return ServerProbe(config.eventsourcing_env()).answers


def open_store(env: dict[str, str]) -> Houselights:
    """The event store ``env`` names: how the second process of a long rebuild reads
    the events (``projections/side_process.py``)."""
    return Houselights(env=env)


def open_app(config: StoreConfig, context: RecordingContext) -> tuple[Houselights, dict]:
    """The application on the store ``config`` names, and the environment a second
    process opens it with. On a shared store this connects to the server."""
    env = config.eventsourcing_env()
    if config.kind == "postgresql":
        # Several workstations may start at once: the schema is created once, locked.
        app = open_shared(env, lambda opened: Houselights(env=opened, context=context))
        bounded_reconnects(app, float(env.get("POSTGRES_CONNECT_TIMEOUT") or 10))
        env = {**env, "CREATE_TABLE": "false"}
    else:
        app = Houselights(env=env, context=context)
    stored_ids.install(app.store)
    return app, env


def wire(app: Houselights, runner: ReadModelRunner, env: dict[str, str]) -> None:
    """Let ``runner`` read ``app``'s store and hear its saves."""
    runner.attach(app.recorder, app.mapper)
    app.subscribe(runner.notify)
    runner.read_service = app.read_models  # every view's read is checked by the service
    if not runner.storage.in_memory:  # a second process cannot open read models in memory
        runner.side_store = (open_store, env)
    runner.erasure_ready = lambda patron_ids: store_redacted(app, patron_ids)


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
    app, env = open_app(config, context)
    runner = ReadModelRunner(
        None,
        None,
        config.readmodels_path,
        projections if projections is not None else all_projections(),
        batch_size=batch_size,
        storage=readmodel_storage(config),
    )
    wire(app, runner, env)
    if catch_up:
        runner.catch_up()
    return Services(config=config, app=app, runner=runner)


class OfflineServices:
    """What a door has when the shared store cannot be opened at all: its read models
    and its queue (``door()``); ``app`` is None."""

    def __init__(self, config: StoreConfig, staff: str, workstation: str | None) -> None:
        self.config = config
        self.app = None
        self._local = threading.local()
        self._opened: list = []
        #: the door's copy: the read-model file, or an encrypted store's sealed copy
        self.storage = readmodel_storage(config)
        self._door = OfflineDoor(
            readmodels=self._db,
            door_queue=DoorQueue(config.door_queue_path),
            app=None,
            shared=True,
            workstation=workstation or socket.gethostname(),
            staff=staff,
            probe=server_probe(config),
        )

    def _db(self):
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self.storage.connect()
            self._opened.append(db)
        return db

    def door(self) -> OfflineDoor:
        return self._door

    def close(self) -> None:
        self._door.close()
        opened, self._opened = self._opened, []
        for db in opened:
            db.conn.close()
        self.storage.close()


def bootstrap_door(
    config: StoreConfig,
    *,
    staff: str = "office",
    workstation: str | None = None,
    budget: float = OPEN_BUDGET_SECONDS,
) -> Services | OfflineServices:
    """Open the services for a door, or, on a shared store that does not open within
    ``budget`` seconds, the door's own copy and queue (``OfflineServices``).

    Only a workstation that has been online before has a copy to decide from: without
    its read-model file it waits for the store however long opening takes, and raises
    the server's problem (``ServerProblem``) when it does not answer."""
    if config.kind != "postgresql":
        return bootstrap(config, staff=staff, workstation=workstation)
    if not readmodels_present(config):
        # Nothing to decide from here: wait for the store as long as opening it takes (a
        # busy server or a slow start is not an outage; the server's own connect timeout
        # bounds an unreachable one), and name the server when it does not answer.
        try:
            return bootstrap(config, staff=staff, workstation=workstation)
        except ServerProblem as error:
            raise ServerProblem(
                f"{error} This workstation has no copy of the tickets yet, so "
                "it cannot check tickets in without the server.",
                error.kind,
            ) from error
    opened = _open_within(budget, lambda: bootstrap(config, staff=staff, workstation=workstation))
    if isinstance(opened, Services):
        return opened
    return OfflineServices(config, staff, workstation)


def _open_within(budget: float, open_: Callable[[], Services]) -> Services | BaseException | None:
    """``open_()`` on a thread, waited for ``budget`` seconds: the services, or, when the
    store is unreachable, its error (None: no answer in time). Services that open after
    the caller stopped waiting are closed. Any other error is raised."""
    opened: dict = {}
    lock = threading.Lock()
    done = threading.Event()

    def run() -> None:
        try:
            services = open_()
        except BaseException as error:  # noqa: BLE001 - handed over below
            opened["error"] = error
        else:
            with lock:
                if "gave_up" in opened:
                    services.close()  # too late: the caller went on without it
                else:
                    opened["services"] = services
        finally:
            done.set()

    threading.Thread(target=run, daemon=True, name="store-open").start()
    done.wait(budget)
    with lock:
        if "services" in opened:
            return opened["services"]
        opened["gave_up"] = True
    error = opened.get("error")
    if error is not None and not unreachable(error):
        raise error
    return error


class ConnectingServices:
    """A window's services on a shared store that did not open: this workstation's read
    models (a runner with no store to read yet), the door's front deciding from them and
    its queue, and ``LateApp`` standing in for the application. The door's background
    sync opens the store when the server answers (``connect``); from then on everything
    is as if it had opened at start, and ``on_connected`` is called (on that thread)."""

    def __init__(
        self,
        config: StoreConfig,
        *,
        staff: str = "office",
        workstation: str | None = None,
        projections=None,
        batch_size: int = 2000,
    ) -> None:
        self.config = config
        self.health: Any = None
        self.context = RecordingContext(
            staff=staff, workstation=workstation or socket.gethostname()
        )
        self.runner = ReadModelRunner(
            None,
            None,
            config.readmodels_path,
            projections if projections is not None else all_projections(),
            batch_size=batch_size,
            storage=readmodel_storage(config),
        )
        self.app = LateApp(self.context, staff_accounts_recorded(self.runner.db()))
        #: the views' reads: checked by LateApp until the store opens, then by the service
        self.runner.read_service = self.app.read_models
        self.on_connected: Callable[[], None] | None = None
        self._closed = False
        self._door = OfflineDoor(
            readmodels=self.runner.db,
            door_queue=DoorQueue(config.door_queue_path),
            app=None,
            opener=self.connect,
            shared=True,
            workstation=self.context.workstation,
            staff=staff,
            clock=self.context.clock,
            probe=server_probe(config),
        )

    @property
    def connected(self) -> bool:
        return self.app.connected

    def connect(self) -> Houselights:
        """Open the store (raises while the server does not answer); the door's front
        calls this on its store thread."""
        app, env = open_app(self.config, self.context)
        if self._closed:  # the window closed while the server was being reached
            app.close()
            raise StoreUnreachable(0, "the window closed")
        wire(app, self.runner, env)
        self.app.connect(app)
        if self.on_connected is not None:
            self.on_connected()
        return app

    def door(self) -> OfflineDoor:
        return self._door

    def close(self) -> None:
        self._closed = True
        self.on_connected = None
        self._door.close()
        if self.app.connected:
            self.app.unsubscribe(self.runner.notify)
        self.runner.close()
        self.app.close()


def bootstrap_window(
    config: StoreConfig,
    *,
    staff: str = "office",
    workstation: str | None = None,
    budget: float = OPEN_BUDGET_SECONDS,
) -> Services | ConnectingServices:
    """The desktop client's services: as ``bootstrap`` (no catch-up), or, on a shared
    store whose server does not answer within ``budget`` seconds, a workstation that
    has been online before opens on its own copy and connects later
    (``ConnectingServices``). Without a copy the server problem is raised."""
    if config.kind != "postgresql" or not readmodels_present(config):
        # Without a copy there is nothing to open on: wait for the store (its server's
        # connect timeout bounds an unreachable one) and raise what it says.
        return bootstrap(config, staff=staff, workstation=workstation, catch_up=False)
    opened = _open_within(
        budget, lambda: bootstrap(config, staff=staff, workstation=workstation, catch_up=False)
    )
    if isinstance(opened, Services):
        return opened
    log.warning("The shared store does not answer; opening on this workstation's copy")
    return ConnectingServices(config, staff=staff, workstation=workstation)
