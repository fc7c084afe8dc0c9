"""'On duty: Maria (chat and phone)' in the status bar (issue 23).

Reads the rota from the support read model; refreshes when the rota changes (the
main window calls ``refresh`` when the read models move) and on its own when the
duty may change: a one-shot timer fires at the next slot edge or turn of the hour
(``domain.rota.next_change``). ``clock`` gives the time now on the organization's
clock (the rota's hours are the organization's, not this computer's clock zone), so
tests set the time instead of waiting for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from desktop import formatting
from domain import organization_time
from domain.errors import NotAllowed
from domain.roles import Permission
from domain.rota import CHAT, PHONE, next_change, next_on_duty, on_duty
from projections import support
from projections.runner import ReadModelRunner

SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def local_now() -> datetime:
    """Now on the organization's clock, where the rota's slots are."""
    return organization_time.local(datetime.now(tz=UTC), formatting.zone())


class OnDutyLabel(QLabel):
    def __init__(
        self,
        runner: ReadModelRunner,
        parent: QWidget | None = None,
        clock: Callable[[], datetime] = local_now,
    ):
        super().__init__(parent)
        self.setObjectName("onDutyLabel")
        self.runner = runner
        self.clock = clock
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.refresh)
        self.stopped = False
        self.refresh()

    def stop(self) -> None:
        """The window is closing: no more reads, whatever asks for a refresh later."""
        self.stopped = True
        self.timer.stop()

    def _duty(self, duty: str) -> str:
        return {
            CHAT: self.tr("chat"),
            PHONE: self.tr("phone"),
            "both": self.tr("chat and phone"),
        }.get(duty, duty)

    def refresh(self) -> None:
        if self.stopped:
            return
        now = self.clock()
        try:
            slots = self.runner.read(Permission.SEE_STAFF, support.rota)
        except NotAllowed:  # a door volunteer, or nobody signed in: no line about the rota
            slots = []
        self.timer.stop()
        if not slots:
            self.setText("")
            self.setToolTip("")
            self.hide()
            return
        self.show()
        running = on_duty(slots, now)
        if running:
            people = ", ".join(f"{s['name']} ({self._duty(s['duty'])})" for s in running)
            self.setText(self.tr("On duty: {people}").format(people=people))
        else:
            self.setText(self.tr("Nobody on duty"))
        waiting = []
        for kind, word in ((CHAT, self.tr("chat")), (PHONE, self.tr("phone"))):
            if not on_duty(slots, now, kind):
                upcoming = next_on_duty(slots, now, kind)
                if upcoming is not None:
                    waiting.append(
                        self.tr("next on {duty}: {name}, {day} {time}").format(
                            duty=word,
                            name=upcoming["name"],
                            day=self.tr(SHORT_DAYS[upcoming["weekday"]]),
                            time=upcoming["starts"],
                        )
                    )
        self.setToolTip("; ".join(waiting))
        wait = (next_change(slots, now) - now).total_seconds()
        self.timer.start(max(1000, int(wait * 1000) + 500))  # just past the boundary
