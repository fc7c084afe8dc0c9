"""The one way Houselights writes dates, times, money and counts on screen and on paper.

Everything follows the organization's locale: the country chosen in the first-run
assistant (``organization/country``; empty: this computer's) gives the order of
day and month, the names of days and months, the decimal mark and the paper
size; ``organization/currency`` the currency (empty: the country's); and
``organization/timezone`` the clock that performances are shown in (empty: this
computer's). ``configure(...)`` (or ``configure_from(settings)``, which also
follows later changes) sets them; every view calls the functions below instead
of writing its own format strings.

    moment("2026-11-21T19:30:00+00:00")   'Sat 21 Nov 2026, 19:30'   (GB)
                                          'Sat, Nov 21, 2026, 7:30 PM' (US)
    date(...)  '21 Nov 2026' · weekday_date(...) 'Sat 21 Nov 2026' · time(...) '19:30'
    money(123450)  '£1,234.50' · money(123450) with DE/EUR  '1.234,50 €'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache

from PySide6.QtCore import QDate, QDateTime, QLocale, QTimeZone

from domain import organization_time, wording
from domain.money import AMOUNT

#: countries that print on US Letter paper (everywhere else: A4)
LETTER_COUNTRIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "SV", "PR", "DO", "PA", "NI", "HN", "BZ"}
)


@dataclass(frozen=True)
class Conventions:
    """The organization's way of writing things (empty fields: this computer's)."""

    country: str = ""
    currency: str = ""
    timezone: str = ""


_current = Conventions()


def configure(country: str = "", currency: str = "", timezone: str = "") -> None:
    """Set the organization's country (two letters), currency (ISO code) and time zone."""
    global _current
    _current = Conventions(country.strip().upper(), currency.strip().upper(), timezone.strip())


def configure_from(settings) -> None:
    """Configure from the organization's settings, and again whenever they change."""

    def apply(_key: str = "") -> None:
        configure(
            str(settings.get("organization/country")),
            str(settings.get("organization/currency")),
            str(settings.get("organization/timezone")),
        )

    apply()
    if getattr(settings, "_formatting_follows", False):
        return
    settings._formatting_follows = True
    settings.changed.connect(lambda key: apply() if key.startswith("organization/") else None)


def conventions() -> Conventions:
    return _current


def zone() -> tzinfo | None:
    """The organization's time zone, for ``domain.organization_time`` (which day it is at
    the venue, tonight's performance, who is on duty); None while it has not been said."""
    return organization_time.zone_named(_current.timezone)


def today() -> dt.date:
    """Today at the organization (its time zone's day, not this computer's)."""
    return organization_time.today(zone())


# -- the locale -------------------------------------------------------------------
def territory(code: str) -> QLocale.Country | None:
    """``GB`` -> QLocale.Territory.UnitedKingdom; None for what is not a country code."""
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        return None
    found = QLocale.codeToTerritory(code)
    return None if found == QLocale.Country.AnyTerritory else found


@cache
def _locale_for(country: str, language: int) -> QLocale:
    place = territory(country)
    if place is None:
        here = QLocale()
        if here.language() == QLocale.Language.C:  # no locale at all (LANG=C): US English
            return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
        return here
    # This computer's language where it is spoken in that country, else the country's own.
    own = QLocale(QLocale.Language(language), place)
    if own.territory() == place:
        return own
    return QLocale(QLocale.Language.AnyLanguage, place)


def locale() -> QLocale:
    """The organization's locale (the country's, in this computer's language when it can)."""
    return _locale_for(_current.country, QLocale().language().value)


def country_code() -> str:
    """The organization's country as two letters (this computer's when none was chosen)."""
    return _current.country or QLocale.territoryToCode(QLocale().territory())


def paper_size() -> str:
    """``Letter`` in the countries that use it, ``A4`` elsewhere."""
    return "Letter" if country_code() in LETTER_COUNTRIES else "A4"


@cache
def _currency_symbols() -> dict[str, str]:
    """ISO currency code -> its symbol, from every locale Qt knows."""
    symbols: dict[str, str] = {}
    for each in QLocale.matchingLocales(
        QLocale.Language.AnyLanguage, QLocale.Script.AnyScript, QLocale.Country.AnyTerritory
    ):
        code = each.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
        symbol = each.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol)
        if code and symbol and (code not in symbols or each.territory() != QLocale.Country.World):
            # the symbol used in the currency's home country wins ("$" for USD, not "US$")
            home = QLocale.territoryToCode(each.territory())
            if code not in symbols or code.startswith(home):
                symbols[code] = symbol
    return symbols


