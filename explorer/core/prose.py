"""Explanations in a historian's words: variable labels, event titles and values as readers see them.

The engine and `explain` speak in identifiers (`militia.strength = 85`, `happened("x")`); the app's
reading view and the reports ask here for the same facts in prose ("Red Militia strength was 85"),
so the raw condition stays one click away for authors and nowhere else.
"""
from __future__ import annotations

import datetime as dt
import re

from .dates import Duration
from .model import Scenario, Timing

# `Cause` (explain.py) appears in annotations only: explain's text() words its chains here, so this
# module imports nothing from explain (no import cycle).


def value_words(scenario: Scenario, var: str, value) -> str:
    """A value as the reader sees it: yes/no, numbers with their unit, an enum value's label."""
    v = scenario.variables.get(var)
    if v is None:
        from .model import show_value
        return show_value(None, value)
    return v.show(value)


def var_words(scenario: Scenario, var: str) -> str:
    v = scenario.variables.get(var)
    return v.title if v is not None else var


def read_words(scenario: Scenario, var: str, value) -> str:
    """'Red Militia strength was 85'; a yes/no variable as a statement, 'Mexico was not fighting the
    Axis' (its `false_words`), not 'Mexico fighting the Axis was no' (`Variable.statement`)."""
    v = scenario.variables.get(var)
    if v is None:
        return f"{var} was {value_words(scenario, var, value)}"
    return v.statement(value)


def event_words(scenario: Scenario, event_id: str) -> str:
    rule = scenario.event(event_id)
    return rule.title if rule is not None and rule.title else event_id


def outcome_words(scenario: Scenario, event_id: str, outcome_id) -> str:
    """An outcome by its title ("The coup is crushed"), else its id."""
    rule = scenario.event(event_id)
    o = rule.outcome(outcome_id) if rule is not None and outcome_id else None
    return o.title if o is not None and o.title else str(outcome_id)


_FACT = re.compile(r'^(happened|outcome)\(\s*["\']([^"\']+)["\']\s*\)$')


def failed_read_words(scenario: Scenario, name: str, value, source: str) -> str:
    """One value a failed condition term saw, in words (explain.failed_terms gives `name` as a variable
    id, `happened("x")` or `outcome("x")`; `source` is the term's text, which says what was wanted):
    "needed “The battle for the National Palace” to end “The coup succeeds” (it ended “The coup is
    crushed”)", "“The Wallace talks” had not happened", "needed Army loyalty at most 65; it was 80" (a number
    compared), "Red Militia strength was 85"."""
    m = _FACT.match(name)
    if m is None:
        return _compared_words(scenario, name, value, source) or read_words(scenario, name, value)
    kind, ev = m.groups()
    title = quote(event_words(scenario, ev))
    if kind == "happened":
        return f"{title} had {'happened' if value else 'not happened'}"
    seen = "it had not happened" if value in (None, "none") else f"it ended {quote(outcome_words(scenario, ev, value))}"
    want = re.search(r'outcome\(\s*["\']' + re.escape(ev) + r'["\']\s*\)\s*(==|!=)\s*["\']([^"\']+)["\']',
                     source)
    if want is None:
        return f"{title}: {seen}"
    op, oid = want.groups()
    return f"needed {title} {'not ' if op == '!=' else ''}to end {quote(outcome_words(scenario, ev, oid))} ({seen})"


_OP_WORDS = {"<": "below", "<=": "at most", ">": "above", ">=": "at least"}


