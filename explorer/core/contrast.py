"""Contrastive explanations: why did an event happen here and not there (or there and not here)?

Both histories are walked back from the event, through the causal graph of the branch where it
happened, to the first cause the other branch does not share: where the two part (usually a divergence,
sometimes an event one of them brought about). The chain from there to the event says how the
difference travelled; the other branch's why-not says what stood in its way there.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .engine import Firing
from .explain import WhyNot, causal_graph, divergence_words, fmt, why_not
from .timeline import Timeline


@dataclass
class Contrast:
    event: str
    title: str
    branch: str
    against: str
    here: Firing | None  # the event's (first) firing in `branch`
    there: Firing | None  # ... in `against`
    parting: str = ""  # where the histories part, in words ("" when they do not, for this event)
    parting_date: dt.date | None = None
    parting_in: str = ""  # the branch that has the parting cause
    lacks: str = ""  # when the parting cause is an event: why the other branch does not have it
    chain: list[tuple[str, str, dt.date | None]] = field(default_factory=list)  # (via, title, date)
    why_not: WhyNot | None = None  # in the branch where it did not happen

    def text(self) -> str:
        t, b, a = self.title, self.branch, self.against
        h, o = self.here, self.there
        if h and not o:
            out = [f"\"{t}\" happened in {b} on {h.date} but not in {a}."]
        elif o and not h:
            out = [f"\"{t}\" did not happen in {b} but did in {a} ({o.date})."]
        elif not h:
            out = [f"\"{t}\" happened in neither {b} nor {a}."]
        elif (h.ordinal, h.outcome) == (o.ordinal, o.outcome):
            out = [f"\"{t}\" happened in both, on {h.date}" + (f" with outcome {h.outcome}" if h.outcome else "")
                   + "."]
        else:
            out = [f"\"{t}\" happened in {b} on {h.date}" + (f" ({h.outcome})" if h.outcome else "")
                   + f" and in {a} on {o.date}" + (f" ({o.outcome})" if o.outcome else "") + "."]
        if self.parting:
            when = f" ({self.parting_date})" if self.parting_date else ""
            other = self.against if self.parting_in == self.branch else self.branch
            lacks = f" (in {other}: {self.lacks})" if self.lacks else ""
            out.append(f"They part at: {self.parting}{when}, in {self.parting_in} only{lacks}.")
            out += [f"  - {via}: {title}" + (f" ({date})" if date else "") for via, title, date in self.chain]
        if self.why_not is not None:
            out.append(f"Why not in {self.why_not.branch}:")
            out += ["  " + ln for ln in self.why_not.text().splitlines()[1:]]
        return "\n".join(out)


def contrast(tl_b: Timeline, tl_a: Timeline, event_id: str) -> Contrast:
    fb, fa = tl_b.firing(event_id), tl_a.firing(event_id)
    c = Contrast(event_id, tl_b.title(event_id), tl_b.branch_id, tl_a.branch_id, fb, fa)
    if fb is None and fa is None:
        c.why_not = why_not(tl_b, event_id)
        return c
    if fb is not None and fa is not None and (fb.ordinal, fb.outcome) == (fa.ordinal, fa.outcome):
        return c
    # walk back in the branch where it happened (the asked one when both have it)
    h, o, fh = (tl_b, tl_a, fb) if fb is not None else (tl_a, tl_b, fa)
    if o.firing(event_id) is None:
        c.why_not = why_not(o, event_id)
    import networkx as nx  # only for this walk: keeps it off the CLI's start-up
    g = causal_graph(h)
    target = ("event", fh.index)
    own = [n for n in nx.ancestors(g, target) if not _shared(n, h, o)]
    if own:
        start = min(own, key=lambda n: (_date(g, n) or dt.date.min, n[0] != "divergence", n[1]))
        c.parting, c.parting_date, c.parting_in = _words(h, start), _date(g, start), h.branch_id
        if start[0] == "event" and o.firing(h.firings[start[1]].event) is None:
            c.lacks = why_not(o, h.firings[start[1]].event).reasons[0]
        path = nx.shortest_path(g, start, target)
        for u, v in zip(path, path[1:]):
            c.chain.append((_via(h, g.edges[u, v], v), g.nodes[v].get("label", ""), g.nodes[v].get("date")))
        return c
    # every cause is shared: what the other branch did differently stopped it there
    others = [d for d in o.divergences if not _has(h, d)]
    if others:
        d = min(others, key=lambda d: (d.ordinal, d.k))
        c.parting, c.parting_date, c.parting_in = f"divergence \"{divergence_words(o, d)}\"", d.date, o.branch_id
    return c


def _has(tl: Timeline, d) -> bool:
    return any(x.branch == d.branch and x.divergence is d.divergence for x in tl.divergences)


def _shared(node, h: Timeline, o: Timeline) -> bool:
    kind, i = node
    if kind == "initial":
        return True
    if kind == "divergence":
        return _has(o, h.divergences[i])
    f = h.firings[i]
    g = o.firing(f.event, f.occurrence)
    return g is not None and (g.ordinal, g.outcome) == (f.ordinal, f.outcome)


def _date(g, node) -> dt.date | None:
    return g.nodes[node].get("date")


def _words(tl: Timeline, node) -> str:
    kind, i = node
    if kind == "divergence":
        return f"divergence \"{divergence_words(tl, tl.divergences[i])}\""
    f = tl.firings[i]
    return f"\"{tl.title(f.event, f.outcome)}\""


def _via(tl: Timeline, edge: dict, node) -> str:
    kind = edge.get("kind")
    if kind == "read":
        var = edge.get("var")
        value = next((r.value for r in tl.firings[node[1]].reads if r.var == var), None)
        return f"{var} = {fmt(value, tl.scenario.variables.get(var))}"
    return {"forced": "forced by divergence", "after": "followed", "scheduled": "scheduled by",
            "rearm": "repeats after", "outcome": "outcome chosen by divergence", "happened": "happened before",
            "added": "added by divergence"}.get(kind, str(kind))

