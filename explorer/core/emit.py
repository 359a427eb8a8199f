"""Emitting YAML in a scenario file's own style, and the plain data it is emitted from.

Two halves of one job. First, model objects become plain data in the documented key order with
defaults left out (`rule_data`, `branch_data`, `divergence_data`, `variable_data`, `meta_data`), so
that "changed" means changed in meaning; `normalized` fills in the defaults the loader would, so a
save can be verified exactly. Second, that data is written as YAML the way a person would: flow
mappings for short items, block style for events, outcomes and anything longer than `WIDTH`
columns, ISO dates, plain scalars where YAML reads them back unchanged, JSON-style double quotes
otherwise. `scenario_to_text` writes a whole new file; `explorer.core.splice` uses the same pieces
to splice edits into an existing one.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import json
import re

import yaml

from .dates import Duration
from .model import BASELINE, Branch, Divergence, Effect, EventRule, Outcome, Scenario, Timing, Variable

WIDTH = 100  # flow collections longer than this are written in block style


# --- plain data from the model, in the documented key order, defaults left out -----------------

class Block(dict):
    """A mapping written in block style (one key a line)."""


class BlockList(list):
    """A list written in block style (one `- item` a line)."""


META_KEYS = ("id", "title", "description", "start", "end")
TOP_KEYS = ("scenario", "variables", "conditions", "events", "branches")


def variable_data(v: Variable) -> dict:
    d: dict = {"type": v.type}
    if v.type == "enum":
        d["values"] = {x: v.labels.get(x, x) for x in v.values} if v.labels else list(v.values)
    if v.type == "number":
        if v.min is not None:
            d["min"] = v.min
        if v.max is not None:
            d["max"] = v.max
    d["initial"] = v.initial
    if v.label:
        d["label"] = v.label
    if v.true_words or v.false_words:
        d["true_words"], d["false_words"] = v.true_words, v.false_words
    if v.unit:
        d["unit"] = v.unit
    if v.description:
        d["description"] = v.description
    if v.nolint:
        d["nolint"] = list(v.nolint)
    return d


def _dur(d: Duration) -> str:
    return str(d)


def effects_data(effects: list[Effect]) -> list:
    out: list = []
    for e in effects:
        if e.kind in ("set", "add"):
            last = out[-1] if out else None
            if (isinstance(last, dict) and list(last) == [e.kind] and e.target not in last[e.kind]):
                last[e.kind][e.target] = e.value
            else:
                out.append({e.kind: {e.target: e.value}})
        elif e.kind == "schedule":
            body = {"event": e.target}
            if e.delay != Duration():
                body["delay"] = _dur(e.delay)
            if e.within != Duration():
                body["within"] = _dur(e.within)
            out.append({"schedule": body})
        else:
            out.append({"cancel": e.target})
    return out


def _when(w):
    if w is True:
        return None
    return w


def timing_data(t: Timing) -> dict:
    if t.kind == "on":
        return {"on": t.start}
    if t.kind == "between":
        return {"between": [t.start, t.end]}
    if t.kind == "after":
        body = {"event": t.event}
        if t.delay != Duration():
            body["delay"] = _dur(t.delay)
        if t.within != Duration():
            body["within"] = _dur(t.within)
        return {"after": body}
    if t.kind == "scheduled":
        return {"scheduled": True}
    return {}


def texts_data(variants) -> BlockList:
    """Text variants as the file writes them: {when, text} mappings, a bare default as a string."""
    out = BlockList()
    for v in variants:
        if v.is_default and v.bare:
            out.append(v.text)
        else:
            item = Block()
            if not v.is_default:
                item["when"] = v.when
            item["text"] = v.text
            out.append(item)
    return out


def outcome_data(o: Outcome) -> Block:
    d = Block(id=o.id)
    if o.title and o.title != o.id:
        d["title"] = o.title
    if _when(o.when) is not None:
        d["when"] = o.when
    if isinstance(o.weight, str) or o.weight != 1:
        d["weight"] = o.weight
    if o.variants:
        d["text"] = texts_data(o.variants)
    elif o.text:
        d["text"] = o.text
    if o.effects:
        d["effects"] = effects_data(o.effects)
    return d


def rule_data(r: EventRule, one_off_on: dt.date | None = None) -> Block:
    d = Block(id=r.id)
    if r.title and r.title != r.id:
        d["title"] = r.title
    if r.variants:
        d["text"] = texts_data(r.variants)
    elif r.text:
        d["text"] = r.text
    if not (one_off_on is not None and r.timing.kind == "on" and r.timing.start == one_off_on):
        d.update(timing_data(r.timing))
    if _when(r.when) is not None:
        d["when"] = r.when
    if r.chance is not None:
        d["chance"] = r.chance
    if r.priority:
        d["priority"] = r.priority
    if r.repeatable:
        d["repeatable"] = True
    if r.mtth is not None:
        d["mtth"] = _dur(r.mtth)
    if r.cooldown != Duration(days=1):
        d["cooldown"] = _dur(r.cooldown)
    if r.tags:
        d["tags"] = list(r.tags)
    if r.sources:
        d["sources"] = list(r.sources)
    if r.effects:
        d["effects"] = effects_data(r.effects)
    if r.outcomes:
        d["outcomes"] = BlockList(outcome_data(o) for o in r.outcomes)
    if r.nolint:
        d["nolint"] = list(r.nolint)
    return d


def divergence_data(dv: Divergence) -> dict:
    d: dict = {}
    if dv.kind in ("force", "suppress"):
        d[dv.kind] = dv.event
        if dv.kind == "force" and dv.outcome:
            d["outcome"] = dv.outcome
    elif dv.kind == "outcome":
        d["outcome"] = {dv.event: dv.outcome}
    elif dv.kind == "set":
        d["set"] = dict(dv.values)
    else:
        d = Block(event=rule_data(dv.rule, dv.on))
    if dv.on:
        d["on"] = dv.on
    if dv.label:
        d["label"] = dv.label
    return d


def branch_data(b: Branch) -> Block:
    d = Block(id=b.id)
    if b.parent and b.parent != BASELINE:
        d["parent"] = b.parent
    if b.label and b.label != b.id:
        d["label"] = b.label
    if b.description:
        d["description"] = b.description
    if b.id != BASELINE:
        d["divergences"] = [divergence_data(x) for x in b.divergences]
    if b.expect:
        d["expect"] = [expectation_data(e) for e in b.expect]
    if b.nolint:
        d["nolint"] = list(b.nolint)
    return d


def expectation_data(e) -> object:
    if e.on is None and e.p is None:
        return e.that
    d = Block(that=e.that)
    if e.on is not None:
        d["on"] = e.on
    if e.p is not None:
        d["p"] = e.p
    if e.runs:
        d["runs"] = e.runs
    return d


def listed(b: Branch) -> bool:
    """Whether the branch has an entry in `branches:` (the baseline only when declared there)."""
    return b.id != BASELINE or b.declared


def meta_data(sc: Scenario) -> Block:
    d = Block(id=sc.id, title=sc.title)
    if sc.description:
        d["description"] = sc.description
    d["start"] = sc.start
    d["end"] = sc.end
    return d


# --- normalising an edited model the way the loader would read it back ------------------------

def normalized(scenario: Scenario) -> Scenario:
    """A copy of `scenario` with the defaults the loader fills in (so a save verifies exactly)."""
    sc = copy.deepcopy(scenario)
    sc.__dict__.pop("_program", None)
    for v in sc.variables.values():
        v.values = tuple(v.values)
        if v.labels:  # the mapping form gives every value a label
            v.labels = {x: v.labels.get(x, x) for x in v.values}
        if v.type == "text" and isinstance(v.initial, (int, float)) and not isinstance(v.initial, bool):
            v.initial = str(v.initial)
    for r in sc.events:
        _normalize_rule(r)
    others = [b for b in sc.branches if b.id != BASELINE]
    base = next((b for b in sc.branches if b.id == BASELINE and b.declared), None)
    sc.branches = [base or Branch(BASELINE, None, "Baseline", sc.description)] + others
    for b in others:
        if not b.label:
            b.label = b.id
        if b.parent is None:
            b.parent = BASELINE
        for dv in b.divergences:
            if dv.kind == "event" and dv.rule is not None:
                _normalize_rule(dv.rule)
                if dv.on and dv.rule.timing.kind == "open":
                    dv.rule.timing = Timing("on", dv.on, dv.on)
                dv.event = dv.rule.id
    return sc


def _normalize_rule(r: EventRule) -> None:
    r.title = r.title or r.id
    if isinstance(r.when, (int, float)) and not isinstance(r.when, bool):
        r.when = str(r.when)
    r.tags = [str(t) for t in r.tags]
    r.sources = [str(s) for s in r.sources]
    for o in r.outcomes:
        o.title = o.title or o.id
        if isinstance(o.when, (int, float)) and not isinstance(o.when, bool):
            o.when = str(o.when)


def canon(obj):
    """Deep plain form of model objects for comparing: dataclasses -> dicts, tuples -> lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: canon(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.name != "path"}
    if isinstance(obj, (list, tuple)):
        return [canon(x) for x in obj]
    if isinstance(obj, dict):
        return {k: canon(v) for k, v in obj.items()}
    return obj


