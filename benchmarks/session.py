"""One user session in a fresh process: cold start to a usable window, then the
busy screens, reporting how long the start took and the peak resident memory.

    uv run python -m benchmarks.session --data DIR [--started EPOCH]

Run by ``benchmarks/run.py`` as a subprocess, with ``--started`` set to the
moment it launched the process, so the start figure includes starting Python
and importing Qt and the app, as a user double-clicking the icon waits for.
The read models in DIR are expected to be caught up already (as on a
workstation that was used yesterday); the window starts its background
catch-up as the real app does. Prints one JSON line.
"""

from __future__ import annotations

import time

STARTED = time.time()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def vm_hwm_mb(pid: int | str = "self") -> float:
    """A process's peak resident memory from /proc (VmHWM); 0 where there is none."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_rss_mb() -> float:
    """VmHWM on Linux (``ru_maxrss`` there survives exec: it may be the parent's)."""
    if peak := vm_hwm_mb():
        return peak
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--started", type=float, default=STARTED)
    parser.add_argument("--busy", default="", help="a patron whose page to open")
    args = parser.parse_args(argv)

    from desktop.app import application, create_main_window
    from infrastructure.bootstrap import bootstrap
    from infrastructure.config import resolve

    qt = application()
    services = bootstrap(resolve(args.data, store="sqlite"), catch_up=False)
    window = create_main_window(services)
    window.resize(1280, 800)
    window.show()
    window.start_catch_up()
    qt.processEvents()
    start_s = time.time() - args.started
    after_start = peak_rss_mb()

    # the screens a busy day goes through
    for area in ("box_office", "door", "reports", "patrons"):
        window.show_area(area)
        qt.processEvents()
    if args.busy:
        window.open_patron(args.busy)
        qt.processEvents()
    from projections import patron_search

    db = services.runner.db()
    for text in ("a", "ma", "mar", "smith", "555"):
        patron_search.search(db, text)
    result = {
        "start_s": start_s,
        "events": services.app.event_count(),
        "rss_after_start_mb": after_start,
        "peak_rss_mb": peak_rss_mb(),
    }
    window.shutdown()
    window.close()
    services.close()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
