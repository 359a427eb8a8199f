"""The scenario as plain data: what the file says, validated, before anything is compiled or run."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .dates import Duration

VARIABLE_TYPES = ("bool", "number", "enum", "text")
TIMING_KINDS = ("on", "between", "after", "scheduled", "open")
DIVERGENCE_KINDS = ("force", "suppress", "outcome", "set", "event")
BASELINE = "baseline"

# `what-if lint` warnings, silenced per entry with `nolint: [code, ...]` (docs/format.md, "Lint")
LINT_CODES = {
    "never-fires": "an event that fires in no branch",
    "after-never-starts": "an `after:` event whose predecessor fires in no branch",
    "latent-never-forced": "a latent event (`when: false`) that no divergence forces",
    "never-scheduled": "a `scheduled: true` event that no effect schedules and no divergence forces",
    "outcome-never-chosen": "an outcome chosen in no branch",
    "variable-never-read": "a variable no condition, chance, weight or expectation reads",
    "variable-never-written": "a variable no effect and no divergence changes",
    "noop-divergence": "a divergence that changes nothing in its branch",
    "outcome-forced-ineligible": "an outcome a divergence forces where its own `when` is false",
    "chance-clamps": "a chance expression outside 0..1 when tested (taken as 0 or 1)",
    "weight-clamps": "an outcome weight below 0 when chosen (taken as 0)",
}


@dataclass
class Variable:
    name: str
    type: str
    initial: Any
    label: str = ""
    min: float | None = None
    max: float | None = None
    values: tuple = ()
    unit: str = ""
    description: str = ""
    labels: dict = field(default_factory=dict)  # enum value id -> the words readers see
    nolint: tuple = ()  # lint codes silenced for this variable
    true_words: str = ""  # a bool's value as a statement, as the why-chains tell it: "Trotsky was alive"
    false_words: str = ""  # ... and when false: "Trotsky was dead" (both or neither)

    @property
    def title(self) -> str:
        return self.label or self.name

    def statement(self, value, past: bool = True) -> str:
        """The variable having `value`, as a sentence readers read: "Red Militia strength was 85" (past:
        why-chains, why-nots) or "… is 85" (a divergence's present). A bool reads as its author's
        statement ("Mexico was not fighting the Axis", in both tenses: the author wrote one), else as
        its label held to be true or false ("“Trotsky alive” was false"): "Trotsky alive was no" read
        as a yes/no form, not as a sentence."""
        verb = "was" if past else "is"
        if self.type == "bool" and isinstance(value, bool):
            words = self.true_words if value else self.false_words
            return words or f"“{self.title}” {verb} {'true' if value else 'false'}"
        return f"{self.title} {verb} {show_value(self, value)}"

    def label_of(self, value) -> str:
        """An enum value's label (its id when it has none); other values as `show` gives them."""
        if self.type == "enum" and value in self.labels:
            return self.labels[value]
        return show_value(self, value)

    def show(self, value) -> str:
        """A value as a reader sees it: yes/no, numbers with their unit."""
        return show_value(self, value)

    def clamp(self, value):
        if self.type == "number":
            if self.min is not None and value < self.min:
                return self.min
            if self.max is not None and value > self.max:
                return self.max
        return value


def show_value(var: "Variable | None", value) -> str:
    """A world value as a reader sees it: yes/no, numbers with their unit, '—' for nothing."""
    if value is None:
        return "—"
    if var is not None and var.type == "enum" and value in var.labels:
        return var.labels[value]
    if (var is not None and var.type == "bool") or isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        unit = var.unit if var is not None else ""
        text = f"{value:g}" if isinstance(value, float) else str(value)
        if not unit:
            return text
        return f"{text}{unit}" if unit in ("%", "°", "‰") else f"{text} {unit}"
    return str(value)


def as_clause(title: str) -> str:
    """A title used inside a sentence: a leading article loses its capital ("The revolt is crushed"
    -> "the revolt is crushed"); names keep theirs ("Trotsky accepts")."""
    first = title.split(" ", 1)[0]
    if first in ("The", "A", "An"):
        return title[:1].lower() + title[1:]
    return title


@dataclass
class Effect:
    """One change an event makes: set/add a variable, or schedule/cancel an event."""

    kind: str  # set | add | schedule | cancel
    target: str  # variable name or event id
    value: Any = None  # set: the value; add: the amount
    delay: Duration = field(default_factory=Duration)  # schedule
    within: Duration = field(default_factory=Duration)  # schedule: how long it may wait

    def describe(self) -> str:
        if self.kind == "set":
            return f"{self.target} = {self.value!r}"
        if self.kind == "add":
            return f"{self.target} {'+' if self.value >= 0 else '-'}= {abs(self.value)!r}"
        if self.kind == "schedule":
            return f"schedule {self.target} in {self.delay}"
        return f"cancel {self.target}"


@dataclass
class TextVariant:
    """One wording of an event's or outcome's narrative, used when `when` holds as it fires.

    `when` is an expression, or True for the default (which must come last). `bare`: the file wrote
    the default as a plain string rather than a mapping with `text:` (kept so a save writes it back
    the same way; not part of equality).
    """

    text: str
    when: Any = True
    bare: bool = field(default=False, compare=False)

    @property
    def is_default(self) -> bool:
        return self.when is True


@dataclass
class Outcome:
    id: str
    title: str = ""
    when: Any = True
    weight: Any = 1  # number or expression
    text: str = ""  # the plain text, or the default of `variants` ("" when they have none)
    effects: list[Effect] = field(default_factory=list)
    variants: list[TextVariant] = field(default_factory=list)  # `text:` written as a list


@dataclass
class Timing:
    kind: str = "open"  # on | between | after | scheduled | open
    start: dt.date | None = None
    end: dt.date | None = None
    event: str | None = None  # after: the predecessor
    delay: Duration = field(default_factory=Duration)
    within: Duration = field(default_factory=Duration)

    def describe(self) -> str:
        if self.kind == "on":
            return f"on {self.start}"
        if self.kind == "between":
            return f"between {self.start} and {self.end}"
        if self.kind == "after":
            extra = f", waiting up to {self.within}" if self.within != Duration() else ""
            return f"{self.delay} after {self.event}{extra}"
        if self.kind == "scheduled":
            return "when scheduled"
        return "any time"


@dataclass
class EventRule:
    id: str
    title: str = ""
    text: str = ""
    timing: Timing = field(default_factory=Timing)
    when: Any = True  # expression text, or a bool
    chance: Any = None  # None, number or expression
    priority: int = 0
    repeatable: bool = False
    cooldown: Duration = field(default_factory=lambda: Duration(days=1))
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    variants: list[TextVariant] = field(default_factory=list)  # `text:` written as a list; `text`
    #                                                           is then its default ("" if none)
    nolint: tuple = ()  # lint codes silenced for this rule (`nolint: [never-fires]`)
    mtth: Duration | None = None  # mean time to happen: fires after a wait (exponential when sampled)

    @property
    def latent(self) -> bool:
        return self.when is False or (isinstance(self.when, str) and self.when.strip() == "false")

    def outcome(self, outcome_id: str | None) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)


