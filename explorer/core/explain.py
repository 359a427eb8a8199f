"""Why an event happened (a causal chain back to divergences and the initial world) and why not."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .conditions import Facts
from .engine import Firing, Lapse
from .errors import UnknownName, did_you_mean
from .prose import cause_words, failed_term_words, outcome_words, quote, reason_words, root_words
from .timeline import Timeline


def fmt(value, var=None) -> str:
    """A value in a why-chain: an enum value by its label when `var` (its Variable) gives one."""
    if var is not None and var.type == "enum" and value in var.labels:
        return var.labels[value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass
class Cause:
    """One node of a why-chain: an event, a divergence or the initial world."""

    kind: str  # event | divergence | initial
    title: str
    date: dt.date | None
    via: str  # how it bears on its child: "set labor.unrest = 65", "scheduled it", ...
    event: str | None = None  # event id when kind == event
    index: int | None = None  # firing index / divergence k
    causes: list["Cause"] = field(default_factory=list)
    repeated: bool = False  # already shown higher up the chain
    var: str | None = None  # the variable read, when the cause is a value it set (or the initial world's)
    value: object = None  # the value read


@dataclass
class Why:
    branch: str
    event: str
    title: str
    date: dt.date
    outcome: str | None
    condition: str
    causes: list[Cause]
    roots: list[Cause]  # divergences and initial values everything above leads back to

    scenario: object = field(default=None, repr=False, compare=False)  # for the words (prose)

    def text(self) -> str:
        """The why-chain in the app's and the reports' words (prose.cause_words, root_words): "Army
        loyalty was 55, set by “Mexico declares war on the Axis” (1942-05-22)", "Mexico was not
        fighting the Axis from the start"; the raw condition and variable ids stay in the data."""
        sc = self.scenario
        head = f"Why did {quote(self.title)} happen on {self.date}"
        if self.outcome and outcome_words(sc, self.event, self.outcome) not in self.title:
            head += f", ending {quote(outcome_words(sc, self.event, self.outcome))}"
        out = [f"{head} (branch {self.branch})?"]

        def walk(causes, depth):
            for c in causes:
                before, after = cause_words(sc, c)
                line = before if c.kind == "initial" else " ".join(
                    x for x in (before, cause_target(c), after) if x)
                out.append(f"{'  ' * depth}- {line}{' (see above)' if c.repeated else ''}")
                walk(c.causes, depth + 1)
        walk(self.causes, 1)
        if not self.causes:
            out.append("  Nothing led to it but its own timing: its condition always held.")
        if self.roots:
            out.append("  Root causes: " + "; ".join(
                root_words(sc, r) + (f" ({r.date})" if r.date and r.kind == "divergence" else "")
                for r in self.roots))
        return "\n".join(out)


def cause_target(c: Cause) -> str:
    """The cause a why-chain line links to, in words: an event's title and date in the reader's
    quotes, a divergence's words ("“Washington backs General Ponce” (1944-07-02)")."""
    title = c.title
    if c.kind == "divergence" and title.startswith('divergence "') and title.endswith('"'):
        title = title[len('divergence "'):-1]
    return quote(title) + (f" ({c.date})" if c.date else "")


@dataclass
class FailedTerm:
    source: str
    reads: list[tuple[str, object, str]]  # (var or event, value seen, who set it)
    on: dt.date | None = None  # the day it was read (prose words `days_since` and `date` against it)


@dataclass
class WhyNot:
    branch: str
    event: str
    title: str
    reasons: list[str]
    failed: list[FailedTerm] = field(default_factory=list)
    condition: str = ""
    lapse: Lapse | None = None
    variables: dict = field(default_factory=dict, repr=False)  # name -> Variable, for value labels
    follows: "WhyNot | None" = None  # an `after:` follower's: its predecessor's own why-not
    window_reason: str = ""  # the reason that says its window closed (prose.lapse_words words it)
    scenario: object = field(default=None, repr=False, compare=False)  # for the words (prose)

    def all_reasons(self) -> list[str]:
        """Its reasons, then its predecessors' (an `after:` chain), nested as "  (...)" lines."""
        out, sub = list(self.reasons), self.follows
        while sub is not None:
            out += [f"  ({r})" for r in sub.reasons]
            sub = sub.follows
        return out

    def all_failed(self) -> list:
        """The failed terms of the first of its `after:` chain that was tested (its own first)."""
        sub = self
        while sub is not None and not sub.failed:
            sub = sub.follows
        return sub.failed if sub is not None else []

    def text(self) -> str:
        """The why-not in the app's and the reports' words: its reasons (prose.reason_words: the window
        as "it could happen only on …"), then what it needed that did not hold (prose.failed_term_words:
        "needed Army loyalty at most 65; it was 75, set by “…” on …"); the raw terms stay in `failed`."""
        sc = self.scenario
        out = [f"Why did {quote(self.title)} not happen (branch {self.branch})?"]
        out += [f"  {r}" if r.startswith("  ") else f"  - {reason_words(sc, self, r)}" for r in self.reasons]
        if self.follows is not None:
            out += ["    " + ln for ln in self.follows.text().splitlines()]
        if self.failed:
            out.append("  What it needed did not hold:")
            out += [f"    - {w}" for t in self.failed for w in failed_term_words(sc, t)]
        return "\n".join(out)


