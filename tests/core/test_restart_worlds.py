"""Restarts in worlds like the benchmark's: most waiting rules are plain conjunctions (`v003 >= 40 and
v017 < 55`), which wait on one watched conjunct (the engine's `swatch`). The random scenarios of
test_properties.py seldom have one waiting on a child's fork day (2 of 74 fork-day restarts in 100
examples), so the waking index a fork day's checkpoint keeps, and the end lapses a run makes on first
use, are checked here on synthetic worlds (benchmarks/synthetic.py) with many children."""
from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import make_scenario
from explorer.core import LIKELY, SAMPLED, Workspace

WORLDS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def same_history(tl, full) -> None:
    assert tl.firings == full.firings  # reads, writers, causes too
    assert list(tl.lapsed) == list(full.lapses)  # what each lapse read, the end ones included
    assert tl.final_state == full.final_state
    assert tl.result.first_test == full.first_test


@WORLDS
@given(rules=st.integers(60, 300), variables=st.integers(3, 12), branches=st.integers(3, 8),
       seed=st.integers(0, 10_000), mode=st.sampled_from([LIKELY, SAMPLED]), dice=st.integers(0, 2**32))
def test_children_restarting_on_their_fork_days_equal_full_runs(rules, variables, branches, seed, mode, dice):
    sc = make_scenario(rules, variables, branches, seed)
    # only the fork days' checkpoints (and the first day's); sampled mode draws the outcomes
    ws = Workspace(sc, mode=mode, seed=dice, checkpoint_every=10**9)
    restarted_on_fork_day = 0
    for bid in sc.branch_ids:
        tl = ws.timeline(bid)
        same_history(tl, ws.full_run(bid))
        b = ws.branch(bid)
        if b.parent is None:
            continue
        fork = min(d.ordinal for d in tl.own_divergences)
        parent = ws.timeline(b.parent).result
        if (parent.restarted_from or 0) < fork:
            assert tl.result.restarted_from == fork, bid
            restarted_on_fork_day += 1
    assert restarted_on_fork_day  # the path under test was taken


@WORLDS
@given(rules=st.integers(60, 300), variables=st.integers(3, 12), seed=st.integers(0, 10_000),
       every=st.integers(5, 60))
def test_restarts_from_regular_checkpoints_equal_full_runs(rules, variables, seed, every):
    """A branch added after its parent ran restarts from a regular checkpoint (no waking index kept):
    the index is rebuilt from the waiting rules, and a restarted run's own checkpoints come `every`
    steps after the one it resumed."""
    sc = make_scenario(rules, variables, 4, seed)
    alone = copy.copy(sc)
    alone.branches = sc.branches[:1]
    ws = Workspace(alone, checkpoint_every=every)
    ws.timeline("baseline")  # run before its children exist: no fork days
    ws.replace_scenario(sc)  # the edit that adds them keeps the baseline's run
    assert ws.cached("baseline")
    for bid in sc.branch_ids:
        same_history(ws.timeline(bid), ws.full_run(bid))
