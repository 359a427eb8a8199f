"""The structure checks every part of the model builder shares: allowed keys (with "did you mean"),
value types, texts, dates and ids, each problem added to the Report at its key path; the id
patterns and the documented key order of each entry. (build.py, build_rules.py use them.)
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .dates import parse_date
from .errors import did_you_mean
from .model import LINT_CODES
from .positions import Report

# \Z, not $: `$` also matches before a final newline, and `id: |` keeps one ("a\n" was an event id)
ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*\Z")
EVENT_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


# --- structure -------------------------------------------------------------------------------

_TOP = ("scenario", "variables", "conditions", "events", "branches")
_SCENARIO = ("id", "title", "description", "start", "end")
_VARIABLE = ("type", "initial", "label", "true_words", "false_words", "min", "max", "values", "unit",
             "description", "nolint")
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
    if v.__class__ is str:  # the usual case, without building the path a problem would name
        return v
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
