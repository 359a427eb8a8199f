"""`what-if sensitivity` and `what-if search`: which divergence matters most, and how could a goal
have come about. Both ask the core (core/sensitivity.py, core/search.py); see docs/analysis.md."""
from __future__ import annotations

import json
import sys

from ..cli import add_branch, add_format, add_scenario, branch_words, register
from ..core.errors import ExplorerError
from .progress import add_executor_options, executor_for, progress_bar


def _common(p, what: str) -> None:
    p.add_argument("--goal", required=True, metavar="EXPR",
                   help="a condition or number expression in the condition language, e.g. trotsky.alive")
    p.add_argument("--at", metavar="DATE", help="evaluate the goal at the end of this day (default: the end)")
    p.add_argument("--kinds", default="suppress,force,outcome,set", metavar="KIND,...",
                   help="divergences allowed: suppress, force, outcome, set (default all)")
    p.add_argument("--between", nargs=2, metavar=("D1", "D2"), help="only divergences dated in this range")
    p.add_argument("--runs", type=int, default=0, metavar="N",
                   help=f"also {what} over N sampled runs (change in P(goal) or its mean, 95%% interval)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="first seed of the sampled runs (default 0)")
    add_executor_options(p, "sampled runs")
    add_format(p, help_text="output format when there is no -o (default text)")
    p.add_argument("-o", "--output", metavar="OUT.json", help="write the JSON result to this file")


def _parse(args, scenario) -> dict:
    from ..core.candidates import KINDS
    from ..core.edits import parse_date_arg
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ExplorerError(f"--kinds {args.kinds}: use some of {', '.join(KINDS)}")
    between = None
    if args.between:
        between = tuple(parse_date_arg(d, scenario) for d in args.between)
        if between[0] > between[1]:
            raise ExplorerError(f"--between {args.between[0]} {args.between[1]}: the first date comes after "
                                "the second")
    if args.runs < 0:
        raise ExplorerError("--runs must be 0 or more")
    at = parse_date_arg(args.at, scenario) if args.at else None
    return {"kinds": kinds, "between": between, "at": at}


def _check_output(args) -> None:
    """-o is checked before the work, with the one write-target check every output uses."""
    if args.output:
        from ..core.files import check_target
        check_target(args.output, inputs=[args.scenario])


def _emit(args, data: dict, text) -> None:
    if args.output:
        from ..core.files import atomic_write
        atomic_write(args.output, json.dumps(data, indent=2, ensure_ascii=False, default=str))
        print(f"wrote {args.output}", file=sys.stderr)
    elif args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        text()


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _sampled(mean, delta, ci, kind) -> str:
    what = "P" if kind == "condition" else "mean"
    return f"{delta:+.3f} [{ci[0]:+.3f}, {ci[1]:+.3f}]  {what} → {mean:.3f}"


# --- sensitivity --------------------------------------------------------------------------------------

def cmd_sensitivity(args) -> int:
    from ..core import load_scenario
    from ..core.sensitivity import sensitivity
    _check_output(args)
    sc = load_scenario(args.scenario)
    opts = _parse(args, sc)
    if args.top < 1:
        raise ExplorerError("--top must be at least 1")
    with executor_for(args, sc) as ex, progress_bar("sensitivity", "run") as progress:
        res = sensitivity(sc, args.branch, args.goal, opts["at"], args.runs, args.seed, kinds=opts["kinds"],
                          between=opts["between"], progress=progress, executor=ex)

    def text():
        at = f" at {res.goal.at}" if res.goal.at else " at the end"
        head = f"{sc.title} — {branch_words(sc, args.branch)}: goal {args.goal}{at} is {_value(res.base_value)}"
        if res.runs:
            what = "P(goal)" if res.kind == "condition" else "mean"
            head += f"; {what} {res.base_mean:.3f} over {res.runs} runs from seed {res.seed}"
        print(head)
        print(f"{len(res.effects)} single divergences tried ({res.considered - len(res.effects)} cannot reach "
              "the goal); largest effect first:")
        shown = [e for e in res.effects if e.size or e.delta][:args.top]
        for i, e in enumerate(shown, 1):
            if res.runs:
                effect = _sampled(e.mean, e.mean_delta, e.ci, res.kind)
            elif res.kind == "condition":
                effect = f"flips to {_value(e.value)}"
            else:
                effect = f"{e.delta:+g} → {_value(e.value)}"
            print(f"{i:3}. {effect:>14}  {e.candidate.words}  [{e.changed} events change]")
        for b in res.broken:
            print(f"     (not run: {b})")
        moving = sum(1 for e in res.effects if e.size or e.delta)
        if len(res.effects) > len(shown):
            more = moving - len(shown)
            print(f"     ({len(res.effects) - len(shown)} more: {more} that change it less or equally, "
                  f"{len(res.effects) - moving} that do not; --top N or --format json for all)")
    _emit(args, res.to_dict(), text)
    return 0


@register("sensitivity", "rank single divergences by their effect on a goal")
def _configure_sensitivity(p) -> None:
    p.description = ("Try every single divergence from a branch — suppress each event that fired, force "
                     "each latent event, each other outcome, each number variable shifted up and down at "
                     "its most influential dates — and rank them by their effect on the goal.")
    add_scenario(p)
    add_branch(p)
    _common(p, "measure each effect")
    p.add_argument("--top", type=int, default=20, metavar="N", help="lines in the text output (default 20)")
    p.set_defaults(func=cmd_sensitivity)


# --- search -----------------------------------------------------------------------------------------

def _tried(res) -> str:
    """What the search tried, in sensitivity's words (the candidates the goal's influence graph rules out
    "cannot reach the goal")."""
    return (f"{res.evaluated} set{'s' if res.evaluated != 1 else ''} of divergences tried, made of "
            f"{res.candidates} single divergences; {res.pruned} more cannot reach the goal")


def cmd_search(args) -> int:
    from ..core import load_scenario
    from ..core.search import search
    _check_output(args)
    if args.write:
        from ..core.files import check_target
        check_target(args.scenario, replace_yaml=True)  # before the search, not after it
    sc = load_scenario(args.scenario)
    opts = _parse(args, sc)
    if args.timeout is not None and args.timeout <= 0:
        raise ExplorerError("--timeout must be more than 0 seconds")
    with executor_for(args, sc) as ex, progress_bar("search", "set") as progress:
        res = search(sc, args.parent, args.goal, opts["at"], args.max_divergences, args.results,
                     opts["kinds"], opts["between"], args.runs, args.seed, timeout=args.timeout,
                     progress=progress, executor=ex)
    written = _write(args, res) if args.write and res.results else []

    def text():
        at = f" at {args.at}" if args.at else " at the end"
        print(f"{sc.title} — {branch_words(sc, args.parent)}: goal {args.goal}{at} is {_value(res.base_value)}"
              + (f"; P(goal) {res.base_mean:.3f} over {res.runs} runs" if res.runs and res.base_mean is not None
                 else ""))
        for note in res.notes:
            print(f"note: {note}")
        if not res.results:
            print(f"no set of at most {args.max_divergences} divergence(s) found ({_tried(res)})")
        for i, f in enumerate(res.results, 1):
            value = _sampled(f.mean, f.mean_delta, f.ci, res.kind) if f.mean is not None else \
                f"goal {_value(f.value)}"
            print(f"{i}. {value}; {len(f.members)} divergence{'s' if len(f.members) > 1 else ''}, "
                  f"{f.changed} events change")
            for w in f.words:
                print(f"     - {w}")
            if f.first_changes:
                print("     first changes: " + "; ".join(f.first_changes))
            if i <= len(written):
                print(f"     written as branch {written[i - 1]}")
        print(f"({_tried(res)})")
    data = res.to_dict()
    data["written"] = written
    _emit(args, data, text)
    return 0


def _write(args, res) -> list[str]:
    """Each result as a child branch of --from, saved once the way `fork` saves (comments kept, under the
    writers' lock; if the file changed meanwhile the branches are added to what it holds now)."""
    from ..core.edits import fork
    from ..core.saving import edit_file

    def add_all(scenario):
        ids = []
        for f in res.results:
            scenario, bid = fork(scenario, args.parent, f"How could: {f.label()}", f.divergences(),
                                 description=f"Found by `what-if search --goal {args.goal}`.")
            ids.append(bid)
        return scenario, ids
    ids = edit_file(args.scenario, add_all)
    print(f"added {len(ids)} branch{'es' if len(ids) != 1 else ''} to {args.scenario}: {', '.join(ids)}",
          file=sys.stderr)
    return ids


@register("search", "how could a goal come about: small sets of divergences")
def _configure_search(p) -> None:
    p.description = ("Find up to N minimal, sparse, diverse sets of at most K divergences from a branch that "
                     "make the goal true (likely mode) or raise P(goal) the most (with --runs).")
    add_scenario(p)
    p.add_argument("--from", dest="parent", default="baseline", metavar="BRANCH",
                   help="the branch to diverge from (default: baseline)")
    _common(p, "rank the sets")
    p.add_argument("--max-divergences", type=int, default=2, metavar="K",
                   help="divergences per set at most (default 2)")
    p.add_argument("--results", type=int, default=3, metavar="N", help="sets to find (default 3)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="stop searching after this long and report what was found (default 60)")
    p.add_argument("--write", action="store_true",
                   help="add each result to the scenario as a branch of --from (comments kept)")
    p.set_defaults(func=cmd_search)
