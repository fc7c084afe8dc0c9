"""The organization's answers (name, country, time zone, currency), kept in the store
so that every workstation on it shares them (see ``domain/organization.py``)."""

from __future__ import annotations

from datetime import datetime

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.access import Access
from domain.organization import Organization, OrganizationAnswers, clean_answers
from domain.roles import MANAGER, Permission
from domain.store import Store, command, reads


class OrganizationService:
    def __init__(self, store: Store, access: Access) -> None:
        self.store = store
        self.access = access

    def _organization(self) -> Organization | None:
        try:
            found: Organization = self.store.get(Organization.ID)
        except AggregateNotFoundError:
            return None
        return found

    @command(Permission.ORGANIZATION)
    def configure_organization(
        self,
        name: str,
        country: str = "",
        timezone: str = "",
        currency: str = "",
        occurred_at: datetime | None = None,
    ) -> OrganizationAnswers:
        """Record the organization's answers (all four at once); returns them tidied.
        The same answers again record nothing."""
        self.access.require_role(MANAGER, what="change the organization's settings")
        answers = clean_answers(name, country, timezone, currency)
        organization = self._organization()
        if organization is None:
            organization = Organization.configure(answers, self.store.stamp(occurred_at))
        elif not organization.change(answers, self.store.stamp(occurred_at)):
            return OrganizationAnswers(**answers)
        self.store.commit(organization)
        return OrganizationAnswers(**answers)

    @command(Permission.ORGANIZATION)
    def adopt_organization(
        self,
        name: str,
        country: str = "",
        timezone: str = "",
        currency: str = "",
        occurred_at: datetime | None = None,
    ) -> bool:
        """Once, for a store that has no organization yet: the answers a workstation
        kept for itself before they were shared (its ``organization.ini``). True when
        they were recorded; False when the store already had answers (another
        workstation's, which win), also when both tried at the same moment."""
        if self._organization() is not None:
            return False
        answers = clean_answers(name, country, timezone, currency)
        try:
            self.store.commit(Organization.configure(answers, self.store.stamp(occurred_at)))
        except IntegrityError:  # another workstation adopted its answers at the same time
            return False
        return True

    @reads(Permission.ANYONE)  # the name on a ticket, how amounts are written: no one's data
    def organization_answers(self) -> OrganizationAnswers | None:
        """The answers in the store (from the aggregate itself, for commands), or None."""
        organization = self._organization()
        return OrganizationAnswers(**organization.answers()) if organization is not None else None

    @reads(Permission.ANYONE)  # a count: no one's data
    def events_besides_answers(self) -> int:
        """How many events the store holds besides the organization's answers: where
        there are none, the demo organization may go (the first-run assistant, and
        ``houselights setup``, record the answers before the demo is made)."""
        organization = self._organization()
        return self.store.event_count() - (organization.version if organization else 0)
