"""Backups from the window: File → Back up now, File → Backups…, the daily backup,
the backup on closing, restoring through the window, and the damaged-store dialog
at start-up. Real widgets, real store files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from desktop import app as desktop_app
from desktop.settings import Settings
from infrastructure import backups
from infrastructure.bootstrap import bootstrap
from infrastructure.store_check import count_events


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def test_back_up_now_from_the_file_menu(window, qtbot, services):
    assert window.back_up_now_action.isEnabled()
    assert window.backups_action in window.menuBar().actions()[0].menu().actions()
    window.back_up_now_action.trigger()
    assert window.backup_progress.isVisible()  # progress with a Cancel button
    qtbot.waitUntil(lambda: window._backup_task is None, timeout=20000)
    made = backups.list_backups(backups.default_folder(services.config))
    assert len(made) == 1 and made[0].events == services.app.event_count()
    assert "Backed up" in window.statusBar().currentMessage()
    assert not window.backup_progress.isVisible()


def test_the_backups_dialog_lists_backs_up_and_keeps_the_chosen_number(
    open_window, services, settings, qtbot, tmp_path
):
    settings.set("backups/keep", 2)
    window = open_window(services, settings)
    dialog = window.show_backups()
    assert dialog.empty_label.isVisible() and dialog.model.rowCount() == 0
    assert dialog.folder_label.text() == str(services.config.data_dir / "backups")
    dialog.set_folder(str(tmp_path / "usb"))  # a USB stick
    assert settings.get("backups/folder") == str(tmp_path / "usb")
    for _ in range(4):
        dialog.back_up_now()
        qtbot.waitUntil(lambda: dialog.task is None, timeout=20000)
    # keep is 2, but the last three good backups always stay: the oldest of four went
    assert dialog.model.rowCount() == 3
    assert {Path(r["id"]).parent for r in dialog.model.rows} == {tmp_path / "usb"}
    assert dialog.model.index(0, 1).data() == f"{services.app.event_count():,}"
    assert "Backed up" in dialog.status.text()
    dialog.keep.setValue(7)
    dialog.daily.setChecked(False)
    assert settings.get("backups/keep") == 7 and settings.get("backups/daily") is False


def test_restore_through_the_window_asks_then_closes_and_run_gui_reopens_on_the_backup(
    open_window, services, settings, qtbot, monkeypatch
):
    window = open_window(services, settings)
    dialog = window.show_backups()
    dialog.back_up_now()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20000)
    backed_up = services.app.event_count()
    services.app.register_patron("Late", "Comer", email="late@example.org")

    asked = []

    def cancel(*args, **_kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    assert dialog.restore_selected() is False  # Cancel: nothing happens
    assert window.pending_restore is None and window.isVisible()
    assert "is not deleted" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert dialog.restore_selected() is True
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.pending_restore == Path(dialog.model.rows[0]["id"])

    # what run_gui does next: close the services, restore, open again
    config = services.config
    services.close()
    backups.restore(config, window.pending_restore)
    reopened = bootstrap(config)
    try:
        assert reopened.app.event_count() == backed_up
    finally:
        reopened.close()


def test_a_damaged_backup_is_refused_in_the_dialog(window, services, qtbot, monkeypatch):
    dialog = window.show_backups()
    dialog.back_up_now()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20000)
    path = Path(dialog.model.rows[0]["id"])
    path.write_bytes(b"not a database at all" * 100)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    assert dialog.restore_selected() is False
    assert "cannot be used" in warned[0] and window.pending_restore is None


def test_the_daily_backup_runs_once_a_day_and_the_exit_backup_on_closing(
    open_window, services, settings, qtbot
):
    window = open_window(services, settings)
    assert window.backup_timer.isActive()
    task = window.daily_backup()
    assert task is not None
    qtbot.waitUntil(lambda: window._backup_task is None, timeout=20000)
    assert window.daily_backup() is None  # not due again today
    folder = backups.default_folder(services.config)
    assert len(backups.list_backups(folder)) == 1

    desktop_app.exit_backup(services.config, settings)
    assert len(backups.list_backups(folder)) == 2
    settings.set("backups/on_exit", False)
    desktop_app.exit_backup(services.config, settings)
    assert len(backups.list_backups(folder)) == 2


def test_without_settings_a_window_makes_no_automatic_backups(window):
    assert not window.backup_timer.isActive()


def test_a_postgresql_workstation_is_told_to_use_pg_dump(tmp_path, qtbot):
    from desktop.views.system.backups_dialog import BackupsDialog
    from infrastructure.config import resolve

    config = resolve(tmp_path, store="postgresql://hl@office/hl")
    dialog = BackupsDialog(config, None, None)
    qtbot.addWidget(dialog)
    assert not dialog.back_up_button.isEnabled() and not dialog.restore_button.isEnabled()
    assert "pg_dump" in dialog.status.text()


def spoil(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[16384:24576] = b"\x5a" * 8192
    path.write_bytes(bytes(raw))


def test_a_damaged_store_at_start_up_is_explained_and_the_latest_backup_offered(
    services, settings, qtbot, monkeypatch
):
    from desktop.views.system.damaged_store_dialog import DamagedStoreDialog

    config = services.config
    older = backups.backup(config, backups.default_folder(config))
    services.app.register_patron("Only", "Later", email="later@example.org")
    latest = backups.backup(config, backups.default_folder(config))
    services.close()
    spoil(config.events_path)
    damaged_hash = sha(config.events_path)

    shown = []

    def choose_latest(damaged):
        dialog = DamagedStoreDialog(damaged)
        qtbot.addWidget(dialog)
        shown.append(dialog)
        assert "is damaged" in dialog.findChild(type(dialog.none_label), "damageMessage").text()
        assert dialog.model.rowCount() == 2 and not dialog.none_label.isVisible()
        dialog.restore_selected()  # the latest is selected
        return dialog.chosen

    monkeypatch.setattr(desktop_app, "ask_for_backup", choose_latest)
    reopened, notices = desktop_app.open_checked(config, settings, "maria", "box-office-1")
    try:
        assert shown and shown[0].chosen == latest.path != older.path
        assert reopened.app.event_count() == count_events(latest.path)
        assert notices == []
    finally:
        reopened.close()
    kept = next(config.data_dir.glob("events.damaged-*.sqlite"))
    assert sha(kept) == damaged_hash  # the damaged file was never written


def test_quitting_at_the_damaged_store_dialog_opens_nothing(services, settings, monkeypatch):
    config = services.config
    services.close()
    spoil(config.events_path)
    before = sha(config.events_path)
    monkeypatch.setattr(desktop_app, "ask_for_backup", lambda damaged: None)
    assert desktop_app.open_checked(config, settings, "maria", None) is None
    assert sha(config.events_path) == before


def test_a_damaged_read_model_file_is_rebuilt_and_the_user_told(services, settings):
    config = services.config
    patrons = services.runner.db().conn.execute("SELECT count(*) FROM patrons").fetchone()[0]
    services.close()
    spoil(config.readmodels_path)
    reopened, notices = desktop_app.open_checked(config, settings, "maria", None)
    try:
        assert len(notices) == 1 and "rebuilt" in notices[0] and "nothing recorded" in notices[0]
        reopened.runner.catch_up()
        db = reopened.runner.db()
        assert db.conn.execute("SELECT count(*) FROM patrons").fetchone()[0] == patrons
    finally:
        reopened.close()


def test_a_database_error_while_open_leads_to_the_damaged_store_dialog(
    window, services, qtbot, monkeypatch
):
    import sqlite3
    from contextlib import closing

    from desktop.views.system.damaged_store_dialog import DamagedStoreDialog

    latest = backups.backup(services.config, backups.default_folder(services.config))
    with closing(sqlite3.connect(services.config.events_path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the events reach the main file
    raw = bytearray(services.config.events_path.read_bytes())
    raw[4096:] = b"\x5a" * (len(raw) - 4096)  # then the disk fails under the running app
    services.config.events_path.write_bytes(bytes(raw))
    offered = []

    def accept(dialog):
        offered.append(dialog.model.rowCount())
        dialog.restore_selected()
        return DamagedStoreDialog.DialogCode.Accepted

    monkeypatch.setattr(DamagedStoreDialog, "exec", accept)
    window.check_damage(sqlite3.OperationalError("database is locked"))  # busy: not damage
    assert not window._damage_reported
    window._show_sync_problem(sqlite3.DatabaseError("database disk image is malformed"))
    qtbot.waitUntil(lambda: window.pending_restore is not None, timeout=20000)
    assert offered == [1] and window.pending_restore == latest.path
    assert not window.isVisible()  # closed: run_gui restores and opens again
