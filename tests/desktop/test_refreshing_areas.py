"""Only the area on screen reloads when the read models change; the others when shown."""

from __future__ import annotations

from desktop.main_window import PATRONS, REPORTS


def test_areas_out_of_sight_catch_up_when_they_are_shown(window, services, qtbot, monkeypatch):
    window.show_area(REPORTS)
    reloads = []
    monkeypatch.setattr(window.patron_list, "refresh", lambda: reloads.append("patrons"))
    services.app.register_patron("Nina", "Simone", email="nina@example.org")
    qtbot.waitUntil(lambda: PATRONS in window._stale)
    assert reloads == []  # the patron list is not on screen: nothing reloaded

    monkeypatch.undo()
    window.show_area(PATRONS)
    qtbot.waitUntil(lambda: window.patron_list.count_label.text() == "5 patrons")
    assert PATRONS not in window._stale
