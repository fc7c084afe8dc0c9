"""The log file in the data folder: what support asks for when something goes wrong.

``configure_logging(data_dir)`` is called once at start-up (``desktop.app``): it
adds a rotating file handler (``houselights.log``, 1 MB, five old files kept)
to the root logger and routes unhandled exceptions, on the GUI thread and on
worker threads, into it before the usual handling. Calling it again changes
nothing. ``last_lines`` gives the end of the log for *Copy diagnostics*.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "houselights.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("houselights")


class _HouselightsFileHandler(RotatingFileHandler):
    """Marks the handler this module added, so it is added only once."""


def log_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOG_FILE


def configured_handler() -> RotatingFileHandler | None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _HouselightsFileHandler):
            return handler
    return None


def configure_logging(
    data_dir: Path, max_bytes: int = MAX_BYTES, backup_count: int = BACKUP_COUNT
) -> RotatingFileHandler | None:
    """Log to ``houselights.log`` in ``data_dir``, rotating; once per process.

    A log that cannot be written (a read-only data folder) is no reason to stop:
    the records then go to standard error only, and None is returned; whoever opens
    the store says plainly what is wrong with the folder."""
    handler = configured_handler()
    if handler is not None:
        return handler
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        handler = _HouselightsFileHandler(
            log_path(data_dir), maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
        )
    except OSError as error:
        install_excepthooks()
        log.warning("No log file in %s (%s)", data_dir, error.strerror or error)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    install_excepthooks()
    return handler


class _LoggingExcepthook:
    """``sys.excepthook``: the log first, then the hook that was there before."""

    def __init__(self, previous: Callable[..., object]) -> None:
        self.previous = previous

    def __call__(self, kind, value, traceback) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            log.critical("Unhandled exception", exc_info=(kind, value, traceback))
        self.previous(kind, value, traceback)


def install_excepthooks() -> None:
    """Unhandled exceptions go to the log first, then to the previous hook."""
    if isinstance(sys.excepthook, _LoggingExcepthook):
        return
    sys.excepthook = _LoggingExcepthook(sys.excepthook)
    previous_thread_hook = threading.excepthook

    def thread_excepthook(hook_args) -> None:
        log.critical(
            "Unhandled exception in thread %s",
            getattr(hook_args.thread, "name", "?"),
            exc_info=(hook_args.exc_type, hook_args.exc_value, hook_args.exc_traceback),
        )
        previous_thread_hook(hook_args)

    threading.excepthook = thread_excepthook


def last_lines(data_dir: Path, count: int = 40) -> list[str]:
    """The last ``count`` lines of the log (fewer when it is shorter; none without one)."""
    path = log_path(data_dir)
    handler = configured_handler()
    if handler is not None:
        handler.flush()
    try:
        with path.open("rb") as file:
            file.seek(0, 2)
            size = file.tell()
            file.seek(max(0, size - 256 * count))
            tail = file.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    lines = tail.splitlines()
    if size > 256 * count:
        lines = lines[1:]  # the first may be cut in the middle
    return lines[-count:]
