"""A layered drawing's order (the middle step of Sugiyama's method, which graphviz's dot and yEd's
hierarchic layout share): the nodes are already in columns; this finds an order within each column
that few edges cross. networkx has none, and no maintained package offers it for our case (bands that
must stay together), so it lives here, small and deterministic.

An edge that skips columns passes through a placeholder ("dummy") in each column between, which takes
a place in the order like a node: the drawing routes the edge through those places, so long edges
neither run through boxes nor cross more than they must. `group(key)` keeps nodes of one group (the
rule graph's tag bands) together in every column, groups in rank order.

Barycentre sweeps, alternately left to right and right to left, each node moved to the mean position
of its neighbours in the column just placed; the best order seen (fewest crossings, counted exactly)
is kept. Everything is sorted with explicit tie-breaks, so the same input gives the same order.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple


class Dummy(NamedTuple):  # a tuple: hashed and compared at C speed (a dataclass took half the time)
    """The place of edge number `edge` in column `col`, which it passes through."""

    edge: int
    col: int


@dataclass
class Ordered:
    columns: list[list] = field(default_factory=list)  # each column's keys (and Dummy places) top to bottom
    routes: dict[int, list] = field(default_factory=dict)  # edge number -> its Dummy places, left to right
    group: dict = field(default_factory=dict)  # every key's group rank (a Dummy's: its half's end's)
    crossings: int = 0  # edge crossings between neighbouring columns in this order
    first_crossings: int = 0  # ... in the order before the sweeps


def order_columns(columns: list[list], edges: list[tuple], group=None, sweeps: int = 24) -> Ordered:
    """`columns`: lists of node keys (the given order breaks ties); `edges`: (source, target) pairs;
    one pointing left takes part as if reversed (its route is still listed left to right), one within
    a column takes none; `group(key)` -> a sortable group rank (None: one group)."""
    col_of = {k: c for c, keys in enumerate(columns) for k in keys}
    rank = {k: (group(k) if group else 0) for k in col_of}
    cols = [list(keys) for keys in columns]
    up: dict = {k: [] for k in col_of}  # neighbours in the column before
    down: dict = {k: [] for k in col_of}  # ... in the column after
    routes: dict[int, list] = {}
    for i, (u, v) in enumerate(edges):
        cu, cv = col_of.get(u), col_of.get(v)
        if cu is None or cv is None or cv == cu:
            continue
        if cv < cu:
            u, v, cu, cv = v, u, cv, cu
        chain = [u]
        for c in range(cu + 1, cv):
            d = Dummy(i, c)
            rank[d] = rank[u] if c - cu <= cv - c else rank[v]  # half in the source's group, half in the target's
            up[d], down[d] = [], []
            cols[c].append(d)
            chain.append(d)
        chain.append(v)
        if len(chain) > 2:
            routes[i] = chain[1:-1]
        for a, b in zip(chain, chain[1:]):
            down[a].append(b)
            up[b].append(a)

    pos: dict = {}

    def place(c: int, keys: list) -> None:
        cols[c] = keys
        for i, k in enumerate(keys):
            pos[k] = i

    def arrange(c: int, nbrs: dict) -> None:
        keyed = []
        for k in cols[c]:
            ns = nbrs[k]
            here = pos[k]
            if not ns:
                bary = here
            elif len(ns) == 1:
                bary = pos[ns[0]]
            else:
                bary = sum([pos[n] for n in ns]) / len(ns)
            keyed.append((rank[k], bary, here, k))
        keyed.sort()  # `here` differs for every key of a column: the keys themselves are never compared
        place(c, [t[3] for t in keyed])

    for c in range(len(cols)):  # groups together, in the given order, then a first left-to-right pass
        given = {k: i for i, k in enumerate(cols[c])}
        place(c, sorted(cols[c], key=lambda k: (rank[k], given[k])))
    first = count_crossings(cols, down, pos)
    for c in range(1, len(cols)):
        arrange(c, up)
    best, best_cols, stale = count_crossings(cols, down, pos), [list(c) for c in cols], 0
    for s in range(sweeps):
        if best == 0 or stale >= 2:
            break
        order = range(len(cols) - 2, -1, -1) if s % 2 == 0 else range(1, len(cols))
        for c in order:
            arrange(c, down if s % 2 == 0 else up)
        n = count_crossings(cols, down, pos)
        # sweeps end up swinging between two orders: less than 1 % better counts as no gain
        stale = 0 if n < best - best // 100 else stale + 1
        if n < best:
            best, best_cols = n, [list(c) for c in cols]
    return Ordered(best_cols, routes, rank, best, first)


def count_crossings(cols: list[list], down: dict, pos: dict | None = None) -> int:
    """Pairs of edge segments that cross between neighbouring columns (segments sharing an end do
    not cross), by counting inversions: O(E log E) per pair of columns."""
    if pos is None:
        pos = {k: i for keys in cols for i, k in enumerate(keys)}
    total = 0
    for keys in cols:
        ends = sorted((pos[a], pos[b]) for a in keys for b in down.get(a, ()))
        total += _inversions([b for _, b in ends])
    return total


def _inversions(xs: list[int]) -> int:
    """Pairs i < j with xs[i] > xs[j]: each value against a sorted list of those before it (bisect and
    insert run in C)."""
    seen: list = []
    n = 0
    for i, x in enumerate(xs):
        j = bisect_right(seen, x)
        n += i - j
        seen.insert(j, x)
    return n
