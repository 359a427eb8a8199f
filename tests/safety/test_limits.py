"""Nothing hangs, nothing explodes: named conditions compile once and run in linear time, deep
branch chains run without recursion, the screenshot size is bounded. Work is counted, never timed."""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core import Workspace, load_scenario_text
from explorer.core.conditions import Facts, Scope, compile_condition
from explorer.core.model import Variable

from test_write_paths import in_process, one_line, what_if

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_limits import branches_file, named_file  # noqa: E402 - the benchmark's own generators


class CountingState(dict):
    """A world state that counts how often conditions read it."""

    reads = 0

    def __getitem__(self, k):
        CountingState.reads += 1
        return dict.__getitem__(self, k)


VARS = {f"v{i}": Variable(f"v{i}", "bool", initial=False) for i in range(4)}


def _named_dag(rng: random.Random, n: int) -> dict[str, str]:
    """n named conditions, each combining earlier ones (often the same one twice) and variables."""
    named: dict[str, str] = {}
    for i in range(n):
        pool = [f"c{j}" for j in range(i)] + list(VARS)
        parts = []
        for _ in range(rng.randint(1, 3)):
            x = rng.choice(pool[-3:] if rng.random() < 0.7 else pool)
            parts.append(f"not {x}" if rng.random() < 0.2 else x)
        if rng.random() < 0.5:
            parts.append(parts[0])  # the same one again: the case that used to double the work
        named[f"c{i}"] = f" {rng.choice(['and', 'or'])} ".join(parts)
    return named


def _reference(named: dict, state: dict, name: str, memo: dict) -> bool:
    """What a named condition means, worked out the plain way (with Python on the expanded text)."""
    if name in memo:
        return memo[name]
    env = dict(state)
    for dep in set(re.findall(r"c\d+", named[name])):
        env[dep] = _reference(named, state, dep, memo)
    memo[name] = bool(eval(named[name], {}, env))  # noqa: S307 - test reference on generated text
    return memo[name]


def test_a_chain_of_named_conditions_compiles_each_once_and_reads_once():
    n = 90
    named = {"c0": "v0"} | {f"c{i}": f"c{i - 1} and c{i - 1}" for i in range(1, n)}
    scope = Scope(VARS, [], named)
    cond = compile_condition(f"c{n - 1}", scope)
    assert scope.named_compiles == n
    CountingState.reads = 0
    assert cond.fn(CountingState(v0=True), Facts(1, {})) is True
    assert CountingState.reads == 1  # 2**89 reads without the memo
    assert cond.fn(CountingState(v0=False), Facts(1, {})) is False  # a fresh memo per evaluation


def test_named_conditions_in_a_scenario_compile_once():
    ws = Workspace(load_scenario_text(named_file(60)))
    assert ws.program.scope.named_compiles == 60
    assert ws.timeline("baseline").firings


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**9), st.integers(2, 25))
def test_shared_named_conditions_mean_the_same_and_cost_linear_work(seed, n):
    rng = random.Random(seed)
    named = _named_dag(rng, n)
    scope = Scope(VARS, [], named)
    cond = compile_condition(f"c{n - 1} or c{rng.randrange(n)}", scope)
    assert scope.named_compiles <= n
    size = sum(len(t.split()) for t in named.values()) + 3
    for _ in range(8):
        values = {v: rng.random() < 0.5 for v in VARS}
        CountingState.reads = 0
        got = cond.fn(CountingState(values), Facts(1, {}))
        memo: dict = {}
        want = _reference(named, values, f"c{n - 1}", memo) or _reference(named, values, cond.source.split()[-1], memo)
        assert got == want
        assert CountingState.reads <= size  # linear in the file, whatever the sharing


def test_named_conditions_nested_beyond_the_stack_are_a_positioned_error():
    r = what_if("validate", "/dev/stdin", input=named_file(300), timeout=120)  # a pipe is read
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "named conditions nested too deeply" in r.stderr and ":" in r.stderr.splitlines()[0]


def test_deep_branch_chains_run_without_recursion(tmp_path):
    p = tmp_path / "deep.yaml"
    p.write_text(branches_file(600, chain=True))
    last = "b599"
    r = what_if("run", p, "--branch", last, "--format", "json")
    assert r.returncode == 0, r.stderr[-500:]
    code, out, err = in_process("branches", p)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 602 and f"[{last}," in lines[-1] and "(level 600)" in lines[-1]
    assert len(lines[-1]) < 300  # drawn at a bounded indentation
    for args in (["diff", p, last], ["explain", p, "--branch", last, "u2_photos"]):
        code, out, err = in_process(*args)
        assert code == 0 and out, err


def test_screenshot_size_is_bounded(tmp_path):
    r = what_if(Path(__file__).resolve().parents[2] / "scenarios" / "missile_crisis.yaml", "--screenshot",
                tmp_path / "s.png", "--size", "100000x100000")
    assert r.returncode == 2
    assert "at most" in one_line(r.stderr)
    assert not (tmp_path / "s.png").exists()
