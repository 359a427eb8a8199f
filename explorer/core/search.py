"""Goal search: "how could this have happened?" — small sets of divergences that make a goal true.

Like counterfactual explanations (DiCE), results are

* **feasible** — only the kinds of divergence (`kinds`) and the dates (`between`) the user allows, each
  a candidate of core/candidates.py;
* **sparse** — single divergences are tried first, then pairs, up to `max_divergences`;
* **minimal** — a set is reported only if no divergence can be dropped (a single that works on its
  own is never part of a larger result; a pair's second divergence is checked alone);
* **diverse** — a divergence appears in at most one result.

In likely mode a set succeeds when the goal (a condition) holds — for a number goal, when it rises;
with `runs`, sets are ranked by P(goal) (or the goal's mean) over the same seeds, a single counting when
it raises P(goal) beyond its 95% interval and a pair when it beats both its members alone by more than
its interval.

Cost: a single is a restart from the branch's checkpoint at its date; the second divergence of a pair
is a restart from the first's run at the second's date (candidates for it come from that run, on or
after the first's date, so a divergence that only makes sense after the first — suppressing an event
the first one caused — is found). Candidates outside the goal's influence graph or after the last day
anything reaching the goal can act are pruned (core/goals.py). Firsts are tried closest-first (more of
the goal's conjuncts hold, the goal broken later); seconds that undo the goal's last writers first.
Pairs of a set are written with their dates (`on:`), so the branch `--write` adds is exactly the
history evaluated.
"""
from __future__ import annotations

import datetime as dt
import heapq
import time
from dataclasses import dataclass, field

from .candidates import KINDS, Candidate, candidates
from .engine import LIKELY, RunResult
from .errors import EngineError, ExplorerError
from .executors import Executor, make_executor
from .model import Divergence, Scenario
from .runner import Runner
from .sensitivity import changes, prepare, sampled_effects

BEAM = 8  # unsuccessful sets kept to grow at the next size
SECONDS_PER_FIRST_SAMPLED = 10  # with runs: seconds tried per first (each costs `runs` runs)


class SearchTimeout(ExplorerError):
    pass


@dataclass
class Found:
    members: list[Candidate]
    value: object  # the goal in the set's likely run
    changed: int
    first_changes: list[str]
    mean: float | None = None
    mean_delta: float | None = None
    ci: tuple[float, float] | None = None

    def divergences(self) -> list[Divergence]:
        """As the branch will have them: a single as made, several with their dates written out."""
        if len(self.members) == 1:
            return [self.members[0].divergence]
        return [c.dated() for c in self.members]

    @property
    def words(self) -> list[str]:
        return [c.words for c in self.members]

    def label(self) -> str:
        text = "; ".join(c.words for c in self.members)
        return text if len(text) <= 90 else text[:87].rstrip() + "…"

    def to_dict(self) -> dict:
        d = {"divergences": [{"kind": c.kind, "target": c.target, "date": c.date.isoformat(), "words": c.words}
                             for c in self.members],
             "value": self.value, "changed_events": self.changed, "first_changes": self.first_changes}
        if self.mean is not None:
            d.update({"mean": round(self.mean, 6), "mean_delta": round(self.mean_delta, 6),
                      "ci95": [round(self.ci[0], 6), round(self.ci[1], 6)]})
        return d


@dataclass
class SearchResult:
    branch: str
    goal: str
    kind: str
    base_value: object
    results: list[Found]
    evaluated: int  # divergence sets run
    candidates: int  # single candidates after pruning
    pruned: int  # single candidates the influence graph ruled out
    timed_out: bool = False
    runs: int = 0
    base_mean: float | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"branch": self.branch, "goal": self.goal, "kind": self.kind, "value": self.base_value,
                "runs": self.runs, "mean": self.base_mean, "evaluated": self.evaluated,
                "candidates": self.candidates, "pruned": self.pruned, "timed_out": self.timed_out,
                "notes": self.notes, "results": [r.to_dict() for r in self.results]}


