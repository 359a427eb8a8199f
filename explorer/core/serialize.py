"""Plain-data (JSON-ready) views of branches, timelines and diffs: the command line's contract."""
from __future__ import annotations

import datetime as dt

from .diff import Diff
from .engine import AppliedDivergence
from .explain import failed_terms, fmt, outcome_divergence
from .model import Branch, Divergence, EventRule
from .timeline import Timeline
from .workspace import Workspace


def jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def divergence_dict(dv: Divergence, applied: AppliedDivergence | None = None) -> dict:
    out = {"kind": dv.kind, "label": dv.describe()}
    if dv.event:
        out["event"] = dv.event
    if dv.outcome:
        out["outcome"] = dv.outcome
    if dv.values:
        out["values"] = {k: jsonable(v) for k, v in dv.values.items()}
    if dv.rule is not None:
        out["new_event"] = {"id": dv.rule.id, "title": dv.rule.title, "text": dv.rule.text}
    if dv.on:
        out["on"] = dv.on.isoformat()
    if applied is not None:
        out["date"] = applied.date.isoformat()
    return out


def branch_dict(ws: Workspace, branch: Branch, resolve: bool = True) -> dict:
    applied = {}
    if resolve and branch.parent is not None:
        applied = {id(a.divergence): a for a in ws.timeline(branch.id).own_divergences}
    return {"id": branch.id, "label": branch.label, "parent": branch.parent,
            "description": branch.description,
            "divergences": [divergence_dict(d, applied.get(id(d))) for d in branch.divergences]}


def caused_by(tl: Timeline, f) -> list[str]:
    """Event ids (and `divergence:K`) this firing followed, was scheduled by, or read values from."""
    out: list[str] = []

    def add(writer):
        if writer is None:
            return
        name = f"divergence:{-writer - 1}" if writer < 0 else tl.firings[writer].event
        if name not in out:
            out.append(name)
    add(f.caused_by)
    chosen = outcome_divergence(tl, f)
    if chosen is not None:
        add(-(chosen.k + 1))
    for r in f.reads:
        add(r.writer)
    for e in f.event_reads:
        add(e.firing)
    return out


def timeline_dict(ws: Workspace, branch_id: str, diff: Diff | None = None, lapsed: bool = True) -> dict:
    """The branch's history as JSON data. `lapsed=False` leaves the lapsed events out: their reasons
    re-read every failed condition (half of a text `run` of 10,000 rules, which prints them only with
    --lapsed)."""
    tl = ws.timeline(branch_id)
    sc = ws.scenario
    b = ws.branch(branch_id)
    if diff is None and b.parent is not None:
        diff = ws.diff(branch_id)
    events = []
    for f in tl.firings:
        rule = tl.rule(f.event)
        events.append({
            "id": f.event, "title": tl.title(f.event, f.outcome), "date": f.date.isoformat(),
            "outcome": f.outcome, "text": tl.text(f), **({"outcome_text": tl.outcome_text(f)} if f.outcome else {}),
            "status": diff.status_of(f.index) if diff else "same",
            "caused_by": caused_by(tl, f), "tags": list(rule.tags) if rule else [],
            "effects": [{"var": c.var, "from": jsonable(c.old), "to": jsonable(c.new)} for c in f.changes],
        })
    lapses = []
    for lp in tl.lapsed if lapsed else ():
        lapses.append({"id": lp.event, "title": tl.title(lp.event), "date": lp.date.isoformat(),
                       "reason": lapse_reason(tl, lp)})
    out = {
        "scenario": {"id": sc.id, "title": sc.title, "start": sc.start.isoformat(), "end": sc.end.isoformat()},
        "branch": branch_dict(ws, b),
        "mode": tl.mode,
        "events": events,
        "lapsed": lapses,
        "final_state": {k: jsonable(v) for k, v in tl.final_state.items()},
    }
    if diff is not None:
        out["gone"] = [{"id": e.event, "title": e.title, "date": e.other_date.isoformat(),
                        "outcome": e.other_outcome} for e in diff.gone]
    return out


def lapse_reason(tl: Timeline, lp) -> str:
    if lp.kind in ("chance", "mtth"):
        return lp.detail
    failed = failed_terms(tl, lp.event, lp)
    if not failed:
        return "window closed with no outcome's condition true"
    parts = []
    for t in failed:
        seen = ", ".join(f"{n} = {fmt(v, tl.scenario.variables.get(n))}"
                         + (f" ({who})" if n.startswith("outcome(") else "") for n, v, who in t.reads)
        parts.append(f"{t.source}" + (f" [{seen}]" if seen else ""))
    return "false: " + "; ".join(parts)


def diff_dict(d: Diff) -> dict:
    return {
        "branch": d.branch, "other": d.other, "counts": d.counts(),
        "events": [{"id": e.event, "occurrence": e.occurrence, "status": e.status, "title": e.title,
                    "date": e.date.isoformat() if e.date else None,
                    "other_date": e.other_date.isoformat() if e.other_date else None,
                    "outcome": e.outcome, "other_outcome": e.other_outcome} for e in d.events],
        "variables": [{"var": v.var, "label": v.label, "final": jsonable(v.final),
                       "other_final": jsonable(v.other_final),
                       "first_difference": v.first_difference.isoformat() if v.first_difference else None}
                      for v in d.variables],
    }


def rule_summary(rule: EventRule) -> dict:
    return {"id": rule.id, "title": rule.title, "timing": rule.timing.describe(), "tags": list(rule.tags)}
