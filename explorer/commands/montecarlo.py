"""`what-if montecarlo`: how likely each event and outcome is across many sampled runs."""
from __future__ import annotations

import json
import sys

from ..cli import add_branch, add_format, add_scenario, branch_words, register
from ..core.errors import ExplorerError
from .progress import add_executor_options, executor_for, progress_bar

BAND_COLUMNS = 5  # dates across the scenario at which the text output shows each variable's band


def run(args) -> int:
    from ..core import load_scenario
    from ..core.montecarlo import monte_carlo
    if args.runs < 1:
        raise ExplorerError("--runs must be at least 1")
    if args.output:
        from ..core.files import check_target
        check_target(args.output, inputs=[args.scenario])  # before the runs: not over the scenario, ...
    sc = load_scenario(args.scenario)
    with executor_for(args, sc) as ex, progress_bar(f"montecarlo {args.branch}") as progress:
        mc = monte_carlo(sc, args.branch, args.runs, args.seed, executor=ex, progress=progress)
    data = mc.to_dict()
    if args.output:
        from ..core.files import atomic_write
        atomic_write(args.output, json.dumps(data, indent=2, ensure_ascii=False))
        print(f"wrote {args.output}", file=sys.stderr)
    if args.format == "json" and not args.output:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif not args.output:
        print_text(sc, mc, data, args)
    return 0


def print_text(sc, mc, data: dict, args) -> None:
    from ..core.prose import outcome_words, quote
    print(f"{sc.title} — {branch_words(sc, args.branch)}: {mc.runs} sampled runs from seed {args.seed}")
    print("P(at least once)  median date  event  [mean times per run, for events that repeat]")
    for e in data["events"]:
        outs = ", ".join(f"{quote(outcome_words(sc, e['id'], k))} {v:.0%}" for k, v in e["outcomes"].items())
        times = f"  ×{e['mean_times']:.2f} per run" if e["mean_times"] > e["probability"] + 1e-9 else ""
        print(f"{e['probability']:6.0%}  {e['date_p50'] or '':10}  {e['title']}" + (f"  ({outs})" if outs else "")
              + times)
    _print_bands(sc, mc)
    if mc.finals:
        print("Final values (share of runs):")
        for var, counts in mc.finals.items():
            parts = ", ".join(f"{_show(sc, var, k)} {v / mc.runs:.0%}" for k, v in counts.most_common())
            print(f"  {sc.variables[var].title}: {parts}")


def _print_bands(sc, mc) -> None:
    """Each number variable's median and 10–90% band at a few dates; variables that never vary skipped."""
    n = len(mc.grid)
    cols = sorted({round(i * (n - 1) / (BAND_COLUMNS - 1)) for i in range(BAND_COLUMNS)})
    rows = []
    for var, band in mc.bands.items():
        lo, mid, hi = mc.band(var, 0.1), mc.band(var, 0.5), mc.band(var, 0.9)
        if min(lo) == max(hi):
            continue
        cells = [_cell(lo[c], mid[c], hi[c]) for c in cols]
        rows.append((sc.variables[var].title, cells))
    if not rows:
        return
    print("Number variables: median [10%–90%] across runs")
    width = max(len(r[0]) for r in rows)
    cell_w = max(len(c) for r in rows for c in r[1])
    print(f"  {'':{width}}  " + "  ".join(f"{mc.grid[c].isoformat():>{cell_w}}" for c in cols))
    for title, cells in rows:
        print(f"  {title:{width}}  " + "  ".join(f"{c:>{cell_w}}" for c in cells))
    skipped = len(mc.bands) - len(rows)
    if skipped:
        print(f"  ({skipped} number variable{'s' if skipped != 1 else ''} the same in every run not shown)")


def _cell(lo: float, mid: float, hi: float) -> str:
    f = lambda x: f"{x:g}"  # noqa: E731
    return f(mid) if lo == hi else f"{f(mid)} [{f(lo)}–{f(hi)}]"


def _show(sc, var: str, value) -> str:
    return sc.variables[var].show(value)


@register("montecarlo", "probabilities of events and outcomes across many sampled runs")
def configure(p) -> None:
    p.description = ("Run a branch N times with chance on (run k uses seed S+k) and print how likely each "
                     "event is, its median date, outcome shares, how often repeatable events fire, and "
                     "the 10–90% bands of the number variables.")
    add_scenario(p)
    add_branch(p)
    p.add_argument("--runs", type=int, default=100, metavar="N", help="how many sampled runs (default 100)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="first random seed; run k uses seed S+k (default 0)")
    add_executor_options(p)
    add_format(p, help_text="output format when there is no -o (default text)")
    p.add_argument("-o", "--output", metavar="OUT.json", help="write the JSON summary to this file")
    p.set_defaults(func=run)
