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
from .diff import CHANGED, GONE, NEW, SAME, Diff
from .errors import ExplorerError, UnknownName, did_you_mean
from .explain import Cause, Why, WhyNot, failed_terms, fmt, why_not
from .model import BASELINE, Scenario, Variable, show_value
from .serialize import jsonable
from .timeline import Timeline
from .workspace import Workspace

REPORT_FORMAT = "what-if-report"
REPORT_VERSION = 1
DEFAULT_VARIABLE_COUNT = 4
WHY_DEPTH = 2  # levels of a why-chain a report shows; the roots are always listed
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

value_text = show_value  # the reports' name for it


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _outcome_title(tl: Timeline, event: str, outcome: str | None) -> str | None:
    if not outcome:
        return None
    rule = tl.rule(event)
    o = rule.outcome(outcome) if rule else None
    return (o.title or o.id) if o else outcome


def _divergence(applied, tl: Timeline) -> dict:
    dv = applied.divergence
    out = {"kind": dv.kind, "label": dv.describe(), "summary": divergence_words(dv, tl),
           "date": _iso(applied.date), "event": dv.event, "outcome": dv.outcome,
           "values": {k: jsonable(v) for k, v in dv.values.items()}}
    if dv.rule is not None:
        out["new_event"] = {"id": dv.rule.id, "title": dv.rule.title, "text": dv.rule.text}
    return out


def _cause(c: Cause, depth: int) -> dict:
    """A why-chain node; below WHY_DEPTH levels the chain is cut (`hidden` counts what was left out)."""
    out = {"kind": c.kind, "title": c.title, "date": _iso(c.date), "via": c.via, "event": c.event,
           "repeated": c.repeated, "causes": [], "hidden": 0}
    if depth < WHY_DEPTH:
        out["causes"] = [_cause(k, depth + 1) for k in c.causes]
    else:
        out["hidden"] = _count(c.causes)
    return out


def _count(causes) -> int:
    return sum(1 + _count(c.causes) for c in causes)


def _why(w: Why, status: str) -> dict:
    return {"event": w.event, "title": w.title, "date": _iso(w.date), "outcome": w.outcome,
            "status": status, "condition": w.condition,
            "causes": [_cause(c, 1) for c in w.causes],
            "roots": [{"kind": r.kind, "title": r.title, "date": _iso(r.date)} for r in w.roots]}


def _failed(terms, variables: dict) -> list[dict]:
    return [{"condition": t.source,
             "reads": [{"name": n, "value": jsonable(v), "value_text": fmt(v, variables.get(n)), "set_by": who}
                       for n, v, who in t.reads]} for t in terms]


# --- the report -------------------------------------------------------------------------------------

def build_report(ws: Workspace, branches=None, variables=None, *, now: dt.datetime | None = None,
                 progress: Progress | None = None, goal: str | None = None) -> dict:
    """The report tree for `branches` (default: all, in tree order) plotting `variables`
    (default: `default_variables`). `progress(done, total, message)` is called per branch; it may
    raise (ReportCancelled) to stop. `goal`: add a sensitivity section for that goal (core/sensitivity.py)."""
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
        out_branches.append(_branch_section(ws, bid, i + 1, var_names, numbers))
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


SUBSECTIONS = (
    ("path", "Path of divergences"),
    ("chronology", "Chronology"),
    ("narrative", "Narrative"),
    ("changes", "What changed"),
    ("plots", "World variables"),
    ("why", "Why the new events happened"),
    ("whynot", "What did not happen, and why not"),
    ("sources", "Sources"),
)


def _basename(path) -> str | None:
    if not path:
        return None
    return str(path).replace("\\", "/").rsplit("/", 1)[-1]


def _variable(v: Variable) -> dict:
    return {"name": v.name, "label": v.title, "type": v.type, "unit": v.unit or "",
            "min": v.min, "max": v.max, "values": [str(x) for x in v.values],
            "value_labels": dict(v.labels), "description": v.description or ""}


