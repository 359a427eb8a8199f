"""A pyqtgraph axis whose x values are day ordinals (`date.toordinal()`), ticked on calendar units."""
from __future__ import annotations

import datetime as dt

import pyqtgraph as pg

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
# (unit, step, approximate days)
_STEPS = [("year", n, 365.25 * n) for n in (100, 50, 20, 10, 5, 2, 1)] + \
         [("month", n, 30.44 * n) for n in (6, 3, 1)] + \
         [("day", n, n) for n in (14, 7, 2, 1)]


def _ticks(lo: float, hi: float, unit: str, step: int) -> list[float]:
    lo = max(lo, 1.0)
    hi = min(hi, float(dt.date.max.toordinal()))
    if hi <= lo:
        return []
    a, b = dt.date.fromordinal(int(lo)), dt.date.fromordinal(int(hi))
    out = []
    if unit == "year":
        y = (a.year // step) * step
        while y <= b.year:
            if 1 <= y <= 9999:
                o = dt.date(y, 1, 1).toordinal()
                if lo <= o <= hi:
                    out.append(float(o))
            y += step
    elif unit == "month":
        m = a.year * 12 + (a.month - 1)
        m -= m % step
        while m <= b.year * 12 + b.month - 1:
            y, mo = divmod(m, 12)
            if 1 <= y <= 9999:
                o = dt.date(y, mo + 1, 1).toordinal()
                if lo <= o <= hi:
                    out.append(float(o))
            m += step
    else:
        o = int(lo)
        while o <= hi:
            d = dt.date.fromordinal(o)
            if step == 1 or (step == 7 and d.weekday() == 0) or (step in (2, 14) and d.day % step == 1):
                out.append(float(o))
            o += 1
            if len(out) > 400:
                break
    return out


def label(o: float, unit: str) -> str:
    try:
        d = dt.date.fromordinal(int(round(o)))
    except (ValueError, OverflowError):
        return ""
    if unit == "year":
        return str(d.year)
    if unit == "month":
        return str(d.year) if d.month == 1 else MONTHS[d.month - 1]
    return f"{d.day} {MONTHS[d.month - 1]}" if d.day != 1 or d.month != 1 else str(d.year)


class DateAxis(pg.AxisItem):
    """Bottom axis in years, months or days depending on zoom; labels never crowd."""

    def __init__(self, orientation="bottom", min_label_px: float = 64, **kw):
        super().__init__(orientation, **kw)
        self.min_label_px = min_label_px
        self._unit, self._major_days = "year", 365.25
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal, maxVal, size):
        if size <= 0 or maxVal <= minVal:
            return []
        days_per_px = (maxVal - minVal) / size
        major = None
        for i, (unit, step, days) in enumerate(_STEPS):
            if days / days_per_px >= self.min_label_px:
                major = i
            else:
                break
        if major is None:
            major = 0
        unit, step, days = _STEPS[major]
        self._unit, self._major_days = unit, days
        levels = [(days, _ticks(minVal, maxVal, unit, step))]
        if major + 1 < len(_STEPS):
            u2, s2, d2 = _STEPS[major + 1]
            if d2 / days_per_px >= 6:
                majors = set(levels[0][1])
                levels.append((d2, [t for t in _ticks(minVal, maxVal, u2, s2) if t not in majors]))
        return levels

    def tickStrings(self, values, scale, spacing):
        if abs(spacing - self._major_days) > 1e-6:  # the minor level: ticks without labels
            return ["" for _ in values]
        return [label(v, self._unit) for v in values]


def to_ordinal(d: dt.date) -> float:
    return float(d.toordinal())


def from_ordinal(x: float) -> dt.date:
    x = min(max(int(round(x)), 1), dt.date.max.toordinal())
    return dt.date.fromordinal(x)