def known_currency(code: str) -> bool:
    return (code or "").strip().upper() in _currency_symbols()


def currency_code() -> str:
    """The organization's currency: the chosen one, else the country's."""
    return _current.currency or locale().currencySymbol(
        QLocale.CurrencySymbolFormat.CurrencyIsoCode
    )


def currency_symbol() -> str:
    code = _current.currency
    own = locale()
    if not code or code == own.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode):
        return own.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol)
    return _currency_symbols().get(code, code)


def country_for_currency(code: str) -> str:
    """A country whose currency this is (``GBP`` -> ``GB``), or ''."""
    code = (code or "").strip().upper()
    country = territory(code[:2]) if len(code) == 3 else None
    if country is not None:
        own = QLocale(QLocale.Language.AnyLanguage, country)
        if own.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode) == code:
            return code[:2]
    return ""


# -- dates and times ----------------------------------------------------------------
def _zone() -> QTimeZone | None:
    if not _current.timezone:
        return None
    zone = QTimeZone(_current.timezone.encode())
    return zone if zone.isValid() else None


def _qmoment(iso: str | datetime | None) -> QDateTime | None:
    if not iso:
        return None
    try:
        moment = iso if isinstance(iso, datetime) else datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a moment without a zone is this computer's
    shown = QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))
    zone = _zone()
    return shown.toTimeZone(zone) if zone is not None else shown


def local_datetime(iso: str | datetime | None) -> datetime | None:
    """A stored moment on the organization's clock (a Python datetime), or None."""
    shown = _qmoment(iso)
    if shown is None:
        return None
    moment = shown.toPython()
    assert isinstance(moment, datetime)  # QDateTime.toPython gives a datetime
    return moment


def stored_moment(iso: str | datetime) -> datetime:
    """``local_datetime`` of a moment that is always there (a read model's
    ``starts_at``); ValueError when it is not a moment."""
    moment = local_datetime(iso)
    if moment is None:
        raise ValueError(f"not a moment: {iso!r}")
    return moment


def _no_locale() -> bool:
    """No country chosen and none on this computer (LANG=C): amounts in US dollars as
    always, dates day-first with the month in words and a 24-hour clock (unambiguous)."""
    return not _current.country and QLocale().language() == QLocale.Language.C


def _order() -> str:
    """'dmy', 'mdy' or 'ymd': how the organization's country orders a date."""
    if _no_locale():
        return "dmy"
    short = locale().dateFormat(QLocale.FormatType.ShortFormat)
    letters = [c for c in short if c in "dMy"]
    first = letters[0] if letters else "d"
    return {"d": "dmy", "M": "mdy", "y": "ymd"}[first]


def date_pattern(weekday: bool = False, year: bool = True) -> str:
    """The Qt pattern of a date as Houselights writes it (for QDateEdit display formats)."""
    order = _order()
    if order == "mdy":
        text = "MMM d, yyyy" if year else "MMM d"
        return f"ddd, {text}" if weekday else text
    if order == "ymd":
        text = "yyyy-MM-dd" if year else "MM-dd"
        return f"{text} (ddd)" if weekday else text
    text = "d MMM yyyy" if year else "d MMM"
    return f"ddd {text}" if weekday else text


def time_pattern(seconds: bool = False) -> str:
    short = locale().timeFormat(QLocale.FormatType.ShortFormat)
    twelve = ("AP" in short.upper() or "a" in short) and not _no_locale()
    if seconds:
        return "h:mm:ss AP" if twelve else "HH:mm:ss"
    return "h:mm AP" if twelve else "HH:mm"


def moment_pattern(weekday: bool = True, year: bool = True) -> str:
    return f"{date_pattern(weekday, year)}, {time_pattern()}"


def _write(iso, pattern: str) -> str:
    shown = _qmoment(iso)
    return locale().toString(shown, pattern) if shown is not None else ""


