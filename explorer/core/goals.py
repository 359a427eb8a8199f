"""Goals: what sensitivity and search ask of a history, written in the condition language.

A goal is a condition (`trotsky.alive and mexico.regime == "workers_republic"`) or a number
expression (`labor.unrest + peasant.unrest`), evaluated on the world a run ends with, or at the end of
the day `at`. Events may be asked about as in any condition (`happened("texas_incident")`).

`reaches(program, goal)` is the static influence graph's answer to "which rules and variables can
change this goal at all": rule -> the variables its effects write and the events it schedules, cancels
or is followed by; variable or event -> the rules whose conditions, chances or outcome weights read it.
A divergence on anything outside that set cannot change the goal in any run, and one dated after the
last day a reaching rule can act (or after `at`) cannot either: this is what prunes candidates.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .conditions import Condition, ConditionError, Facts, compile_condition
from .engine import RunResult
from .errors import ExplorerError
from .program import Program
from .rule_graph import rule_graph


class GoalError(ExplorerError):
    """A goal that does not compile or does not give a truth value or a number."""


@dataclass
class Goal:
    source: str
    condition: Condition
    at: dt.date | None = None
    kind: str = "condition"  # condition | number (known after the first evaluation)

    @property
    def ordinal(self) -> int | None:
        return self.at.toordinal() if self.at else None

    def value(self, result: RunResult):
        """The goal on the run's final world (or at the end of `at`): a bool or a float."""
        state, fired, today = world_at(result, self.ordinal)
        try:
            v = self.condition.fn(state, Facts(today, fired))
        except (ArithmeticError, TypeError, ValueError) as e:
            raise GoalError(f"--goal {self.source}: cannot compute it: {e}") from None
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)):
            return float(v)
        raise GoalError(f"--goal {self.source}: gives {v!r}; write a condition (true/false) or a number "
                        "expression, e.g. mexico.regime == \"workers_republic\"")

    def score(self, result: RunResult) -> float:
        """The goal as a number: 1/0 for a condition."""
        v = self.value(result)
        return (1.0 if v else 0.0) if isinstance(v, bool) else v

    def terms_held(self, result: RunResult) -> int:
        """How many of a condition's top-level conjuncts hold: search's sense of "closer"."""
        state, fired, today = world_at(result, self.ordinal)
        facts = Facts(today, fired)
        n = 0
        for t in self.condition.terms:
            try:
                n += 1 if t.fn(state, facts) else 0
            except (ArithmeticError, TypeError, ValueError):
                pass
        return n


def compile_goal(source: str, program: Program, at: dt.date | None = None) -> Goal:
    if not source or not source.strip():
        raise GoalError("--goal needs an expression, e.g. --goal trotsky.alive")
    try:
        cond = compile_condition(source, program.scope)
    except ConditionError as e:
        raise GoalError(f"--goal {source}: {e.message} (at column {e.col + 1})") from None
    if at is not None and not program.start <= at.toordinal() <= program.end:
        raise GoalError(f"--at {at} lies outside the scenario ({dt.date.fromordinal(program.start)} to "
                        f"{dt.date.fromordinal(program.end)})")
    return Goal(source, cond, at)


def world_at(result: RunResult, ordinal: int | None) -> tuple[dict, dict, int]:
    """(state, fired facts, today) at the end of `ordinal`, or as the run ended."""
    end = result.program.end
    if ordinal is None or ordinal >= end:
        fired = {}
        for f in result.firings:
            fired[f.event] = (f.occurrence, f.ordinal, f.outcome, f.index)
        return result.final_state, fired, end
    state = dict(result.program.initial)
    sets = sorted((d for d in result.divergences if d.divergence.kind == "set" and d.ordinal <= ordinal),
                  key=lambda d: d.ordinal)
    fired = {}
    si = 0
    for f in result.firings:
        if f.ordinal > ordinal:
            break
        while si < len(sets) and sets[si].ordinal <= f.ordinal:
            state.update(sets[si].divergence.values)
            si += 1
        for c in f.changes:
            state[c.var] = c.new
        fired[f.event] = (f.occurrence, f.ordinal, f.outcome, f.index)
    for d in sets[si:]:
        state.update(d.divergence.values)
    return state, fired, ordinal


@dataclass
class Reach:
    """What can influence a goal: rule ids and variable names, and the last day any such rule can act."""

    rules: set
    variables: set
    horizon: int


def reaches(program: Program, goal: Goal) -> Reach:
    """Everything the goal can depend on: walked back through the rule graph (core/rule_graph.py, the
    one home of which rules read, write, follow, schedule and cancel what) from what the goal reads."""
    g = rule_graph(program)
    start = [("var", v) for v in goal.condition.reads] + \
        [("rule", e) for e in goal.condition.events if e in program.by_id]
    seen, todo = set(start), list(start)
    while todo:
        for e in g.into(todo.pop()):
            if e.source not in seen:
                seen.add(e.source)
                todo.append(e.source)
    rules = {k[1] for k in seen if k[0] == "rule"}
    variables = set(goal.condition.reads) | {k[1] for k in seen if k[0] == "var"}
    horizon = program.start
    for r in rules:
        cr = program.rule(r)
        end = cr.end if cr.kind in ("on", "between") and not cr.repeatable else program.end
        if cr.kind in ("after", "scheduled"):
            end = program.end
        horizon = max(horizon, end if end is not None else program.end)
    if goal.ordinal is not None:
        horizon = min(horizon, goal.ordinal)
    return Reach(rules, variables, horizon)
