"""The scenario's rule graph, for authors: which rules read and write which variables, and which rules
follow, schedule or cancel which. Built from the compiled program (a rule's conditions know what they
read, its effects what they write and schedule, its timing whom it follows), so it is exactly what
the engine will do, not what the text seems to say.

`rule_graph(program)` returns a `RuleGraph` of plain data (no Qt). An author of 200 rules reads it a
part at a time: `with_tags("military")` keeps the rules with a matching tag (and the variables they
touch), `neighbourhood(rule)` what a rule depends on (left) and what depends on it (right), a few
steps each way, and `whole()` every node laid out in layers. Both return a `Layout`: nodes with a
column and a row, which the app draws as they are.
"""
from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field

from .layered import Dummy, order_columns
from .program import Program

KINDS = ("reads", "writes", "follows", "schedules", "cancels")
RULE_KINDS = ("reads", "follows", "schedules", "cancels")  # between two rules (a variable's are in neighbourhoods)

# what an edge says, with the source's and the target's names filled in
EDGE_WORDS = {
    "reads": "{t} reads {s}",
    "writes": "{s} writes {t}",
    "follows": "{t} follows {s}",
    "schedules": "{s} schedules {t}",
    "cancels": "{s} cancels {t}",
}


@dataclass(frozen=True)
class GraphNode:
    key: tuple  # ("rule", event id) | ("var", variable name)
    label: str  # the rule's title, the variable's label
    tags: tuple = ()

    @property
    def kind(self) -> str:
        return self.key[0]

    @property
    def name(self) -> str:
        return self.key[1]


@dataclass(frozen=True)
class GraphEdge:
    """`source` -> `target` in the direction things flow: a variable into the rule that reads it, a rule
    into the variable it writes, a rule into the rule that follows it (`after:`) or that it schedules or
    cancels, an event into the rule whose condition reads whether (or how) it happened."""

    source: tuple
    target: tuple
    kind: str  # one of KINDS
    detail: str = ""  # e.g. "= 85", "+ 10", "in 30d"


@dataclass
class Placed:
    node: GraphNode
    col: int  # neighbourhood: steps from the focus (negative: what it depends on); whole: layer
    row: int
    focus: bool = False


@dataclass(frozen=True)
class Band:
    """The whole graph's horizontal band of the rules whose first tag is `label`: rows `row` to
    `row + rows - 1`."""

    label: str
    row: int
    rows: int
    count: int  # rules in it


@dataclass
class Layout:
    nodes: list[Placed] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    more: int = 0  # nodes left out beyond the limits
    # the whole graph only: tag bands, the columns' dates, long edges' bends, crossings
    bands: list[Band] = field(default_factory=list)
    columns: list[tuple[int, str]] = field(default_factory=list)  # (first column, its date's label)
    # edge number -> its bends, left to right: (col, row, band); a row may be fractional (between boxes)
    routes: dict[int, list[tuple[int, float, int]]] = field(default_factory=dict)
    crossings: int = 0
    crossings_unordered: int = 0  # before the sweeps (bands kept, rows in the file's order)

    def place(self, key) -> Placed | None:
        return next((p for p in self.nodes if p.node.key == key), None)


