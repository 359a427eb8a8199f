"""`what-if fork` and `what-if rm-branch`: author branches from the command line.

Both write the scenario file the way the app does (explorer.core.saving): only the branch's own lines
change, every comment and untouched line stays byte for byte, and the write is atomic.
"""
from __future__ import annotations

import argparse
import sys

from explorer.cli import EXIT_USER, add_scenario, register

_KINDS = ("suppress", "force", "outcome", "set")


class _Divergence(argparse.Action):
    """Collect --suppress/--force/--outcome/--set in the order given."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = list(getattr(namespace, "divergences", None) or [])
        items.append((self.dest.split("_", 1)[1], values))
        namespace.divergences = items


@register("fork", "add a branch with divergences to a scenario file; prints its id")
def _configure_fork(p: argparse.ArgumentParser) -> None:
    p.description = ("Add a child branch to SCENARIO and save the file (comments and untouched lines "
                     "are kept byte for byte). Give at least one divergence; they apply in the order "
                     "given. Then: what-if run SCENARIO --branch ID.")
    add_scenario(p)
    p.add_argument("--from", dest="parent", default="baseline", metavar="BRANCH",
                   help="the parent branch (default: baseline)")
    p.add_argument("--label", required=True, metavar="TEXT", help="the branch's label, shown in the tree")
    p.add_argument("--id", dest="branch_id", metavar="ID", help="the branch id (default: made from the label)")
    p.add_argument("--description", default="", metavar="TEXT", help="a longer description of the branch")
    p.add_argument("--suppress", dest="div_suppress", action=_Divergence, metavar="EVENT",
                   help="the event does not happen (from the date it would have)")
    p.add_argument("--force", dest="div_force", action=_Divergence, metavar="EVENT[@DATE]",
                   help="make the event happen (at DATE), condition and chance ignored")
    p.add_argument("--outcome", dest="div_outcome", action=_Divergence, metavar="EVENT=OUTCOME",
                   help="when the event happens, it has this outcome")
    p.add_argument("--set", dest="div_set", action=_Divergence, metavar="VAR=VALUE@DATE",
                   help="set a world variable at a date (VALUE read by the variable's type)")
    p.add_argument("--event", dest="div_event", action=_Divergence, metavar="ID@DATE[:TITLE]",
                   help="add a one-off event on DATE (its effects: the --effect options after it)")
    p.add_argument("--effect", dest="div_effect", action=_Divergence, metavar="VAR=VALUE",
                   help="an effect of the --event before it: set the variable to VALUE")
    p.add_argument("--dry-run", action="store_true",
                   help="check and print the branch as it would be written, write nothing")
    p.set_defaults(func=cmd_fork, divergences=[])


@register("rm-branch", "remove a branch from a scenario file (-r: and its sub-branches)")
def _configure_rm(p: argparse.ArgumentParser) -> None:
    p.description = ("Remove a branch from the scenario file and save it (comments and other lines are "
                     "kept). A branch with branches below it is removed only with --recursive.")
    add_scenario(p)
    p.add_argument("branch", metavar="ID", help="the branch to remove")
    p.add_argument("--recursive", "-r", action="store_true", help="also remove the branches below it")
    p.set_defaults(func=cmd_rm_branch)


def _fail(message: str) -> int:
    print(f"what-if: {message}", file=sys.stderr)
    return EXIT_USER


def parse_divergences(scenario, items: list[tuple[str, str]]):
    """Command-line divergence texts -> Divergence objects; ExplorerError with one clear line."""
    from explorer.core.edits import (EditError, need_event, need_outcome, need_variable, parse_date_arg,
                                     parse_value)
    from explorer.core.model import Divergence, Effect
    out = []
    sets: dict = {}  # date -> the set divergence for that date (several --set at one date merge)
    for kind, text in items:
        if kind == "suppress":
            need_event(scenario, text.strip())
            out.append(Divergence("suppress", text.strip()))
        elif kind == "force":
            event, _, date = text.partition("@")
            rule = need_event(scenario, event.strip())
            div = Divergence("force", rule.id)
            if date:
                div.on = parse_date_arg(date, scenario)
            out.append(div)
        elif kind == "outcome":
            event, eq, outcome = text.partition("=")
            if not eq or not outcome.strip():
                raise EditError(f"--outcome {text}: write EVENT=OUTCOME")
            rule = need_event(scenario, event.strip())
            need_outcome(rule, outcome.strip())
            out.append(Divergence("outcome", rule.id, outcome.strip()))
        elif kind == "event":
            out.append(_one_off(scenario, text))
        elif kind == "effect":
            if not out or out[-1].kind != "event":
                raise EditError(f"--effect {text}: give it after the --event it belongs to")
            name, eq, value = text.partition("=")
            if not eq:
                raise EditError(f"--effect {text}: write VAR=VALUE, e.g. trotsky.location=havana")
            var = need_variable(scenario, name.strip())
            try:
                out[-1].rule.effects.append(Effect("set", var.name, parse_value(var, value)))
            except ValueError as e:
                raise EditError(f"--effect {text}: {e}") from None
        else:
            name, eq, rest = text.partition("=")
            value, at, date = rest.rpartition("@")
            if not eq or not at:
                raise EditError(f"--set {text}: write VAR=VALUE@DATE, e.g. tension=80@1962-10-20")
            var = need_variable(scenario, name.strip())
            try:
                v = parse_value(var, value)
            except ValueError as e:
                raise EditError(f"--set {text}: {e}") from None
            d = parse_date_arg(date, scenario)
            if d in sets:
                sets[d].values[var.name] = v
            else:
                sets[d] = Divergence("set", values={var.name: v}, on=d)
                out.append(sets[d])
    return out


def _one_off(scenario, text: str):
    """`--event ID@DATE[:TITLE]` -> an `event:` divergence with a one-off rule on that date."""
    import re
    from explorer.core.edits import EditError, parse_date_arg
    from explorer.core.model import Divergence, EventRule, Timing
    head, _, title = text.partition(":")
    eid, at, date = head.partition("@")
    eid = eid.strip()
    if not at or not date.strip():
        raise EditError(f"--event {text}: write ID@DATE[:TITLE], e.g. trotsky_flees@1950-03-06:Trotsky flees")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", eid):
        raise EditError(f"--event {text}: '{eid}' is not an event id; use letters, digits and _")
    if scenario.event(eid) is not None:
        raise EditError(f"--event {text}: '{eid}' is already an event of the scenario; give the one-off "
                        "event its own id")
    d = parse_date_arg(date, scenario)
    rule = EventRule(eid, title=title.strip() or eid, timing=Timing("on", d, d))
    return Divergence("event", eid, rule=rule)


def cmd_fork(args) -> int:
    from explorer.core import Workspace, load_scenario
    from explorer.core.edits import fork
    from explorer.core.saving import edit_file
    if not args.divergences:
        return _fail("fork needs at least one of --suppress, --force, --outcome, --set, --event")

    def make(scenario):
        divergences = parse_divergences(scenario, args.divergences)
        new, bid = fork(scenario, args.parent, args.label, divergences, args.branch_id, args.description)
        ws = Workspace(new)
        ws.timeline(bid)  # compute it once: an engine error is reported now, not at the next run
        return new, (bid, ws)

    if args.dry_run:
        from explorer.core.emit import branch_data, item_text
        new, (bid, ws) = make(load_scenario(args.scenario))
        d = ws.diff(bid)
        c = d.counts()
        print(f"{bid}: would add; {c['new']} new, {c['gone']} gone, {c['changed']} changed events "
              f"against {d.other}:")
        print(item_text(branch_data(new.branch(bid)), 2), end="")
        for n in ws.noops(bid):
            print(f"what-if: warning: {n.reason} [noop-divergence]", file=sys.stderr)
        return 0
    bid, _ = edit_file(args.scenario, make)  # another writer's save meanwhile: the fork is made again
    print(bid)
    return 0


def cmd_rm_branch(args) -> int:
    from explorer.core.edits import remove_branch
    from explorer.core.saving import edit_file
    removed = edit_file(args.scenario, lambda sc: remove_branch(sc, args.branch, args.recursive))
    print(f"removed {', '.join(removed)}")
    return 0