def divergence_words(tl: Timeline, d) -> str:
    """An applied divergence in words: its own label, else what it does with event and outcome titles."""
    return d.divergence.label or tl.scenario.describe_divergence(d.divergence)


def _writer_desc(tl: Timeline, writer) -> str:
    if writer is None:
        return "initial world"
    if writer < 0:
        d = tl.divergences[-writer - 1]
        return f"divergence \"{divergence_words(tl, d)}\" on {d.date}"
    f = tl.firings[writer]
    return f"set by \"{tl.title(f.event, f.outcome)}\" on {f.date}"


def _firing(tl: Timeline, event_id: str, occurrence: int) -> Firing:
    if tl.rule(event_id) is None:
        raise UnknownName(f"no event '{event_id}'{did_you_mean(event_id, tl.result.program.by_id)}")
    f = tl.firing(event_id, occurrence)
    if f is None:
        raise UnknownName(f"'{event_id}' did not happen (occurrence {occurrence}) in branch "
                          f"'{tl.branch_id}'; ask why not instead")
    return f


def why(tl: Timeline, event_id: str, occurrence: int = 1) -> Why:
    f = _firing(tl, event_id, occurrence)
    variables = tl.scenario.variables
    seen: set = set()
    roots: dict = {}

    def causes_of(f: Firing, level: int) -> list[Cause]:
        out = []
        chosen = outcome_divergence(tl, f)
        if chosen is not None:
            out.append(_divergence_cause(tl, -(chosen.k + 1), "outcome chosen by divergence", roots))
        if f.caused_by is not None:
            if f.caused_by < 0:
                out.append(_divergence_cause(tl, f.caused_by, "forced by divergence", roots))
            else:
                src = tl.firings[f.caused_by]
                via = "scheduled by" if f.cause == "scheduled" else \
                    "followed" if f.cause == "after" else "repeats after"
                out.append(_event_cause(tl, src, via, level, seen, causes_of))
        for r in f.reads:
            via = f"{r.var} = {fmt(r.value, variables.get(r.var))}"
            if r.writer is None:
                c = Cause("initial", "initial world", None, via, index=None, var=r.var, value=r.value)
                first = tl.initial_state[r.var]  # var and value: the root in words, with its unit (prose)
                roots.setdefault(("initial", r.var), Cause("initial", f"initial {r.var} = "
                                                           f"{fmt(first, variables.get(r.var))}", None, "",
                                                           var=r.var, value=first))
                out.append(c)
            elif r.writer < 0:
                out.append(_divergence_cause(tl, r.writer, via, roots, var=r.var, value=r.value))
            else:
                out.append(_event_cause(tl, tl.firings[r.writer], via, level, seen, causes_of,
                                        var=r.var, value=r.value))
        source = _sources(tl, f.event)
        for e in f.event_reads:
            if e.firing is not None:
                src = tl.firings[e.firing]
                via = f"outcome(\"{e.event}\") = {src.outcome}" if reads_outcome(source, e.event) \
                    else f"happened(\"{e.event}\")"
                out.append(_event_cause(tl, src, via, level, seen, causes_of))
        added = added_by(tl, f)
        if added is not None:  # a one-off event exists by its divergence
            out.insert(0, _divergence_cause(tl, -(added.k + 1), "added by divergence", roots))
        return out

    causes = causes_of(f, 0)
    rule = tl.rule(event_id)
    cond = rule.when if isinstance(rule.when, str) else ("true" if rule.when else "false")
    return Why(tl.branch_id, event_id, tl.title(event_id, f.outcome), f.date, f.outcome, cond, causes,
               list(roots.values()), scenario=tl.scenario)


