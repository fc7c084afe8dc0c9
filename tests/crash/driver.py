"""A Houselights process to be killed: the real import and door code paths, nothing mocked.

    python -m tests.crash.driver DATA import FILE.csv
    python -m tests.crash.driver DATA scan PERFORMANCE CODE...

Every save the store confirmed is printed at once (``saved N``: the newest
event id, printed after the save returned), every door verdict after
``check_in`` returned (``admit CODE``), so the test knows exactly what a
person at the screen had been told before the process was killed.
"""

from __future__ import annotations

import json
import sys

from desktop.door_check import check_in
from imports.sales_import import import_sales_file
from infrastructure.bootstrap import bootstrap
from infrastructure.config import resolve


def main(argv: list[str]) -> int:
    data, mode, *rest = argv
    services = bootstrap(resolve(data, store="sqlite"), staff="crash", workstation="test")
    services.app.subscribe(lambda last: print(f"saved {last}", flush=True))
    print("ready", flush=True)
    if mode == "import":
        report = import_sales_file(services.app, rest[0], timezone="UTC")
        services.runner.catch_up()
        print("report " + json.dumps(report), flush=True)
    else:
        performance, *codes = rest
        for code in codes:
            result = check_in(services, code, performance, "North door")
            verdict = result.verdict
            if verdict == "admit" and result.scan.repeat:
                verdict = "admit-repeat"  # the same scan twice within two seconds: one admission
            print(f"{verdict} {code}", flush=True)
    services.close()
    print("finished", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
