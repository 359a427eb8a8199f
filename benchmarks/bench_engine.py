"""Engine benchmarks. Prints one line per figure, `name: value unit`; ratios come from one run.

    python benchmarks/bench_engine.py [--quick] [--rules 10000]

Targets (issue 14): full propagation of 10,000 rules <= 0.15 s; a branch diverging at 90% of the
timeline restarts >= 20x faster than a full re-run (`restart_speedup_at_90pct`: the branch is in the
scenario when its parent runs, so it restarts on its fork day; `..._added_later`: a branch added once its
parent has run restarts from the last regular checkpoint before its fork). `late_branch_firings_redone`
says how many firings follow the fork and how many differ from the parent's; `late_branch_reuse` how much
of the parent's run the restart walked (core/reuse.py) and how much it simulated itself (see
docs/architecture.md, "Restarts"). Earlier (issue 2): indexed waking >= 20x faster than
re-testing every waiting rule after each firing; compiled conditions >= 10x faster than simpleeval (used
through its API, which parses each time; the figure against simpleeval given a pre-parsed tree is printed too).

Times are CPU time of this process (time.process_time), the best of several runs: on a shared machine
wall-clock time measures the neighbours too. `condition_tests_*` count agenda entries processed (a
waiting plain conjunction is re-tested only when the one false conjunct it watches turns true).
"""
from __future__ import annotations

import argparse
import copy
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.synthetic import late_branch, make_scenario  # noqa: E402
from explorer.core import Workspace, build_program, run_program  # noqa: E402
from explorer.core.conditions import Facts  # noqa: E402


clock = time.process_time  # CPU time: see the module's docstring


