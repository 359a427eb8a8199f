"""Saving scenarios without losing a byte the author wrote.

The mechanism is *text splicing* (see docs/saving.md):

1. The text the scenario was loaded from is composed with PyYAML (`yaml.compose`): every node keeps
   its exact character span (`start_mark.index` .. `end_mark.index`).
2. The edited model is compared with the model of that text, item by item (`events` and `branches`
   by id, `variables` and `conditions` by name, the `scenario:` keys one by one).
3. Only what differs is rewritten: a changed key's value, an inserted or deleted key, an inserted or
   deleted list item. New YAML is emitted in the file's own style (flow mappings for short
   divergences and variables, block style otherwise, ISO dates, the documented key order). Every other
   character -- comments, blank lines, key order, quoting, line wrapping -- is copied unchanged.
4. The produced text is loaded again and must give exactly the edited model; if it does not, a coarser
   splice (whole changed items) is tried, and if that fails too nothing is written (`SaveError`).
5. Writing is atomic: a temp file in the same folder, flush, fsync, `os.replace`, fsync of the folder.

Recovery files (autosave) hold the same spliced text, beside the scenario (`.NAME.autosave`) or, when
that folder is read-only, under `$XDG_STATE_HOME/what-if-explorer/recovery/`.

Test hook (documented in docs/saving.md): `WHATIF_TEST_PAUSE_BEFORE_RENAME=SECONDS` makes
`atomic_write` sleep after the temp file is written and synced and before the rename, so a test can
kill the process in the middle of a save.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .dates import Duration
from .errors import ExplorerError, ScenarioError
from .files import atomic_write  # noqa: F401 - re-exported: saving is where callers look
from .loader import load_scenario_text
from .model import BASELINE, Branch, Divergence, Effect, EventRule, Outcome, Scenario, Timing, Variable

WIDTH = 100  # flow collections longer than this are written in block style


class SaveError(ExplorerError):
    """The scenario could not be written without changing what it means or losing text."""


class FileChangedError(SaveError):
    """The file on disk is no longer the text the scenario was loaded from."""


class _Conflict(Exception):
    """Internal: a splice that cannot be made at this granularity."""


# --- plain data from the model, in the documented key order, defaults left out -----------------

class Block(dict):
    """A mapping written in block style (one key a line)."""


class BlockList(list):
    """A list written in block style (one `- item` a line)."""


_META_KEYS = ("id", "title", "description", "start", "end")
_TOP_KEYS = ("scenario", "variables", "conditions", "events", "branches")


def variable_data(v: Variable) -> dict:
    d: dict = {"type": v.type}
    if v.type == "enum":
        d["values"] = list(v.values)
    if v.type == "number":
        if v.min is not None:
            d["min"] = v.min
        if v.max is not None:
            d["max"] = v.max
    d["initial"] = v.initial
    if v.label:
        d["label"] = v.label
    if v.unit:
        d["unit"] = v.unit
    if v.description:
        d["description"] = v.description
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


def outcome_data(o: Outcome) -> Block:
    d = Block(id=o.id)
    if o.title and o.title != o.id:
        d["title"] = o.title
    if _when(o.when) is not None:
        d["when"] = o.when
    if isinstance(o.weight, str) or o.weight != 1:
        d["weight"] = o.weight
    if o.text:
        d["text"] = o.text
    if o.effects:
        d["effects"] = effects_data(o.effects)
    return d


def rule_data(r: EventRule, one_off_on: dt.date | None = None) -> Block:
    d = Block(id=r.id)
    if r.title and r.title != r.id:
        d["title"] = r.title
    if r.text:
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
    d["divergences"] = [divergence_data(x) for x in b.divergences]
    return d


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
        if v.type == "text" and isinstance(v.initial, (int, float)) and not isinstance(v.initial, bool):
            v.initial = str(v.initial)
    for r in sc.events:
        _normalize_rule(r)
    others = [b for b in sc.branches if b.id != BASELINE]
    sc.branches = [Branch(BASELINE, None, "Baseline", sc.description)] + others
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


def _canon(obj):
    """Deep plain form of model objects for comparing: dataclasses -> dicts, tuples -> lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _canon(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.name != "path"}
    if isinstance(obj, (list, tuple)):
        return [_canon(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _canon(v) for k, v in obj.items()}
    return obj


def same_model(a: Scenario, b: Scenario) -> bool:
    return _canon(a) == _canon(b)


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


_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


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


def _prefers_block(v, room: int) -> bool:
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
        if isinstance(x, dict) and x and _prefers_block(x, WIDTH - col - 2):
            sub = block_value(x, col + 2)
            lines.append(head + "- " + sub[0])
            lines += sub[1:]
        elif isinstance(x, list) and x and _prefers_block(x, WIDTH - col - 2):
            sub = block_value(x, col + 2)
            lines.append(head + "- " + sub[0])
            lines += sub[1:]
        else:
            lines.append(head + "- " + (flow(x) if isinstance(x, (dict, list)) else scalar(x)))
    return lines


def _pair_lines(key: str, x, col: int, first: bool = False) -> list[str]:
    pad = "" if first else " " * col
    if isinstance(x, (dict, list)) and _prefers_block(x, WIDTH - col - len(key) - 2):
        sub = block_value(x, col + 2)
        return [pad + key + ":", " " * (col + 2) + sub[0]] + sub[1:]
    text = flow(x) if isinstance(x, (dict, list)) else scalar(x)
    return [pad + f"{key}: {text}"]


def item_text(v, dash_col: int) -> str:
    """One `- item` of a block sequence (with its newline), the dash at `dash_col`."""
    if isinstance(v, dict) and v:
        sub = block_value(v, dash_col + 2) if _prefers_block(v, WIDTH - dash_col - 2) or \
            isinstance(v, Block) else None
        if sub is not None:
            return " " * dash_col + "- " + "\n".join([sub[0]] + sub[1:]) + "\n"
    return " " * dash_col + "- " + (flow(v) if isinstance(v, (dict, list)) else scalar(v)) + "\n"


def entry_text(key: str, v, col: int, value_col: int | None = None) -> str:
    """One `key: value` entry of a block mapping (with its newline), aligned like its neighbours."""
    k = key_text(key)
    if isinstance(v, (dict, list)) and _prefers_block(v, WIDTH - col - len(k) - 2) and _has_block(v):
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
    branches = [b for b in sc.branches if b.id != BASELINE]
    if branches:
        out.append("\nbranches:\n")
        for b in branches:
            out.append(item_text(branch_data(b), 2))
    return "".join(out)


def _block_lines_at(d: dict, col: int) -> list[str]:
    lines = block_value(d, col)
    return [lines[0]] + [ln[col:] if ln.startswith(" " * col) else ln for ln in lines[1:]]


# --- splicing ---------------------------------------------------------------------------------

_MISSING = object()


class _Splice:
    """Edits (start, end, new text) on the original text; applied at once, never overlapping."""

    def __init__(self, text: str, fine: bool):
        self.text = text
        self.fine = fine
        self.nl = "\r\n" if "\r\n" in text else "\n"
        self.edits: list[tuple[int, int, str]] = []

    # positions
    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def line_end(self, i: int) -> int:
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def end(self, node) -> int:
        """Where the node's own text ends (block collections' marks run on to the next token)."""
        if isinstance(node, ScalarNode):
            e = node.end_mark.index
            if node.style in ("|", ">"):
                seg = self.text[node.start_mark.index:e]
                e = node.start_mark.index + len(seg.rstrip())
            return e
        if node.flow_style:
            return node.end_mark.index
        if isinstance(node, MappingNode):
            return self.end(node.value[-1][1]) if node.value else node.end_mark.index
        return self.end(node.value[-1]) if node.value else node.end_mark.index

    def only_space_before(self, i: int) -> bool:
        return self.text[self.line_start(i):i].strip() == ""

    def dash_of(self, item) -> int:
        """The `-` that opens a block sequence item."""
        i = item.start_mark.index - 1
        while i >= 0 and self.text[i] in " \t\r\n":
            i -= 1
        if i < 0 or self.text[i] != "-":
            raise _Conflict("cannot find the item's dash")
        return i

    def item_span(self, item) -> tuple[int, int]:
        dash = self.dash_of(item)
        if not self.only_space_before(dash):
            raise _Conflict("item does not start its line")
        return self.line_start(dash), self.line_end(self.end(item))

    def entry_span(self, key, value) -> tuple[int, int]:
        if not self.only_space_before(key.start_mark.index):
            raise _Conflict("entry does not start its line")
        return self.line_start(key.start_mark.index), self.line_end(self.end(value))

    # edits
    def replace(self, start: int, end: int, new: str) -> None:
        if self.nl != "\n":
            new = new.replace("\r\n", "\n").replace("\n", self.nl)
        self.edits.append((start, end, new))

    def insert(self, at: int, new: str) -> None:
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            new = "\n" + new
        self.replace(at, at, new)

    def result(self) -> str:
        edits = sorted(enumerate(self.edits), key=lambda e: (e[1][0], e[1][1] != e[1][0], e[0]))
        out, pos = [], 0
        for _, (s, e, new) in edits:
            if s < pos:
                raise _Conflict("overlapping edits")
            out.append(self.text[pos:s])
            out.append(new)
            pos = e
        out.append(self.text[pos:])
        return "".join(out)

    # values
    def colon_after(self, key) -> int:
        i = self.text.find(":", key.end_mark.index)
        if i < 0:
            raise _Conflict("no colon after key")
        return i

    def replace_value(self, key, node, new, in_flow: bool) -> None:
        """Rewrite one value in place, keeping the node's style where it can."""
        s, e = node.start_mark.index, self.end(node)
        if in_flow:
            self.replace(s, e, flow(new) if isinstance(new, (dict, list)) else scalar(new, True))
            return
        if isinstance(node, ScalarNode) and not isinstance(new, (dict, list)):
            style = node.style if node.style in ("'", '"') else None
            if node.style in ("|", ">") and isinstance(new, str):
                text = _literal(new, self._indent_for(key, node))
                if text is not None:
                    self.replace(s, e, text)
                    return
                style = '"'
            if node.value == "" and node.style is None:  # an empty value `key:`
                self.replace(s, e, " " + scalar(new))
                return
            self.replace(s, e, scalar(new, False, style if isinstance(new, str) else None))
            return
        col = node.start_mark.column
        block_node = isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style
        if isinstance(new, (dict, list)) and new:
            room = WIDTH - (key.start_mark.column + len(str(key.value)) + 2 if key is not None else col + 2)
            if block_node or _prefers_block(new, room):
                if block_node:
                    self.replace(s, e, "\n".join(block_value(new, col)))
                    return
                if key is None:  # a sequence item: the mapping goes on the dash line
                    self.replace(s, e, "\n".join(block_value(new, col)))
                    return
                ind = key.start_mark.column + 2
                lines = block_value(new, ind)
                c = self.colon_after(key)
                self.replace(c + 1, e, "\n" + " " * ind + "\n".join(lines))
                return
        text = flow(new) if isinstance(new, (dict, list)) else scalar(new)
        if block_node and key is not None:
            c = self.colon_after(key)
            self.replace(c + 1, e, " " + text)
        else:
            self.replace(s, e, text)

    def _indent_for(self, key, node) -> int:
        return (key.start_mark.column if key is not None else node.start_mark.column - 2) + 2

    def patch_value(self, key, node, old, new, in_flow: bool) -> None:
        if self.fine and isinstance(node, MappingNode) and isinstance(old, dict) and isinstance(new, dict) \
                and old and new and node.value \
                and any(isinstance(k, ScalarNode) and k.value in new for k, _ in node.value):
            self.patch_mapping(node, old, new, list(new), in_flow or bool(node.flow_style))
            return
        if self.fine and isinstance(node, SequenceNode) and isinstance(old, list) and isinstance(new, list) \
                and old and new and len(node.value) == len(old):
            fl = in_flow or bool(node.flow_style)
            if len(old) == len(new):
                for item, o, n in zip(node.value, old, new):
                    if o != n:
                        self.patch_value(None, item, o, n, fl)
                return
            if len(new) > len(old) and new[:len(old)] == old:
                extra = sum(len(flow(x)) + 2 for x in new[len(old):])
                e = self.end(node)
                line_len = len(self.text[self.line_start(e):self.line_end(e)].rstrip())
                if not fl or in_flow or line_len + extra <= WIDTH + 10:
                    self.append_items(node, new[len(old):], fl)
                    return
            if len(new) == len(old) - 1 and len(old) > 1:
                for i in range(len(old)):
                    if old[:i] + old[i + 1:] == new:
                        self.delete_item(node, i, fl)
                        return
        self.replace_value(key, node, new, in_flow)

    def append_items(self, seq, items: list, in_flow: bool) -> None:
        last = seq.value[-1]
        if in_flow:
            self.insert(self.end(last), "".join(", " + flow(x) for x in items))
            return
        dash = self.dash_of(last)
        col = dash - self.line_start(dash)
        self.insert(self.line_end(self.end(last)), "".join(item_text(x, col) for x in items))

    def delete_item(self, seq, i: int, in_flow: bool) -> None:
        items = seq.value
        if in_flow:
            if len(items) == 1:
                self.replace(seq.start_mark.index, seq.end_mark.index, "[]")
            elif i == 0:
                self.replace(items[0].start_mark.index, items[1].start_mark.index, "")
            else:
                self.replace(self.end(items[i - 1]), self.end(items[i]), "")
            return
        if len(items) == 1:
            raise _Conflict("would empty a block sequence")
        s, e = self.item_span(items[i])
        self.replace(s, e, "")

    def patch_mapping(self, node, old: dict, new: dict, order, in_flow: bool) -> None:
        pairs = {}
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                raise _Conflict("complex key")
            pairs[k.value] = (k, v)
        keys = list(order) + [k for k in old if k not in order]
        for k in keys:
            o, n = old.get(k, _MISSING), new.get(k, _MISSING)
            if o is not _MISSING and o == n:
                continue
            if n is _MISSING:
                if k in pairs:
                    self.delete_pair(node, k, in_flow)
                continue
            if k in pairs:
                kn, vn = pairs[k]
                self.patch_value(kn, vn, o if o is not _MISSING else None, n, in_flow)
            else:
                self.insert_pair(node, k, n, list(order), in_flow)

    def insert_pair(self, node, key: str, value, order: list, in_flow: bool) -> None:
        pairs = [(k.value, k, v) for k, v in node.value]
        present = [p[0] for p in pairs]
        anchor = None
        if key in order:
            for k in reversed(order[:order.index(key)]):
                if k in present:
                    anchor = pairs[present.index(k)]
                    break
        if in_flow:
            text = f"{key_text(key, True)}: {flow(value) if isinstance(value, (dict, list)) else scalar(value, True)}"
            if anchor is None:
                self.insert(pairs[0][1].start_mark.index, text + ", ")
            else:
                self.insert(self.end(anchor[2]), ", " + text)
            return
        col = node.start_mark.column
        if anchor is None and self.only_space_before(pairs[0][1].start_mark.index):
            self.insert(self.line_start(pairs[0][1].start_mark.index), entry_text(key, value, col))
            return
        if anchor is None:
            anchor = pairs[0]
        self.insert(self.line_end(self.end(anchor[2])), entry_text(key, value, col))

    def delete_pair(self, node, key: str, in_flow: bool) -> None:
        pairs = list(node.value)
        idx = next(i for i, (k, _) in enumerate(pairs) if k.value == key)
        k, v = pairs[idx]
        if len(pairs) == 1:
            raise _Conflict("would empty a mapping")
        if in_flow:
            if idx == 0:
                self.replace(k.start_mark.index, pairs[1][0].start_mark.index, "")
            else:
                self.replace(self.end(pairs[idx - 1][1]), self.end(v), "")
            return
        if self.only_space_before(k.start_mark.index):
            self.replace(self.line_start(k.start_mark.index), self.line_end(self.end(v)), "")
        else:  # the first key of a `- key: value` item: pull the next key up onto the dash line
            self.replace(k.start_mark.index, pairs[idx + 1][0].start_mark.index, "")


def _literal(s: str, indent: int) -> str | None:
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


def _scalar_key_map(node) -> dict:
    return {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}


def _splice(text: str, base: Scenario, target: Scenario, fine: bool) -> str:
    sp = _Splice(text, fine)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode):
        raise _Conflict("top level is not a mapping")
    top = _scalar_key_map(root)

    # scenario: key by key
    if meta_data(base) != meta_data(target):
        k, node = top["scenario"]
        sp.patch_mapping(node, meta_data(base), meta_data(target), list(_META_KEYS), bool(node.flow_style))

    _splice_mapping_section(sp, root, top, "variables",
                            {n: variable_data(v) for n, v in base.variables.items()},
                            {n: variable_data(v) for n, v in target.variables.items()})
    _splice_mapping_section(sp, root, top, "conditions", dict(base.conditions), dict(target.conditions))
    _splice_seq_section(sp, root, top, "events",
                        [(r.id, rule_data(r)) for r in base.events],
                        [(r.id, rule_data(r)) for r in target.events])
    _splice_seq_section(sp, root, top, "branches",
                        [(b.id, branch_data(b)) for b in base.branches if b.id != BASELINE],
                        [(b.id, branch_data(b)) for b in target.branches if b.id != BASELINE])
    return sp.result()


