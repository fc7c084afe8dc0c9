"""Erasure tests run the whole back end on both stores, as the other layers do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.bootstrap import Services, bootstrap
from desktop.config import StoreConfig, resolve

#: distinctive strings that must not survive an erasure anywhere in the data folder
SECRETS = {
    "first_name": "Zebulonia",
    "last_name": "Quixwortham",
    "email": "zq.secretmail@example.org",
    "phone": "+44 20 7946 0871",
    "street": "17 Marblethorpe Crescent",
    "city": "Wyvernholt",
    "note": "Allergic to glitterfoam confetti",
    "household": "Lives with Barnabyquist",
    "reason": "Wristband mixup kerfuffle",
    "phone_digits": "2079460871",
    "new_email": "zq.other@example.org",
    "new_phone_digits": "2079460999",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def store_config(request: pytest.FixtureRequest, tmp_path) -> StoreConfig:
    if request.param == "postgresql":
        return resolve(tmp_path / "data", store=request.getfixturevalue("postgres_db"))
    return resolve(tmp_path / "data", store="sqlite")


@pytest.fixture
def start(store_config: StoreConfig) -> Iterator[Callable[..., Services]]:
    started: list[Services] = []

    def start_(config: StoreConfig | None = None, **options) -> Services:
        options.setdefault("staff", "maria")
        options.setdefault("workstation", "box-office-1")
        services = bootstrap(config or store_config, **options)
        started.append(services)
        return services

    yield start_
    for services in reversed(started):
        services.close()


def register_secret_patron(app) -> str:
    s = SECRETS
    patron_id = app.register_patron(
        s["first_name"], s["last_name"], email=s["email"], phone=s["phone"],
        address={"street": s["street"], "city": s["city"], "postal_code": "WV1 2XZ"},
        household=s["household"], tags=["opera"],
    )  # fmt: skip
    app.add_note(patron_id, s["note"])
    app.update_contact(patron_id, phone="+44 20 7946 0999", email="zq.other@example.org")
    return patron_id


def sell_and_scan(app, patron_id: str) -> dict:
    production = app.create_production("The Tempest")
    performance = app.schedule_performance(
        production, datetime.now(tz=UTC) + timedelta(hours=1), 100, {"Adult": 3000, "Child": 1500}
    )
    order = app.sell_tickets(performance, {"Adult": 2, "Child": 1}, patron_id=patron_id)
    other = app.register_patron("Ada", "Lovelace", email="ada@example.org")
    app.sell_tickets(performance, {"Adult": 1}, patron_id=other)
    app.scan(order["codes"][0], performance, "Main door")
    app.undo_admission(order["codes"][0], SECRETS["reason"], "Main door")
    app.scan(order["codes"][0], performance, "Main door")
    return {"performance": performance, "order": order, "other": other}


def variants(text: str) -> list[bytes]:
    """The ways a string could sit in a file: UTF-8 as typed, lower and upper case, UTF-16."""
    forms = {text, text.lower(), text.upper()}
    found = [f.encode("utf-8") for f in forms]
    found += [f.encode("utf-16-le") for f in forms]
    return found


def files_containing(folder: Path, secrets: dict[str, str]) -> list[tuple[str, str]]:
    """(file, secret name) for every secret found in any file under the folder."""
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for name, text in secrets.items():
            if any(form in data for form in variants(text)):
                hits.append((path.name, name))
    return hits
