"""Many runs of one branch, one seed at a time, without a Workspace: what Monte Carlo, sensitivity and
goal search are made of.

A Workspace computes a branch by first computing every ancestor (each restarted from its parent's
checkpoint) and keeps each Timeline; for thousands of seeds that is thousands of ancestor runs and
Timeline objects. A `Runner` compiles each branch's program once and, per seed, makes as few engine
runs as the divergence dates allow:

* a divergence with an `on:` date, a one-off event and a `set` have dates that do not depend on the
  parent's history ("static");
* a branch whose only own divergence is a date-less `suppress` or `outcome` is also static: its date is
  the event's first firing in the parent, and the parent and child agree up to that firing, so applying
  it from any earlier date at which the event had not yet fired (the parent's departure from the run
  we restart from, or the scenario's start) changes no firing and no value — only the bookkeeping of a
  rule that would have waited. The test suite checks this firing for firing against the Workspace.

So a branch whose whole path is static costs ONE engine run per seed at any depth. Only a level that
needs its parent's history (a date-less `force`, or several own divergences one of which is date-less)
computes that parent for the seed, resolves its dates exactly as the Workspace does
(`workspace.resolve_dates`, from the branch's own history), and restarts from the parent's checkpoint: the parent's prefix is shared
up to the branch's divergence.

`extra` divergences (a candidate of sensitivity or search) form one more level below the branch; they
may restart from a `base` run of the branch that the caller already has (restart-at-checkpoint: a
candidate costs only the suffix of the timeline after its date).
"""
from __future__ import annotations

from dataclasses import dataclass

from .engine import AppliedDivergence, RunResult, run_program
from .model import Branch, Divergence, Scenario
from .program import Program, program_of
from .timeline import Timeline
from .workspace import Workspace, effective_date, needs_parent, resolve_dates

NO_CHECKPOINTS = 10**12  # checkpoint_every for runs nobody restarts from (the engine keeps the first only)


@dataclass
class Level:
    """One branch on a path: its own divergences, the program with every one-off event so far."""

    branch: Branch
    program: Program
    static: bool  # dates known without running the parent
    lone_dateless: bool  # exactly one own divergence, a date-less suppress/outcome


