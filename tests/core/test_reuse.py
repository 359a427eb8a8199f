"""A child's restart that reuses its parent's run after the fork (core/reuse.py) gives the history a full
run gives: every firing with what it read and who wrote it, every lapse with its reads, the final world
and the first tests. Checked on random scenarios (every kind of timing, effect and divergence, through
test_properties' strategy), on synthetic worlds like the benchmark's with children forking on random days
in both modes, and on every branch of the bundled scenarios; each test also checks that the reuse path
was the one taken, not the plain restart it falls back to."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import END, START, make_scenario
from explorer.core import BASELINE, LIKELY, SAMPLED, Workspace, load_scenario
from explorer.core.model import Branch, Divergence
from test_properties import SCALE, scenarios
from test_restart_worlds import same_history

ROOT = Path(__file__).resolve().parents[2]
REUSE = settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))


def reused(tl) -> bool:
    return "parent steps" in tl.result.stats


@REUSE
@given(sc=scenarios(), every=st.integers(1, 40), mode=st.sampled_from([LIKELY, SAMPLED]),
       seed=st.integers(0, 2**32))
def test_reused_restarts_of_random_scenarios_equal_full_runs(sc, every, mode, seed):
    ws = Workspace(sc, mode=mode, seed=seed, checkpoint_every=every)
    for bid in sc.branch_ids:
        same_history(ws.timeline(bid), ws.full_run(bid))


def _divergence(rng: random.Random, sc, when: dt.date) -> Divergence:
    kind = rng.choice(["set", "set", "force", "suppress", "outcome"])
    if kind == "outcome":
        with_outcomes = [e for e in sc.events if e.outcomes]
        if with_outcomes:
            e = rng.choice(with_outcomes)
            return Divergence("outcome", event=e.id, outcome=rng.choice(e.outcomes).id, on=when)
        kind = "set"
    if kind == "set":
        var = rng.choice(list(sc.variables))
        return Divergence("set", values={var: rng.randint(0, 100)}, on=when)
    return Divergence(kind, event=rng.choice(sc.events).id, on=when)


@REUSE
@given(rules=st.integers(60, 400), variables=st.integers(3, 12), seed=st.integers(0, 10_000),
       mode=st.sampled_from([LIKELY, SAMPLED]), dice=st.integers(0, 2**32),
       forks=st.lists(st.floats(0.02, 0.99), min_size=1, max_size=5))
def test_children_of_synthetic_worlds_reuse_their_parents_runs_exactly(rules, variables, seed, mode, dice,
                                                                         forks):
    """Leaf children of the baseline (which keeps its log from the first fork day), and children of a
    branch that itself restarted and keeps a log of its own."""
    sc = make_scenario(rules, variables, 1, seed)
    rng = random.Random(seed)
    span = (END - START).days
    mid_at = START + dt.timedelta(int(span * 0.3))
    sc.branches.append(Branch("mid", BASELINE, "Mid", divergences=[_divergence(rng, sc, mid_at)]))
    leaves = []
    for j, f in enumerate(forks):
        when = START + dt.timedelta(int(span * f))
        parent = "mid" if when > mid_at + dt.timedelta(1) and j % 2 else BASELINE
        sc.branches.append(Branch(f"leaf{j}", parent, f"Leaf {j}", divergences=[_divergence(rng, sc, when)]))
        leaves.append((f"leaf{j}", parent))
    ws = Workspace(sc, mode=mode, seed=dice)
    for bid in sc.branch_ids:
        same_history(ws.timeline(bid), ws.full_run(bid))
    for bid, parent in leaves:
        if parent == BASELINE:  # the baseline diverges nowhere: its log serves every child
            assert reused(ws.timeline(bid)), bid


def test_every_bundled_branch_equals_its_full_run():
    taken = 0
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        sc = load_scenario(str(path))
        for mode, seed in ((LIKELY, 0), (SAMPLED, 7)):
            ws = Workspace(sc, mode=mode, seed=seed)
            for bid in sc.branch_ids:
                tl = ws.timeline(bid)
                same_history(tl, ws.full_run(bid))
                taken += reused(tl)
    assert taken >= 10  # most bundled branches are leaves with a dated fork


def test_the_benchmark_late_branch_reuses_most_of_its_parent():
    """The 10,000-rule benchmark's branch at 90 %, on a smaller world: exact, and most of the parent's
    steps after the fork are replayed, not simulated."""
    from benchmarks.synthetic import late_branch
    sc = make_scenario(3000, 60, 1, 1)
    sc.branches.append(late_branch(sc, 0.9))
    ws = Workspace(sc)
    tl = ws.timeline("late")
    same_history(tl, ws.full_run("late"))
    stats = tl.result.stats
    assert reused(tl) and stats["tests"] < stats["parent steps"] / 2, stats


def test_what_a_changed_rule_did_to_other_rules_in_the_parent_is_undone():
    """In the parent, `killer` cancels `target`, `planner` schedules `s` and is followed by `f`; in the
    branch neither fires, though none of the three others reads what the branch changed. Their steps
    must not be replayed from the parent: `target` fires, `s` and `f` do not."""
    from explorer.core import load_scenario_text
    sc = load_scenario_text("""
scenario:
  id: reach
  title: Reach
  start: 1940-01-01
  end: 1940-12-31
variables:
  x: {type: number, initial: 0}
  y: {type: number, initial: 0}
events:
  - id: target
    between: [1940-01-01, 1940-12-31]
    when: y >= 1
  - id: boost
    on: 1940-09-01
    effects: [{add: {y: 1}}]
  - id: killer
    on: 1940-06-01
    when: x == 0
    effects: [{cancel: target}]
  - id: planner
    on: 1940-06-02
    when: x == 0
    effects: [{schedule: {event: s, delay: 10d}}]
  - id: s
    scheduled: true
  - id: f
    after: {event: planner, delay: 3d}
branches:
  - id: calm
    label: x is 1 from May
    divergences: [{set: {x: 1}, on: 1940-05-01}]
""")
    ws = Workspace(sc)
    assert [f.event for f in ws.timeline("baseline").firings] == ["killer", "planner", "f", "s", "boost"]
    calm = ws.timeline("calm")
    assert reused(calm)
    same_history(calm, ws.full_run("calm"))
    assert {f.event for f in calm.firings} == {"boost", "target"}


def test_a_child_whose_difference_spreads_everywhere_finishes_as_a_plain_run():
    """Forking early, the difference reaches most of the world; past a point walking the parent's log
    costs more than it saves, and the child takes every rule over mid-run: still exact."""
    from benchmarks.synthetic import late_branch
    for mode in (LIKELY, SAMPLED):
        sc = make_scenario(2000, 20, 1, 1)
        sc.branches.append(late_branch(sc, 0.1))
        ws = Workspace(sc, mode=mode, seed=3)
        tl = ws.timeline("late")
        assert reused(tl) and "plain from" in tl.result.stats, tl.result.stats
        same_history(tl, ws.full_run("late"))
