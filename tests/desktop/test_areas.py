"""The window's areas come from one declaration: titles, roles, help pages, refresh."""

from __future__ import annotations

from pathlib import Path

from desktop.areas import AREA_LIST, AREAS, DOOR, areas_for
from domain.roles import BOX_OFFICE, MANAGER
from domain.roles import DOOR as DOOR_ROLE

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"


def test_each_role_sees_its_areas():
    assert areas_for(MANAGER) == set(AREAS)
    assert areas_for(BOX_OFFICE) == set(AREAS) - {"audit"}
    assert areas_for(DOOR_ROLE) == {DOOR}
    assert areas_for(None) == set()


def test_every_area_has_a_page_of_the_user_guide():
    missing = [a.key for a in AREA_LIST if not (GUIDE / f"{a.help_page}.md").is_file()]
    assert missing == []


def test_the_window_builds_a_page_for_each_area_and_refreshes_the_one_shown(window, qtbot):
    assert [window.navigation.item(row).text() for row in range(len(AREAS))] == [
        area.title for area in AREA_LIST
    ]
    assert set(window.pages) == set(AREAS)
    refreshed = []
    window.pages["ladder"].refresh = lambda: refreshed.append("ladder")
    window.show_area("ladder")
    window.read_models_changed()
    assert refreshed and refreshed[-1] == "ladder"
