"""The condition language: a whitelisted subset of Python expressions compiled once into closures.

Nothing is ever passed to eval/exec. Each compiled condition reports the variables and events it reads,
which is what lets the engine wake a waiting rule only when something it reads changes.

The ast compiler lives in condition_compiler.py; this module holds what callers use: `compile_condition`
(with a short road for plain conjunctions), `expression_kind`, `Condition` and `Scope`.
"""
from __future__ import annotations

import ast
import re
from keyword import iskeyword
from typing import Any

from .condition_compiler import (CONSTANT_NAMES, FUNCTIONS, MAX_DEPTH, NEVER, ConditionError,  # noqa: F401
                                 Facts, Fn, Term, _Compiler, _NamedEntry, _VAR_CONST, _flatten,
                                 _fresh_memo, _parse)


class Condition:
    """A compiled condition. Treated as immutable: one Condition is shared by every rule of a scope that
    writes the same text (`Scope.conditions`). A class with slots rather than a frozen dataclass: a frozen
    dataclass's __init__ sets each field through object.__setattr__ (1.5 us against 0.2 us here, for
    each of 10,000 rules' conditions) and keeps a __dict__ per instance. Equality and hashing are the
    frozen dataclass's (every field but the terms and conjuncts)."""

    __slots__ = ("source", "fn", "reads", "events", "time_dependent", "constant", "_terms", "conj")

    def __init__(self, source: str, fn: Fn, reads: frozenset, events: frozenset, time_dependent: bool,
                 constant: Any = None, _terms: Any = (), conj: Any = None):
        self.source = source
        self.fn = fn
        self.reads = reads  # variable names
        self.events = events  # event ids read through happened/outcome/days_since
        self.time_dependent = time_dependent  # reads `date`, year() or days_since()
        self.constant = constant  # the value when the condition reads nothing (e.g. false)
        # the top-level conjuncts: a tuple, or the Scope to compile them in on first use (only why-not
        # needs them)
        self._terms = _terms
        # plain conjunctions (the short road): ((fn, variable or None, event or None), ...) per conjunct, in
        # order, each reading one name; the engine watches one false conjunct of a waiting rule (engine.py)
        self.conj = conj

    def _key(self) -> tuple:
        return self.source, self.fn, self.reads, self.events, self.time_dependent, self.constant

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return (f"Condition(source={self.source!r}, fn={self.fn!r}, reads={self.reads!r}, "
                f"events={self.events!r}, time_dependent={self.time_dependent!r}, constant={self.constant!r})")

    @property
    def terms(self) -> tuple:
        """The top-level conjuncts, compiled on first use (only why-not needs them)."""
        if self._terms.__class__ is not tuple:
            text = _flatten(self.source)
            self._terms = tuple(_Compiler(self._terms, text).terms(_parse(text).body))
        return self._terms

    @property
    def is_constant_false(self) -> bool:
        return not self.reads and not self.events and not self.time_dependent and self.constant is False


class Scope:
    """The names a condition may use: variables (with enum values), named conditions and event ids."""

    def __init__(self, variables: dict, events, named: dict | None = None, inherit: "Scope | None" = None,
                 outcomes: dict | None = None):
        self.variables = variables  # name -> Variable (needs .type and .values)
        self.events = set(events)
        self.named = named or {}  # name -> source text
        # event id -> its outcome ids, when known (typos are errors); a child scope adds its own
        self.outcomes = dict(inherit.outcomes, **(outcomes or {})) if inherit else (outcomes or {})
        # Named conditions are compiled once per scope and shared by every use (`c2: c1 and c1` does
        # not compile c1 twice; a chain of such conditions stays linear, not exponential). A scope
        # with more events (a branch's one-off events) may reuse what its parent compiled.
        self.named_cache: dict[tuple, _NamedEntry] = dict(inherit.named_cache) if inherit else {}
        self.named_compiles = 0  # how many named bodies were compiled (tests count work with it)
        self._shared: frozenset | None = None
        self._kinds: dict[tuple, str] = {}
        # Conditions compiled in this scope, by their exact source text: rules that write the same
        # condition share one compiled Condition (it depends only on the text and the scope's names).
        # Not inherited: a child scope knows other events and outcomes.
        self.conditions: dict[str, Condition] = {}
        self._plain_terms: dict[str, tuple | bool] = {}  # the short road's terms, read once per scope
        self._plain_names: dict[str, bool] = {}  # name -> read as a plain variable?

    def shared_named(self) -> frozenset:
        """Named conditions referred to more than once by other named conditions: their value is
        worked out once per evaluation (memoised), so `c2: c1 and c1` costs one c1, not two."""
        if self._shared is None:
            uses: dict[str, int] = {}
            for text in self.named.values():
                try:
                    tree = _parse(_flatten(text)) if isinstance(text, str) else None
                except ConditionError:
                    continue
                for node in ast.walk(tree) if tree is not None else ():
                    if isinstance(node, ast.Name) and node.id in self.named:
                        uses[node.id] = uses.get(node.id, 0) + 1
            self._shared = frozenset(n for n, k in uses.items() if k > 1)
        return self._shared


