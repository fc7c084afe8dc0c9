"""The log file in the data folder: rotating, configured once, unhandled errors in it."""

from __future__ import annotations

import logging
import sys
import threading
from logging.handlers import RotatingFileHandler

import pytest

from infrastructure import logs


@pytest.fixture
def reported():
    """What the hooks before ours (Python's own report) were given."""
    return []


@pytest.fixture
def configured(tmp_path, reported):
    saved = (sys.excepthook, threading.excepthook)
    sys.excepthook = lambda *exc_info: reported.append(exc_info[1])
    threading.excepthook = lambda args: reported.append(args.exc_value)
    handler = logs.configure_logging(tmp_path, max_bytes=2000, backup_count=2)
    yield handler
    logging.getLogger().removeHandler(handler)
    handler.close()
    sys.excepthook, threading.excepthook = saved


def test_the_log_rotates_in_the_data_folder(configured, tmp_path):
    assert isinstance(configured, RotatingFileHandler)
    assert configured.baseFilename == str(tmp_path / "houselights.log")
    assert (configured.maxBytes, configured.backupCount) == (2000, 2)
    for n in range(200):
        logging.getLogger("houselights").info("line %d of a long evening at the door", n)
    configured.flush()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["houselights.log", "houselights.log.1", "houselights.log.2"]
    assert all(p.stat().st_size <= 2000 for p in tmp_path.iterdir())
    assert logs.last_lines(tmp_path, 3)[-1].endswith("line 199 of a long evening at the door")


def test_configuring_again_adds_no_second_handler(configured, tmp_path):
    again = logs.configure_logging(tmp_path / "elsewhere")
    assert again is configured
    ours = [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]
    assert ours == [configured]


@pytest.mark.qt_no_exception_capture
def test_an_unhandled_exception_is_logged_before_the_usual_report(configured, tmp_path, reported):
    try:
        raise RuntimeError("the printer caught fire")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    text = "\n".join(logs.last_lines(tmp_path, 20))
    assert "CRITICAL houselights: Unhandled exception" in text
    assert "RuntimeError: the printer caught fire" in text
    assert [str(e) for e in reported] == ["the printer caught fire"]  # still reported as usual


def test_an_unhandled_exception_in_a_worker_thread_is_logged(configured, tmp_path, reported):
    def work():
        raise ValueError("bad row in the import")

    worker = threading.Thread(target=work, name="import-worker")
    worker.start()
    worker.join()
    text = "\n".join(logs.last_lines(tmp_path, 20))
    assert "Unhandled exception in thread import-worker" in text
    assert "ValueError: bad row in the import" in text
    assert [str(e) for e in reported] == ["bad row in the import"]


def test_last_lines_without_a_log_is_empty(tmp_path):
    assert logs.last_lines(tmp_path / "nowhere") == []


def test_failed_background_work_is_logged(configured, tmp_path, qtbot):
    from desktop.background import BackgroundRunner

    def import_rows(progress):
        raise OSError("the network drive went away")

    runner = BackgroundRunner()
    failures = []
    runner.run(import_rows, on_error=lambda error, _text: failures.append(error))
    qtbot.waitUntil(lambda: len(failures) == 1)
    text = "\n".join(logs.last_lines(tmp_path, 20))
    assert "WARNING houselights: Background work import_rows failed" in text
    assert "OSError: the network drive went away" in text
    runner.shutdown()
