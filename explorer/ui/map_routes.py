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

import math
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


# -- labels ---------------------------------------------------------------------------------------
# In pixels: x right, y down. A fork's label names its lane; the painter measures the texts and
# draws the boxes, this places them.

LABEL_GAP = 10.0     # px between a fork and its label
LABEL_MAX = 300.0    # px: a longer label is elided even where there is room
END_CLEAR = 6.0      # px a connector must reach beyond a label's box for the box to lie over it


def label_room(widest: float, width: float) -> float:
    """Px kept after the scenario's end: the widest label beside the last forks' drops (the lanes'
    last stretch is clear of drops, the likeliest place for a label crowded out near its fork), at
    least 150 px, at most 30% of the view (the lanes keep the rest)."""
    return min(max(150.0, widest + 2 * LABEL_GAP), width * 0.3)


@dataclass(frozen=True)
class LabelLane:
    """A lane to name: its fork at x, its row's centre at y (px), the label's full width w (text and
    padding); `room_above`: a label may sit above the lane (rows tall enough, or the first row)."""
    branch: str
    x: float
    y: float
    w: float
    has_parent: bool
    room_above: bool = False


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: "Box", pad_x: float = 0.0, pad_y: float = 0.0) -> bool:
        return (self.x - pad_x < other.x + other.w and other.x < self.x + self.w + pad_x
                and self.y - pad_y < other.y + other.h and other.y < self.y + self.h + pad_y)


def _drops_under(box: Box, drops: np.ndarray) -> tuple[int, bool]:
    """(connectors the box lies over, whether it touches one where it may not): a box may lie over the
    straight middle of a connector that passes it (reaching `END_CLEAR` px beyond it above and below:
    the fork's diamond and the bend stay in view), not over a connector's end, nor over one marked
    to keep (the selection's path: column 4 true)."""
    if not len(drops):
        return 0, False
    hit = (drops[:, 1] > box.x) & (drops[:, 0] < box.x + box.w) & (drops[:, 3] > box.y) & (drops[:, 2] < box.y + box.h)
    if not hit.any():
        return 0, False
    passes = (drops[:, 2] < box.y - END_CLEAR) & (drops[:, 3] > box.y + box.h + END_CLEAR)
    if drops.shape[1] > 4:
        passes &= drops[:, 4] == 0
    return int(hit.sum()), bool((hit & ~passes).any())


def _room_before_drop(x: float, top: float, bottom: float, drops: np.ndarray) -> tuple[float, float]:
    """(left, right) edges of the first drop reaching right of x that passes between top and
    bottom (one that straddles x counts: its left edge is then before x), or (inf, inf)."""
    if not len(drops):
        return math.inf, math.inf
    hit = (drops[:, 1] > x) & (drops[:, 3] > top) & (drops[:, 2] < bottom)
    if not hit.any():
        return math.inf, math.inf
    i = int(np.argmin(np.where(hit, drops[:, 0], np.inf)))
    return float(drops[i, 0]), float(drops[i, 1])


def _candidates(lane: LabelLane, drops: np.ndarray, width: float, h: float) -> list[tuple[Box, bool, bool]]:
    """Where a lane's label may go, best first, as (box, whole, may lie over passing connectors):
    whole and clear of every connector (above the lane after the fork, left of the fork, on the lane
    in the first gap between the drops that holds it); whole over the fewest passing connectors (on
    the lane after the fork or past a drop, left of the fork, above); elided (the old last resorts)."""
    xs, y, full = lane.x, lane.y, min(lane.w, LABEL_MAX)
    out: list[tuple[Box, bool, bool]] = []
    avail = xs - LABEL_GAP - 4
    start = max(xs, 0.0) + LABEL_GAP
    room_right = width - start - 4
    above = lane.room_above and room_right >= 40
    if above and room_right >= full:  # above the lane, just after the fork
        out.append((Box(start, y - h - 4, full, h), True, False))
    if lane.has_parent and avail >= full:  # left of the fork, where the lane has not begun
        out.append((Box(xs - LABEL_GAP - full, y - h / 2, full, h), True, False))
    # on the lane after the fork, in the gaps between the drops on it (its children's, and the bridges
    # of later forks passing over it): the first that holds it whole; the others as elided fallbacks
    elided: list[tuple[Box, bool, bool]] = []
    lefts = [start]
    left, widest = start, None
    for _ in range(8):
        limit, past = _room_before_drop(left, y - h / 2, y + h / 2, drops)
        room = min(width - left - 4, limit - left - 4)
        if room >= full:
            out.append((Box(left, y - h / 2, full, h), True, False))
            break
        if room >= min(full, 120) or (limit == math.inf and room >= 40):
            elided.append((Box(left, y - h / 2, min(full, room), h), False, False))
            widest = None
            break
        if room >= 50 and (widest is None or room > widest.w):
            widest = Box(left, y - h / 2, room, h)
        if limit == math.inf or left >= width:
            break
        left = past + 2 + LABEL_GAP  # past that drop (a child's forking close to the fork)
        lefts.append(left)
    if widest is not None:
        elided.append((widest, False, False))
    # whole, lying over passing connectors: the fewest, then the nearest the fork
    over = [Box(x, y - h / 2, full, h) for x in lefts]
    if lane.has_parent and avail >= full:
        over.append(Box(xs - LABEL_GAP - full, y - h / 2, full, h))
    if above and room_right >= full:
        over.append(Box(start, y - h - 4, full, h))
    ranked = []
    for box in over:
        if box.x < 0 or box.x + box.w > width - 4:
            continue
        n, touches = _drops_under(box, drops)
        if not touches and n:
            ranked.append((n, abs(box.x - xs), box))
    out += [(box, True, True) for _, _, box in sorted(ranked, key=lambda t: t[:2])]
    if above and room_right < full:  # above the lane, elided
        out.append((Box(start, y - h - 4, room_right, h), False, False))
    if lane.has_parent and avail < full and avail >= 90:  # left of the fork, elided
        w = min(full, avail)
        out.append((Box(xs - LABEL_GAP - w, y - h / 2, w, h), False, False))
    return out + elided


def place_labels(lanes: list[LabelLane], drops: np.ndarray, width: float, height: float,
                 h: float) -> list[tuple[Box, str, bool]]:
    """Each lane's label, in the order given (the selection first: it gets the best place), as (box,
    branch, whole): no two overlap, none over a connector's end, none off the view. `drops` holds the
    connectors' vertical strokes as rows (left, right, top, bottom[, keep]). A label is elided only
    where no whole place is left (a view narrower than it, or every place taken)."""
    drops = np.asarray(drops, dtype=float)
    if drops.ndim != 2:
        drops = drops.reshape(-1, 4)
    placed: list[Box] = []
    out: list[tuple[Box, str, bool]] = []
    for lane in lanes:
        for box, whole, over in _candidates(lane, drops, width, h):
            if box.y + box.h < 0 or box.y > height:
                continue
            if any(box.overlaps(q, 3, 1) for q in placed):
                continue
            n, touches = _drops_under(box, drops)
            if touches or (n and not over):
                continue
            placed.append(box)
            out.append((box, lane.branch, whole))
            break
    return out
