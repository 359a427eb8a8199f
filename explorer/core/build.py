"""Plain data -> model: the scenario's structure checked key by key and turned into the dataclasses
of model.py, each problem added to the Report at its key path.

Both roads of the loader end here (the fast road's plain values and the careful road's walked YAML), so
the structural rules and their messages have one home. Semantic checks (names, types of conditions and
effects) come after, in program.py.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from .dates import parse_date, parse_duration
from .errors import did_you_mean
from .model import (BASELINE, LINT_CODES, Branch, Divergence, Effect, EventRule, Expectation, Outcome,
                    Scenario, TextVariant, Timing, Variable, VARIABLE_TYPES)
from .positions import Report

ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
EVENT_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


# --- structure -------------------------------------------------------------------------------

_TOP = ("scenario", "variables", "conditions", "events", "branches")
_SCENARIO = ("id", "title", "description", "start", "end")
_VARIABLE = ("type", "initial", "label", "min", "max", "values", "unit", "description", "nolint")
_EVENT = ("id", "title", "text", "on", "between", "after", "scheduled", "when", "chance", "priority",
          "repeatable", "cooldown", "mtth", "tags", "sources", "effects", "outcomes", "nolint")
_EVENT_KEYS = frozenset(_EVENT)
_OUTCOME = ("id", "title", "when", "weight", "text", "effects")
_VARIANT = ("when", "text")
_BRANCH = ("id", "parent", "label", "description", "divergences", "expect", "nolint")
_BASELINE = ("id", "label", "description", "expect")
_EXPECT = ("that", "on", "p", "runs")
P_RE = re.compile(r"^\s*(>=|<=|>|<)\s*([0-9]*\.?[0-9]+)\s*$")
_DIVERGENCE = ("force", "suppress", "outcome", "set", "event", "on", "label")
_EFFECTS = ("set", "add", "schedule", "cancel")


@dataclass
class _Ctx:
    report: Report
    ok: bool = field(default=True)


def _keys(m: dict, path: str, allowed, report: Report, required=(), hints: dict | None = None) -> bool:
    """Unknown keys with "did you mean"; `hints` gives a better message for keys known elsewhere."""
    good = True
    for k in m:
        if k not in allowed:
            sub = f"{path}[{k}]" if "." in k and path else (f"{path}.{k}" if path else k)
            if hints and k in hints:
                report.add(sub + "#key", hints[k])
            else:
                report.add(sub + "#key", f"unknown key '{k}'{did_you_mean(k, allowed)}; "
                                         f"allowed: {', '.join(allowed)}")
            good = False
    for k in required:
        if k not in m:
            report.add(path, f"missing required key '{k}'")
            good = False
    return good


def _expect(value, types, path: str, report: Report, what: str) -> bool:
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        report.add(path, f"expected {what}, got {'true' if value else 'false'}")
        return False
    if not isinstance(value, types):
        report.add(path, f"expected {what}, got {_kind(value)}")
        return False
    return True


def _kind(v) -> str:
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return f"the number {v}"
    if isinstance(v, str):
        return f"the text '{v[:40]}'"
    if isinstance(v, (dt.date, dt.datetime)):
        return f"the date {v}"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a mapping"
    return type(v).__name__


def _text(m: dict, key: str, path: str, report: Report, default: str = "") -> str:
    v = m.get(key, default)
    if v is None:
        return default
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    if not _expect(v, str, f"{path}.{key}", report, "text"):
        return default
    return v


def _date(m: dict, key: str, path: str, report: Report):
    v = m.get(key)
    try:
        return parse_date(v)
    except ValueError as e:
        report.add(f"{path}.{key}" if path else key, str(e))
        return None


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


def _variable(name, spec, report: Report) -> Variable | None:
    p = f"variables[{name}]"
    if not VAR_RE.match(str(name)):
        report.add(p + "#key", f"'{name}' is not a variable name; use words joined by dots, "
                               "like mexico.regime")
        return None
    if not _expect(spec, dict, p, report, "a mapping with type, initial and label"):
        return None
    if not _keys(spec, p, _VARIABLE, report, required=("type", "initial")):
        if "type" not in spec or "initial" not in spec:
            return None
    vtype = spec.get("type")
    if vtype not in VARIABLE_TYPES:
        report.add(f"{p}.type", f"unknown type '{vtype}'{did_you_mean(str(vtype), VARIABLE_TYPES)}; "
                                f"use one of {', '.join(VARIABLE_TYPES)}")
        return None
    var = Variable(name, vtype, spec.get("initial"), label=_text(spec, "label", p, report),
                   unit=_text(spec, "unit", p, report),
                   description=_text(spec, "description", p, report), nolint=_nolint(spec, p, report))
    if vtype == "number":
        for key in ("min", "max", "initial"):  # .nan and .inf are YAML numbers, not usable ones
            v = spec.get(key)
            if isinstance(v, float) and not math.isfinite(v):
                report.add(f"{p}.{key}", f"{key} {v} is not a finite number")
                return None
        for key in ("min", "max"):
            if key in spec and not _expect(spec[key], (int, float), f"{p}.{key}", report, "a number"):
                return None
        var.min, var.max = spec.get("min"), spec.get("max")
        if var.min is not None and var.max is not None and var.min > var.max:
            report.add(f"{p}.max", f"max {var.max} is below min {var.min}")
        if not _expect(var.initial, (int, float), f"{p}.initial", report, "a number"):
            return None
        if (var.min is not None and var.initial < var.min) or (var.max is not None and var.initial > var.max):
            report.add(f"{p}.initial", f"initial {var.initial} is outside {var.min}..{var.max}")
    elif vtype == "bool":
        _expect(var.initial, bool, f"{p}.initial", report, "true or false")
    elif vtype == "enum":
        vals = spec.get("values")
        if isinstance(vals, dict) and vals:  # id -> label
            for k, label in vals.items():
                at = f"{p}.values[{k}]" if "." in k else f"{p}.values.{k}"
                if not EVENT_ID_RE.match(k):
                    report.add(at + "#key", f"'{k}' is not a value name; use letters, digits and _")
                elif label is None or isinstance(label, (bool, list, dict)):
                    report.add(at, f"expected the value's label (text), got {_kind(label)}")
                else:
                    var.labels[k] = str(label)
            vals = list(vals)
        elif not isinstance(vals, list) or not vals or not all(isinstance(v, str) for v in vals):
            report.add(f"{p}.values", "an enum needs `values:`, a list of names or a mapping of "
                                      "names to labels")
            return None
        if len(set(vals)) != len(vals):
            report.add(f"{p}.values", "enum values must be distinct")
        var.values = tuple(vals)
        if var.initial not in var.values:
            report.add(f"{p}.initial", f"'{var.initial}' is not one of the values"
                                       f"{did_you_mean(str(var.initial), var.values)}")
    else:
        if isinstance(var.initial, (int, float)) and not isinstance(var.initial, bool):
            var.initial = str(var.initial)
        _expect(var.initial, str, f"{p}.initial", report, "text")
    for key in ("min", "max", "values"):
        if key in spec and (vtype != "number" if key != "values" else vtype != "enum"):
            report.add(f"{p}.{key}", f"'{key}' only applies to "
                                     f"{'number' if key != 'values' else 'enum'} variables")
    return var


def _id(m: dict, path: str, report: Report, regex=EVENT_ID_RE, what="an event id") -> str | None:
    v = m.get("id")
    if v is None:
        report.add(path, "missing required key 'id'")
        return None
    if isinstance(v, bool) and isinstance(report, Report) and f"{path}.id" in report.raw:
        raw = report.raw[f"{path}.id"]
        report.add(f"{path}.id", f"YAML reads {raw} as {'true' if v else 'false'}, not as an id; "
                                 f"write it in quotes: \"{raw}\"")
        return None
    if not isinstance(v, str) or not regex.match(v):
        report.add(f"{path}.id", f"'{v}' is not {what}; use letters, digits and _")
        return None
    return v


def _event(spec, path: str, report: Report) -> EventRule | None:
    if not _expect(spec, dict, path, report, "a mapping with id, title and timing"):
        return None
    if not _EVENT_KEYS.issuperset(spec):  # the hints are worded only when a key is unknown
        after = spec.get("after") if isinstance(spec.get("after"), str) else \
            (spec.get("after") or {}).get("event", "X") if isinstance(spec.get("after"), dict) else "X"
        _keys(spec, path, _EVENT, report, hints={
            k: f"`{k}:` belongs inside `after:`, as after: {{event: {after}, delay: "
               f"{spec.get('delay', '0d')}, within: {spec.get('within', '30d')}}}" for k in ("within", "delay")})
    eid = _id(spec, path, report)
    if eid is None:
        return None
    rule = EventRule(eid, title=_text(spec, "title", path, report) or eid)
    rule.text, rule.variants = _narrative(spec, path, report)
    rule.timing = _timing(spec, path, report)
    if "when" in spec:
        rule.when = _expression(spec["when"], f"{path}.when", report)
    if spec.get("chance") is not None:
        c = spec["chance"]
        if isinstance(c, bool) or not isinstance(c, (int, float, str)):
            report.add(f"{path}.chance", f"expected a probability 0..1 or an expression, got {_kind(c)}")
        elif isinstance(c, (int, float)) and not 0 <= c <= 1:
            report.add(f"{path}.chance", f"chance {c} is outside 0..1")
        else:
            rule.chance = c
    if "priority" in spec:
        if _expect(spec["priority"], int, f"{path}.priority", report, "a whole number"):
            rule.priority = spec["priority"]
    if "repeatable" in spec:
        if _expect(spec["repeatable"], bool, f"{path}.repeatable", report, "true or false"):
            rule.repeatable = spec["repeatable"]
    if "mtth" in spec:
        if spec.get("chance") is not None:
            report.add(f"{path}.mtth#key", "give either `chance:` (one roll) or `mtth:` (a mean time to "
                                          "happen), not both")
        else:
            try:
                rule.mtth = parse_duration(spec["mtth"])
                if rule.mtth.days == 0 and rule.mtth.months == 0:
                    report.add(f"{path}.mtth", "mtth must be at least 1d")
            except ValueError as e:
                report.add(f"{path}.mtth", str(e))
    if "cooldown" in spec and spec.get("repeatable") is not True:
        report.add(f"{path}.cooldown", "cooldown only applies to a repeatable event; add `repeatable: true`, "
                                       "or remove the cooldown")
    elif "cooldown" in spec:
        try:
            rule.cooldown = parse_duration(spec["cooldown"])
            if rule.cooldown.days == 0 and rule.cooldown.months == 0:
                report.add(f"{path}.cooldown", "cooldown must be at least 1d")
        except ValueError as e:
            report.add(f"{path}.cooldown", str(e))
    rule.tags = _strings(spec, "tags", path, report)
    rule.sources = _strings(spec, "sources", path, report)
    rule.nolint = _nolint(spec, path, report)
    rule.effects = _effects(spec.get("effects"), f"{path}.effects", report)
    outcomes = spec.get("outcomes")
    if outcomes is not None and _expect(outcomes, list, f"{path}.outcomes", report, "a list of outcomes"):
        seen = set()
        for j, o in enumerate(outcomes):
            op = f"{path}.outcomes[{j}]"
            if not _expect(o, dict, op, report, "a mapping with id, title, weight and effects"):
                continue
            _keys(o, op, _OUTCOME, report)
            oid = _id(o, op, report, what="an outcome id")
            if oid is None:
                continue
            if oid in seen:
                report.add(f"{op}.id", f"duplicate outcome id '{oid}'")
                continue
            seen.add(oid)
            out = Outcome(oid, title=_text(o, "title", op, report) or oid)
            out.text, out.variants = _narrative(o, op, report)
            if "when" in o:
                out.when = _expression(o["when"], f"{op}.when", report)
            w = o.get("weight", 1)
            if isinstance(w, bool) or not isinstance(w, (int, float, str)):
                report.add(f"{op}.weight", f"expected a number or an expression, got {_kind(w)}")
            elif isinstance(w, (int, float)) and w < 0:
                report.add(f"{op}.weight", "weights cannot be negative")
            else:
                out.weight = w
            out.effects = _effects(o.get("effects"), f"{op}.effects", report)
            rule.outcomes.append(out)
    return rule


def _narrative(spec: dict, path: str, report: Report) -> tuple[str, list[TextVariant]]:
    """`text:` as one string, or as a list of variants ({when, text}; the last may be a plain string,
    the default). Returns (the plain text or the default's, the variants)."""
    v = spec.get("text")
    if not isinstance(v, list):
        return _text(spec, "text", path, report), []
    if not v:
        report.add(f"{path}.text", "an empty list of texts; give one text, or variants with `when:`")
        return "", []
    variants: list[TextVariant] = []
    for j, item in enumerate(v):
        vp = f"{path}.text[{j}]"
        if isinstance(item, str) or (isinstance(item, (int, float)) and not isinstance(item, bool)):
            variants.append(TextVariant(str(item), True, bare=True))
            report.paths[id(variants[-1])] = vp
            continue
        if not isinstance(item, dict):
            report.add(vp, f"expected a text, or a mapping with `when:` and `text:`, got {_kind(item)}")
            continue
        _keys(item, vp, _VARIANT, report, required=("text",))
        if "text" not in item:
            continue
        text = _text(item, "text", vp, report)
        when = _expression(item["when"], f"{vp}.when", report) if "when" in item else True
        variants.append(TextVariant(text, when))
        report.paths[id(variants[-1])] = vp
    default = next((x.text for x in variants if x.is_default), "")
    return default, variants


def _expression(v, path: str, report: Report):
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return v
    report.add(path, f"expected a condition, got {_kind(v)}")
    return False


def _strings(spec: dict, key: str, path: str, report: Report) -> list[str]:
    v = spec.get(key)
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    if not isinstance(v, list) or not all(isinstance(x, (str, int, float)) for x in v):
        report.add(f"{path}.{key}", "expected a list of texts")
        return []
    return [str(x) for x in v]


def _timing(spec: dict, path: str, report: Report) -> Timing:
    kinds = [k for k in ("on", "between", "after", "scheduled") if k in spec]
    if len(kinds) > 1:
        report.add(f"{path}.{kinds[1]}#key", f"give one timing, not both '{kinds[0]}' and '{kinds[1]}'")
        return Timing("open")
    if not kinds:
        return Timing("open")
    kind = kinds[0]
    if kind == "on":
        d = _date(spec, "on", path, report)
        return Timing("on", d, d) if d else Timing("open")
    if kind == "between":
        v = spec["between"]
        if not isinstance(v, list) or len(v) != 2:
            report.add(f"{path}.between", "expected [from, to], two dates")
            return Timing("open")
        try:
            a, b = parse_date(v[0]), parse_date(v[1])
        except ValueError as e:
            bad = [i for i in (0, 1) if f"{path}.between[{i}]" in report.bad] \
                if isinstance(report, Report) else []
            if not bad:
                report.add(f"{path}.between", str(e))
            return Timing("open")
        if b < a:
            report.add(f"{path}.between[1]", f"the window ends ({b}) before it starts ({a})")
        return Timing("between", a, b)
    if kind == "scheduled":
        if spec["scheduled"] is not True:
            report.add(f"{path}.scheduled", "write `scheduled: true` or leave it out")
        return Timing("scheduled")
    v = spec["after"]
    if isinstance(v, str):
        v = {"event": v}
    if not isinstance(v, dict):
        report.add(f"{path}.after", "expected {event: ID, delay: 30d, within: 0d}")
        return Timing("open")
    _keys(v, f"{path}.after", ("event", "delay", "within"), report, required=("event",))
    t = Timing("after", event=str(v.get("event", "")))
    for key in ("delay", "within"):
        if key in v:
            try:
                setattr(t, key, parse_duration(v[key]))
            except ValueError as e:
                report.add(f"{path}.after.{key}", str(e))
    return t


def _effects(v, path: str, report: Report) -> list[Effect]:
    if v is None:
        return []
    if not _expect(v, list, path, report, "a list of effects such as {set: {var: value}}"):
        return []
    out = []
    for i, item in enumerate(v):
        p = f"{path}[{i}]"
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in _EFFECTS:
            keys = list(item) if isinstance(item, dict) else []
            bad = next((k for k in keys if k not in _EFFECTS), None)
            hint = did_you_mean(bad, _EFFECTS) if bad else ""
            report.add(p, f"an effect is one of {', '.join(k + ':' for k in _EFFECTS)}" +
                       (f"; unknown '{bad}'{hint}" if bad else ""))
            continue
        kind, body = next(iter(item.items()))
        if kind in ("set", "add"):
            if not _expect(body, dict, f"{p}.{kind}", report, "a mapping of variable: value"):
                continue
            for var, value in body.items():
                out.append(Effect(kind, str(var), value))
                report.paths[id(out[-1])] = f"{p}.{kind}[{var}]" if "." in str(var) else f"{p}.{kind}.{var}"
        elif kind == "schedule":
            if isinstance(body, str):
                body = {"event": body}
            if not _expect(body, dict, f"{p}.schedule", report, "{event: ID, delay: 30d}"):
                continue
            _keys(body, f"{p}.schedule", ("event", "delay", "within"), report, required=("event",))
            e = Effect("schedule", str(body.get("event", "")))
            for key in ("delay", "within"):
                if key in body:
                    try:
                        setattr(e, key, parse_duration(body[key]))
                    except ValueError as err:
                        report.add(f"{p}.schedule.{key}", str(err))
            out.append(e)
        else:
            targets = body if isinstance(body, list) else [body]
            for t in targets:
                if not isinstance(t, str):
                    report.add(f"{p}.cancel", "expected an event id or a list of them")
                    continue
                out.append(Effect("cancel", t))
        for e in out[-1:]:
            report.paths.setdefault(id(e), p)
    return out


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


def _nolint(spec: dict, path: str, report: Report) -> tuple:
    """`nolint: [code, ...]` (or one code, or `all`): lint warnings silenced for this entry."""
    v = spec.get("nolint")
    if v is None:
        return ()
    items = [v] if isinstance(v, str) else v
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        report.add(f"{path}.nolint", "expected a lint code or a list of them, such as [never-fires]")
        return ()
    for j, code in enumerate(items):
        if code != "all" and code not in LINT_CODES:
            at = f"{path}.nolint[{j}]" if isinstance(v, list) else f"{path}.nolint"
            report.add(at, f"unknown lint code '{code}'{did_you_mean(code, LINT_CODES)}; codes: "
                           f"{', '.join(LINT_CODES)}, all")
    return tuple(items)


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
