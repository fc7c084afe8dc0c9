"""What every form and every one-of-a-kind dialog does the same way.

``submit`` calls the application service for a form and puts a refusal where
the person filling it in will see it: each message under its own field, the
rest in the form's general error line. ``submit_command`` does the same for a
command that writes: it runs on the one writer worker (``desktop.writer``), off
the GUI thread, while the form shows that it is busy (its buttons disabled, a
busy cursor, closing held back); the result or the refusal comes back as a
signal, so a slow server never freezes a screen. ``read_later`` runs a read that
may reach the shared store there too, its answer by signal. ``open_or_raise`` shows a dialog of
which there is only ever one (the new-patron form, the call form, an import)
or brings the one already open to the front.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMessageBox, QWidget
from shiboken6 import isValid

from desktop.server_connection import offline_words, server_connection
from desktop.views.widgets import show_error
from desktop.writer import shared_writer
from domain.errors import HouselightsError, InvalidInput, ValidationError

T = TypeVar("T")
D = TypeVar("D", bound=QWidget)

#: what ``submit`` returns when the service refused (a form's own results may be None)
REFUSED: Any = object()


def submit(
    action: Callable[[], T],
    show_fields: Callable[[dict[str, str]], object],
    general: QLabel,
    special: Mapping[type[Exception], Callable[[Any], object]] | None = None,
) -> T:
    """``action()``'s result, or ``REFUSED`` after showing why it was refused.

    ``InvalidInput`` (several fields) and ``ValidationError`` (one field) go under
    their fields through ``show_fields``; any other refusal of the domain in
    ``general``. ``special`` handles particular refusals first (sold out, a likely
    duplicate) the form's own way."""
    try:
        return action()
    except Exception as error:
        if refusal_shown(error, show_fields, general, special):
            return REFUSED
        raise


def refusal_shown(
    error: BaseException,
    show_fields: Callable[[dict[str, str]], object],
    general: QLabel | Callable[[str], object],
    special: Mapping[type[Exception], Callable[[Any], object]] | None = None,
) -> bool:
    """Show a refusal of the domain where ``submit`` would; False: ``error`` is not one."""
    for kind, handle in (special or {}).items():
        if isinstance(error, kind):
            handle(error)
            return True
    if isinstance(error, InvalidInput):
        show_fields(error.by_field())
    elif isinstance(error, ValidationError):
        show_fields({error.field: error.message})
    elif isinstance(error, HouselightsError):
        _say(general, str(error))
    else:
        return False
    return True


def _say(general: QLabel | Callable[[str], object], text: str) -> None:
    if isinstance(general, QLabel):
        show_error(general, text)
    else:
        general(text)


#: the property a form carries while its command is with the writer
BUSY = "houselightsBusy"


def is_busy(form: QWidget) -> bool:
    """Whether ``form`` is waiting for its command's answer."""
    return bool(form.property(BUSY))


class _Busy(QObject):
    """A form while its command is on the writer: ``widgets`` disabled (the main
    button saying ``text``), a busy cursor, Escape and closing held back."""

    def __init__(self, form: QWidget, widgets: Sequence[QWidget], text: str | None) -> None:
        super().__init__(form)
        self.form = form
        self.widgets = [w for w in widgets if w.isEnabled()]
        self.label: tuple[QAbstractButton, str] | None = None
        self.focus = QApplication.focusWidget()
        first = widgets[0] if widgets else None
        if text and isinstance(first, QAbstractButton):
            self.label = (first, first.text())
            first.setText(text)
        for widget in self.widgets:
            widget.setEnabled(False)
        form.setProperty(BUSY, True)
        form.setCursor(Qt.CursorShape.BusyCursor)
        form.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind == QEvent.Type.Close:
            event.ignore()  # what is being saved comes back to this form
            return True
        return isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape

    def end(self) -> bool:
        """Back to normal; False when the form is gone (nothing left to show it in)."""
        if not isValid(self) or not isValid(self.form):
            return False
        self.form.removeEventFilter(self)
        self.form.setProperty(BUSY, False)
        self.form.unsetCursor()
        for widget in self.widgets:
            # a button that needs the server stays off if it went away meanwhile
            # (desktop.server_connection switches it off again, and on when it answers)
            if isValid(widget):
                widget.setEnabled(True)
        if self.label is not None and isValid(self.label[0]):
            self.label[0].setText(self.label[1])
        if self.focus is not None and isValid(self.focus) and self.focus.isVisible():
            self.focus.setFocus(Qt.FocusReason.OtherFocusReason)  # disabling moved it
        self.deleteLater()
        return True


