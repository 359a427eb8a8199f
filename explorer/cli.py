"""The `what-if` console script. User mistakes print one clear line on stderr and exit 2."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .core.errors import ExplorerError, ScenarioError

EXIT_USER = 2


def bundled_scenario() -> Path:
    """The scenario `what-if` opens with no argument, found inside the package (explorer.bundled)."""
    from .bundled import scenario_path
    return scenario_path()


def _workspace(args):
    from .core import Workspace, load_scenario
    mode, seed = getattr(args, "mode", "likely") or "likely", getattr(args, "seed", None)
    check_seed(mode, seed)
    scenario = load_scenario(args.scenario)
    for w in getattr(scenario, "warnings", ()):  # e.g. a U+2028 that YAML reads as a line break
        print(w, file=sys.stderr)
    ws = Workspace(scenario, mode=mode, seed=seed or 0)
    return ws


def branch_words(scenario, branch_id: str) -> str:
    """A branch as every command's first line names it, as `run` does: "Trotsky dies in 1940
    [trotsky-dies-1940]" (its label, then the id to type)."""
    b = scenario.branch(branch_id)
    return f"{b.label} [{b.id}]" if b is not None and b.label else f"[{branch_id}]"


def check_seed(mode: str, seed) -> None:
    """`--seed` means nothing in likely mode, which draws no dice: say so rather than ignore it."""
    if seed is not None and mode != "sampled":
        raise ExplorerError(f"--seed {seed} needs --mode sampled: likely mode draws nothing, so every seed "
                            "gives the same history")


def _print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


# --- commands ------------------------------------------------------------------------------------

def cmd_validate(args) -> int:
    from .core import load_scenario
    from .core.lint import run_problems
    failed = False
    for path in args.scenarios:
        try:
            sc = load_scenario(path)
        except ScenarioError as e:
            failed = True
            for p in e.problems:
                print(p, file=sys.stderr)
            continue
        for w in getattr(sc, "warnings", ()):
            print(w, file=sys.stderr)
        problems = run_problems(sc)  # a file that validates runs every branch
        if problems:
            failed = True
            for p in problems:
                print(p, file=sys.stderr)
            continue
        print(f"{path}: ok — {counted(len(sc.variables), 'variable')}, {counted(len(sc.events), 'event')}, "
              f"{counted(len(sc.branches), 'branch')}")
    return EXIT_USER if failed else 0


