"""`what-if test`: check every branch's `expect:` entries, like unit tests for an alternate history."""
from __future__ import annotations

import os
import sys
import time
from xml.etree import ElementTree as ET

from ..cli import EXIT_USER, add_scenario, register
from ..core.errors import ExplorerError, ScenarioError

EXIT_FAILED = 1


def _check(path: str, seed: int):
    """(outcomes, problems) for one scenario file; problems are load or run errors."""
    from ..core import Workspace, load_scenario
    from ..core.expectations import check_all
    from ..core.lint import run_problems
    try:
        sc = load_scenario(path)
    except ScenarioError as e:
        return [], e.problems
    ws = Workspace(sc)
    problems = run_problems(sc, ws)
    if problems:
        return [], problems
    return check_all(ws, seed), []


def run_once(paths: list[str], seed: int, junit: str | None, verbose: bool) -> int:
    passed = failed = 0
    broken = False
    suites = []
    for path in paths:
        outcomes, problems = _check(path, seed)
        for p in problems:
            print(p, file=sys.stderr)
        broken |= bool(problems)
        for o in outcomes:
            if o.passed:
                passed += 1
                if verbose:
                    print(o.text())
            else:
                failed += 1
                print(o.text())
        suites.append((path, outcomes, problems))
    note = " (and files that do not load or run)" if broken else \
        " (no branch has expect: entries)" if not passed + failed else ""
    print(f"{passed} passed, {failed} failed{note}")
    if junit:
        _write_junit(junit, suites)
    if broken:
        return EXIT_USER
    return EXIT_FAILED if failed else 0


def _write_junit(out: str, suites) -> None:
    """JUnit XML, one <testsuite> per scenario file and one <testcase> per expectation, for CI."""
    from ..core.files import atomic_write
    root = ET.Element("testsuites")
    for path, outcomes, problems in suites:
        fails = sum(not o.passed for o in outcomes)
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(outcomes) + len(problems)),
                              failures=str(fails), errors=str(len(problems)))
        for p in problems:
            case = ET.SubElement(suite, "testcase", classname=path, name="load")
            ET.SubElement(case, "error", message=str(p)).text = str(p)
        for o in outcomes:
            case = ET.SubElement(suite, "testcase", classname=o.branch, name=o.expectation.text,
                                 file=o.file, line=str(o.line))
            if not o.passed:
                ET.SubElement(case, "failure", message=f"{o.where}: {o.seen}").text = o.text()
    ET.indent(root)
    atomic_write(out, ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n")


def _stamps(paths: list[str]) -> list:
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return out


def run(args) -> int:
    if args.watch and not args.interval > 0:  # 0 polled in a busy loop, a whole core until Ctrl-C
        raise ExplorerError("--interval must be more than 0 seconds (it is how long --watch waits between looks)")
    seen = _stamps(args.scenarios)  # before the check: a save during it, or just after, is seen
    code = run_once(args.scenarios, args.seed, args.junit, args.verbose)
    if not args.watch:
        return code
    print(f"watching {', '.join(args.scenarios)}; Ctrl-C to stop", flush=True)
    while True:  # a poll: no dependency, and it sees editors that replace the file as well as rewrite it
        time.sleep(args.interval)
        now = _stamps(args.scenarios)
        if now != seen:
            seen = now
            print(f"--- {time.strftime('%H:%M:%S')} changed; checking again", flush=True)
            code = run_once(args.scenarios, args.seed, args.junit, args.verbose)
            sys.stdout.flush()


@register("test", "check every branch's expect: entries; exit 1 on a failure")
def configure(p) -> None:
    p.description = ("Check what each branch's `expect:` entries say must hold, like unit tests: one line "
                     "per failure (file:line:col) with what it needed and what the branch had, then "
                     "N passed, M failed.")
    add_scenario(p, nargs="+")
    p.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML (for CI)")
    p.add_argument("--seed", type=int, default=0, metavar="N",
                   help="first seed of the sampled runs that expectations with p: check (default 0)")
    p.add_argument("--watch", action="store_true",
                   help="check again whenever a file is saved, until Ctrl-C")
    p.add_argument("--interval", type=float, default=0.5, metavar="SECONDS",
                   help="with --watch: how often to look for changes (default 0.5)")
    p.add_argument("-v", "--verbose", action="store_true", help="also list the expectations that pass")
    p.set_defaults(func=run)