def _new_section(sp: _Splice, root, top: dict, name: str, body: str) -> None:
    """Add a missing top-level section after the sections that precede it in the documented order."""
    before = _TOP_KEYS[:_TOP_KEYS.index(name)]
    present = [k for k in before if k in top]
    if present and name != "branches":
        _, node = top[present[-1]]
        at = sp.line_end(sp.end(node))
    else:
        at = len(sp.text)
    lead = "" if at == 0 else ("\n" if sp.text[:at].endswith("\n") else "\n\n")
    if at == len(sp.text) and sp.text and not sp.text.endswith("\n"):
        lead = "\n\n"
        sp.replace(at, at, lead + f"{name}:\n" + body)
        return
    sp.insert(at, lead + f"{name}:\n" + body)


def _item_order(old_ids: list, new_ids: list) -> tuple[dict, set, list]:
    """Pair old and new items: by id, then leftovers at the same position; keep only an increasing run."""
    pairs: dict[int, int] = {}
    old_pos = {}
    for i, x in enumerate(old_ids):
        old_pos.setdefault(x, i)
    used = set()
    for j, x in enumerate(new_ids):
        if x in old_pos and old_pos[x] not in used:
            pairs[j] = old_pos[x]
            used.add(old_pos[x])
    left_old = [i for i in range(len(old_ids)) if i not in used]
    left_new = [j for j in range(len(new_ids)) if j not in pairs]
    for j in left_new:
        if j in left_old and old_ids[j] not in new_ids:
            pairs[j] = j
            used.add(j)
    # longest increasing run of old positions in new order; others become remove + add
    seq = sorted(pairs)
    best: list[list[int]] = []
    for j in seq:
        o = pairs[j]
        cand = max((b for b in best if pairs[b[-1]] < o), key=len, default=[])
        best.append(cand + [j])
    keep = max(best, key=len, default=[])
    pairs = {j: pairs[j] for j in keep}
    removed = set(range(len(old_ids))) - set(pairs.values())
    return pairs, removed, [j for j in range(len(new_ids)) if j not in pairs]


