"""Keeps the loyalty ladder worked out with this office's rules.

The ladder read model remembers the thresholds it was worked out with. When a
``loyalty/*`` setting changes (or the app starts with rules the read model has
not seen), the whole ladder is worked out again in the background, behind a
progress dialog that can cancel it (a cancelled recompute changes nothing).
Several settings changed together start one recompute.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.background import BackgroundRunner, Cancelled, Task, run_with_progress
from desktop.settings import Settings, loyalty_thresholds
from domain.loyalty import LoyaltyThresholds
from projections import ladder
from projections.runner import ReadModelRunner


def recompute_work(progress, runner, rules: LoyaltyThresholds) -> int:
    """On the thread pool: the whole ladder again, while catch-ups wait."""
    with runner.exclusive():
        try:
            return ladder.recompute(
                runner.db(),
                rules,
                progress=lambda done, total: progress.update(done, total, ""),
                cancelled=lambda: progress.cancelled,
            )
        except ladder.RecomputeCancelled:
            raise Cancelled() from None


class LadderUpkeep(QObject):
    #: the ladder was worked out again (number of patrons)
    recomputed = Signal(int)
    #: a sentence for the status bar
    message = Signal(str)

    def __init__(
        self,
        runner: ReadModelRunner,
        settings: Settings | None,
        background: BackgroundRunner,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.background = background
        self.window = parent
        self.task: Task | None = None
        self.dialog: QProgressDialog | None = None
        self._again = False
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(200)
        self._soon.timeout.connect(self.check)
        if settings is not None:
            settings.changed.connect(self._setting_changed)

    def rules(self) -> LoyaltyThresholds:
        return loyalty_thresholds(self.settings)

    def _setting_changed(self, key: str) -> None:
        if key.startswith("loyalty/"):
            self._soon.start()

    def needed(self) -> bool:
        """Whether the ladder's rules differ from the office's (the door's welcome-back
        threshold plays no part in the ladder)."""
        rules = self.rules()
        stored = ladder.thresholds(self.runner.db())
        return replace(stored, long_absence_months=rules.long_absence_months) != rules

    def check(self):
        """Recompute when the office's rules differ from the ladder's; returns the task."""
        if self.task is not None:
            self._again = True  # the rules changed again meanwhile: once more after this
            return self.task
        if not self.needed():
            return None
        return self.start()

    def start(self):
        self.task, self.dialog = run_with_progress(
            self.window,
            self.background,
            self.tr("Working out the loyalty ladder with the new rules…"),
            recompute_work,
            self.runner,
            self.rules(),
            on_done=self._done,
            on_error=self._failed,
            on_cancelled=self._stopped,
        )
        return self.task

    def _finished(self) -> None:
        self.task = self.dialog = None
        if self._again:
            self._again = False
            self.check()

    def _done(self, patrons: int) -> None:
        self._finished()
        self.message.emit(
            self.tr("The loyalty ladder was worked out again for {n} patrons.").format(
                n=f"{patrons:,}"
            )
        )
        self.recomputed.emit(patrons)

    def _failed(self, error: BaseException, _details: str = "") -> None:
        self._finished()
        self.message.emit(
            self.tr("The loyalty ladder could not be worked out again: {error}").format(error=error)
        )

    def _stopped(self) -> None:
        self._finished()
        self.message.emit(
            self.tr("Cancelled: the loyalty ladder still follows the previous rules.")
        )
