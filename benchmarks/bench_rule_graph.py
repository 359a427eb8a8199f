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

With `--gui` (the app's side, offscreen unless QT_QPA_PLATFORM says otherwise): the main window at
`--size` (1280x800) on each scenario, the Rule Graph pane in front, then Whole graph ticked by a click and
the view painted (`viewport().repaint()`, what the first paint after the click does), timed as the GUI
thread's CPU time (time.thread_time: the app's worker threads are not counted) from the click to the end
of that paint:
- `gui_layout_ahead_ms`: wall time from the pane's first drawing until the whole layout, made ahead in
  a thread for big graphs, is ready (0: not made ahead);
- `gui_whole_first_ms`: the first tick, once the layout is ready (a user takes longer to reach the box);
- `gui_whole_ms`: best of `--repeat` ticks after it (unticked in between; the layout is kept);
- `gui_whole_unready_ms`: a tick with the layout not made yet (cache emptied: computed in the tick);
- `gui_fit_first_ms`: a click on Fit (the whole graph in view, zoomed out) and its paint;
- `gui_fit_paint_ms`: best of `--repeat` paints after it;
- `gui_hover_ms`: the pointer moved onto a box (its neighbours lit) and painted, best of `--repeat`.
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


def gui() -> None:
    """The GUI figures (see the module's docstring)."""
    import tempfile
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QToolButton
    from benchmarks.synthetic import make_scenario
    from explorer.core.emit import scenario_to_text
    from explorer.ui.app import make_application
    from explorer.ui.main_window import MainWindow
    make_application()
    tmp = Path(tempfile.mkdtemp())
    synth = tmp / f"s{ARGS.rules}.yaml"
    synth.write_text(scenario_to_text(make_scenario(ARGS.rules, 200, 1, 1)))
    width, height = (int(v) for v in ARGS.size.split("x"))
    for name, path in (("bundled", ROOT / "scenarios" / "trotsky_mexico.yaml"), (f"synthetic_{ARGS.rules}", synth)):
        w = MainWindow(settings=QSettings(str(tmp / "settings.ini"), QSettings.IniFormat))
        assert w.open_path(path)
        w.resize(width, height)
        w.show()
        w.show_rule_graph()
        pane = w.rule_graph
        t0 = time.perf_counter()
        while pane.layout_ is None and time.perf_counter() - t0 < 10:
            QApplication.processEvents()
        t0 = time.perf_counter()
        ahead = getattr(pane, "_ahead", None) is not None
        while ahead and pane._ahead[2].is_alive() and time.perf_counter() - t0 < 10:
            QApplication.processEvents()
        waited = time.perf_counter() - t0 if ahead else 0
        box, vp = pane.whole_box, pane.view.viewport()

        def tick():
            t = time.thread_time()
            QTest.mouseClick(box, Qt.LeftButton, Qt.NoModifier, box.rect().center())
            vp.repaint()
            return time.thread_time() - t

        times = []
        for i in range(ARGS.repeat + 1):
            times.append(tick())
            assert pane.layout_.bands
            if i < ARGS.repeat:
                QTest.mouseClick(box, Qt.LeftButton, Qt.NoModifier, box.rect().center())
                QApplication.processEvents()
        print(f"gui {name} {width}x{height} rules: {len(pane.layout_.nodes)} edges: {len(pane.layout_.edges)}")
        print(f"gui {name} gui_layout_ahead_ms: {waited * 1000:.1f}")
        print(f"gui {name} gui_whole_first_ms: {times[0] * 1000:.1f}")
        print(f"gui {name} gui_whole_ms: {min(times[1:]) * 1000:.1f}")
        QTest.mouseClick(box, Qt.LeftButton, Qt.NoModifier, box.rect().center())
        QApplication.processEvents()
        pane.graph._wholes.clear()
        pane._ahead = None
        print(f"gui {name} gui_whole_unready_ms: {tick() * 1000:.1f}")
        hover = []
        keys = [p.node.key for p in pane.layout_.nodes[:ARGS.repeat * 2]]
        for k in keys:
            r = pane.view.mapFromScene(pane.node_rect(k).center()) if hasattr(pane, "node_rect") else pane.node_pos(k)
            pane.view.centerOn(pane.view.mapToScene(r))
            QApplication.processEvents()
            r = pane.view.mapFromScene(pane.node_rect(k).center()) if hasattr(pane, "node_rect") else pane.node_pos(k)
            QTest.mouseMove(vp, QPoint(2, vp.height() - 2))  # off the boxes first (the legend's corner)
            QApplication.processEvents()
            vp.repaint()
            t = time.thread_time()
            QTest.mouseMove(vp, QPoint(int(r.x()), int(r.y())))
            QApplication.processEvents()
            vp.repaint()
            hover.append(time.thread_time() - t)
            assert pane.hovered == k, (pane.hovered, k)
        print(f"gui {name} gui_hover_ms: {min(hover) * 1000:.1f}")
        fit_button = pane.findChild(QToolButton, "ruleGraphFit")
        t = time.thread_time()
        QTest.mouseClick(fit_button, Qt.LeftButton)
        vp.repaint()
        print(f"gui {name} gui_fit_first_ms: {(time.thread_time() - t) * 1000:.1f}")
        fit = []
        for _ in range(ARGS.repeat):
            t = time.thread_time()
            vp.repaint()
            fit.append(time.thread_time() - t)
        print(f"gui {name} gui_fit_paint_ms: {min(fit) * 1000:.1f}")
        if ARGS.shots:
            for label in ("fit", "readable"):
                if label == "readable":
                    pane.refresh()
                vp.grab().save(str(Path(ARGS.shots) / f"{name}-{width}-{label}.png"))
        w.close()


def main() -> None:
    if ARGS.gui:
        gui()
        return
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
    ap.add_argument("--gui", action="store_true", help="the app's figures instead (see above)")
    ap.add_argument("--size", default="1280x800")
    ap.add_argument("--shots", metavar="DIR", help="with --gui: save the pane's pixels, fitted and readable")
    ap.add_argument("--as-old", action="store_true", help=argparse.SUPPRESS)
    ARGS = ap.parse_args()
    main()
