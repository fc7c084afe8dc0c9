"""Render every screen with demo data to PNG files (for the README and reviews).

    houselights screenshots --out docs/screenshots

Runs offscreen when there is no display, on a throwaway demo organization, so
it never touches real data.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

SIZE = (1280, 800)


def _settle(app) -> None:
    for _ in range(5):
        app.processEvents()


def render_all(out_dir: str | Path, patrons: int = 400, seed: int = 2026) -> list[Path]:
    if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.app import application, create_main_window
    from desktop.bootstrap import bootstrap
    from desktop.config import resolve
    from domain import demo
    from projections import patron_directory

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    qt_app = application()
    written: list[Path] = []

    def shot(widget, name: str) -> None:
        _settle(qt_app)
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        written.append(path)

    with tempfile.TemporaryDirectory(prefix="houselights-shots-") as data:
        services = bootstrap(resolve(data), staff="maria.box-office", workstation="box-office-1")
        try:
            demo.generate(services.app, patrons, seed=seed)
            services.runner.catch_up()
            window = create_main_window(services)
            window.resize(*SIZE)
            window.show()
            window.set_sync_status(services.runner.lag())
            window.show_patron_list()
            shot(window, "patrons")

            window.patron_list.search_field.setText("ad")
            window.patron_list.run_search()
            shot(window, "search")

            db = services.runner.db()
            busiest = max(patron_directory.page(db, limit=patrons),
                          key=lambda r: (r["interactions"], bool(r["household"])))  # fmt: skip
            window.open_patron(busiest["id"])
            shot(window, "patron")

            dialog = window.new_patron()
            dialog.resize(720, dialog.sizeHint().height())
            dialog.fields["first_name"].setText("Rosa")
            dialog.fields["email"].setText("rosa@example")
            dialog.save()
            shot(dialog, "new-patron-validation")
            dialog.fields["email"].setText(busiest["email"] or "")
            dialog.fields["phone"].setText(busiest["phone"] or "")
            dialog.save()
            shot(dialog, "new-patron-duplicate")
            dialog.reject()

            for area in ("box_office", "door", "thank_yous", "reports", "settings"):
                window.show_area(area)
                shot(window, f"area-{area.replace('_', '-')}")
            window.show_area("box_office")
            sell = window.box_office.sell()
            sell.resize(940, 620)
            shot(sell, "sell-tickets")
            sell.reject()
            window.shutdown()
            window.close()
        finally:
            services.close()
    written.append(_ticket_shot(out / "ticket.png"))
    return written


def _ticket_shot(path: Path) -> Path:
    """A printed ticket as it comes out of the printer (a sample; needs no data)."""
    from desktop.ticket_printing import ticket_image

    sample = dict(
        code="3E4EEGH663XJ", title="The Marriage of Figaro", starts_at="2026-11-21T19:30:00+00:00",
        venue="Main Hall, 12 Mill Lane", price_level="Adult", price_cents=4550,
        patron_name="Ada Lovelace", order_id="8c1f2a3b-1111-2222-3333-444455556666",
        organization="Riverside Opera Company",
    )  # fmt: skip
    ticket_image(sample, width=1400).save(str(path))
    return path