def submit_command(
    form: QWidget,
    prepare: Callable[[], Callable[[], T] | None],
    show_fields: Callable[[dict[str, str]], object],
    general: QLabel | Callable[[str], object],
    on_done: Callable[[T], object],
    special: Mapping[type[Exception], Callable[[Any], object]] | None = None,
    busy: Sequence[QWidget] = (),
    busy_text: str | None = None,
) -> int | None:
    """Run a form's command on the writer worker; ``on_done(result)`` when it is recorded.

    ``prepare()`` runs here, on the GUI thread: it reads the form and returns the
    command (a callable without arguments that calls the application service), or
    None when there is nothing to send; a refusal it raises is shown at once. While
    the command runs, ``form`` is busy (``is_busy``): the ``busy`` widgets are
    disabled, the first (the main button) saying ``busy_text``. A refusal comes back
    to the form as ``submit`` shows it; any other failure (the store went away) is
    shown in ``general`` (a label, or a function given the words). Returns the
    writer's job number (None: nothing was sent)."""
    if is_busy(form):
        return None  # one command at a time per form: a second press is not a second sale
    connection = server_connection()
    if not connection.online and any(connection.needs(widget) for widget in busy):
        _say(general, offline_words())  # (a shortcut such as Ctrl+Enter): kept, not sent
        return None
    try:
        command = prepare()
    except Exception as error:
        if refusal_shown(error, show_fields, general, special):
            return None
        raise
    if command is None:
        return None
    state = _Busy(form, busy, busy_text)

    def done(result: Any) -> None:
        if state.end():
            on_done(result)

    def failed(error: BaseException, _details: str) -> None:
        if not state.end() or refusal_shown(error, show_fields, general, special):
            return
        _say(
            general,
            QCoreApplication.translate(
                "Forms",
                "This could not be saved ({error}). What you entered is still here: check "
                "the connection and try again.",
            ).format(error=error),
        )

    return shared_writer().submit(command, on_done=done, on_error=failed)


def read_later(
    form: QWidget,
    read: Callable[[], T],
    on_done: Callable[[T], object],
    on_error: Callable[[BaseException], object] | None = None,
) -> int:
    """A read that may reach the shared store (``app.get_performance``, duplicate
    checks), off the GUI thread: ``read()`` runs on the writer worker, in line with
    the commands handed to it before (so it sees what they recorded), and
    ``on_done(result)`` or ``on_error(error)`` comes back on the GUI thread, unless
    ``form`` has been closed and deleted meanwhile. The form stays usable while it
    waits: a slow server never freezes it. Returns the writer's job number."""

    def done(result: Any) -> None:
        if isValid(form):
            on_done(result)

    def failed(error: BaseException, _details: str) -> None:
        if isValid(form) and on_error is not None:
            on_error(error)

    return shared_writer().submit(read, on_done=done, on_error=failed)


def submit_action(
    form: QWidget,
    command: Callable[[], T],
    on_done: Callable[[T], object],
    say: QLabel | Callable[[str], object],
    busy: Sequence[QWidget] = (),
    busy_text: str | None = None,
) -> int | None:
    """``submit_command`` for a button that needs no form: ``command`` (its values
    already read) on the writer worker, any refusal in one line (a label, or a
    function given the words: the status bar)."""
    return submit_command(
        form,
        lambda: command,
        lambda by_field: _say(say, " ".join(by_field.values())),
        say,
        on_done,
        busy=busy,
        busy_text=busy_text,
    )


class ConfirmBox(QMessageBox):
    """A question ("Refund 2 tickets?") whose yes runs a command on the writer worker:
    the box stays open and busy until it is recorded, then closes; a refusal closes
    it and is shown in a warning over its window."""

    def confirm(
        self,
        button: QAbstractButton,
        command: Callable[[], T],
        on_done: Callable[[T], object],
        refused_title: str,
        busy_text: str | None = None,
    ) -> int | None:
        def done(result: T) -> None:
            self.accept()
            on_done(result)

        def refused(text: str) -> None:
            self.reject()
            QMessageBox.warning(self.parentWidget(), refused_title, text)

        others = [b for b in self.buttons() if b is not button]
        return submit_action(self, command, done, refused, (button, *others), busy_text)

    def done(self, result: int) -> None:
        if not is_busy(self):  # the command in progress closes the box once recorded
            super().done(result)


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
