"""Report export time. Prints one line per figure, `name: value unit`.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_report.py [--repeat N] [SCENARIO]

Target (issue: scenario reports): exporting the full bundled scenario (every branch) to PDF takes
under 5 s. Measured from the scenario file to the written PDF: load, compute every branch, build the
report data, draw the plots, lay out and print the pages. Uses scenarios/trotsky_mexico.yaml, or
scenarios/missile_crisis.yaml if the bundled one is missing. Also prints the other formats' times.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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

    def once(fmt: str, out: Path) -> float:
        t = time.perf_counter()
        ws = Workspace(load_scenario(path))
        export_report(ws, out, fmt=fmt)
        return time.perf_counter() - t

    with tempfile.TemporaryDirectory() as tmp:
        once("pdf", Path(tmp) / "warm.pdf")  # fonts, imports: what every later export has
        times = {}
        for fmt in ("pdf", "html", "md", "json"):
            out = Path(tmp) / f"report.{fmt}"
            times[fmt] = [once(fmt, out) for _ in range(args.repeat)]
        pages = _pages(Path(tmp) / "report.pdf")
        sc = load_scenario(path)
    print(f"scenario: {path.name} ({len(sc.branches)} branches, {len(sc.events)} rules)")
    print(f"report_pdf_full_scenario: {statistics.median(times['pdf']):.2f} s  "
          f"(median of {args.repeat}; best {min(times['pdf']):.2f} s; {pages} pages; target < 5 s)")
    for fmt in ("html", "md", "json"):
        print(f"report_{fmt}_full_scenario: {statistics.median(times[fmt]):.2f} s")
    return 0


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
