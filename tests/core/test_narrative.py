"""Narrative that follows the world: text variants chosen as an event fires, `{name}` interpolation,
enum labels; through the engine (Timeline), the CLI's JSON, saving, and positioned load errors."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.core import Workspace, load_scenario
from explorer.core.errors import ScenarioError
from explorer.core.loader import load_scenario_text

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "tests" / "data" / "narrative.yaml"


@pytest.fixture(scope="module")
def ws():
    return Workspace(load_scenario(FILE))


def texts(ws, bid):
    tl = ws.timeline(bid)
    return {f.event: (tl.text(f), tl.outcome_text(f)) for f in tl.firings}


def test_first_variant_that_holds_is_chosen_per_branch(ws):
    assert texts(ws, "baseline")["anniversary"] == (
        "The leader, now 61, addresses the Workers' and Peasants' Republic from the palace {balcony}.",
        "The square roars his name.")
    assert texts(ws, "leader-dies")["anniversary"] == (
        "The Republic marks its first year without its founder.", "The square is silent.")
    assert texts(ws, "no-revolution")["anniversary"] == (
        "The anniversary passes quietly.", "The square roars his name.")


def test_interpolation_reads_the_world_as_the_event_fires_with_labels_and_units(ws):
    # before its own effects: the regime it overthrows, the unrest that made it
    assert texts(ws, "baseline")["revolution"][0] == "The old order falls at last; unrest stood at 40%."


def test_narrative_joins_event_and_outcome_texts_and_falls_back_to_titles(ws):
    tl = ws.timeline("leader-dies")
    f = tl.firing("anniversary")
    assert tl.narrative(f) == ("The Republic marks its first year without its founder. "
                               "The square is silent.")
    assert tl.narrative(tl.firing("leader_dies")) == "The leader dies."


def test_enum_labels_in_values_shown_to_readers_ids_in_state(ws):
    var = ws.scenario.variables["regime"]
    assert var.values == ("old_order", "workers_republic")
    assert var.show("workers_republic") == "Workers' and Peasants' Republic"
    assert ws.timeline("baseline").final_state["regime"] == "workers_republic"
    why = ws.explain("baseline", "decree").text()
    assert "Regime was Workers' and Peasants' Republic, set by “The revolution” (1940-03-01)" in why
    assert "Root causes: Unrest was 40% from the start" in why  # the root with its unit, as in the chain
    why_not = ws.explain("no-revolution", "decree").text()
    assert "needed Regime to be Workers' and Peasants' Republic; it was The old order from the start" in why_not


def test_list_form_of_enum_values_still_valid():
    sc = load_scenario_text("""
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables:
  r: {type: enum, values: [a, b], initial: a}
events: [{id: e, on: 1940-02-01, text: "r is {r}"}]
""")
    tl = Workspace(sc).timeline("baseline")
    assert tl.text(tl.firings[0]) == "r is a"


def test_run_json_gives_every_event_its_text_and_enum_ids():
    out = subprocess.run([sys.executable, "-m", "explorer", "run", str(FILE), "--branch", "leader-dies",
                          "--format", "json"], capture_output=True, text=True, timeout=120, check=True)
    data = json.loads(out.stdout)
    events = {e["id"]: e for e in data["events"]}
    assert all("text" in e for e in data["events"])
    assert events["anniversary"]["text"] == "The Republic marks its first year without its founder."
    assert events["anniversary"]["outcome_text"] == "The square is silent."
    assert data["final_state"]["regime"] == "workers_republic"  # ids stay in JSON


BAD = """scenario: {id: t, title: T, start: 1940-01-01, end: 1941-12-31}
variables:
  regime: {type: enum, values: {old: "The old order", red: "Red"}, initial: old}
  age: {type: number, initial: 60}