@dataclass
class Divergence:
    kind: str  # force | suppress | outcome | set | event
    event: str | None = None  # force/suppress/outcome: the event id
    outcome: str | None = None  # force/outcome: the chosen outcome
    values: dict = field(default_factory=dict)  # set
    rule: EventRule | None = None  # event: the one-off rule
    on: dt.date | None = None
    label: str = ""

    def describe(self) -> str:
        if self.label:
            return self.label
        at = f" on {self.on}" if self.on else ""
        if self.kind == "force":
            return f"force {self.event}" + (f" ({self.outcome})" if self.outcome else "") + at
        if self.kind == "suppress":
            return f"{self.event} does not happen" + at
        if self.kind == "outcome":
            return f"{self.event} ends as {self.outcome}" + at
        if self.kind == "set":
            return ", ".join(f"{k} = {v!r}" for k, v in self.values.items()) + at
        return f"new event {self.rule.id if self.rule else '?'}" + at


@dataclass
class Expectation:
    """What must hold in a branch, checked by `what-if test`: a condition on the final world, or on the
    world of `on`; with `p`, the share of `runs` sampled runs in which it holds (">= 0.3")."""

    that: str
    on: dt.date | None = None
    p: str | None = None  # comparison and bound, such as ">= 0.3"
    runs: int = 0  # sampled runs for `p` (0: the default)
    path: str = field(default="", compare=False)  # key path in the file, for messages

    @property
    def text(self) -> str:
        """The expectation as written, on one line."""
        parts = [self.that]
        if self.on:
            parts.append(f"on {self.on}")
        if self.p:
            parts.append(f"p {self.p}" + (f" over {self.runs} runs" if self.runs else ""))
        return ", ".join(parts)


