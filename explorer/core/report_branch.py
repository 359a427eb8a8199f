"""A report's branch section: its path of divergences, chronology, narrative, changes against the
parent and the baseline, plots' data, why and why-not, as plain data (core/report.py assembles the
whole report from these and the comparison). No Qt here."""
from __future__ import annotations

import datetime as dt

from .diff import CHANGED, GONE, NEW, SAME, Diff
from .explain import Cause, Why, WhyNot, failed_terms, fmt, why_not
from .model import BASELINE, Variable, show_value
from .prose import (cause_words, divergence_sentence, failed_term_words, lapse_words, root_words,
                    why_not_reasons)
from .serialize import jsonable
from .timeline import Timeline
from .workspace import Workspace

WHY_DEPTH = 2  # levels of a why-chain a report shows; the roots are always listed
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
    out = {"kind": dv.kind, "label": dv.describe(), "summary": divergence_words(dv, tl, applied.date),
           "date": _iso(applied.date), "event": dv.event, "outcome": dv.outcome,
           "values": {k: jsonable(v) for k, v in dv.values.items()}}
    if dv.rule is not None:
        out["new_event"] = {"id": dv.rule.id, "title": dv.rule.title, "text": dv.rule.text}
    return out


def _cause(c: Cause, depth: int, sc, heads: dict) -> dict:
    """A why-chain node; below WHY_DEPTH levels the chain is cut (`hidden` counts what was left out).
    `via` is the engine's wording (`tension = 100`, `outcome("x") = y`), kept for tools; `lead` and
    `tail` are the words a reader gets around the cause's title, as in the app (`prose.cause_words`:
    "Superpower tension was 100, set by" ..., "needed" ... "to have happened")."""
    lead, tail = cause_words(sc, c)
    title = f'divergence "{heads[c.index]}"' if c.kind == "divergence" and c.index in heads else c.title
    out = {"kind": c.kind, "title": title, "date": _iso(c.date), "via": c.via, "lead": lead, "tail": tail,
           "event": c.event, "repeated": c.repeated, "causes": [], "hidden": 0}
    if depth < WHY_DEPTH:
        out["causes"] = [_cause(k, depth + 1, sc, heads) for k in c.causes]
    else:
        out["hidden"] = _count(c.causes)
    return out


def _count(causes) -> int:
    return sum(1 + _count(c.causes) for c in causes)


def _why(w: Why, status: str, sc, heads: dict) -> dict:
    """`heads`: the branch's divergences' headlines by index (`_divergence_headline`: the label, else
    the branch's), which name a divergence in its why-chains and roots instead of the engine's
    "ExComm weighs its options has this outcome: …"."""
    return {"event": w.event, "title": w.title, "date": _iso(w.date), "outcome": w.outcome,
            "status": status, "condition": w.condition,
            "causes": [_cause(c, 1, sc, heads) for c in w.causes],
            "roots": [{"kind": r.kind, "title": r.title, "date": _iso(r.date),
                       "words": f"the divergence {_quoted(heads[r.index])}" if r.kind == "divergence" and r.index in heads
                       else root_words(sc, r)} for r in w.roots]}


def _failed(terms, sc) -> list[dict]:
    """Failed condition terms: `condition` and each read's `name` as the engine has them (for authors and
    tools), `words` what the reader is told ("Regime in Mexico was …, set by “…” on …")."""
    out = []
    for t in terms:
        words = failed_term_words(sc, t)
        out.append({"condition": t.source,
                    "reads": [{"name": n, "value": jsonable(v), "value_text": fmt(v, sc.variables.get(n)),
                               "set_by": who, "words": w} for (n, v, who), w in zip(t.reads, words)]})
    return out


# --- the report -------------------------------------------------------------------------------------



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


