"""What the why-chains of the bundled scenarios say, in every branch, read as a reader reads them:
values true in the year they are told of, yes/no variables as statements."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from explorer.core import Workspace, load_scenario
from explorer.core.prose import cause_words, root_words

ROOT = Path(__file__).resolve().parents[2]
TROTSKY = ROOT / "scenarios" / "trotsky_mexico.yaml"


def why_lines(ws: Workspace):
    """(branch, date, words) for every cause and root of every firing's why-chain in every branch."""
    sc = ws.scenario
    for bid in sc.branch_ids:
        tl = ws.timeline(bid)
        for f in tl.firings:
            w = ws.why(bid, f.event, f.occurrence)
            stack = list(w.causes)
            while stack:
                c = stack.pop()
                stack += c.causes
                yield bid, f.date, " ".join(x for x in cause_words(sc, c) if x)
            for r in w.roots:
                yield bid, f.date, root_words(sc, r)


@pytest.fixture(scope="module")
def trotsky():
    return Workspace(load_scenario(TROTSKY))


def test_mexicos_government_is_not_named_by_a_party_founded_later(trotsky):
    """"Regime in Mexico was Constitutional government (PRM/PRI) from the start" read in 1942's why-chains:
    the PRI was founded on 1946-01-18."""
    assert "PRI" not in trotsky.scenario.variables["mexico.regime"].label_of("constitutional")
    lines = [(b, d, re.sub(r"“[^”]*”", "", s)) for b, d, s in why_lines(trotsky)]  # not in a title
    early = [x for x in lines if x[1] < dt.date(1946, 1, 18)]
    assert any("Constitutional government" in s for _, _, s in early)
    assert not [x for x in early if re.search(r"\bPRI\b", x[2])], [x for x in early if "PRI" in x[2]][:5]


BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
YES_NO = re.compile(r"\b(?:was|is) (?:yes|no|true|false)(?: from the start|,|$)")  # not "was no Cold War"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_yes_no_variables_read_as_statements_in_every_why_and_why_not(path):
    """"Mexico fighting the Axis was no from the start" was a form, not a sentence: every bool of the bundled
    scenarios says its value as a statement ("Mexico was not fighting the Axis from the start"), in the
    why-chains, their roots and the why-nots' failed terms of every branch (the app's Inspector and the
    reports ask prose for these words)."""
    from explorer.core.prose import failed_term_words
    ws = Workspace(load_scenario(path))
    sc = ws.scenario
    bools = {n: v for n, v in sc.variables.items() if v.type == "bool"}
    assert bools and all(v.true_words and v.false_words for v in bools.values())
    said = {w for v in bools.values() for w in (v.true_words, v.false_words)}
    lines = [s for _, _, s in why_lines(ws)]
    for bid in sc.branch_ids:
        tl = ws.timeline(bid)
        for rule in sc.events:
            if tl.firing(rule.id) is None:
                lines += [w for t in ws.why_not(bid, rule.id).failed for w in failed_term_words(sc, t)]
    assert not [s for s in lines if YES_NO.search(s)], [s for s in lines if YES_NO.search(s)][:5]
    told = {w for w in said if any(s.startswith(w) for s in lines)}
    assert len(told) >= 3, told  # the statements are what the chains say
    if path.name == "trotsky_mexico.yaml":
        assert "Mexico was not fighting the Axis from the start" in lines
        assert any(s.startswith("Trotsky was dead, set by") for s in lines)


SMALL = """\
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables:
  alive: {type: bool, initial: true, label: Trotsky alive%s}
  x: {type: number, initial: 0, label: Unrest%s}
events:
  - {id: revolt, title: The revolt, on: 1940-02-01, when: alive, effects: [{add: {x: 10}}],
     outcomes: [{id: ok, title: The revolt succeeds}, {id: fails, title: The revolt is crushed}]}
branches:
  - {id: b, label: B, divergences: [{set: {alive: false}, on: 1940-01-10}]}
"""


