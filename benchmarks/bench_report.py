"""Report export time. Prints one line per figure, `name: value unit`, and ratios, from one run.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_report.py [--repeat N] [SCENARIO]

Target (issue 14, big worlds): the PDF of the full bundled scenario (every branch) in at most 3 s,
measured from the scenario file to the written PDF: load, compute every branch, build the report
data, render the template, lay out the pages and print them (plots drawn on the pages). Uses
scenarios/trotsky_mexico.yaml, or scenarios/missile_crisis.yaml if the bundled one is missing.

Each export is timed in wall-clock and in CPU time (process_time: what the export itself costs,
whatever else the machine runs); the median of --repeat runs is printed, and the PDF's time split
into its parts (CPU): computing the report data, the template, Qt's HTML parse and page layout, and
the page printing (drawContents + newPage, plots included). Also prints the other formats' times.
"""
from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 3.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = Path(args.scenario) if args.scenario else ROOT / "scenarios" / "trotsky_mexico.yaml"
    if not path.exists():
        path = ROOT / "scenarios" / "missile_crisis.yaml"

    from explorer.core import Workspace, load_scenario
    from explorer.reports import export_report
    from explorer.reports.plots import ensure_gui_app
    ensure_gui_app()
    parts = _instrument()

    def once(fmt: str, out: Path) -> tuple[float, float]:
        t, c = time.perf_counter(), time.process_time()
        ws = Workspace(load_scenario(path))
        export_report(ws, out, fmt=fmt)
        return time.perf_counter() - t, time.process_time() - c

    with tempfile.TemporaryDirectory() as tmp:
        once("pdf", Path(tmp) / "warm.pdf")  # fonts, imports: what every later export has
        times = {}
        for fmt in ("pdf", "html", "md", "json"):
            if fmt == "pdf":
                parts.clear()
            out = Path(tmp) / f"report.{fmt}"
            times[fmt] = [once(fmt, out) for _ in range(args.repeat)]
            if fmt == "pdf":
                pdf_parts = {k: v / args.repeat for k, v in parts.items()}
        pages = _pages(Path(tmp) / "report.pdf")
        size = (Path(tmp) / "report.pdf").stat().st_size
        sc = load_scenario(path)
    wall = statistics.median(t[0] for t in times["pdf"])
    cpu = statistics.median(t[1] for t in times["pdf"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"scenario: {path.name} ({len(sc.branches)} branches, {len(sc.events)} rules); "
          f"load average {load:.1f} on {os.cpu_count()} cores")
    print(f"report_pdf_full_scenario: {wall:.2f} s wall, {cpu:.2f} s CPU  (median of {args.repeat}; "
          f"{pages} pages, {size / 1e6:.1f} MB)")
    print(f"report_pdf_vs_target: {wall / TARGET_S:.2f}x of the {TARGET_S:g} s target by wall-clock, "
          f"{cpu / TARGET_S:.2f}x by CPU time")
    total = sum(pdf_parts.values()) or 1.0
    for name, v in sorted(pdf_parts.items(), key=lambda kv: -kv[1]):
        print(f"  pdf_part {name}: {v:.2f} s CPU ({100 * v / cpu:.0f} %)")
    print(f"  pdf_part rest (load, running heads, writing the file): {max(cpu - total, 0):.2f} s CPU")
    for fmt in ("html", "md", "json"):
        print(f"report_{fmt}_full_scenario: {statistics.median(t[0] for t in times[fmt]):.2f} s wall, "
              f"{statistics.median(t[1] for t in times[fmt]):.2f} s CPU")
    return 0


def _instrument() -> dict:
    """CPU time of the PDF export's parts, summed per run, by wrapping the functions that do them."""
    import jinja2
    from PySide6.QtGui import QPdfWriter, QTextDocument

    from explorer.reports import pdf, render
    parts: dict = defaultdict(float)

    def wrap(owner, name, label):
        real = getattr(owner, name)

        @functools.wraps(real)
        def timed(*a, **kw):
            t = time.process_time()
            try:
                return real(*a, **kw)
            finally:
                parts[label] += time.process_time() - t
        setattr(owner, name, timed)

    wrap(render, "build_report", "report data (timelines, diffs, explanations)")
    wrap(jinja2.Template, "render", "template (Jinja2)")
    wrap(QTextDocument, "setHtml", "Qt HTML parse (setHtml)")
    wrap(pdf, "_keep_headings_with_next", "page layout (QTextDocument)")
    wrap(pdf, "_content_pages", "page layout (QTextDocument)")
    wrap(pdf, "_anchors", "page layout (QTextDocument)")
    wrap(pdf, "_draw_page", "printing pages (drawContents, plots)")
    wrap(QPdfWriter, "newPage", "printing pages (drawContents, plots)")
    return parts


def _pages(pdf: Path) -> str:
    import re
    import subprocess
    try:
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=30).stdout
        return re.search(r"^Pages:\s+(\d+)", out, re.M).group(1)
    except (OSError, AttributeError, subprocess.SubprocessError):
        return "?"


if __name__ == "__main__":
    sys.exit(main())
