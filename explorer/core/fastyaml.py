"""The fast way from a scenario's text to plain values: rapidyaml (C++) parses, PyYAML's rules type.

PyYAML's pure-Python composer takes 9-13 s on a 10,000-rule file (1.8 MB); libyaml's composer about
1 s; rapidyaml parses it in 0.07 s and writes it out as JSON, which the json module reads in another
0.03 s (measured by benchmarks/bench_load.py). This module uses that route for files that are
well formed, and promises values identical to what loader's PyYAML walk produces: every plain scalar is
typed by PyYAML's own YAML 1.1 resolver and constructor (dates, `yes`/`on` booleans, `1e5` a text,
`07` an integer), and quoted or block scalars stay text.

It gives up (returns NOT_FAST) whenever it cannot vouch for that: rapidyaml missing or rejecting the
text, characters PyYAML refuses, anchors, aliases, tags, merge keys, duplicate keys, several documents,
values PyYAML could not construct, or more values than the loader's budget; and texts rapidyaml reads
where PyYAML refuses them or reads them otherwise (found by fuzzing both roads): any tab (PyYAML refuses
one on a blank line or after `- `), a `%` first on a line (a directive), any BOM (PyYAML gives one no
column), a plain scalar PyYAML cannot start (`] x`, `@x`, `:a` in a flow: _REFUSED_FIRST) or holding
" #" (`{a: b # c}`: a comment for PyYAML), an empty key, a `- ` after a flow collection or a quoted
text on its line (a second entry for rapidyaml), an explicit key (`? "a":b`), text after a block
scalar's indentation indicator (`|2 x`: rapidyaml drops it), a `:` first on its line (a flow key's on
the line before) or more than 1024 characters into a line (PyYAML's limit on a key's length), keys
rapidyaml rewrites in its JSON (`inf` as `.inf`), a line break escaped in a double-quoted text (a flow
key over two lines: `{"a\\<break> b": 1}`), escaped surrogates (`"\\ud83d\\ude00"`: rapidyaml joins
the pair, PyYAML reads two halves, which the loader refuses). The loader then composes with PyYAML,
which also finds every problem with its exact line:col; messages never come from here.
"""
from __future__ import annotations

import json
import os
import re
import sys
import threading
from contextlib import contextmanager

import yaml
from yaml.resolver import Resolver

from .gcpause import paused_gc

try:  # the fast parser is optional: without it the loader composes with PyYAML alone
    import ryml
except ImportError:  # pragma: no cover - rapidyaml is a dependency; kept for platforms without a wheel
    ryml = None

NOT_FAST = object()

_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")
# a token that may be an anchor (&a), alias (*a), tag (!t), directive (%) or merge key (<<): only then
# are every node's flags read (1 us a node through the bindings), to tell them from ordinary text
_SUSPECT = re.compile(r"[&*!%]")
SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
_COLON_FIRST = re.compile(r"\n +:")  # 1.7 ms a 1.7 MB text (a literal first: memchr)
# `- {a: 1} - {b: 2}`: rapidyaml reads a second entry where PyYAML refuses a '-' after a flow collection
# or a quoted text on the same line (5 ms a 1.7 MB text)
_ENTRY_AFTER_FLOW = re.compile(r"""[\]}"'] +-(?:[ \r\n]|$)""", re.M)
_EXPLICIT_KEY = re.compile(r"\n[ -]*\?[ \r\n]")
_BLOCK_HEADER_TEXT = re.compile(r"[|>](?:[1-9][-+]?|[-+][1-9]) +[^ #\r\n]")
KEY_LIMIT = 1024  # PyYAML's scanner forgets a possible key this many characters after its start
_STR = "tag:yaml.org,2002:str"
_SPECIAL = (ryml.VALANCH | ryml.KEYANCH | ryml.VALREF | ryml.KEYREF | ryml.VALTAG | ryml.KEYTAG) if ryml else 0
_stderr_lock = threading.Lock()


_PRINTABLE_ASCII = bytes([9, 10, 13, *range(0x20, 0x7F)])