def search(scenario: Scenario, branch: str = "baseline", goal: str = "", at: dt.date | None = None,
           max_divergences: int = 2, results: int = 3, kinds=KINDS,
           between: tuple[dt.date, dt.date] | None = None, runs: int = 0, seed: int = 0, jobs: int = 1,
           timeout: float | None = 60.0, progress=None, *, scheduler: str | None = None,
           executor: Executor | None = None) -> SearchResult:
    """Find up to `results` minimal, sparse, diverse divergence sets from `branch` reaching `goal`.

    `progress(done, total)` is called after each set is run (total is an estimate); it may raise."""
    if max_divergences < 1:
        raise ExplorerError("--max-divergences must be at least 1")
    if results < 1:
        raise ExplorerError("--results must be at least 1")
    runner = executor.runner if executor is not None else Runner(scenario)
    base, g, reach = prepare(runner, branch, goal, at)
    base_value = g.value(base)
    singles = candidates(scenario, base, reach, kinds, between)
    pruned = len(candidates(scenario, base, None, kinds, between)) - len(singles)
    out = SearchResult(branch, goal, g.kind, base_value, [], 0, len(singles), pruned, runs=runs)
    if g.kind == "condition" and base_value is True and not runs:
        out.notes.append(f"the goal already holds in '{branch}'")
        return out
    deadline = time.monotonic() + timeout if timeout else None
    s = _Search(runner, branch, g, reach, base, kinds, between, deadline, progress, len(singles))
    try:
        if runs:
            own = executor is None
            ex = executor or make_executor(scenario, jobs, scheduler)
            try:
                out.results, out.base_mean = s.sampled(ex, singles, max_divergences, results, runs, seed)
            finally:
                if own:
                    ex.close()
        else:
            out.results = s.likely(singles, max_divergences, results)
    except SearchTimeout:
        out.timed_out = True
        out.results = s.found
        out.notes.append(f"stopped at the time limit ({timeout:g} s) after {s.evaluated} sets")
    out.evaluated = s.evaluated
    return out


