"""The branch map's lane order and fork connectors as plain geometry (no Qt, no drawing).

A branch's lane runs from its fork to the end of the scenario; its connector drops from the parent's
lane straight down at the fork date, then turns into its own lane. Lanes are listed depth first, each
branch followed by its subtree, siblings earliest fork first (`lane_order`, read through
`History.rows()` by the map, the outline, the export dialog and the reports alike): the issue asks for
date order everywhere, and a reader scans the outline top-down in time. In that order a later
sibling's connector passes the lanes of its earlier siblings (and their subtrees'). Listing siblings
newest fork first would avoid that, but it turned the outline reverse-chronological; instead the
painter draws such a connector as a *bridge*, the way transit maps and circuit diagrams do: over the
lanes, with a casing in the background colour, so each lane it passes shows a small gap on either
side and keeps its own colour, while the fork's diamond stays on the parent's lane. `bridges` says
where (the rows each connector passes over, computed once per layout); `crossings` is the same
question asked of plain segments, for checking it; the painter draws `routes`.

x is a date ordinal, y a row number (0 at the top).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np


def lane_starts(ids: Iterable[str], parent: Callable[[str], str | None], fork: Callable[[str], float | None],
                x0: float) -> dict[str, float]:
    """Where each lane begins: its fork; a branch whose fork is not known yet begins with its
    parent's lane (a root at `x0`). `ids` must list parents before their children."""
    out: dict[str, float] = {}
    for bid in ids:
        f = fork(bid)
        p = parent(bid)
        out[bid] = f if f is not None else (out.get(p, x0) if p is not None else x0)
    return out


def lane_order(roots: list[str], children: Callable[[str], list[str]], start: Callable[[str], float]) -> list[str]:
    """Depth first, each branch followed by its subtree; siblings earliest fork first (ties in the
    order given): the outline and the map read top-down in time."""
    out: list[str] = []
    stack = list(reversed(roots))
    while stack:
        bid = stack.pop()
        out.append(bid)
        kids = sorted(children(bid), key=start)  # stable: ties keep their order
        stack.extend(reversed(kids))
    return out


@dataclass(frozen=True)
class Route:
    """A branch's connector: from (x, y_parent) on the parent's lane down (or up) to its own row y."""
    branch: str
    parent: str
    x: float
    y_parent: int
    y: int


@dataclass(frozen=True)
class Segment:
    branch: str
    kind: str  # "lane" or "connector"
    x0: float
    y0: float
    x1: float
    y1: float


def routes(rows: list[str], parent_row: dict[str, int | None], lane_start: dict[str, float]) -> dict[str, Route]:
    """Each branch with a parent on the map: its connector, a vertical at its fork date."""
    out = {}
    for r, bid in enumerate(rows):
        pr = parent_row.get(bid)
        if pr is not None:
            out[bid] = Route(bid, rows[pr], lane_start[bid], pr, r)
    return out


def segments(rows: list[str], parent_row: dict[str, int | None], lane_start: dict[str, float],
             x_end: float) -> list[Segment]:
    """Every lane and connector as straight segments (the painter rounds the connector's corner)."""
    out = [Segment(bid, "lane", lane_start[bid], r, x_end, r) for r, bid in enumerate(rows)]
    for rt in routes(rows, parent_row, lane_start).values():
        out.append(Segment(rt.branch, "connector", rt.x, rt.y_parent, rt.x, rt.y))
    return out


def crossings(segs: list[Segment], parent_of: dict[str, str | None]) -> list[tuple[str, str]]:
    """(connector's branch, lane's branch) for every connector that passes through another branch's
    lane (its parent's and its own excepted): strictly between the two rows it joins, strictly after
    where that lane begins (a sibling forking the same day shares the drop, as in a git graph)."""
    lanes = [s for s in segs if s.kind == "lane"]
    out = []
    for c in segs:
        if c.kind != "connector":
            continue
        lo, hi = min(c.y0, c.y1), max(c.y0, c.y1)
        for ln in lanes:
            if ln.branch in (c.branch, parent_of.get(c.branch)):
                continue
            if lo < ln.y0 < hi and ln.x0 < c.x0 <= ln.x1:
                out.append((c.branch, ln.branch))
    return out


def bridges(rows: list[str], parent_row: dict[str, int | None],
            lane_start: dict[str, float]) -> dict[str, list[tuple[int, int]]]:
    """For each connector that passes over other lanes: the runs of rows (first, last; top to bottom)
    the painter cases, each from a lane it passes to a lane it passes. It passes the lanes strictly
    between its parent's row and its own that begin before its fork date (as `crossings`: a lane
    beginning the same day shares the drop). A row in a run whose lane begins after the fork is empty
    there, so one stroke of casing covers it too; a run stops only at a lane sharing the drop (the
    overview of 200 branches: ~7,000 lanes passed, ~120 strokes)."""
    starts = np.array([lane_start[b] for b in rows], dtype=float)
    out: dict[str, list[tuple[int, int]]] = {}
    for r, bid in enumerate(rows):
        pr = parent_row.get(bid)
        if pr is None:
            continue
        lo, hi = min(pr, r), max(pr, r)
        if hi - lo < 2:
            continue
        between, x = starts[lo + 1:hi], lane_start[bid]
        hit = np.nonzero(between < x)[0]
        if not len(hit):
            continue
        ties = np.nonzero(between == x)[0]
        group = np.searchsorted(ties, hit)  # passed lanes separated by a shared drop: separate runs
        cut = np.nonzero(np.diff(group))[0]
        firsts = np.concatenate(([hit[0]], hit[cut + 1])) + lo + 1
        lasts = np.concatenate((hit[cut], [hit[-1]])) + lo + 1
        out[bid] = list(zip(firsts.tolist(), lasts.tolist()))
    return out


def passed(runs: list[tuple[int, int]], rows: list[str], lane_start: dict[str, float], x: float) -> list[str]:
    """The lanes a connector at x passes over, from its `bridges` runs."""
    return [rows[r] for a, b in runs for r in range(a, b + 1) if lane_start[rows[r]] < x]