def _sources(tl: Timeline, event_id: str) -> str:
    """All the condition text of a rule (its `when`, its outcomes' `when` and weights, its chance)."""
    rule = tl.rule(event_id)
    parts = [rule.when, rule.chance] + [x for o in rule.outcomes for x in (o.when, o.weight)]
    return " ".join(p for p in parts if isinstance(p, str))


def _divergence_cause(tl: Timeline, writer: int, via: str, roots: dict, var=None, value=None) -> Cause:
    d = tl.divergences[-writer - 1]
    words = divergence_words(tl, d)
    c = Cause("divergence", f"divergence \"{words}\"", d.date, via, index=d.k, var=var, value=value)
    roots.setdefault(("divergence", d.k), Cause("divergence", f"divergence \"{words}\"", d.date, "",
                                                index=d.k))
    return c


def _event_cause(tl: Timeline, src: Firing, via: str, level: int, seen: set, causes_of, var=None,
                 value=None) -> Cause:
    c = Cause("event", tl.title(src.event, src.outcome), src.date, via, event=src.event, index=src.index,
              var=var, value=value)
    if src.index in seen:
        c.repeated = True
    elif level < 8:
        seen.add(src.index)
        c.causes = causes_of(src, level + 1)
    return c


def why_not(tl: Timeline, event_id: str) -> WhyNot:
    rule = tl.rule(event_id)
    if rule is None:
        raise UnknownName(f"no event '{event_id}'{did_you_mean(event_id, tl.result.program.by_id)}")
    cond = rule.when if isinstance(rule.when, str) else ("true" if rule.when else "false")
    wn = WhyNot(tl.branch_id, event_id, rule.title, [], condition=cond, variables=tl.scenario.variables,
                scenario=tl.scenario)
    if tl.happened(event_id):
        f = tl.firing(event_id)
        wn.reasons.append(f"it did happen, on {f.date}")
        return wn
    for d in tl.divergences:
        if d.divergence.kind == "suppress" and d.divergence.event == event_id:
            wn.reasons.append(f"divergence \"{divergence_words(tl, d)}\" suppresses it from {d.date}")
    for f in tl.firings:
        if event_id in f.cancelled:
            wn.reasons.append(f"\"{tl.title(f.event, f.outcome)}\" cancelled it on {f.date}")
    if rule.latent:
        wn.reasons.append("it is latent: only a divergence can bring it about")
    lapse = tl.lapse(event_id)
    if lapse is not None:
        wn.lapse = lapse
        if lapse.kind == "chance":
            wn.reasons.append(f"its condition held on {lapse.date}, but {lapse.detail}")
        elif lapse.kind == "mtth":
            wn.reasons.append(lapse.detail)
        else:
            wn.failed = failed_terms(tl, event_id, lapse)
            window = rule.timing.describe()
            wn.window_reason = f"its window ({window}) closed on {lapse.date} with the condition false"
            wn.reasons.append(wn.window_reason)
            if not wn.failed and rule.outcomes:
                wn.reasons.append("none of its outcomes' conditions held")
    elif not wn.reasons:
        t = rule.timing
        if t.kind == "after":
            if tl.happened(t.event):
                wn.reasons.append(f"it follows \"{tl.title(t.event)}\", but its test date lies past the "
                                  "scenario's end")
            else:
                wn.reasons.append(f"it follows \"{tl.title(t.event)}\", which did not happen")
                wn.follows = why_not(tl, t.event)  # its reasons are the predecessor's, nested
        elif t.kind == "scheduled":
            scheds = [r.rule.id for r in tl.result.program.rules
                      if any(ef.kind == "schedule" and ef.target == event_id for ef in r.rule.effects
                             + [e for o in r.rule.outcomes for e in o.effects])]
            names = ", ".join(f"\"{tl.title(s)}\"" for s in scheds) or "no rule"
            wn.reasons.append(f"only a schedule brings it about ({names}), and none did")
        else:
            wn.reasons.append("it was never tested (its dates lie outside this branch's timeline)")
    return wn