def counted(n: int, noun: str) -> str:
    """'1 variable', '2 branches'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}{'es' if noun.endswith(('s', 'ch')) else 's'}"


MAX_DRAWN_DEPTH = 40  # deeper branches are drawn at this indentation, marked with their level


def cmd_branches(args) -> int:
    from .core.serialize import branch_dict
    ws = _workspace(args)
    if args.format == "json":
        _print_json({"branches": [branch_dict(ws, b) for b in ws.scenario.branches]})
        return 0
    print(f"{ws.scenario.title} — {len(ws.scenario.branches)} branches")

    # depth first with a stack, not recursion: a chain of thousands of branches is a valid file
    stack = [("baseline", "", True, True, 0)]
    while stack:
        bid, prefix, last, root, depth = stack.pop()
        b = ws.branch(bid)
        tl = ws.timeline(bid)
        fork = ws.divergence_date(bid) if b.parent else None
        extra = f"  [{bid}, from {fork}]" if fork else f"  [{bid}]"
        if depth > MAX_DRAWN_DEPTH:
            extra += f"  (level {depth})"
        line = b.label + extra + f"  {len(tl.firings)} events"
        print(line if root else prefix + ("└─ " if last else "├─ ") + line)
        kids = ws.children(bid)
        inner = prefix if root or depth >= MAX_DRAWN_DEPTH else prefix + ("   " if last else "│  ")
        for i in range(len(kids) - 1, -1, -1):
            stack.append((kids[i], inner, i == len(kids) - 1, False, depth + 1))
    return 0


def cmd_run(args) -> int:
    from .core.explain import fmt
    from .core.serialize import timeline_dict
    ws = _workspace(args)
    when = None
    if args.at:  # a bad date is told before anything is printed, not after the whole timeline
        from .core.edits import parse_date_arg
        when = parse_date_arg(args.at, ws.scenario)
    data = timeline_dict(ws, args.branch, lapsed=args.format == "json" or args.lapsed)
    if args.format == "json":
        _print_json(data)
        return 0
    b = data["branch"]
    print(f"{data['scenario']['title']} — {b['label']} [{b['id']}]" +
          (f", from {b['parent']}" if b["parent"] else "") + f" ({data['mode']} mode)")
    for d, dv in zip(b["divergences"], ws.branch(args.branch).divergences):  # in titles, as the app says it
        words = dv.label or ws.scenario.describe_divergence(dv)
        print(f"  divergence {d.get('date', d.get('on', ''))}: {words}")
    _warn_noops(ws, args.branch)
    marks = {"same": " ", "new": "+", "changed": "~", "gone": "-"}
    rows = [(e["date"], 0, i, e) for i, e in enumerate(data["events"])]
    rows += [(g["date"], 1, i, dict(g, status="gone")) for i, g in enumerate(data.get("gone", []))]
    for _, _, _, e in sorted(rows, key=lambda r: r[:3]):
        out = ""  # the title already names the outcome ("The coup — crushed")
        gone = "  (gone)" if e["status"] == "gone" else ""
        print(f"{marks.get(e['status'], ' ')} {e['date']}  {e['title']}{out}{gone}")
    if data["lapsed"] and args.lapsed:
        _print_lapsed(ws, args.branch)
    if when is not None:
        print(f"The world on {when}:")
        tl = ws.timeline(args.branch)
        for k, v in tl.state_at(when).items():  # values as --state shows them (an enum by its label)
            print(f"  {k} = {fmt(v, ws.scenario.variables.get(k))}")
    if args.state:
        print("Final state:")
        for k, v in data["final_state"].items():
            print(f"  {k} = {fmt(v, ws.scenario.variables.get(k))}")
    return 0


def _print_lapsed(ws, branch_id: str) -> None:
    """The events whose window closed, each with why in explain's words (prose): "needed Army loyalty …
    at least 50; it was 25, set by “The young officers defect” on 1942-06-10", not the raw condition
    (the JSON keeps that, in `reason`)."""
    from .core.explain import failed_terms
    from .core.prose import failed_term_words
    tl = ws.timeline(branch_id)
    print("Lapsed:")
    for lp in tl.lapsed:
        print(f"  {lp.date}  {tl.title(lp.event)}")
        if lp.kind == "chance":  # as explain's why-not says it
            words = [f"its condition held on {lp.date}, but {lp.detail}"]
        elif lp.kind == "mtth":
            words = [lp.detail]
        else:
            words = [w for t in failed_terms(tl, lp.event, lp) for w in failed_term_words(ws.scenario, t)]
        for w in words or ["none of its outcomes' conditions held"]:
            print(f"      - {w}")


def _warn_noops(ws, branch_id: str) -> None:
    """One warning line on stderr per divergence of the branch that changes nothing, or that forces an
    outcome its own `when` rules out (compiler style, as `what-if lint` prints them)."""
    from .core.lint import branch_warnings
    for w in branch_warnings(ws, branch_id):
        if not set(ws.branch(branch_id).nolint) & {w.code, "all"}:
            print(w.line(ws.scenario), file=sys.stderr)


def cmd_diff(args) -> int:
    """Events and variables in words, as explain and montecarlo say them (labels, titles, values with
    their units); the JSON keeps the ids."""
    from .core.prose import outcome_words, quote, value_words, var_words
    from .core.serialize import diff_dict
    ws = _workspace(args)
    if args.other is None and ws.branch(args.branch).parent is None:  # it would compare it with itself
        raise ExplorerError(f"the {args.branch} has no parent to compare it with; name the other branch: "
                            f"what-if diff {args.scenario} {args.branch} OTHER")
    if args.other == args.branch:
        raise ExplorerError(f"that compares '{args.branch}' with itself; name another branch as OTHER")
    d = ws.diff(args.branch, args.other)
    if args.format == "json":
        _print_json(diff_dict(d))
        return 0
    sc = ws.scenario
    c = d.counts()
    print(f"{args.branch} against {d.other}: {c['new']} new, {c['gone']} gone, {c['changed']} changed, "
          f"{c['same']} same")
    for e in d.differences:
        if e.status == "new":
            print(f"+ {e.date}  {e.title}")
        elif e.status == "gone":
            print(f"- {e.other_date}  {e.title}")
        else:
            what = []
            if e.date != e.other_date:
                what.append(f"date {e.other_date} -> {e.date}")
            if e.outcome != e.other_outcome:
                was, now = (quote(outcome_words(sc, e.event, o)) if o else "none"
                            for o in (e.other_outcome, e.outcome))
                what.append(f"outcome {was} -> {now}")
            print(f"~ {e.date}  {e.title}  ({', '.join(what)})")
    if d.variables:
        print("World variables that differ:")
        for v in d.variables:
            name = var_words(sc, v.var)
            if v.final == v.other_final:
                print(f"  {name}: {value_words(sc, v.var, v.final)} in both, by another path (first differs "
                      f"{v.first_difference})")
            else:
                print(f"  {name}: {value_words(sc, v.var, v.other_final)} -> {value_words(sc, v.var, v.final)}  "
                      f"(first differs {v.first_difference})")
    return 0


def cmd_explain(args) -> int:
    ws = _workspace(args)
    event = event_named(ws, args.event)
    if args.against:
        print(ws.contrast(args.branch, args.against, event).text())
        return 0
    print(ws.explain(args.branch, event).text())
    return 0


def event_named(ws, name: str) -> str:
    """The event an argument names: its id, or its title as `run` prints it ("The Mexican Socialist
    Revolution", "The battle for the National Palace — The coup is crushed"; any case), since `run` shows
    titles and no ids. An unknown name that is close to a title is told so; else the id's own error."""
    sc = ws.scenario
    rules = list(sc.events) + [d.rule for b in sc.branches for d in b.divergences
                               if d.kind == "event" and d.rule is not None]
    if any(r.id == name for r in rules):
        return name
    titles: dict[str, set] = {}
    for r in rules:
        for t in [r.title] + [f"{r.title} — {o.title}" for o in r.outcomes if o.title]:
            if t:
                titles.setdefault(t.casefold(), set()).add(r.id)
    ids = titles.get(" ".join(name.split()).casefold(), set())
    if len(ids) == 1:
        return next(iter(ids))
    if len(ids) > 1:
        raise ExplorerError(f"'{name}' is the title of {len(ids)} events: give one of their ids, "
                            f"{', '.join(sorted(ids))}")
    if " " in name.strip():  # a title, not an id: suggest the closest title
        import difflib
        shown = {t.casefold(): t for r in rules for t in [r.title] if t}
        close = difflib.get_close_matches(name.casefold(), list(shown), n=1, cutoff=0.6)
        hint = f" (did you mean “{shown[close[0]]}”?)" if close else ""
        raise ExplorerError(f"no event '{name}'{hint}")
    return name  # the core says "no event 'x' (did you mean …?)" for ids


COMMANDS = {}
CORE_COMMANDS = ("validate", "branches", "run", "diff", "explain")  # defined here, not in commands/
HELP_ORDER = ("scenarios", "validate", "lint", "test", "branches", "run", "diff", "explain", "report", "montecarlo",
              "sensitivity", "search", "fork", "rm-branch")

EXIT_STATUS = ("exit status: 0 done; 1 checks failed (a test or a strict lint found problems); "
               "2 a user error (bad input, unknown name, unreadable file), told in one line on stderr")


# --- arguments every command spells the same way (each with help text and a metavar: tests/cli checks) ---

def add_scenario(p: argparse.ArgumentParser, *, nargs=None) -> None:
    """The SCENARIO positional: a scenario YAML file."""
    if nargs:
        p.add_argument("scenarios", nargs=nargs, metavar="SCENARIO", help="scenario YAML files")
    else:
        p.add_argument("scenario", metavar="SCENARIO", help="a scenario YAML file")


def add_branch(p: argparse.ArgumentParser, *, help_text: str = "the branch (default: baseline)") -> None:
    p.add_argument("--branch", default="baseline", metavar="ID", help=help_text)


def add_mode(p: argparse.ArgumentParser) -> None:
    """--mode likely|sampled and --seed N: how chance is resolved."""
    p.add_argument("--mode", choices=("likely", "sampled"), default="likely", metavar="likely|sampled",
                   help="likely: the likeliest history (default); sampled: chance drawn from --seed")
    p.add_argument("--seed", type=int, default=None, metavar="N",
                   help="random seed for --mode sampled (default 0; only with --mode sampled)")


def add_format(p: argparse.ArgumentParser, choices=("text", "json"), help_text: str = "output format "
               "(default text)", default="text") -> None:
    p.add_argument("--format", choices=choices, default=default, metavar="|".join(choices), help=help_text)


class _Formatter(argparse.HelpFormatter):
    """Help laid out so that every command and option fits on one line with its help text."""

    def __init__(self, prog):
        import shutil
        super().__init__(prog, max_help_position=30, width=max(80, min(shutil.get_terminal_size().columns, 110)))

    def add_argument(self, action):
        super().add_argument(action)
        if action.nargs == argparse.PARSER:  # Python < 3.13 forgets that the commands are indented
            names = [len(a.dest) for a in action._get_subactions()]  # noqa: SLF001 - argparse has no API
            indented = self._current_indent + self._indent_increment + max(names, default=0)
            self._action_max_length = max(self._action_max_length, indented)


def _add_command(sub, name: str, help_text: str, **kw) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_text, epilog=EXIT_STATUS, formatter_class=_Formatter, **kw)