class RuleGraph:
    def __init__(self, nodes: dict, edges: list[GraphEdge], dates: dict | None = None):
        self.nodes: dict[tuple, GraphNode] = nodes
        self.edges: list[GraphEdge] = edges
        self.dates: dict[tuple, int | None] = dates or {}  # a rule's earliest date (day ordinal), if known
        self._wholes: dict = {}  # kinds -> the whole graph's Layout (the graph does not change)
        self._out: dict[tuple, list[GraphEdge]] = {}
        self._in: dict[tuple, list[GraphEdge]] = {}
        for e in edges:
            self._out.setdefault(e.source, []).append(e)
            self._in.setdefault(e.target, []).append(e)

    # --- looking things up -------------------------------------------------------------------------

    @property
    def rules(self) -> list[str]:
        return [k[1] for k in self.nodes if k[0] == "rule"]

    @property
    def variables(self) -> list[str]:
        return [k[1] for k in self.nodes if k[0] == "var"]

    @property
    def tags(self) -> list[str]:
        return sorted({t for n in self.nodes.values() for t in n.tags}, key=str.lower)

    def edges_of(self, key, kind: str | None = None) -> list[GraphEdge]:
        """Every edge into or out of `key` (of one kind, if given)."""
        es = self._in.get(key, []) + self._out.get(key, [])
        return [e for e in es if kind is None or e.kind == kind]

    def out(self, key) -> list[GraphEdge]:
        return list(self._out.get(key, ()))

    def into(self, key) -> list[GraphEdge]:
        return list(self._in.get(key, ()))

    def words(self, e: GraphEdge) -> str:
        """The edge as a sentence, with labels: "Red Militia strength reads …"."""
        return EDGE_WORDS[e.kind].format(s=self.nodes[e.source].label, t=self.nodes[e.target].label) + \
            (f" ({e.detail})" if e.detail else "")

    # --- parts -------------------------------------------------------------------------------------

    def entry(self, divergences=(), hub: bool = True) -> tuple | None:
        """Where to start reading when nothing is selected: the node of a branch's first divergence (by
        date, undated last: a forced, suppressed or steered rule; the first variable a `set` changes),
        else (with `hub`) the most connected rule (ties: the first in the file)."""
        dated = sorted(enumerate(divergences), key=lambda p: (p[1].on is None, p[1].on or 0, p[0]))
        for _, d in dated:
            if d.kind in ("force", "suppress", "outcome"):
                key = ("rule", d.event)
            elif d.kind == "set" and d.values:
                key = ("var", next(iter(d.values)))
            elif d.kind == "event" and d.rule is not None:
                key = ("rule", d.rule.id)
            else:
                continue
            if key in self.nodes:
                return key
        rules = [k for k in self.nodes if k[0] == "rule"]
        if not rules or not hub:
            return None
        return max(enumerate(rules), key=lambda p: (len(self._in.get(p[1], ())) + len(self._out.get(p[1], ())),
                                                    -p[0]))[1]

    def with_tags(self, text: str) -> "RuleGraph":
        """The rules with a tag containing one of `text`'s comma-separated terms (case ignored), the
        variables they read or write, and the edges among them. An empty text keeps everything."""
        terms = [t.strip().lower() for t in text.split(",") if t.strip()]
        if not terms:
            return self
        keep = {k for k, n in self.nodes.items()
                if k[0] == "rule" and any(term in tag.lower() for tag in n.tags for term in terms)}
        for e in self.edges:
            if e.source in keep and e.target[0] == "var":
                keep_var = e.target
            elif e.target in keep and e.source[0] == "var":
                keep_var = e.source
            else:
                continue
            keep = keep | {keep_var}
        nodes = {k: n for k, n in self.nodes.items() if k in keep}
        return RuleGraph(nodes, [e for e in self.edges if e.source in keep and e.target in keep], self.dates)

    def neighbourhood(self, node, up: int = 2, down: int = 2, limit: int = 40) -> Layout:
        """What `node` (a rule's id, or a key: ("rule", id), ("var", name)) depends on, up to `up` steps
        back (a rule: the variables it reads, the rules that write them, the rules it follows or that
        schedule it), on the left; what depends on it, `down` steps on, on the right; at most `limit`
        nodes each way, nearest first."""
        focus = ("rule", node) if isinstance(node, str) else tuple(node)
        out = Layout()
        if focus not in self.nodes:
            return out
        depth = {focus: 0}
        sides = [[-1, up, lambda k: [e.source for e in self._in.get(k, ())], [focus], 0],
                 [1, down, lambda k: [e.target for e in self._out.get(k, ())], [focus], 0]]
        for d in range(1, max(up, down) + 1):  # both ways a step at a time: a node goes where it is nearest
            for side in sides:
                sign, steps, nbrs, frontier, count = side
                if d > steps:
                    continue
                nxt = []
                for k in frontier:
                    for m in sorted(set(nbrs(k)), key=self._order):
                        if m in depth:
                            continue
                        if count >= limit:
                            out.more += 1
                            depth[m] = None  # counted once
                            continue
                        depth[m] = sign * d
                        count += 1
                        nxt.append(m)
                side[3], side[4] = nxt, count
        cols: dict[int, list] = {}
        for k, d in depth.items():
            if d is not None:
                cols.setdefault(d, []).append(k)
        placed = self._rows(cols)
        out.nodes = [Placed(self.nodes[k], c, r, k == focus) for k, (c, r) in placed.items()]
        out.nodes.sort(key=lambda p: (p.col, p.row))
        # edges between neighbouring columns (or within one): longer ones cross the focus and say little
        out.edges = [e for e in self.edges if e.source in placed and e.target in placed
                     and abs(placed[e.source][0] - placed[e.target][0]) <= 1]
        return out

    def whole(self, kinds=RULE_KINDS, bands: bool = True) -> Layout:
        """Every rule, as an author's map: columns by date (the rule's earliest date: its `on:` or
        `between:` start, its predecessor's plus the delay, its scheduler's), bands by first tag, and
        only the edges between rules (`kinds` of them; a rule reading whether another happened is a
        `reads` edge). The variables are left out: a few are read or written by half the rules, and
        their 900 edges were the tangle; a rule's neighbourhood shows them. Within a date, a rule that
        follows another stands a column to its right, so every edge drawn points right; the order in
        each column is `layered.order_columns`' (few crossings, long edges bent through places of
        their own). Bands cost crossings (a rule cannot leave its band: bundled 187 against 31):
        `bands=False` draws one band, "all rules", for following chains."""
        key = (tuple(kinds), bands)
        if key not in self._wholes:
            self._wholes[key] = self._whole(*key)
        return self._wholes[key]

    def whole_ready(self, kinds=RULE_KINDS, bands: bool = True) -> bool:
        """Whether `whole(kinds, bands)` is made already (it is kept: the graph does not change)."""
        return (tuple(kinds), bands) in self._wholes

    def _whole(self, kinds: tuple, bands: bool) -> Layout:
        rules = [k for k in self.nodes if k[0] == "rule"]
        index = {k: i for i, k in enumerate(rules)}
        drawn = [e for e in self.edges if e.kind in kinds and e.source in index and e.target in index
                 and e.source != e.target]
        date = dict(self.dates)
        preds: dict = {}
        for e in drawn:
            preds.setdefault(e.target, []).append(e.source)
        for k in rules:  # undated (`any time`): just after what it depends on, when that is dated
            if date.get(k) is None:
                known = [date[p] for p in preds.get(k, ()) if date.get(p) is not None]
                date[k] = max(known) if known else None
        bucket_of, label_of = _buckets([d for d in date.values() if d is not None])
        bucket = {k: (bucket_of(date[k]) if date.get(k) is not None else -1) for k in rules}
        # within a date, longest path over the edges that go forward in (date, file order)
        seq = sorted(rules, key=lambda k: (bucket[k], date.get(k) or 0, index[k]))
        at = {k: i for i, k in enumerate(seq)}
        depth = {k: 0 for k in rules}
        succ: dict = {}
        for e in drawn:
            if bucket[e.source] == bucket[e.target] and at[e.source] < at[e.target]:
                succ.setdefault(e.source, []).append(e.target)
        for k in seq:
            for m in succ.get(k, ()):
                depth[m] = max(depth[m], depth[k] + 1)
        col_of, columns, first = {}, [], 0
        for b in sorted(set(bucket.values())):
            ks = [k for k in rules if bucket[k] == b]
            width = max(depth[k] for k in ks) + 1
            columns.append((first, label_of(b) if b >= 0 else "any time"))
            for k in ks:
                col_of[k] = first + depth[k]
            first += width
        # bands: by first tag, the biggest first
        tag = {k: (self.nodes[k].tags[0] if self.nodes[k].tags else "untagged") if bands else "all rules"
               for k in rules}
        sizes: dict = {}
        for k in rules:
            sizes[tag[k]] = sizes.get(tag[k], 0) + 1
        band_names = sorted(sizes, key=lambda t: (-sizes[t], t.lower(), t))
        band_rank = {t: i for i, t in enumerate(band_names)}
        cols: list[list] = [[] for _ in range(first)]
        for k in sorted(rules, key=lambda k: (date.get(k) or 0, index[k])):
            cols[col_of[k]].append(k)
        ordered = order_columns(cols, [(e.source, e.target) for e in drawn],
                                group=lambda k: band_rank[tag[k]])
        # rows: each band as tall as its fullest column (places of long edges included)
        # rows: each band as tall as its fullest column of rules; the places of long edges fill the
        # free rows and the gaps between boxes (a fraction of a row), so passing edges cost no height
        per: dict = {}  # (column, band) -> its keys top to bottom
        for c, keys in enumerate(ordered.columns):
            for k in keys:
                per.setdefault((c, ordered.group[k]), []).append(k)
        rows_of = [1] * len(band_names)
        for (c, b), keys in per.items():
            rows_of[b] = max(rows_of[b], sum(1 for k in keys if not isinstance(k, Dummy)))
        starts, row = [], 0
        for n in rows_of:
            starts.append(row)
            row += n
        placed: dict = {}
        for (c, b), keys in per.items():
            for k, y in _stack(keys, rows_of[b]).items():
                placed[k] = (c, starts[b] + y, b)
        out = Layout([Placed(self.nodes[k], *placed[k][:2]) for k in rules], drawn)
        out.nodes.sort(key=lambda p: (p.col, p.row))
        out.bands = [Band(t, starts[i], rows_of[i], sizes[t]) for i, t in enumerate(band_names)]
        out.columns = columns
        out.routes = {i: [placed[d] for d in ds] for i, ds in ordered.routes.items()}
        out.crossings, out.crossings_unordered = ordered.crossings, ordered.first_crossings
        return out

    def _order(self, key) -> tuple:
        return (key[0] != "rule", self.nodes[key].label.lower(), key[1])

    def _rows(self, cols: dict[int, list]) -> dict:
        """Rows within each column, left to right: a node near the mean row of its neighbours in the
        columns already placed (fewer crossings), then by kind and label."""
        placed: dict = {}
        for c in sorted(cols):
            def mean(k):
                rows = [placed[m][1] for m in
                        [e.source for e in self._in.get(k, ())] + [e.target for e in self._out.get(k, ())]
                        if m in placed]
                return sum(rows) / len(rows) if rows else float("inf")
            for r, k in enumerate(sorted(cols[c], key=lambda k: (mean(k), self._order(k)))):
                placed[k] = (c, r)
        return placed


