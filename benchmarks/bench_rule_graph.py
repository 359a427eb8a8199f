"""The author's rule graph: how readable the whole-graph view is and how fast it is laid out.

    python benchmarks/bench_rule_graph.py [--rules 2000] [--repeat 5]

Prints, for the bundled scenario (193 rules) and a synthetic one (`--rules`):
- `nodes`, `edges`, `columns`, `rows` of the whole-graph drawing;
- `crossings`: pairs of edges whose drawn lines cross, counted the same way for any drawing: between
  each pair of neighbouring columns, every edge over that gap (a straight line between its ends, or
  through its bends) is cut at both columns and the pairs whose order flips are counted. Edges within
  one column are not counted. `crossings_unordered` is the new layout before its sweeps;
- `layout_ms`: CPU time (time.process_time) of `RuleGraph.whole()`, best of `--repeat`.
With `--old REV` (e.g. `--old 631cf81`) the same figures for that revision's `whole()`, which drew
every rule and variable and all edges in columns centred on the middle row.
"""
from __future__ import annotations

import argparse
import bisect
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("OLD_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))


def drawing_crossings(points: dict, lines: list[list]) -> int:
    """`points`: key -> (x, y); `lines`: each edge as its list of (x, y) points, left to right or not.
    Crossings counted gap by gap between neighbouring x values (see the module's docstring)."""
    xs = sorted({x for x, _ in points.values()})
    gap_of = {x: i for i, x in enumerate(xs)}
    per_gap: dict[int, list] = {}
    for pts in lines:
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            if x0 == x1:
                continue
            if x1 < x0:
                (x0, y0), (x1, y1) = (x1, y1), (x0, y0)
            for g in range(gap_of[x0], gap_of[x1]):
                a, b = xs[g], xs[g + 1]
                ya = y0 + (y1 - y0) * (a - x0) / (x1 - x0)
                yb = y0 + (y1 - y0) * (b - x0) / (x1 - x0)
                per_gap.setdefault(g, []).append((ya, yb))
    return sum(_inversions([b for _, b in sorted(segs)]) for segs in per_gap.values())


def _inversions(xs: list) -> int:
    """Pairs i < j with xs[i] > xs[j] (merge sort)."""
    if len(xs) < 2:
        return 0
    mid = len(xs) // 2
    left, right = xs[:mid], xs[mid:]
    n = _inversions(left) + _inversions(right)
    left.sort()
    right.sort()
    for y in right:  # how many of the left are greater than each of the right
        n += len(left) - bisect.bisect_right(left, y)
    return n


def figures(graph, whole, old: bool) -> dict:
    best = float("inf")
    for _ in range(ARGS.repeat):
        getattr(graph, "_wholes", {}).clear()  # a graph keeps its layouts: time the computing
        t = time.process_time()
        lay = whole()
        best = min(best, time.process_time() - t)
    if old:  # the old view centred each column on the middle row
        height: dict = {}
        for p in lay.nodes:
            height[p.col] = height.get(p.col, 0) + 1
        pts = {p.node.key: (p.col, p.row - (height[p.col] - 1) / 2) for p in lay.nodes}
    else:
        band_of = {r: i for i, b in enumerate(lay.bands) for r in range(b.row, b.row + b.rows)}
        pts = {p.node.key: (p.col, p.row + band_of[p.row] * 0.52) for p in lay.nodes}
    routes = getattr(lay, "routes", {})
    lines = []
    for i, e in enumerate(lay.edges):
        a, b = sorted((pts[e.source], pts[e.target]))  # routes run left to right
        bends = [(c, y + band * 0.52) for c, y, band in routes.get(i, ())]  # + the band gaps (26 px of 50)
        lines.append([a] + bends + [b])
    out = {"nodes": len(lay.nodes), "edges": len(lay.edges), "columns": len({p.col for p in lay.nodes}),
           "rows": len({p.row for p in lay.nodes}), "crossings": drawing_crossings(pts, lines),
           "layout_ms": round(best * 1000, 1)}
    if hasattr(lay, "crossings_unordered"):
        out["crossings_unordered (bilayer)"] = lay.crossings_unordered
        out["crossings_after_sweeps (bilayer)"] = lay.crossings
    return out


def scenarios():
    from explorer.core import load_scenario
    from benchmarks.synthetic import make_scenario
    yield "bundled", load_scenario(ROOT / "scenarios" / "trotsky_mexico.yaml")
    yield f"synthetic_{ARGS.rules}", make_scenario(ARGS.rules, 200, 1, 1)


def run_old(rev: str) -> None:
    """The old revision's whole() on the same scenarios, in a child process over a temporary worktree."""
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"rule-graph-old-{rev}"
    if not tmp.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tmp), rev], check=True,
                       capture_output=True)
    try:
        env = dict(os.environ, PYTHONPATH=str(tmp), OLD_ROOT=str(tmp))
        subprocess.run([sys.executable, __file__, "--rules", str(ARGS.rules), "--repeat", str(ARGS.repeat),
                        "--as-old"], env=env, check=True, cwd=str(tmp))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmp)], capture_output=True)


def main() -> None:
    from explorer.core.program import program_of
    from explorer.core.rule_graph import rule_graph
    which = "old" if ARGS.as_old else "new"
    for name, sc in scenarios():
        g = rule_graph(program_of(sc))
        for k, v in figures(g, g.whole, ARGS.as_old).items():
            print(f"{which} {name} {k}: {v}")
    if ARGS.old:
        run_old(ARGS.old)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--old", metavar="REV", help="also measure that revision's whole() (e.g. 631cf81)")
    ap.add_argument("--as-old", action="store_true", help=argparse.SUPPRESS)
    ARGS = ap.parse_args()
    main()