def _compared_words(scenario: Scenario, var: str, value, source: str) -> str | None:
    """A failed `var <= 65` in words: "needed Army loyalty at most 65; it was 80" (the value alone,
    "was 80", did not say why it stopped the rule); `var == "x"`: "needed Regime in Mexico to be
    Constitutional government; it was Pro-American military junta"; None when the term is neither."""
    among = re.search(r'(?<![\w.])' + re.escape(var) + r'\s+(not\s+in|in)\s*\[([^\]]*)\]', source)
    if among is not None and isinstance(value, str):  # `revolution.status in ["none", "crushed"]`
        wanted = [value_words(scenario, var, w) for w in re.findall(r'["\']([^"\']*)["\']', among.group(2))]
        if wanted:
            neg = among.group(1) != "in"
            listed = ", ".join(wanted[:-1]) + (f" {'nor' if neg else 'or'} " if len(wanted) > 1 else "") + wanted[-1]
            return (f"needed {var_words(scenario, var)} {'not ' if neg else ''}to be {listed}; "
                    f"it was {value_words(scenario, var, value)}")
    same = re.search(r'(?<![\w.])' + re.escape(var) + r'\s*(==|!=)\s*["\']([^"\']*)["\']', source)
    if same is not None and isinstance(value, str):
        op, want_value = same.groups()
        return (f"needed {var_words(scenario, var)} {'not ' if op == '!=' else ''}to be "
                f"{value_words(scenario, var, want_value)}; it was {value_words(scenario, var, value)}")
    want = re.search(r'(?<![\w.])' + re.escape(var) + r'\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)(?![\w.])', source)
    if want is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    op, num = want.groups()
    limit = float(num) if "." in num else int(num)
    return (f"needed {var_words(scenario, var)} {_OP_WORDS[op]} {value_words(scenario, var, limit)}; "
            f"it was {value_words(scenario, var, value)}")


def timing_words(scenario: Scenario, timing: Timing) -> str:
    """When a rule is tested, with the predecessor's title instead of its id."""
    if timing.kind == "after" and timing.event:
        extra = f", waiting up to {timing.within}" if timing.within != Duration() else ""
        return f"{timing.delay} after {quote(event_words(scenario, timing.event))}{extra}"
    return timing.describe()


def lapse_words(scenario: Scenario, timing: Timing, date) -> str:
    """Why an event's chance passed, in words: the CLI's "its window (on 1942-12-03) closed on 1942-12-03
    with the condition false" reads "it could happen only on 1942-12-03, and what it needed did not hold
    then" (the failed terms follow, in words, under "What it needed did not hold")."""
    if timing.kind == "on":
        return f"it could happen only on {timing.start}, and what it needed did not hold then"
    return (f"it could happen {timing_words(scenario, timing)}, and what it needed had not held when "
            f"that time ran out on {date}")


# how a cause bears on what it caused: (words before the cause's link, words after it)
_VIA = {
    "forced by divergence": ("made to happen by the divergence", ""),
    "added by divergence": ("added by the divergence", ""),
    "outcome chosen by divergence": ("its outcome was chosen by the divergence", ""),
    "scheduled by": ("scheduled by", ""),
    "followed": ("follows", ""),
    "repeats after": ("repeats after", ""),
}


def cause_words(scenario: Scenario, cause: Cause) -> tuple[str, str]:
    """The sentence around a why-chain cause's link, as (before, after).

    A value read: "Red Militia strength was 85, set by" [the event]; from the initial world:
    "Red Militia strength was 85 from the start" (no link); an event that had to happen first:
    "needed" [the event] "to have happened"; one whose outcome it asks for: "depends on the outcome of"
    [the event — its outcome].
    """
    if cause.var is not None:
        read = read_words(scenario, cause.var, cause.value)
        if cause.kind == "initial":
            return f"{read} from the start", ""
        if cause.kind == "divergence":
            return f"{read}, set by the divergence", ""
        return f"{read}, set by", ""
    via = cause.via or ""
    if via.startswith("happened("):
        return "needed", "to have happened"
    if via.startswith("outcome("):  # 'outcome("election_1948") = dewey': the link names the outcome
        return "depends on the outcome of", ""
    return _VIA.get(via, (via, ""))


def divergence_sentence(scenario: Scenario, dv, before: dict | None = None) -> str:
    """What a divergence does, as a sentence of the history it starts (the reports' narrative and path):
    "In this history “The young officers defect” does not happen.", "In this history “The battle for
    Mexico City” ends “The capital holds”.", "In this history Trotsky's health is 0 (it was 35).".
    `before` holds the world the day before, for the values a `set` replaces. The words are the
    model's `describe_divergence`, the short form the map, the outline and the CLI show: one wording."""
    return f"In this history {scenario.describe_divergence(dv, before)}."


