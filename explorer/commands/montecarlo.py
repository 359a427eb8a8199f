"""`what-if montecarlo`: how likely each event and outcome is across many sampled runs."""
from __future__ import annotations

import json
import sys

from ..cli import add_branch, add_format, add_scenario, register
from ..core.errors import ExplorerError


def run(args) -> int:
    from ..core import load_scenario
    from ..core.montecarlo import monte_carlo
    if args.runs < 1:
        raise ExplorerError("--runs must be at least 1")
    if args.jobs < 1:
        raise ExplorerError("--jobs must be at least 1")
    sc = load_scenario(args.scenario)
    mc = monte_carlo(sc, args.branch, args.runs, args.seed, args.jobs)
    data = mc.to_dict()
    if args.output:
        from ..core.saving import atomic_write
        atomic_write(args.output, json.dumps(data, indent=2, ensure_ascii=False))
        print(f"wrote {args.output}", file=sys.stderr)
    if args.format == "json" and not args.output:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif not args.output:
        print(f"{sc.title} — branch {args.branch}: {mc.runs} sampled runs from seed {args.seed}")
        for e in data["events"]:
            outs = ", ".join(f"{k} {v:.0%}" for k, v in e["outcomes"].items())
            print(f"{e['probability']:6.0%}  {e['date_p50'] or '':10}  {e['title']}" + (f"  ({outs})" if outs else ""))
    return 0


@register("montecarlo", "probabilities of events and outcomes across many sampled runs")
def configure(p) -> None:
    add_scenario(p)
    add_branch(p)
    p.add_argument("--runs", type=int, default=100, metavar="N", help="how many sampled runs (default 100)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="first random seed; run k uses seed S+k (default 0)")
    p.add_argument("--jobs", type=int, default=1, metavar="J", help="worker processes (default 1)")
    add_format(p, help_text="output format when there is no -o (default text)")
    p.add_argument("-o", "--output", metavar="OUT.json", help="write the JSON summary to this file")
    p.set_defaults(func=run)
