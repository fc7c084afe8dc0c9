"""Counts in the command line's and the domain's English say what they count."""

from __future__ import annotations

import pytest

from domain.wording import counted


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 backups"), (1, "1 backup"), (2, "2 backups"), (1200, "1,200 backups")],
)
def test_a_count_takes_its_noun_in_the_right_number(count, expected):
    assert counted(count, "backup", "backups") == expected