def _splice_seq_section(sp: _Splice, root, top: dict, name: str, old: list, new: list) -> None:
    if [d for _, d in old] == [d for _, d in new]:
        return
    entry = top.get(name)
    node = entry[1] if entry else None
    new_data = [d for _, d in new]
    if node is None or not isinstance(node, SequenceNode) or not node.value or node.flow_style:
        if node is not None and not isinstance(node, (SequenceNode, ScalarNode)):
            raise _Conflict(f"{name} is not a list")
        if not new_data and node is None:
            return
        col = 2
        ev = top.get("events")
        if ev and isinstance(ev[1], SequenceNode) and ev[1].value and not ev[1].flow_style:
            d = sp.dash_of(ev[1].value[0])
            col = d - sp.line_start(d)
        body = "".join(item_text(x, col) for x in new_data)
        if node is None:
            _new_section(sp, root, top, name, body)
            return
        key = entry[0]
        c = sp.colon_after(key)
        if not new_data:
            sp.replace(c + 1, node.end_mark.index if node.flow_style or isinstance(node, SequenceNode)
                       else sp.end(node), " []")
            return
        e = node.end_mark.index if isinstance(node, SequenceNode) else sp.end(node)
        sp.replace(c + 1, e, "")
        sp.insert(sp.line_end(e), body)
        return
    items = node.value
    if len(items) != len(old):
        raise _Conflict(f"{name}: the file and its model disagree")
    pairs, removed, added = _item_order([i for i, _ in old], [i for i, _ in new])
    if len(removed) == len(items) and not new_data and name == "events":
        sp.insert(sp.colon_after(entry[0]) + 1, " []")  # `events:` must stay a list
    for i in removed:
        s, e = sp.item_span(items[i])
        sp.replace(s, e, "")
    for j, i in pairs.items():
        o, n = old[i][1], new[j][1]
        if o == n:
            continue
        it = items[i]
        if sp.fine:
            sp.patch_mapping(it, o, n, list(n), False) if isinstance(it, MappingNode) and not it.flow_style \
                else sp.replace_value(None, it, n, bool(getattr(it, "flow_style", False)))
        else:
            if isinstance(it, MappingNode) and not it.flow_style:
                sp.replace(it.start_mark.index, sp.end(it), "\n".join(block_value(n, it.start_mark.column)))
            else:
                sp.replace_value(None, it, n, False)
    if not added:
        return
    d0 = sp.dash_of(items[0])
    col = d0 - sp.line_start(d0)
    gap = ""
    if len(items) >= 2:
        between = sp.text[sp.item_span(items[0])[1]:sp.item_span(items[1])[0]]
        if between and all(ln.strip() == "" for ln in between.splitlines()):
            gap = "\n"
        elif "\n\n" in between or between.startswith("\n"):
            gap = "\n"
    # group consecutive new items after the kept item before them
    kept = sorted(pairs)
    groups: dict[int | None, list[int]] = {}
    for j in added:
        prev = [k for k in kept if k < j]
        groups.setdefault(prev[-1] if prev else None, []).append(j)
    for anchor, js in groups.items():
        texts = [item_text(new[j][1], col) for j in js]
        if anchor is None:
            if kept:
                first_kept = items[pairs[kept[0]]]
                at = sp.item_span(first_kept)[0]
                sp.insert(at, "".join(t + gap for t in texts))
            else:
                at = sp.item_span(items[-1])[1]
                sp.insert(at, "".join(gap + t for t in texts) if gap else "".join(texts))
        else:
            at = sp.item_span(items[pairs[anchor]])[1]
            sp.insert(at, "".join(gap + t for t in texts))


