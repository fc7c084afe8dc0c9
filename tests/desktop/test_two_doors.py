"""Two door workstations on one shared PostgreSQL store, each with its own read models."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QSettings

from desktop.settings import Settings
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve
from tests.desktop.keys import scanner_burst


def workstation_settings(path, door: str) -> Settings:
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.set("door/name", door)
    settings.set("projections/poll_interval_ms", 200)
    settings.set("door/sounds", False)
    return settings


def test_a_scan_at_one_door_shows_at_the_other_within_two_seconds(
    postgres_db, tmp_path, open_window, qtbot
):
    north = bootstrap(
        resolve(tmp_path / "north", store=postgres_db), staff="jo", workstation="door-north"
    )
    south = bootstrap(
        resolve(tmp_path / "south", store=postgres_db), staff="sam", workstation="door-south"
    )
    windows = []
    try:
        assert north.config.readmodels_path != south.config.readmodels_path
        app = north.app
        # An hour from now, whatever the time of day (19:30 "tonight" was no longer the
        # door's performance for a test run late in the evening).
        tonight = datetime.now().astimezone().replace(second=0, microsecond=0) + timedelta(hours=1)
        show = app.schedule_performance(
            app.create_production("Aida"), tonight, 120, {"Adult": 2500}
        )
        ada = app.register_patron("Ada", "Lovelace")
        codes = app.sell_tickets(show, {"Adult": 2}, patron_id=ada).codes
        south.runner.catch_up()
        windows = [
            open_window(north, workstation_settings(tmp_path / "n.ini", "North door")),
            open_window(south, workstation_settings(tmp_path / "s.ini", "South door")),
        ]
        for window in windows:
            window.show_area("door")
        north_door, south_door = (w.door_view for w in windows)
        assert north_door.performance_id() == south_door.performance_id() == show

        scanner_burst(north_door.code_field, codes[0])
        qtbot.waitUntil(lambda: north_door.panel.verdict == "admit")
        qtbot.waitUntil(lambda: south_door.house.admitted_label.text() == "1")
        assert south_door.house.door_counts() == {"North door": "1", "South door (here)": "0"}

        # the same ticket at the other door: refused, naming where it went in
        scanner_burst(south_door.code_field, codes[0])
        qtbot.waitUntil(lambda: south_door.panel.verdict == "already_admitted")
        assert "at North door" in south_door.panel.detail_label.text()
        assert south_door.house.admitted_label.text() == "1"
    finally:
        for window in windows:
            window.close()
        north.close()
        south.close()
