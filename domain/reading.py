"""Reads of the read models, checked like every other service call (issue 19).

``domain/`` cannot import the projections, so the reader itself is passed in by
the caller (the command line, a script): ``app.read_models(Permission.READ_REPORTS,
reports.attendance, db)`` checks the permission of the signed-in role here, in the
service, and only then calls the reader. The command line fetches every read model
through this one method, and so does the window: each view asks
``runner.read(permission, reader, ...)``, which the bootstrap points at this method
(``tests/architecture/test_views_read_through_the_service.py`` finds a view that
reads past it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from domain.roles import Permission
from domain.store import Store, reads

T = TypeVar("T")


class ReadModelsService:
    """Answers read-model questions only for a role that may see the answer."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def read_models(self, permission: str, reader: Callable[..., T], *args: Any) -> T:
        """``reader(*args)`` once the role in force has ``permission``."""
        if permission == Permission.ANYONE:
            raise ValueError("a read of the read models names what it needs")
        with self.store.permission(permission):
            return reader(*args)

    read_models.__permission__ = "named by each call"  # type: ignore[attr-defined]

    @reads(Permission.ANYONE)
    def may(self, permission: str) -> bool:
        """Whether the role in force has ``permission`` (to show or hide a screen)."""
        guard: Any = self.store.guard
        return guard is None or guard.may(permission)

    @reads(Permission.ANYONE)
    def require(self, permission: str) -> None:
        """Refuse (``NotAllowed``) unless the role in force has ``permission``: what a
        command needs as a whole, before it starts (``desktop/cli.py``)."""
        guard: Any = self.store.guard
        if guard is not None:
            guard.require(permission)
