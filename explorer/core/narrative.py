"""Narrative that follows the world: text variants chosen as an event fires, and `{name}` interpolation.

An event's (or outcome's) `text` may be one string or a list of variants, each with a `when:`; the
first whose condition holds on the world as the event fires (before its effects, the same world its
own condition read) is the text of that firing. Any text may interpolate values: `{mexico.leader}`,
`{trotsky.age}`, or any expression of the condition language (`{year() - 1879}`). A bare variable
shows as readers see it (an enum value's label, yes/no, a number with its unit); `{{` and `}}` are
literal braces, as is a `{` not followed by a name. This is the one home of choosing and rendering texts: the engine calls `render` when
a rule fires and records the result on the Firing, and every view reads it from there.
"""
from __future__ import annotations

from dataclasses import dataclass

from .conditions import Condition, ConditionError, Scope, compile_condition
from .model import TextVariant, show_value


class TemplateError(ValueError):
    """A text whose `{...}` cannot be read; `col` is the 0-based offset into the text."""

    def __init__(self, message: str, col: int):
        super().__init__(message)
        self.message, self.col = message, col


def placeholders(text: str) -> list[tuple[int, str]]:
    """The `{...}` parts of a text as (offset of the expression, expression); raises TemplateError.

    A placeholder opens with `{` followed by a letter, `_` or `(`; any other `{` (and any `}` outside
    a placeholder) is literal text, so prose with braces ("{% raw %}", "{ }") stays as written.
    """
    out: list[tuple[int, str]] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("{{", i) or text.startswith("}}", i):
            i += 2
            continue
        if text[i] == "{" and i + 1 < n and (text[i + 1].isalpha() or text[i + 1] in "_("):
            j = text.find("}", i + 1)
            if j < 0:
                raise TemplateError("'{' without a closing '}'; write {{ for a literal brace", i)
            inner = text[i + 1:j]
            if "{" in inner:
                raise TemplateError("'{' inside '{...}'; close the first one", i + 1 + inner.index("{"))
            out.append((i + 1, inner))
            i = j + 1
        else:
            i += 1
    return out


@dataclass(frozen=True)
class _Part:
    literal: str
    expr: Condition | None = None
    var: object = None  # the Variable when the expression is a bare variable name


class Template:
    """A text with its placeholders compiled."""

    def __init__(self, text: str, scope: Scope):
        self.text = text
        parts: list[_Part] = []
        pos = 0
        for off, src in placeholders(text):
            try:
                cond = compile_condition(src, scope)
            except ConditionError as e:
                raise TemplateError(f"in {{{src.strip()}}}: {e.message}", off + e.col) from None
            parts.append(_Part(_unescape(text[pos:off - 1])))
            parts.append(_Part("", cond, scope.variables.get(src.strip())))
            pos = off + len(src) + 1
        tail = _unescape(text[pos:])
        self.static = not any(p.expr for p in parts)
        self.parts = tuple(parts) + (_Part(tail),)
        self.plain = tail if self.static else None

    def render(self, state: dict, facts) -> str:
        if self.plain is not None:
            return self.plain
        out = []
        for p in self.parts:
            if p.expr is None:
                out.append(p.literal)
                continue
            try:
                value = p.expr.fn(state, facts)
            except (ArithmeticError, ValueError, TypeError):
                value = None
            out.append(show_value(p.var, value) if p.var is not None else _show(value))
        return "".join(out)


def _unescape(s: str) -> str:
    return s.replace("{{", "{").replace("}}", "}")


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return show_value(None, value)


class CompiledText:
    """An event's or outcome's texts, compiled: pick the first variant that holds and render it."""

    def __init__(self, choices: tuple):
        self.choices = choices  # (Condition | None, Template), in order; None = the default

    def render(self, state: dict, facts) -> str | None:
        for cond, tpl in self.choices:
            if cond is None or cond.fn(state, facts):
                return tpl.render(state, facts)
        return None  # no variant holds and there is no default: the firing has no text

    def index(self, state: dict, facts) -> int | None:
        for i, (cond, _) in enumerate(self.choices):
            if cond is None or cond.fn(state, facts):
                return i
        return None


def compile_texts(text: str, variants: list[TextVariant], scope: Scope, path: str, report,
                  paths=None) -> CompiledText | None:
    """Compile an event's or outcome's text; None when it is one plain string with nothing to fill in.

    Problems go to `report` with their column: unknown names inside `{}`, conditions that do not
    compile, and variants that can never be chosen (after a default, constantly false, or with the
    same condition as an earlier one). `paths(j, variant)` gives the key path of variant j's text.
    """
    if not variants:
        if "{" not in text:
            return None  # no placeholder can start: one plain string (most texts; 10,000 rules' worth)
        try:
            tpl = Template(text, scope)
        except TemplateError as e:
            report.add(f"{path}.text", e.message, e.col)
            return None
        return None if tpl.static else CompiledText(((None, tpl),))
    choices = []
    seen: dict[str, int] = {}
    default_at = None
    for j, v in enumerate(variants):
        vp = report.path_of(v, f"{path}.text[{j}]")
        text_path = vp if v.bare else f"{vp}.text"
        if default_at is not None:
            report.add(vp, "this variant can never be chosen: an earlier variant has no `when:` "
                           "and always applies; put the default last")
            continue
        cond = None
        if not v.is_default:
            try:
                cond = compile_condition(v.when, scope)
            except ConditionError as e:
                report.add(f"{vp}.when", e.message, e.col)
                _check_template(v.text, scope, text_path, report)
                continue
            if cond.is_constant_false:
                report.add(f"{vp}.when", "this variant can never be chosen: its condition is always false")
                continue
            if not cond.reads and not cond.events and not cond.time_dependent and cond.constant:
                cond = None  # `when: true`: a default written out
            else:
                key = " ".join(str(v.when).split())
                if key in seen:
                    report.add(f"{vp}.when", "this variant can never be chosen: an earlier variant has "
                                             f"the same condition ({key})")
                    continue
                seen[key] = j
        if cond is None:
            default_at = j
        try:
            tpl = Template(v.text, scope)
        except TemplateError as e:
            report.add(text_path, e.message, e.col)
            continue
        choices.append((cond, tpl))
    return CompiledText(tuple(choices))


def _check_template(text: str, scope: Scope, path: str, report) -> None:
    try:
        Template(text, scope)
    except TemplateError as e:
        report.add(path, e.message, e.col)


def uncovered(rule) -> bool:
    """True when an event (or outcome) with text variants has no default: a firing whose world no
    variant's condition covers has no text. The check for a lint pass to warn about."""
    return bool(rule.variants) and not any(v.is_default for v in rule.variants)