class Runner:
    """Per-process cache of compiled branch programs; `run(branch, mode, seed)` -> RunResult."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.program = program_of(scenario)
        self._workspace = Workspace(scenario)  # branch look-ups, the tree; never asked for timelines
        self._plans: dict[str, list[Level]] = {}
        self.engine_runs = 0

    # --- plans ------------------------------------------------------------------------------------

    def plan(self, branch_id: str) -> list[Level]:
        plan = self._plans.get(branch_id)
        if plan is None:
            plan = self._plans[branch_id] = self._make_plan(self._workspace.path(branch_id))
        return plan

    def _make_plan(self, path: list[Branch]) -> list[Level]:
        levels = []
        extras = []
        forced = [frozenset(d.event for b in path[i + 1:] for d in b.divergences
                            if d.kind == "force" and d.on is None) for i in range(len(path))]
        for b, later in zip(path, forced):
            extras += [d.rule for d in b.divergences if d.kind == "event"]
            levels.append(_level(b, self.program.extended(list(extras)), later))
        return levels

    def extra_level(self, branch_id: str, divergences: list[Divergence], label: str = "candidate") -> Level:
        """A level of candidate divergences below the branch (not part of the scenario)."""
        parent = self.plan(branch_id)[-1]
        rules = [d.rule for d in divergences if d.kind == "event"]
        program = parent.program.extended(rules) if rules else parent.program
        return _level(Branch(f"<{label}>", branch_id, label, "", list(divergences)), program)

    # --- runs ---------------------------------------------------------------------------------------

    def run(self, branch_id: str, mode: str, seed: int, *, extra: Level | None = None,
            base: RunResult | None = None, checkpoints: bool = False, reads: bool = False) -> RunResult:
        """The branch's run (or, with `extra`, the run of that candidate level below it).

        `base`: the branch's own run for this mode and seed, with checkpoints, when the caller has it;
        `checkpoints`: keep checkpoints in the result (someone will restart from it); `reads`: record
        what each firing read (needed to explain the run, not to count what happened in it).
        """
        levels = self.plan(branch_id)
        if extra is not None:
            levels = levels + [extra]
        return self._run(levels, mode, seed, checkpoints, base if extra is not None else None, reads)

    def _run(self, levels: list[Level], mode: str, seed: int, checkpoints: bool,
             parent_result: RunResult | None, reads: bool = False) -> RunResult:
        every = None if checkpoints else NO_CHECKPOINTS
        program = levels[-1].program
        if parent_result is not None:
            i = len(levels) - 1  # the last level restarts from the run we were given
        else:
            i = next((j for j in range(len(levels) - 1, -1, -1) if not levels[j].static), None)
        if i is None:  # the whole path is static: one run from the start
            divs = _static(self.scenario, levels, 0, [], self.program.start, None)
            self.engine_runs += 1
            return run_program(program, divs, mode=mode, seed=seed, checkpoint_every=every, record_reads=reads)
        if parent_result is None:
            parent_result = self._run(levels[:i], mode, seed, True, None, reads)
        parent = Timeline(self.scenario, levels[i - 1].branch, parent_result)
        inherited = list(parent_result.divergences)

        def restart(divs: list) -> RunResult:  # a reference history for dates read off the branch's own
            self.engine_runs += 1
            return _restart(levels[i].program, divs, parent_result, mode, seed, True, False)
        mine = resolve_dates(self.scenario, levels[i].branch, parent, levels[i].program,
                             restart)[len(inherited):]
        depart = min((d.ordinal for d in mine), default=self.program.end + 1)
        divs = _static(self.scenario, levels, i + 1, inherited + mine, depart, parent)
        self.engine_runs += 1
        return _restart(program, divs, parent_result, mode, seed, checkpoints, reads)


def _restart(program: Program, divs: list, parent_result: RunResult, mode: str, seed: int,
             checkpoints: bool, reads: bool) -> RunResult:
    """A run of `divs` restarted from the parent's last checkpoint before its first own divergence."""
    every = None if checkpoints else NO_CHECKPOINTS
    start = min((d.ordinal for d in divs[len(parent_result.divergences):]), default=program.end + 1)
    cps = [c for c in parent_result.checkpoints if c.ordinal <= start]
    if not cps:
        return run_program(program, divs, mode=mode, seed=seed, checkpoint_every=every, record_reads=reads)
    result = run_program(program, divs, mode=mode, seed=seed, checkpoint_every=every,
                         record_reads=reads, resume=(cps[-1], parent_result.firings, parent_result.lapses))
    result.checkpoints = cps + result.checkpoints
    return result


def _level(b: Branch, program: Program, forced_later: frozenset = frozenset()) -> Level:
    own = b.divergences
    dateless = [d for d in own if needs_parent(d)]
    # a date-less force below would ask when the event was first tested, which a suppression from
    # an earlier date hides: such a level is resolved exactly instead
    lone = (len(own) == 1 and len(dateless) == 1 and own[0].kind in ("suppress", "outcome")
            and own[0].event not in forced_later)
    return Level(b, program, static=not dateless or lone, lone_dateless=lone)


def _static(scenario: Scenario, levels: list[Level], first: int, applied: list, depart: int,
            parent: Timeline | None) -> list:
    """`applied` plus the divergences of levels[first:], all static, with their dates.

    `depart` is where the run leaves `parent`'s history (the scenario's start when there is no
    parent run): a lone date-less suppress/outcome takes the event's first firing in `parent` if that
    came earlier, else `depart` (see the module's docstring for why this is exact)."""
    out = list(applied)
    k = len(out)
    for lv in levels[first:]:
        own = lv.branch.divergences
        definite = [d.on.toordinal() for d in own if d.on]
        dates = []
        for dv in own:
            if lv.lone_dateless:
                f = parent.firing(dv.event) if parent is not None else None
                when = f.ordinal if f is not None and f.ordinal < depart else depart
            else:
                when = effective_date(dv, None, definite, scenario, lv.program)
            out.append(AppliedDivergence(k, lv.branch.id, dv, when))
            dates.append(when)
            k += 1
        if dates:
            depart = min(depart, min(dates))
    return out
