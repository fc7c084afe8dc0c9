"""The one registry of what needs the shared server (``desktop.server_connection``):
while offline every registered button and menu action is off and says why; when the
server answers each comes back as its view wants it, whatever the view asked meanwhile.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton, QWidget

from desktop.server_connection import (
    ServerConnection,
    needs_server,
    offline_words,
    server_connection,
    set_enabled,
)


@pytest.fixture
def connection(qtbot):
    shared = server_connection()
    shared.set_online(True)
    yield shared
    shared.set_online(True)


@pytest.fixture
def form(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_offline_every_registered_action_is_off_with_why_and_back_as_wanted(connection, form):
    save = needs_server(QPushButton("Save note", form))
    save.setToolTip("Ctrl+Enter")  # a tooltip the view sets after registering it
    refund = needs_server(QPushButton("Refund", form), False)  # nothing chosen yet
    done = needs_server(QPushButton("Mark done", form), True)
    printing = QPushButton("Print", form)  # needs no server
    new_patron = needs_server(QAction("New patron", form))
    call = needs_server(QAction("Log a call", form))
    call.setEnabled(False)  # not for this role
    assert save.isEnabled() and not refund.isEnabled() and new_patron.isEnabled()
    assert connection.needs(save) and not connection.needs(printing)
    assert {save, refund, done, new_patron, call} <= set(connection.registered())

    connection.set_online(False)
    for target in (save, refund, done, new_patron, call):
        assert not target.isEnabled(), target.text()
        assert offline_words() in target.toolTip()
    assert printing.isEnabled()

    # meanwhile the views change their minds: a selection, a role, a form done saving
    needs_server(refund, True)
    needs_server(done, False)
    new_patron.setEnabled(False)
    call.setEnabled(True)
    save.setEnabled(True)  # e.g. forms.submit_command's busy state ending
    for target in (save, refund, done, new_patron, call):
        assert not target.isEnabled(), target.text()  # still off: no server

    connection.set_online(True)
    assert save.isEnabled() and save.toolTip() == "Ctrl+Enter"
    assert refund.isEnabled() and not done.isEnabled()
    assert not new_patron.isEnabled() and call.isEnabled()
    assert offline_words() not in refund.toolTip()


def test_a_view_switching_a_button_off_while_online_keeps_it_off_after_an_outage(connection, form):
    remove = needs_server(QPushButton("Take off duty", form))
    remove.setEnabled(False)  # a view that calls setEnabled itself, while online
    connection.set_online(False)
    connection.set_online(True)
    assert not remove.isEnabled()
    set_enabled(remove, True)  # the helper for loops over a form's widgets
    assert remove.isEnabled()


def test_a_button_made_while_offline_starts_off(connection, form):
    connection.set_online(False)
    add = needs_server(QPushButton("Put on duty", form))
    assert not add.isEnabled() and offline_words() in add.toolTip()
    connection.set_online(True)
    assert add.isEnabled()


def test_only_buttons_and_actions_can_need_the_server(qtbot):
    with pytest.raises(TypeError):
        ServerConnection().register(QWidget())  # type: ignore[type-var]


def test_refused_offline_says_why(connection):
    said: list[str] = []
    assert not connection.refused(said.append)
    connection.set_online(False)
    assert connection.refused(said.append)
    assert said == [offline_words()]


def test_a_tooltip_set_while_offline_waits_behind_the_reason(connection, form):
    save = needs_server(QPushButton("Save", form))
    connection.set_online(False)
    save.setToolTip("Ctrl+Enter")  # a dialog made offline sets its own words after
    assert offline_words() in save.toolTip()
    connection.set_online(True)
    assert save.toolTip() == "Ctrl+Enter"
