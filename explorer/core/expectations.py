"""Expectations: what an author states must hold in a branch (`expect:`), checked like unit tests.

Three forms: a condition on the branch's final world; `{that:, on:}` on the world at the end of a date;
`{that:, p: ">= 0.3", runs: 200}` on sampled runs, passing only when a 95% confidence bound (Wilson
score) clears the stated share, so a flaky pass is not called a pass. A failure carries the why /
why-not chain of each term that failed.
"""
from __future__ import annotations

import datetime as dt
import math
import shlex
from dataclasses import dataclass, field

from .conditions import Condition, Facts, Scope, compile_condition
from .engine import LIKELY, SAMPLED
from .explain import FailedTerm, chooser, divergence_words, reads_outcome, why, why_not
from .loader import problem_at
from .model import Expectation, Scenario
from .program import outcomes_of
from .prose import failed_term_words
from .timeline import Timeline
from .workspace import Workspace

DEFAULT_RUNS = 200
Z95 = 1.959964  # two-sided 95%


@dataclass
class Outcome:
    """One expectation checked: passed or not, what was seen, and why."""

    branch: str
    expectation: Expectation
    passed: bool
    seen: str = ""  # "false", or "held in 41% of 200 runs (95%: 34%..48%)"
    chain: list[str] = field(default_factory=list)  # the why / why-not of the failed terms
    file: str = ""
    line: int = 0
    col: int = 0

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.col}" if self.line else self.file

    def text(self) -> str:
        """`file:line:col: FAIL [branch] expectation: what was seen`, then the chain, indented."""
        head = f"{self.where}: {'ok' if self.passed else 'FAIL'} [{self.branch}] {self.expectation.text}"
        out = [head + (f": {self.seen}" if self.seen else "")]
        out += ["    " + ln for ln in self.chain]
        return "\n".join(out)


def facts_at(tl: Timeline, ordinal: int) -> Facts:
    """What conditions may ask about the branch's events at the end of day `ordinal`."""
    fired: dict = {}
    for f in tl.firings:
        if f.ordinal > ordinal:
            break
        rec = fired.get(f.event)
        fired[f.event] = ((rec[0] if rec else 0) + 1, f.ordinal, f.outcome, f.index)
    return Facts(ordinal, fired)


def _world(tl: Timeline, on: dt.date | None) -> tuple[dict, Facts, int]:
    end = tl.result.program.end
    if on is None or on.toordinal() >= end:
        return tl.final_state, facts_at(tl, end), end
    return tl.state_at(on), facts_at(tl, on.toordinal()), on.toordinal()


def _scope(ws: Workspace) -> Scope:
    sc = ws.scenario
    one_offs = [d.rule.id for b in sc.branches for d in b.divergences if d.kind == "event" and d.rule]
    return Scope(sc.variables, [e.id for e in sc.events] + one_offs, sc.conditions, outcomes=outcomes_of(sc))


def holds(cond: Condition, tl: Timeline, on: dt.date | None = None) -> bool:
    state, facts, _ = _world(tl, on)
    return bool(cond.fn(state, facts))


def check_branch(ws: Workspace, branch_id: str, seed: int = 0) -> list[Outcome]:
    """Every expectation of the branch checked (sampled ones with seeds `seed`, `seed + 1`, ...)."""
    b = ws.branch(branch_id)
    scope = _scope(ws)
    out = []
    for e in b.expect:
        cond = compile_condition(e.that, scope)
        p = problem_at(ws.scenario, e.path, "") if e.path else None
        if e.p is None:
            res = _check_plain(ws, branch_id, e, cond, p.file if p is not None else "")
        else:
            res = _check_sampled(ws, branch_id, e, cond, seed)
        if p is not None:
            res.file, res.line, res.col = p.file, p.line, p.col
        out.append(res)
    return out


def check_all(ws: Workspace, seed: int = 0) -> list[Outcome]:
    return [r for bid in ws.scenario.branch_ids for r in check_branch(ws, bid, seed)]


def _check_plain(ws: Workspace, branch_id: str, e: Expectation, cond: Condition, file: str) -> Outcome:
    tl = ws.timeline(branch_id, LIKELY, 0)
    state, facts, ordinal = _world(tl, e.on)
    if cond.fn(state, facts):
        return Outcome(branch_id, e, True)
    chain: list[str] = []
    told: set = set()  # an event's why / why-not is told once, under the first term that reads it
    for term in cond.terms:
        if term.fn(state, facts):
            continue
        failed = FailedTerm(term.source, _term_reads(tl, term, state, facts, ordinal, e.on),
                            dt.date.fromordinal(ordinal))
        words = failed_term_words(ws.scenario, failed) or [_bare_words(term, ordinal)]
        chain += [f"- {w}" for w in words]
        for ev in sorted(term.events, key=lambda ev: (term.source.find(ev), ev)):
            if ev not in told:
                told.add(ev)
                chain += ["  " + ln for ln in _event_chain(tl, ev, facts, file)]
    return Outcome(branch_id, e, False, "false", chain)