def _splice_mapping_section(sp: _Splice, root, top: dict, name: str, old: dict, new: dict) -> None:
    if old == new and list(old) == list(new):
        return
    entry = top.get(name)
    node = entry[1] if entry else None
    if node is None or not isinstance(node, MappingNode) or not node.value or node.flow_style:
        if node is not None and isinstance(node, MappingNode) and node.flow_style and node.value \
                and set(old) == set(new):
            pass  # changed values only: patched in place below
        else:
            if not new and node is None:
                return
            body = "".join(entry_text(k, v, 2) for k, v in new.items())
            if node is None:
                _new_section(sp, root, top, name, body)
                return
            c = sp.colon_after(entry[0])
            if not new:
                sp.replace(c + 1, sp.end(node), " {}")
                return
            e = sp.end(node)
            sp.replace(c + 1, e, "")
            sp.insert(sp.line_end(e), body)
            return
    pairs = _scalar_key_map(node)
    in_flow = bool(node.flow_style)
    col = node.start_mark.column
    value_cols = {v.start_mark.column for _, (k, v) in pairs.items()
                  if v.start_mark.line == k.start_mark.line}
    value_col = value_cols.pop() if len(value_cols) == 1 else None
    removed = [k for k in old if k not in new]
    for k in removed:
        kn, vn = pairs[k]
        if in_flow:
            sp.delete_pair(node, k, True)
        else:
            s, e = sp.entry_span(kn, vn)
            sp.replace(s, e, "")
    for k, v in new.items():
        if k in old and old[k] != v:
            kn, vn = pairs[k]
            if sp.fine:
                sp.patch_value(kn, vn, old[k], v, in_flow)
            else:
                sp.replace_value(kn, vn, v, in_flow)
    added = [k for k in new if k not in old]
    if not added:
        return
    if in_flow:
        raise _Conflict("adding to a flow mapping section")
    keys = list(new)
    groups: dict[str | None, list[str]] = {}
    for k in added:
        prev = [x for x in keys[:keys.index(k)] if x in old and x not in removed]
        groups.setdefault(prev[-1] if prev else None, []).append(k)
    for anchor, ks in groups.items():
        text = "".join(entry_text(k, new[k], col, value_col) for k in ks)
        if anchor is None:
            survivors = [x for x in old if x not in removed]
            if survivors:
                kn, _ = pairs[survivors[0]]
                sp.insert(sp.line_start(kn.start_mark.index), text)
            else:
                kn, vn = pairs[list(old)[-1]]
                sp.insert(sp.entry_span(kn, vn)[1], text)
        else:
            kn, vn = pairs[anchor]
            sp.insert(sp.line_end(sp.end(vn)), text)


