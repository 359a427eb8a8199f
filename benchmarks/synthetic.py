"""Synthetic scenarios for benchmarks: N rules over V number variables, with B branches.

Deterministic for a given seed. Rules mix `on`, `between` and `after` timings; conditions read one to
three variables (and sometimes happened()), so many rules wait and are woken by later changes.

As a command it writes the scenario as a YAML file, the way a user would meet it:

    python benchmarks/synthetic.py --rules 10000 [--vars 200] [--branches 20] [--seed 1] -o big.yaml
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from explorer.core.dates import Duration
from explorer.core.model import (BASELINE, Branch, Divergence, Effect, EventRule, Outcome, Scenario, Timing,
                                 Variable)

START = dt.date(1940, 1, 1)
END = dt.date(1950, 12, 31)


def make_scenario(n_rules: int = 10_000, n_vars: int = 200, n_branches: int = 1, seed: int = 1) -> Scenario:
    rng = random.Random(seed)
    span = (END - START).days
    sc = Scenario(id="synthetic", title=f"Synthetic {n_rules} rules", start=START, end=END)
    names = [f"v{i:03d}" for i in range(n_vars)]
    for n in names:
        sc.variables[n] = Variable(n, "number", rng.randint(20, 60), label=n, min=0, max=100)
    # rules sorted by an anchor date, so `after` points backwards and the history unrolls in order
    anchors = sorted(rng.randrange(span) for _ in range(n_rules))
    for i, a in enumerate(anchors):
        kind = rng.random()
        if kind < 0.15 and i >= 10:
            t = Timing("open")  # "whenever the world gets there": waits the whole run
        elif kind < 0.5:
            window = rng.randint(30, 3 * 365)
            t = Timing("between", START + dt.timedelta(a), min(END, START + dt.timedelta(a + window)))
        elif kind < 0.75 or i < 10:
            d = START + dt.timedelta(a)
            t = Timing("on", d, d)
        else:
            prev = rng.randrange(max(0, i - 50), i)
            t = Timing("after", event=f"e{prev:05d}", delay=Duration(days=rng.randint(1, 200)),
                       within=Duration(days=rng.randint(0, 90)))
        terms = []
        for v in rng.sample(names, rng.randint(1, 3)):
            op = rng.choice((">=", "<"))
            terms.append(f"{v} {op} {rng.randint(25, 75)}")
        if i > 20 and rng.random() < 0.2:
            terms.append(f'happened("e{rng.randrange(0, i):05d}")')
        effects = [Effect("add", v, rng.choice((-1, 1)) * rng.randint(3, 15))
                   for v in rng.sample(names, rng.randint(1, 2))]
        rule = EventRule(f"e{i:05d}", title=f"Event {i}", timing=t, when=" and ".join(terms),
                         effects=effects, tags=[rng.choice(("politics", "economy", "military"))])
        if rng.random() < 0.05:
            rule.outcomes = [Outcome("a", "A", weight=2, effects=[Effect("add", rng.choice(names), 5)]),
                             Outcome("b", "B", weight=1, effects=[Effect("add", rng.choice(names), -5)])]
        sc.events.append(rule)
    sc.branches.append(Branch(BASELINE, None, "Baseline"))
    ids = [BASELINE]
    for b in range(1, n_branches):
        parent = rng.choice(ids[-20:]) if rng.random() < 0.5 else BASELINE
        when = START + dt.timedelta(rng.randrange(span // 10, span))
        var = rng.choice(names)
        div = Divergence("set", values={var: rng.randint(0, 100)}, on=when, label=f"{var} shifts in {when.year}")
        sc.branches.append(Branch(f"b{b:03d}", parent, f"Branch {b}: {var} shifts in {when.year}",
                                  divergences=[div]))
        ids.append(f"b{b:03d}")
    return sc


def late_branch(sc: Scenario, fraction: float = 0.9) -> Branch:
    """A branch diverging at `fraction` of the timeline: the restart-at-checkpoint case."""
    when = sc.start + dt.timedelta(int((sc.end - sc.start).days * fraction))
    var = next(iter(sc.variables))
    return Branch("late", BASELINE, "Late divergence",
                  divergences=[Divergence("set", values={var: 99}, on=when, label="late change")])


def write_scenario(path: str, n_rules: int = 10_000, n_vars: int = 200, n_branches: int = 20,
                   seed: int = 1) -> str:
    """Write make_scenario(...) as a scenario file (the app's own writer); return the path."""
    from explorer.core.files import atomic_write
    from explorer.core.emit import scenario_to_text
    text = scenario_to_text(make_scenario(n_rules, n_vars, n_branches, seed),
                            header=f"# synthetic: {n_rules} rules, {n_vars} variables, {n_branches} branches, "
                                   f"seed {seed} (benchmarks/synthetic.py)\n")
    atomic_write(path, text)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a synthetic scenario file for benchmarks.")
    ap.add_argument("--rules", type=int, default=10_000, help="number of event rules (default 10000)")
    ap.add_argument("--vars", type=int, default=200, help="number of world variables (default 200)")
    ap.add_argument("--branches", type=int, default=20, help="branches, the baseline included (default 20)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True, metavar="FILE", help="the .yaml file to write")
    args = ap.parse_args(argv)
    write_scenario(args.output, args.rules, args.vars, args.branches, args.seed)
    size = os.path.getsize(args.output)
    print(f"{args.output}: {args.rules} rules, {args.vars} variables, {args.branches} branches, "
          f"{size / 1048576:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