def _unprintable(text: str) -> bool:
    """Whether the text holds a character PyYAML's reader refuses (_NON_PRINTABLE). An ASCII text is
    checked by deleting every allowed byte (C speed; the regex scan took 11 ms a 1.7 MB file)."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _PRINTABLE_ASCII))
    return _NON_PRINTABLE.search(text) is not None


def _pyyaml_refuses(text: str) -> bool:
    """Whether the text may hold what rapidyaml reads and PyYAML refuses or reads otherwise (module
    docstring; plain values are the typer's, plain keys _plain_refused's). Conservative: a tab in a
    comment or a quoted text also sends the text down PyYAML's road."""
    if "\t" in text or "\n%" in text or text.startswith("%"):
        return True  # '%' first on a line is a directive for PyYAML (an error after the first line)
    if "\\" in text and (SURROGATE_ESCAPE.search(text) or "\\\n" in text or "\\\r\n" in text):
        return True  # an escaped surrogate, or a line break escaped in a flow key ("a\<break> b": "ab")
    if "\n:" in text or text.lstrip(" ").startswith(":") or _COLON_FIRST.search(text):
        return True  # a ':' first on its line: a flow key's on the line before, which PyYAML refuses
    if _ENTRY_AFTER_FLOW.search(text):
        return True
    for m in _BLOCK_HEADER_TEXT.finditer(text):  # `title: |2 x`: rapidyaml drops the x, PyYAML refuses it
        before = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        if not before.strip(" -?") or before.endswith((": ", "- ", "? ")):
            return True
    if ("? " in text or "?\n" in text) and (_EXPLICIT_KEY.search(text) or text.lstrip(" -").startswith("?")):
        return True  # `? "a":b`: a key and its value for rapidyaml, refused by PyYAML; explicit keys are rare
    if len(text) > KEY_LIMIT and max(map(len, text.split("\n"))) > KEY_LIMIT:  # 5 ms a 1.7 MB text,
        return any(":" in line[KEY_LIMIT:] for line in text.split("\n"))  # a regex scan 30 ms
    return False


def _plain_refused(js: str, tree) -> bool:
    """Whether a plain key reads otherwise in PyYAML: an empty one (`{: 1}`) or one holding " #" (a
    comment for PyYAML). Plain values are the typer's (_REFUSED_FIRST: refused once per distinct text).
    The tree's nodes are read only when the JSON holds an empty key or " #"."""
    if not (" #" in js or '"":' in js):
        return False
    key_plain = ryml.KEY_PLAIN
    for i in range(tree.size()):
        if tree.type(i) & key_plain and tree.has_key(i):
            k = tree.key(i)
            if k is None or not bytes(k) or bytes(k)[:1] in (b"@", b"`", b":") or b" #" in bytes(k):
                return True
    return False
    val_plain, key_plain = ryml.VAL_PLAIN, ryml.KEY_PLAIN
    for i in range(tree.size()):
        t = tree.type(i)
        if t & val_plain and tree.has_val(i):
            v = tree.val(i)
            v = bytes(v) if v is not None else b""
            if v[:1] in (b"@", b"`", b":") or b" #" in v:
                return True
        if t & key_plain and tree.has_key(i):
            k = tree.key(i)
            if k is None or not bytes(k) or bytes(k)[:1] in (b"@", b"`", b":") or b" #" in bytes(k):
                return True
    return False


def _suspect(text: str) -> bool:
    """Whether the text may hold an anchor, alias, tag, directive, merge key or document marker."""
    if "<<" in text or text.startswith(("---", "...")) or "\n---" in text or "\n..." in text:
        return True
    if not ("&" in text or "*" in text or "!" in text or "%" in text):
        return False  # four scans in C, where the regex below walks the whole text
    for m in _SUSPECT.finditer(text):
        i = m.start()
        if i == 0 or text[i - 1] in " \t\r\n[{,:?-":
            return True  # where a token starts; inside a word ("Smith&Sons", "Viva!") it is text
    return False


class _Unsure(Exception):
    pass