def _branch_section(ws: Workspace, bid: str, number: int, var_names: list[str], numbers: dict) -> dict:
    sc = ws.scenario
    b = ws.branch(bid)
    tl = ws.timeline(bid)
    parent = ws.branch(b.parent) if b.parent else None
    d_parent: Diff | None = ws.diff(bid) if parent else None
    anchor = f"b{number}"
    fork = ws.divergence_date(bid) if parent else None
    # When the parent is in the report too, the history the branch shares with it (everything before
    # the fork) is told once, in the parent's section; this section starts at the fork.
    prefix = None
    cut = ""
    if parent is not None and parent.id in numbers and fork is not None:
        cut = fork.isoformat()
        prefix = {"parent": parent.id, "parent_label": parent.label, "parent_number": numbers[parent.id],
                  "until": cut, "events": sum(1 for f in tl.firings if f.date < fork),
                  "lapsed": sum(1 for lp in tl.lapsed if lp.date < fork)}

    # the path of divergences, from the baseline down to this branch
    path = []
    for anc in ws.path(bid)[1:]:
        atl = ws.timeline(anc.id)
        fork = ws.divergence_date(anc.id)
        path.append({"branch": anc.id, "label": anc.label, "parent": anc.parent, "date": _iso(fork),
                     "description": anc.description or "",
                     "divergences": [_divergence(a, atl) for a in atl.own_divergences]})

    # chronology, against the parent (gone events at their old date)
    chronology = []
    if d_parent is not None:
        ptl = ws.timeline(parent.id)
        for e in d_parent.events:
            chronology.append({
                "date": _iso(e.when), "event": e.event, "occurrence": e.occurrence, "title": e.title,
                "outcome": e.outcome if e.status != GONE else e.other_outcome,
                "outcome_title": _outcome_title(tl if e.status != GONE else ptl, e.event,
                                                e.outcome if e.status != GONE else e.other_outcome),
                "status": e.status, "parent_date": _iso(e.other_date), "parent_outcome": e.other_outcome,
                "tags": list(tl.rule(e.event).tags) if tl.rule(e.event) else []})
    else:
        for f in tl.firings:
            chronology.append({
                "date": _iso(f.date), "event": f.event, "occurrence": f.occurrence,
                "title": tl.title(f.event, f.outcome), "outcome": f.outcome,
                "outcome_title": _outcome_title(tl, f.event, f.outcome), "status": None,
                "parent_date": None, "parent_outcome": None, "tags": list(tl.rule(f.event).tags)})

    # sources cited by the events this section tells, numbered in order of first citation
    sources: list[dict] = []
    src_index: dict[str, int] = {}
    event_sources: dict[int, list[int]] = {}
    for f in tl.firings:
        if f.date.isoformat() < cut:
            continue
        rule = tl.rule(f.event)
        nums = []
        for s in (rule.sources if rule else []):
            if s not in src_index:
                src_index[s] = len(sources) + 1
                sources.append({"number": src_index[s], "text": s, "events": []})
            entry = sources[src_index[s] - 1]
            if f.event not in [x["event"] for x in entry["events"]]:
                entry["events"].append({"event": f.event, "title": rule.title})
            nums.append(src_index[s])
        event_sources[f.index] = nums

    # narrative: the events' texts in order, the divergences where they strike
    status = (lambda i: d_parent.status_of(i)) if d_parent is not None else (lambda i: None)
    items = [(a.ordinal, 0, a.k, {"kind": "divergence", "date": _iso(a.date),
                                   "title": _divergence_headline(ws, tl, a),
                                   "text": _divergence_prose(ws, tl, a, b.id), "event": None,
                                   "status": "own" if a.branch == bid else "inherited", "sources": []})
             for a in tl.divergences]
    for f in tl.firings:
        rule = tl.rule(f.event)
        items.append((f.ordinal, 1, f.index, {
            "kind": "event", "date": _iso(f.date), "title": tl.title(f.event, f.outcome),
            "text": tl.narrative(f), "event": f.event, "status": status(f.index),
            "sources": event_sources.get(f.index, [])}))
    narrative = []
    for _, _, _, item in sorted(items, key=lambda t: t[:3]):
        if item["date"] < cut:
            continue
        item["year"] = int(item["date"][:4])
        narrative.append(item)
    chronology = [row for row in chronology if row["date"] >= cut]

    # what changed, against the parent and against the baseline
    changes = []
    if parent is not None:
        changes.append(_changes(ws, bid, d_parent, "parent" if parent.id != BASELINE else "parent and baseline"))
        if parent.id != BASELINE:
            changes.append(_changes(ws, bid, ws.diff(bid, BASELINE), "baseline"))

    # plots: the chosen variables over time, this branch against its parent and the baseline
    compare = [("branch", bid)]
    if parent is not None:
        compare.append(("parent", parent.id))
        if parent.id != BASELINE:
            compare.append(("baseline", BASELINE))
    markers = [{"date": p["date"], "label": p["label"], "branch": p["branch"], "own": p["branch"] == bid}
               for p in path if p["date"]]
    plots = []
    for name in var_names:
        var = sc.variables[name]
        series = []
        for role, sid in compare:
            stl = ws.timeline(sid)
            series.append({"role": role, "branch": sid, "label": ws.branch(sid).label,
                           "points": [[d.isoformat(), jsonable(v)] for d, v in stl.trajectory(name)]})
        plots.append({"variable": name, "label": var.title, "type": var.type, "unit": var.unit or "",
                      "min": var.min, "max": var.max, "values": [str(x) for x in var.values],
                      "value_labels": dict(var.labels), "start": sc.start.isoformat(), "end": sc.end.isoformat(),
                      "series": series, "markers": markers,
                      "final_text": {s["role"]: value_text(var, s["points"][-1][1]) for s in series}})

    # why each new (or changed) event happened
    why = []
    if d_parent is not None:
        for e in d_parent.events:
            if e.status in (NEW, CHANGED):
                why.append(_why(ws.why(bid, e.event, e.occurrence), e.status))

    # what did not happen: the lapsed events, and the parent's events that are gone, with why not
    whynot = _why_not_section(ws, tl, d_parent, parent, cut)

    present = {"path": path, "chronology": chronology, "narrative": narrative, "changes": changes,
               "plots": plots, "why": why, "whynot": whynot, "sources": sources}
    sections = [k for k, _ in SUBSECTIONS if present[k] or k == "chronology"]

    counts = d_parent.counts() if d_parent is not None else {SAME: len(tl.firings), NEW: 0, CHANGED: 0, GONE: 0}
    return {
        "id": bid, "label": b.label, "number": number, "anchor": anchor,
        "description": b.description or "",
        "parent": b.parent, "parent_label": parent.label if parent else None,
        "parent_number": numbers.get(parent.id) if parent else None,
        "depth": ws.depth(bid),
        "divergence_date": _iso(fork),
        "shared_prefix": prefix,
        "events": len(tl.firings), "lapsed_count": len(tl.lapsed), "counts": counts,
        "sections": sections,
        "path": path,
        "chronology": chronology,
        "narrative": narrative,
        "changes": changes,
        "plots": plots,
        "why": why,
        "why_not": whynot,
        "sources": sources,
    }


