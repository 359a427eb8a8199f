"""Scenario files -> validated model, with every problem named by file:line:col and key path.

A well-formed file takes the fast road (fastyaml.py: rapidyaml, values typed by PyYAML's rules). Any
problem, or anything that road cannot vouch for, takes the careful one: YAML is composed with PyYAML's
safe loader into nodes (no object construction, no custom tags), then walked by hand so that every value keeps its position, aliases cannot multiply work beyond a budget,
and YAML 1.1 quirks (the key `on` is not the boolean true) do not leak into the model.

This module holds the entry points and the careful road's composing and walking; both roads hand plain
data to build.py (data -> model), and positions.py places problems (Report, editor line numbers).
"""
from __future__ import annotations

import datetime as dt
import os
import re

import yaml

from .build import _TOP, ID_RE, _build  # noqa: F401  (ID_RE: edits.py imports it from here)
from .errors import Problem, ScenarioError
from .files import read_regular
from .fastyaml import KEY_LIMIT, NOT_FAST, SURROGATE_ESCAPE, compose_nodes, fast_data
from .gcpause import paused_gc
from .model import Scenario
from .positions import Report, editor_lines, has_odd_breaks, odd_break_warnings

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 200_000  # nodes visited while walking, aliases counted each time they are used


_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq",
                                                 "map", "merge")}


class _Stop(Exception):
    pass


_SURROGATES = re.compile("[\ud800-\udfff]+")


def _surrogate_problem(s: str) -> str | None:
    """What to do about an escaped UTF-16 surrogate (`"\\ud83d\\ude00"`) in a text or key: PyYAML reads
    each escape as half a character, which no file, report or terminal can hold (UTF-8 refuses it)."""
    m = _SURROGATES.search(s)
    if m is None:
        return None
    run = m.group()
    if len(run) >= 2 and "\ud800" <= run[0] <= "\udbff" and "\udc00" <= run[1] <= "\udfff":
        cp = 0x10000 + ((ord(run[0]) - 0xD800) << 10) + (ord(run[1]) - 0xDC00)
        return (f"the escapes {_escaped(run[:2])} are a UTF-16 surrogate pair, which YAML reads as two halves "
                f"of a character; write the character itself, or \\U{cp:08X}")
    return f"the escape {_escaped(run[0])} is half of a character (a UTF-16 surrogate); remove it"


def _escaped(s: str) -> str:
    """The text with its surrogates written as the escapes that made them (a key path must print)."""
    return _SURROGATES.sub(lambda m: "".join(f"\\u{ord(c):04x}" for c in m.group()), s)


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
        self.surrogates = False  # the text escapes a surrogate: texts and keys are checked for one

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
                if self.surrogates and isinstance(value, str) and (msg := _surrogate_problem(value)):
                    self.report.add(path, msg)
                    self.report.bad.add(path)
                    return None
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
                    if self.surrogates and (msg := _surrogate_problem(key)):
                        key = _escaped(key)
                        bad = f"{path}.{key}" if path else key
                        self.report.positions[bad + "#key"] = self.report.pos(knode.start_mark)
                        self.report.add(bad + "#key", msg)
                        continue
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


BIG_TEXT = 200_000  # characters (about 1,000 rules): a model worth moving out of the collector's way


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
    odd = has_odd_breaks(text)  # line breaks YAML sees and editors do not: PyYAML's road
    # hundreds of thousands of small acyclic values: the collector only slows it down; a big file's
    # model and program live as long as the scenario, so they leave the collector's generations too
    # (re-enabled, it scanned them all at once: 0.1-0.2 s of a 10,000-rule load)
    with paused_gc(freeze=len(text) >= BIG_TEXT):
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
    if pm is not None and pm.column >= KEY_LIMIT and text[pm.index:pm.index + 1] == ":":
        # PyYAML forgets a key 1024 characters after its start, and then words the ':' as out of place
        problem = (f"this ':' is more than {KEY_LIMIT} characters after the start of its key, YAML's limit "
                   "for a key; shorten the key (or put a long value in quotes)")
        context = ""
        mark = pm
    elif "'\\t'" in problem and "cannot start any token" in problem:
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
    return all(isinstance(e, dict) and isinstance(e.get("id"), str) and e["id"] in ids for e in events)


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
    walker.surrogates = "\\" in text and SURROGATE_ESCAPE.search(text) is not None
    try:
        return walker.value(node, "")
    except _Stop:
        return None
    except RecursionError:
        report.add("", "YAML nested too deeply")
        return None