def _constant(value: bool) -> Condition:
    word = "true" if value else "false"
    fn = lambda s, f: value  # noqa: E731
    return Condition(word, fn, _NOTHING, _NOTHING, False, value, (Term(word, fn, _NOTHING, _NOTHING),))


_NOTHING = frozenset()
_CONSTANTS = {True: _constant(True), False: _constant(False)}  # `when: false` and the like: one each


def compile_condition(source, scope: Scope, fast: bool = True) -> Condition:
    """Compile `source` (str, bool or number) or raise ConditionError with the failing column.
    `fast=False` skips the short road for plain conjunctions and the scope's cache (tests compare)."""
    if fast and source.__class__ is str:
        cond = scope.conditions.get(source)
        if cond is None:
            # printable text has no line breaks to flatten: straight to the short road (which takes only
            # printable text), else the general road, which says what is wrong if anything is
            text = source.strip() if source.isprintable() else ""
            cond = (_simple_conjunction(text, scope, source) if 0 < len(text) <= 10_000 else None) or \
                _compile(source, scope, False)
            scope.conditions[source] = cond
        return cond
    return _compile(source, scope, fast)


def _compile(source, scope: Scope, fast: bool) -> Condition:
    if isinstance(source, bool):
        return _CONSTANTS[source]
    if not isinstance(source, str):
        raise ConditionError(f"expected an expression, got {type(source).__name__}")
    text = _flatten(source)
    if not text:
        raise ConditionError("empty expression; write true, false or a condition")
    if len(text) > 10_000:
        raise ConditionError("expression longer than 10,000 characters")
    if fast:
        simple = _simple_conjunction(text, scope, source)
        if simple is not None:
            return simple
    lead = len(source) - len(source.lstrip())
    try:
        tree = _parse(text)
        comp = _Compiler(scope, text)
        fn = comp.compile(tree.body)
        if comp.memo:
            fn = _fresh_memo(fn)
    except ConditionError as e:
        e.col += lead
        raise
    except RecursionError:
        raise ConditionError("expression nested too deeply", lead) from None
    constant = None
    if not comp.reads and not comp.events and not comp.time_dependent:
        try:
            constant = fn({}, Facts(1, {}))
        except (ArithmeticError, ValueError, TypeError) as e:  # e.g. a 400-digit number / 1.5
            raise ConditionError(f"cannot compute this expression: {e}", lead) from None
    return Condition(source, fn, frozenset(comp.reads), frozenset(comp.events), comp.time_dependent,
                     constant, scope)


_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_TERM = re.compile(rf"""\s*(?:(?P<var>{_NAME})\s*(?:(?P<op>>=|<=|==|!=|<|>)\s*
    (?:(?P<num>(?:0|[1-9][0-9]*)(?:\.[0-9]+)?)|"(?P<dq>[^"\\\n]*)"|'(?P<sq>[^'\\\n]*)'))?
    |happened\(\s*(?:"(?P<ev>[A-Za-z_][A-Za-z0-9_]*)"|'(?P<ev2>[A-Za-z_][A-Za-z0-9_]*)')\s*\))\s*""", re.X)