def rule_graph(program: Program) -> RuleGraph:
    """The graph of the program's rules and the scenario's variables (cached on the program)."""
    cached = program.__dict__.get("_rule_graph")
    if cached is not None:
        return cached
    sc = program.scenario
    nodes: dict[tuple, GraphNode] = {}
    for cr in program.rules:
        nodes[("rule", cr.id)] = GraphNode(("rule", cr.id), cr.rule.title or cr.id, tuple(cr.rule.tags))
    for name, var in sc.variables.items():
        nodes[("var", name)] = GraphNode(("var", name), var.title)
    edges: dict[tuple, list] = {}

    def add(source, target, kind, detail=""):
        details = edges.setdefault((source, target, kind), [])
        if detail and detail not in details:
            details.append(detail)

    for cr in program.rules:
        me = ("rule", cr.id)
        for v in cr.read_vars:
            if ("var", v) in nodes:
                add(("var", v), me, "reads")
        for ev in cr.read_events:
            if ("rule", ev) in nodes:
                add(("rule", ev), me, "reads")
        if cr.pred is not None:
            add(("rule", program.rules[cr.pred].id), me, "follows")
        for ef in list(cr.effects) + [ef for o in cr.outcomes for ef in o.effects]:
            if ef[0] == "set":
                add(me, ("var", ef[1]), "writes", f"= {sc.variables[ef[1]].show(ef[2])}")
            elif ef[0] == "add":
                add(me, ("var", ef[1]), "writes", f"{'+' if ef[2] >= 0 else '−'} {abs(ef[2]):g}")
            elif ef[0] == "schedule":
                delay = ef[2]
                add(me, ("rule", program.rules[ef[1]].id), "schedules",
                    f"in {delay}" if delay.days or delay.months else "")
            elif ef[0] == "cancel":
                add(me, ("rule", program.rules[ef[1]].id), "cancels")
    graph = RuleGraph(nodes, [GraphEdge(s, t, k, ", ".join(d)) for (s, t, k), d in edges.items()],
                      _earliest_dates(program))
    program.__dict__["_rule_graph"] = graph
    return graph


