"""Causes and consequences of one event as a small graph: its causal ancestry and what it led to in
the branch, from the explain graph (`explain.causal_graph`), laid out left to right by date.

`event_graph(tl, index)` returns plain data the app draws (`CauseGraph`: nodes with a column by date and
a row that keeps them apart, edges cause -> effect); nothing here knows about Qt.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .explain import causal_graph, divergence_words
from .timeline import Timeline


@dataclass
class Node:
    key: tuple               # ('event', firing index) | ('divergence', k) | ('initial', var)
    label: str
    date: dt.date | None
    role: str                # focus | cause | effect
    depth: int               # steps from the focus (negative: causes)
    row: int = 0             # vertical slot, so that nodes of one date do not overlap


@dataclass
class CauseGraph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[tuple, tuple, str]] = field(default_factory=list)  # (cause key, effect key, kind)
    more_causes: int = 0     # left out beyond the limits
    more_effects: int = 0

    def node(self, key) -> Node | None:
        return next((n for n in self.nodes if n.key == key), None)


def event_graph(tl: Timeline, index: int, *, up: int = 3, down: int = 2, limit: int = 40,
                graph=None) -> CauseGraph:
    """The firing `index`'s causes (up to `up` steps back) and consequences (`down` steps on), at most
    `limit` nodes each way, nearest first; the initial world's values are left out (every chain starts
    there)."""
    g = graph if graph is not None else causal_graph(tl)
    focus = ("event", index)
    out = CauseGraph()
    if focus not in g:
        return out
    depth = {focus: 0}
    for sign, steps, nbrs in ((-1, up, g.predecessors), (1, down, g.successors)):
        frontier, seen_here, count = [focus], set(), 0
        for d in range(1, steps + 1):
            nxt = []
            for n in frontier:
                for m in nbrs(n):
                    if m in depth or m in seen_here or m[0] == "initial":
                        continue
                    if count >= limit:
                        if sign < 0:
                            out.more_causes += 1
                        else:
                            out.more_effects += 1
                        continue
                    seen_here.add(m)
                    depth[m] = sign * d
                    count += 1
                    nxt.append(m)
            frontier = nxt
    for key, d in depth.items():
        attrs = g.nodes[key]
        if key[0] == "divergence":
            label = divergence_words(tl, tl.divergences[key[1]]) if key[1] < len(tl.divergences) else attrs["label"]
        else:
            label = attrs.get("label", str(key))
        out.nodes.append(Node(key, label, attrs.get("date"), "focus" if d == 0 else "cause" if d < 0 else "effect", d))
    keys = set(depth)
    for a, b, data in g.edges(data=True):
        if a in keys and b in keys:
            out.edges.append((a, b, data.get("kind", "")))
    _rows(out)
    return out


def _rows(cg: CauseGraph) -> None:
    """Rows by depth column: the focus in row 0, causes and effects spread above and below it."""
    by_depth: dict[int, list[Node]] = {}
    for n in cg.nodes:
        by_depth.setdefault(n.depth, []).append(n)
    for nodes in by_depth.values():
        nodes.sort(key=lambda n: (n.date or dt.date.min, n.label))
        half = len(nodes) // 2
        for i, n in enumerate(nodes):
            n.row = i - half