def moment(iso: str | datetime | None, weekday: bool = True, year: bool = True) -> str:
    """'Sat 21 Nov 2026, 19:30' on the organization's clock; '' for nothing or nonsense."""
    return _write(iso, moment_pattern(weekday, year))


def _calendar_day(value: object) -> QDate | None:
    """A calendar day (a ``date`` or 'YYYY-MM-DD': a membership's last day, a report's
    first day), which has no clock to be moved to the organization's; None for a moment
    or anything else."""
    if isinstance(value, datetime) or not isinstance(value, dt.date | str):
        return None
    if isinstance(value, str):
        if len(value) != 10:
            return None
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return None
    return QDate(value.year, value.month, value.day)


def date(iso: str | datetime | dt.date | None, weekday: bool = False, year: bool = True) -> str:
    """'21 Nov 2026' ('Sat 21 Nov 2026' with the weekday) of a moment on the
    organization's clock, or of a calendar day as it is; '' for nothing."""
    calendar_day = _calendar_day(iso)
    if calendar_day is not None:
        return locale().toString(calendar_day, date_pattern(weekday, year))
    return _write(iso, date_pattern(weekday, year))


def time(iso: str | datetime | None, seconds: bool = False) -> str:
    """'19:30' (or '7:30 PM' where the clock has twelve hours)."""
    return _write(iso, time_pattern(seconds))


def long_date(iso: str | datetime | dt.date | None) -> str:
    """'Saturday 21 November 2026' in the country's own long form (a moment's day at the
    organization, or a calendar day as it is)."""
    shown = _calendar_day(iso)
    if shown is None:
        moment = _qmoment(iso)  # type: ignore[arg-type]  # not a calendar day
        shown = moment.date() if moment is not None else None
    return locale().toString(shown, QLocale.FormatType.LongFormat) if shown else ""


#: the month a season begins (September: a 2025–26 season runs Sep 2025 to Aug 2026)
SEASON_START_MONTH = 9


def season(day) -> int:
    """The year a date's season began in (a ``date``)."""
    return day.year if day.month >= SEASON_START_MONTH else day.year - 1


def season_name(start_year: int) -> str:
    """2025 -> '2025–26'."""
    return f"{start_year}–{(start_year + 1) % 100:02d}"


def qdate(day: QDate) -> str:
    return locale().toString(day, date_pattern())


def day(value, weekday: bool = False) -> str:
    """A calendar day (a ``date`` or 'YYYY-MM-DD') as ``date`` writes it; '' for nothing."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.strptime(value[:10], "%Y-%m-%d")
        except ValueError:
            return value
    return locale().toString(
        QDate(value.year, value.month, value.day), date_pattern(weekday=weekday)
    )


def month(year_month: str, short_year: bool = False) -> str:
    """'2026-11' -> 'Nov 2026' (or "Nov '26")."""
    try:
        day = datetime.strptime(year_month, "%Y-%m")
    except (TypeError, ValueError):
        return year_month or ""
    text = locale().toString(QDate(day.year, day.month, 1), "MMM yyyy")
    return text.replace(str(day.year), f"'{day.year % 100:02d}") if short_year else text


# the names the views have used since the start; they now follow the organization's locale
def local_moment(iso: str | None, fmt: str | None = None) -> str:
    """A moment as ``moment`` writes it, or in an explicit Qt pattern."""
    return moment(iso) if fmt is None else _write(iso, fmt)


def local_date(iso: str | None) -> str:
    return date(iso)


# -- money ------------------------------------------------------------------------------
def money(cents: int | None) -> str:
    """Integer cents in the organization's currency ('£1,234.50'); '' for nothing."""
    if cents is None:
        return ""
    shown = locale()
    text = shown.toCurrencyString(abs(int(cents)) / 100, currency_symbol(), 2)
    # a minus sign rather than accounting brackets: a refund reads "-$5.50" everywhere
    return shown.negativeSign() + text if cents < 0 else text


def _mark(kind: str, value: str) -> str:
    """One ``domain.wording`` mark written out (the ISO value when it is no date)."""
    if kind == "date":
        return day(value) or value
    if kind == "moment":
        return moment(value) or value
    return time(value, seconds=kind == "seconds") or value


# every text the domain writes (its errors too) has its dates written here
wording.use_writer(_mark)