def _problems(text: str) -> list[str]:
    from explorer.core import load_scenario_text
    from explorer.core.errors import ScenarioError
    try:
        load_scenario_text(text, "s.yaml")
    except ScenarioError as e:
        return [str(p) for p in e.problems] if hasattr(e, "problems") else str(e).splitlines()
    return []


def test_a_bools_statements_are_checked_like_every_key():
    words = ", true_words: Trotsky was alive, false_words: Trotsky was dead"
    assert _problems(SMALL % (words, "")) == []
    one = _problems(SMALL % (", true_words: Trotsky was alive", ""))
    assert any(p.startswith("s.yaml:3:") and "variables[alive].true_words" in p and "give false_words too" in p
               for p in one), one
    number = _problems(SMALL % ("", ", true_words: High, false_words: Low"))
    assert any(p.startswith("s.yaml:4:") and "only applies to bool variables" in p for p in number), number
    wrong = _problems(SMALL % (", true_words: [a], false_words: Trotsky was dead", ""))
    assert any(p.startswith("s.yaml:3:") and "true_words" in p and "expected text" in p for p in wrong), wrong


def test_saving_writes_a_bools_statements_after_its_label():
    from explorer.core import load_scenario_text
    from explorer.core.emit import scenario_to_text, variable_data
    sc = load_scenario_text(SMALL % (", true_words: Trotsky was alive, false_words: Trotsky was dead", ""))
    v = sc.variables["alive"]
    assert list(variable_data(v)) == ["type", "initial", "label", "true_words", "false_words"]
    again = load_scenario_text(scenario_to_text(sc))
    assert again.variables["alive"] == v and v.statement(False) == "Trotsky was dead"


def test_a_bool_without_statements_reads_as_its_label_held_true_or_false():
    from explorer.core import load_scenario_text
    from explorer.core.prose import read_words
    sc = load_scenario_text(SMALL % ("", ""))
    assert read_words(sc, "alive", False) == "“Trotsky alive” was false"
    assert read_words(sc, "x", 10) == "Unrest was 10"


def test_a_divergence_reads_the_same_on_the_map_and_in_the_report():
    """The map, the outline and the CLI said "The revolt is made to happen, with this outcome: the revolt
    is crushed" where the reports said 'In this history “The revolt” ends “The revolt is crushed”.': one
    wording now, the short form the report's sentence is made of."""
    from explorer.core import load_scenario_text
    from explorer.core.model import Divergence
    from explorer.core.prose import divergence_sentence
    sc = load_scenario_text(SMALL % (", true_words: Trotsky was alive, false_words: Trotsky was dead", ""))
    cases = [
        (Divergence("force", "revolt"), "“The revolt” happens"),
        (Divergence("force", "revolt", "fails"), "“The revolt” happens and ends “The revolt is crushed”"),
        (Divergence("suppress", "revolt"), "“The revolt” does not happen"),
        (Divergence("outcome", "revolt", "fails"), "“The revolt” ends “The revolt is crushed”"),
        (Divergence("set", values={"x": 5}), "Unrest is 5"),
        (Divergence("set", values={"alive": False, "x": 5}), "Trotsky was dead; Unrest is 5"),
    ]
    for dv, short in cases:
        assert sc.describe_divergence(dv) == short
        assert divergence_sentence(sc, dv) == f"In this history {short}."
    assert sc.describe_divergence(Divergence("set", values={"x": 5}), {"x": 0}) == "Unrest is 5 (it was 0)"


def test_a_divergence_named_inside_a_why_not_nests_its_quotes():
    from explorer.core import load_scenario_text
    from explorer.core.prose import why_not_reasons
    text = (SMALL % ("", "")).replace("divergences: [{set: {alive: false}, on: 1940-01-10}]",
                                      "divergences: [{suppress: revolt}]")
    ws = Workspace(load_scenario_text(text))
    reasons = why_not_reasons(ws.scenario, ws.why_not("b", "revolt"))
    assert reasons[0] == "the divergence “‘The revolt’ does not happen” suppresses it from 1940-02-01"  # not ““The …”
