"""The single divergences one can make from a branch: what sensitivity ranks and search combines.

From a run of the branch (likely mode, with reads):

* suppress — each event that fired (not one a divergence forced), from the date it would have;
* force — each latent event (`when: false`) and each event that never fired, on the date it was first
  tested, else the opening of its window (events never tested and without a window are skipped);
* outcome — each other outcome of each event with outcomes that fired;
* set — each number variable shifted up and down by `SHIFT` of its range (at least 1; 20% of the
  value when it has no range) at its most influential dates: the days on which rules that read it and
  can reach the goal were decided (fired or lapsed), the `DATES_PER_VARIABLE` busiest of them (earliest
  first on ties). The shift applies at the start of that day, before the rules decide.

Candidates that cannot change the goal (core/goals.py: outside its influence graph, or dated after
the last day a rule that reaches it can act) are dropped here; `kinds` and `between` narrow further.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from .engine import RunResult
from .goals import Reach
from .model import Divergence, Scenario, show_value

KINDS = ("suppress", "force", "outcome", "set")
SHIFT = 0.2  # of the variable's range
DATES_PER_VARIABLE = 2


@dataclass(frozen=True)
class Candidate:
    kind: str
    divergence: Divergence = field(compare=False, hash=False)
    ordinal: int  # where it takes effect in the run it was made from
    key: tuple  # identity: (kind, event or variable, outcome or date/direction)
    words: str = field(compare=False, hash=False)  # the divergence in words

    @property
    def date(self) -> dt.date:
        return dt.date.fromordinal(self.ordinal)

    @property
    def target(self) -> str:
        return self.key[1]

    def dated(self) -> Divergence:
        """The divergence with its date written out (for sets of several, evaluated as written)."""
        d = Divergence(self.divergence.kind, self.divergence.event, self.divergence.outcome,
                       dict(self.divergence.values), None, self.date, self.divergence.label)
        return d


def describe(scenario: Scenario, dv: Divergence, when: dt.date | None = None) -> str:
    text = scenario.describe_divergence(dv)
    if dv.kind == "set" and dv.on:
        return f"{text} on {dv.on}"
    if when is not None:
        return f"{text} ({when})"
    return text


def candidates(scenario: Scenario, result: RunResult, reach: Reach | None = None,
               kinds=KINDS, between: tuple[dt.date, dt.date] | None = None,
               since: int | None = None) -> list[Candidate]:
    """The candidates of one run, in date order. `since`: only those on or after this ordinal."""
    program = result.program
    lo = between[0].toordinal() if between else program.start
    hi = between[1].toordinal() if between else program.end
    if since is not None:
        lo = max(lo, since)
    if reach is not None:
        hi = min(hi, reach.horizon)
    forced = {d.divergence.event for d in result.divergences if d.divergence.kind in ("force", "suppress")}
    first: dict[str, object] = {}
    for f in result.firings:
        first.setdefault(f.event, f)
    out: list[Candidate] = []

    def ok(event_or_var: str, ordinal: int, is_var: bool = False) -> bool:
        if not lo <= ordinal <= hi:
            return False
        if reach is None:
            return True
        return event_or_var in (reach.variables if is_var else reach.rules)

    if "suppress" in kinds or "outcome" in kinds:
        for ev, f in first.items():
            if ev in forced or f.cause == "forced" or not ok(ev, f.ordinal):
                continue
            if "suppress" in kinds:
                dv = Divergence("suppress", ev)
                out.append(Candidate("suppress", dv, f.ordinal, ("suppress", ev, None),
                                     describe(scenario, dv, f.date)))
            cr = program.rule(ev)
            if "outcome" in kinds and cr.outcomes:
                for o in cr.outcomes:
                    if o.id != f.outcome:
                        dv = Divergence("outcome", ev, o.id)
                        out.append(Candidate("outcome", dv, f.ordinal, ("outcome", ev, o.id),
                                             describe(scenario, dv, f.date)))
    if "force" in kinds:
        for cr in program.rules:
            if cr.id in first or cr.id in forced:
                continue
            when = result.first_test.get(cr.idx)
            if when is None and cr.kind in ("on", "between"):
                when = max(cr.start, program.start)
            if when is None or not ok(cr.id, when):
                continue
            dv = Divergence("force", cr.id, on=dt.date.fromordinal(when))
            out.append(Candidate("force", dv, when, ("force", cr.id, None), describe(scenario, dv, dv.on)))
    if "set" in kinds:
        out.extend(_shifts(scenario, result, reach, lo, hi))
    out.sort(key=lambda c: (c.ordinal, KINDS.index(c.kind), c.key[1], str(c.key[2])))
    return out


def _shifts(scenario: Scenario, result: RunResult, reach: Reach | None, lo: int, hi: int) -> list[Candidate]:
    program = result.program
    decided: dict[str, Counter] = {}  # var -> day -> decisions of reaching rules that read it
    for item in list(result.firings) + list(result.lapses):
        cr = program.rule(item.event) if item.event in program.by_id else None
        if cr is None or (reach is not None and cr.id not in reach.rules):
            continue
        if not lo <= item.ordinal <= hi:
            continue
        for var in cr.read_vars:
            decided.setdefault(var, Counter())[item.ordinal] += 1
    out = []
    values = _trajectories(result)
    for var, days in decided.items():
        v = scenario.variables.get(var)
        if v is None or v.type != "number" or (reach is not None and var not in reach.variables):
            continue
        best = sorted(days.items(), key=lambda kv: (-kv[1], kv[0]))[:DATES_PER_VARIABLE]
        for day, _ in sorted(best):
            before = _value_before(values, program.initial, var, day)
            step = SHIFT * (v.max - v.min) if v.min is not None and v.max is not None else SHIFT * abs(before)
            step = max(1, round(step)) if isinstance(before, int) or float(step).is_integer() else step
            for sign, word in ((1, "up"), (-1, "down")):
                new = v.clamp(before + sign * step)
                if new == before:
                    continue
                dv = Divergence("set", values={var: new}, on=dt.date.fromordinal(day))
                words = (f"{v.title} {show_value(v, before)} → {show_value(v, new)} on "
                         f"{dt.date.fromordinal(day)}")
                out.append(Candidate("set", dv, day, ("set", var, (day, word)), words))
    return out


def _trajectories(result: RunResult) -> dict[str, list]:
    out: dict[str, list] = {}
    for d in result.divergences:
        if d.divergence.kind == "set":
            for var, value in d.divergence.values.items():
                out.setdefault(var, []).append((d.ordinal, -1, value))
    for f in result.firings:
        for c in f.changes:
            out.setdefault(c.var, []).append((f.ordinal, f.index, c.new))
    for seq in out.values():
        seq.sort(key=lambda t: (t[0], t[1]))
    return out


def _value_before(values: dict, initial: dict, var: str, day: int):
    """The variable's value at the start of `day` (the end of the day before)."""
    v = initial[var]
    for ordinal, _, new in values.get(var, ()):
        if ordinal >= day:
            break
        v = new
    return v
