"""The application as a window started without its shared server sees it.

A door workstation that was online before may start while the PostgreSQL server (or
the network to it) is gone. eventsourcing's PostgreSQL recorder connects as soon as
it is made, so there is no ``Houselights`` yet: ``LateApp`` stands in for it. Until
the store opens (in the background, ``bootstrap.ConnectingServices``) it answers
what this workstation knows by itself (who is signed in: nobody; whether staff
accounts exist: its read models remember) and refuses everything that needs the
store with ``NotConnected``, a calm message and never a crash. Once the store opens,
every call goes to the real application.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from domain.access import SignedIn
from domain.errors import NotAllowed, NotConnected
from domain.recording import RecordingContext
from domain.roles import DOOR, MANAGER, PERMISSION_WORDS, PERMISSIONS, ROLE_LABELS


class _OfflineRota:
    """What the window sets on ``app.rota`` before the store opens (the zone it shows
    hours in), handed to the real rota service when it does."""

    local_zone: Any = None


class LateApp:
    """``Houselights`` once connected; until then, the local answers and ``NotConnected``."""

    def __init__(self, context: RecordingContext, accounts_exist: bool) -> None:
        self.context = context
        self._accounts = accounts_exist
        self._app: Any = None
        self._lock = threading.Lock()
        self._rota = _OfflineRota()
        self._listeners: list[Callable[[int], object]] = []

    # -- connecting ----------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._app is not None

    def connect(self, app: Any) -> None:
        """From now on every call goes to ``app`` (the store opened)."""
        with self._lock:
            if self._rota.local_zone is not None:
                app.rota.local_zone = self._rota.local_zone
            for listener in self._listeners:
                app.subscribe(listener)
            self._app = app

    # -- what this workstation answers by itself -------------------------------------
    def accounts_exist(self) -> bool:
        if self._app is not None:
            return self._app.accounts_exist()
        return self._accounts

    def signed_in(self) -> SignedIn | None:
        return self._app.signed_in() if self._app is not None else None

    def current_role(self) -> str | None:
        """Without the server nobody's sign-in can be checked: with staff accounts the
        window is a door (checking tickets in, nothing else) until someone signs in
        once the store answers; without accounts everyone works as a manager, as online.
        """
        if self._app is not None and (self._app.signed_in() or not self._app.accounts_exist()):
            return self._app.current_role()
        return DOOR if self.accounts_exist() else MANAGER

    def sign_out(self) -> None:
        if self._app is not None:
            self._app.sign_out()

    def subscribe(self, listener: Callable[[int], object]) -> None:
        with self._lock:
            if self._app is not None:
                self._app.subscribe(listener)
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[int], object]) -> None:
        with self._lock:
            if self._app is not None:
                self._app.unsubscribe(listener)
            if listener in self._listeners:
                self._listeners.remove(listener)

    def read_models(self, permission: str, reader: Callable[..., Any], *args: Any) -> Any:
        """The views' reads of this workstation's read models (``runner.read``): the
        application's read service once connected; until then the role this
        workstation works as (``current_role``) is checked here, with the same table."""
        if self._app is not None:
            return self._app.read_models(permission, reader, *args)
        role = self.current_role()
        if role is None or permission not in PERMISSIONS.get(role, frozenset()):
            label = ROLE_LABELS.get(role or "", "nobody signed in")
            what = PERMISSION_WORDS.get(permission, permission)
            raise NotAllowed(f"Your account ({label}) cannot do this ({what}).")
        return reader(*args)

    @property
    def rota(self) -> Any:
        return self._app.rota if self._app is not None else self._rota

    def close(self) -> None:
        if self._app is not None:
            self._app.close()

    # -- everything else needs the store ------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        app = self._app
        if app is not None:
            return getattr(app, name)

        def not_connected(*_args: Any, **_kwargs: Any) -> Any:
            raise NotConnected()

        not_connected.__name__ = name
        return not_connected