class UsageError(ExplorerError):
    """A command-line mistake (unknown option, missing argument, bad choice)."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line mistakes: `what-if run: unknown option --bogus (see what-if run --help)`.

    Every parser and sub-parser is this class (argparse builds sub-parsers with the parent's class),
    so a command any module registers gets the same behaviour.
    """

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {_usage_line(message)} (see {self.prog} --help)")


def _usage_line(message: str) -> str:
    """argparse's message, said once and plainly."""
    m = message.replace("unrecognized arguments:", "unknown argument(s):")
    m = m.replace("the following arguments are required:", "missing")
    return m.replace("invalid choice:", "unknown choice").replace("\n", " ")


def _parser() -> argparse.ArgumentParser:
    p = Parser(prog="what-if", description="What-If Explorer: branching counterfactual "
                                "history. With no command, opens the app (see below).", epilog=EXIT_STATUS,
                                usage="what-if COMMAND [ARGS...] | what-if [SCENARIO] [OPTIONS]",
                                formatter_class=_Formatter)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                   help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", title="commands", prog="what-if")

    v = _add_command(sub, "validate", "check scenario files (messages: file:line:col)",
                     description="Check scenario files: exit 0 when every one is valid, exit 2 with "
                     "one file:line:col: path: message line per problem.")
    add_scenario(v, nargs="+")
    v.set_defaults(func=cmd_validate)

    b = _add_command(sub, "branches", "the branch tree",
                     description="Print the branch tree: each branch's label, [its id, the date it forks from "
                     "its parent] and how many events its history has. Give an id to run, diff and explain "
                     "as --branch ID.")
    add_scenario(b)
    add_format(b)
    b.set_defaults(func=cmd_branches)

    r = _add_command(sub, "run", "a branch's timeline, marked against its parent",
                     description="Print a branch's history, one event a line with its date, marked against "
                     "its parent: + new, ~ changed (another date or outcome), - gone (it happened in the "
                     "parent, not here), blank the same. Ask why with: what-if explain SCENARIO --branch ID "
                     "'EVENT TITLE'.")
    add_scenario(r)
    add_branch(r)
    add_mode(r)
    add_format(r)
    r.add_argument("--lapsed", action="store_true", help="also list events whose window closed")
    r.add_argument("--state", action="store_true", help="also print the final world state")
    r.add_argument("--at", metavar="DATE", help="also print the world at the end of DATE (YYYY-MM-DD)")
    r.set_defaults(func=cmd_run)

    d = _add_command(sub, "diff", "what a branch changed against its parent (or OTHER)",
                     description="Compare a branch's history with its parent's (or OTHER's): the events new "
                     "(+), gone (-) and changed (~: date or outcome), then the world variables that end "
                     "differently or got there by another path, with the first date they differ.")
    add_scenario(d)
    d.add_argument("branch", metavar="BRANCH", help="the branch to compare")
    d.add_argument("other", nargs="?", metavar="OTHER", help="the branch to compare with (default: the parent)")
    add_format(d)
    d.set_defaults(func=cmd_diff)

    e = _add_command(sub, "explain", "why (or why not) an event happened",
                     description="Why an event happened in a branch: the chain of causes back to the "
                     "branch's divergences and the starting world; or, if it did not happen, why not. "
                     "With --against, where the two branches' histories part and the chain from there.")
    add_scenario(e)
    e.add_argument("event", metavar="EVENT", help="the event: its id, or its title as `run` prints it")
    add_branch(e)
    e.add_argument("--against", metavar="ID", help="contrast with this branch: where the two histories "
                   "part, and the chain from there to the event")
    e.set_defaults(func=cmd_explain)

    for name, (help_text, configure) in COMMANDS.items():
        configure(_add_command(sub, name, help_text))
    # listed in the order a user meets them (the README's table too), not as the modules registered
    rank = {name: i for i, name in enumerate(HELP_ORDER)}
    sub._choices_actions.sort(key=lambda a: rank.get(a.dest, len(rank)))  # noqa: SLF001 - argparse has no API
    return p