def failed_terms(tl: Timeline, event_id: str, lapse: Lapse) -> list[FailedTerm]:
    program = tl.result.program
    cr = program.rules[program.by_id[event_id]]
    state = {r.var: r.value for r in lapse.reads}
    writers = {r.var: r.writer for r in lapse.reads}
    fired = {}
    for e in lapse.event_reads:
        if e.firing is not None:
            f = tl.firings[e.firing]
            fired[e.event] = (f.occurrence, f.ordinal, f.outcome, f.index)
    facts = Facts(lapse.ordinal, fired)
    out = []
    for term in cr.cond.terms:
        try:
            ok = term.fn(state, facts)
        except KeyError:
            continue
        if ok:
            continue
        reads = [(v, state[v], _writer_desc(tl, writers[v])) for v in sorted(term.reads) if v in state]
        for ev in sorted(term.events):
            rec = fired.get(ev)
            if reads_outcome(term.source, ev):
                reads.append((f"outcome(\"{ev}\")", rec[2] if rec else "none",
                              chooser(tl, tl.firings[rec[3]]) if rec else "it had not happened"))
                continue
            reads.append((f"happened(\"{ev}\")", rec is not None,
                          f"on {dt.date.fromordinal(rec[1])}" if rec else "it had not happened"))
        out.append(FailedTerm(term.source, reads, lapse.date))
    return out


def reads_outcome(source: str, event_id: str) -> bool:
    """Whether a condition's text asks for the event's outcome (not only whether it happened)."""
    return re.search(r"\boutcome\(\s*['\"]" + re.escape(event_id) + r"['\"]\s*\)", source) is not None


def chooser(tl: Timeline, f: Firing) -> str:
    """Who chose a firing's outcome: a divergence, or the weights (and how the mode drew them)."""
    if f.cause == "forced" and f.caused_by is not None and f.caused_by < 0:
        d = tl.divergences[-f.caused_by - 1]
        return f"forced with it by divergence \"{divergence_words(tl, d)}\" on {f.date}"
    d = outcome_divergence(tl, f)
    if d is not None:
        return f"chosen by divergence \"{divergence_words(tl, d)}\" on {f.date}"
    how = "likely mode" if tl.mode == "likely" else f"sampled, seed {tl.result.seed}"
    return f"chosen by weight on {f.date} ({how})"


def added_by(tl: Timeline, f: Firing):
    """The `event:` divergence that added a one-off event's rule, for a firing it made on its own."""
    if f.caused_by is not None:
        return None
    return next((d for d in tl.divergences if d.divergence.kind == "event" and d.divergence.event == f.event),
                None)


def outcome_divergence(tl: Timeline, f: Firing):
    """The `outcome:` divergence that chose this firing's outcome, if one did (as the engine applies
    them: the latest for the event whose effective date has come)."""
    if f.outcome is None or f.cause == "forced":
        return None
    ds = [d for d in tl.divergences if d.divergence.kind == "outcome" and d.divergence.event == f.event
          and d.ordinal <= f.ordinal]
    d = max(ds, key=lambda d: (d.ordinal, d.k), default=None)
    return d if d is not None and d.divergence.outcome == f.outcome else None


def causal_graph(tl: Timeline) -> nx.DiGraph:
    """Nodes: ('event', i), ('divergence', k), ('initial', var). Edges point from cause to effect."""
    import networkx as nx  # only for this graph: keeps it off the CLI's start-up
    g = nx.DiGraph()
    for d in tl.divergences:
        g.add_node(("divergence", d.k), label=d.label, date=d.date)
    for f in tl.firings:
        node = ("event", f.index)
        g.add_node(node, label=tl.title(f.event, f.outcome), date=f.date, event=f.event)
        if f.caused_by is not None:
            src = ("divergence", -f.caused_by - 1) if f.caused_by < 0 else ("event", f.caused_by)
            g.add_edge(src, node, kind=f.cause)
        chosen = outcome_divergence(tl, f)
        if chosen is not None:
            g.add_edge(("divergence", chosen.k), node, kind="outcome")
        added = added_by(tl, f)
        if added is not None:
            g.add_edge(("divergence", added.k), node, kind="added")
        for r in f.reads:
            if r.writer is None:
                src = ("initial", r.var)
                g.add_node(src, label=f"initial {r.var}", date=None)
            elif r.writer < 0:
                src = ("divergence", -r.writer - 1)
            else:
                src = ("event", r.writer)
            g.add_edge(src, node, kind="read", var=r.var)
        for e in f.event_reads:
            if e.firing is not None:
                g.add_edge(("event", e.firing), node, kind="happened")
    return g
