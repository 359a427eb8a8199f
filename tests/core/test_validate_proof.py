"""`validate` (run_problems) skips the runs it can prove cannot fail, and still runs every other one.

A file that validates runs every branch: the proof (no repeatable rule, so no runaway; every divergence
dated without a history, so no DivergenceError) must agree with running, and the branches it cannot
prove safe must still be run and reported.
"""
from __future__ import annotations

import textwrap

import pytest

from benchmarks.synthetic import make_scenario
from explorer.core import Workspace, load_scenario_text
from explorer.core.emit import scenario_to_text
from explorer.core.lint import cannot_run_away, run_problems, surely_dated

HEAD = "scenario: {id: r, title: R, start: 1900-01-01, end: 1999-12-31}\n"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_what_the_proof_skips_runs_every_branch_without_an_error(seed):
    sc = load_scenario_text(scenario_to_text(make_scenario(300, 20, 8, seed=seed)), "s.yaml")
    ws = Workspace(sc)
    assert cannot_run_away(ws.program) and all(surely_dated(b) for b in sc.branches)
    assert run_problems(sc, ws) == [] and ws.runs == 0  # proven, not run
    for b in sc.branch_ids:  # and indeed every branch runs
        assert ws.timeline(b).firings


RUNAWAY = HEAD + textwrap.dedent("""\
    variables: {go: {type: bool, initial: false}}
    events:
      - id: ping
        between: [1900-01-01, 1999-12-31]
        when: go
        repeatable: true
        effects: [{schedule: pong}]
      - id: pong
        scheduled: true
        repeatable: true
        effects: [{schedule: {event: ping, within: 100y}}]
    branches:
      - id: calm
        divergences: [{set: {go: false}, on: 1950-01-01}]
      - id: wild
        divergences: [{set: {go: true}, on: 1950-01-01}]
    """)


def test_a_runaway_only_a_branch_reaches_is_still_found():
    sc = load_scenario_text(RUNAWAY, "r.yaml")
    assert not cannot_run_away(Workspace(sc).program)
    [p] = run_problems(sc)
    assert "branch 'wild' cannot run: runaway rules" in p.message and p.path == "branches[1]"


def test_an_undatable_divergence_is_still_run_and_found_among_provable_branches():
    sc = load_scenario_text(HEAD + textwrap.dedent("""\
        variables: {n: {type: number, initial: 1}}
        events:
          - id: x
            on: 1950-01-01
          - id: z
            after: {event: y, delay: 1d}
          - id: y
            on: 1950-01-01
            when: n > 5
        branches:
          - id: fine
            divergences: [{set: {n: 2}, on: 1940-01-01}]
          - id: bad
            divergences: [{force: z}]
        """), "d.yaml")
    ws = Workspace(sc)
    assert cannot_run_away(ws.program) and not surely_dated(sc.branch("bad"))
    [p] = run_problems(sc, ws)
    assert p.path == "branches[1].divergences[0]" and "give the divergence an `on:` date" in p.message
    assert ws.cached("bad") is False and ws.cached("fine") is False and ws.runs == 1  # the baseline, for bad


def test_a_lean_workspace_computes_the_same_histories_without_reads():
    """What validate runs when it cannot prove (here: a repeatable rule), it runs lean: no reads
    recorded, no checkpoints kept by branches without children; the histories are the same."""
    sc = make_scenario(300, 20, 8, seed=4)
    sc.events[5].repeatable = True
    sc = load_scenario_text(scenario_to_text(sc), "s.yaml")
    full, lean = Workspace(sc), Workspace(sc, lean=True)
    assert not cannot_run_away(full.program)
    parents = {b.parent for b in sc.branches}
    kept = {False: 0, True: 0}  # checkpoints of the branches without children, full and lean
    for b in sc.branch_ids:
        a, z = full.timeline(b), lean.timeline(b)
        assert [(f.event, f.ordinal, f.outcome) for f in a.firings] == \
               [(f.event, f.ordinal, f.outcome) for f in z.firings]
        assert a.final_state == z.final_state
        assert all(not f.reads for f in z.firings) and any(f.reads for f in a.firings)
        if b not in parents:  # the parent's checkpoints before the fork come first in both
            assert len(z.result.checkpoints) <= len(a.result.checkpoints)
            kept[False] += len(a.result.checkpoints)
            kept[True] += len(z.result.checkpoints)
    assert kept[True] < kept[False]
