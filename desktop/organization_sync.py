"""The organization's answers between the store and this computer (issue 22).

The name, country, time zone and currency live in the store (``Organization`` events,
``projections/organization.py``), so every workstation on a shared PostgreSQL store
sees what the first one answered. This computer keeps a copy in ``organization.ini``
(what the screens, the ticket and the formatting read, also while the server is away)
and its own settings (office or door, the door's name) stay local.

- ``at_start(app, settings)``: before the window opens (and in each command-line
  command): the store's answers into the copy; a store without answers takes this
  computer's (an ``organization.ini`` from before they were shared: migrated once).
- ``follow(settings, profile)``: the main window, after the read models changed: the
  answers another workstation recorded.
"""

from __future__ import annotations

import logging

from domain.errors import HouselightsError

log = logging.getLogger("houselights")


def at_start(app, settings, adopt: bool = True) -> str:
    """'shared' (the store's answers taken), 'adopted' (this computer's recorded in the
    store, once), or 'local' (neither: nothing answered yet, not allowed to record, or
    ``adopt`` False: the command line reads, the window and ``setup`` record)."""
    answers = app.organization.organization_answers()
    if answers is not None:
        settings.take_shared(answers.to_json())
        return "shared"
    if not adopt or not settings.is_set("organization/name"):
        return "local"  # nothing answered anywhere yet: the first-run assistant asks
    try:
        adopted = app.organization.adopt_organization(**settings.shared_answers())
    except HouselightsError as problem:  # a door volunteer signed in: a manager will
        log.info("The organization's answers stay on this computer for now: %s", problem)
        return "local"
    if not adopted:  # another workstation's came first: they win
        shared = app.organization.organization_answers()
        settings.take_shared(shared.to_json() if shared is not None else {})
        return "shared"
    log.info("The organization's answers in organization.ini were recorded in the store")
    return "adopted"


def follow(settings, profile: dict | None) -> list[str]:
    """The store's answers (the read model's ``profile``) into this computer's copy;
    the keys that changed."""
    if profile is None:
        return []
    return settings.take_shared(profile)
