"""Monte Carlo: many `sampled` runs of a branch, summarised as probabilities and bands.

Run k uses seed `seed + k`; a branch and its parent share their dice in each run (the engine draws
from a hash of seed, rule and occurrence), so differences between branches are the divergence's doing,
not noise.

Speed (benchmarks/bench_analysis.py): each process compiles the scenario once (`Runner`); a branch
costs one engine run per seed at any depth when its divergence dates allow it, else it restarts from
the parent's checkpoint (core/runner.py); each run is folded at once into a `Tally` — counts, first
dates, and for each number variable the grid segments over which it held a value — so no Timeline, no
per-run list of values and no per-seed list is ever kept. Tallies merge by addition, in chunk order,
so the numbers are the same in one process, in a pool and on Dask, and memory stays flat for any
number of runs.
"""
from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .engine import SAMPLED
from .executors import Executor, make_executor
from .model import Scenario
from .runner import Runner
from .workspace import Workspace

GRID_POINTS = 120  # dates at which number variables are sampled for bands
MAX_CHUNK = 250  # runs per task: small enough for progress and a prompt cancel


@dataclass
class EventStats:
    event: str
    title: str
    runs: int
    happened: int = 0  # runs in which it fired at least once
    times: int = 0  # firings over all runs (a repeatable event may fire several times in one run)
    outcomes: Counter = field(default_factory=Counter)  # outcome of its first firing -> runs
    dates: Counter = field(default_factory=Counter)  # ordinal of its first firing -> runs

    @property
    def probability(self) -> float:
        return self.happened / self.runs if self.runs else 0.0

    @property
    def mean_times(self) -> float:
        """How many times it fired per run, on average over all runs."""
        return self.times / self.runs if self.runs else 0.0

    def date_quantile(self, q: float) -> dt.date | None:
        if not self.dates:
            return None
        k = min(self.happened - 1, int(q * self.happened))
        seen = 0
        for ordinal in sorted(self.dates):
            seen += self.dates[ordinal]
            if seen > k:
                return dt.date.fromordinal(ordinal)
        return None


class Band:
    """A number variable's distribution across runs at each grid date, as exact counts per value."""

    def __init__(self, values: np.ndarray, counts: np.ndarray):
        self.values = values  # sorted distinct values
        self.counts = counts  # [value, grid] -> runs
        self.cum = np.cumsum(counts, axis=0)

    def quantile(self, q: float) -> list[float]:
        n = int(self.cum[-1, 0]) if len(self.values) else 0
        if n == 0:
            return []
        k = min(n - 1, int(q * n))  # the k-th smallest (0-based), as sorted(xs)[k]
        idx = (self.cum > k).argmax(axis=0)
        return [float(v) for v in self.values[idx]]

    def mean(self) -> list[float]:
        n = self.cum[-1]
        return [float(x) for x in (self.values[:, None] * self.counts).sum(axis=0) / np.maximum(n, 1)]


@dataclass
class MonteCarlo:
    branch: str
    runs: int
    seed: int
    events: dict[str, EventStats]
    grid: list[dt.date]
    bands: dict[str, Band]  # number variable -> its distribution on the grid
    finals: dict[str, Counter]  # var -> final value counts (bool, enum, text)

    def band(self, var: str, q: float) -> list[float]:
        return self.bands[var].quantile(q)

    def to_dict(self) -> dict:
        ev = sorted(self.events.values(), key=lambda e: (-e.probability, e.date_quantile(0.5), e.event))
        return {
            "branch": self.branch, "runs": self.runs, "seed": self.seed,
            "events": [{"id": e.event, "title": e.title, "probability": round(e.probability, 4),
                        "mean_times": round(e.mean_times, 4),
                        "outcomes": {k: round(v / e.runs, 4) for k, v in sorted(e.outcomes.items())},
                        "date_p10": _iso(e.date_quantile(0.1)), "date_p50": _iso(e.date_quantile(0.5)),
                        "date_p90": _iso(e.date_quantile(0.9))} for e in ev],
            "variables": {var: {"dates": [d.isoformat() for d in self.grid], "p10": self.band(var, 0.1),
                                "p50": self.band(var, 0.5), "p90": self.band(var, 0.9),
                                "mean": [round(x, 6) for x in self.bands[var].mean()]}
                          for var in self.bands},
            "final": {var: {str(k): round(v / self.runs, 4) for k, v in sorted(c.items(), key=str)}
                      for var, c in self.finals.items()},
        }