def failed_term_words(scenario: Scenario, term) -> list[str]:
    """What one failed condition term saw, in words, each with who set it (explain.failed_terms' reads):
    "Regime in Mexico was Revolutionary Military Committee, set by “The Ávila Camacho government
    collapses” on 1942-08-20", "Mexico was not fighting the Axis from the start", "“The Wallace talks”
    had not happened". The raw term stays in the data for authors."""
    whole = _order_words(scenario, term) or _since_words(scenario, term) or _date_words(term)
    if whole is not None:
        return [whole]
    out = []
    for name, value, who in term.reads:
        words = failed_read_words(scenario, name, value, term.source)
        if name in scenario.variables:
            who = "from the start" if who == "initial world" else who.replace("divergence \"", "the divergence \"")
            out.append(f"{words} {who}" if who == "from the start" else f"{words}, {who}")
        elif who and who != "it had not happened":  # the words say so already
            out.append(f"{words}{' ' if name.startswith('happened(') else ', '}{who}")
        else:
            out.append(words)
    return [_curly(s) for s in out]


_ORDER = re.compile(r'^days_since\(\s*["\']([^"\']+)["\']\s*\)\s*(<=|>=|<|>)\s*'
                    r'days_since\(\s*["\']([^"\']+)["\']\s*\)$')
_ORDER_WORDS = {">": "before", ">=": "no later than", "<": "after", "<=": "no earlier than"}


def _order_words(scenario: Scenario, term) -> str | None:
    """A failed `days_since("a") > days_since("b")` (the way to say a came first) in words: "needed “A” to
    happen before “B”; they happened on 1942-05-24 and 1942-05-22" (each read alone, "“A” had happened on
    …", did not say what was wanted); None for any other term."""
    m = _ORDER.match(term.source.strip())
    if m is None:
        return None
    a, op, b = m.groups()
    seen = {name: (value, who) for name, value, who in term.reads}

    def when(ev):  # the date it happened, or None; `who` reads "on 1942-05-24" (explain.failed_terms)
        value, who = seen.get(f'happened("{ev}")', (False, ""))
        return who[3:] if value and who.startswith("on ") else None
    da, db = when(a), when(b)
    if da and db:
        fact = f"they happened on {da} and {db}"
    elif da or db:
        fact = f"{quote(event_words(scenario, b if da else a))} did not happen"
    else:
        fact = "neither happened"
    return (f"needed {quote(event_words(scenario, a))} to happen {_ORDER_WORDS[op]} "
            f"{quote(event_words(scenario, b))}; "
            f"{fact}")


