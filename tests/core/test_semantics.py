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
