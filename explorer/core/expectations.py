"""Expectations: what an author states must hold in a branch (`expect:`), checked like unit tests.

Three forms: a condition on the branch's final world; `{that:, on:}` on the world at the end of a date;
`{that:, p: ">= 0.3", runs: 200}` on sampled runs, passing only when a 95% confidence bound (Wilson
score) clears the stated share, so a flaky pass is not called a pass. A failure carries the why /
why-not chain of each term that failed.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from .conditions import Condition, Facts, Scope, compile_condition
from .engine import LIKELY, SAMPLED
from .explain import fmt, why, why_not
from .loader import problem_at
from .model import Expectation, Scenario
from .program import outcomes_of
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
        if e.p is None:
            res = _check_plain(ws, branch_id, e, cond)
        else:
            res = _check_sampled(ws, branch_id, e, cond, seed)
        p = problem_at(ws.scenario, e.path, "") if e.path else None
        if p is not None:
            res.file, res.line, res.col = p.file, p.line, p.col
        out.append(res)
    return out


def check_all(ws: Workspace, seed: int = 0) -> list[Outcome]:
    return [r for bid in ws.scenario.branch_ids for r in check_branch(ws, bid, seed)]


def _check_plain(ws: Workspace, branch_id: str, e: Expectation, cond: Condition) -> Outcome:
    tl = ws.timeline(branch_id, LIKELY, 0)
    state, facts, ordinal = _world(tl, e.on)
    if cond.fn(state, facts):
        return Outcome(branch_id, e, True)
    chain = []
    for term in cond.terms:
        if term.fn(state, facts):
            continue
        chain.append(f"false: {term.source}")
        chain += ["  " + ln for ln in _explain_term(tl, term, state, facts, ordinal)]
    return Outcome(branch_id, e, False, "false", chain)


def _explain_term(tl: Timeline, term, state: dict, facts: Facts, ordinal: int) -> list[str]:
    """Why a term came out false: each variable it read with who set it, each event's why / why-not."""
    out = []
    for var in sorted(term.reads):
        out.append(f"{var} was {fmt(state[var])} ({_who_set(tl, var, ordinal)})")
    for ev in sorted(term.events):
        if tl.rule(ev) is None:
            out.append(f"\"{ev}\" is not an event of this branch")
            continue
        rec = facts.fired.get(ev)
        if rec is None:
            lines = why_not(tl, ev).text().splitlines()
        else:
            f = tl.firings[rec[3]]
            lines = why(tl, ev, f.occurrence).text().splitlines()
        out += _first_levels(lines, tl.branch_id, ev)
    return out


def _first_levels(lines: list[str], branch: str, event: str, depth: int = 2) -> list[str]:
    """A why / why-not text cut to its first `depth` levels of causes; `explain` gives the rest."""
    keep = [ln for ln in lines if not ln.lstrip().startswith("- ") or
            (len(ln) - len(ln.lstrip())) <= 2 * depth]
    if len(keep) < len(lines):
        keep.append(f"  (the whole chain: what-if explain SCENARIO --branch {branch} {event})")
    return keep


def _who_set(tl: Timeline, var: str, ordinal: int) -> str:
    """Who gave the variable its value as of day `ordinal`: a firing, a divergence, the initial world."""
    best = None
    for f in tl.firings:
        if f.ordinal > ordinal:
            break
        if any(c.var == var and c.old != c.new for c in f.changes):
            best = (f.ordinal, 1, f"set by \"{tl.title(f.event, f.outcome)}\" on {f.date}")
    for d in tl.divergences:
        if d.divergence.kind == "set" and var in d.divergence.values and d.ordinal <= ordinal:
            cand = (d.ordinal, 0, f"divergence \"{d.label}\" on {d.date}")
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
        chain.append("inconclusive: the interval straddles the bound; give more runs or a looser bound"
                     if inside else f"the share is {'below' if op in ('>=', '>') else 'above'} {bound:g}")
    return Outcome(branch_id, e, passed, seen, chain)