def _term_reads(tl: Timeline, term, state: dict, facts: Facts, ordinal: int,
                on: dt.date | None) -> list[tuple[str, object, str]]:
    """What a false term read, as explain.failed_terms gives a rule's (name, value seen, who set it), so
    that prose words both alike: a variable with who set it, an event with its date or its outcome."""
    reads = [(var, state[var], _who_set(tl, var, ordinal)) for var in sorted(term.reads)]
    for ev in sorted(term.events, key=lambda ev: (term.source.find(ev), ev)):
        rec = facts.fired.get(ev)
        if reads_outcome(term.source, ev):
            reads.append((f'outcome("{ev}")', rec[2] if rec else "none",
                          chooser(tl, tl.firings[rec[3]]) if rec else "it had not happened"))
        elif rec is not None:
            reads.append((f'happened("{ev}")', True, f"on {dt.date.fromordinal(rec[1])}"))
        else:
            reads.append((f'happened("{ev}")', False, f"by {on}" if on else "it had not happened"))
    return reads


def _bare_words(term, ordinal: int) -> str:
    """A false term that read no variable and no event (`date >= "1945-01-01"`): its text and the day."""
    return f"{term.source} did not hold on {dt.date.fromordinal(ordinal)}"


def _event_chain(tl: Timeline, ev: str, facts: Facts, file: str) -> list[str]:
    """The why (it happened by then) or why-not of an event a false term read, in explain's words."""
    if tl.rule(ev) is None:
        return [f"“{ev}” is a one-off event of another branch's divergence: it cannot happen in this one"]
    rec = facts.fired.get(ev)
    if rec is not None:
        lines = why(tl, ev, tl.firings[rec[3]].occurrence).text().splitlines()
    elif tl.happened(ev):  # later than the expectation's date: why it came when it did
        lines = why(tl, ev, 1).text().splitlines()
    else:
        lines = why_not(tl, ev).text().splitlines()
    return _first_levels(lines, tl.branch_id, ev, file)


def _first_levels(lines: list[str], branch: str, event: str, file: str, depth: int = 2) -> list[str]:
    """A why / why-not text cut to its first `depth` levels of causes; `explain` gives the rest (the
    command names the scenario's file, ready to copy)."""
    keep = [ln for ln in lines if not ln.lstrip().startswith("- ") or
            (len(ln) - len(ln.lstrip())) <= 2 * depth]
    if len(keep) < len(lines):
        where = shlex.quote(file) if file else "SCENARIO"
        keep.append(f"  (the whole chain: what-if explain {where} --branch {branch} {event})")
    return keep


def _who_set(tl: Timeline, var: str, ordinal: int) -> str:
    """Who gave the variable its value as of day `ordinal`: a firing, a divergence, the initial world (in
    explain's form, `set by "…" on DATE`, which prose words)."""
    best = None
    for f in tl.firings:
        if f.ordinal > ordinal:
            break
        if any(c.var == var and c.old != c.new for c in f.changes):
            best = (f.ordinal, 1, f"set by \"{tl.title(f.event, f.outcome)}\" on {f.date}")
    for d in tl.divergences:
        if d.divergence.kind == "set" and var in d.divergence.values and d.ordinal <= ordinal:
            cand = (d.ordinal, 0, f"divergence \"{divergence_words(tl, d)}\" on {d.date}")
            if best is None or cand[:2] >= best[:2]:
                best = cand
    return best[2] if best else "initial world"


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a share k/n."""
    if n == 0:
        return 0.0, 1.0
    ph = k / n
    denom = 1 + Z95 ** 2 / n
    centre = (ph + Z95 ** 2 / (2 * n)) / denom
    half = Z95 * math.sqrt(ph * (1 - ph) / n + Z95 ** 2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _check_sampled(ws: Workspace, branch_id: str, e: Expectation, cond: Condition, seed: int) -> Outcome:
    op, bound = e.p.split()
    bound = float(bound)
    runs = e.runs or DEFAULT_RUNS
    sampled = Workspace(ws.scenario, mode=SAMPLED, seed=seed)
    k = 0
    for s in range(seed, seed + runs):
        tl = sampled.timeline(branch_id, SAMPLED, s)
        k += holds(cond, tl, e.on)
        sampled._cache.clear()  # noqa: SLF001 - each seed is a fresh world; keep memory flat
    lo, hi = wilson(k, runs)
    if op in (">=", ">"):
        passed = lo > bound if op == ">" else lo >= bound
    else:
        passed = hi < bound if op == "<" else hi <= bound
    seen = f"held in {k / runs:.0%} of {runs} sampled runs (95% interval {lo:.0%}..{hi:.0%})"
    chain = []
    if not passed:
        inside = lo <= bound <= hi
        side = "below" if op in (">=", ">") else "above"
        chain.append("inconclusive: the interval straddles the bound; give more runs or a looser bound"
                     if inside else f"the whole 95% interval is {side} {bound * 100:g}%")
    return Outcome(branch_id, e, passed, seen, chain)
