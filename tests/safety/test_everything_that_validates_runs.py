"""Everything that validates, runs: conditions, chances and weights generated from the grammar of the
condition language -- well typed or not, tiny or huge numbers, numbers written as text, .nan and
.inf -- either fail `validate` with a positioned message, or run every branch in both modes without
an exception."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core import Workspace, load_scenario_text
from explorer.core.errors import ExplorerError, ScenarioError

NUMBER_ATOMS = st.one_of(
    st.sampled_from(["n", "n", "m", 'days_since("ev0")', "year(date)", "0", "1", "0.5", "1e308", "-3"]),
    st.sampled_from(["n", "m", "0.25", "2", "1e-300", "3"]),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
HUGE = st.integers(300, 420).map(lambda k: "1" + "0" * k)  # beyond float range: a positioned error
OTHER_ATOMS = st.sampled_from(["b", "true", "false", "e", "t", '"a"', '"hello"', 'outcome("ev1")', "date",
                               '"1962-10-20"', '["a", "c"]', "cond", "none"])


def _expressions():
    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(" ".join),
            st.tuples(inner, st.sampled_from(["<", "<=", "==", "!=", ">", ">=", "in"]), inner).map(" ".join),
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(" ".join),
            inner.map(lambda x: f"not ({x})"),
            inner.map(lambda x: f"-({x})"),
            inner.map(lambda x: f"({x})"),
            st.sampled_from(['happened("ev0")', 'outcome("ev1") == "o1"', 'e == "a"', 'date >= "1962-10-20"']),
        )
    return st.recursive(st.one_of(NUMBER_ATOMS, OTHER_ATOMS), extend, max_leaves=6)


EXPR = _expressions()  # anything the grammar allows, well typed or not
NUM_EXPR = st.recursive(NUMBER_ATOMS, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(" ".join),
    inner.map(lambda x: f"-({x})")), max_leaves=4)
BOOL_EXPR = st.recursive(
    st.one_of(st.sampled_from(["b", "true", "false", 'happened("ev0")', 'outcome("ev1") == "o1"', 'e == "a"',
                               'e in ["a", "c"]', 't == "hello"', 'date >= "1962-10-20"', "cond"]),
              st.tuples(NUM_EXPR, st.sampled_from(["<", "<=", "==", "!=", ">", ">="]), NUM_EXPR).map(" ".join)),
    lambda inner: st.one_of(st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(" ".join),
                            inner.map(lambda x: f"not ({x})")), max_leaves=4)
TYPED = st.one_of(BOOL_EXPR, BOOL_EXPR, BOOL_EXPR, EXPR)
SCALAR = st.one_of(NUM_EXPR, NUM_EXPR, EXPR.map(lambda x: x.replace("'", '"')), NUMBER_ATOMS,
                   st.sampled_from([".nan", ".inf", "-.inf", '"0.5"', '"nan"', '"1.5"', '"-2"', "2", "0"]))


def _yaml_text(x: str) -> str:
    """An expression as a YAML double-quoted scalar (or as written, for the YAML specials)."""
    if x in (".nan", ".inf", "-.inf") or x.startswith('"') and x.endswith('"') and x.count('"') == 2:
        return x
    return '"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def scenarios(draw) -> str:
    when0, when1, chance, w1, w2, cond = (draw(TYPED), draw(TYPED), draw(SCALAR), draw(SCALAR), draw(SCALAR),
                                          draw(TYPED))
    add = draw(st.sampled_from(["5", "-20", "0.25", "1e308", "5", "-1", ".inf", '"3"']))
    setv = draw(st.sampled_from(["70", "-5", "0", "100", "70", ".nan", '"40"', "1e400", "true"]))
    if draw(st.integers(0, 9)) == 0:
        when1 = f"n * {draw(HUGE)} > 1"
    return f"""scenario: {{id: gen, title: Generated, start: 1962-10-01, end: 1963-03-31}}
variables:
  n: {{type: number, min: -100, max: 100, initial: 50}}
  m: {{type: number, initial: 2}}
  b: {{type: bool, initial: true}}
  e: {{type: enum, values: [a, b2, c], initial: a}}
  t: {{type: text, initial: hello}}
conditions:
  cond: {_yaml_text(cond)}
events:
  - id: ev0
    between: [1962-10-05, 1962-12-31]
    when: {_yaml_text(when0)}
    effects: [{{add: {{n: {add}}}}}, {{add: {{m: {add}}}}}]
  - id: ev1
    after: {{event: ev0, delay: 3d}}
    when: {_yaml_text(when1)}
    chance: {_yaml_text(chance) if not chance.replace('.', '').replace('-', '').isdigit() else chance}
    outcomes:
      - {{id: o1, weight: {w1 if w1[:1] in '".-0123456789' and ' ' not in w1 else _yaml_text(w1)}, effects: [{{set: {{e: c}}}}]}}
      - {{id: o2, weight: {w2 if w2[:1] in '".-0123456789' and ' ' not in w2 else _yaml_text(w2)}}}
branches:
  - id: set-n
    divergences: [{{set: {{n: {setv}}}, on: 1962-10-10}}]
  - id: force-ev1
    parent: set-n
    divergences: [{{force: ev1, outcome: o2, on: 1962-11-01}}]  # an `on:` (issue 9: effective dates)
  - id: no-ev0
    divergences: [{{suppress: ev0}}, {{outcome: {{ev1: o1}}}}]
"""


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(scenarios())
def test_a_scenario_that_validates_runs_every_branch_in_both_modes(text):
    try:
        sc = load_scenario_text(text, "gen.yaml")
    except ScenarioError as e:
        for p in e.problems:  # refused with a position, never a traceback
            assert p.line >= 1 or p.path == "", str(p)
        return
    for mode, seed in (("likely", 0), ("sampled", 1), ("sampled", 7)):
        ws = Workspace(sc, mode=mode, seed=seed)
        for b in sc.branch_ids:
            try:
                ws.timeline(b)
            except ExplorerError:  # a clean, user-facing refusal (e.g. the runaway guard) is allowed
                pytest.fail(f"validated but failed to run {b} in {mode} mode:\n{text}")
