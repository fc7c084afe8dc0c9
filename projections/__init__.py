"""Read models: events -> local SQLite tables (sqlite-utils)."""

from projections.audit import Audit
from projections.base import Projection
from projections.box_office import BoxOffice
from projections.conversations import Conversations
from projections.door import DoorReadModel
from projections.ladder import Ladder
from projections.organization import OrganizationProfile
from projections.patron_directory import PatronDirectory
from projections.patron_merges import PatronMerges
from projections.support import SupportDesk
from projections.thank_yous import ThankYouQueue
from projections.timeline import Timeline


def all_projections() -> list[Projection]:
    """Every projection of the app, in the order they are applied."""
    return [
        PatronDirectory(),
        Timeline(),
        BoxOffice(),
        DoorReadModel(),
        Ladder(),
        PatronMerges(),
        ThankYouQueue(),
        Conversations(),
        SupportDesk(),
        Audit(),
        OrganizationProfile(),
    ]