def _stack(keys: list, rows: int) -> dict:
    """Rows for one band's keys in one column, in their order: the rules on whole rows, the long edges'
    places (`Dummy`) in the free rows and, when those run out, spread in the gaps between the boxes
    (fractions: a box is 0.8 of a row tall, centred on its row)."""
    reals = [i for i, k in enumerate(keys) if not isinstance(k, Dummy)]
    bounds = [-1] + reals + [len(keys)]
    gaps = [bounds[j + 1] - bounds[j] - 1 for j in range(len(bounds) - 1)]  # places in each gap
    free = [0] * len(gaps)
    # a free row at a time to the gap with the most places per row (the first such gap on a tie), kept
    # in a heap: picking it by max() over every gap for every free row was a third of the layout
    heap = [(-gaps[j], j) for j in range(len(gaps))]
    heapq.heapify(heap)
    for _ in range(rows - len(reals)):
        _, j = heap[0]
        if gaps[j] <= free[j]:
            break
        free[j] += 1
        heapq.heapreplace(heap, (-(gaps[j] / (free[j] + 1)), j))
    # a box at row R spans R to R + 0.8 (its edges meet it at R + 0.4): a place at y draws its line at
    # y + 0.4, clear of the boxes when prev + 0.4 < y < next - 0.4; the band's margins add ~0.3
    out, r, prev = {}, 0, None
    for j, n in enumerate(gaps):
        below = r + free[j]  # the row of the box under this gap
        if free[j] >= n:  # a whole row each
            for i in range(n):
                out[keys[bounds[j] + 1 + i]] = r + i
        else:
            lo = prev + 0.4 if prev is not None else -0.7
            hi = below - 0.4 if j < len(reals) else rows - 0.3
            for i in range(n):
                out[keys[bounds[j] + 1 + i]] = lo + (i + 1) * (hi - lo) / (n + 1)
        r = below
        if j < len(reals):
            out[keys[reals[j]]] = prev = r
            r += 1
    return out


