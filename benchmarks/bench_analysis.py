"""Analysis benchmarks on the bundled scenario. Prints `name: value unit`; ratios come from one run.

    python benchmarks/bench_analysis.py [--only mc,depth,jobs,sensitivity,search,dask]

mc:          1,000 sampled runs of the baseline with --jobs 1 (target <= 2 s) and the ratio to one
             engine run (sampled, the same seed 0), measured alternately.
jobs:        the same 1,000 runs with --jobs 2; the speed-up over --jobs 1.
depth:       200 runs of the baseline and of a branch two levels down (cost must not grow with depth).
sensitivity: `sensitivity --goal trotsky.alive` in likely mode, and with --runs 50.
search:      `search --goal trotsky.alive` (K = 2, 3 results).
dask:        the 1,000-run sweep on a LocalCluster of 2 worker processes on 127.0.0.1 against the
             local process pool with 2 workers.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from explorer.core import load_scenario, program_of, run_program  # noqa: E402
from explorer.core.montecarlo import monte_carlo  # noqa: E402

SCENARIO = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scenarios",
                        "trotsky_mexico.yaml")


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool's workers, once joined)."""
    import resource
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="mc,jobs,depth,sensitivity,search,dask")
    ap.add_argument("--runs", type=int, default=1000)
    args = ap.parse_args()
    only = set(args.only.split(","))
    sc = load_scenario(SCENARIO)
    program = program_of(sc)
    n = args.runs

    if "mc" in only or "jobs" in only:
        one = min(timed(lambda: run_program(program, [], mode="sampled", seed=0))[0] for _ in range(20))
        c0 = cpu_seconds()
        t1, _ = timed(lambda: monte_carlo(sc, "baseline", n, 0, 1))
        c1 = cpu_seconds() - c0
        print(f"one_sampled_run: {one * 1000:.2f} ms")
        print(f"montecarlo_{n}_runs_jobs1: {t1:.2f} s")
        print(f"montecarlo_{n}_runs_vs_one_run: {t1 / one:.0f}x")
        c0 = cpu_seconds()
        for s in range(50):
            run_program(program, [], mode="sampled", seed=s)
        one_cpu = (cpu_seconds() - c0) / 50
        print(f"montecarlo_{n}_runs_jobs1_cpu: {c1:.2f} s")
        print(f"montecarlo_{n}_runs_vs_one_run_cpu: {c1 / one_cpu:.0f}x (one run {one_cpu * 1000:.2f} ms of CPU; "
              "CPU time does not count other programs' load)")
        if "jobs" in only:
            c0 = cpu_seconds()
            t2, _ = timed(lambda: monte_carlo(sc, "baseline", n, 0, 2))
            c2 = cpu_seconds() - c0
            print(f"montecarlo_{n}_runs_jobs2: {t2:.2f} s")
            print(f"montecarlo_{n}_runs_jobs2_cpu: {c2:.2f} s (parent and workers; the pool adds "
                  f"{100 * (c2 / c1 - 1):+.0f}% work)")
            print(f"jobs2_speedup_over_jobs1: {t1 / t2:.2f}x (machine load {os.getloadavg()[0]:.1f} on "
                  f"{os.cpu_count()} CPUs)")

    if "depth" in only:
        tb, _ = timed(lambda: monte_carlo(sc, "baseline", 200, 0, 1))
        td, _ = timed(lambda: monte_carlo(sc, "coup-stalin-stands-firm", 200, 0, 1))
        print(f"montecarlo_200_runs_baseline: {tb:.2f} s")
        print(f"montecarlo_200_runs_depth2_branch: {td:.2f} s")
        print(f"depth2_vs_baseline: {td / tb:.2f}x")

    if "sensitivity" in only:
        from explorer.core.sensitivity import sensitivity
        ts, res = timed(lambda: sensitivity(sc, "baseline", "trotsky.alive"))
        print(f"sensitivity_likely_trotsky_alive: {ts:.2f} s ({len(res.effects)} candidates)")
        ts, res = timed(lambda: sensitivity(sc, "baseline", "trotsky.alive", runs=50, jobs=2))
        print(f"sensitivity_50_runs_jobs2_trotsky_alive: {ts:.2f} s ({len(res.effects)} candidates)")

    if "search" in only:
        from explorer.core.search import search
        tq, res = timed(lambda: search(sc, "baseline", "trotsky.alive"))
        print(f"search_likely_trotsky_alive: {tq:.2f} s ({len(res.results)} results, "
              f"{res.evaluated} sets tried)")
        goal = 'trotsky.alive and mexico.regime == "workers_republic"'
        tq, res = timed(lambda: search(sc, "stalin-coup-succeeds", goal, timeout=120))
        print(f"search_likely_from_stalin_coup_alive_and_republic: {tq:.2f} s ({len(res.results)} results, "
              f"{res.evaluated} sets tried, sizes {[len(f.members) for f in res.results]})")

    if "dask" in only:
        from distributed import LocalCluster
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            tp, a = timed(lambda: monte_carlo(sc, "baseline", n, 0, 2))
            tdk, b = timed(lambda: monte_carlo(sc, "baseline", n, 0, scheduler=cluster.scheduler_address))
            assert a.to_dict() == b.to_dict()
            print(f"montecarlo_{n}_runs_process_pool_2: {tp:.2f} s")
            print(f"montecarlo_{n}_runs_dask_localcluster_2: {tdk:.2f} s")
            print(f"dask_vs_pool: {tdk / tp:.2f}x (same numbers: yes)")


if __name__ == "__main__":
    main()