def divergence_words(dv, tl: Timeline) -> str:
    return tl.scenario.describe_divergence(dv)


def _divergence_headline(ws: Workspace, tl: Timeline, a) -> str:
    """The divergence's own label, else its branch's label when it is that branch's only one."""
    dv = a.divergence
    if dv.label:
        return dv.label
    owner = ws.branch(a.branch)
    if len(owner.divergences) == 1 and owner.label and owner.label != owner.id:
        return owner.label
    words = divergence_words(dv, tl)
    return words[:1].upper() + words[1:]


def _divergence_prose(ws: Workspace, tl: Timeline, a, branch_id: str) -> str:
    dv = a.divergence
    where = "Here this branch parts from its parent" if a.branch == branch_id else \
        f"Here this history parts from an earlier one ({ws.branch(a.branch).label})"
    head = _divergence_headline(ws, tl, a)
    words = divergence_words(dv, tl)
    text = f"{where}: {head.rstrip('.')}."
    if words.lower() != head.lower():
        text += f" {words[:1].upper() + words[1:]}."
    if dv.kind == "event" and dv.rule is not None and dv.rule.text:
        text += f" {dv.rule.text.strip()}"
    return text


def _changes(ws: Workspace, bid: str, d: Diff, relation: str) -> dict:
    other = ws.branch(d.other)
    mine, theirs = ws.timeline(bid), ws.timeline(d.other)

    def item(e):
        return {"event": e.event, "occurrence": e.occurrence, "title": e.title,
                "date": _iso(e.date), "other_date": _iso(e.other_date),
                "outcome": e.outcome, "other_outcome": e.other_outcome,
                "outcome_title": _outcome_title(mine, e.event, e.outcome),
                "other_outcome_title": _outcome_title(theirs, e.event, e.other_outcome)}
    variables = []
    for v in d.variables:
        var = ws.scenario.variables.get(v.var)
        variables.append({"name": v.var, "label": v.label, "final": jsonable(v.final),
                          "other_final": jsonable(v.other_final), "final_text": value_text(var, v.final),
                          "other_final_text": value_text(var, v.other_final),
                          "first_difference": _iso(v.first_difference),
                          "ends_differently": v.final != v.other_final})
    return {"against": d.other, "against_label": other.label, "relation": relation, "counts": d.counts(),
            "new": [item(e) for e in d.new], "gone": [item(e) for e in d.gone],
            "changed": [item(e) for e in d.changed], "variables": variables}


