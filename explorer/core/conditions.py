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
from dataclasses import dataclass, field
from typing import Any

from .condition_compiler import (CONSTANT_NAMES, FUNCTIONS, MAX_DEPTH, NEVER, ConditionError,  # noqa: F401
                                 Facts, Fn, Term, _Compiler, _NamedEntry, _VAR_CONST, _flatten,
                                 _fresh_memo, _parse)


@dataclass(frozen=True)
class Condition:
    source: str
    fn: Fn
    reads: frozenset  # variable names
    events: frozenset  # event ids read through happened/outcome/days_since
    time_dependent: bool  # reads `date`, year() or days_since()
    constant: Any = field(default=None)  # the value when the condition reads nothing (e.g. false)
    _terms: Any = field(default=(), repr=False, compare=False)  # tuple, or a thunk building it
    # plain conjunctions (the short road): ((fn, variable or None, event or None), ...) per conjunct, in
    # order, each reading one name; the engine watches one false conjunct of a waiting rule (engine.py)
    conj: Any = field(default=None, repr=False, compare=False)

    @property
    def terms(self) -> tuple:
        """The top-level conjuncts, compiled on first use (only why-not needs them)."""
        if callable(self._terms):
            object.__setattr__(self, "_terms", tuple(self._terms()))
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


def compile_condition(source, scope: Scope, fast: bool = True) -> Condition:
    """Compile `source` (str, bool or number) or raise ConditionError with the failing column.
    `fast=False` skips the short road for plain conjunctions (tests compare the two)."""
    if isinstance(source, bool):
        return Condition("true" if source else "false", (lambda s, f: source), frozenset(), frozenset(),
                         False, source, (Term("true" if source else "false", lambda s, f: source,
                                              frozenset(), frozenset()),))
    if not isinstance(source, str):
        raise ConditionError(f"expected an expression, got {type(source).__name__}")
    text = _flatten(source)
    if not text:
        raise ConditionError("empty expression; write true, false or a condition")
    if len(text) > 10_000:
        raise ConditionError("expression longer than 10,000 characters")
    lead = len(source) - len(source.lstrip())
    simple = _simple_conjunction(text, scope, source) if fast else None
    if simple is not None:
        return simple
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
                     constant, lambda: _Compiler(scope, text).terms(tree.body))


_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_TERM = re.compile(rf"""\s*(?:(?P<var>{_NAME})\s*(?:(?P<op>>=|<=|==|!=|<|>)\s*
    (?:(?P<num>(?:0|[1-9][0-9]*)(?:\.[0-9]+)?)|"(?P<dq>[^"\\\n]*)"|'(?P<sq>[^'\\\n]*)'))?
    |happened\(\s*(?:"(?P<ev>[A-Za-z_][A-Za-z0-9_]*)"|'(?P<ev2>[A-Za-z_][A-Za-z0-9_]*)')\s*\))\s*""", re.X)
_AND = re.compile(r"\s+and\s+")
_OPS = {">=": ast.GtE, "<=": ast.LtE, "==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, ">": ast.Gt}


def _plain_term(part: str, scope: Scope):
    """One term of a plain conjunction as (closure, variable name, event id), or False when the
    general compiler must read it."""
    m = _TERM.fullmatch(part)
    if m is None:
        return False
    ev = m["ev"] or m["ev2"]
    if ev is not None:
        if ev not in scope.events:
            return False
        return (lambda s, f, ev=ev: ev in f.fired), None, ev
    name = m["var"]
    var = scope.variables.get(name)
    if var is None:
        return False
    plain_names = scope.__dict__.setdefault("_plain_names", {})  # name -> read as a plain variable?
    ok = plain_names.get(name)
    if ok is None:
        ok = plain_names[name] = "__" not in name and not any(
            iskeyword(p) or p in ("True", "False", "None") for p in name.split(".")) and (
            "." in name or not (name in CONSTANT_NAMES or name == "date" or name in scope.named))
    if not ok:
        return False  # a name Python or the general compiler reads another way
    op = m["op"]
    if op is None:
        return (lambda s, f, name=name: s[name]), name, None
    if m["num"] is not None:
        if var.type != "number":
            return False
        c = float(m["num"]) if "." in m["num"] else int(m["num"])
    else:
        c = m["dq"] if m["dq"] is not None else m["sq"]
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
    fns, reads, events, conj = [], set(), set(), []
    terms = scope.__dict__.get("_plain_terms")
    if terms is None:
        terms = scope.__dict__["_plain_terms"] = {}
    for part in _AND.split(text):
        t = terms.get(part)
        if t is None:
            t = terms[part] = _plain_term(part, scope)
        if t is False:
            return None
        fn, name, ev = t
        fns.append(fn)
        conj.append(t)
        if ev is None:
            reads.add(name)
        else:
            events.add(ev)
    if len(fns) == 1:
        fn = fns[0]
    elif len(fns) == 2:
        a, b = fns
        fn = lambda s, f: bool(a(s, f) and b(s, f))  # noqa: E731 - as _Compiler builds it
    elif len(fns) == 3:
        a, b, c3 = fns
        fn = lambda s, f: bool(a(s, f) and b(s, f) and c3(s, f))  # noqa: E731
    else:
        def fn(s, f):
            for g in fns:
                if not g(s, f):
                    return False
            return True
    return Condition(source, fn, frozenset(reads), frozenset(events), False, None,
                     lambda: _Compiler(scope, text).terms(_parse(text).body), tuple(conj))


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
