"""The data of a scenario report: everything the HTML, Markdown, PDF and JSON formats show.

`build_report(workspace, branches, variables)` returns a tree of plain dicts, lists, strings, numbers,
booleans and None (dates as ISO strings), ready for `json.dumps`. The JSON format *is* this tree;
its schema is `resources/report.schema.json`. The other formats are templates over the same tree
(`explorer/reports/`), so every format shows the same facts. No Qt here.

Texts are kept exactly as the scenario wrote them: escaping belongs to each output format.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from .. import __version__
from .diff import GONE, NEW
from .errors import ExplorerError, UnknownName, did_you_mean
from .model import BASELINE, Scenario
from .report_branch import (SUBSECTIONS, _basename, _branch_section, _iso, _outcome_title, _variable,
                            value_text)
from .workspace import Workspace

REPORT_FORMAT = "what-if-report"
REPORT_VERSION = 1
DEFAULT_VARIABLE_COUNT = 4
MAX_COMPARE_VARIABLES = 16  # rows of "the world at the end" in the comparison (plotted ones always)
MAX_COMPARE_EVENTS = 24  # key events in the comparison

Progress = Callable[[int, int, str], None]


class ReportError(ExplorerError):
    """A report that cannot be made as asked (unknown variable, no branches, unwritable file...)."""


class ReportCancelled(ExplorerError):
    """The user cancelled an export; nothing was written."""


# --- choosing what goes in --------------------------------------------------------------------------

def _fork_or(ws: Workspace, bid: str, default: dt.date) -> dt.date:
    try:
        return ws.divergence_date(bid) or default
    except ExplorerError:  # a branch that cannot run goes last among its siblings
        return default


def tree_order(ws: Workspace, branch_ids=None) -> list[str]:
    """Branch ids depth-first from the baseline (parents before children, siblings by the date they
    fork, as the app's outline lists them; file order breaks ties).

    With `branch_ids`, only those, still in tree order. Unknown ids raise UnknownName.
    """
    order: list[str] = []
    end = ws.scenario.end

    def walk(bid: str) -> None:
        order.append(bid)
        kids = ws.children(bid)
        for kid in sorted(kids, key=lambda k: (_fork_or(ws, k, end), kids.index(k))):
            walk(kid)
    walk(BASELINE)
    for b in ws.scenario.branch_ids:  # a branch cut off from the baseline (should not happen)
        if b not in order:
            order.append(b)
    if branch_ids is None:
        return order
    wanted = []
    for b in branch_ids:
        ws.branch(b)  # raises UnknownName with a suggestion
        if b not in wanted:
            wanted.append(b)
    return [b for b in order if b in wanted]


def check_variables(scenario: Scenario, names) -> list[str]:
    out = []
    for n in names:
        if n not in scenario.variables:
            raise UnknownName(f"no variable '{n}'{did_you_mean(n, scenario.variables)}; variables: "
                              f"{', '.join(scenario.variables)}")
        if n not in out:
            out.append(n)
    return out


def default_variables(ws: Workspace, branch_ids: list[str], limit: int = DEFAULT_VARIABLE_COUNT) -> list[str]:
    """The world variables worth plotting: those whose story differs most between the branches.

    Score per variable: how many of the branches (and their parents) end it differently from the
    baseline, then how many distinct final values the branches reach, then how often it moves.
    Text variables are left out; variables that never move anywhere only when nothing else does.
    """
    sc = ws.scenario
    involved = []
    for b in branch_ids:
        for anc in ws.path(b):
            if anc.id not in involved:
                involved.append(anc.id)
    base = ws.timeline(BASELINE)
    scored = []
    for i, (name, var) in enumerate(sc.variables.items()):
        if var.type == "text":
            continue
        base_traj = base.trajectory(name)
        differ = moves = 0
        finals = set()
        for b in involved:
            traj = ws.timeline(b).trajectory(name)
            moves += len(traj) - 1
            if b in branch_ids:
                finals.add(repr(traj[-1][1]))
            if b != BASELINE and traj != base_traj:
                differ += 1
        scored.append(((differ, len(finals), moves, var.type == "number"), i, name))
    scored.sort(key=lambda s: (tuple(-x for x in s[0]), s[1]))
    moving = [name for key, _, name in scored if key[2] > 0]
    chosen = moving[:limit]
    if not chosen:
        chosen = [name for _, _, name in scored][:min(limit, 2)]
    order = list(sc.variables)
    return sorted(chosen, key=order.index)


# --- small helpers ----------------------------------------------------------------------------------



def build_report(ws: Workspace, branches=None, variables=None, *, now: dt.datetime | None = None,
                 progress: Progress | None = None, goal: str | None = None,
                 full_chronology: bool = False) -> dict:
    """The report tree for `branches` (default: all, in tree order) plotting `variables`
    (default: `default_variables`). `progress(done, total, message)` is called per branch; it may
    raise (ReportCancelled) to stop. `goal`: add a sensitivity section for that goal (core/sensitivity.py).

    A branch whose parent is in the report too is told from its fork on, with a reference back to
    the parent's section (`shared_prefix`): a book of alternate histories, not the same chronology
    told again in every branch. `full_chronology=True` tells every branch from the start."""
    sc = ws.scenario
    ids = tree_order(ws, branches)
    if not ids:
        raise ReportError("no branches to report on; name at least one with --branch")
    var_names = check_variables(sc, variables) if variables else default_variables(ws, ids)
    now = now or dt.datetime.now().astimezone()
    total = len(ids) + 1
    step = progress or (lambda done, total, message: None)

    numbers = {b: i + 1 for i, b in enumerate(ids)}
    out_branches = []
    for i, bid in enumerate(ids):
        step(i, total, f"Working out branch {ws.branch(bid).label!r}")
        out_branches.append(_branch_section(ws, bid, i + 1, var_names, numbers, full_chronology))
    step(len(ids), total, "Comparing the branches")
    comparison = _comparison(ws, ids, var_names) if len(ids) > 1 else None
    sens = _sensitivity(ws, ids, goal) if goal else None

    contents = [{"anchor": "title", "title": "Title page", "level": 1, "parent": None}]
    if comparison:
        contents.append({"anchor": "comparison", "title": "Comparison of outcomes", "level": 1, "parent": None})
    if sens:
        contents.append({"anchor": "sensitivity", "title": "Sensitivity", "level": 1, "parent": None})
    for b in out_branches:
        contents.append({"anchor": b["anchor"], "title": f"{b['number']}. {b['label']}", "level": 1,
                         "parent": None})
        for key, title in SUBSECTIONS:
            if key in b["sections"]:
                contents.append({"anchor": f"{b['anchor']}-{key}", "title": title, "level": 2,
                                 "parent": b["anchor"]})

    report = {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "generator": f"What-If Explorer {__version__}",
        "exported": now.isoformat(timespec="seconds"),
        "scenario": {
            "id": sc.id, "title": sc.title, "description": sc.description,
            "start": sc.start.isoformat(), "end": sc.end.isoformat(),
            "file": _basename(sc.path), "mode": ws.mode, "seed": ws.seed,
            "events": len(sc.events), "branches": len(sc.branches),
        },
        "title_page": {
            "title": sc.title, "subtitle": "A counterfactual history report",
            "description": sc.description, "period": [sc.start.isoformat(), sc.end.isoformat()],
            "exported": now.date().isoformat(),
            "branches": [{"id": b["id"], "label": b["label"], "number": b["number"], "depth": b["depth"],
                          "parent_label": b["parent_label"], "divergence_date": b["divergence_date"],
                          "anchor": b["anchor"]} for b in out_branches],
        },
        "variables": [_variable(sc.variables[n]) for n in var_names],
        "contents": contents,
        "comparison": comparison,
        "sensitivity": sens,
        "branches": out_branches,
    }
    step(total, total, "Report data ready")
    return report


SENSITIVITY_ROWS = 8  # divergences per branch in the report's sensitivity section


def _sensitivity(ws: Workspace, ids: list[str], goal: str) -> dict:
    """Per branch, the single divergences that move the goal most (likely mode), as a tornado's rows."""
    from .sensitivity import sensitivity
    out = []
    kind = "condition"
    for bid in ids:
        s = sensitivity(ws.scenario, bid, goal)
        kind = s.kind
        moving = [e for e in s.effects if e.delta]
        top = max((abs(e.delta) for e in moving), default=0.0) or 1.0
        rows = []
        for e in moving[:SENSITIVITY_ROWS]:
            effect = (f"flips to {'true' if e.value else 'false'}" if isinstance(e.value, bool)
                      else f"{e.delta:+g} (to {e.value:g})")
            rows.append({"divergence": e.candidate.words, "kind": e.candidate.kind,
                         "date": e.candidate.date.isoformat(), "effect": effect, "delta": e.delta,
                         "share": round(abs(e.delta) / top, 4), "changed_events": e.changed})
        value = s.base_value if not isinstance(s.base_value, float) else float(f"{s.base_value:g}")
        out.append({"id": bid, "label": ws.branch(bid).label or bid, "value": value,
                    "value_text": ("true" if value else "false") if isinstance(value, bool) else f"{value:g}",
                    "tried": len(s.effects), "moving": len(moving), "rows": rows})
    return {"goal": goal, "kind": kind, "branches": out}


def _comparison(ws: Workspace, ids: list[str], var_names: list[str]) -> dict:
    sc = ws.scenario
    tls = [ws.timeline(b) for b in ids]
    rows = []

    def row(group, key, label, cells):
        ref = cells[0]
        for c in cells:
            c.setdefault("absent", False)
            c["differs"] = (c["text"], c.get("date")) != (ref["text"], ref.get("date"))
        rows.append({"group": group, "key": key, "label": label, "cells": cells,
                     "differs": any(c["differs"] for c in cells)})

    row("summary", "parent", "Forks from",
        [{"text": ws.branch(ws.branch(b).parent).label if ws.branch(b).parent else "—", "date": None}
         for b in ids])
    row("summary", "divergence_date", "Diverges on",
        [{"text": "", "date": _iso(ws.divergence_date(b))} if ws.branch(b).parent
         else {"text": "—", "date": None} for b in ids])
    row("summary", "events", "Events that happen", [{"text": str(len(t.firings)), "date": None} for t in tls])
    diffs = [ws.diff(b, BASELINE) if b != BASELINE else None for b in ids]
    row("summary", "new", "New against the baseline",
        [{"text": str(d.counts()[NEW]) if d else "—", "date": None} for d in diffs])
    row("summary", "gone", "Gone against the baseline",
        [{"text": str(d.counts()[GONE]) if d else "—", "date": None} for d in diffs])

    # the world at the end: the plotted variables, then those whose end differs most between branches
    var_candidates = []
    for k, (name, var) in enumerate(sc.variables.items()):
        finals = [t.final_state[name] for t in tls]
        distinct = len({repr(f) for f in finals})
        if name in var_names or distinct > 1:
            var_candidates.append((name not in var_names, -distinct, k, name, finals))
    var_candidates.sort()
    kept_vars = sorted(var_candidates[:max(MAX_COMPARE_VARIABLES, len(var_names))], key=lambda c: c[2])
    for _, _, _, name, finals in kept_vars:
        var = sc.variables[name]
        row("variables", name, var.title, [{"text": value_text(var, f), "date": None} for f in finals])

    # key events: those whose fate splits the branches most evenly, or whose outcome differs
    first: dict[str, int] = {}
    for t in tls:
        for f in t.firings:
            if f.occurrence == 1 and (f.event not in first or f.ordinal < first[f.event]):
                first[f.event] = f.ordinal
    decl = {e.id: i for i, e in enumerate(sc.events)}
    n = len(tls)
    candidates = []
    for event in first:
        cells = []
        for t in tls:
            f = t.firing(event)
            if f is None:
                cells.append({"text": "—", "date": None, "absent": True})
            else:
                cells.append({"text": _outcome_title(t, event, f.outcome) or "", "date": _iso(f.date),
                              "absent": False})
        if len({(c["text"], c["date"]) for c in cells}) == 1:
            continue
        k = sum(1 for c in cells if not c["absent"])
        outcomes = len({c["text"] for c in cells if not c["absent"]})
        score = (min(k, n - k) + (2 if outcomes > 1 else 0), k)
        candidates.append((tuple(-x for x in score), first[event], decl.get(event, 1 << 30), event, cells))
    candidates.sort()
    kept = sorted(candidates[:MAX_COMPARE_EVENTS], key=lambda c: (c[1], c[2]))
    for _, _, _, event, cells in kept:
        rule = next((t.rule(event) for t in tls if t.rule(event) is not None), None)
        row("events", event, rule.title if rule else event, cells)
    return {"branches": [{"id": b, "label": ws.branch(b).label} for b in ids], "rows": rows,
            "omitted_variables": len(var_candidates) - len(kept_vars),
            "omitted_events": len(candidates) - len(kept)}
