"""Numbers and dates as Indonesian readers expect them (Babel, locale ``id``): 1.234 and 27 November 2024."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

LOCALE = "id"
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def number(value: float | int | None) -> str:
    """Whole number with dot thousands: ``number(1234567) == "1.234.567"``; None -> "–"."""
    if value is None:
        return "–"
    return format_decimal(round(value), locale=LOCALE)


def decimal(value: float | None, digits: int = 1) -> str:
    """Fixed decimals with a comma: ``decimal(87.345) == "87,3"``."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0." + "0" * digits, locale=LOCALE)


def percent(value: float | None, digits: int = 1) -> str:
    """A percentage given as 0–100: ``percent(87.345) == "87,3%"``; None -> "–"."""
    if value is None:
        return "–"
    return decimal(value, digits) + "%"


def rupiah(value: float | int) -> str:
    """Money as written in Indonesian reports: ``rupiah(16800) == "Rp16.800"``."""
    return "Rp" + number(value)


def date(value: dt.date | None) -> str:
    """``date(dt.date(2024, 11, 27)) == "27 November 2024"``."""
    if value is None:
        return "–"
    return format_date(value, format="d MMMM y", locale=LOCALE)


def timestamp(value: dt.datetime | None) -> str:
    """Date and time in WIB: "27 November 2024, 14.05 WIB"; naive values are taken as WIB."""
    if value is None:
        return "–"
    if value.tzinfo is not None:
        value = value.astimezone(WIB).replace(tzinfo=None)
    return format_datetime(value, format="d MMMM y, HH.mm", locale=LOCALE) + " WIB"


def days_to_vote(voting_date: dt.date, today: dt.date) -> str:
    """ "H-7" style countdown, "Hari ini hari pemungutan suara", or how long ago it was."""
    days = (voting_date - today).days
    if days > 0:
        return f"H-{days}"
    if days == 0:
        return "Hari H"
    return f"Lewat {number(-days)} hari"
