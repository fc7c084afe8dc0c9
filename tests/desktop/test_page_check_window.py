"""The window's background page check (issue 19): damage found after the window opened
stops every save and brings up the damaged-store dialog with the good backup."""

from __future__ import annotations

from pathlib import Path

from desktop import app as desktop_app
from infrastructure import backups, store_check
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.desktop.conftest import PATRONS
from tests.safety_helpers import noise, sha


def test_damage_found_in_the_background_stops_saves_and_offers_the_good_backup(
    open_window, qtbot, tmp_path, monkeypatch
):
    config = resolve(tmp_path / "data")
    services = bootstrap(config)
    for patron in PATRONS:
        services.app.register_patron(**patron)
    with services.app.batch():  # enough pages that the middle one is not read at start
        for n in range(300):
            services.app.register_patron(f"Guest{n}", "Visitor", email=f"g{n}@example.org")
    services.close()
    good = backups.backup(config)
    monkeypatch.setattr(store_check, "QUICK_FULL_CHECK_BYTES", 0)  # as a big store
    noise(config.events_path)
    damaged = sha(config.events_path)

    offered = []

    def choose(found, parent=None):
        offered.append(found)
        return found.latest.path if found.latest else None

    monkeypatch.setattr(desktop_app, "ask_for_backup", choose)
    services = bootstrap(config, catch_up=False)
    try:
        window = open_window(services)
        health = desktop_app.watch_store_pages(services, window, [backups.default_folder(config)])
        qtbot.waitUntil(lambda: window.pending_restore is not None, timeout=30000)
        assert window.pending_restore == good.path and not window.isVisible()
        assert isinstance(offered[0], backups.DamagedStore) and health.damage is not None
        try:  # a save after the check: refused, the file untouched
            services.app.register_patron("Zed", "Quill", email="zq@example.org")
        except backups.DamagedStore as refused:
            assert "will not write" in str(refused)
        else:
            raise AssertionError("a save reached the damaged store")
    finally:
        services.close()
    assert sha(config.events_path) == damaged
    assert Path(good.path).exists()  # the good backup is still there
