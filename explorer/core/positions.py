"""Where a problem stands in a scenario file: the problem report that maps key paths to line:col, and
line numbers as editors count them.

Kept apart from the loader so the careful road (loader.py), the model builder (build.py) and checks made
after loading all place problems the same way. YAML also breaks lines at a lone CR, U+0085, U+2028 and
U+2029 where editors do not, so positions are recounted when a file has such a character (and the user
is warned about each one).
"""
from __future__ import annotations

import bisect
import re

from .errors import Problem


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
            plain = _PLAIN_KEY.sub(r".\1", p)  # messages name every variable `variables[x]`; the parser
            if plain in self.positions:       # brackets only dotted keys: `variables.x`
                return self.positions[plain]
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
        self.problems.append(Problem(self.file, line, col, _one_line(shown), _one_line(message)))


_BREAK = re.compile("[\r\n\x85\u2028\u2029]")
_BREAK_ESCAPES = {"\r": "\\r", "\n": "\\n", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _one_line(s: str) -> str:
    """A problem is one line: a line break in a value or key it quotes (`id: |` keeps the id's newline)
    is written as its escape, which also shows the reader where the stray break is."""
    return _BREAK.sub(lambda m: _BREAK_ESCAPES[m.group()], s)


ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_LONE_CR = re.compile("\r(?!\n)")


def has_odd_breaks(text: str) -> bool:
    """ODD_BREAKS.search(text) is not None, by scans in C where they answer (the regex walked a
    1.7 MB file in 22 ms)."""
    if "\r" in text and _LONE_CR.search(text):
        return True
    return not text.isascii() and ("\x85" in text or "\u2028" in text or "\u2029" in text)
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
    return EditorLines(text) if has_odd_breaks(text) else None


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


_PLAIN_KEY = re.compile(r"\[([A-Za-z_][\w-]*)\]")  # a bracketed key without a dot (not a list index)


def _parent_path(p: str) -> str:
    if p.endswith("#key"):
        return p[:-4]
    if p.endswith("]"):
        return p[: p.rindex("[")]
    return p.rsplit(".", 1)[0] if "." in p else ""