def same_model(a: Scenario, b: Scenario) -> bool:
    return canon(a) == canon(b)


# --- emitting YAML in the file's style --------------------------------------------------------

_RESERVED_START = set("-?:,[]{}#&*!|>'\"%@` ")


@functools.lru_cache(maxsize=4096)
def _plain_ok(s: str, flow: bool) -> bool:
    if not s or s != s.strip() or any(c in s for c in "\n\r\t") or s[0] in _RESERVED_START:
        return False
    if ": " in s or " #" in s or s.endswith(":"):
        return False
    if flow and any(c in s for c in ",[]{}"):
        return False
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\ufeff\u2028\u2029" for c in s):
        return False
    try:
        v = yaml.safe_load(f"[{s}]" if flow else f"k: {s}")
    except yaml.YAMLError:
        return False
    got = v[0] if flow and isinstance(v, list) and len(v) == 1 else (
        v.get("k") if isinstance(v, dict) and len(v) == 1 else None)
    return isinstance(got, str) and got == s


_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")  # \Z: `$` also matches before a final newline


def key_text(k, flow_ctx: bool = False) -> str:
    """A mapping key. The loader reads keys as written, so `on`, `yes` and `no` need no quotes."""
    k = str(k)
    return k if _KEY_RE.match(k) else scalar(k, flow_ctx)