def _why_not_section(ws: Workspace, tl: Timeline, d_parent: Diff | None, parent, cut: str) -> list[dict]:
    """Lapsed events (from `cut` on) and the parent's events that are gone, each with why not.

    `focus` marks the ones a reader wants first: in the baseline all of them, in a branch those that
    happened in the parent (the rest lapsed there too).
    """
    ptl = ws.timeline(parent.id) if parent is not None else None
    out = []
    seen: set[str] = set()

    def in_parent(event: str) -> str | None:
        if ptl is None:
            return None
        if ptl.happened(event):
            return "happened"
        return "lapsed" if ptl.lapse(event) is not None else "absent"

    for lp in tl.lapsed:
        if lp.date.isoformat() < cut:
            continue
        if not tl.happened(lp.event):
            if lp.event in seen:
                continue
            seen.add(lp.event)
            wn: WhyNot = why_not(tl, lp.event)
            reasons, failed = wn.all_reasons(), _failed(wn.all_failed(), tl.scenario.variables)
        else:  # lapsed once, happened another time (after-rules, repeatables)
            terms = failed_terms(tl, lp.event, lp) if lp.kind != "chance" else []
            reasons = [lp.detail] if lp.kind in ("chance", "mtth") else [f"its window closed on {lp.date} with the "
                                                               "condition false"]
            failed = _failed(terms, tl.scenario.variables)
        where = in_parent(lp.event)
        out.append({"event": lp.event, "title": tl.title(lp.event), "date": _iso(lp.date),
                    "kind": "chance" if lp.kind == "chance" else "lapsed", "in_parent": where,
                    "focus": where in (None, "happened"), "reasons": reasons, "failed": failed})
    if d_parent is not None:
        for e in d_parent.gone:
            if e.event in seen or tl.happened(e.event):
                continue
            seen.add(e.event)
            wn = why_not(tl, e.event)
            out.append({"event": e.event, "title": tl.title(e.event), "date": _iso(e.other_date),
                        "kind": "gone", "in_parent": "happened", "focus": True, "reasons": wn.all_reasons(),
                        "failed": _failed(wn.all_failed(), tl.scenario.variables)})
    out.sort(key=lambda x: (x["date"] or "", x["title"]))
    return out


# --- comparing branches -----------------------------------------------------------------------------

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