def _iso(d):
    return d.isoformat() if d else None


def grid_of(sc: Scenario) -> list[int]:
    a, b = sc.start.toordinal(), sc.end.toordinal()
    n = min(GRID_POINTS, b - a + 1)
    return sorted({a + round(i * (b - a) / max(1, n - 1)) for i in range(n)})


# --- tallies ----------------------------------------------------------------------------------------

class Tally:
    """What a batch of runs says, in a form that adds up: merge two by `add`."""

    def __init__(self):
        self.runs = 0
        self.happened: Counter = Counter()
        self.times: Counter = Counter()
        self.outcomes: dict[str, Counter] = {}
        self.dates: dict[str, Counter] = {}
        self.segments: dict[str, dict] = {}  # var -> value -> grid index -> +1 / -1 (a difference array)
        self.finals: dict[str, Counter] = {}

    def add(self, other: "Tally") -> "Tally":
        self.runs += other.runs
        self.happened.update(other.happened)
        self.times.update(other.times)
        for src, dst in ((other.outcomes, self.outcomes), (other.dates, self.dates),
                         (other.finals, self.finals)):
            for k, c in src.items():
                dst.setdefault(k, Counter()).update(c)
        for var, by_value in other.segments.items():
            mine = self.segments.setdefault(var, {})
            for value, deltas in by_value.items():
                d = mine.setdefault(value, {})
                for gi, n in deltas.items():
                    d[gi] = d.get(gi, 0) + n
        return self


class Recorder:
    """Folds one run at a time into a Tally: the compact per-run record."""

    def __init__(self, scenario: Scenario):
        self.grid = grid_of(scenario)
        self.numbers = {v for v, var in scenario.variables.items() if var.type == "number"}
        self.others = [v for v, var in scenario.variables.items() if var.type != "number"]
        self.variables = scenario.variables
        self.initial = scenario.initial_state()

    def record(self, tally: Tally, result) -> None:
        tally.runs += 1
        happened, times, numbers = tally.happened, tally.times, self.numbers
        dates, outcomes = tally.dates, tally.outcomes
        changes: dict[str, list] = {}
        first: set = set()
        for d in result.divergences:  # a `set` divergence applies at the start of its day
            if d.divergence.kind == "set":
                for var, value in d.divergence.values.items():
                    if var in numbers:
                        changes.setdefault(var, []).append((d.ordinal, -1, self.variables[var].clamp(value)))
        for f in result.firings:
            ev = f.event
            times[ev] += 1
            if ev not in first:
                first.add(ev)
                happened[ev] += 1
                c = dates.get(ev)
                if c is None:
                    c = dates[ev] = Counter()
                c[f.ordinal] += 1
                if f.outcome is not None:
                    c = outcomes.get(ev)
                    if c is None:
                        c = outcomes[ev] = Counter()
                    c[f.outcome] += 1
            for c in f.changes:
                if c.var in numbers:
                    changes.setdefault(c.var, []).append((f.ordinal, f.index, c.new))
        grid, n = self.grid, len(self.grid)
        segments = tally.segments
        for var in numbers:
            seq = changes.get(var)
            by_value = segments.setdefault(var, {})
            if not seq:
                d = by_value.setdefault(self.initial[var], {})
                d[0] = d.get(0, 0) + 1
                continue
            if result.divergences and any(s[1] == -1 for s in seq):
                seq.sort(key=lambda s: (s[0], s[1]))
            starts = [(0, self.initial[var])]
            for ordinal, _, value in seq:
                j = bisect.bisect_left(grid, ordinal)  # grid dates on or after the change see it
                if j >= n:
                    break
                if starts[-1][0] == j:
                    starts[-1] = (j, value)
                else:
                    starts.append((j, value))
            for (j0, value), (j1, _) in zip(starts, starts[1:] + [(n, None)]):
                d = by_value.setdefault(value, {})
                d[j0] = d.get(j0, 0) + 1
                if j1 < n:
                    d[j1] = d.get(j1, 0) - 1
        final = result.final_state
        finals = tally.finals
        for var in self.others:
            c = finals.get(var)
            if c is None:
                c = finals[var] = Counter()
            c[final[var]] += 1


