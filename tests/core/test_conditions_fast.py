"""Plain conjunctions compiled without Python's parser behave exactly as the general compiler's."""
from __future__ import annotations

import random

import pytest

from explorer.core.conditions import ConditionError, Facts, Scope, compile_condition
from explorer.core.model import Variable

VARIABLES = {
    "labor.unrest": Variable("labor.unrest", "number", 40, min=0, max=100),
    "army.loyalty": Variable("army.loyalty", "number", 70, min=0, max=100),
    "trotsky.alive": Variable("trotsky.alive", "bool", True),
    "regime": Variable("regime", "enum", "old", values=("old", "new", "a and b")),
    "motto": Variable("motto", "text", "x"),
    "true": Variable("true", "bool", False),   # a variable the language reads as the constant
    "date": Variable("date", "text", "d"),     # ... and one it reads as today's date
    "ripe": Variable("ripe", "bool", False),   # shadowed by a named condition below
}
SCOPE = Scope(VARIABLES, ["e1", "e2", "war"], {"ripe": "labor.unrest >= 60"})

CONDITIONS = [
    "labor.unrest >= 60", "labor.unrest < 60.5", "labor.unrest == 0", "labor.unrest != 7",
    "army.loyalty <= 65 and labor.unrest > 50", "trotsky.alive", "trotsky.alive and happened(\"e1\")",
    "happened('war')", 'regime == "new"', "regime != 'old'", 'regime == "a and b"',
    'regime == "a and b" and trotsky.alive', "motto == 'x'", "true", "true and trotsky.alive", "date",
    "ripe", "ripe and trotsky.alive", "labor.unrest >= 1e3",
    "labor.unrest>=60 and army.loyalty<10 and trotsky.alive and happened(\"e2\") and regime == 'old'",
    "  labor.unrest >= 60\n and trotsky.alive", "labor.unrest >= -5", "trotsky.alive and not happened('e1')",
    "regime >= 'old'", "motto == \"a\\\"b\"",
    # `and` between other whitespace than single spaces: the short road splits these its other way
    "labor.unrest >= 60\tand trotsky.alive", "labor.unrest >= 60   and  trotsky.alive",
    "labor.unrest >= 60 \x0c and trotsky.alive and regime == 'old'", "motto == 'a\tand b' and trotsky.alive",
    "motto == 'a and b'",
    # `name op integer` spaced once (read without the regular expression), and its near misses
    "army.loyalty < 100 and labor.unrest >= 0", "labor.unrest == 12 and army.loyalty != 3", "ripe >= 1",
    "trotsky.alive == 1", "labor.unrest >= 1.5", "labor.unrest >=  7",
]
BAD = ["labor.unrest >= 007", "labor.unrest >= 'x'", 'regime == "neww"', "happened(\"nope\")", "unknown >= 3",
       "labor.unrest >= 60 and", "and labor.unrest", "labor.__class__", "labor.unrest >= 60\u00a0and trotsky.alive",
       "labor.unrest >= 60 and and trotsky.alive", "regime == 'a\tand b'",
       "labor.unrest >= 05", "regime >= 5", "motto < 3 and trotsky.alive", "nothing >= 3", "labor.unrest => 3"]


def _both(src):
    out = []
    for fast in (True, False):
        try:
            out.append(compile_condition(src, SCOPE, fast=fast))
        except ConditionError as e:
            out.append((e.message, e.col))
    return out


@pytest.mark.parametrize("src", CONDITIONS)
def test_same_condition_both_ways(src):
    a, b = _both(src)
    assert not isinstance(a, tuple) and not isinstance(b, tuple)
    assert (a.source, a.reads, a.events, a.time_dependent, a.constant) == \
        (b.source, b.reads, b.events, b.time_dependent, b.constant)
    assert [t.source for t in a.terms] == [t.source for t in b.terms]
    rng = random.Random(src)
    for _ in range(200):
        state = {"labor.unrest": rng.randint(0, 100), "army.loyalty": rng.choice((0, 10, 65, 66, 100)),
                 "trotsky.alive": rng.random() < 0.5, "regime": rng.choice(("old", "new", "a and b")),
                 "motto": rng.choice(("x", "y")), "true": rng.random() < 0.5, "date": "d", "ripe": False}
        fired = {e: (1, 700000, None, 0) for e in ("e1", "e2", "war") if rng.random() < 0.5}
        facts = Facts(700100, fired)
        va, vb = a.fn(state, facts), b.fn(state, facts)
        assert va == vb and type(va) is type(vb)


@pytest.mark.parametrize("src", BAD)
def test_same_error_both_ways(src):
    a, b = _both(src)
    assert isinstance(a, tuple) and a == b


def test_one_compiled_condition_per_text_and_scope():
    """Rules that write the same condition share one compiled Condition within a scope; the same text
    in a scope with other names means what that scope says (the cache is the scope's own)."""
    one = Scope(VARIABLES, ["e1"], {"hot": "labor.unrest >= 60"})
    a = compile_condition("hot and trotsky.alive", one)
    assert compile_condition("hot and trotsky.alive", one) is a
    other = Scope(VARIABLES, ["e1", "e9"], {"hot": "army.loyalty >= 60"})  # `hot` says another thing here
    b = compile_condition("hot and trotsky.alive", other)
    assert a.reads == {"labor.unrest", "trotsky.alive"} and b.reads == {"army.loyalty", "trotsky.alive"}
    state = {"labor.unrest": 80, "army.loyalty": 10, "trotsky.alive": True}
    facts = Facts(700100, {})
    assert a.fn(state, facts) is True and b.fn(state, facts) is False
    assert [t.reads for t in a.terms] == [{"labor.unrest"}, {"trotsky.alive"}]
    assert [t.reads for t in b.terms] == [{"army.loyalty"}, {"trotsky.alive"}]
    # an event one scope knows and the other does not: an error in one, a condition in the other
    assert compile_condition('happened("e9")', other).events == {"e9"}
    with pytest.raises(ConditionError, match="e9"):
        compile_condition('happened("e9")', one)
    with pytest.raises(ConditionError, match="e9"):  # an error is not remembered as a condition either
        compile_condition('happened("e9")', one)


def test_rules_with_the_same_condition_share_it_and_fire_alike():
    """Through build_program and a run: two rules, one `when:` text, one compiled condition, both fire
    when it holds; a branch's one-off event compiles the same text in its own scope."""
    from explorer.core import Workspace, build_program, load_scenario_text
    text = """
scenario: {id: s, title: S, start: 1940-01-01, end: 1940-12-31}
variables:
  unrest: {type: number, initial: 10, min: 0, max: 100}
events:
  - {id: riot, title: Riot, between: [1940-01-01, 1940-12-31], when: unrest >= 50 and happened("spark")}
  - {id: strike, title: Strike, between: [1940-01-01, 1940-12-31], when: unrest >= 50 and happened("spark")}
  - {id: spark, title: Spark, on: 1940-03-01, effects: [{add: {unrest: 45}}]}
branches:
  - id: calm
    label: Calm
    divergences:
      - event: {id: spark2, title: Spark two, on: 1940-02-01, when: unrest >= 50 and happened("spark")}
"""
    sc = load_scenario_text(text, "s.yaml")
    program = build_program(sc)
    assert program.rules[0].cond is program.rules[1].cond
    ws = Workspace(sc)
    assert [f.event for f in ws.timeline("baseline").firings] == ["spark", "riot", "strike"]
    assert "spark2" not in [f.event for f in ws.timeline("calm").firings]
