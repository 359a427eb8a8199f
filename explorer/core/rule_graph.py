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

from dataclasses import dataclass, field

from .program import Program

KINDS = ("reads", "writes", "follows", "schedules", "cancels")

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


@dataclass
class Layout:
    nodes: list[Placed] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    more: int = 0  # nodes left out beyond the limits

    def place(self, key) -> Placed | None:
        return next((p for p in self.nodes if p.node.key == key), None)


class RuleGraph:
    def __init__(self, nodes: dict, edges: list[GraphEdge]):
        self.nodes: dict[tuple, GraphNode] = nodes
        self.edges: list[GraphEdge] = edges
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
        return RuleGraph(nodes, [e for e in self.edges if e.source in keep and e.target in keep])

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

    def whole(self) -> Layout:
        """Every node, in layers: each node one column right of what it depends on, cycles broken
        where a walk in the file's order meets them (a rule that reads what a later rule writes)."""
        order = {k: i for i, k in enumerate(self.nodes)}
        succ = {k: sorted({e.target for e in self._out.get(k, ())}, key=order.__getitem__) for k in self.nodes}
        # depth-first in declaration order; edges to a node still on the stack close a cycle: dropped
        state: dict = {}
        dag: dict = {k: [] for k in self.nodes}
        for root in self.nodes:
            if root in state:
                continue
            state[root] = 1
            stack = [(root, iter(succ[root]))]
            while stack:
                k, it = stack[-1]
                m = next(it, None)
                if m is None:
                    state[k] = 2
                    stack.pop()
                    continue
                if state.get(m) == 1:
                    continue  # back edge
                dag[k].append(m)
                if m not in state:
                    state[m] = 1
                    stack.append((m, iter(succ[m])))
        # longest path from a source: the node's layer
        indeg = {k: 0 for k in self.nodes}
        for k in dag:
            for m in dag[k]:
                indeg[m] += 1
        layer = {k: 0 for k in self.nodes}
        ready = [k for k in self.nodes if indeg[k] == 0]
        while ready:
            k = ready.pop()
            for m in dag[k]:
                layer[m] = max(layer[m], layer[k] + 1)
                indeg[m] -= 1
                if indeg[m] == 0:
                    ready.append(m)
        cols: dict[int, list] = {}
        for k in self.nodes:
            cols.setdefault(layer[k], []).append(k)
        placed = self._rows(cols)
        out = Layout([Placed(self.nodes[k], c, r) for k, (c, r) in placed.items()], list(self.edges))
        out.nodes.sort(key=lambda p: (p.col, p.row))
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
    graph = RuleGraph(nodes, [GraphEdge(s, t, k, ", ".join(d)) for (s, t, k), d in edges.items()])
    program.__dict__["_rule_graph"] = graph
    return graph
