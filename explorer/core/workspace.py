"""Branches as a tree, each computed by restarting from its parent's checkpoint, cached per branch.

A Workspace is what the app, the reports and the command line ask for history: `timeline`, `diff`,
`why`, `why_not`. Edits hand it a new Scenario; it re-propagates only the branches the edit can reach.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .engine import LIKELY, AppliedDivergence, RunResult, run_program
from .gcpause import paused_gc
from .errors import DivergenceError, UnknownName, did_you_mean
from .model import BASELINE, Branch, Scenario
from .program import Program, program_of
from .parent_log import ParentLog
from .reuse import restart
from .timeline import Timeline

if TYPE_CHECKING:  # diff and explain are imported where asked: `validate` and `run` need neither
    from . import diff as diff_mod
    from . import explain as explain_mod


_NO_CHECKPOINTS = 10**12  # checkpoint_every for a run nobody restarts from (the engine keeps the first only)
_FORK_CHECKPOINTS = 16  # at most this many fork days get a checkpoint of their own per run, evenly spread


@dataclass(frozen=True)
class _Key:
    branch: str
    mode: str
    seed: int


class Workspace:
    def __init__(self, scenario: Scenario, *, mode: str = LIKELY, seed: int = 0,
                 checkpoint_every: int | None = None, lean: bool = False):
        """`lean=True` for a Workspace that only asks whether branches run (validate): its runs record
        no reads (no explanations) and branches without children keep no checkpoints."""
        self.mode, self.seed = mode, seed
        self.checkpoint_every = checkpoint_every
        self.lean = lean
        self._cache: dict[_Key, Timeline] = {}
        self._noops: dict[_Key, list] = {}
        self._set(scenario)
        self.runs = 0  # engine runs made, full or restarted: what an edit cost
        # called now and then inside this Workspace's runs and diffs (engine.run_program's and
        # diff.diff's `pause`): the app's branch worker sets it on its own copy to step aside while
        # the GUI thread works
        self.pause = None

    def _set(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._noops = {}
        self.program: Program = program_of(scenario)
        self._tree = None
        # look-ups by id and file order in O(1): with 10,000 branches a scan per look-up is quadratic
        self._by_id = {b.id: b for b in scenario.branches}
        self._order = {b.id: i for i, b in enumerate(scenario.branches)}
        # children by id in file order: the app's tree questions without networkx (a tenth of its start-up)
        self._kids: dict[str, list[str]] = {b.id: [] for b in scenario.branches}
        for b in scenario.branches:
            if b.parent in self._kids:
                self._kids[b.parent].append(b.id)

    @property
    def tree(self):
        """The branch tree as a networkx DiGraph, built on first use (networkx stays off the start-up
        of commands that only run branches, such as `validate`)."""
        if self._tree is None:
            import networkx as nx
            tree = nx.DiGraph()
            for b in self.scenario.branches:
                tree.add_node(b.id, branch=b)
            for b in self.scenario.branches:
                if b.parent:
                    tree.add_edge(b.parent, b.id)
            self._tree = tree
        return self._tree

    # --- the tree -----------------------------------------------------------------------------------

    def branch(self, branch_id: str) -> Branch:
        b = self._by_id.get(branch_id)  # edits make new Scenario objects (replace_scenario re-indexes)
        if b is None:
            raise UnknownName(f"no branch '{branch_id}'{did_you_mean(branch_id, self.scenario.branch_ids)}"
                              f"; branches: {', '.join(self.scenario.branch_ids)}")
        return b

    def path(self, branch_id: str) -> list[Branch]:
        """Baseline first, the branch last."""
        out = [self.branch(branch_id)]
        while out[-1].parent:
            out.append(self.branch(out[-1].parent))
        return out[::-1]

    def has_branch(self, branch_id: str) -> bool:
        return branch_id in self._by_id

    def children(self, branch_id: str) -> list[str]:
        self.branch(branch_id)  # an unknown id is an error, as networkx's was
        return list(self._kids[branch_id])

    def subtree(self, branch_id: str) -> list[str]:
        """The branch and every branch below it; those below in file order."""
        self.branch(branch_id)
        below, todo = [], list(self._kids[branch_id])
        while todo:
            bid = todo.pop()
            below.append(bid)
            todo.extend(self._kids[bid])
        return [branch_id] + sorted(below, key=self._order.get)

    def depth(self, branch_id: str) -> int:
        return len(self.path(branch_id)) - 1

    # --- computing ----------------------------------------------------------------------------------

    def timeline(self, branch_id: str = BASELINE, mode: str | None = None, seed: int | None = None) -> Timeline:
        key = _Key(branch_id, mode or self.mode, self.seed if seed is None else seed)
        tl = self._cache.get(key)
        if tl is None:
            # the uncomputed ancestors first, from the top down, in a loop: a branch thousands of
            # levels deep needs no deep stack (each _compute finds its parent cached)
            todo, bid = [], branch_id
            while True:
                k = _Key(bid, key.mode, key.seed)
                if k in self._cache:
                    break
                todo.append(k)
                bid = self.branch(bid).parent
                if bid is None:
                    break
            for k in reversed(todo):
                self._cache[k] = self._compute(k)
            tl = self._cache[key]
        return tl

    def cached(self, branch_id: str) -> bool:
        return _Key(branch_id, self.mode, self.seed) in self._cache

    @property
    def computed_count(self) -> int:
        """How many timelines are cached (any mode or seed): grows with every run kept, so a view's
        cache of what depends on which branches are computed knows when to look again."""
        return len(self._cache)

    def copy(self) -> "Workspace":
        """A Workspace of its own for another thread: same scenario, program and settings, a copy of
        the cache (computed timelines are never changed, only replaced), so each side computes alone."""
        other = Workspace.__new__(Workspace)
        other.__dict__.update(self.__dict__)
        other._cache = dict(self._cache)
        other._noops = {}
        other._tree = self._tree.copy() if self._tree is not None else None
        other.runs = 0
        return other

    def adopt(self, timeline: Timeline) -> bool:
        """Take a timeline computed by a copy of this Workspace; False (and nothing changes) when it
        was computed for another scenario, mode or seed, or the branch is already computed here."""
        if timeline.scenario is not self.scenario or timeline.branch is not self.scenario.branch(timeline.branch_id):
            return False
        key = _Key(timeline.branch_id, timeline.result.mode, timeline.result.seed)
        if key.mode != self.mode or key.seed != self.seed or key in self._cache:
            return False
        self._cache[key] = timeline
        return True

    def _compute(self, key: _Key) -> Timeline:
        branch = self.branch(key.branch)
        every = _NO_CHECKPOINTS if self.lean and not self._kids.get(branch.id) else self.checkpoint_every
        days = self._fork_days(branch.id)
        if branch.parent is None:
            self.runs += 1
            result = run_program(self.program, [], mode=key.mode, seed=key.seed, checkpoint_every=every,
                                 record_reads=not self.lean, pause=self.pause, checkpoint_days=days,
                                 log=ParentLog() if days else None)
            return Timeline(self.scenario, branch, result)
        parent = self.timeline(branch.parent, key.mode, key.seed)
        divergences, program = self._divergences(branch, parent)
        self.runs += 1
        return Timeline(self.scenario, branch, self._run_from(program, divergences, parent, key.mode, key.seed,
                                                              every, days))

    def _fork_days(self, branch_id: str) -> tuple:
        """The days the branch's children fork, where that does not depend on a history (every own
        divergence dated by `on:`, a one-off event's timing, or a `set`): the branch's run keeps a
        checkpoint on each, so a child restarts on its fork day, not at the last regular checkpoint
        before it (on 10,000 rules, 20-odd to 130 days, a tenth to a third of a late child's restart). At
        most _FORK_CHECKPOINTS of them, evenly spread: the others restart as before."""
        days = set()
        for kid in self._kids.get(branch_id, ()):
            own = self._by_id[kid].divergences
            if own and not any(needs_parent(dv) for dv in own):
                days.add(min(effective_date(dv, None, [], self.scenario, self.program) for dv in own))
        days = sorted(days)  # a checkpoint is ~0.2 MB on 10,000 rules: a hundred children would keep 20 MB
        return tuple(days[::math.ceil(len(days) / _FORK_CHECKPOINTS)] if len(days) > _FORK_CHECKPOINTS else days)

    def full_run(self, branch_id: str, mode: str | None = None, seed: int | None = None) -> RunResult:
        """The branch computed from the start, no checkpoint: the reference restarts must equal."""
        branch = self.branch(branch_id)
        if branch.parent is None:
            return run_program(self.program, [], mode=mode or self.mode, seed=self.seed if seed is None else seed)
        parent = self.timeline(branch.parent, mode, seed)
        divergences, program = self._divergences(branch, parent)
        return run_program(program, divergences, mode=mode or self.mode, seed=self.seed if seed is None else seed)

    def _divergences(self, branch: Branch, parent: Timeline) -> tuple[list[AppliedDivergence], Program]:
        """The parent's divergences plus this branch's own, their effective dates resolved."""
        extras = [d.divergence.rule for d in parent.divergences if d.divergence.kind == "event"]
        extras += [dv.rule for dv in branch.divergences if dv.kind == "event"]
        program = self.program.extended(extras)
        return resolve_dates(self.scenario, branch, parent, program,
                             lambda divs: self._run_from(program, divs, parent)), program

    def _run_from(self, program: Program, divergences: list[AppliedDivergence], parent: Timeline,
                  mode: str | None = None, seed: int | None = None, every: int | None = None,
                  days: tuple = ()) -> RunResult:
        """A run of `divergences`, restarted from the parent's last checkpoint before the first own one
        (`days`: its own children's fork days, see _fork_days)."""
        own = [d.ordinal for d in divergences[len(parent.divergences):]]
        start = min(own) if own else self.program.end + 1
        cps = [c for c in parent.result.checkpoints if c.ordinal <= start]
        mode, seed = mode or parent.result.mode, parent.result.seed if seed is None else seed
        every = every or self.checkpoint_every
        log = ParentLog() if days else None
        if not cps:
            return run_program(program, divergences, mode=mode, seed=seed, checkpoint_every=every,
                               record_reads=not self.lean, pause=self.pause, checkpoint_days=days, log=log)
        if not days and parent.result.log is not None:  # a child of its own would need checkpoints
            result = restart(program, divergences, parent.result, cps[-1], mode, seed, not self.lean, self.pause)
            if result is not None:
                result.checkpoints = cps
                return result
        result = run_program(program, divergences, mode=mode, seed=seed, checkpoint_every=every,
                             record_reads=not self.lean, pause=self.pause, checkpoint_days=days, log=log,
                             resume=(cps[-1], parent.result.firings, parent.result.run_lapses))
        result.checkpoints = cps + result.checkpoints
        return result

    def divergence_date(self, branch_id: str) -> dt.date | None:
        """Where the branch forks from its parent: its earliest own effective date."""
        tl = self.timeline(branch_id)
        own = [d.ordinal for d in tl.own_divergences]
        return dt.date.fromordinal(min(own)) if own else None

    # --- divergences that change nothing ------------------------------------------------------------

    def noops(self, branch_id: str) -> list["Noop"]:
        """The branch's own divergences that change nothing: the branch's history (firings, their
        outcomes and changes, the final world) is the same without each of them. Likely mode."""
        key = _Key(branch_id, LIKELY, 0)
        if key in self._noops:
            return self._noops[key]
        branch = self.branch(branch_id)
        out: list[Noop] = []
        if branch.parent is not None:
            tl = self.timeline(branch_id, LIKELY, 0)
            parent = self.timeline(branch.parent, LIKELY, 0)
            mine = _history(tl)
            for i, d in enumerate(tl.own_divergences):
                rest = [x for x in tl.divergences if x is not d]
                program = self.program.extended([x.divergence.rule for x in rest
                                                 if x.divergence.kind == "event"])
                without = Timeline(self.scenario, branch, self._run_from(program, rest, parent, LIKELY, 0))
                if _history(without) == mine:
                    out.append(Noop(branch_id, i, d.divergence, d.date, _noop_reason(d, without)))
        self._noops[key] = out
        return out

    # --- questions ----------------------------------------------------------------------------------

    def diff(self, branch_id: str, other: str | None = None) -> diff_mod.Diff:
        b = self.branch(branch_id)
        other = other or b.parent or BASELINE
        mine, theirs = self.timeline(branch_id), self.timeline(other)
        with paused_gc():
            from . import diff as diff_mod
            return diff_mod.diff(mine, theirs, pause=self.pause)

    def why(self, branch_id: str, event_id: str, occurrence: int = 1) -> explain_mod.Why:
        from . import explain as explain_mod
        return explain_mod.why(self.timeline(branch_id), event_id, occurrence)

    def why_not(self, branch_id: str, event_id: str) -> explain_mod.WhyNot:
        from . import explain as explain_mod
        return explain_mod.why_not(self.timeline(branch_id), event_id)

    def explain(self, branch_id: str, event_id: str):
        tl = self.timeline(branch_id)
        if tl.rule(event_id) is None:
            raise UnknownName(f"no event '{event_id}'{did_you_mean(event_id, tl.result.program.by_id)}")
        return self.why(branch_id, event_id) if tl.happened(event_id) else self.why_not(branch_id, event_id)

    def contrast(self, branch_id: str, against: str, event_id: str):
        """Why the event happened in one branch and not the other (or differently): where they part."""
        from .contrast import contrast
        tl = self.timeline(branch_id)
        if tl.rule(event_id) is None and self.timeline(against).rule(event_id) is None:
            raise UnknownName(f"no event '{event_id}'{did_you_mean(event_id, tl.result.program.by_id)}")
        return contrast(tl, self.timeline(against), event_id)

    def causal_graph(self, branch_id: str) -> "nx.DiGraph":  # noqa: F821 - networkx imported on use
        from . import explain as explain_mod
        return explain_mod.causal_graph(self.timeline(branch_id))

    # --- edits --------------------------------------------------------------------------------------

    def replace_scenario(self, scenario: Scenario) -> set[str]:
        """Adopt an edited scenario; drop only the cached branches the edit can affect.

        Returns the ids of the branches that will be re-propagated.
        """
        old = self.scenario
        old_program = self.program
        self._set(scenario)
        stale: set[str] = set()
        structural = (old.variables != scenario.variables or old.conditions != scenario.conditions
                      or [e.id for e in old.events] != [e.id for e in scenario.events]
                      or (old.start, old.end) != (scenario.start, scenario.end))
        if structural:
            stale = {k.branch for k in self._cache}
            self._cache.clear()
            return stale
        changed_rules = [e.id for e, n in zip(old.events, scenario.events) if e != n]
        timing_changed = any(old.event(r).timing != scenario.event(r).timing
                             or old.event(r).priority != scenario.event(r).priority for r in changed_rules)
        old_branches = {b.id: b for b in old.branches}
        edited: set[str] = set()  # branches whose own definition changed: their whole subtree goes
        for b in scenario.branches:
            ob = old_branches.get(b.id)
            if ob is None or ob.parent != b.parent or ob.divergences != b.divergences:
                edited.update(self.subtree(b.id))
        edited.update(set(old_branches) - set(scenario.branch_ids))
        # For each cached run that must go: the first date its history may differ from the old one.
        since: dict[_Key, float] = {}
        for key, tl in self._cache.items():
            if key.branch in edited:
                since[key] = -math.inf
            elif changed_rules:
                # A run holds its inherited prefix, so a rule that never took part in it cannot have
                # changed it, whatever its parent went through after the fork.
                dates = [_first_part(tl, r) for r in changed_rules]
                dates = [d for d in dates if d is not None]
                if timing_changed or dates:
                    since[key] = -math.inf if timing_changed else min(dates)
        # A child also reads its parent's timeline for the dates of divergences without `on:`
        # (suppress/outcome: when the event fired there; force: when it was first tested). If the
        # parent's history may differ from before such a date, the child's date may move, and with it
        # the dates its own children inherit.
        moved = {k for k in self._cache if k.branch in edited}  # runs whose divergences may differ
        import networkx as nx
        for bid in nx.topological_sort(self.tree):
            b = scenario.branch(bid)
            if b is None or b.parent is None:
                continue
            for key in [k for k in self._cache if k.branch == bid and k not in moved]:
                pkey = _Key(b.parent, key.mode, key.seed)
                if pkey in moved or (pkey in since and not _dates_hold(b, self._cache.get(pkey), since[pkey])):
                    since[key] = -math.inf
                    moved.add(key)
        stale = {k.branch for k in since} | edited
        for key in list(self._cache):
            if key in since:
                del self._cache[key]
            else:
                tl = self._cache[key]
                tl.scenario = scenario
                tl.branch = scenario.branch(key.branch)
                if tl.result.program is old_program:
                    tl.result.program = self.program
                else:  # a branch with one-off events: same extras, new base
                    tl.result.program = self.program.extended(list(tl.result.program.extras))
        return stale & set(scenario.branch_ids)


def resolve_dates(scenario: Scenario, branch: Branch, parent: Timeline, program: Program,
                  run) -> list[AppliedDivergence]:
    """The parent's divergences plus the branch's own, each with its effective date. The one home of
    this rule: the Workspace and the batch runner (core/runner.py) ask it.

    A divergence without `on:` takes its date from the branch's own history: what the parent did, plus
    what the branch's other divergences bring about (`run(divergences)` runs the branch with some of
    them, restarting from the parent). So `[{force: x}, {suppress: y}]`, where only x brings y about,
    suppresses y from the day x makes it happen, whatever the list order. Never the scenario's end:
    when nothing tells the date, a DivergenceError asks for `on:`.
    """
    inherited = list(parent.divergences)
    k0 = len(inherited)
    dates: list[int | None] = [None] * len(branch.divergences)
    for i, dv in enumerate(branch.divergences):
        if not needs_parent(dv):
            dates[i] = effective_date(dv, None, [], scenario, program)

    def applied(skip: int | None = None) -> list[AppliedDivergence]:
        return inherited + [AppliedDivergence(k0 + i, branch.id, dv, dates[i])
                            for i, dv in enumerate(branch.divergences)
                            if dates[i] is not None and i != skip]

    def reference(skip: int) -> Timeline:
        """The branch's history without divergence `skip` (and those not dated yet)."""
        divs = applied(skip)
        return parent if len(divs) == k0 else Timeline(scenario, branch, run(divs))

    dateless = [i for i, d in enumerate(dates) if d is None]
    deferred = []
    for i in dateless:  # in list order: what the parent and the divergences dated so far bring about
        dates[i] = date_in(branch.divergences[i], reference(i), scenario, program)
        if dates[i] is None:
            deferred.append(i)
    for i in deferred:
        dv = branch.divergences[i]
        dates[i] = date_in(dv, reference(i), scenario, program)
        others = [d for j, d in enumerate(dates) if d is not None and j != i]
        if dates[i] is None and dv.kind != "force" and others:
            dates[i] = min(others)  # it never happens here: from the fork on, whatever comes
        if dates[i] is None:
            what = {"force": "force", "suppress": "suppress", "outcome": "fix the outcome of"}[dv.kind]
            raise DivergenceError(
                f"cannot tell when to {what} '{dv.event}' in branch '{branch.id}': it is never tested "
                f"in '{parent.branch_id}' nor brought about by this branch; give the divergence an "
                "`on:` date", branch.id, i)
    if dateless and len(branch.divergences) > 1:
        # every dateless date read off the history of all the others: a later-listed divergence may
        # bring the event about sooner. A few rounds reach the fixed point in practice.
        for _ in range(3):
            moved = False
            for i in dateless:
                d = date_in(branch.divergences[i], reference(i), scenario, program)
                if d is not None and d != dates[i]:
                    dates[i], moved = d, True
            if not moved:
                break
    return applied()


def date_in(dv, tl: Timeline, scenario: Scenario, program: Program) -> int | None:
    """A dateless divergence's date in a history: when its event fired (suppress, outcome) or was
    first tested there, else its window's start; None when nothing says."""
    f = tl.firing(dv.event) if dv.kind in ("suppress", "outcome") else None
    if f is not None:
        return f.ordinal
    tested = tl.first_tested(dv.event)
    if tested is not None:
        return tested.toordinal()
    rule = scenario.event(dv.event)
    if rule is not None and rule.timing.start is not None:
        return rule.timing.start.toordinal()
    if rule is not None and rule.timing.kind == "open":
        return program.start  # its window is the whole scenario
    return None


def effective_date(dv, parent: Timeline | None, definite: list[int], scenario: Scenario,
                   program: Program) -> int:
    """The ordinal a single divergence takes effect: `on:`, a one-off event's own timing, or (only
    with `parent`) the date read off the parent's history alone. A branch's dates as a whole come from
    `resolve_dates`, which reads its own history; `definite` is kept for callers' convenience.

    `parent` may be None only for divergences whose date does not depend on the parent's history
    (`needs_parent(dv)` is False).
    """
    if dv.on:
        return dv.on.toordinal()
    if dv.kind == "event":
        return dv.rule.timing.start.toordinal() if dv.rule.timing.start else program.start
    if dv.kind in ("force", "suppress", "outcome"):
        when = date_in(dv, parent, scenario, program)
        if when is not None:
            return when
        raise DivergenceError(f"cannot tell when to {dv.kind} '{dv.event}': it is never tested in "
                              f"'{parent.branch_id}'; give the divergence an `on:` date", "", 0)
    return program.start


def needs_parent(dv) -> bool:
    """Whether the divergence's date comes from the parent's history (no `on:`, an event's)."""
    return dv.on is None and dv.kind in ("force", "suppress", "outcome")


@dataclass(frozen=True)
class Noop:
    """A divergence that changes nothing in its branch, and why."""

    branch: str
    index: int  # in the branch's own divergences
    divergence: object
    date: dt.date
    reason: str


def _history(tl: Timeline) -> tuple:
    return (tuple((f.event, f.ordinal, f.outcome, tuple((c.var, c.old, c.new) for c in f.changes))
                  for f in tl.firings), tuple(sorted(tl.final_state.items())))


def _noop_reason(d: AppliedDivergence, without: Timeline) -> str:
    """Why a divergence changes nothing, read off the branch's history without it."""
    dv, o = d.divergence, d.ordinal
    title = f"'{without.title(dv.event)}'" if dv.event else ""
    later = [f for f in without.firings_of(dv.event) if f.ordinal >= o] if dv.event else []
    if dv.kind == "force":
        before = [f for f in without.firings_of(dv.event) if f.ordinal <= o]
        rule = without.rule(dv.event)
        if before and rule is not None and not rule.repeatable:
            return f"{title} already happened on {before[0].date} and is not repeatable, so forcing it " \
                   "changes nothing"
        return f"forcing {title} on {d.date} changes nothing in this branch's history"
    if dv.kind == "suppress" and not later:
        return f"{title} does not happen in this branch from {d.date} on, so suppressing it changes nothing"
    if dv.kind == "outcome":
        if not later:
            return f"{title} does not happen in this branch from {d.date} on, so choosing its outcome " \
                   "changes nothing"
        if later[0].outcome == dv.outcome:
            return f"{title} ends in {dv.outcome} anyway, so choosing it changes nothing"
    if dv.kind == "set":
        day_before = dt.date.fromordinal(o - 1) if o > without.result.program.start else None
        same = [k for k, v in dv.values.items()
                if (without.value_at(k, day_before) if day_before else without.initial_state[k]) == v]
        if len(same) == len(dv.values):
            what = "; ".join(f"{k} is already {_show(v)}" for k, v in dv.values.items())
            return f"{what} on {d.date}, so setting {'it' if len(same) == 1 else 'them'} changes nothing"
    return f"the branch's history is the same without \"{d.label}\""


def _show(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _dates_hold(b: Branch, parent: Timeline | None, since: float) -> bool:
    """Whether the branch's parent-derived divergence dates survive a parent re-run that may differ
    from `since` on: each came from a firing (or, for force, a first test) strictly before it."""
    dateless = [d for d in b.divergences if d.on is None and d.kind in ("force", "suppress", "outcome")]
    if dateless and len(b.divergences) > 1:
        return False  # dates read off the branch's own history, which the parent's change may move
    for d in b.divergences:
        if d.on is not None or d.kind not in ("force", "suppress", "outcome"):
            continue
        if parent is None:
            return False
        if d.kind == "force":
            when = parent.first_tested(d.event)
            if when is None or when.toordinal() >= since:
                return False
        else:
            f = parent.firing(d.event)
            if f is None or f.ordinal >= since:
                return False
    return True


def _first_part(tl: Timeline, event_id: str) -> int | None:
    """The first date the rule took part in this run (tested or fired), None if it never did."""
    tested = tl.first_tested(event_id)
    f = tl.firing(event_id)
    dates = [d for d in (tested.toordinal() if tested else None, f.ordinal if f else None) if d is not None]
    return min(dates) if dates else None


def _touched(tl: Timeline, event_id: str) -> bool:
    """Whether the rule took any part in this run: tested, fired, waited or lapsed."""
    return tl.first_tested(event_id) is not None or tl.happened(event_id)