_NAME_RE = re.compile(_NAME)
_OPS = {">=": ast.GtE, "<=": ast.LtE, "==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, ">": ast.Gt}


def _plain_name(name: str, scope: Scope) -> bool:
    """Whether a declared variable's name is read as that variable by a plain term (once per name and
    scope): a dotted identifier, not a keyword, a constant, `date` or a named condition."""
    ok = scope._plain_names.get(name)
    if ok is None:
        ok = scope._plain_names[name] = _NAME_RE.fullmatch(name) is not None and "__" not in name and not any(
            iskeyword(p) or p in ("True", "False", "None") for p in name.split(".")) and (
            "." in name or not (name in CONSTANT_NAMES or name == "date" or name in scope.named))
    return ok


def _plain_term(part: str, scope: Scope):
    """One term of a plain conjunction as (closure, variable name, event id), or False when the
    general compiler must read it."""
    bits = part.split(" ")
    if len(bits) == 3:  # `name op 123`, spaced once: what _TERM would read, read 4x faster
        name, op, num = bits
        if op in _OPS and num.isdigit() and num.isascii() and (num[0] != "0" or len(num) == 1):
            var = scope.variables.get(name)
            if var is None or not _plain_name(name, scope) or var.type != "number":
                return False
            return _VAR_CONST[_OPS[op]](name, int(num)), name, None
    m = _TERM.fullmatch(part)
    if m is None:
        return False
    name, op, num, dq, sq, ev, ev2 = m.groups()
    ev = ev or ev2
    if ev is not None:
        if ev not in scope.events:
            return False
        return (lambda s, f, ev=ev: ev in f.fired), None, ev
    var = scope.variables.get(name)
    if var is None or not _plain_name(name, scope):
        return False  # unknown, or a name Python or the general compiler reads another way
    if op is None:
        return (lambda s, f, name=name: s[name]), name, None
    if num is not None:
        if var.type != "number":
            return False
        c = float(num) if "." in num else int(num)
    else:
        c = dq if dq is not None else sq
        if var.type not in ("enum", "text") or op not in ("==", "!=") or \
                (var.type == "enum" and c not in var.values):
            return False
    return _VAR_CONST[_OPS[op]](name, c), name, None


def _simple_conjunction(text: str, scope: Scope, source: str) -> Condition | None:
    """The commonest conditions — `a.b >= 60 and c and regime == "x" and happened("e")` — compiled
    without Python's parser (a third of compiling 10,000 rules), into the very closures the general
    compiler makes. None whenever anything is not plainly right: the general road then compiles it
    or says what is wrong. Each term is read once per scope: rules repeat them (`army >= 50`), and
    the closures are pure, so they are shared."""
    if not text.isprintable():
        # tabs, form feeds, no-break spaces (every whitespace but the space is unprintable): Python's
        # parser says which it takes (U+00A0 and the like are syntax errors, which this road accepted)
        return None
    terms = scope._plain_terms
    # only spaces: str.split finds the very `and`s a regular expression would (3x faster), the
    # parts differing by spaces at their ends, which a term ignores
    parts = text.split(" and ")
    if len(parts) == 1:  # one term: nothing to combine
        t = terms.get(text)
        if t is None:
            t = terms[text] = _plain_term(text, scope)
        if t is False:
            return None
        fn, name, ev = t
        if ev is None:
            return Condition(source, fn, frozenset((name,)), _NOTHING, False, None, scope, (t,))
        return Condition(source, fn, _NOTHING, frozenset((ev,)), False, None, scope, (t,))
    conj = []
    names = []
    evs = None
    for part in parts:
        t = terms.get(part)
        if t is None:
            t = terms[part] = _plain_term(part, scope)
        if t is False:
            return None
        conj.append(t)
        if t[2] is None:
            names.append(t[1])
        elif evs is None:
            evs = [t[2]]
        else:
            evs.append(t[2])
    if len(conj) == 2:
        a, b = conj[0][0], conj[1][0]
        fn = lambda s, f: bool(a(s, f) and b(s, f))  # noqa: E731 - as _Compiler builds it
    elif len(conj) == 3:
        a, b, c3 = conj[0][0], conj[1][0], conj[2][0]
        fn = lambda s, f: bool(a(s, f) and b(s, f) and c3(s, f))  # noqa: E731
    else:
        fns = [t[0] for t in conj]

        def fn(s, f):
            for g in fns:
                if not g(s, f):
                    return False
            return True
    return Condition(source, fn, frozenset(names), frozenset(evs) if evs else _NOTHING, False, None, scope,
                     tuple(conj))


def expression_kind(source, scope: Scope) -> str:
    """The static type of an expression that compiles in `scope`: "number", "bool", "text",
    "text (a date)", "a list" or "the value none". The compiler knows every variable's type, so
    `chance:` and `weight:` are checked at load, never found to be text halfway through a run."""
    if isinstance(source, bool):
        return "bool"
    if isinstance(source, (int, float)):
        return "number"
    text = _flatten(source)
    return _Compiler(scope, text)._kind(_parse(text).body, ())
