"""Sensitivity: which single divergence from a branch moves a goal the most (a tornado chart's data).

Every candidate (core/candidates.py) is run as a child of the branch, restarted from the branch's
checkpoint at the candidate's date, so a candidate costs only the suffix of the timeline after it.
In likely mode the effect is whether a condition flips, or how far a number moves. With `runs`, each
seed's branch run is computed once and every candidate restarted from it with the same dice, so the
change in P(goal) (or in the goal's mean) is a paired difference, given with a 95% confidence
interval (normal approximation of the mean of the per-seed differences).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from .candidates import KINDS, Candidate, candidates
from .engine import LIKELY, SAMPLED, RunResult
from .errors import EngineError
from .executors import Executor, make_executor
from .goals import Goal, compile_goal, reaches
from .model import Scenario
from .montecarlo import MAX_CHUNK, chunks
from .runner import Runner

Z95 = 1.959964


@dataclass
class Effect:
    candidate: Candidate
    value: object  # the goal in the candidate's likely run
    delta: float  # likely: its score minus the branch's (1/0 for a condition)
    changed: int  # events new, gone or changed against the branch (likely)
    first_changes: list[str] = field(default_factory=list)
    mean: float | None = None  # with runs: P(goal) or the goal's mean
    mean_delta: float | None = None  # with runs: paired difference from the branch
    ci: tuple[float, float] | None = None

    @property
    def flipped(self) -> bool:
        return self.delta != 0 and isinstance(self.value, bool)

    @property
    def size(self) -> float:
        """What the tornado chart draws: the change with runs, else the likely change."""
        return self.mean_delta if self.mean_delta is not None else self.delta

    def to_dict(self) -> dict:
        c = self.candidate
        d = {"kind": c.kind, "target": c.target, "date": c.date.isoformat(), "divergence": c.words,
             "value": self.value, "delta": round(self.delta, 6), "changed_events": self.changed,
             "first_changes": self.first_changes}
        if self.mean is not None:
            d.update({"mean": round(self.mean, 6), "mean_delta": round(self.mean_delta, 6),
                      "ci95": [round(self.ci[0], 6), round(self.ci[1], 6)]})
        return d


@dataclass
class Sensitivity:
    branch: str
    goal: Goal
    base_value: object
    effects: list[Effect]  # ranked, largest first
    considered: int  # candidates before pruning
    runs: int = 0
    seed: int = 0
    base_mean: float | None = None
    broken: list[str] = field(default_factory=list)  # candidates the engine could not run, and why

    @property
    def kind(self) -> str:
        return self.goal.kind

    def to_dict(self) -> dict:
        return {"branch": self.branch, "goal": self.goal.source, "kind": self.kind,
                "at": self.goal.at.isoformat() if self.goal.at else None,
                "value": self.base_value, "runs": self.runs, "seed": self.seed,
                "mean": None if self.base_mean is None else round(self.base_mean, 6),
                "candidates": self.considered, "evaluated": len(self.effects), "broken": self.broken,
                "effects": [e.to_dict() for e in self.effects]}


def prepare(runner: Runner, branch: str, goal: str, at: dt.date | None):
    """(base likely run with checkpoints, compiled goal, its reach): shared with search."""
    base = runner.run(branch, LIKELY, 0, checkpoints=True)
    g = compile_goal(goal, runner.plan(branch)[-1].program, at)
    v = g.value(base)
    g.kind = "condition" if isinstance(v, bool) else "number"
    return base, g, reaches(base.program, g)


def changes(base: RunResult, other: RunResult, limit: int = 3) -> tuple[int, list[str]]:
    """How many events differ between two runs, and the first few in words (+ new, − gone, ~ moved)."""
    def keyed(r):
        return {(f.event, f.occurrence): f for f in r.firings}
    a, b = keyed(base), keyed(other)
    rows = []
    for k, f in b.items():
        g = a.get(k)
        if g is None:
            rows.append((f.ordinal, f"+ {_title(other, f)} ({f.date})"))
        elif g.ordinal != f.ordinal or g.outcome != f.outcome:
            rows.append((min(f.ordinal, g.ordinal), f"~ {_title(other, f)} ({g.date} → {f.date})"
                         if g.ordinal != f.ordinal else f"~ {_title(other, f)} ({f.date})"))
    for k, g in a.items():
        if k not in b:
            rows.append((g.ordinal, f"− {_title(base, g)} ({g.date})"))
    rows.sort(key=lambda r: r[0])
    return len(rows), [t for _, t in rows[:limit]]


def _title(r: RunResult, f) -> str:
    rule = r.program.rule(f.event).rule
    o = rule.outcome(f.outcome) if f.outcome else None
    return f"{rule.title or rule.id}" + (f" — {o.title or o.id}" if o else "")


def sensitivity(scenario: Scenario, branch: str = "baseline", goal: str = "", at: dt.date | None = None,
                runs: int = 0, seed: int = 0, jobs: int = 1, kinds=KINDS,
                between: tuple[dt.date, dt.date] | None = None, progress=None, *,
                scheduler: str | None = None, executor: Executor | None = None) -> Sensitivity:
    """Rank the single divergences from `branch` by their effect on `goal`.

    `progress(done, total)` may raise to cancel. With `runs`, the sampled part goes to `executor`
    (or Dask at `scheduler`, or `jobs` local processes)."""
    runner = executor.runner if executor is not None else Runner(scenario)
    base, g, reach = prepare(runner, branch, goal, at)
    base_value = g.value(base)
    all_cands = candidates(scenario, base, None, kinds, between)
    cands = candidates(scenario, base, reach, kinds, between)
    total = len(cands) * (1 + runs)
    effects = []
    broken = []  # candidates whose history the engine refuses (a runaway rule): said, not fatal
    for i, c in enumerate(cands):
        try:
            res = runner.run(branch, LIKELY, 0, extra=runner.extra_level(branch, [c.divergence]), base=base)
        except EngineError as e:
            broken.append(f"{c.words}: {e}")
            continue
        v = g.value(res)
        n, first = changes(base, res)
        effects.append(Effect(c, v, g.score(res) - g.score(base), n, first))
        if progress:
            progress(i + 1, total)
    base_mean = None
    cands = [e.candidate for e in effects]
    if runs:
        own = executor is None
        ex = executor or make_executor(scenario, jobs, scheduler)
        try:
            base_mean, stats = sampled_effects(ex, branch, g, [[c.divergence] for c in cands], runs, seed,
                                               progress=_offset(progress, len(cands), len(cands), total))
        finally:
            if own:
                ex.close()
        for e, (mean, dmean, half) in zip(effects, stats):
            e.mean, e.mean_delta, e.ci = mean, dmean, (dmean - half, dmean + half)
    effects.sort(key=_rank)
    return Sensitivity(branch, g, base_value, effects, len(all_cands), runs, seed, base_mean, broken)


def _rank(e: Effect):
    return (-abs(e.size), -abs(e.delta), e.changed if e.delta else 0, e.candidate.ordinal, e.candidate.key)


def _offset(progress, offset: int, per: int, total: int):
    """Progress of the sampled part (counted in runs x candidates) on the same scale as the likely part."""
    if progress is None:
        return None
    return lambda done, _total: progress(offset + done * per, total)


# --- sampled: paired differences ----------------------------------------------------------------------

def sampled_effects(ex: Executor, branch: str, goal: Goal, sets: list[list], runs: int, seed: int,
                    progress=None) -> tuple[float, list[tuple[float, float, float]]]:
    """P(goal)/mean of the branch over `runs` seeds, and per divergence set (mean, mean difference,
    95% half-width of the difference)."""
    size = max(1, min(MAX_CHUNK, runs // max(1, ex.workers * 4), max(1, 2000 // max(1, len(sets)))))
    at = goal.at
    n = 0
    base_sum = 0.0
    sums = [[0.0, 0.0, 0.0] for _ in sets]
    specs = ((branch, goal.source, at, s, c, sets) for s, c in chunks(seed, runs, size))
    for part in ex.map(sampled_chunk, specs, units=lambda spec: spec[4], total=runs, progress=progress):
        n += part["n"]
        base_sum += part["base"]
        for acc, got in zip(sums, part["sets"]):
            for i in range(3):
                acc[i] += got[i]
    out = []
    for s_c, s_d, s_d2 in sums:
        mean_d = s_d / n
        var = max(0.0, (s_d2 - n * mean_d * mean_d) / (n - 1)) if n > 1 else 0.0
        out.append((s_c / n, mean_d, Z95 * math.sqrt(var / n) if n > 1 else 0.0))
    return base_sum / n, out


def sampled_chunk(runner: Runner, spec) -> dict:
    """A task: seeds seed0.. of the branch, each divergence set restarted from the same seed's run."""
    branch, source, at, seed0, count, sets = spec
    goal = compile_goal(source, runner.plan(branch)[-1].program, at)
    levels = [runner.extra_level(branch, divs) for divs in sets]
    base_sum = 0.0
    acc = [[0.0, 0.0, 0.0] for _ in sets]
    for seed in range(seed0, seed0 + count):
        base = runner.run(branch, SAMPLED, seed, checkpoints=True)
        b = goal.score(base)
        base_sum += b
        for a, level in zip(acc, levels):
            c = goal.score(runner.run(branch, SAMPLED, seed, extra=level, base=base))
            d = c - b
            a[0] += c
            a[1] += d
            a[2] += d * d
    return {"n": count, "base": base_sum, "sets": acc}
