"""*Copy diagnostics*: what a support request needs, in plain text, never a password.

Version, platform, Python and Qt versions, whether this is the installed
(frozen) app, the store kind and where it is (a PostgreSQL address without its
password), the data folder, the number of events and the end of the log.
"""

from __future__ import annotations

import platform
import re
import sys
from importlib.metadata import PackageNotFoundError, version

from desktop import formatting
from infrastructure.bundled import bundle_folder
from infrastructure.config import redacted
from infrastructure.logs import last_lines

#: user:password@ in any address, should one reach the log or an error message
_PASSWORD_IN_URL = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://[^:/@\s]*):(?P<pw>[^@\s/]+)@")


def app_version() -> str:
    try:
        return version("houselights")
    except PackageNotFoundError:
        return "0+unknown"


def scrub(text: str) -> str:
    """``text`` with the password of every address in it replaced by ***."""
    return _PASSWORD_IN_URL.sub(lambda m: f"{m['scheme']}:***@", text)


def diagnostics_text(services, log_lines: int = 40) -> str:
    """The diagnostics for ``services`` (infrastructure.bootstrap.Services) as text."""
    import PySide6
    from PySide6.QtCore import qVersion

    config = services.config
    try:
        events = formatting.number(services.app.event_count())
    except Exception as error:  # noqa: BLE001 - the store may be the problem
        events = f"unknown ({type(error).__name__}: {error})"
    kind = "PostgreSQL (shared)" if config.kind == "postgresql" else "SQLite (this computer)"
    where = redacted(config.store_url) if config.store_url else str(config.events_path)
    lines = [
        f"Houselights {app_version()}",
        f"Installed app: {'yes' if bundle_folder() else 'no (running from source)'}",
        f"Platform: {platform.platform()} ({platform.machine()})",
        f"Python: {sys.version.split()[0]}",
        f"Qt: {qVersion()} (PySide6 {PySide6.__version__})",
        f"Store: {kind}: {where}",
        f"Data folder: {config.data_dir}",
        f"Events: {events}",
        "",
        f"Last {log_lines} log lines:",
        *(last_lines(config.data_dir, log_lines) or ["(no log yet)"]),
    ]
    return scrub("\n".join(lines))


def copy_diagnostics(services) -> str:
    """Put the diagnostics on the clipboard; returns the text."""
    from PySide6.QtWidgets import QApplication

    text = diagnostics_text(services)
    QApplication.clipboard().setText(text)
    return text
