"""Plain data -> model: the scenario's structure checked key by key and turned into the dataclasses
of model.py, each problem added to the Report at its key path.

Both roads of the loader end here (the fast road's plain values and the careful road's walked YAML), so
the structural rules and their messages have one home. Semantic checks (names, types of conditions and
effects) come after, in program.py.
"""
from __future__ import annotations

import datetime as dt

from .errors import did_you_mean
from .model import BASELINE, Branch, Divergence, Expectation, Scenario, Timing
from .positions import Report
from .build_keys import (_nolint, EVENT_ID_RE, ID_RE, P_RE, _BASELINE, _BRANCH, _DIVERGENCE, _EXPECT,
                         _SCENARIO, _TOP, _date, _expect, _id, _keys, _kind, _text)
from .build_rules import _event, _variable



def _build(data, report: Report) -> Scenario | None:
    if not isinstance(data, dict):
        report.add("", f"the top level must be a mapping with {', '.join(_TOP)}; got {_kind(data)}")
        return None
    _keys(data, "", _TOP, report, required=("scenario", "variables", "events"))
    meta = data.get("scenario")
    if not isinstance(meta, dict):
        if "scenario" in data:
            report.add("scenario", f"expected a mapping with {', '.join(_SCENARIO)}, got {_kind(meta)}")
        return None
    _keys(meta, "scenario", _SCENARIO, report, required=("id", "title", "start", "end"))
    sid = _text(meta, "id", "scenario", report)
    if sid and not ID_RE.match(sid):
        report.add("scenario.id", f"'{sid}' is not an id; use letters, digits, _ . -")
    start = _date(meta, "start", "scenario", report) if "start" in meta else None
    end = _date(meta, "end", "scenario", report) if "end" in meta else None
    if start and end and end < start:
        report.add("scenario.end", f"end {end} is before start {start}")
    sc = Scenario(id=sid, title=_text(meta, "title", "scenario", report), start=start or dt.date(1, 1, 1),
                  end=end or dt.date(1, 1, 1), description=_text(meta, "description", "scenario", report))

    variables = data.get("variables")
    if _expect(variables, dict, "variables", report, "a mapping of variable names"):
        for name, spec in variables.items():
            var = _variable(name, spec, report)
            if var:
                sc.variables[name] = var
    conditions = data.get("conditions") or {}
    if _expect(conditions, dict, "conditions", report, "a mapping of named conditions"):
        for name, expr in conditions.items():
            p = f"conditions[{name}]" if "." in name else f"conditions.{name}"
            if not EVENT_ID_RE.match(name):
                report.add(p + "#key", f"'{name}' is not a condition name; use letters, digits and _")
            elif name in sc.variables:
                report.add(p + "#key", f"'{name}' is also a variable; rename the condition")
            elif isinstance(expr, (str, bool)):
                sc.conditions[name] = expr if isinstance(expr, str) else ("true" if expr else "false")
            else:
                report.add(p, f"expected an expression, got {_kind(expr)}")
    events = data.get("events")
    if _expect(events, list, "events", report, "a list of events"):
        seen: dict[str, int] = {}
        for i, spec in enumerate(events):
            rule = _event(spec, f"events[{i}]", report)
            if rule is None:
                continue
            if rule.id in seen:
                report.add(f"events[{i}].id", f"duplicate event id '{rule.id}' (first at events"
                                              f"[{seen[rule.id]}]); ids must be unique")
                continue
            seen[rule.id] = i
            report.paths[id(rule)] = f"events[{i}]"
            sc.events.append(rule)
    sc.branches.append(Branch(BASELINE, None, "Baseline", sc.description))
    branches = data.get("branches") or []
    if _expect(branches, list, "branches", report, "a list of branches"):
        ids = {BASELINE: -1}
        for i, spec in enumerate(branches):
            if isinstance(spec, dict) and spec.get("id") == BASELINE:
                if ids[BASELINE] >= 0:
                    report.add(f"branches[{i}].id", f"the baseline is declared twice (first at branches"
                                                    f"[{ids[BASELINE]}]); keep one")
                    continue
                ids[BASELINE] = i
                _baseline(spec, f"branches[{i}]", sc.branches[0], report)
                continue
            br = _branch(spec, f"branches[{i}]", report)
            if br is None:
                continue
            if br.id in ids:
                first = "built in" if ids[br.id] < 0 else f"first at branches[{ids[br.id]}]"
                report.add(f"branches[{i}].id", f"duplicate branch id '{br.id}' ({first}); "
                                                "ids must be unique")
                continue
            ids[br.id] = i
            report.paths[id(br)] = f"branches[{i}]"
            sc.branches.append(br)
    return sc



def _branch(spec, path: str, report: Report) -> Branch | None:
    if not _expect(spec, dict, path, report, "a mapping with id, parent, label and divergences"):
        return None
    _keys(spec, path, _BRANCH, report)
    bid = _id(spec, path, report, regex=ID_RE, what="a branch id")
    if bid is None:
        return None
    parent = spec.get("parent", BASELINE)
    if not isinstance(parent, str):
        report.add(f"{path}.parent", f"expected a branch id, got {_kind(parent)}")
        parent = BASELINE
    br = Branch(bid, parent, label=_text(spec, "label", path, report) or bid,
                description=_text(spec, "description", path, report))
    br.expect = _expectations(spec, path, report)
    br.nolint = _nolint(spec, path, report)
    divs = spec.get("divergences")
    if not isinstance(divs, list) or not divs:
        report.add(f"{path}.divergences" if "divergences" in spec else path,
                   "a branch needs `divergences:`, a list with at least one change")
        return br
    for i, d in enumerate(divs):
        div = _divergence(d, f"{path}.divergences[{i}]", report)
        if div:
            report.paths[id(div)] = f"{path}.divergences[{i}]"
            if div.rule is not None:
                report.paths[id(div.rule)] = f"{path}.divergences[{i}].event"
            br.divergences.append(div)
    return br