# --- rendering and verifying ------------------------------------------------------------------

def _section_diff(a: Scenario, b: Scenario) -> list[str]:
    ca, cb = _canon(a), _canon(b)
    return [k for k in ca if ca[k] != cb.get(k)]


def _verify(text: str, target: Scenario, file: str) -> None:
    try:
        got = load_scenario_text(text, file)
    except ScenarioError as e:
        raise SaveError(f"the written text would not load: {e.problems[0]}") from None
    bad = _section_diff(got, target)
    if bad:
        raise SaveError(f"the written text would read back differently ({', '.join(bad)})")


def render_scenario(scenario: Scenario, original_text: str | None = None, file: str = "<scenario>") -> str:
    """The scenario's file text: `original_text` with only what changed rewritten (verified)."""
    target = normalized(scenario)
    if original_text is None:
        text = scenario_to_text(target)
        _verify(text, target, file)
        return text
    return _render(target, original_text, file)[0]


def _render(target: Scenario, original_text: str, file: str) -> tuple[str, str]:
    """(text, how): how is "unchanged", "fine" (changed values only) or "items" (whole items)."""
    base = load_scenario_text(original_text, file)
    if same_model(normalized(base), target):
        return original_text, "unchanged"
    problems = []
    for fine in (True, False):
        try:
            text = _splice(original_text, base, target, fine)
            _verify(text, target, file)
            return text, "fine" if fine else "items"
        except (_Conflict, SaveError) as e:
            problems.append(str(e))
    raise SaveError(f"cannot save {file} without changing text it should keep: {problems[-1]}; "
                    "nothing was written (use Save As to write a fresh copy)")