_SINCE = re.compile(r'^days_since\(\s*["\']([^"\']+)["\']\s*\)\s*(<=|>=|<|>)\s*(\d+)$')
_SINCE_WORDS = {">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}
_DATE = re.compile(r'^date\s*(<=|>=|<|>|==|!=)\s*["\'](\d{4}-\d\d-\d\d)["\']$')
_DATE_WORDS = {">": "after", ">=": "on or after", "<": "before", "<=": "on or before", "==": "", "!=": "other than"}


def _since_words(scenario: Scenario, term) -> str | None:
    """A failed `days_since("x") > 365` in words, against the day it was read: "needed “The junta
    installed” to have happened more than 365 days before 1950-09-15; it happened on 1950-04-08, 160 days
    before" ("had happened on …" alone did not say what was wanted); None for any other term."""
    m = _SINCE.match(term.source.strip())
    on = getattr(term, "on", None)
    if m is None or on is None:
        return None
    ev, op, n = m.groups()
    value, who = next(((v, w) for name, v, w in term.reads if name == f'happened("{ev}")'), (False, ""))
    want = f"needed {quote(event_words(scenario, ev))} to have happened {_SINCE_WORDS[op]} {n} days before {on}"
    if not (value and who.startswith("on ")):
        return f"{want}; it had not happened"
    when = who[3:]
    days = (on - dt.date.fromisoformat(when)).days
    return f"{want}; it happened on {when}, {days} day{'s' if days != 1 else ''} before"


def _date_words(term) -> str | None:
    """A failed `date >= "1945-01-01"`: "needed the date to be on or after 1945-01-01; it was 1944-12-31"."""
    m = _DATE.match(term.source.strip())
    on = getattr(term, "on", None)
    if m is None or on is None:
        return None
    op, day = m.groups()
    return f"needed the date to be {(_DATE_WORDS[op] + ' ') if _DATE_WORDS[op] else ''}{day}; it was {on}"


def reason_words(scenario: Scenario, wn, reason: str) -> str:
    """One of a why-not's reasons in words, as the reports and the app's inspector show it: the window
    sentence via `lapse_words`, the engine's straight quotes in the reader's, quotes inside them single
    ('the divergence “‘The revolt’ does not happen” suppresses it', not 'divergence "“The revolt” …"')."""
    rule = scenario.event(wn.event)
    if reason == wn.window_reason and wn.lapse is not None and rule is not None:
        reason = lapse_words(scenario, rule.timing, wn.lapse.date)
    if reason.startswith('divergence "'):  # the engine's 'divergence "…" suppresses it': a sentence names it
        reason = "the " + reason
    return _curly(reason)


def why_not_reasons(scenario: Scenario, wn) -> list[str]:
    """A why-not's reasons in words (the window sentence via `lapse_words`, not "its window (10w after
    revolution_1942) closed ... with the condition false"), an `after:` chain's predecessors' nested as
    "  (…)" lines, as `WhyNot.all_reasons` nests them."""
    def own(w) -> list[str]:
        return [reason_words(scenario, w, r) for r in w.reasons]
    out, sub = own(wn), wn.follows
    while sub is not None:
        out += [f"  ({r})" for r in own(sub)]
        sub = sub.follows
    return out


# a straight-quoted title in the engine's words: it closes at a quote followed by a space, punctuation or
# the end, and may hold quoted words of its own ('set by "Stalin denounces the "deviation"" on …')
_QUOTED = re.compile(r'"((?:[^"]|"[^"\s][^"]*")+?)"' + r"(?=[\s,;.:)?!'’—]|$)")
_INNER = re.compile(r'"([^"]*)"')


def quote(text: str) -> str:
    """A title or a divergence's words in the reader's quotes, quotes inside them single:
    "“The Texas Incident” does not happen" reads "“‘The Texas Incident’ does not happen”", and
    'Stalin denounces the "petty-bourgeois deviation"' reads “Stalin denounces the ‘petty-bourgeois
    deviation’”."""
    return "“" + _INNER.sub(r"‘\1’", text).replace("“", "‘").replace("”", "’") + "”"


def _curly(text: str) -> str:
    """The engine's straight-quoted titles ('set by "Roosevelt dies"') in the reader's quotes; quotes inside
    them turn single ('the divergence “‘The coup’ happens”', not '““The coup” happens”')."""
    return _QUOTED.sub(lambda m: quote(m.group(1)), text)


_INITIAL = re.compile(r"^initial (\S+) = (.*)$")


def root_words(scenario: Scenario, cause: Cause) -> str:
    """A why-chain's root in words: "Regime in Mexico was Constitutional government from the start"
    (explain gives "initial mexico.regime = Constitutional government"), "the divergence “Washington
    backs General Ponce”"."""
    if cause.kind == "initial" and cause.var is not None:  # the value itself: "Unrest was 40% from the start"
        return f"{read_words(scenario, cause.var, cause.value)} from the start"
    m = _INITIAL.match(cause.title) if cause.kind == "initial" else None
    if m is not None:
        v = scenario.variables.get(m.group(1))
        if v is not None and v.type == "bool" and m.group(2) in ("true", "false"):  # explain's fmt
            return f"{v.statement(m.group(2) == 'true')} from the start"
        return f"{var_words(scenario, m.group(1))} was {m.group(2)} from the start"
    if cause.kind == "divergence":
        return "the " + _curly(cause.title)
    return _curly(cause.title)
