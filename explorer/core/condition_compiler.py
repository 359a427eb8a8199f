"""The condition language's compiler: a whitelisted subset of Python's syntax tree turned into closures
over (state, Facts), with every name, call and literal checked against the Scope as it compiles.

Kept apart from conditions.py (the entry points and the short road for plain conjunctions) because it
is the part one reads when changing the language itself. Nothing is ever passed to eval/exec; each
closure records the variables and events it reads. The scope passed in is a conditions.Scope (not
imported here: conditions.py imports this module).
"""
from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Callable

from .errors import did_you_mean

FUNCTIONS = ("happened", "outcome", "days_since", "year")
CONSTANT_NAMES = {"true": True, "false": False, "True": True, "False": False, "none": None}
NEVER = 10**7  # days_since() of an event that never fired

Fn = Callable[[dict, "Facts"], Any]


class ConditionError(ValueError):
    """A condition that does not compile. `col` is a 0-based character offset into the source."""

    def __init__(self, message: str, col: int = 0):
        super().__init__(message)
        self.message = message
        self.col = col


MAX_DEPTH = 200  # nesting of a condition's closures, named conditions included (Python's stack: 1000)


class Facts:
    """What a condition may ask about besides variables: today and which events fired."""

    __slots__ = ("today", "_iso", "_iso_of", "fired", "memo")

    def __init__(self, today: int, fired: dict):
        self.today = today
        self._iso_of = None  # the day `_iso` was made for: the ISO text is built only when asked
        self.fired = fired  # event id -> (count, last ordinal, last outcome, firing index)
        self.memo = {}  # values of shared named conditions within one evaluation (see _Compiler._named)

    @property
    def today_iso(self) -> str:
        if self._iso_of != self.today:
            self._iso = dt.date.fromordinal(self.today).isoformat()
            self._iso_of = self.today
        return self._iso

    def set_today(self, today: int) -> None:
        self.today = today


@dataclass(frozen=True)
class Term:
    """One conjunct of a condition: the unit `why_not` reports as failed or held."""

    source: str
    fn: Fn
    reads: frozenset
    events: frozenset


@dataclass(frozen=True)
class _NamedEntry:
    """A compiled named condition."""
    fn: Fn
    reads: frozenset
    events: frozenset
    time_dependent: bool
    memo: bool  # evaluating it uses Facts.memo (so the top-level condition must reset it)
    depth: int  # how deeply its closures nest


def _fresh_memo(fn: Fn) -> Fn:
    """A top-level condition over shared named conditions: each evaluation starts a fresh memo."""
    def top(s, f):
        f.memo = {}
        return fn(s, f)
    return top


def _flatten(source: str) -> str:
    # newlines become spaces (same length, so columns stay true): a block scalar parses as one line
    return source.replace("\r", " ").replace("\n", " ").strip()


def _parse(source: str, named: str | None = None) -> ast.Expression:
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" and the like: not for the user's console
            warnings.simplefilter("ignore")
            return ast.parse(source, mode="eval")
    except SyntaxError as e:
        hint = _other_language(source)
        if named:
            msg = hint[1] if hint else f"syntax error: {e.msg}"
            raise ConditionError(f"in named condition '{named}': {msg}", 0) from None
        if hint:
            raise ConditionError(hint[1], hint[0]) from None
        raise ConditionError(f"syntax error: {e.msg}", max((e.offset or 1) - 1, 0)) from None
    except (ValueError, RecursionError, MemoryError):
        raise ConditionError("expression cannot be parsed (too deep or has a NUL byte)", 0) from None


_FLOAT_MAX = sys.float_info.max


def _as_float(v) -> float:
    try:
        return float(v)
    except OverflowError:  # an integer beyond float range
        return math.copysign(math.inf, v)


# operators as the author wrote them, for messages (the syntax tree names them RShift, Mod, ...)
_WRITTEN = {ast.Mod: "%", ast.Pow: "**", ast.FloorDiv: "//", ast.LShift: "<<", ast.RShift: ">>",
            ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.MatMult: "@", ast.Invert: "~"}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def _arithmetic(op, a: Fn, b: Fn) -> Fn:
    """`a op b`, total: an integer too large for a float becomes an infinity instead of raising
    OverflowError mid-run (float arithmetic itself overflows to inf, never raises); x / 0 is 0."""
    if op is ast.Div:
        def div(s, f):
            d = b(s, f)
            if not d:
                return 0.0
            try:
                return a(s, f) / d
            except OverflowError:
                return _as_float(a(s, f)) / _as_float(d)  # inf / inf is nan: compares false
        return div
    fn = _ARITH[op]

    def arith(s, f):
        x, y = a(s, f), b(s, f)
        try:
            return fn(x, y)
        except OverflowError:
            return fn(_as_float(x), _as_float(y))
    return arith