def read_text(path) -> str:
    """A scenario file's text exactly as the loader reads it (UTF-8, line endings kept)."""
    with open(path, "rb") as fh:
        return fh.read().decode("utf-8")


def save_scenario(scenario: Scenario, path, original_text: str | None = None, *,
                  expect_disk: str | None = None) -> str:
    """Write the scenario to `path`; return the text written.

    `original_text` is the text the scenario was loaded from: only the parts that changed are
    rewritten. `expect_disk`: the text the caller believes is on disk; if the file now holds something
    else (edited elsewhere since), FileChangedError is raised and nothing is written.
    """
    path = os.fspath(path)
    if expect_disk is not None and os.path.exists(path):
        if read_text(path) != expect_disk:
            raise FileChangedError(f"{path} was changed by another program since it was opened; "
                                   "nothing was written (reload it, or use Save As)")
    text = render_scenario(scenario, original_text, path)
    atomic_write(path, text)
    return text


# --- recovery (autosave) ----------------------------------------------------------------------

RECOVERY_MAGIC = "# what-if-explorer recovery"


def _state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "what-if-explorer" / "recovery"


def recovery_path(path) -> Path:
    """Where edits to `path` are autosaved: `.NAME.autosave` beside it, else the user's state folder."""
    p = Path(os.path.abspath(os.fspath(path)))
    beside = p.parent / f".{p.name}.autosave"
    if os.access(p.parent, os.W_OK):
        return beside
    digest = hashlib.sha1(str(p).encode()).hexdigest()[:12]
    return _state_dir() / f"{digest}-{p.name}.autosave"