def _quoted(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _number(v) -> str:
    if isinstance(v, int):
        return str(v)
    if v != v:
        return ".nan"
    if v in (float("inf"), float("-inf")):
        return ".inf" if v > 0 else "-.inf"
    s = repr(v)
    if "e" in s or "E" in s:
        mant, exp = s.lower().split("e")
        if "." not in mant:
            mant += ".0"
        if exp[0] not in "+-":
            exp = "+" + exp
        s = f"{mant}e{exp}"
    return s


def scalar(v, flow: bool = False, style: str | None = None) -> str:
    """One scalar value as YAML text; `style` ("'" or '"') keeps an existing quoting style."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return _number(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Duration):
        return str(v)
    s = str(v)
    if style == "'" and "\n" not in s and all(ord(c) >= 32 for c in s):
        return "'" + s.replace("'", "''") + "'"
    if style == '"':
        return _quoted(s)
    return s if _plain_ok(s, flow) else _quoted(s)


def _has_block(v) -> bool:
    if isinstance(v, (Block, BlockList)):
        return True
    if isinstance(v, dict):
        return any(_has_block(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_block(x) for x in v)
    return False


def flow(v) -> str:
    """A value in flow style, on one line."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{key_text(k, True)}: {flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return scalar(v, True)


def prefers_block(v, room: int) -> bool:
    if not isinstance(v, (dict, list)) or not v:
        return False
    if _has_block(v):
        return True
    return len(flow(v)) > room


def block_value(v, col: int) -> list[str]:
    """A mapping or list in block style: lines, the first one not indented, the others at `col`."""
    lines: list[str] = []
    pad = " " * col
    if isinstance(v, dict):
        for i, (k, x) in enumerate(v.items()):
            lines += _pair_lines(key_text(k), x, col, first=(i == 0))
        return lines
    for i, x in enumerate(v):
        head = "" if i == 0 else pad
        if isinstance(x, dict) and x and prefers_block(x, WIDTH - col - 2):
            sub = block_value(x, col + 2)
            lines.append(head + "- " + sub[0])
            lines += sub[1:]
        elif isinstance(x, list) and x and prefers_block(x, WIDTH - col - 2):
            sub = block_value(x, col + 2)
            lines.append(head + "- " + sub[0])
            lines += sub[1:]
        else:
            lines.append(head + "- " + (flow(x) if isinstance(x, (dict, list)) else scalar(x)))
    return lines


def _pair_lines(key: str, x, col: int, first: bool = False) -> list[str]:
    pad = "" if first else " " * col
    if isinstance(x, (dict, list)) and prefers_block(x, WIDTH - col - len(key) - 2):
        sub = block_value(x, col + 2)
        return [pad + key + ":", " " * (col + 2) + sub[0]] + sub[1:]
    text = flow(x) if isinstance(x, (dict, list)) else scalar(x)
    return [pad + f"{key}: {text}"]


def item_text(v, dash_col: int) -> str:
    """One `- item` of a block sequence (with its newline), the dash at `dash_col`."""
    if isinstance(v, dict) and v:
        sub = block_value(v, dash_col + 2) if prefers_block(v, WIDTH - dash_col - 2) or \
            isinstance(v, Block) else None
        if sub is not None:
            return " " * dash_col + "- " + "\n".join([sub[0]] + sub[1:]) + "\n"
    return " " * dash_col + "- " + (flow(v) if isinstance(v, (dict, list)) else scalar(v)) + "\n"


def entry_text(key: str, v, col: int, value_col: int | None = None) -> str:
    """One `key: value` entry of a block mapping (with its newline), aligned like its neighbours."""
    k = key_text(key)
    if isinstance(v, (dict, list)) and prefers_block(v, WIDTH - col - len(k) - 2) and _has_block(v):
        return "\n".join(_pair_lines(k, v, col, first=False)) + "\n"
    text = flow(v) if isinstance(v, (dict, list)) else scalar(v)
    gap = 1
    if value_col is not None and col + len(k) + 1 < value_col:
        gap = value_col - col - len(k) - 1
    return " " * col + k + ":" + " " * gap + text + "\n"


def scenario_to_text(sc: Scenario, header: str = "") -> str:
    """A whole scenario file, written fresh (for new scenarios)."""
    sc = normalized(sc)
    out = [header] if header else []
    out.append("scenario:\n" + "".join("  " + ln + "\n" for ln in
                                       _block_lines_at(meta_data(sc), 2)))
    out.append("\nvariables:" + (" {}\n" if not sc.variables else "\n"))
    width = max((len(key_text(n)) for n in sc.variables), default=0)
    for name, v in sc.variables.items():
        out.append(entry_text(name, variable_data(v), 2, 2 + width + 2))
    if sc.conditions:
        out.append("\nconditions:\n")
        for name, expr in sc.conditions.items():
            out.append(entry_text(name, expr, 2))
    out.append("\nevents:" + (" []\n" if not sc.events else "\n"))
    for i, r in enumerate(sc.events):
        if i:
            out.append("\n")
        out.append(item_text(rule_data(r), 2))
    branches = [b for b in sc.branches if listed(b)]
    if branches:
        out.append("\nbranches:\n")
        for b in branches:
            out.append(item_text(branch_data(b), 2))
    return "".join(out)


def _block_lines_at(d: dict, col: int) -> list[str]:
    lines = block_value(d, col)
    return [lines[0]] + [ln[col:] if ln.startswith(" " * col) else ln for ln in lines[1:]]



def literal_block(s: str, indent: int) -> str | None:
    """`s` as a literal block scalar (`|-` / `|`) at `indent`, when that reads back exactly."""
    if not s or s.strip() == "" or s[0] in " \t" or "\r" in s or "\t" in s:
        return None
    body, chomp = (s[:-1], "|") if s.endswith("\n") and not s.endswith("\n\n") else (s, "|-")
    if body.endswith("\n"):
        return None
    lines = body.split("\n")
    if any(ln != ln.rstrip() for ln in lines):
        return None
    text = chomp + "\n" + "\n".join((" " * indent + ln) if ln else "" for ln in lines)
    try:
        if yaml.safe_load("k: " + text) != {"k": s}:
            return None
    except yaml.YAMLError:
        return None
    return text
