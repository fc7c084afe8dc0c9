"""``houselights --smoke``: what the installers' build and CI run against the frozen app."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desktop import cli, smoke


def test_smoke_run_admits_a_ticket_through_the_door_and_exits_0(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # it sets its own
    env["HOUSELIGHTS_DATA"] = str(tmp_path / "never-touched")
    done = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--smoke"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "smoke: door: ADMIT for ticket" in done.stdout
    assert "smoke: zbar: read the printed barcode" in done.stdout
    assert "smoke: libraries: argon2 PIN hash, AES-GCM cipher" in done.stdout
    assert "read models built by a second process" in done.stdout  # spawn works here too
    assert "smoke test passed: ADMIT at the door" in done.stdout
    assert not (tmp_path / "never-touched").exists()  # throwaway data only


def test_a_door_that_does_not_admit_fails_the_smoke_run_with_the_reason(qapp):
    with pytest.raises(smoke.SmokeFailed) as failed:
        smoke.run_smoke(report=lambda _line: None, code_for=lambda _code: "ZZZZZZZZZZZZ")
    assert "the door said 'UNKNOWN CODE'" in str(failed.value)


def test_the_command_exits_non_zero_with_the_reason(monkeypatch, capsys):
    def broken(report):
        raise smoke.SmokeFailed("the door view never showed")

    monkeypatch.setattr(smoke, "run_smoke", broken)
    assert cli.main(["--smoke"]) == 1
    assert "smoke test failed: the door view never showed" in capsys.readouterr().err


def test_an_unexpected_error_fails_the_smoke_run_too(monkeypatch, capsys):
    def broken(report):
        raise ImportError("No module named 'pluggy'")

    monkeypatch.setattr(smoke, "run_smoke", broken)
    assert cli.main(["--smoke"]) == 1
    assert "No module named 'pluggy'" in capsys.readouterr().err


def test_a_second_process_that_fails_fails_the_smoke_run():
    class Runner:
        batch_size, side_after, side_error, side_copied = 2000, 50_000, "boom", {}

        def rebuild(self):
            return 7

    with pytest.raises(smoke.SmokeFailed, match="second process failed: boom"):
        smoke.check_shared_rebuild(Runner())


def test_the_library_check_names_a_library_that_does_not_work(monkeypatch):
    assert "all work" in smoke.check_libraries()
    from eventsourcing import cipher

    def broken(self, plaintext):
        raise OSError("cannot load _raw_aes")

    monkeypatch.setattr(cipher.AESCipher, "encrypt", broken)
    with pytest.raises(smoke.SmokeFailed) as failed:
        smoke.check_libraries()
    assert str(failed.value) == (
        "the store's AES cipher (pycryptodome) does not work: OSError: cannot load _raw_aes"
    )
