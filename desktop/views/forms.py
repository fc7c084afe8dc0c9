"""What every form and every one-of-a-kind dialog does the same way.

``submit`` calls the application service for a form and puts a refusal where
the person filling it in will see it: each message under its own field, the
rest in the form's general error line. ``open_or_raise`` shows a dialog of
which there is only ever one (the new-patron form, the call form, an import)
or brings the one already open to the front.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop.views.widgets import show_error
from domain.errors import HouselightsError, InvalidInput, ValidationError

T = TypeVar("T")
D = TypeVar("D", bound=QWidget)

#: what ``submit`` returns when the service refused (a form's own results may be None)
REFUSED: Any = object()


def submit(
    action: Callable[[], T],
    show_fields: Callable[[dict[str, str]], object],
    general: QLabel,
    special: Mapping[type[Exception], Callable[[Any], None]] | None = None,
) -> T:
    """``action()``'s result, or ``REFUSED`` after showing why it was refused.

    ``InvalidInput`` (several fields) and ``ValidationError`` (one field) go under
    their fields through ``show_fields``; any other refusal of the domain in
    ``general``. ``special`` handles particular refusals first (sold out, a likely
    duplicate) the form's own way."""
    try:
        return action()
    except Exception as error:
        for kind, handle in (special or {}).items():
            if isinstance(error, kind):
                handle(error)
                return REFUSED
        if isinstance(error, InvalidInput):
            show_fields(error.by_field())
        elif isinstance(error, ValidationError):
            show_fields({error.field: error.message})
        elif isinstance(error, HouselightsError):
            show_error(general, str(error))
        else:
            raise
        return REFUSED


def open_or_raise(
    owner: object, attribute: str, make: Callable[[], D], keep: bool = False, modal: bool = False
) -> D:
    """The one ``owner.<attribute>`` dialog: brought to the front when it is open,
    else made by ``make()`` and shown (``modal``: over its window only, with
    ``QDialog.open``). A kept dialog (``keep=True``: an import that remembers its
    file) is hidden on closing and shown again; any other is deleted on closing
    and made anew next time."""
    dialog: D | None = getattr(owner, attribute, None)
    if dialog is None or not (keep or dialog.isVisible()):
        dialog = make()
        if not keep:
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda *_: setattr(owner, attribute, None))
        setattr(owner, attribute, dialog)
    if not dialog.isVisible():
        opener = getattr(dialog, "open", None) if modal else None
        (opener or dialog.show)()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
