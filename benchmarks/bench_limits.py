"""Limits: files that are valid but large or deep. Prints one line per figure, `name: value unit`.

    python benchmarks/bench_limits.py [--branches 10000] [--depth 1000] [--named 90]

- `branches_N`: `what-if branches` (text) on the missile-crisis scenario with N branches, each forking
  from a random earlier one: load, compute every branch, print the tree (the issue measured 170 s
  for 10,000 before the look-ups by id and the tree walk stopped being quadratic).
- `run_depth_N`: `what-if run` of the last branch of a chain N levels deep (a RecursionError before
  the ancestors were computed in a loop).
- `named_chain_N`: compile and run a file whose named conditions each use the one before twice
  (`cN: cN-1 and cN-1`); exponential before named conditions were compiled once and memoised. Also
  prints how many named bodies were compiled (N means linear).
"""
from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEAD = (ROOT / "scenarios" / "missile_crisis.yaml").read_text().partition("\nbranches:\n")[0]


def branches_file(n: int, chain: bool, seed: int = 1) -> str:
    rng = random.Random(seed)
    lines = [HEAD, "", "branches:"]
    for i in range(n):
        lines.append(f"  - id: b{i}")
        parent = (f"b{i - 1}" if i else None) if chain else (f"b{rng.randrange(i)}" if i and rng.random() < 0.7
                                                               else None)
        if parent:
            lines.append(f"    parent: {parent}")
        lines.append(f"    label: Branch {i}")
        lines.append("    divergences: [{set: {tension: %d}, on: 1962-%02d-%02d}]"
                     % (rng.randrange(100), rng.randrange(10, 13), rng.randrange(1, 29)))
    return "\n".join(lines) + "\n"


def named_file(n: int) -> str:
    conds = "\n".join(["  c0: tension > 10"] + [f"  c{i}: c{i - 1} and c{i - 1}" for i in range(1, n)])
    return (HEAD.partition("\nconditions:\n")[0] + f"\nconditions:\n{conds}\n\nevents:\n"
            + HEAD.partition("\nevents:\n")[2].replace("when: crisis_open", f"when: c{n - 1}"))


def cli(*argv) -> float:
    from explorer.cli import main
    t = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        code = main([str(a) for a in argv])
    if code != 0:
        raise SystemExit(f"what-if {' '.join(map(str, argv))} exited {code}")
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=10_000)
    ap.add_argument("--depth", type=int, default=1000)
    ap.add_argument("--named", type=int, default=90)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        wide = Path(d) / "wide.yaml"
        wide.write_text(branches_file(args.branches, chain=False))
        print(f"branches_{args.branches}: {cli('branches', wide):.2f} s")
        deep = Path(d) / "deep.yaml"
        deep.write_text(branches_file(args.depth, chain=True))
        print(f"run_depth_{args.depth}: {cli('run', deep, '--branch', f'b{args.depth - 1}'):.2f} s")
        from explorer.core import Workspace, load_scenario_text
        from explorer.core.conditions import Scope
        made = []
        real_init = Scope.__init__

        def counting_init(self, *a, **kw):
            real_init(self, *a, **kw)
            made.append(self)
        Scope.__init__ = counting_init
        t = time.perf_counter()
        ws = Workspace(load_scenario_text(named_file(args.named)))
        ws.timeline("baseline")
        Scope.__init__ = real_init
        print(f"named_chain_{args.named}: {time.perf_counter() - t:.3f} s, "
              f"{sum(s.named_compiles for s in made)} named bodies compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