def register(name: str, help_text: str):
    """Let a module add a sub-command: `@register("report", "...")` on a function configuring its parser."""
    def deco(configure):
        COMMANDS[name] = (help_text, configure)
        return configure
    return deco


def _load_plugins() -> None:
    import explorer.commands  # noqa: F401 - registers report, fork, ... through `register`


def _app_parser() -> argparse.ArgumentParser:
    p = Parser(prog="what-if", usage="what-if [SCENARIO] [--screenshot OUT.png] "
                                "[--branch ID] [--event ID] [--size WxH]", add_help=False,
                                description="With no command: open the app on SCENARIO.",
                                formatter_class=_Formatter)
    g = p.add_argument_group("open the app")
    g.add_argument("scenario", nargs="?", metavar="SCENARIO",
                   help="scenario file (default: the bundled Trotsky's Mexico; `what-if scenarios` lists all)")
    g.add_argument("--screenshot", metavar="OUT.png",
                   help="render the main window to a PNG and exit (needs no display)")
    g.add_argument("--branch", metavar="ID", help="the branch to select")
    g.add_argument("--event", metavar="ID", help="the event to select")
    g.add_argument("--size", default="1280x800", metavar="WxH", help="window size for --screenshot (default 1280x800)")
    g.add_argument("-h", "--help", action="help", help="show this help message and exit")
    g.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                   help="print the version and exit")
    return p


