"""Monte Carlo: many `sampled` runs of a branch, summarised as probabilities and bands.

Run k uses seed `seed + k`; a branch and its parent share their dice in each run (the engine draws
from a hash of seed, rule and occurrence), so differences between branches are the divergence's doing,
not noise. Runs are independent and may go to worker processes (`jobs`).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from .engine import SAMPLED
from .model import Scenario
from .workspace import Workspace

GRID_POINTS = 120  # dates at which number variables are sampled for bands


@dataclass
class EventStats:
    event: str
    title: str
    runs: int
    happened: int = 0
    outcomes: Counter = field(default_factory=Counter)
    dates: list = field(default_factory=list)  # ordinals of first firings

    @property
    def probability(self) -> float:
        return self.happened / self.runs if self.runs else 0.0

    def date_quantile(self, q: float) -> dt.date | None:
        if not self.dates:
            return None
        xs = sorted(self.dates)
        return dt.date.fromordinal(xs[min(len(xs) - 1, int(q * len(xs)))])


@dataclass
class MonteCarlo:
    branch: str
    runs: int
    seed: int
    events: dict[str, EventStats]
    grid: list[dt.date]
    bands: dict[str, list[list[float]]]  # var -> per grid date, sorted values across runs
    finals: dict[str, Counter]  # var -> final value counts (bool, enum, text)

    def band(self, var: str, q: float) -> list[float]:
        out = []
        for values in self.bands[var]:
            out.append(values[min(len(values) - 1, int(q * len(values)))])
        return out

    def to_dict(self) -> dict:
        ev = sorted(self.events.values(), key=lambda e: (-e.probability, e.date_quantile(0.5), e.event))
        return {
            "branch": self.branch, "runs": self.runs, "seed": self.seed,
            "events": [{"id": e.event, "title": e.title, "probability": round(e.probability, 4),
                        "outcomes": {k: round(v / e.runs, 4) for k, v in sorted(e.outcomes.items())},
                        "date_p10": _iso(e.date_quantile(0.1)), "date_p50": _iso(e.date_quantile(0.5)),
                        "date_p90": _iso(e.date_quantile(0.9))} for e in ev],
            "variables": {var: {"dates": [d.isoformat() for d in self.grid], "p10": self.band(var, 0.1),
                                "p50": self.band(var, 0.5), "p90": self.band(var, 0.9)}
                          for var in self.bands},
            "final": {var: {str(k): round(v / self.runs, 4) for k, v in sorted(c.items(), key=str)}
                      for var, c in self.finals.items()},
        }


def _iso(d):
    return d.isoformat() if d else None


def _grid(sc: Scenario) -> list[int]:
    a, b = sc.start.toordinal(), sc.end.toordinal()
    n = min(GRID_POINTS, b - a + 1)
    return sorted({a + round(i * (b - a) / max(1, n - 1)) for i in range(n)})


def _one_run(scenario: Scenario, branch: str, seeds: list[int]) -> list[tuple]:
    """Summaries of runs (picklable): firings as (event, ordinal, outcome), values on the grid, finals."""
    ws = Workspace(scenario, mode=SAMPLED)
    grid = _grid(scenario)
    numbers = [v for v, var in scenario.variables.items() if var.type == "number"]
    out = []
    for seed in seeds:
        tl = ws.timeline(branch, mode=SAMPLED, seed=seed)
        firings = [(f.event, f.ordinal, f.outcome) for f in tl.firings]
        values = {v: [tl.value_at(v, dt.date.fromordinal(g)) for g in grid] for v in numbers}
        out.append((firings, values, dict(tl.final_state)))
        ws._cache.clear()  # noqa: SLF001 - each seed is a fresh world; keep memory flat
    return out


def monte_carlo(scenario: Scenario, branch: str = "baseline", runs: int = 100, seed: int = 0,
                jobs: int = 1, progress=None) -> MonteCarlo:
    """`progress(done, total)` is called as batches finish; it may raise to cancel."""
    Workspace(scenario).branch(branch)  # unknown branch: a clear error before any work
    seeds = list(range(seed, seed + runs))
    batch = max(1, min(25, runs // max(1, jobs * 4)))
    chunks = [seeds[i:i + batch] for i in range(0, len(seeds), batch)]
    results = []
    if jobs > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_one_run, scenario, branch, c) for c in chunks]
            for fut in futures:
                results.extend(fut.result())
                if progress:
                    progress(len(results), runs)
    else:
        for c in chunks:
            results.extend(_one_run(scenario, branch, c))
            if progress:
                progress(len(results), runs)
    return _summarise(scenario, branch, seed, results)


def _summarise(scenario: Scenario, branch: str, seed: int, results: list) -> MonteCarlo:
    titles = {e.id: e.title for e in scenario.events}
    runs = len(results)
    events: dict[str, EventStats] = {}
    bands: dict[str, list[list[float]]] = defaultdict(list)
    finals: dict[str, Counter] = defaultdict(Counter)
    grid = _grid(scenario)
    for firings, values, final in results:
        seen = set()
        for event, ordinal, outcome in firings:
            st = events.setdefault(event, EventStats(event, titles.get(event, event), runs))
            if event in seen:
                continue
            seen.add(event)
            st.happened += 1
            st.dates.append(ordinal)
            if outcome:
                st.outcomes[outcome] += 1
        for var, series in values.items():
            if not bands[var]:
                bands[var] = [[] for _ in grid]
            for i, v in enumerate(series):
                bands[var][i].append(float(v))
        for var, v in final.items():
            if scenario.variables[var].type != "number":
                finals[var][v] += 1
    for var in bands:
        for col in bands[var]:
            col.sort()
    return MonteCarlo(branch, runs, seed, events, [dt.date.fromordinal(g) for g in grid], dict(bands),
                      dict(finals))
