"""`what-if lint`: warnings an author wants before reading any timeline (codes in docs/format.md)."""
from __future__ import annotations

import json
import sys

from ..cli import EXIT_USER, add_format, add_scenario, register
from ..core.errors import ScenarioError


def run(args) -> int:
    from ..core import Workspace, load_scenario
    from ..core.lint import lint, run_problems
    broken, found = False, []
    for path in args.scenarios:
        try:
            sc = load_scenario(path)
        except ScenarioError as e:
            broken = True
            for p in e.problems:
                print(p, file=sys.stderr)
            continue
        ws = Workspace(sc)
        problems = run_problems(sc, ws)
        if problems:
            broken = True
            for p in problems:
                print(p, file=sys.stderr)
            continue
        found += [(sc, w) for w in lint(sc, ws)]
    if args.format == "json":
        print(json.dumps([{"code": w.code, "file": p.file, "line": p.line, "col": p.col, "path": w.path,
                           "message": w.message} for sc, w in found for p in [w.problem(sc)]],
                         indent=2, ensure_ascii=False))
    else:
        for sc, w in found:
            print(w.line(sc))
        print(f"{len(found)} warning{'s' if len(found) != 1 else ''}"  # a file that did not load is not clean
              + (" (and files that do not load or run)" if broken else ""))
    if broken:
        return EXIT_USER
    return 1 if found and args.strict else 0


@register("lint", "warnings such as rules that never fire (--strict: exit 1)")
def configure(p) -> None:
    p.description = ("Warn about what an author usually wants fixed before reading any timeline: rules "
                     "that fire in no branch, outcomes never chosen, variables never read or written, "
                     "divergences that change nothing. One file:line:col: warning: message [code] line each.")
    add_scenario(p, nargs="+")
    p.add_argument("--strict", action="store_true", help="exit 1 when there is any warning (for CI)")
    add_format(p)
    p.set_defaults(func=run)
