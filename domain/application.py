"""One organization's application services, wired over one store.

Each area has its own service (patrons, merging, box office, order changes,
memberships and donations, door, thank-yous, conversations, staff, erasure),
all working through the same ``Store`` (get, commit, stamp, batches) and the
same ``Access`` (who is signed in, what their role may do). Views and the
command line use the service of their area: ``app.door.scan(...)``.

For scripts and older call sites, a method of an area's service can also be
called on the application itself (``app.scan(...)`` is ``app.door.scan(...)``);
every public method name belongs to exactly one service. Anything else is the
store's (``app.recorder``, ``app.batch()``, ``app.close()``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.access import Access
from domain.box_office_changes import BoxOfficeChangesService
from domain.box_office_service import BoxOfficeService
from domain.conversations_service import ConversationsService
from domain.door_service import DoorService
from domain.erasure_service import ErasureService
from domain.memberships_service import MembershipsService
from domain.merging import MergingService
from domain.organization_service import OrganizationService
from domain.patrons_service import PatronsService
from domain.reading import ReadModelsService
from domain.recording import RecordingContext
from domain.rota_service import RotaService
from domain.staff_service import StaffService
from domain.store import Store
from domain.thank_yous_service import ThankYousService


class Houselights:
    """The application services of one organization, over one event store."""

    def __init__(
        self, env: dict[str, str] | None = None, context: RecordingContext | None = None
    ) -> None:
        self.store = Store(env=env, context=context)
        self.access = Access(self.store)
        self.staff = StaffService(self.store, self.access)
        self.patrons = PatronsService(self.store)
        self.merging = MergingService(self.store, self.patrons)
        self.box_office = BoxOfficeService(self.store, self.patrons)
        self.order_changes = BoxOfficeChangesService(self.store, self.patrons, self.box_office)
        self.memberships = MembershipsService(self.store, self.patrons, self.box_office)
        self.door = DoorService(self.store, self.box_office)
        self.thank_yous = ThankYousService(self.store, self.patrons, self.memberships)
        self.rota = RotaService(self.store, self.access)
        self.conversations = ConversationsService(self.store, self.patrons, self.rota)
        self.erasure = ErasureService(self.store, self.access, self.patrons)
        self.organization = OrganizationService(self.store, self.access)
        self.reads = ReadModelsService(self.store)
        self._routes = self._route_table()

    def services(self) -> dict[str, object]:
        return {
            "staff": self.staff,
            "patrons": self.patrons,
            "merging": self.merging,
            "box_office": self.box_office,
            "order_changes": self.order_changes,
            "memberships": self.memberships,
            "door": self.door,
            "thank_yous": self.thank_yous,
            "conversations": self.conversations,
            "rota": self.rota,
            "erasure": self.erasure,
            "organization": self.organization,
            "reads": self.reads,
        }

    def _route_table(self) -> dict[str, object]:
        routes: dict[str, object] = {}
        for area, service in self.services().items():
            for name in dir(type(service)):
                if name.startswith("_") or not callable(getattr(type(service), name)):
                    continue
                if name in routes:
                    raise TypeError(f"{name} is a method of two services (and {area})")
                routes[name] = service
        return routes

    def __getattr__(self, name: str) -> Any:
        # only called for names the instance does not have itself
        if name.startswith("__") or name in ("_routes", "store"):
            raise AttributeError(name)
        service = self._routes.get(name)
        if service is None:  # the store's own (recorder, mapper, batch, close...)
            return getattr(self.store, name)
        method: Callable[..., Any] = getattr(service, name)
        return method