class _Search:
    def __init__(self, runner: Runner, branch: str, goal, reach, base: RunResult, kinds, between, deadline,
                 progress, estimate: int):
        self.runner, self.branch, self.goal, self.reach, self.base = runner, branch, goal, reach, base
        self.kinds, self.between, self.deadline, self.progress = kinds, between, deadline, progress
        self.evaluated = 0
        self.estimate = max(1, estimate)
        self.found: list[Found] = []
        self.base_score = goal.score(base)

    # --- running one set ----------------------------------------------------------------------------

    def _tick(self) -> None:
        self.evaluated += 1
        if self.progress:
            self.estimate = max(self.estimate, self.evaluated + 1)
            self.progress(self.evaluated, self.estimate)
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SearchTimeout()

    def run(self, extra: list[Divergence], base: RunResult) -> RunResult | None:
        """The set's likely run; None when the engine refuses that history (a runaway rule)."""
        level = self.runner.extra_level(self.branch, extra)
        try:
            res = self.runner.run(self.branch, LIKELY, 0, extra=level, base=base, checkpoints=True)
        except EngineError:
            res = None
        self._tick()
        return res

    def success(self, res: RunResult) -> bool:
        v = self.goal.value(res)
        return v is True if self.goal.kind == "condition" else self.goal.score(res) > self.base_score

    def closeness(self, res: RunResult) -> tuple:
        """Bigger is closer: conjuncts that hold, the goal's value, the goal's reads last written later."""
        last = 0
        reads = self.goal.condition.reads
        events = self.goal.condition.events
        for f in reversed(res.firings):
            if f.event in events or any(c.var in reads for c in f.changes):
                last = f.ordinal
                break
        return (self.goal.terms_held(res), self.goal.score(res), last)

    def found_one(self, members: list[Candidate], res: RunResult) -> Found:
        n, first = changes(self.base, res)
        f = Found(list(members), self.goal.value(res), n, first)
        self.found.append(f)
        return f

    # --- likely mode ----------------------------------------------------------------------------------

    def likely(self, singles: list[Candidate], k_max: int, want: int) -> list[Found]:
        used: set = set()
        winners: set = set()
        frontier: list = []  # (closeness, tiebreak, members, run)
        tried = []
        for c in singles:
            res = self.run([c.divergence], self.base)
            if res is None:
                continue
            if self.success(res):
                winners.add(c.key)
                tried.append((c, res, True))
            else:
                tried.append((c, res, False))
        wins = sorted((t for t in tried if t[2]), key=lambda t: (-self.goal.score(t[1]), changes(self.base, t[1])[0],
                                                                 t[0].ordinal))
        if self.goal.kind == "number":
            wins.sort(key=lambda t: -self.goal.score(t[1]))
        for c, res, _ in wins[:want]:
            self.found_one([c], res)
            used.add(c.key)
        if len(self.found) >= want or k_max < 2:
            return self.found
        losers = [(c, res) for c, res, ok in tried if not ok]
        losers.sort(key=lambda t: tuple(-x for x in self.closeness(t[1])) + (t[0].ordinal,))
        frontier = [([c], res) for c, res in losers]
        self.estimate = self.evaluated + len(frontier) * 20
        for _size in range(2, k_max + 1):
            nxt: list = []  # a bounded heap of the closest unsuccessful sets
            for members, run in frontier:
                if any(m.key in used for m in members):
                    continue
                hit = self._grow(members, run, used, winners, nxt, want)
                if len(self.found) >= want:
                    return self.found
                if hit:
                    continue
            frontier = [(m, r) for _, _, m, r in sorted(nxt, reverse=True)]
        return self.found

    def _grow(self, members: list[Candidate], run: RunResult, used: set, winners: set, nxt: list,
              want: int) -> bool:
        since = max(m.ordinal for m in members)
        keys = {m.key for m in members}
        seconds = [c for c in candidates(self.runner.scenario, run, self.reach, self.kinds, self.between,
                                         since=since)
                   if c.key not in keys and c.key not in used and c.key not in winners
                   and c.target not in {m.target for m in members}]
        seconds.sort(key=lambda c: self._second_order(c, run))
        for c in seconds:
            res = self.run([c.dated()], run)
            if res is None:
                continue
            if self.success(res):
                alone = self.run([c.dated()], self.base)
                if alone is not None and self.success(alone):  # not minimal: the second does it alone
                    winners.add(c.key)
                    if c.key not in used and len(self.found) < want:
                        self.found_one([c], alone)
                        used.add(c.key)
                    continue
                self.found_one(members + [c], res)
                used.update(m.key for m in members + [c])
                return True
            item = (self.closeness(res), -self.evaluated, members + [c], res)
            if len(nxt) < BEAM:
                heapq.heappush(nxt, item)
            elif item[:2] > nxt[0][:2]:
                heapq.heapreplace(nxt, item)
        return False

    def _second_order(self, c: Candidate, run: RunResult) -> tuple:
        """Undo the goal's last writers first (latest first), then everything else, latest first."""
        reads, events = self.goal.condition.reads, self.goal.condition.events
        writers = {f.event for f in run.firings if f.event in events or any(ch.var in reads for ch in f.changes)}
        return (0 if c.target in writers else 1, -c.ordinal, c.key)

    # --- with runs --------------------------------------------------------------------------------------

    def sampled(self, ex: Executor, singles: list[Candidate], k_max: int, want: int, runs: int, seed: int):
        branch, goal = self.branch, self.goal
        total = len(singles) * runs
        prog = (lambda d, t: self.progress(d * len(singles), total)) if self.progress else None
        base_mean, stats = sampled_effects(ex, branch, goal, [[c.divergence] for c in singles], runs, seed,
                                           progress=prog)
        self.evaluated += len(singles)
        self._check_time()
        scored = []
        for c, (mean, dmean, half) in zip(singles, stats):
            scored.append(([c], mean, dmean, half))
        single_mean = {c.key: mean for c, (mean, _, _) in zip(singles, stats)}
        pool = [s for s in scored if s[2] - s[3] > 0]
        if k_max >= 2:
            firsts = sorted(scored, key=lambda s: -s[1])[:BEAM // 2 or 1]
            sets, order = [], []
            for members, *_ in firsts:
                c = members[0]
                run = self.run([c.divergence], self.base)
                if run is None:
                    continue
                seconds = [x for x in candidates(self.runner.scenario, run, self.reach, self.kinds, self.between,
                                                 since=c.ordinal) if x.key != c.key and x.target != c.target]
                seconds.sort(key=lambda x: self._second_order(x, run))
                for x in seconds[:SECONDS_PER_FIRST_SAMPLED]:
                    sets.append([c.dated(), x.dated()])
                    order.append([c, x])
            if sets:
                self._check_time()
                _, pstats = sampled_effects(ex, branch, goal, sets, runs, seed)
                self.evaluated += len(sets)
                for members, (mean, dmean, half) in zip(order, pstats):
                    alone = max(single_mean.get(m.key, base_mean) for m in members)
                    if mean - alone > half and dmean - half > 0:
                        pool.append((members, mean, dmean, half))
        pool.sort(key=lambda s: (-s[1], len(s[0]), s[0][0].ordinal))
        used: set = set()
        out = []
        for members, mean, dmean, half in pool:
            if any(m.key in used for m in members):
                continue
            extra = [members[0].divergence] if len(members) == 1 else [m.dated() for m in members]
            res = self.runner.run(branch, LIKELY, 0, extra=self.runner.extra_level(branch, extra), base=self.base)
            n, first = changes(self.base, res)
            out.append(Found(members, goal.value(res), n, first, mean, dmean, (dmean - half, dmean + half)))
            used.update(m.key for m in members)
            self.found = out
            if len(out) >= want:
                break
        return out, base_mean

    def _check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SearchTimeout()
