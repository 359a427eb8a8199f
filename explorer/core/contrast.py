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
from .explain import (Cause, WhyNot, _sources, causal_graph, cause_target, divergence_words, fmt, reads_outcome,
                      why_not)
from .prose import cause_words, outcome_words, quote, reason_words
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
    steps: list[str] = field(default_factory=list)  # the chain in words (prose.cause_words), one per step
    scenario: object = field(default=None, repr=False, compare=False)  # for the words (prose)

    def text(self) -> str:
        """In the app's and the reports' words: titles and outcomes in the reader's quotes, the chain's
        steps as why-chains read ("“The revolution” (1942-05-24): Army loyalty was 55, set by “…”"), the
        other branch's why-not in its own words (WhyNot.text)."""
        sc, t, b, a = self.scenario, quote(self.title), self.branch, self.against
        h, o = self.here, self.there

        def ending(f) -> str:
            return f"ending {quote(outcome_words(sc, self.event, f.outcome))}" if f.outcome else ""
        if h and not o:
            out = [f"{t} happened in {b} on {h.date} but not in {a}."]
        elif o and not h:
            out = [f"{t} did not happen in {b} but did in {a} ({o.date})."]
        elif not h:
            out = [f"{t} happened in neither {b} nor {a}."]
        elif (h.ordinal, h.outcome) == (o.ordinal, o.outcome):
            out = [f"{t} happened in both, on {h.date}" + (f", {ending(h)}" if h.outcome else "") + "."]
        else:
            out = [f"{t} happened in {b} on {h.date}" + (f" ({ending(h)})" if h.outcome else "")
                   + f" and in {a} on {o.date}" + (f" ({ending(o)})" if o.outcome else "") + "."]
        if self.parting:
            when = f" ({self.parting_date})" if self.parting_date else ""
            other = self.against if self.parting_in == self.branch else self.branch
            lacks = f" (in {other}: {self.lacks})" if self.lacks else ""
            out.append(f"They part at: {self.parting}{when}, in {self.parting_in} only{lacks}.")
            out += [f"  - {step}" for step in self.steps]
        if self.why_not is not None:
            out.append(f"Why not in {self.why_not.branch}:")
            out += ["  " + ln for ln in self.why_not.text().splitlines()[1:]]
        return "\n".join(out)


def contrast(tl_b: Timeline, tl_a: Timeline, event_id: str) -> Contrast:
    fb, fa = tl_b.firing(event_id), tl_a.firing(event_id)
    c = Contrast(event_id, tl_b.title(event_id), tl_b.branch_id, tl_a.branch_id, fb, fa,
                 scenario=tl_b.scenario)
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
            wn = why_not(o, h.firings[start[1]].event)
            c.lacks = reason_words(o.scenario, wn, wn.reasons[0])
        path = nx.shortest_path(g, start, target)
        for u, v in zip(path, path[1:]):
            c.chain.append((_via(h, g.edges[u, v], v), g.nodes[v].get("label", ""), g.nodes[v].get("date")))
            c.steps.append(_step_words(h, g, u, v))
        return c
    # every cause is shared: what the other branch did differently stopped it there
    others = [d for d in o.divergences if not _has(h, d)]
    if others:
        d = min(others, key=lambda d: (d.ordinal, d.k))
        c.parting, c.parting_date, c.parting_in = f"the divergence {quote(divergence_words(o, d))}", d.date, o.branch_id
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
        return f"the divergence {quote(divergence_words(tl, tl.divergences[i]))}"
    f = tl.firings[i]
    return quote(tl.title(f.event, f.outcome))


def _via(tl: Timeline, edge: dict, node) -> str:
    kind = edge.get("kind")
    if kind == "read":
        var = edge.get("var")
        value = next((r.value for r in tl.firings[node[1]].reads if r.var == var), None)
        return f"{var} = {fmt(value, tl.scenario.variables.get(var))}"
    return {"forced": "forced by divergence", "after": "followed", "scheduled": "scheduled by",
            "rearm": "repeats after", "outcome": "outcome chosen by divergence", "happened": "happened before",
            "added": "added by divergence"}.get(kind, str(kind))



def _step_words(tl: Timeline, g, u, v) -> str:
    """One step of the chain in a why-chain's words: the event it reached, then how the step before bore
    on it (prose.cause_words, as the app and the reports say it): "“The revolution” (1942-05-24): Army
    loyalty was 55, set by “Mexico declares war on the Axis” (1942-05-22)"."""
    edge, node = g.edges[u, v], g.nodes[v]
    via = _via(tl, edge, v)
    var = value = None
    if edge.get("kind") == "read":
        var = edge.get("var")
        value = next((r.value for r in tl.firings[v[1]].reads if r.var == var), None)
    elif edge.get("kind") == "happened":
        ev = tl.firings[u[1]].event
        via = f'outcome("{ev}")' if reads_outcome(_sources(tl, tl.firings[v[1]].event), ev) else f'happened("{ev}")'
    kind, i = u
    if kind == "divergence":
        cause = Cause("divergence", f'divergence "{divergence_words(tl, tl.divergences[i])}"',
                      tl.divergences[i].date, via, index=i, var=var, value=value)
    else:
        f = tl.firings[i]
        cause = Cause("event", tl.title(f.event, f.outcome), f.date, via, event=f.event, index=i, var=var,
                      value=value)
    before, after = cause_words(tl.scenario, cause)
    how = " ".join(x for x in (before, cause_target(cause), after) if x)
    date = node.get("date")
    return f"{quote(node.get('label', ''))}{f' ({date})' if date else ''}: {how}"