def words(text: str, cents: int | None = None) -> str:
    """A text from the domain or a read model written out in the organization's way:
    its ``domain.wording`` marks ('{date:2026-09-08}') as ``day``/``moment``/``time``
    write them, and the ``domain.money.AMOUNT`` mark as ``money(cents)``."""
    text = wording.written(text or "")
    if cents is not None and AMOUNT in text:
        text = text.replace(AMOUNT, money(cents))
    return text


#: a chat message's moment at the start of its line ('[{moment:…}] Ada: Hello!')
_MESSAGE_MOMENT = re.compile(r"^\[\{moment:([0-9][0-9T:+\-.Z ]*)\}\] ", re.MULTILINE)


def transcript(text: str) -> str:
    """A chat transcript (``projections.conversations.shown_transcript``) written out:
    each message's time on the organization's clock, in its way ('[14:01] Ada: Hi' in
    London, '[9:01 AM] Ada: Hi' in New York); the day too where the chat went past
    midnight ('[Sun 22 Nov 2026, 00:05]'), the first message's day being the chat's.
    Only the mark that starts a message's line is written: what was said stays as said.
    """
    day = None

    def one(match: re.Match[str]) -> str:
        nonlocal day
        local = local_datetime(match.group(1))
        if local is None:
            return match.group(0)
        same_day = day is None or local.date() == day
        day = local.date()
        return f"[{time(match.group(1)) if same_day else moment(match.group(1))}] "

    return _MESSAGE_MOMENT.sub(one, text or "")


def with_amount(text: str, cents: int | None) -> str:
    """``words``: a text with its amount ('Donated £50.00 to …') and dates written in."""
    return words(text, cents)


_AMOUNT = re.compile(r"^\s*[^\d\s.,-]*\s*(\d{1,3}(?:,\d{3})+|\d{1,9})(?:[.,](\d{1,2}))?\s*$")
_AMOUNT_COMMA = re.compile(
    r"^\s*[^\d\s.,-]*\s*(\d{1,3}(?:[. ]\d{3})+|\d{1,9})(?:,(\d{1,2}))?\s*\D*$"
)


def parse_cents(text: str) -> int | None:
    """What someone typed as an amount: '25' -> 2500, '12.5' -> 1250, '$1,200' -> 120000;
    where the decimal mark is a comma also '1.200,50 €' -> 120050.

    None when it is not an amount (the caller says so, keeping the text).
    """
    match = _AMOUNT.match(text or "")
    if match:
        whole = int(match.group(1).replace(",", ""))
        fraction = (match.group(2) or "0").ljust(2, "0")
        return whole * 100 + int(fraction)
    if locale().decimalPoint() == "," or text.strip().endswith(("€", "kr")):
        match = _AMOUNT_COMMA.match(text or "")
        if match:
            whole = int(re.sub(r"[. ]", "", match.group(1)))
            return whole * 100 + int((match.group(2) or "0").ljust(2, "0"))
    return None


# -- counts -------------------------------------------------------------------------------
def number(n: int) -> str:
    """A whole number with the country's digit grouping ('5,000' or '5.000')."""
    return locale().toString(int(n))


#: languages whose percent sign follows a (no-break) space, from CLDR's percent formats
#: ("#,##0 %"); French uses the narrow one. Everywhere else: "77%".
_PERCENT_SPACE = {
    QLocale.Language.French: "\u202f",
    **{
        language: "\u00a0"
        for language in (
            QLocale.Language.German,
            QLocale.Language.Spanish,
            QLocale.Language.Swedish,
            QLocale.Language.NorwegianBokmal,
            QLocale.Language.Danish,
            QLocale.Language.Finnish,
            QLocale.Language.Czech,
            QLocale.Language.Slovak,
            QLocale.Language.Russian,
        )
    },
}


def percent(fraction: float | None, decimals: int = 0) -> str:
    """A share (0.77) the country's way: '77%' (GB, US), '77 %' (FR, DE); '' for nothing."""
    if fraction is None:
        return ""
    shown = locale()
    # rounded as Python rounds (62.5 -> 62, as "{:.0%}" wrote it), then written by the locale
    figure = shown.toString(round(float(fraction) * 100, decimals), "f", decimals)
    return figure + _PERCENT_SPACE.get(shown.language(), "") + shown.percent()