def _complete(parser: argparse.ArgumentParser) -> None:
    """Shell completion of commands, options and their choices, by argcomplete (a well-kept library;
    imported only when the shell asks). Set up: eval "$(register-python-argcomplete what-if)"."""
    try:
        import argcomplete
    except ImportError:
        return
    argcomplete.autocomplete(parser)


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a full or closed standard output fails here, inside the handlers
        return code
    except ScenarioError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        return EXIT_USER
    except ExplorerError as e:
        print(f"what-if: {e}" if not isinstance(e, UsageError) else str(e), file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `what-if run S | head`: the reader left; that is not an error
        _silence_stdout()
        return 0
    except OSError as e:  # a write that failed outside the commands' own checks: stdout, a device
        _silence_stdout()
        where = "standard output" if e.filename is None else f"'{e.filename}'"
        print(f"what-if: cannot write {where}: {e.strerror or e}", file=sys.stderr)
        return EXIT_USER


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot fail a second time."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not (argv and argv[0] in CORE_COMMANDS and "_ARGCOMPLETE" not in os.environ):
        _load_plugins()  # the core commands' parsers need none of them (15 ms of `validate` imports)
    parser = _parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # noqa: SLF001 - argparse has no API
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (argcomplete); it exits when done
        _complete(parser)
    if argv and argv[0] in commands:
        args, extra = parser.parse_known_args(argv)
        if extra:  # said by the command, not by `what-if` itself
            raise UsageError(f"what-if {argv[0]}: unknown argument(s): {' '.join(extra)} "
                             f"(see what-if {argv[0]} --help)")
        return args.func(args) or 0
    if argv and argv[0] in ("-h", "--help"):
        parser.print_help()
        print()
        _app_parser().print_help()
        return 0
    if argv and not argv[0].startswith("-") and not os.path.exists(argv[0]) \
            and not argv[0].lower().endswith((".yaml", ".yml")) and "/" not in argv[0]:
        from .core.errors import did_you_mean
        raise UsageError(f"what-if: unknown command '{argv[0]}'{did_you_mean(argv[0], sorted(commands))} "
                         "(see what-if --help)")
    args = _app_parser().parse_args(argv)
    return open_app(args)


def _check_openable(path: str) -> None:
    """The load's own "cannot open" for a file that is not there or is a folder (without reading it: a
    pipe read here would be lost to the app)."""
    why = None
    try:
        if os.path.isdir(path):
            why = "it is a folder, not a regular file"
        else:
            os.stat(path)
    except OSError as e:
        why = e.strerror
    if why is not None:
        from .core.errors import Problem
        raise ScenarioError([Problem(path, 0, 0, "", f"cannot open: {why}")])


def open_app(args) -> int:
    path = args.scenario or str(bundled_scenario())
    _check_openable(path)  # a mistyped name is the thing to fix first, before the display or Qt
    from . import desktop
    if not args.screenshot:  # a screenshot renders offscreen: no display needed
        desktop.check_desktop()  # no display, or a missing xcb library: one line, not Qt's abort
    try:
        from .ui.app import run_app
    except ImportError as e:  # Qt or one of its system libraries is missing
        raise ExplorerError(desktop.qt_import_message(e)) from None
    return run_app(path, args)


if __name__ == "__main__":
    sys.exit(main())