@dataclass
class Branch:
    id: str
    parent: str | None = BASELINE
    label: str = ""
    description: str = ""
    divergences: list[Divergence] = field(default_factory=list)
    expect: list[Expectation] = field(default_factory=list)
    declared: bool = False  # the baseline, written out in the file (for its label, description, expect)
    nolint: tuple = ()  # lint codes silenced for this branch's divergences


@dataclass
class Scenario:
    id: str
    title: str
    start: dt.date
    end: dt.date
    description: str = ""
    variables: dict[str, Variable] = field(default_factory=dict)
    conditions: dict[str, str] = field(default_factory=dict)
    events: list[EventRule] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)  # baseline included, first
    path: str | None = None

    def event(self, event_id: str) -> EventRule | None:
        return next((e for e in self.events if e.id == event_id), None)

    def branch(self, branch_id: str) -> Branch | None:
        return next((b for b in self.branches if b.id == branch_id), None)

    @property
    def branch_ids(self) -> list[str]:
        return [b.id for b in self.branches]

    def describe_divergence(self, dv: "Divergence", before: dict | None = None) -> str:
        """What a divergence does, in a few words of its history (the map's lane, the outline, the CLI,
        explain's links): "“The Texas Incident” does not happen", "“The battle for Mexico City” ends
        “The capital holds”", "Trotsky's health is 0". The one home of this wording: the reports'
        sentence is "In this history " + these words + "." (prose.divergence_sentence). `before`, the
        world the day before, adds what a `set` replaced: "Trotsky's health is 0 (it was 35)"."""
        rule = dv.rule if dv.kind == "event" else self.event(dv.event) if dv.event else None
        title = f"“{(rule.title or rule.id) if rule is not None else dv.event or '?'}”"
        outcome = rule.outcome(dv.outcome) if rule is not None and dv.outcome else None
        o_title = (outcome.title or outcome.id) if outcome is not None else dv.outcome
        ending = f" ends “{o_title}”" if dv.outcome else ""
        if dv.kind == "force":
            return f"{title} happens{' and' + ending if ending else ''}"
        if dv.kind == "suppress":
            return f"{title} does not happen"
        if dv.kind == "outcome":
            return f"{title}{ending}"
        if dv.kind == "set":
            parts = []
            for k, v in dv.values.items():
                var = self.variables.get(k) or Variable(k, "bool" if isinstance(v, bool) else "text", v)
                was = ""
                if before is not None and k in before and before[k] != v and var.type != "bool":
                    was = f" (it was {show_value(var, before[k])})"  # a yes/no's other value: no need
                parts.append(var.statement(v, past=False) + was)
            return "; ".join(parts)
        return f"{title} happens, an event of its own"

    def initial_state(self) -> dict:
        return {name: v.initial for name, v in self.variables.items()}

    def __getstate__(self) -> dict:
        # the compiled program (closures) stays behind: a worker process compiles its own; the source
        # map (positions in the file) is only for messages in this process
        return {k: v for k, v in self.__dict__.items() if k not in ("_program", "_source")}
