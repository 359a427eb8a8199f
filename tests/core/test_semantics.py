"""Semantics decided in issue 9, section 4 (docs/format.md, "Engine semantics")."""
from __future__ import annotations

import textwrap

from explorer.core import Workspace, load_scenario_text

HEAD = "scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}\n"

DAY = HEAD + textwrap.dedent("""
    variables:
      alive: {type: bool, initial: true}
    events:
      - id: parade
        on: 1940-03-01
        when: alive
      - id: shots
        on: 1940-03-01
        priority: 1
      - id: bomb
        on: 1940-03-01
        priority: 2
        when: false
      - id: kill
        on: 1940-03-01
        when: false
        effects: [{set: {alive: false}}]
    branches:
      - id: bomb-first
        divergences: [{force: bomb}]
      - id: kill
        divergences: [{force: kill}]
""")


def order(branch: str) -> list[str]:
    tl = Workspace(load_scenario_text(DAY, "t.yaml")).timeline(branch)
    return [f.event for f in tl.firings]


def test_a_forced_event_takes_its_place_in_the_days_priority_order():
    assert order("baseline") == ["shots", "parade"]
    assert order("bomb-first") == ["bomb", "shots", "parade"]  # priority 2 before the shots' 1
    # priority 0, as the parade: after the shots (1), and first among its equals, so no parade
    assert order("kill") == ["shots", "kill"]


MTTH = HEAD + textwrap.dedent("""
    variables:
      unrest: {type: number, initial: 0}
    events:
      - id: strikes
        on: 1940-02-01
        effects: [{set: {unrest: 80}}]
      - id: calm
        on: 1940-04-01
        effects: [{set: {unrest: 10}}]
      - id: riot
        title: The riot
        mtth: 30d
        when: unrest >= 50
      - id: slow
        title: The slow riot
        mtth: 90d
        when: unrest >= 50
      - id: again
        on: 1940-06-01
        effects: [{set: {unrest: 90}}]
""")


def test_mtth_fires_at_the_mean_in_likely_mode_while_the_condition_holds():
    ws = Workspace(load_scenario_text(MTTH, "t.yaml"))
    tl = ws.timeline()
    assert tl.firing("riot").date.isoformat() == "1940-03-02"  # 30 days after the strikes of 02-01
    # the slow one: its 90 days run to 05-01, when calm has come: it waits for unrest again (06-01)
    # and starts a new wait there, 90 days more
    assert tl.firing("slow").date.isoformat() == "1940-08-30"


def test_mtth_waits_are_exponential_in_sampled_mode():
    sc = load_scenario_text(MTTH.replace("90d", "300d"), "t.yaml")
    waits = []
    for seed in range(300):
        tl = Workspace(sc, mode="sampled", seed=seed).timeline()
        f = tl.firing("riot")
        if f is not None:
            waits.append(f.ordinal - tl.firing("strikes").ordinal)
    # the calm of 04-01 (59 days in) cuts the first wait: P(wait <= 59) = 1 - e^(-59/30) = 0.86; a
    # later wait starts on 06-01 and all of it fits in the year
    early = sum(w <= 59 for w in waits) / 300
    assert 0.80 <= early <= 0.92
    assert len(set(waits)) > 30  # drawn, not one fixed delay
    assert min(waits) >= 1


def test_mtth_and_chance_together_are_a_load_error():
    import pytest
    from explorer.core import ScenarioError
    with pytest.raises(ScenarioError, match=r"give either `chance:` \(one roll\) or `mtth:`"):
        load_scenario_text(MTTH.replace("mtth: 30d", "mtth: 30d\n    chance: 0.5"), "t.yaml")
