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
]
BAD = ["labor.unrest >= 007", "labor.unrest >= 'x'", 'regime == "neww"', "happened(\"nope\")", "unknown >= 3",
       "labor.unrest >= 60 and", "and labor.unrest", "labor.__class__"]


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
