"""Expectations (`expect:` on branches, issue 9 section 6) through the core API."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from explorer.core import ScenarioError, Workspace, load_scenario_text
from explorer.core.expectations import check_all, wilson

HEAD = "scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}\n"

WORLD = """
    variables:
      alive: {type: bool, initial: true}
      regime: {type: enum, values: [old, new], initial: old}
      n: {type: number, initial: 0}
    events:
      - id: kill
        title: The assassination
        on: 1940-08-20
        when: false
        effects: [{set: {alive: false}}]
      - id: revolution
        title: The revolution
        on: 1940-09-01
        when: alive
        effects: [{set: {regime: new}}]
      - id: coin
        on: 1940-01-01
        chance: 0.5
        effects: [{add: {n: 1}}]
      - id: war
        on: 1940-03-01
        outcomes: [{id: won, weight: 2}, {id: lost}]
"""


def load(branches: str):
    return load_scenario_text(HEAD + textwrap.dedent(WORLD) + textwrap.dedent(branches), "t.yaml")


def results(sc) -> list[tuple]:
    return [(o.branch, o.expectation.text, o.passed) for o in check_all(Workspace(sc))]


def test_plain_expectations_on_the_final_world_pass_and_fail():
    sc = load("""
    branches:
      - id: baseline
        label: He lives
        description: The baseline, declared for its expectations.
        expect:
          - happened("revolution") and regime == "new"
          - outcome("war") == "won"
          - not happened("revolution")
      - id: dies
        divergences: [{force: kill}]
        expect: [not happened("revolution"), 'regime == "new"']
    """)
    assert sc.branch("baseline").label == "He lives" and sc.branch("baseline").declared
    assert results(sc) == [
        ("baseline", 'happened("revolution") and regime == "new"', True),
        ("baseline", 'outcome("war") == "won"', True),
        ("baseline", 'not happened("revolution")', False),
        ("dies", 'not happened("revolution")', True),
        ("dies", 'regime == "new"', False),
    ]


def test_a_failure_carries_its_position_and_the_why_not_chain():
    text = HEAD + textwrap.dedent(WORLD) + textwrap.dedent("""
    branches:
      - id: dies
        divergences: [{force: kill}]
        expect: [happened("revolution"), 'regime == "new"']
    """)
    fails = [o for o in check_all(Workspace(load_scenario_text(text, "t.yaml"))) if not o.passed]
    first, second = fails
    line = text.splitlines()[first.line - 1]
    assert first.file == "t.yaml" and line[first.col - 1:].startswith('happened("revolution")')
    assert first.chain[0] == "- “The revolution” had not happened"  # in explain's words
    assert "Why did “The revolution” not happen (branch dies)?" in first.chain[1]
    assert any("“alive” was false, set by “The assassination”" in ln for ln in first.chain)
    assert line[second.col - 1:].startswith('regime == "new"')  # inside the quotes
    assert second.chain == ["- needed regime to be new; it was old from the start"]


def test_an_expectation_on_a_date_reads_the_world_of_that_day():
    sc = load("""
    branches:
      - id: baseline
        expect:
          - {that: 'regime == "old" and not happened("revolution")', on: 1940-08-31}
          - {that: 'regime == "new"', on: 1940-09-01}
          - {that: 'happened("revolution")', on: 1940-08-31}
    """)
    assert [r[2] for r in results(sc)] == [True, True, False]


def test_probabilistic_expectations_need_the_confidence_bound_to_clear():
    sc = load("""
    branches:
      - id: baseline
        expect:
          - {that: n == 1, p: ">= 0.3", runs: 200}
          - {that: n == 1, p: ">= 0.5", runs: 200}
          - {that: n == 1, p: "<= 0.1", runs: 50}
          - {that: n == 1, p: "< 0.9", runs: 200}
    """)
    outs = check_all(Workspace(sc))
    assert [o.passed for o in outs] == [True, False, False, True]
    assert "sampled runs" in outs[1].seen
    assert outs[1].chain == ["inconclusive: the interval straddles the bound; give more runs or a looser bound"]
    assert outs[2].chain == ["the whole 95% interval is above 10%"]


def test_wilson_interval():
    lo, hi = wilson(50, 100)
    assert round(lo, 3) == 0.404 and round(hi, 3) == 0.596
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)


@pytest.mark.parametrize("expect, message", [
    ('[happend("kill")]', "calling 'happend' is not allowed"),
    ("[{that: 'n > 1', p: 0.3}]", 'expected a bound such as ">= 0.3"'),
    ("[{that: 'n > 1', runs: 10}]", "runs: only applies with p:"),
    ("[{that: 'n > 1', when: 1940-01-01}]", "unknown key 'when'"),
    ("[{on: 1940-01-01}]", "missing required key 'that'"),
])
def test_bad_expectations_are_load_errors_with_positions(expect, message):
    with pytest.raises(ScenarioError) as e:
        load(f"""
        branches:
          - id: b
            divergences: [{{force: kill}}]
            expect: {expect}
        """)
    p = e.value.problems[0]
    assert message in p.message and p.line == 29 and p.path.startswith("branches[0].expect")


def test_the_baseline_entry_takes_no_parent_or_divergences():
    with pytest.raises(ScenarioError, match="the baseline has no parent and no divergences"):
        load("""
        branches:
          - id: baseline
            divergences: [{force: kill}]
        """)


def test_saving_an_edit_keeps_the_declared_baseline_and_every_expectation():
    from explorer.core.edits import fork, update_branch
    from explorer.core.model import Divergence
    from explorer.core.saving import render_scenario
    text = HEAD + textwrap.dedent(WORLD) + textwrap.dedent("""
    branches:
      - id: baseline
        label: He lives
        expect:
          - happened("revolution")   # a comment the author wrote
          - {that: 'regime == "old"', on: 1940-08-31}
      - id: dies
        divergences: [{force: kill}]
        expect: [not happened("revolution")]
    """)
    sc = load_scenario_text(text, "t.yaml")
    later = Divergence("set", values={"n": 3}, on=dt.date(1940, 10, 1))
    edited, bid = fork(sc, "dies", "Later", [later])
    edited = update_branch(edited, "dies", label="He dies")
    out = render_scenario(edited, text, "t.yaml")
    assert "# a comment the author wrote" in out and "label: He dies" in out
    again = load_scenario_text(out, "t.yaml")
    assert again.branch("baseline").declared and again.branch("baseline").label == "He lives"
    assert [e.text for b in again.branches for e in b.expect] == [
        'happened("revolution")', 'regime == "old", on 1940-08-31', 'not happened("revolution")']
    assert again.branch(bid).parent == "dies"
