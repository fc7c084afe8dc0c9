"""EAN-13 barcode pictures for tests (tickets from other services often carry them)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage, QPainter

L = [
    "0001101",
    "0011001",
    "0010011",
    "0111101",
    "0100011",
    "0110001",
    "0101111",
    "0111011",
    "0110111",
    "0001011",
]
R = ["".join("1" if b == "0" else "0" for b in code) for code in L]
G = [code[::-1] for code in R]
PARITY = [
    "LLLLLL",
    "LLGLGG",
    "LLGGLG",
    "LLGGGL",
    "LGLLGG",
    "LGGLLG",
    "LGGGLL",
    "LGLGLG",
    "LGLGGL",
    "LGGLGL",
]


def check_digit(twelve):
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve))
    return str((10 - total % 10) % 10)


def modules(code):
    first, left, right = int(code[0]), code[1:7], code[7:]
    bits = "101"
    for d, p in zip(left, PARITY[first], strict=True):
        bits += (L if p == "L" else G)[int(d)]
    bits += "01010"
    for d in right:
        bits += R[int(d)]
    return bits + "101"


def image(code, scale=4, quiet=12, height=160):
    bits = modules(code)
    img = QImage((len(bits) + 2 * quiet) * scale, height, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    for i, b in enumerate(bits):
        if b == "1":
            p.fillRect((quiet + i) * scale, 10, scale, height - 20, QColor("black"))
    p.end()
    return img
