"""Two branches side by side: their chronologies aligned by date, one event per row on both sides.

Built on `Workspace.diff(left, right)` (the one home of what is the same, new, changed or gone): a row
holds an event as it happened in each branch, so an event that moved or ended otherwise stays on one
row, and an event only one branch has leaves the other side empty — as a diff viewer shows two files.
The app's side-by-side view and any report of a comparison read these rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .diff import CHANGED, GONE, NEW, SAME


@dataclass(frozen=True)
class Pair:
    date: dt.date                  # where the row sits: the earlier of its two dates
    status: str                    # same | changed | new (left only) | gone (right only)
    event: str
    occurrence: int
    left_title: str | None         # None: not in the left branch
    left_date: dt.date | None
    right_title: str | None        # None: not in the right branch
    right_date: dt.date | None
    left_index: int | None = None  # firing index in the left branch

    @property
    def key(self) -> tuple:
        return self.event, self.occurrence


def side_by_side(ws, left: str, right: str, *, differences_only: bool = False, diff=None) -> list[Pair]:
    """The rows of `left` against `right`, chronological (`diff`: that diff, when already computed)."""
    d = diff if diff is not None else ws.diff(left, right)
    rt = ws.timeline(right)
    rows = []
    for e in d.events:
        status = e.status
        if status == SAME:  # one title: same rule, same outcome, same date on both sides
            if not differences_only:
                rows.append(Pair(e.date, SAME, e.event, e.occurrence, e.title, e.date, e.title, e.date, e.index))
            continue
        # the diff's title is the left branch's (the right one's for an event gone from the left)
        lt_title = None if status == GONE else e.title
        rt_title = None if status == NEW else e.title if status == GONE else rt.title(e.event, e.other_outcome)
        when = min(x for x in (e.date, e.other_date) if x is not None)
        rows.append(Pair(when, status, e.event, e.occurrence, lt_title, e.date, rt_title, e.other_date, e.index))
    rows.sort(key=lambda p: (p.date, p.left_index if p.left_index is not None else -1))
    return rows


def counts(rows: list[Pair]) -> dict[str, int]:
    out = {SAME: 0, NEW: 0, CHANGED: 0, GONE: 0}
    for p in rows:
        out[p.status] += 1
    return out
