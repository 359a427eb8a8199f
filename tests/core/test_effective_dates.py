"""Divergences that always take effect (issue 9, section 1): effective dates resolved against the
branch's own history, no-op divergences reported, and `validate` accepting only what `run` runs."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from explorer.core import Workspace, load_scenario_text
from explorer.core.errors import DivergenceError
from explorer.core.lint import run_problems

HEAD = "scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}\n"
D = dt.date.fromisoformat


def scenario(body: str):
    return load_scenario_text(HEAD + textwrap.dedent(body), "t.yaml")


# X is latent with a window; Y only ever follows X; Z has outcomes and is scheduled by X.
CHAIN = """
    variables:
      n: {type: number, initial: 0}
      flag: {type: bool, initial: false}
    events:
      - id: x
        between: [1940-03-01, 1940-06-30]
        when: false
      - id: y
        after: {event: x, delay: 5d}
        effects: [{add: {n: 1}}]
      - id: z
        scheduled: true
        outcomes: [{id: big, weight: 3, effects: [{add: {n: 10}}]}, {id: small, weight: 1}]
      - id: x_schedules_z
        after: {event: x, delay: 10d}
        effects: [{schedule: {event: z, delay: 0d}}]
      - id: always
        on: 1940-02-01
        effects: [{set: {flag: true}}]
"""


def test_dateless_suppress_of_an_event_only_the_dateless_force_brings_about():
    sc = scenario(CHAIN + """
    branches:
      - id: b
        divergences: [{force: x}, {suppress: y}]
    """)
    ws = Workspace(sc)
    tl = ws.timeline("b")
    assert tl.happened("x") and tl.firing("x").date == D("1940-03-01")
    assert not tl.happened("y")  # the scenario's last day is never the default
    assert [d.date for d in tl.own_divergences] == [D("1940-03-01"), D("1940-03-06")]


def test_dateless_suppress_listed_before_the_force_it_depends_on():
    sc = scenario(CHAIN + """
    branches:
      - id: b
        divergences: [{suppress: y}, {force: x}]
    """)
    tl = Workspace(sc).timeline("b")
    assert tl.happened("x") and not tl.happened("y")


def test_dateless_outcome_of_an_event_only_the_dateless_force_brings_about():
    sc = scenario(CHAIN + """
    branches:
      - id: b
        divergences: [{force: x}, {outcome: {z: small}}]
    """)
    tl = Workspace(sc).timeline("b")
    assert tl.firing("z").outcome == "small"
    assert tl.final_state["n"] == 1


def test_dateless_divergence_in_a_child_resolved_against_its_own_branch_history():
    sc = scenario(CHAIN + """
    branches:
      - id: b
        divergences: [{force: x}]
      - id: c
        parent: b
        divergences: [{force: x_schedules_z, on: 1940-02-10}, {outcome: {z: small}}]
    """)
    ws = Workspace(sc)
    c = ws.timeline("c")
    assert c.firing("z").outcome == "small"
    assert c.firing("z").date == D("1940-02-10")


def test_a_date_that_cannot_be_known_is_an_error_asking_for_on():
    sc = scenario(CHAIN + """
    branches:
      - id: b
        divergences: [{suppress: y}]
    """)
    with pytest.raises(DivergenceError, match="give the divergence an `on:` date") as e:
        Workspace(sc).timeline("b")
    assert (e.value.branch, e.value.index) == ("b", 0)


def test_validate_accepts_only_what_run_runs():
    text = HEAD + textwrap.dedent(CHAIN + """
    branches:
      - id: fine
        divergences: [{force: x}]
      - id: bad
        divergences: [{force: z}]
    """)
    sc = load_scenario_text(text, "t.yaml")
    problems = run_problems(sc)
    assert len(problems) == 1
    p = problems[0]
    line = text.splitlines()[p.line - 1]
    assert "{force: z}" in line and p.col == line.index("{force: z}") + 1
    assert p.path == "branches[1].divergences[0]"
    assert "give the divergence an `on:` date" in p.message


def test_noop_divergences_are_named_with_the_reason():
    sc = scenario(CHAIN + """
    branches:
      - id: refire
        divergences: [{force: always, on: 1940-05-01}]
      - id: never
        divergences: [{suppress: y, on: 1940-04-01}]
      - id: same_value
        divergences: [{set: {n: 0}, on: 1940-04-01}]
      - id: forced
        divergences: [{force: x}]
      - id: same_outcome
        parent: forced
        divergences: [{outcome: {z: big}}]
      - id: useful
        parent: forced
        divergences: [{outcome: {z: small}}, {set: {n: 0}, on: 1940-01-05}]
    """)
    ws = Workspace(sc)
    got = {b: [(n.index, n.reason) for n in ws.noops(b)] for b in sc.branch_ids}
    assert got["baseline"] == [] and got["forced"] == []
    assert got["refire"] == [(0, "'always' already happened on 1940-02-01 and is not repeatable, "
                                 "so forcing it changes nothing")]
    assert got["never"] == [(0, "'y' does not happen in this branch from 1940-04-01 on, so suppressing "
                                "it changes nothing")]
    assert got["same_value"] == [(0, "n is already 0 on 1940-04-01, so setting it changes nothing")]
    assert got["same_outcome"] == [(0, "'z' ends in big anyway, so choosing it changes nothing")]
    assert got["useful"] == [(1, "n is already 0 on 1940-01-05, so setting it changes nothing")]
