"""Scenario files -> validated model, with every problem named by file:line:col and key path.

A well-formed file takes the fast road (fastyaml.py: rapidyaml, values typed by PyYAML's rules). Any
problem, or anything that road cannot vouch for, takes the careful one: YAML is composed with PyYAML's
safe loader into nodes (no object construction, no custom tags), then walked by hand so that every value keeps its position, aliases cannot multiply work beyond a budget,
and YAML 1.1 quirks (the key `on` is not the boolean true) do not leak into the model.
"""
from __future__ import annotations

import bisect
import datetime as dt
import math
import os
import re
from dataclasses import dataclass, field

import yaml

from .dates import parse_date, parse_duration
from .errors import Problem, ScenarioError, did_you_mean
from .files import read_regular
from .fastyaml import NOT_FAST, compose_nodes, fast_data
from .gcpause import paused_gc
from .model import (BASELINE, LINT_CODES, Branch, Divergence, Effect, EventRule, Expectation, Outcome,
                    Scenario, TextVariant, Timing, Variable, VARIABLE_TYPES)

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 200_000  # nodes visited while walking, aliases counted each time they are used
ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
EVENT_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class Report:
    """Collects problems; maps key paths to positions recorded while walking the YAML."""

    def __init__(self, file: str):
        self.file = file
        self.positions: dict[str, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.blocks: set[str] = set()  # paths of block scalars (| or >)
        self.paths: dict[int, str] = {}  # id(model object) -> key path, for checks made after parsing
        self.raw: dict[str, str] = {}  # path -> source text of a plain scalar read as a boolean
        self.bad: set[str] = set()  # paths of values YAML could not read (already reported)
        self.text = ""  # the source, to place columns inside multi-line values
        self.spans: dict[str, tuple] = {}  # path -> (content start, end, value, style) of texts
        self.lines: EditorLines | None = None  # set when YAML and editors count lines differently

    def pos(self, mark) -> tuple[int, int]:
        """Line and column (1-based) of a YAML mark, as editors count them."""
        if self.lines is None:
            return mark.line + 1, mark.column + 1
        return self.lines.at(mark.index)

    def path_of(self, obj, default: str) -> str:
        return self.paths.get(id(obj), default)

    def locate(self, path: str, offset: int) -> tuple[int, int]:
        """Line and column (1-based) of character `offset` of a text value, also when the value spans
        several lines (block scalars, folded plain or quoted text) and lost its indentation."""
        start, end, value, style = self.spans[path]
        text, j = self.text, start
        for ch in value[:offset]:
            if style == '"' and j < end and text[j] == "\\":  # an escape: one character of the value
                j += {"x": 4, "u": 6, "U": 10}.get(text[j + 1: j + 2], 2)
                continue
            while j < end and text[j] != ch and not (ch.isspace() and text[j].isspace()):
                j += 1  # indentation, line breaks, doubled quotes: in the file, not in the value
            j += 1
        while j < end and text[j].isspace() and offset < len(value) and not value[offset].isspace():
            j += 1
        j = min(j, len(text))
        line = text.count("\n", 0, j) + 1
        return line, j - text.rfind("\n", 0, j)

    def where(self, path: str) -> tuple[int, int]:
        p = path
        while p:
            if p in self.positions:
                return self.positions[p]
            p = _parent_path(p)
        return self.positions.get("", (1, 1))

    def add(self, path: str, message: str, col_offset: int | None = None) -> None:
        line, col = self.where(path)
        if col_offset is not None and path in self.spans:
            line, col = self.locate(path, col_offset)
        elif col_offset is not None and path in self.positions and path not in self.blocks:
            col += col_offset
        shown = path.split("#", 1)[0]  # `#key`, `#dup`: position look-ups only, not for the reader
        if shown in self.bad:
            return  # the value could not be read at all; that was said already
        self.problems.append(Problem(self.file, line, col, shown, message))


ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_BREAK_NAMES = {"\r": "a carriage return (CR) without a line feed", "\x85": "U+0085 NEXT LINE",
                "\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR"}


class EditorLines:
    """Positions as editors, grep and compilers count them: a line ends at "\n" only. YAML also
    breaks lines at a lone CR, U+0085, U+2028 and U+2029, so its own line numbers drift after one."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, index: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, index) - 1
        return i + 1, index - self.starts[i] + 1


def editor_lines(text: str) -> EditorLines | None:
    """An EditorLines for `text` when YAML would count its lines differently, else None."""
    return EditorLines(text) if ODD_BREAKS.search(text) else None


def odd_break_warnings(text: str, file: str, limit: int = 5) -> list[Problem]:
    """One warning per character YAML reads as a line break and editors do not (the first `limit`)."""
    lines, out = None, []
    for m in ODD_BREAKS.finditer(text):
        lines = lines or EditorLines(text)
        if len(out) == limit:
            more = sum(1 for _ in ODD_BREAKS.finditer(text, m.start()))
            out.append(Problem(file, *lines.at(m.start()), "", f"warning: {more} more such characters"))
            break
        out.append(Problem(file, *lines.at(m.start()), "",
                           f"warning: {_BREAK_NAMES[m.group()]} here; YAML reads it as a line break (inside "
                           "a comment it ends the comment) but editors do not; replace it with a space or "
                           "a real line break"))
    return out


def _parent_path(p: str) -> str:
    if p.endswith("#key"):
        return p[:-4]
    if p.endswith("]"):
        return p[: p.rindex("[")]
    return p.rsplit(".", 1)[0] if "." in p else ""


_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq",
                                                 "map", "merge")}


class _Stop(Exception):
    pass


class _Walker:
    """Turns YAML nodes into plain values and records where each one stood."""

    def _span(self, node, path: str, value: str) -> None:
        if path not in self.report.spans:
            self.report.spans[path] = (_content_start(node, self.report.text), node.end_mark.index, value,
                                       node.style)

    def __init__(self, report: Report, constructor: yaml.SafeLoader):
        self.report = report
        self.constructor = constructor
        self.visited = 0
        self.stack: set[int] = set()

    def value(self, node, path: str):
        self.visited += 1
        if self.visited > MAX_NODES:
            top = re.split(r"[.\[]", path, maxsplit=1)[0] if path else ""
            self.report.add(top + "#key" if top else "",
                            f"aliases expand the document to more than {MAX_NODES:,} values "
                            "(an alias bomb?); write the values out instead of repeating aliases")
            raise _Stop
        line, col = self.report.pos(node.start_mark)
        if isinstance(node, yaml.ScalarNode) and node.style in ('"', "'"):
            col += 1  # point inside the quotes, where expression columns count from
        elif isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            self.report.blocks.add(path)  # content starts on the next line: no column arithmetic
        self.report.positions.setdefault(path, (line, col))
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.report.add(path, f"the tag {tag} is not allowed; remove it")
            self.report.bad.add(path)
            return None
        if id(node) in self.stack:
            self.report.add(path, "an alias refers to itself; remove the recursive alias")
            raise _Stop
        if isinstance(node, yaml.ScalarNode):
            try:
                value = self.constructor.construct_object(node, deep=True)
                if isinstance(value, str) and self.report.text:
                    self._span(node, path, value)
                if isinstance(value, bool) and node.style is None:
                    self.report.raw[path] = node.value  # `no`, `on`, `yes`: YAML 1.1 booleans
                return value
            except (yaml.YAMLError, ValueError, OverflowError) as e:
                if node.tag == "tag:yaml.org,2002:timestamp":
                    msg = f"'{node.value}' is not a date ({e}); write YYYY-MM-DD"
                else:
                    msg = f"cannot read '{node.value[:40]}': {getattr(e, 'problem', None) or e}"
                self.report.add(path, msg)
                self.report.bad.add(path)
                return None
        self.stack.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.value(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                out: dict = {}
                for knode, vnode in node.value:
                    if not isinstance(knode, yaml.ScalarNode):
                        self.report.positions.setdefault(path + "#key", self.report.pos(knode.start_mark))
                        self.report.add(path + "#key", "keys must be plain names")
                        continue
                    key = str(knode.value)
                    if knode.tag == "tag:yaml.org,2002:merge" or key == "<<":
                        self.report.positions[f"{path}.<<"] = self.report.pos(knode.start_mark)
                        self.report.add(f"{path}.<<", "merge keys (<<) are not supported; "
                                                      "write the keys out")
                        continue
                    sub = f"{path}.{key}" if path else key
                    if "." in key and path:
                        sub = f"{path}[{key}]"
                    self.report.positions[sub + "#key"] = self.report.pos(knode.start_mark)
                    if key in out:
                        self.report.positions[sub + "#dup"] = self.report.pos(knode.start_mark)
                        self.report.add(sub + "#dup", f"duplicate key '{key}'; keep one of them")
                        continue
                    out[key] = self.value(vnode, sub)
                return out
        finally:
            self.stack.discard(id(node))
        return None


def _content_start(node, text: str) -> int:
    i = node.start_mark.index
    if node.style in ('"', "'"):
        return i + 1
    if node.style in ("|", ">"):
        nl = text.find("\n", i)
        return len(text) if nl < 0 else nl + 1
    return i


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read and validate a scenario file; raise ScenarioError listing every problem found."""
    path = os.fspath(path)
    try:
        raw = read_regular(path, MAX_BYTES)  # a FIFO or device is refused before it is opened
    except OSError as e:
        raise ScenarioError([Problem(path, 0, 0, "", f"cannot open: {e.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        size = os.path.getsize(path)
        raise ScenarioError([Problem(path, 1, 1, "", f"file is {size / 1048576:.1f} MB; scenarios are "
                                                     f"limited to {MAX_BYTES // 1048576} MB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        bol = raw.rfind(b"\n", 0, e.start) + 1
        line, col = raw.count(b"\n", 0, e.start) + 1, len(raw[bol:e.start].decode("utf-8", "replace")) + 1
        raise ScenarioError([Problem(path, line, col, "", f"not UTF-8 text (byte 0x{raw[e.start]:02X}); "
                                                          "save the file as UTF-8")]) from None
    return load_scenario_text(text, path)


def load_scenario_text(text: str, file: str = "<scenario>", fast: bool = True) -> Scenario:
    """Validate a scenario's text. A well-formed file takes the fast road (rapidyaml, see fastyaml.py);
    any problem, or anything the fast road cannot vouch for, sends it down PyYAML's, which places
    every problem at its line:col. `fast=False` takes PyYAML's road only (tests compare the two)."""
    odd = ODD_BREAKS.search(text) is not None  # line breaks YAML sees and editors do not: PyYAML's road
    with paused_gc():  # hundreds of thousands of small acyclic values: the collector only slows it down
        scenario = None
        if fast and "\x00" not in text and not odd:
            scenario = _fast_load(text, file)
        if scenario is None:
            try:
                scenario = _careful_load(text, file)
            except ScenarioError as e:
                if odd:  # the odd break may be the cause (one in a comment ends the comment): say where
                    raise ScenarioError(sorted(e.problems + odd_break_warnings(text, file),
                                               key=lambda p: (p.line, p.col))) from None
                raise
    # not a dataclass field: warnings are about the text, not the model (saving compares models)
    scenario.warnings = odd_break_warnings(text, file) if odd else []
    return scenario


def _careful_load(text: str, file: str) -> Scenario:
    """PyYAML's road: every value keeps its position, every problem is reported at its line:col."""
    report = Report(file)
    report.text = text
    report.lines = editor_lines(text)
    data = _compose(text, report)
    if data is None and report.problems:
        raise ScenarioError(report.problems)
    scenario = _build(data, report)
    if scenario is not None and (not report.problems or _complete(data, scenario)):
        # with problems so far, check the rest too when nothing it refers to was dropped: every
        # independent mistake is reported in one pass, without cascades of "unknown variable"
        from .program import build_program  # the semantic checks live with the compiler
        scenario.path = file if file != "<scenario>" else None
        build_program(scenario, report)
    if report.problems:
        raise ScenarioError(sorted(report.problems, key=lambda p: (p.line, p.col)))
    scenario.__dict__["_source"] = SourceMap(report, scenario)
    return scenario


def _fast_load(text: str, file: str) -> Scenario | None:
    """The scenario from the fast road, or None when it cannot vouch for the text or finds any problem
    (PyYAML's road then reports every problem at its line:col)."""
    data = fast_data(text, MAX_NODES)
    if data is NOT_FAST:
        return None
    report = Report(file)
    scenario = _build(data, report)
    if scenario is None or report.problems:
        return None
    from .program import build_program
    scenario.path = file if file != "<scenario>" else None
    build_program(scenario, report)
    if report.problems:
        return None
    scenario.__dict__["_source"] = SourceMap(report, scenario, text)
    return scenario


class SourceMap:
    """Where things stand in the file a scenario was loaded from, for checks made after loading
    (a branch that cannot run, lint warnings, failed expectations): key path -> file:line:col."""

    def __init__(self, report: Report, scenario: Scenario, text: str | None = None):
        self.file = report.file
        self._report = report
        self._text = text  # the fast road records no positions: placed on first use from the text
        self.branch_paths = {b.id: report.paths[id(b)] for b in scenario.branches if id(b) in report.paths}
        self.event_paths = {e.id: report.paths[id(e)] for e in scenario.events if id(e) in report.paths}

    def _placed(self) -> Report:
        if not self._report.positions and self._text is not None:
            placed = Report(self.file)
            placed.text = self._text
            _compose(self._text, placed)  # PyYAML's walk records every value's position
            self._report, self._text = placed, None
        return self._report

    def where(self, path: str) -> tuple[int, int]:
        return self._placed().where(path)

    def locate(self, path: str, offset: int) -> tuple[int, int]:
        """Line and column of character `offset` inside the text value at `path`."""
        report = self._placed()
        if path in report.spans:
            return report.locate(path, offset)
        line, col = report.where(path)
        return line, col + offset


def source_of(scenario: Scenario) -> SourceMap | None:
    """The scenario's source map, or None for a scenario built or edited in code."""
    return scenario.__dict__.get("_source")


def problem_at(scenario: Scenario, path: str, message: str, offset: int | None = None) -> Problem:
    """A Problem at `path` of the scenario's file (line 0 when the scenario has no file)."""
    src = source_of(scenario)
    if src is None:
        return Problem(scenario.path or "<scenario>", 0, 0, path, message)
    line, col = src.where(path) if offset is None else src.locate(path, offset)
    return Problem(src.file, line, col, path, message)


def _yaml_syntax(e: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Position and wording of a YAML syntax error, pointing where a person would fix it."""
    pm, cm = e.problem_mark, e.context_mark
    lines = editor_lines(text)

    def pos(m) -> tuple[int, int]:
        return lines.at(m.index) if lines is not None else (m.line + 1, m.column + 1)
    problem = (e.problem or "").replace("'<stream end>'", "the end of the file") \
        .replace("unexpected end of stream", "the end of the file")
    context = (e.context or "").replace("while ", "")
    mark = pm or cm
    if "'\\t'" in problem and "cannot start any token" in problem:
        problem = "found a tab; YAML indents with spaces only, so replace it with spaces"
    elif "expected <block end>" in problem and problem.endswith("'<scalar>'"):
        problem = ("unexpected text after a quoted or bracketed value; when a value starts with a quote "
                   "or a bracket, put the whole value in quotes")
        context = ""
    elif "expected <block end>" in problem and problem.endswith(("']'", "'}'")):
        problem = f"unexpected {problem[-3:]}: it closes nothing; remove it"
        context = ""
    elif "expected <block end>" in problem:
        problem = "this line is indented differently from the lines above it; line it up"
        context = ""
    elif "mapping values are not allowed here" in problem:
        problem = "unexpected ': '; put a value that contains ': ' in quotes, or fix the indentation"
    elif "another document" in problem:
        problem = "a second YAML document (--- or a % directive); a scenario is one document"
        context = ""
    elif cm is not None and pm is not None and (pm.index >= len(text.rstrip()) or pm.line > cm.line):
        if context.startswith(("parsing a flow", "scanning a quoted", "scanning a double-quoted",
                               "scanning a single-quoted")):
            mark = cm  # an unclosed bracket or quote: point at where it opens
            what = {"parsing a flow sequence": "'['", "parsing a flow mapping": "'{'"}.get(context, "quote")
            return (*pos(mark), f"this {what} is never closed: {problem}")
    if context and cm is not None and mark is not cm:
        problem += " ({} that starts at line {}, column {})".format(context, *pos(cm))
    line, col = pos(mark) if mark else (1, 1)
    return line, col, problem


def _complete(data: dict, sc: Scenario) -> bool:
    """Whether every variable, named condition and event the file declares made it into the model."""
    if isinstance(data, dict) and set(map(str, data)) - set(_TOP):
        return False  # a misspelt section (`condition:`): its names would all read as unknown
    meta = data.get("scenario") if isinstance(data, dict) else None
    if not isinstance(meta, dict) or not isinstance(meta.get("start"), dt.date) \
            or not isinstance(meta.get("end"), dt.date):
        return False
    variables, conditions = data.get("variables"), data.get("conditions") or {}
    if not isinstance(variables, dict) or set(map(str, variables)) != set(sc.variables):
        return False
    if not isinstance(conditions, dict) or set(map(str, conditions)) != set(sc.conditions):
        return False
    events = data.get("events")
    if not isinstance(events, list):
        return False
    ids = {e.id for e in sc.events}
    return all(isinstance(e, dict) and e.get("id") in ids for e in events)


def _compose(text: str, report: Report):
    if "\x00" in text:
        i = text.index("\x00")
        line = text.count("\n", 0, i) + 1
        report.problems.append(Problem(report.file, line, i - text.rfind("\n", 0, i), "",
                                       "the file contains a NUL byte; it is not a text file"))
        return None
    try:
        node = compose_nodes(text)  # libyaml when it has no complaint, else PyYAML's words
    except yaml.reader.ReaderError as e:
        i = min(max(e.position, 0), len(text))
        line = text.count("\n", 0, i) + 1
        report.problems.append(Problem(report.file, line, i - text.rfind("\n", 0, i), "",
                                       f"the file contains the character U+{e.character:04X}, which YAML "
                                       "does not allow; remove it"))
        return None
    except yaml.MarkedYAMLError as e:
        line, col, msg = _yaml_syntax(e, text)
        report.problems.append(Problem(report.file, line, col, "", f"YAML syntax: {msg}"))
        return None
    except yaml.YAMLError as e:
        report.problems.append(Problem(report.file, 1, 1, "", f"YAML: {e}"))
        return None
    except RecursionError:
        report.problems.append(Problem(report.file, 1, 1, "", "YAML nested too deeply"))
        return None
    if node is None:
        report.problems.append(Problem(report.file, 1, 1, "", "the file is empty; a scenario needs "
                                                              "`scenario:`, `variables:` and `events:`"))
        return None
    walker = _Walker(report, yaml.SafeLoader(""))
    try:
        return walker.value(node, "")
    except _Stop:
        return None
    except RecursionError:
        report.add("", "YAML nested too deeply")
        return None


# --- structure -------------------------------------------------------------------------------

_TOP = ("scenario", "variables", "conditions", "events", "branches")
_SCENARIO = ("id", "title", "description", "start", "end")
_VARIABLE = ("type", "initial", "label", "min", "max", "values", "unit", "description", "nolint")
_EVENT = ("id", "title", "text", "on", "between", "after", "scheduled", "when", "chance", "priority",
          "repeatable", "cooldown", "mtth", "tags", "sources", "effects", "outcomes", "nolint")
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