def run_chunk(runner: Runner, spec) -> Tally:
    """A task (core/executors.py): runs seed0 .. seed0+count-1 of a branch, as one Tally."""
    branch, seed0, count = spec
    recorder = getattr(runner, "_recorder", None)
    if recorder is None:
        recorder = runner._recorder = Recorder(runner.scenario)  # noqa: SLF001 - a per-process cache
    tally = Tally()
    for seed in range(seed0, seed0 + count):
        recorder.record(tally, runner.run(branch, SAMPLED, seed))
    return tally


def chunks(first_seed: int, runs: int, size: int):
    """(first seed, count) pairs, lazily: a billion runs never become a list."""
    for start in range(0, runs, size):
        yield first_seed + start, min(size, runs - start)


def chunk_size(runs: int, workers: int) -> int:
    return max(1, min(MAX_CHUNK, runs // max(1, workers * 8)))


def monte_carlo(scenario: Scenario, branch: str = "baseline", runs: int = 100, seed: int = 0,
                jobs: int = 1, progress=None, *, scheduler: str | None = None,
                executor: Executor | None = None) -> MonteCarlo:
    """`progress(done, total)` is called as batches finish; it may raise to cancel.

    Work goes to `executor` if given, else to Dask at `scheduler`, else to `jobs` local processes.
    """
    Workspace(scenario).branch(branch)  # unknown branch: a clear error before any work
    own = executor is None
    ex = executor or make_executor(scenario, jobs, scheduler)
    try:
        size = chunk_size(runs, ex.workers)
        total = Tally()
        for part in ex.map(run_chunk, ((branch, s, n) for s, n in chunks(seed, runs, size)),
                           units=lambda spec: spec[2], total=runs, progress=progress):
            total.add(part)
    finally:
        if own:
            ex.close()
    return summarise(scenario, branch, seed, total)


def summarise(scenario: Scenario, branch: str, seed: int, tally: Tally) -> MonteCarlo:
    titles = {e.id: e.title for e in scenario.events}
    for b in scenario.branches:  # one-off events of branches
        for d in b.divergences:
            if d.kind == "event" and d.rule is not None:
                titles.setdefault(d.rule.id, d.rule.title or d.rule.id)
    runs = tally.runs
    events = {ev: EventStats(ev, titles.get(ev, ev), runs, tally.happened[ev], tally.times[ev],
                             tally.outcomes.get(ev, Counter()), tally.dates.get(ev, Counter()))
              for ev in tally.happened}
    grid = grid_of(scenario)
    bands = {}
    for var in (v for v, var in scenario.variables.items() if var.type == "number"):
        by_value = tally.segments.get(var, {})
        values = sorted(by_value)
        deltas = np.zeros((len(values), len(grid)), dtype=np.int64)
        for i, v in enumerate(values):
            for gi, n in by_value[v].items():
                deltas[i, gi] += n
        bands[var] = Band(np.array(values, dtype=float), np.cumsum(deltas, axis=1))
    return MonteCarlo(branch, runs, seed, events, [dt.date.fromordinal(g) for g in grid], bands,
                      dict(tally.finals))