def best_pair(fa, fb, repeat: int) -> tuple[float, float]:
    """Best times of two functions measured alternately, so that a noisy machine hits both alike."""
    ta, tb = [], []
    for _ in range(repeat):
        for fn, out in ((fa, ta), (fb, tb)):
            t0 = clock()
            fn()
            out.append(clock() - t0)
    return min(ta), min(tb)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repetitions; under a minute")
    ap.add_argument("--rules", type=int, default=10_000)
    ap.add_argument("--vars", type=int, default=200)
    args = ap.parse_args()
    repeat = 3 if args.quick else 7

    sc = make_scenario(args.rules, args.vars, 1)
    sc.branches.append(late_branch(sc, 0.9))
    compile_times = []
    for _ in range(repeat):  # best of N, as every figure here (one run swung 0.20-0.34 s)
        # build_program caches the program on its scenario: the previous one is dropped before the clock
        # starts (freeing 10,000 compiled rules took 35 ms of what this figure used to include; a file
        # being opened has no previous program to free)
        sc.__dict__.pop("_program", None)
        t0 = clock()
        program = build_program(sc)
        compile_times.append(clock() - t0)
    print(f"compile_{args.rules}_rules: {min(compile_times):.3f} s (scenario model -> runnable program, "
          f"best of {repeat}; each: {' '.join(f'{t:.3f}' for t in compile_times)})")

    full = best(lambda: run_program(program), repeat)
    result = run_program(program)
    print(f"full_propagation_{args.rules}_rules: {full:.3f} s")
    print(f"firings: {len(result.firings)} events")
    print(f"lapses: {len(result.lapses)} events")
    print(f"checkpoints: {len(result.checkpoints)} count")

    # restart at 90%: a branch from its parent's checkpoint, against the same branch from the start. The
    # branch is in the scenario when its parent runs, so the parent keeps a checkpoint on its fork day
    # (Workspace._fork_days); a branch added once its parent has run (the app's What if...) restarts from
    # the last regular checkpoint before its fork: both are printed.
    ws = Workspace(sc)
    ws.timeline("baseline")
    late_key = lambda w: next((k for k in w._cache if k.branch == "late"), None)  # noqa: E731, SLF001
    def restart():
        ws._cache.pop(late_key(ws), None)  # noqa: SLF001
        ws.timeline("late")
    ws.timeline("late")
    added = Workspace(copy.copy(sc))
    added.scenario.branches = [b for b in sc.branches if b.id != "late"]
    added.replace_scenario(copy.copy(added.scenario))
    added.timeline("baseline")  # run before the branch exists: regular checkpoints only
    added.replace_scenario(sc)  # the edit that adds the branch keeps the baseline's run
    def restart_added():
        added._cache.pop(late_key(added), None)  # noqa: SLF001
        added.timeline("late")
    restart_added()
    t_restart, t_full_branch = best_pair(restart, lambda: ws.full_run("late"), 3 * repeat)
    t_added, t_full_again = best_pair(restart_added, lambda: ws.full_run("late"), 3 * repeat)
    t_full_branch = min(t_full_branch, t_full_again)
    late, parent = ws.timeline("late"), ws.timeline("baseline")
    assert [f.key for f in late.firings] == [f.key for f in ws.full_run("late").firings]
    assert late.firings == added.timeline("late").firings
    fork = min(d.ordinal for d in late.own_divergences)
    after = [f for f in late.firings if f.ordinal >= fork]
    same = {(f.event, f.ordinal, f.outcome, f.changes) for f in parent.firings if f.ordinal >= fork}
    print(f"late_branch_restart: {t_restart * 1000:.1f} ms")
    print(f"late_branch_restart_added_later: {t_added * 1000:.1f} ms")
    print(f"late_branch_full_rerun: {t_full_branch * 1000:.1f} ms")
    print(f"late_branch_firings_redone: {len(after)} events "
          f"({sum((f.event, f.ordinal, f.outcome, f.changes) not in same for f in after)} unlike the parent's)")
    st = late.result.stats  # reuse.py: how much of the parent's run the restart walked and what it simulated
    print(f"late_branch_reuse: {st['parent steps']} parent steps walked, {st['tainted rules']} rules simulated, "
          f"{st['tests']} agenda tests")
    print(f"restart_speedup_at_90pct: {t_full_branch / t_restart:.1f} x")
    print(f"restart_speedup_at_90pct_added_later: {t_full_branch / t_added:.1f} x")

    # indexed waking against re-testing every waiting rule after each firing (same scenario)
    naive, full = best_pair(lambda: run_program(program, naive=True), lambda: run_program(program),
                            1 if args.quick else 3)
    n = run_program(program, naive=True)
    assert [(f.event, f.ordinal, f.outcome) for f in n.firings] == \
        [(f.event, f.ordinal, f.outcome) for f in result.firings]
    print(f"naive_propagation: {naive:.3f} s")
    print(f"condition_tests_indexed: {result.stats['tests']} tests")
    print(f"condition_tests_naive: {n.stats['tests']} tests")
    print(f"indexed_speedup_vs_naive: {naive / full:.1f} x")

    # compiled conditions against simpleeval (given the parsed AST, so only evaluation is compared)
    import ast

    from simpleeval import SimpleEval
    rules = program.rules[: 2000 if args.quick else 5000]
    state = dict(program.initial)
    facts = Facts(program.start, {})
    fired = set()
    se = SimpleEval(names=state, functions={"happened": lambda e: e in fired})
    parsed = [ast.parse(r.rule.when.strip()).body[0].value for r in rules]

    def compiled():
        for r in rules:
            r.cond.fn(state, facts)

    def simple():
        for tree, r in zip(parsed, rules):
            se.expr = r.rule.when
            se._eval(tree)  # noqa: SLF001 - evaluate the pre-parsed tree: the fairest comparison
    for tree, r in zip(parsed, rules):  # same answers
        se.expr = r.rule.when
        assert bool(se._eval(tree)) == bool(r.cond.fn(state, facts)), r.rule.when  # noqa: SLF001
    def simple_api():
        for r in rules:
            se.eval(r.rule.when)  # simpleeval as documented: parse and evaluate
    import gc
    gc.collect()
    gc.disable()  # as timeit does: a micro-benchmark of evaluation, not of the collector
    try:
        t_c = best(compiled, repeat * 2)
        t_s = best(simple_api, repeat)
        t_p = best(simple, repeat)
    finally:
        gc.enable()
    print(f"compiled_conditions: {t_c / len(rules) * 1e6:.2f} us/eval")
    print(f"simpleeval_conditions: {t_s / len(rules) * 1e6:.2f} us/eval")
    print(f"simpleeval_preparsed_conditions: {t_p / len(rules) * 1e6:.2f} us/eval")
    print(f"compiled_speedup_vs_simpleeval: {t_s / t_c:.1f} x")
    print(f"compiled_speedup_vs_simpleeval_preparsed: {t_p / t_c:.1f} x")


if __name__ == "__main__":
    main()