def _candidates(path) -> list[Path]:
    p = Path(os.path.abspath(os.fspath(path)))
    digest = hashlib.sha1(str(p).encode()).hexdigest()[:12]
    return [p.parent / f".{p.name}.autosave", _state_dir() / f"{digest}-{p.name}.autosave"]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Recovery:
    path: Path  # the recovery file
    text: str  # the recovered scenario text
    base_sha256: str  # hash of the file text the edits were made on
    written: float  # when it was written (epoch seconds)
    base_changed: bool  # the file on disk is no longer the text the edits were made on


def write_recovery(scenario: Scenario, path, original_text: str | None) -> Path:
    """Autosave: the edited scenario, spliced into `original_text`, into the recovery file."""
    text = render_scenario(scenario, original_text, os.fspath(path))
    header = (f"{RECOVERY_MAGIC} of {os.path.abspath(os.fspath(path))}; "
              f"base sha256 {_sha(original_text or '')}; written {time.time():.3f}\n")
    rp = recovery_path(path)
    rp.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(rp, header + text)
    return rp


_HEADER = re.compile(r"^# what-if-explorer recovery of (.*); base sha256 ([0-9a-f]*); written ([0-9.]+)\r?\n")


def read_recovery(path) -> Recovery | None:
    """The autosaved edits of `path`, if any are newer than the file and differ from it."""
    try:
        disk = read_text(path)
        disk_mtime = os.stat(path).st_mtime
    except (OSError, UnicodeDecodeError):
        disk, disk_mtime = None, 0.0
    found = []
    for rp in _candidates(path):
        try:
            raw = read_text(rp)
        except (OSError, UnicodeDecodeError):
            continue
        m = _HEADER.match(raw)
        if not m:
            continue
        text = raw[m.end():]
        written = float(m.group(3))
        if disk is not None and (text == disk or os.stat(rp).st_mtime < disk_mtime):
            continue
        found.append(Recovery(rp, text, m.group(2), written,
                              disk is not None and _sha(disk) != m.group(2)))
    return max(found, key=lambda r: r.written, default=None)


def discard_recovery(path) -> None:
    for rp in _candidates(path):
        try:
            os.unlink(rp)
        except OSError:
            pass
