"""The form helpers every dialog shares: refusals shown where they belong, one
dialog of a kind at a time."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QWidget

from desktop.views.forms import REFUSED, open_or_raise, submit
from domain.errors import InvalidInput, NotEnoughSeats, ValidationError


def refuse(error: Exception):
    def action():
        raise error

    return action


def test_a_refusal_goes_under_its_field_or_in_the_general_line(qtbot):
    general = QLabel()
    qtbot.addWidget(general)
    shown: list[dict] = []
    errors = [ValidationError("email", "Not an email."), ValidationError("phone", "Too short.")]
    assert submit(refuse(InvalidInput(errors)), shown.append, general) is REFUSED
    assert shown == [{"email": "Not an email.", "phone": "Too short."}]
    assert submit(refuse(ValidationError("name", "Add a name.")), shown.append, general) is REFUSED
    assert shown[-1] == {"name": "Add a name."}
    assert submit(refuse(NotEnoughSeats("Tosca", 3, 0)), shown.append, general) is REFUSED
    assert general.text() == "Tosca is sold out." and len(shown) == 2
    assert submit(lambda: "saved", shown.append, general) == "saved"


def test_a_particular_refusal_is_handled_the_forms_own_way(qtbot):
    general = QLabel()
    qtbot.addWidget(general)
    seen: list[Exception] = []
    sold_out = NotEnoughSeats("Tosca", 3, 0)
    result = submit(refuse(sold_out), lambda _: None, general, {NotEnoughSeats: seen.append})
    assert result is REFUSED and seen == [sold_out] and general.text() == ""


def test_an_error_that_is_no_refusal_is_not_swallowed(qtbot):
    general = QLabel()
    qtbot.addWidget(general)
    try:
        submit(refuse(KeyError("bug")), lambda _: None, general)
    except KeyError:
        pass
    else:
        raise AssertionError("a programming error must not be shown as a refusal")


def test_one_dialog_of_a_kind_is_brought_forward_not_opened_twice(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    owner.dialog = None
    made: list[QDialog] = []

    def make() -> QDialog:
        made.append(QDialog(owner))
        return made[-1]

    first = open_or_raise(owner, "dialog", make)
    assert open_or_raise(owner, "dialog", make) is first and len(made) == 1
    first.close()  # deleted on closing: the next call makes a new one
    qtbot.waitUntil(lambda: owner.dialog is None)
    assert open_or_raise(owner, "dialog", make) is not first and len(made) == 2


def test_a_kept_dialog_is_shown_again_as_it_was(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    owner.kept = None
    kept = open_or_raise(owner, "kept", lambda: QDialog(owner), keep=True)
    kept.close()
    assert open_or_raise(owner, "kept", lambda: QDialog(owner), keep=True) is kept
    assert kept.isVisible()
