"""Dates are day ordinals inside the engine (fast to compare); ISO strings at the edges."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_DURATION = re.compile(r"^\s*(\d+)\s*([dwmy]?)\s*$")


@dataclass(frozen=True)
class Duration:
    days: int = 0
    months: int = 0

    def add_to(self, ordinal: int) -> int:
        if not self.months:
            return ordinal + self.days
        d = dt.date.fromordinal(ordinal)
        month0 = d.month - 1 + self.months
        year = d.year + month0 // 12
        month = month0 % 12 + 1
        day = min(d.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day).toordinal() + self.days

    def __str__(self) -> str:
        if self.months and not self.days:
            return f"{self.months // 12}y" if self.months % 12 == 0 else f"{self.months}m"
        if self.days and self.days % 7 == 0 and not self.months:
            return f"{self.days // 7}w"
        return f"{self.days}d" if not self.months else f"{self.months}m+{self.days}d"


def parse_duration(value) -> Duration:
    """'30d', '2w', '3m', '1y' or a whole number of days."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30d, 2w, 3m or 1y")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return Duration(days=value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"'{value}' is not a duration; write 30d, 2w, 3m or 1y")
    n, unit = int(m.group(1)), m.group(2) or "d"
    if unit == "d":
        return Duration(days=n)
    if unit == "w":
        return Duration(days=7 * n)
    return Duration(months=n if unit == "m" else 12 * n)


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a date; write YYYY-MM-DD") from None


def iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()
