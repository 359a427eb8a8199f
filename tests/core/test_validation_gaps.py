"""Validation gaps (issue 9, section 3): each mistake is one positioned `file:line:col` error with a fix
hint, never a silent "always false" and never a cascade."""
from __future__ import annotations

import pytest

from explorer.core import ScenarioError, load_scenario_text

HEAD = """\
scenario: {id: t, title: T, start: 1940-01-01, end: 1950-12-31}
variables:
  trotsky.alive: {type: bool, initial: true}
  labor.unrest: {type: number, min: 0, max: 100, initial: 40}
  mexico.regime: {type: enum, values: [avila_camacho, workers_republic], initial: avila_camacho}
  mexico.leader: {type: text, initial: Ávila Camacho}
events:
  - id: coup
    on: 1945-11-09
    outcomes: [{id: crushed}, {id: succeeds}]
"""  # ten lines: the cases below start on line 11


def event(**keys) -> str:
    return "  - id: e\n" + "".join(f"    {k}: {v}\n" for k, v in keys.items())


CASES = {
    "enum_vs_number": (HEAD + event(when="'mexico.regime == 3'"),
                       "12:12: events[1].when: compares text with a number: mexico.regime is text and 3 is a "
                       "number, so this is always false; compare like with like"),
    "text_vs_number": (HEAD + event(when="'mexico.leader > labor.unrest'"),
                       "12:12: events[1].when: compares text with a number: mexico.leader is text and "
                       "labor.unrest is a number, so this is always false; compare like with like"),
    "outcome_typo": (HEAD + event(when="'outcome(\"coup\") == \"crushd\"'"),
                     "12:31: events[1].when: 'crushd' is not an outcome of coup (did you mean 'crushed'?); "
                     "outcomes: crushed, succeeds"),
    "outcome_typo_in_list": (HEAD + event(when="'outcome(\"coup\") in [\"crushed\", \"sucedes\"]'"),
                             "12:43: events[1].when: 'sucedes' is not an outcome of coup (did you mean "
                             "'succeeds'?); outcomes: crushed, succeeds"),
    "cooldown_without_repeatable": (HEAD + event(on="1941-01-01", cooldown="30d"),
                                    "13:15: events[1].cooldown: cooldown only applies to a repeatable event; "
                                    "add `repeatable: true`, or remove the cooldown"),
    "date_not_iso": (HEAD + event(when="'date >= \"June 1920\"'"),
                     "12:20: events[1].when: 'June 1920' is not a date; write dates as \"YYYY-MM-DD\", such "
                     "as \"1920-06-01\""),
    "within_at_event_level": (HEAD + event(after="coup", within="30d"),
                              "13:5: events[1].within: `within:` belongs inside `after:`, as after: {event: "
                              "coup, delay: 0d, within: 30d}"),
    "double_ampersand": (HEAD + event(when="'trotsky.alive && labor.unrest > 50'"),
                         "12:26: events[1].when: `&&` is not a condition operator; use `and`"),
    "double_bar": (HEAD + event(when="'trotsky.alive || labor.unrest > 50'"),
                   "12:26: events[1].when: `||` is not a condition operator; use `or`"),
    "single_equals": (HEAD + event(when="'labor.unrest = 50'"),
                      "12:25: events[1].when: `=` sets nothing in a condition; compare with `==`"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_validation_gap(name):
    text, expected = CASES[name]
    with pytest.raises(ScenarioError) as e:
        load_scenario_text(text, "t.yaml")
    assert [str(p) for p in e.value.problems] == [f"t.yaml:{expected}"]


def test_a_misspelt_top_level_key_is_one_error_not_a_cascade():
    text = HEAD.replace("events:\n", "condition:\n  ripe: labor.unrest > 60\nevents:\n") + "".join(
        event(when="ripe").replace("id: e", f"id: e{i}") for i in range(30))
    with pytest.raises(ScenarioError) as e:
        load_scenario_text(text, "t.yaml")
    assert [str(p) for p in e.value.problems] == [
        "t.yaml:7:1: condition: unknown key 'condition' (did you mean 'conditions'?); allowed: scenario, "
        "variables, conditions, events, branches"]


def test_the_same_conditions_spelt_right_load():
    load_scenario_text(HEAD + event(when="'mexico.regime == \"workers_republic\" and date >= \"1945-06-01\" "
                                         "and outcome(\"coup\") in [\"crushed\"]'"), "t.yaml")