def _baseline(spec: dict, path: str, br: Branch, report: Report) -> None:
    """`- id: baseline` in `branches:`: the baseline's label, description and expectations."""
    for k in spec:
        if k not in _BASELINE:
            hint = "; the baseline has no parent and no divergences" if k in ("parent", "divergences") else ""
            report.add(f"{path}.{k}#key", f"unknown key '{k}' for the baseline{did_you_mean(str(k), _BASELINE)}"
                                         f"{hint}; allowed: {', '.join(_BASELINE)}")
    br.label = _text(spec, "label", path, report) or br.label
    br.description = _text(spec, "description", path, report) or br.description
    br.expect = _expectations(spec, path, report)
    br.declared = True
    report.paths[id(br)] = path



def _expectations(spec: dict, path: str, report: Report) -> list[Expectation]:
    """`expect:` of a branch: conditions, or {that:, on:} / {that:, p:, runs:} mappings."""
    v = spec.get("expect")
    if v is None:
        return []
    if isinstance(v, str):
        v = [v]
    if not _expect(v, list, f"{path}.expect", report, "a list of conditions"):
        return []
    out = []
    for j, item in enumerate(v):
        p = f"{path}.expect[{j}]"
        if isinstance(item, bool):
            item = "true" if item else "false"
        if isinstance(item, str):
            out.append(Expectation(item, path=p))
            continue
        if not isinstance(item, dict):
            report.add(p, f"expected a condition or {{that: CONDITION, on: DATE}}, got {_kind(item)}")
            continue
        _keys(item, p, _EXPECT, report, required=("that",))
        that = item.get("that")
        if not isinstance(that, str):
            if "that" in item:
                report.add(f"{p}.that", f"expected a condition, got {_kind(that)}")
            continue
        e = Expectation(that, path=f"{p}.that")
        if "on" in item:
            e.on = _date(item, "on", p, report)
        if "p" in item:
            m = P_RE.match(str(item["p"])) if isinstance(item["p"], str) else None
            if m is None or float(m.group(2)) > 1:
                report.add(f"{p}.p", f"expected a bound such as \">= 0.3\" (>=, >, <= or < and a share "
                                     f"0..1), got {_kind(item['p'])}")
            else:
                e.p = f"{m.group(1)} {m.group(2)}"
        if "runs" in item:
            r = item["runs"]
            if isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= 100_000:
                report.add(f"{p}.runs", f"expected a number of sampled runs 1..100000, got {_kind(r)}")
            elif "p" not in item:
                report.add(f"{p}.runs#key", "runs: only applies with p: (a share of sampled runs)")
            else:
                e.runs = r
        out.append(e)
    return out


def _divergence(d, path: str, report: Report) -> Divergence | None:
    if not _expect(d, dict, path, report, "a mapping such as {force: EVENT, on: DATE}"):
        return None
    _keys(d, path, _DIVERGENCE, report)
    kinds = [k for k in ("force", "suppress", "set", "event") if k in d]
    if not kinds and "outcome" in d:
        kinds = ["outcome"]
    if len(kinds) != 1:
        report.add(path, "a divergence is exactly one of force:, suppress:, outcome:, set:, event:"
                   + (f" (found {', '.join(kinds)})" if kinds else ""))
        return None
    kind = kinds[0]
    div = Divergence(kind, label=_text(d, "label", path, report))
    if "on" in d:
        div.on = _date(d, "on", path, report)
    if kind in ("force", "suppress"):
        if not isinstance(d[kind], str):
            report.add(f"{path}.{kind}", f"expected an event id, got {_kind(d[kind])}")
            return None
        div.event = d[kind]
        if "outcome" in d:
            if kind == "suppress" or not isinstance(d["outcome"], str):
                report.add(f"{path}.outcome", "with force:, outcome: names one outcome id")
            else:
                div.outcome = d["outcome"]
    elif kind == "outcome":
        o = d["outcome"]
        if not isinstance(o, dict) or len(o) != 1 or not isinstance(next(iter(o.values())), str):
            report.add(f"{path}.outcome", "expected {EVENT: OUTCOME}, one event and its outcome id")
            return None
        div.event, div.outcome = next(iter(o.items()))
    elif kind == "set":
        if not isinstance(d["set"], dict) or not d["set"]:
            report.add(f"{path}.set", "expected a mapping of variable: value")
            return None
        if div.on is None:
            report.add(path, "a set: divergence needs `on:`, the date the world changes")
        div.values = dict(d["set"])
    else:
        rule = _event(d["event"], f"{path}.event", report)
        if rule is None:
            return None
        if rule.timing.kind in ("open", "scheduled", "after") and div.on is None:
            report.add(f"{path}.event", "a one-off event needs `on:` or `between:`")
        if div.on and rule.timing.kind == "open":
            rule.timing = Timing("on", div.on, div.on)
        div.rule = rule
        div.event = rule.id
    return div