events:
  - id: e1
    on: 1940-02-01
    text: Hello {agee} there.
  - id: e2
    text:
      - Default first.
      - when: regime == "red"
        text: never
  - id: e3
    text:
      - when: regime == "red"
        text: one
      - when: regime ==  "red"
        text: two
      - when: false
        text: three
      - {when: regime == "red" and age > 1, text: "bad {age"}
      - {text: "a", whne: x}
  - id: e4
    outcomes:
      - id: o
        text:
          - when: regime == "nope"
            text: x
          - "{age + }"
"""


def problems(text):
    with pytest.raises(ScenarioError) as e:
        load_scenario_text(text, "bad.yaml")
    return [(p.line, p.col, p.path, p.message) for p in e.value.problems]


def test_malformed_variants_and_unknown_names_are_positioned():
    ps = problems(BAD)
    by_path = {p[2]: p for p in ps}
    assert by_path["events[0].text"][:2] == (8, 18)  # at the unknown name inside the braces
    assert "unknown variable 'agee'" in by_path["events[0].text"][3]
    assert "did you mean 'age'" in by_path["events[0].text"][3]
    assert by_path["events[1].text[1]"][0] == 12 and "never be chosen" in by_path["events[1].text[1]"][3]
    assert by_path["events[2].text[1].when"][0] == 18
    assert "same condition" in by_path["events[2].text[1].when"][3]
    assert "always false" in by_path["events[2].text[2].when"][3]
    assert by_path["events[2].text[3].text"][0] == 22 and "'{' without" in by_path["events[2].text[3].text"][3]
    assert "unknown key 'whne'" in by_path["events[2].text[4].whne"][3]
    assert "'nope' is not a value of regime" in by_path["events[3].outcomes[0].text[0].when"][3]
    assert by_path["events[3].outcomes[0].text[1]"][0] == 30
    for line, col, path, msg in ps:
        assert line > 0 and col > 0


def test_cli_validate_names_file_line_col_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "explorer", "validate", str(bad)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"{bad}:8:18: events[0].text: in {{agee}}: unknown variable 'agee'" in out.stderr + out.stdout


def test_bad_enum_labels_are_positioned():
    ps = problems("""scenario: {id: t, title: T, start: 1940-01-01, end: 1941-12-31}
variables:
  regime: {type: enum, values: {old: [1], "bad id": x}, initial: old}
events: []
""")
    msgs = {p[2]: p[3] for p in ps}
    assert "label" in msgs["variables[regime].values.old"]
    assert "not a value name" in msgs["variables[regime].values.bad id"]


def test_variants_and_labels_survive_a_save(tmp_path):
    from explorer.core import edits
    from explorer.core.model import Divergence
    from explorer.core.saving import save_scenario
    p = tmp_path / "n.yaml"
    p.write_text(FILE.read_text(encoding="utf-8"), encoding="utf-8")
    sc = load_scenario(p)
    sc2, _ = edits.fork(sc, "baseline", "Quiet year", [Divergence("suppress", event="decree")])
    save_scenario(sc2, p, p.read_text(encoding="utf-8"))
    again = load_scenario(p)
    rule = again.event("anniversary")
    assert [v.when for v in rule.variants][:2] == ['leader.alive and regime == "workers_republic"',
                                                   'regime == "workers_republic"']
    assert rule.variants[-1].is_default and rule.text == "The anniversary passes quietly."
    assert again.variables["regime"].labels["workers_republic"] == "Workers' and Peasants' Republic"


def test_uncovered_flags_variants_without_a_default():
    """The check a lint pass uses: variants and no default, so some firing may find no text."""
    from explorer.core.narrative import uncovered
    sc = load_scenario_text("""
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables: {x: {type: number, initial: 0}}
events:
  - {id: a, on: 1940-02-01, text: [{when: x > 0, text: "positive"}]}
  - {id: b, on: 1940-02-01, text: [{when: x > 0, text: "positive"}, "otherwise"]}
  - {id: c, on: 1940-02-01, text: "plain"}
""")
    assert [uncovered(e) for e in sc.events] == [True, False, False]
    tl = Workspace(sc).timeline("baseline")
    assert tl.text(tl.firing("a")) == "" and tl.narrative(tl.firing("a")) == "a."