def _other_language(source: str) -> tuple[int, str] | None:
    """`&&`, `||` or a lone `=` outside quotes, as other languages write them: (column, the fix)."""
    quote = None
    for i, ch in enumerate(source):
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif source.startswith("&&", i):
            return i, "`&&` is not a condition operator; use `and`"
        elif source.startswith("||", i):
            return i, "`||` is not a condition operator; use `or`"
        elif ch == "=" and source[i - 1:i] not in ("=", "!", "<", ">") and source[i + 1:i + 2] != "=":
            return i, "`=` sets nothing in a condition; compare with `==`"
    return None


_CMP = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


_VAR_CONST = {
    ast.Eq: lambda n, c: (lambda s, f: s[n] == c),
    ast.NotEq: lambda n, c: (lambda s, f: s[n] != c),
    ast.Lt: lambda n, c: (lambda s, f: s[n] < c),
    ast.LtE: lambda n, c: (lambda s, f: s[n] <= c),
    ast.Gt: lambda n, c: (lambda s, f: s[n] > c),
    ast.GtE: lambda n, c: (lambda s, f: s[n] >= c),
}


class _Compiler:
    """One condition's source compiled against a scope (a conditions.Scope: its variables, named
    conditions and events); `reads`, `events` and `time_dependent` say what the result depends on."""

    def __init__(self, scope, source: str, inlining: tuple = ()):
        self.scope = scope
        self.source = source
        self.reads: set[str] = set()
        self.events: set[str] = set()
        self.time_dependent = False
        self.inlining = inlining  # named conditions being expanded, to catch cycles
        self.depth = 0
        self.memo = False  # uses a memoised shared named condition
        self.max_depth = 0  # deepest nesting of the closures built, named conditions included

    # positions: ast offsets are UTF-8 byte offsets; report characters
    def col(self, node) -> int:
        off = getattr(node, "col_offset", 0) or 0
        if self.inlining:
            return 0
        return len(self.source.encode("utf-8")[:off].decode("utf-8", "ignore"))

    def fail(self, node, message: str):
        raise ConditionError(message, self.col(node))

    def terms(self, node) -> list[Term]:
        """Split a top-level `and` (through named conditions) into separately evaluable terms."""
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            out = []
            for v in node.values:
                out.extend(self.terms(v))
            return out
        if isinstance(node, ast.Name) and node.id in self.scope.named and not self.inlining:
            text = _flatten(self.scope.named[node.id])
            sub = _Compiler(self.scope, text, (node.id,))
            return sub.terms(_parse(text, node.id).body)
        sub = _Compiler(self.scope, self.source, self.inlining)
        fn = sub.compile(node)
        if sub.memo:
            fn = _fresh_memo(fn)
        text = ast.get_source_segment(self.source, node) if not self.inlining else None
        return [Term(text or ast.unparse(node), fn, frozenset(sub.reads), frozenset(sub.events))]

    def compile(self, node) -> Fn:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(node, "expression nested too deeply")
        if self.depth > self.max_depth:
            self.max_depth = self.depth
        try:
            return self._compile(node)
        finally:
            self.depth -= 1

    def _compile(self, node) -> Fn:
        if isinstance(node, ast.BoolOp):
            fns = [self.compile(v) for v in node.values]
            if isinstance(node.op, ast.And):
                if len(fns) == 2:
                    a, b = fns
                    return lambda s, f: bool(a(s, f) and b(s, f))
                if len(fns) == 3:
                    a, b, c = fns
                    return lambda s, f: bool(a(s, f) and b(s, f) and c(s, f))

                def all_of(s, f):
                    for g in fns:
                        if not g(s, f):
                            return False
                    return True
                return all_of
            if len(fns) == 2:
                a, b = fns
                return lambda s, f: bool(a(s, f) or b(s, f))

            def any_of(s, f):
                for g in fns:
                    if g(s, f):
                        return True
                return False
            return any_of
        if isinstance(node, ast.UnaryOp):
            x = self.compile(node.operand)
            if isinstance(node.op, ast.Not):
                return lambda s, f: not x(s, f)
            if isinstance(node.op, (ast.USub, ast.UAdd)):
                self._numeric(node.operand)
                return (lambda s, f: -x(s, f)) if isinstance(node.op, ast.USub) else x
            self.fail(node, f"operator '{_WRITTEN.get(type(node.op), type(node.op).__name__)}' is not allowed; "
                            "use and, or, not")
        if isinstance(node, ast.BinOp):
            a, b = self.compile(node.left), self.compile(node.right)
            op = type(node.op)
            if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div):
                self.fail(node, f"operator '{_WRITTEN.get(op, op.__name__)}' is not allowed; only + - * / are")
            self._numeric(node.left)
            self._numeric(node.right)
            return _arithmetic(op, a, b)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, int) and not isinstance(v, bool) and abs(v) > _FLOAT_MAX:
                self.fail(node, f"number {str(v)[:12]}... is too large (at most about 1.8e308)")
            if isinstance(v, (bool, int, float, str)):
                return lambda s, f: v
            self.fail(node, f"constant {v!r} is not allowed; use numbers, strings, true or false")
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = []
            for elt in node.elts:
                if not isinstance(elt, ast.Constant) or not isinstance(elt.value, (int, float, str)):
                    self.fail(elt, "lists may only hold numbers and strings")
                items.append(elt.value)
            value = tuple(items)
            return lambda s, f: value
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Attribute):
            name = self._dotted(node)
            if name is None:
                self.fail(node, "attributes are not allowed; dotted names must be variables")
            return self._variable(node, name)
        if isinstance(node, ast.Call):
            return self._call(node)
        kind = {ast.Subscript: "subscripts", ast.Lambda: "lambdas", ast.IfExp: "if-expressions",
                ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions",
                ast.DictComp: "comprehensions", ast.SetComp: "comprehensions", ast.Dict: "dicts",
                ast.JoinedStr: "f-strings", ast.NamedExpr: "assignments", ast.Starred: "starred values",
                ast.Await: "await", ast.Yield: "yield", ast.Slice: "slices"}.get(type(node))
        self.fail(node, f"{kind or type(node).__name__} not allowed in conditions")

    def _numeric(self, node) -> None:
        """Arithmetic is on numbers only: `mexico.regime + 1` is a load error, never a crash mid-run."""
        kind = self._kind(node, ())
        if kind not in ("number", "bool"):
            what = ast.get_source_segment(self.source, node) if not self.inlining else None
            self.fail(node, f"arithmetic needs numbers, but {what or ast.unparse(node)} is {kind}")

    def _kind(self, node, named: tuple) -> str:
        """The static type of an (already compiled, so valid) expression."""
        if isinstance(node, ast.Constant):
            v = node.value
            return "bool" if isinstance(v, bool) else "number" if isinstance(v, (int, float)) else "text"
        if isinstance(node, (ast.Compare, ast.BoolOp)) or (isinstance(node, ast.UnaryOp)
                                                           and isinstance(node.op, ast.Not)):
            return "bool"
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            return "number"
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return "a list"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return {"happened": "bool", "outcome": "text", "days_since": "number",
                    "year": "number"}.get(node.func.id, "text")
        name = self._dotted(node) if isinstance(node, ast.Attribute) else \
            node.id if isinstance(node, ast.Name) else None
        if name in CONSTANT_NAMES:
            return "bool" if isinstance(CONSTANT_NAMES[name], bool) else "the value none"
        if name == "date":
            return "text (a date)"
        var = self.scope.variables.get(name)
        if var is not None:
            return {"number": "number", "bool": "bool"}.get(var.type, "text")
        if name in self.scope.named and name not in named:
            key = (name, self.scope.named[name])
            kind = self.scope._kinds.get(key)
            if kind is None:
                kind = self.scope._kinds[key] = self._kind(_parse(_flatten(self.scope.named[name]), name).body,
                                                           named + (name,))
            return kind
        return "text"

    def _dotted(self, node) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(node.id)
        return ".".join(reversed(parts))

    def _name(self, node: ast.Name) -> Fn:
        n = node.id
        if n.startswith("__"):
            self.fail(node, f"name '{n}' is not allowed")
        if n in CONSTANT_NAMES:
            v = CONSTANT_NAMES[n]
            return lambda s, f: v
        if n == "date":
            self.time_dependent = True
            return lambda s, f: f.today_iso
        if n in self.scope.variables:
            return self._variable(node, n)
        if n in self.scope.named:
            return self._named(node, n)
        if n in FUNCTIONS:
            self.fail(node, f"'{n}' is a function; call it like {n}(\"event_id\")")
        return self._variable(node, n)

    def _named(self, node, n: str) -> Fn:
        if n in self.inlining:
            chain = self.inlining[self.inlining.index(n):] + (n,)
            raise ConditionError(f"named conditions refer to each other in a cycle: {' -> '.join(chain)}; "
                                 "break the cycle", self.col(node))
        key = (n, self.scope.named[n])
        entry = self.scope.named_cache.get(key)
        if entry is None:
            entry = self.scope.named_cache[key] = self._compile_named(node, n)
        depth = self.depth + entry.depth
        if depth > MAX_DEPTH:  # evaluating it would nest deeper than Python's stack allows
            self.fail(node, f"named conditions nested too deeply ('{n}' reaches {depth} levels; at most "
                            f"{MAX_DEPTH}); split the chain")
        self.max_depth = max(self.max_depth, depth)
        self.reads |= entry.reads
        self.events |= entry.events
        self.time_dependent |= entry.time_dependent
        self.memo |= entry.memo
        return entry.fn

    def _compile_named(self, node, n: str) -> _NamedEntry:
        """Compile the named condition `n` once for the scope (cycles are caught on the way down:
        a cycle never completes, so it is never cached)."""
        text = _flatten(self.scope.named[n])
        sub = _Compiler(self.scope, text, self.inlining + (n,))
        self.scope.named_compiles += 1
        try:
            fn = sub.compile(_parse(text, n).body)
        except ConditionError as e:
            msg = e.message if e.message.startswith(("in named condition", "named conditions refer")) \
                else f"in named condition '{n}': {e.message}"
            raise ConditionError(msg, self.col(node)) from None
        memo = sub.memo
        if n in self.scope.shared_named():
            inner = fn

            def fn(s, f, n=n):
                m = f.memo
                if n in m:
                    return m[n]
                v = m[n] = inner(s, f)
                return v
            memo = True
        return _NamedEntry(fn, frozenset(sub.reads), frozenset(sub.events), sub.time_dependent, memo,
                           sub.max_depth)

    def _variable(self, node, name: str) -> Fn:
        if name.startswith("__") or "__" in name:
            self.fail(node, f"name '{name}' is not allowed")
        if name not in self.scope.variables:
            hint = did_you_mean(name, list(self.scope.variables) + list(self.scope.named))
            self.fail(node, f"unknown variable '{name}'{hint}")
        self.reads.add(name)
        return lambda s, f: s[name]

    def _event_arg(self, node: ast.Call) -> str:
        if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Constant) \
                or not isinstance(node.args[0].value, str):
            self.fail(node, f"{node.func.id}() takes one event id in quotes, "
                            f"like {node.func.id}(\"event_id\")")
        ev = node.args[0].value
        if ev not in self.scope.events:
            self.fail(node.args[0], f"unknown event '{ev}'{did_you_mean(ev, self.scope.events)}")
        self.events.add(ev)
        return ev

    def _call(self, node: ast.Call) -> Fn:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = node.func.id if isinstance(node.func, ast.Name) else "this call"
            self.fail(node, f"calling '{what}' is not allowed; functions are "
                            f"{', '.join(f + '()' for f in FUNCTIONS)}")
        fname = node.func.id
        if fname == "year":
            if node.args or node.keywords:
                self.fail(node, "year() takes no arguments")
            self.time_dependent = True
            return lambda s, f: dt.date.fromordinal(f.today).year
        ev = self._event_arg(node)
        if fname == "happened":
            return lambda s, f: ev in f.fired
        if fname == "outcome":
            def outcome(s, f):
                rec = f.fired.get(ev)
                return rec[2] if rec else None
            return outcome
        self.time_dependent = True

        def days_since(s, f):
            rec = f.fired.get(ev)
            return f.today - rec[1] if rec else NEVER
        return days_since

    def _compare(self, node: ast.Compare) -> Fn:
        operands = [node.left] + list(node.comparators)
        self._check_enum_literals(node, operands)
        fast = self._var_vs_constant(node, operands)
        if fast is not None:
            return fast
        fns = [self.compile(o) for o in operands]
        self._check_literals(node, operands)
        ops = []
        for op in node.ops:
            if type(op) not in _CMP:
                self.fail(node, f"comparison '{type(op).__name__}' is not allowed; "
                                "use == != < <= > >= in")
            ops.append(_CMP[type(op)])
        if len(ops) == 1:
            a, b, op = fns[0], fns[1], ops[0]

            def cmp1(s, f):
                try:
                    return op(a(s, f), b(s, f))
                except TypeError:
                    return False
            return cmp1

        def chain(s, f):
            left = fns[0](s, f)
            for op, g in zip(ops, fns[1:]):
                right = g(s, f)
                try:
                    if not op(left, right):
                        return False
                except TypeError:
                    return False
                left = right
            return True
        return chain

    def _var_vs_constant(self, node: ast.Compare, operands) -> Fn | None:
        """`labor.unrest >= 60`, the commonest term, as one closure (types known to be comparable)."""
        if len(node.ops) != 1 or type(node.ops[0]) not in _VAR_CONST:
            return None
        left, right = operands
        if not isinstance(right, ast.Constant):
            return None
        name = self._dotted(left) if isinstance(left, ast.Attribute) else \
            left.id if isinstance(left, ast.Name) else None
        var = self.scope.variables.get(name) if name else None
        c = right.value
        if var is None or not (
                (var.type == "number" and isinstance(c, (int, float)) and not isinstance(c, bool))
                or (var.type in ("enum", "text") and isinstance(c, str))
                or (var.type == "bool" and isinstance(c, bool))):
            return None
        self._variable(left, name)
        return _VAR_CONST[type(node.ops[0])](name, c)

    def _check_literals(self, node, operands) -> None:
        """Comparisons that can never hold: text against a number, a date that is not ISO, an outcome id
        the event does not have. Each would be false forever without a word."""
        for (a, b), op in zip(zip(operands, operands[1:]), node.ops):
            for x, y in ((a, b), (b, a)):
                lits = [y] if isinstance(y, ast.Constant) else \
                    list(y.elts) if isinstance(y, (ast.List, ast.Tuple, ast.Set)) else []
                strings = [lit for lit in lits if isinstance(lit, ast.Constant) and isinstance(lit.value, str)]
                if isinstance(x, ast.Name) and x.id == "date":
                    for lit in strings:
                        try:
                            dt.date.fromisoformat(lit.value)
                        except ValueError:
                            self.fail(lit, f"'{lit.value}' is not a date; write dates as \"YYYY-MM-DD\", "
                                           "such as \"1920-06-01\"")
                if isinstance(x, ast.Call) and isinstance(x.func, ast.Name) and x.func.id == "outcome" \
                        and len(x.args) == 1 and isinstance(x.args[0], ast.Constant):
                    ids = self.scope.outcomes.get(x.args[0].value)
                    for lit in strings if ids is not None else ():
                        if lit.value not in ids:
                            ev = x.args[0].value
                            listing = f"; outcomes: {', '.join(ids)}" if ids else "; it has no outcomes"
                            self.fail(lit, f"'{lit.value}' is not an outcome of {ev}"
                                           f"{did_you_mean(lit.value, ids)}{listing}")
            if type(op) in (ast.In, ast.NotIn):
                continue
            ka, kb = self._kind(a, ()), self._kind(b, ())
            if "number" in (ka, kb) and (ka.startswith("text") or kb.startswith("text")):
                sa = ast.get_source_segment(self.source, a) if not self.inlining else None
                sb = ast.get_source_segment(self.source, b) if not self.inlining else None
                sa, sb = sa or ast.unparse(a), sb or ast.unparse(b)
                self.fail(node, f"compares text with a number: {sa} is {'a number' if ka == 'number' else ka} "
                                f"and {sb} is {'a number' if kb == 'number' else kb}, so this is always "
                                "false; compare like with like")

    def _check_enum_literals(self, node, operands) -> None:
        """Catch `mexico.regime == "worker_republic"`: a typo that would silently be false forever."""
        names = [self._dotted(o) if isinstance(o, ast.Attribute) else
                 (o.id if isinstance(o, ast.Name) else None) for o in operands]
        for i, name in enumerate(names):
            var = self.scope.variables.get(name) if name else None
            if var is None or var.type != "enum":
                continue
            for j in (i - 1, i + 1):
                if not 0 <= j < len(operands):
                    continue
                other = operands[j]
                literals = [other] if isinstance(other, ast.Constant) else \
                    list(other.elts) if isinstance(other, (ast.List, ast.Tuple, ast.Set)) else []
                for lit in literals:
                    if isinstance(lit, ast.Constant) and isinstance(lit.value, str) \
                            and lit.value not in var.values:
                        self.fail(lit, f"'{lit.value}' is not a value of {name}"
                                       f"{did_you_mean(lit.value, var.values)}; "
                                       f"values: {', '.join(var.values)}")