def _earliest_dates(program: Program) -> dict:
    """Each rule's earliest date as the file says it (day ordinals): `on:` / `between:` its start, `after:`
    its predecessor's plus the delay, a scheduled rule its earliest scheduler's plus the delay; None
    for a rule with no date (`any time`) or only undated ones before it."""
    rules = program.rules
    # `open` rules compile with the scenario's start: that says "any time", not a date
    fixed = {cr.idx: cr.start for cr in rules if cr.kind in ("on", "between") and cr.start is not None}
    date: dict[int, int | None] = {cr.idx: fixed.get(cr.idx) for cr in rules}
    scheduled_by: dict[int, list] = {}
    for cr in rules:
        for ef in list(cr.effects) + [ef for o in cr.outcomes for ef in o.effects]:
            if ef[0] == "schedule":
                scheduled_by.setdefault(ef[1], []).append((cr.idx, ef[2]))
    for _ in range(len(rules)):  # until nothing moves (a chain of n `after:` takes n rounds at most)
        moved = False
        for cr in rules:
            if cr.idx in fixed:
                continue
            known = []
            if cr.pred is not None and date[cr.pred] is not None:
                known.append(cr.delay.add_to(date[cr.pred]))
            known += [delay.add_to(date[s]) for s, delay in scheduled_by.get(cr.idx, ()) if date[s] is not None]
            d = min(known) if known else None
            if d is not None and (date[cr.idx] is None or d < date[cr.idx]):
                date[cr.idx], moved = d, True
        if not moved:
            break
    return {("rule", cr.id): date[cr.idx] for cr in rules}


_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _buckets(dates: list[int]):
    """The whole graph's date columns: years, months, weeks or days, whichever gives a dozen or so
    over the dates' span. Returns (bucket of a day ordinal, label of a bucket)."""
    span = (max(dates) - min(dates)) if dates else 0
    if span > 4 * 365:
        return (lambda d: dt.date.fromordinal(d).year), str
    if span > 120:
        def month(d):
            x = dt.date.fromordinal(d)
            return x.year * 12 + x.month - 1
        return month, (lambda b: f"{_MONTHS[b % 12]} {b // 12}")
    if span > 21:
        return (lambda d: (d - 1) // 7), (lambda b: (lambda x: f"{x.day} {_MONTHS[x.month - 1]} {x.year}")(
            dt.date.fromordinal(b * 7 + 1)))
    return (lambda d: d), (lambda b: (lambda x: f"{_MONTHS[x.month - 1]} {x.day}")(dt.date.fromordinal(b)))
