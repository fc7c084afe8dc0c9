"""A door process to be killed while its shared store does not answer.

    python -m tests.crash.offline_driver DATA STORE_URL PERFORMANCE CODE...

It opens the door the way ``houselights check-in`` does (its own copy and queue when
the store does not open in time) and checks each code in. Each verdict is printed
after ``check_in`` returned, that is after the scan was synced into the queue on
disk (``queued CODE VERDICT``), so the test knows exactly what a volunteer had been
told when the process was killed. Then it prints ``all-queued`` and waits.
"""

from __future__ import annotations

import sys

from desktop.door_check import check_in
from infrastructure.bootstrap import OfflineServices, bootstrap_door
from infrastructure.config import resolve


def main(argv: list[str]) -> int:
    data, store, performance, *codes = argv
    services = bootstrap_door(
        resolve(data, store=store), staff="crash", workstation="north-door", budget=0.5
    )
    print(f"ready {'offline' if isinstance(services, OfflineServices) else 'online'}", flush=True)
    for code in codes:
        result = check_in(services, code, performance, "North door")
        print(f"queued {code} {result.verdict} {result.offline}", flush=True)
    print("all-queued", flush=True)
    sys.stdin.read()  # held here until killed
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
