"""Read models: events -> local SQLite tables (sqlite-utils)."""

from projections.audit import Audit
from projections.box_office import BoxOffice
from projections.door import DoorReadModel
from projections.patron_directory import PatronDirectory
from projections.timeline import Timeline


def all_projections():
    """Every projection of the app, in the order they are applied."""
    return [PatronDirectory(), Timeline(), BoxOffice(), DoorReadModel(), Audit()]
