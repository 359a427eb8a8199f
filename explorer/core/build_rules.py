"""Plain data -> the world's rules: variables and event rules (timing, outcomes, effects, text
variants), checked key by key as build.py's other half; the branches stay in build.py."""
from __future__ import annotations

import math

from .dates import Duration, parse_date, parse_duration
from .errors import did_you_mean
from .model import Effect, EventRule, Outcome, TextVariant, Timing, Variable, VARIABLE_TYPES
from .positions import Report
from .build_keys import (_nolint, EVENT_ID_RE, VAR_RE, _EFFECTS, _EVENT, _EVENT_KEYS, _OUTCOME, _VARIABLE,
                         _VARIANT, _date, _expect, _id, _keys, _kind, _text)



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
    _statements(var, spec, p, report)
    for key in ("min", "max", "values"):
        if key in spec and (vtype != "number" if key != "values" else vtype != "enum"):
            report.add(f"{p}.{key}", f"'{key}' only applies to "
                                     f"{'number' if key != 'values' else 'enum'} variables")
    return var



def _statements(var: Variable, spec: dict, p: str, report: Report) -> None:
    """A bool's `true_words` and `false_words`: its values as the statements why-chains tell ("Mexico was
    fighting the Axis" / "Mexico was not fighting the Axis"); both or neither, bools only."""
    given = [k for k in ("true_words", "false_words") if k in spec]
    if not given:
        return
    if var.type != "bool":
        for k in given:
            report.add(f"{p}.{k}", f"'{k}' only applies to bool variables")
        return
    for k in given:
        setattr(var, k, _text(spec, k, p, report).strip())
        if spec[k] is not None and not getattr(var, k) and isinstance(spec[k], str):
            report.add(f"{p}.{k}", f"{k} is empty; write the statement, like \"Trotsky was alive\"")
    if len(given) == 1:
        other = "false_words" if given[0] == "true_words" else "true_words"
        report.add(f"{p}.{given[0]}", f"give {other} too: how the why-chains say it when the variable is "
                                      f"{'false' if other == 'false_words' else 'true'}")
        var.true_words = var.false_words = ""


def _at_least_a_day(spec, key: str, path: str, report: Report, default):
    """`spec[key]` as a Duration of a day or more (mtth, cooldown); else the problem reported at
    path.key and `default` kept."""
    try:
        d = parse_duration(spec[key])
    except ValueError as e:
        report.add(f"{path}.{key}", str(e))
        return default
    if d.days == 0 and d.months == 0:
        report.add(f"{path}.{key}", f"{key} must be at least 1d")
    return d


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
    title = _text(spec, "title", path, report) or eid
    text, variants = _narrative(spec, path, report)
    # built with its timing and cooldown: the defaults' factories would make four Durations to discard
    rule = EventRule(eid, title, text, _timing(spec, path, report), cooldown=_ONE_DAY, variants=variants)
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
            rule.mtth = _at_least_a_day(spec, "mtth", path, report, rule.mtth)
    if "cooldown" in spec and spec.get("repeatable") is not True:
        report.add(f"{path}.cooldown", "cooldown only applies to a repeatable event; add `repeatable: true`, "
                                       "or remove the cooldown")
    elif "cooldown" in spec:
        rule.cooldown = _at_least_a_day(spec, "cooldown", path, report, rule.cooldown)
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
    if v.__class__ is list and len(v) == 1 and v[0].__class__ is str:  # `tags: [economy]`, quickly
        return [v[0]]
    if not isinstance(v, list) or not all(isinstance(x, (str, int, float)) for x in v):
        report.add(f"{path}.{key}", "expected a list of texts")
        return []
    return [str(x) for x in v]


_TIMINGS = ("on", "between", "after", "scheduled")
# Durations are frozen: one zero and one day shared by every timing, effect and cooldown that says
# nothing else (a fresh one each, from the model's default factories, was a fifth of building 10,000 rules)
_NO_TIME = Duration()
_ONE_DAY = Duration(days=1)


def _at(kind: str, start=None, end=None, event=None) -> Timing:
    return Timing(kind, start, end, event, _NO_TIME, _NO_TIME)


def _timing(spec: dict, path: str, report: Report) -> Timing:
    kinds = [k for k in _TIMINGS if k in spec]
    if len(kinds) > 1:
        report.add(f"{path}.{kinds[1]}#key", f"give one timing, not both '{kinds[0]}' and '{kinds[1]}'")
        return _at("open")
    if not kinds:
        return _at("open")
    kind = kinds[0]
    if kind == "on":
        d = _date(spec, "on", path, report)
        return _at("on", d, d) if d else _at("open")
    if kind == "between":
        v = spec["between"]
        if not isinstance(v, list) or len(v) != 2:
            report.add(f"{path}.between", "expected [from, to], two dates")
            return _at("open")
        try:
            a, b = parse_date(v[0]), parse_date(v[1])
        except ValueError as e:
            bad = [i for i in (0, 1) if f"{path}.between[{i}]" in report.bad] \
                if isinstance(report, Report) else []
            if not bad:
                report.add(f"{path}.between", str(e))
            return _at("open")
        if b < a:
            report.add(f"{path}.between[1]", f"the window ends ({b}) before it starts ({a})")
        return _at("between", a, b)
    if kind == "scheduled":
        if spec["scheduled"] is not True:
            report.add(f"{path}.scheduled", "write `scheduled: true` or leave it out")
        return _at("scheduled")
    v = spec["after"]
    if isinstance(v, str):
        v = {"event": v}
    if not isinstance(v, dict):
        report.add(f"{path}.after", "expected {event: ID, delay: 30d, within: 0d}")
        return _at("open")
    _keys(v, f"{path}.after", ("event", "delay", "within"), report, required=("event",))
    t = _at("after", event=str(v.get("event", "")))
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
    paths = report.paths
    for i, item in enumerate(v):
        p = f"{path}[{i}]"
        if item.__class__ is dict and len(item) == 1:
            # the usual `{add: {v012: 5}}`: its checks without the general road's calls (same outcome)
            kind, body = next(iter(item.items()))
            if (kind == "add" or kind == "set") and body.__class__ is dict:
                for var, value in body.items():
                    e = Effect(kind, str(var), value, _NO_TIME, _NO_TIME)
                    out.append(e)
                    paths[id(e)] = f"{p}.{kind}[{var}]" if "." in str(var) else f"{p}.{kind}.{var}"
                continue  # every effect has its path: the general road's setdefault below adds nothing
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
                out.append(Effect(kind, str(var), value, _NO_TIME, _NO_TIME))
                report.paths[id(out[-1])] = f"{p}.{kind}[{var}]" if "." in str(var) else f"{p}.{kind}.{var}"
        elif kind == "schedule":
            if isinstance(body, str):
                body = {"event": body}
            if not _expect(body, dict, f"{p}.schedule", report, "{event: ID, delay: 30d}"):
                continue
            _keys(body, f"{p}.schedule", ("event", "delay", "within"), report, required=("event",))
            e = Effect("schedule", str(body.get("event", "")), None, _NO_TIME, _NO_TIME)
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
                out.append(Effect("cancel", t, None, _NO_TIME, _NO_TIME))
        for e in out[-1:]:
            report.paths.setdefault(id(e), p)
    return out
