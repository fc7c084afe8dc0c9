"""The Code 128 pattern behind every printed barcode reads back as the code itself.

Patterns are turned straight into pixels (no painting) and read with zbar, so
many codes can be checked: every one of our codes, and outside codes (online
sales) made of any printable ASCII.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.ticket_symbols import code128_modules, qr_matrix
from domain.ticket_codes import ALPHABET, CODE_LENGTH, is_own_code

pyzbar = pytest.importorskip("pyzbar.pyzbar", reason="the zbar library (libzbar0) is missing")


def read_modules(modules: str, pixels: int = 2) -> list[tuple[str, str]]:
    quiet = b"\xff" * (12 * pixels)
    line = quiet + b"".join((b"\x00" if m == "1" else b"\xff") * pixels for m in modules) + quiet
    rows = 6
    return [(s.type, s.data.decode()) for s in pyzbar.decode((line * rows, len(line), rows))]


def own_code(body: str) -> str:
    return next(body + c for c in ALPHABET if is_own_code(body + c))


own_codes = st.text(ALPHABET, min_size=CODE_LENGTH - 1, max_size=CODE_LENGTH - 1).map(own_code)
outside_codes = st.text(string.ascii_letters + string.digits + "-_./:#", min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(own_codes)
def test_every_own_code_reads_back(code):
    assert read_modules(code128_modules(code)) == [("CODE128", code)]


@settings(max_examples=300, deadline=None)
@given(outside_codes)
def test_outside_codes_read_back(code):
    assert read_modules(code128_modules(code)) == [("CODE128", code)]


@pytest.mark.parametrize(
    "code", ["99", "993", "9912345678", "99ABC", "0099", "1", "12AB", "1234567890123456"]
)
def test_digit_runs_and_a_leading_99_read_back(code):
    # python-barcode 0.16.1 dropped a leading "99" (its issue #251)
    assert read_modules(code128_modules(code)) == [("CODE128", code)]


def test_our_codes_take_at_most_167_modules_so_they_fit_the_ticket():
    bodies = ("3" * 11, "X" * 11, "X3467X3467X", "3467X3467X3", "34679CEFGHJ", "9X9X9X9X9X9")
    longest = max(len(code128_modules(own_code(body))) for body in bodies)
    assert longest <= 167


def test_the_qr_matrix_is_square_with_finder_patterns():
    matrix = qr_matrix("3E4EEGH663XJ")
    size = len(matrix)
    assert all(len(row) == size for row in matrix)
    assert matrix[0][:7] == [1] * 7 and matrix[0][-7:] == [1] * 7 and matrix[-1][:7] == [1] * 7
