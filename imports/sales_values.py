"""Reading the values of an online-sales export: dates, prices, quantities.

Each reader returns the value or raises ``ValueProblem`` with a sentence a
volunteer understands (it names the text that could not be read).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_QUANTITY = 500


class ValueProblem(ValueError):
    """A cell that cannot be read; ``str()`` is the reason shown for the row."""


@dataclass(frozen=True)
class Moment:
    """A date from the file; ``has_time`` is False when it gave only the day."""

    at: datetime  # timezone-aware
    has_time: bool

    @property
    def day(self) -> date:
        return self.at.date()


def local_zone() -> tzinfo:
    """This computer's time zone, by name when it can be found (so DST is right): the last
    guess for an import's times, after the file, the import setting and the organization's."""
    candidates = [os.environ.get("TZ", "")]
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8", errors="ignore").strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        name = name.lstrip(":")
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return datetime.now().astimezone().tzinfo or UTC


def zone(value: str | tzinfo | None) -> tzinfo:
    """A time zone from its name (``Europe/London``); None means this computer's."""
    if value is None or value == "":
        return local_zone()
    if isinstance(value, tzinfo):
        return value
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueProblem(
            f"“{value}” is not a time zone we know. Use a name like America/New_York."
        ) from None


# -- dates ----------------------------------------------------------------------
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%a, %B %d, %Y",
    "%a, %b %d, %Y",
    "%A, %B %d, %Y",
    "%a %b %d, %Y",  # Ticket Tailor: "Sat Nov 8, 2025 7:15 PM"
    "%a %B %d, %Y",
    "%A %B %d, %Y",
    "%a %d %b %Y",
    "%A %d %B %Y",
)
_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M%p", "%I %p", "%I%p")
_SLASHED = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$")
_ZONE_SUFFIX = re.compile(r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_ABBREVIATION = re.compile(r"\s+[A-Z]{3,4}$")  # "EST", "CEST": not reliable, dropped


DATE_ORDERS = ("dmy", "mdy", "ymd")


def day_first_in(texts) -> bool | None:
    """Whether slashed dates in a column are day/month (True), month/day (False) or unknown."""
    votes = date_order_votes(texts)
    votes.pop("ambiguous", None)
    if "dmy" in votes and "mdy" not in votes:
        return True
    if "mdy" in votes and "dmy" not in votes:
        return False
    return None


def date_order_votes(texts) -> dict[str, str]:
    """The first date that shows each order: ``{"dmy": "14/03/2026", "mdy": "03/14/2026"}``.

    Without any, ``{"ambiguous": "12/11/2026"}`` names a date that could be read
    either way; an empty answer means no date of the file depends on the order.

    Only a number above 12 tells: 12/11/2026 could be either, 14/03/2026 is day
    first and 03/14/2026 month first. Every text is looked at, so one telling
    row anywhere in the file decides (and two rows telling different orders are
    a file mixing both, which the import refuses to guess about).
    """
    votes: dict[str, str] = {}
    ambiguous = ""
    for text in texts:
        text = (text or "").strip()
        if not text or text[0] not in "0123456789":
            continue
        match = _SLASHED.match(text.split()[0])
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12 >= second:
                votes.setdefault("dmy", text)
            elif second > 12 >= first:
                votes.setdefault("mdy", text)
            elif not ambiguous and first != second:
                ambiguous = text
            if len(votes) == 2:
                break
    if not votes and ambiguous:
        votes["ambiguous"] = ambiguous
    return votes


# -- dates Excel stored as numbers ---------------------------------------------------
#: a bare number: what a date cell holds when Excel keeps it as its serial number
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
#: Excel's last date, 31 December 9999
EXCEL_LAST_SERIAL = 2958465


def excel_serial(text: str) -> float | None:
    """The number, when ``text`` is a bare number Excel could hold as a date (day 1,
    1 January 1900, to 31 December 9999) or a time (0 to 1); else None."""
    text = (text or "").strip()
    if not _SERIAL.match(text):
        return None
    value = float(text)
    return value if value < EXCEL_LAST_SERIAL + 1 else None


def from_excel_serial(value: float, date_system: int = 1900) -> str:
    """An Excel serial number as the text of its date and time, as Excel shows it:
    46337 is "2026-11-11", 46337.8125 "2026-11-11 19:30", 0.8125 (a time) "19:30".

    ``date_system`` is the workbook's: 1900 (Windows Excel: day 1 is 1 January 1900,
    and day 60 is Excel's 29 February 1900, a day that never was, kept for Lotus 1-2-3)
    or 1904 (old Mac Excel: day 0 is 1 January 1904). Raises ``ValueProblem`` for
    Excel's 29 February 1900."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    if date_system != 1904 and int(value) == 60:
        raise ValueProblem(
            f"“{value:g}” is Excel's 29 February 1900, a day that never was: this date was "
            "typed wrong in the spreadsheet."
        )
    epoch = CALENDAR_MAC_1904 if date_system == 1904 else CALENDAR_WINDOWS_1900
    moment = from_excel(value, epoch)
    if isinstance(moment, time):
        seconds = round(moment.hour * 3600 + moment.minute * 60 + moment.second)
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}" + (
            f":{seconds % 60:02d}" if seconds % 60 else ""
        )
    moment = moment.replace(microsecond=0)
    if value == int(value):
        return moment.date().isoformat()
    return moment.isoformat(sep=" ", timespec="minutes" if not moment.second else "seconds")


def excel_serial_hint(raw: str, what: str) -> str:
    """Why a bare number in a date or time column of a text file is refused, and how to
    export it properly ("" when ``raw`` is not such a number)."""
    value = excel_serial(raw)
    if value is None or 1 <= value < 10000:  # 2026 alone is more likely a year than 1905
        return ""
    try:
        shown = from_excel_serial(value)
    except ValueProblem:
        return ""
    kind = "time" if value < 1 else "date"
    return (
        f"The {what} “{raw.strip()}” is a number, not a {kind}. It looks like a {kind} that "
        f"Excel keeps as a number ({raw.strip()} is {shown} in Excel's count of days), saved "
        "into this file that way: in Excel, format the column as a date (Format Cells > Date) "
        "before saving it as CSV, or import the Excel workbook (.xlsx) itself, or download the "
        "export again."
    )


def _split_date_time(text: str) -> tuple[str, str]:
    if "T" in text and re.match(r"^\d{4}-\d{2}-\d{2}T", text):
        return text[:10], text[11:]
    # The time starts at the first h:mm after the date words.
    match = re.search(
        r"(?:\s+|,\s*|\s+at\s+|\s+@\s+)(\d{1,2}(:\d{2})?(:\d{2})?\s*([AaPp][Mm])?)$", text
    )
    if match and (match.group(2) or match.group(4)):
        return text[: match.start()].rstrip(" ,"), match.group(1)
    return text, ""


def _parse_day(text: str, order: str) -> date:
    slashed = _SLASHED.match(text)
    if slashed:
        a, b, c = (int(g) for g in slashed.groups())
        if order == "ymd" and len(slashed.group(3)) == 2:
            year, month, day = a, b, c  # 26/11/12: 2026, November 12
        else:
            year = c
            day, month = (a, b) if order == "dmy" else (b, a)
        year += 2000 if year < 100 else 0
        return date(year, month, day)
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def _parse_time(text: str) -> time:
    text = text.strip().upper().replace(".", "")
    for form in _TIME_FORMATS:
        try:
            return datetime.strptime(text, form).time()
        except ValueError:
            continue
    raise ValueError(text)


def parse_moment(
    text: str, local: tzinfo, day_first: bool = False, what: str = "date", order: str | None = None
) -> Moment:
    """A date (and time) from the file; naive ones are in the organization's ``local`` zone.

    ``order`` (dmy, mdy or ymd) says how to read 12/11/2026; ``day_first`` is the
    older way of saying dmy.
    """
    order = order or ("dmy" if day_first else "mdy")
    raw = (text or "").strip()
    if not raw:
        raise ValueProblem(f"The {what} is empty.")
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        has_time = len(raw) > 10
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=local)
        return Moment(parsed, has_time)
    body, offset = raw, None
    suffix = _ZONE_SUFFIX.search(body)
    if suffix:
        token = suffix.group(1).upper()
        body = body[: suffix.start()].strip()
        if token not in ("Z", "UTC", "GMT"):
            sign = 1 if token[0] == "+" else -1
            digits = token[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
        else:
            offset = 0
    else:
        body = _ABBREVIATION.sub("", body)
    day_text, time_text = _split_date_time(body)
    try:
        day = _parse_day(day_text.strip(), order)
        clock = _parse_time(time_text) if time_text else time(0, 0)
    except ValueError:
        raise ValueProblem(
            excel_serial_hint(raw, what)
            or f"The {what} “{raw}” is not a date we can read. Use a form like 2026-03-14 19:30."
        ) from None
    if offset is None:
        moment = datetime.combine(day, clock, tzinfo=local)
    else:
        from datetime import timedelta, timezone

        moment = datetime.combine(day, clock, tzinfo=timezone(timedelta(minutes=offset)))
    return Moment(moment, bool(time_text))


def with_time(moment: Moment, text: str) -> Moment:
    """A day from one column plus the time from another (``Event Time``)."""
    if not (text or "").strip():
        return moment
    try:
        clock = _parse_time(text)
    except ValueError:
        raise ValueProblem(
            excel_serial_hint(text, "event time")
            or f"“{text.strip()}” is not a time we can read. Use a form like 19:30 or 7:30 PM."
        ) from None
    return Moment(datetime.combine(moment.at.date(), clock, tzinfo=moment.at.tzinfo), True)


# -- money and counts -----------------------------------------------------------
_FREE = {"free", "gratis", "comp", "complimentary", "-", "—"}


_CURRENCY = re.compile(r"^[A-Z]{3}\s*|\s*[A-Z]{3}$|[$€£¥₹]|\s+")
_AMOUNT = re.compile(r"^[\d.,']+$")


def parse_price(text: str) -> int:
    """Cents from "$25.00", "25,00 €", "EUR 1.234,50", "1,234.50", "Free"; empty is 0."""
    raw = (text or "").strip()
    if not raw or raw.lower() in _FREE:
        return 0
    problem = ValueProblem(f"“{raw}” is not an amount of money we can read. Use a form like 25.00.")
    number = _CURRENCY.sub("", raw)
    negative = number.startswith("-") or (number.startswith("(") and number.endswith(")"))
    number = number.strip("-()").replace("'", "")
    if not _AMOUNT.match(number) or not re.search(r"\d", number):
        raise problem
    if negative:
        raise ValueProblem(f"“{raw}” is a negative amount; a ticket price must be 0 or more.")
    marks = [c for c in number if c in ",."]
    if len(set(marks)) == 2:
        decimal_mark = number[max(number.rfind(","), number.rfind("."))]
    elif marks and len(marks) == 1 and len(number) - number.rfind(marks[0]) - 1 != 3:
        decimal_mark = marks[0]  # "25,00", "25.5"; "1,234" is a thousand
    else:
        decimal_mark = ""
    whole, _, fraction = number.partition(decimal_mark) if decimal_mark else (number, "", "")
    whole = whole.replace(",", "").replace(".", "")
    if (whole and not whole.isdigit()) or (fraction and not fraction.isdigit()):
        raise problem
    if len(fraction) > 2:
        raise problem
    try:
        value = Decimal(f"{whole or 0}.{fraction or 0}")
    except InvalidOperation:
        raise problem from None
    return int(value * 100)


def parse_quantity(text: str) -> int:
    """A number of tickets; an empty cell means 1."""
    raw = (text or "").strip()
    if not raw:
        return 1
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or value != value.to_integral_value() or not 1 <= value <= MAX_QUANTITY:
        raise ValueProblem(f"“{raw}” is not a number of tickets. Use a whole number like 1 or 2.")
    return int(value)
