"""`what-if report SCENARIO [--branch ID ...] [--var NAME ...] -o OUT [--format ...] [--page-size ...]`"""
from __future__ import annotations

import time

from ..cli import add_mode, add_scenario, register


@register("report", "export a scenario report: HTML, Markdown, PDF or JSON")
def configure(p) -> None:
    p.description = ("Export what branches of a scenario say, to read away from the app, print or hand "
                     "out: title page, contents, per branch its path of divergences, chronology, "
                     "narrative, changes against the parent and the baseline, plots, why and why-not, "
                     "sources; with several branches a comparison of outcomes.")
    add_scenario(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file; its suffix (.html, .md, .pdf, .json) gives the format")
    p.add_argument("--branch", action="append", metavar="ID", dest="branches",
                   help="a branch to include (repeatable; default: every branch)")
    p.add_argument("--var", action="append", metavar="NAME", dest="variables",
                   help="a world variable to plot (repeatable; default: those that differ most)")
    p.add_argument("--format", choices=("html", "md", "markdown", "pdf", "json"), metavar="html|md|pdf|json",
                   help="the format, when the suffix does not say it")
    p.add_argument("--page-size", choices=("a4", "letter"), default="a4", type=str.lower, metavar="a4|letter",
                   help="PDF (and HTML print) page size (default a4)")
    p.add_argument("--templates", metavar="DIR",
                   help="a folder of templates overriding the bundled ones (same file names)")
    p.add_argument("--goal", metavar="EXPR",
                   help="add a sensitivity section: the divergences that move this goal most (docs/analysis.md)")
    p.add_argument("--full-chronology", action="store_true",
                   help="tell every branch's history from the start (default: a branch whose parent is "
                        "in the report starts at its fork, with a reference back to the parent's section)")
    add_mode(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..core import Workspace, load_scenario
    from ..core.report import check_variables, tree_order
    from ..reports.render import export_report, format_for

    from pathlib import Path

    from ..core.files import check_target
    from ..core.report import ReportError
    if Path(args.output).is_dir():
        raise ReportError(f"'{args.output}' is a folder; give a file name such as "
                          f"{Path(args.output) / 'report.pdf'}")
    check_target(args.output, inputs=[args.scenario])  # before any work: not over the scenario, ...
    fmt = format_for(args.output, args.format)  # a bad suffix is a user error before any work
    started = time.perf_counter()
    from ..cli import check_seed
    check_seed(args.mode, args.seed)
    ws = Workspace(load_scenario(args.scenario), mode=args.mode, seed=args.seed or 0)
    branches = tree_order(ws, args.branches) if args.branches else None
    if args.variables:
        check_variables(ws.scenario, args.variables)
    if fmt != "json":
        from ..reports.plots import ensure_gui_app
        ensure_gui_app()
    out = export_report(ws, args.output, fmt=fmt, branches=branches, variables=args.variables,
                        page_size=args.page_size, templates=args.templates, goal=args.goal,
                        full_chronology=args.full_chronology)
    if not args.quiet:
        print(f"{out}: {fmt} report, {_n(len(branches or ws.scenario.branches))}, "
              f"{time.perf_counter() - started:.2f} s")
    return 0


def _n(count: int) -> str:
    return f"{count} branch" if count == 1 else f"{count} branches"
