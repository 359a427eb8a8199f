"""The branch map's lane order and fork connectors as plain geometry (no Qt, no drawing).

A branch's lane runs from its fork to the end of the scenario; its connector drops from the parent's
lane straight down at the fork date, then turns into its own lane. Drawn in the order "siblings by
fork date, earliest first", a later sibling's drop crossed every earlier sibling's lane (and their
subtrees'), so a reader could not tell which lane a fork came from. Listed newest fork first, each
branch followed by its own subtree (`lane_order`), every lane between a parent and its child begins
on or after the child's fork: no connector crosses a lane that is neither its parent's nor its
child's (`crossings` checks it; the painter draws `routes`, the segments checked). The outline
shows the tree in the same order as the map (both read `History.rows()`).

x is a date ordinal, y a row number (0 at the top).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable


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
    """Depth first, each branch followed by its subtree; siblings newest fork first (ties in the
    order given), so that a parent's connectors pass only lanes that begin after them."""
    out: list[str] = []
    stack = list(reversed(roots))
    while stack:
        bid = stack.pop()
        out.append(bid)
        kids = sorted(children(bid), key=start, reverse=True)  # stable: ties keep their order
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