# what a plain scalar cannot start with for PyYAML (its check_plain) and rapidyaml reads as text: `] x`,
# `} x`, `%x` in a flow, `?x`/`:x` in a flow (`title: ?x` in a block, text for both, takes PyYAML's road
# too), `@`/backquote (reserved); and " #" inside one (`{a: b # c}`: PyYAML's comment)
_REFUSED = "not a plain scalar for PyYAML"  # a tag of its own, compared by identity
_REFUSED_FIRST = frozenset("]},%@`?:")


class _Typer:
    """PyYAML's implicit typing of plain scalars, cached per text (a scenario repeats its values)."""

    def __init__(self):
        self.resolvers = Resolver.yaml_implicit_resolvers
        self.constructor = yaml.SafeLoader("")
        self.tags: dict[str, str] = {}
        self.values: dict[str, object] = {}

    def tag(self, s: str) -> str:
        t = self.tags.get(s)
        if t is None:
            t = _STR
            if s[:1] in _REFUSED_FIRST or s[:2] == "- " or s == "-" or " #" in s:
                t = _REFUSED  # once per distinct text; only a plain scalar's is then refused
            else:
                for tag, regexp in self.resolvers.get(s[:1] if s else "", ()):
                    if regexp.match(s):
                        t = tag
                        break
            self.tags[s] = t
        return t

    def value(self, s: str, tag: str):
        try:
            return self.values[s]
        except KeyError:
            pass
        if tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
            raise _Unsure
        try:
            v = self.constructor.construct_object(yaml.ScalarNode(tag, s), deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            raise _Unsure from None  # PyYAML reports it, with its position
        if not isinstance(v, (list, dict)):
            self.values[s] = v
        return v


@contextmanager
def _quiet_stderr():
    """rapidyaml prints its parse errors on the process's stderr before raising; the loader reports
    problems itself (with PyYAML's wording), so file descriptor 2 points at /dev/null meanwhile."""
    with _stderr_lock:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            yield
            return
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(null)


def fast_data(text: str, max_values: int):
    """The document as plain values (what loader's walk of PyYAML's nodes yields), or NOT_FAST."""
    if ryml is None or not text.strip() or _unprintable(text) or "\ufeff" in text \
            or _pyyaml_refuses(text):
        return NOT_FAST
    try:
        with _quiet_stderr():
            tree = ryml.parse_in_arena(text.encode("utf-8"))
            js = _json_of(tree, text)
    except Exception:  # noqa: BLE001 - rapidyaml's exceptions share no base; PyYAML will say what is wrong
        return NOT_FAST
    if js is None:
        return NOT_FAST
    try:
        data = json.loads(js, parse_float=_Num, parse_constant=_Num)
    except ValueError:  # rapidyaml writes some plain numbers (+3) that JSON does not allow
        return NOT_FAST
    walk = _Walk(tree, max_values)
    try:
        data = walk.convert(data)
    except (_Unsure, RecursionError):
        return NOT_FAST
    if walk.next_id != tree.size():  # a duplicate key collapsed, or the node order is not ours
        return NOT_FAST
    return data


def _json_of(tree, text: str) -> str | None:
    """The tree as JSON, or None when it is not one plain mapping PyYAML would read the same way."""
    root = tree.root_id()
    if tree.size() == 0 or not (tree.is_map(root) and not tree.is_doc(root) and not tree.is_stream(root)):
        return None  # a top level that is not one mapping: PyYAML words the problem
    if _suspect(text) and any(tree.type(i) & _SPECIAL for i in range(tree.size())):
        return None
    js = ryml.emit_json(tree)
    if '".inf":' in js or '"-.inf":' in js or '".nan":' in js:
        return None  # a key rapidyaml rewrote (`inf`, `NaN`, `-Infinity`): the JSON no longer has its text
    if _plain_refused(js, tree):
        return None
    return js


class _Num(str):
    """The text of a non-integer number rapidyaml wrote bare in JSON: a plain scalar (quoted ones come
    as strings), typed by PyYAML's rules (`1e5` is text in YAML 1.1, `1.5` a float)."""


class _Walk:
    """Visits the JSON values in document order, which is rapidyaml's node order (checked by the node
    count, and by the text of every node whose style is read): a value's node id is its visit number,
    so a scalar's style is read only when its text could be typed (a date, `yes`, `07`)."""

    def __init__(self, tree, max_values: int):
        self.tree = tree
        self.next_id = 0
        self.max_values = max_values
        self.typer = _Typer()

    def convert(self, root):
        tree, typer = self.tree, self.typer
        tag_of, value_of, max_values = typer.tag, typer.value, self.max_values
        node_type, node_val, plain = ryml._ryml.Tree_type, ryml._ryml.Tree_val, ryml.VAL_PLAIN  # noqa: SLF001
        n = 0

        tags, str_tag = typer.tags, _STR

        def scalar(v, node):
            tv = type(v)
            if tv is str:
                tag = tags.get(v) or tag_of(v)
                if tag is str_tag:
                    return v
                text = node_val(tree, node)  # None: the node is a mapping or a sequence (a key the
                if text is None or bytes(text).decode("utf-8") != v:  # JSON dropped as a duplicate)
                    raise _Unsure  # not the node we think: give up rather than guess
                if not node_type(tree, node) & plain:
                    return v  # quoted or block text that looks like a date or a number: still text
                if tag is _REFUSED:
                    raise _Unsure  # a plain scalar PyYAML refuses (`title: ] x`)
                return value_of(v, tag)
            if tv is int or v is None or v is True or v is False:
                return v  # JSON's integers, null, true, false: plain scalars PyYAML reads the same
            # a number with a point or an exponent (_Num): rapidyaml rewrites some (-.5 as -0.5, .5 as
            # 0.5), so the node's own text is typed, as PyYAML types it (-.5 is text in YAML 1.1)
            text = node_val(tree, node)
            if text is None or not node_type(tree, node) & plain:
                raise _Unsure
            s = bytes(text).decode("utf-8")
            tag = tag_of(s)
            return s if tag is str_tag else value_of(s, tag)

        def conv(v):
            """v's values typed in place (json.loads made them: nobody else holds them); the common
            scalars (untyped text, integers, null, booleans) are counted and left as they are."""
            nonlocal n
            node = n
            n += 1
            t = type(v)
            if t is dict:
                if "<<" in v:
                    raise _Unsure
                items = v.items()
            elif t is list:
                items = enumerate(v)
            else:
                return scalar(v, node)
            for k, x in items:
                tx = type(x)
                if tx is dict or tx is list:
                    conv(x)
                    continue
                if not (tx is str and tags.get(x) is str_tag or tx is int or x is None or tx is bool):
                    v[k] = scalar(x, n)  # a value replaced, not a key added: the iteration holds
                n += 1
            return v

        top = conv(root)
        if n > max_values:
            raise _Unsure  # the loader's budget: PyYAML's walk reports it
        self.next_id = n
        return top


def compose_nodes(text: str):
    """PyYAML's node tree of a text (what the loader's careful road and saving's splice walk), composed
    by libyaml when PyYAML has it: the same nodes with the same marks (line, column, character index),
    measured 8-10x faster than the pure-Python composer. libyaml marks plain scalars with style ''
    where PyYAML writes None; that is evened out here. Any problem — including characters PyYAML's
    reader refuses and libyaml would let through — is left to the pure-Python composer, whose
    exceptions the loader turns into its messages."""
    with paused_gc():  # a node and two marks per value: the collector would only rescan them
        if getattr(yaml, "__with_libyaml__", False) and not _unprintable(text):
            try:
                root = yaml.compose(text, Loader=yaml.CSafeLoader)
            except (yaml.YAMLError, RecursionError):
                pass  # said again below, in PyYAML's words
            else:
                _plain_style_none(root)
                return root
        loader = yaml.SafeLoader(text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()


def _plain_style_none(root) -> None:
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue  # an alias: the same node again
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.style == "":
                node.style = None
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
        else:
            stack.extend(node.value)