def _branch_section(ws: Workspace, bid: str, number: int, var_names: list[str], numbers: dict,
                    full_chronology: bool = False) -> dict:
    sc = ws.scenario
    b = ws.branch(bid)
    tl = ws.timeline(bid)
    parent = ws.branch(b.parent) if b.parent else None
    d_parent: Diff | None = ws.diff(bid) if parent else None
    anchor = f"b{number}"
    fork = ws.divergence_date(bid) if parent else None
    # When the parent is in the report too, the history the branch shares with it (everything before
    # the fork) is told once, in the parent's section; this section starts at the fork (unless
    # `full_chronology`: every section tells its history from the start).
    prefix = None
    cut = ""
    if parent is not None and parent.id in numbers and fork is not None and not full_chronology:
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
                "parent_outcome_title": _outcome_title(ptl, e.event, e.other_outcome),
                "tags": list(tl.rule(e.event).tags) if tl.rule(e.event) else []})
    else:
        for f in tl.firings:
            chronology.append({
                "date": _iso(f.date), "event": f.event, "occurrence": f.occurrence,
                "title": tl.title(f.event, f.outcome), "outcome": f.outcome,
                "outcome_title": _outcome_title(tl, f.event, f.outcome), "status": None,
                "parent_date": None, "parent_outcome": None, "parent_outcome_title": None,
                "tags": list(tl.rule(f.event).tags)})

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
    items = []
    for a in tl.divergences:
        first = not any(o.branch == a.branch and o.k < a.k for o in tl.divergences)
        items.append((a.ordinal, 0, a.k, {"kind": "divergence", "date": _iso(a.date),
                                          "title": _divergence_headline(ws, tl, a),
                                          "text": _divergence_prose(ws, tl, a, b.id, first), "event": None,
                                          "status": "own" if a.branch == bid else "inherited", "sources": []}))
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
    heads = {a.k: _divergence_headline(ws, tl, a) for a in tl.divergences}
    why = []
    if d_parent is not None:
        for e in d_parent.events:
            if e.status in (NEW, CHANGED):
                why.append(_why(ws.why(bid, e.event, e.occurrence), e.status, sc, heads))

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


def _before(dv, tl: Timeline, date: dt.date | None) -> dict | None:
    """The world the day before a `set` strikes, for the values it replaces."""
    return tl.state_at(date - dt.timedelta(days=1)) if date is not None and dv.kind == "set" else None


def divergence_words(dv, tl: Timeline, date: dt.date | None = None) -> str:
    """A divergence as a sentence of its history (prose.divergence_sentence); with its date, a `set`
    also says the value it replaced."""
    return divergence_sentence(tl.scenario, dv, _before(dv, tl, date))


def _divergence_headline(ws: Workspace, tl: Timeline, a) -> str:
    """The divergence's own label, else its branch's label when it is that branch's only one, else what
    it does in the app's words ("“The Texas Incident” does not happen", model.describe_divergence),
    which name it in why-chains and roots: not the sentence, "the divergence “In this history …”"."""
    dv = a.divergence
    if dv.label:
        return dv.label
    owner = ws.branch(a.branch)
    if len(owner.divergences) == 1 and owner.label and owner.label != owner.id:
        return owner.label
    return tl.scenario.describe_divergence(dv, _before(dv, tl, a.date))


def _quoted(head: str) -> str:
    """A headline in the reader's quotes; quotes inside it turn single ("the divergence “‘The coup’
    happens”", not "““The coup” happens”")."""
    return "“" + head.replace("“", "‘").replace("”", "’") + "”"


def _divergence_prose(ws: Workspace, tl: Timeline, a, branch_id: str, first: bool) -> str:
    """The narrative's paragraph where a divergence strikes. The first of a branch's divergences says
    that the history parts here, the others join it ("With it: …"); a divergence's own new event is
    named, not told, since its firing is told next (or, when it does not happen, said so)."""
    dv = a.divergence
    if not first:
        where = "With it"
    elif a.branch == branch_id:
        where = "Here this branch parts from its parent"
    else:
        where = f"Here this history parts from an earlier one ({ws.branch(a.branch).label})"
    head = _divergence_headline(ws, tl, a)
    words = divergence_words(dv, tl, a.date)
    if words == f"In this history {head}.":  # no label: the sentence alone, not its words twice
        text = f"{where}: {words}"
    else:
        text = f"{where}: {head.rstrip('.')}."
        if words.rstrip(".").lower() != head.rstrip(".").lower():
            text += f" {words}"
    if dv.kind == "event" and dv.rule is not None and not tl.happened(dv.rule.id):
        text += " What it needed did not hold, and it does not happen."
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
            reasons, failed = why_not_reasons(tl.scenario, wn), _failed(wn.all_failed(), tl.scenario)
        else:  # lapsed once, happened another time (after-rules, repeatables)
            terms = failed_terms(tl, lp.event, lp) if lp.kind != "chance" else []
            rule = tl.rule(lp.event)
            reasons = [lp.detail] if lp.kind in ("chance", "mtth") or rule is None else \
                [lapse_words(tl.scenario, rule.timing, lp.date)]
            failed = _failed(terms, tl.scenario)
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
                        "kind": "gone", "in_parent": "happened", "focus": True,
                        "reasons": why_not_reasons(tl.scenario, wn), "failed": _failed(wn.all_failed(), tl.scenario)})
    out.sort(key=lambda x: (x["date"] or "", x["title"]))
    return out


# --- comparing branches -----------------------------------------------------------------------------
