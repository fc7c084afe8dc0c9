"""Loaded by Python at start when this folder is on ``PYTHONPATH``: for running the
suite at another moment under libfaketime (docs/developing.md, *At another time*).

With the monotonic clock left real (``DONT_FAKE_MONOTONIC=1``, so Qt's timers and
every deadline run at the real pace), libfaketime 0.9.10 makes ``time.sleep`` fail
with ``EINVAL`` (it sleeps until a moment on the monotonic clock). This sleeps on
``select`` instead, which takes a length."""

import select
import time

_monotonic = time.monotonic


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    end = _monotonic() + seconds
    while (left := end - _monotonic()) > 0:
        select.select([], [], [], left)


time.sleep = _sleep
