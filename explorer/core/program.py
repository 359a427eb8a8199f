"""Compile a scenario into a Program the engine runs, checking every cross-reference on the way.

This is the one home of semantic validation: the loader calls it with a Report that knows positions,
the app calls it on edited models (no positions), and both get the same messages.
"""
from __future__ import annotations

import math

from dataclasses import dataclass, field

from .conditions import Condition, ConditionError, Scope, compile_condition, expression_kind
from .dates import Duration
from .gcpause import paused_gc
from .errors import Problem, ScenarioError, did_you_mean
from .model import BASELINE, Divergence, EventRule, Scenario, Variable
from .narrative import CompiledText, compile_texts

EVENT_KEY = "@"  # readers-index key prefix for "reads event X" (happened/outcome/days_since)


@dataclass(eq=False)
class COutcome:
    id: str
    title: str
    when: Condition | None
    weight: object  # float or Condition
    effects: tuple
    text: CompiledText | None = None  # None: the outcome's one plain text


@dataclass(eq=False)
class CRule:
    """A compiled event rule. `idx` is its declaration order and its index in Program.rules."""

    idx: int
    id: str
    rule: EventRule
    kind: str
    start: int | None
    end: int | None
    pred: int | None
    delay: Duration
    within: int  # days; for `after`
    cond: Condition
    chance: object  # None, float or Condition
    priority: int
    repeatable: bool
    cooldown: Duration
    effects: tuple
    outcomes: tuple
    keys: frozenset  # readers-index keys: variable names and "@event"
    time_dependent: bool
    latent: bool
    read_vars: tuple = ()  # sorted variable names in `keys`: what a firing records as read
    read_events: tuple = ()  # sorted event ids in `keys`
    text: CompiledText | None = None  # variants or `{}` to fill in; None: the rule's one plain text
    mtth: int = 0  # mean time to happen in days (0: none): fires after a wait while the condition holds

    def __post_init__(self):
        self.simple = not self.outcomes and self.chance is None and not self.mtth
        # re-tested by a wake-up with nothing else to decide: the engine's fast path
        self.plain = self.simple and not self.time_dependent and not self.repeatable
        keys = sorted(self.keys)  # "@" sorts before every name: the events' keys come first
        if not keys or keys[0][0] != EVENT_KEY:  # most rules read no event (a third of this method's time)
            self.read_vars = tuple(keys)
            return
        n = 0
        while n < len(keys) and keys[n][0] == EVENT_KEY:
            n += 1
        self.read_vars = tuple(keys[n:])
        self.read_events = tuple(k[1:] for k in keys[:n])


@dataclass(eq=False)
class Program:
    scenario: Scenario
    rules: list[CRule]
    by_id: dict[str, int]
    readers: dict[str, tuple]  # key -> rule indices whose condition reads it
    followers: dict[int, tuple]  # rule index -> rules `after` it
    start: int
    end: int
    initial: dict
    scope: Scope
    extras: tuple = field(default=())  # one-off events added by branches

    def rule(self, event_id: str) -> CRule:
        return self.rules[self.by_id[event_id]]

    def extended(self, rules: list[EventRule]) -> "Program":
        """This program plus one-off events of a branch; base indices (and checkpoints) stay valid."""
        if not rules:
            return self
        names = list(self.by_id) + [r.id for r in rules]
        scope = Scope(self.scope.variables, names, self.scope.named, inherit=self.scope,
                      outcomes={r.id: tuple(o.id for o in r.outcomes) for r in rules})
        new_rules = list(self.rules)
        by_id = dict(self.by_id)
        for r in rules:
            by_id[r.id] = len(new_rules)
            new_rules.append(_compile_rule(r, len(new_rules), scope, by_id, self.scenario, _Raise()))
        readers = {k: list(v) for k, v in self.readers.items()}
        followers = {k: list(v) for k, v in self.followers.items()}
        for cr in new_rules[len(self.rules):]:
            _index(cr, readers, followers)
        return Program(self.scenario, new_rules, by_id, {k: tuple(v) for k, v in readers.items()},
                       {k: tuple(v) for k, v in followers.items()}, self.start, self.end, self.initial,
                       scope, self.extras + tuple(rules))


class _Raise:
    """A report for models built in code: collect, then raise a ScenarioError without positions."""

    def __init__(self, file: str = "<scenario>"):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, col_offset: int | None = None) -> None:
        self.problems.append(Problem(self.file, 0, 0, path.split("#", 1)[0], message))

    def path_of(self, obj, default: str) -> str:
        return default


def build_program(scenario: Scenario, report=None) -> Program:
    """Compile and check the scenario; cache the result on it. Raises ScenarioError on problems."""
    with paused_gc(freeze=len(scenario.events) >= 1000):  # a big program lives as long as its scenario
        return _build_program(scenario, report)


def _build_program(scenario: Scenario, report=None) -> Program:
    own = report is None
    if own:
        report = _Raise(scenario.path or "<scenario>")
    before = len(report.problems)
    named = dict(scenario.conditions)
    scope = Scope(scenario.variables, [e.id for e in scenario.events], named, outcomes=outcomes_of(scenario))
    for name, text in list(named.items()):
        try:
            compile_condition(text, scope)
        except ConditionError as e:
            report.add(f"conditions[{name}]" if "." in name else f"conditions.{name}", e.message, e.col)
            named[name] = "false"  # said once, where it is written; not again at every use
    by_id = {e.id: i for i, e in enumerate(scenario.events)}
    rules = [_compile_rule(e, i, scope, by_id, scenario, report) for i, e in enumerate(scenario.events)]
    _check_after_cycles(scenario, report)
    _check_branches(scenario, scope, report)
    if len(report.problems) > before:
        if own:
            raise ScenarioError(report.problems)
        return None  # the loader raises with positions
    readers: dict[str, list] = {}
    followers: dict[int, list] = {}
    for cr in rules:
        _index(cr, readers, followers)
    program = Program(scenario, rules, by_id, {k: tuple(v) for k, v in readers.items()},
                      {k: tuple(v) for k, v in followers.items()}, scenario.start.toordinal(),
                      scenario.end.toordinal(), scenario.initial_state(), scope)
    scenario.__dict__["_program"] = program
    return program


def outcomes_of(scenario: Scenario) -> dict:
    """Every event's outcome ids, one-off events' included: `outcome("x") == "typo"` is a load error."""
    out = {e.id: tuple([o.id for o in e.outcomes]) if e.outcomes else () for e in scenario.events}
    for b in scenario.branches:
        for d in b.divergences:
            if d.kind == "event" and d.rule is not None:
                out[d.rule.id] = tuple(o.id for o in d.rule.outcomes)
    return out


def program_of(scenario: Scenario) -> Program:
    return scenario.__dict__.get("_program") or build_program(scenario)


def _index(cr: CRule, readers: dict, followers: dict) -> None:
    idx = cr.idx
    for key in cr.keys:
        r = readers.get(key)
        if r is None:
            readers[key] = [idx]
        else:
            r.append(idx)
    if cr.pred is not None:
        followers.setdefault(cr.pred, []).append(idx)


def _cond(text, path: str, scope: Scope, report) -> Condition | None:
    try:
        return compile_condition(text, scope)
    except ConditionError as e:
        report.add(path, e.message, e.col)
        return None


def number_problem(value, lo: float | None = None, hi: float | None = None) -> str | None:
    """Why `value` is not a usable number (not finite, or outside lo..hi), or None. The one check
    every number of the format goes through, whether written as 0.5, "0.5", .nan or .inf."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{value!r} is not a number"
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer beyond float range
        finite = False
    if not finite:
        return f"{value} is not a finite number"
    if lo is not None and hi is not None and not lo <= value <= hi:
        return f"{value} is outside {lo}..{hi}"
    if lo is not None and value < lo:
        return f"{value} is below {lo}"
    if hi is not None and value > hi:
        return f"{value} is above {hi}"
    return None


def _number_or_cond(value, path: str, scope: Scope, report, lo: float | None = None,
                    hi: float | None = None, what: str = "value"):
    """A `chance:` or `weight:`: a number in lo..hi (also when written as text, "0.5"), or an
    expression whose type is a number (or true/false), checked here at load."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)  # "0.5", "nan", "inf": the same checks as the number itself
        except ValueError:
            cond = _cond(value, path, scope, report)
            if cond is not None:
                kind = expression_kind(value, scope)
                if kind not in ("number", "bool"):
                    report.add(path, f"{what} must be a number, but {value.strip()} is {kind}")
                    return None
            return cond
    problem = number_problem(value, lo, hi)
    if problem:
        report.add(path, f"{what} {problem}")
        return None
    return float(value)


def _compile_rule(e: EventRule, idx: int, scope: Scope, by_id: dict, scenario: Scenario, report) -> CRule:
    path = report.path_of(e, f"events[{idx}]")
    try:
        cond = compile_condition(e.when, scope)
    except ConditionError as err:
        report.add(path + ".when", err.message, err.col)
        cond = compile_condition(False, scope)
    chance = None if e.chance is None else _number_or_cond(e.chance, path + ".chance", scope, report, 0, 1,
                                                            "chance")
    t = e.timing
    start = end = pred = None
    if t.kind in ("on", "between"):
        start, end = t.start.toordinal(), t.end.toordinal()
        if t.end < scenario.start or t.start > scenario.end:
            report.add(f"{path}.{t.kind}", f"{t.describe()} lies outside the scenario "
                                           f"({scenario.start} to {scenario.end})")
    elif t.kind == "open":
        start, end = scenario.start.toordinal(), scenario.end.toordinal()
    elif t.kind == "after":
        if t.event not in by_id:
            report.add(f"{path}.after.event", f"unknown event '{t.event}'{did_you_mean(t.event, by_id)}")
        elif t.event == e.id and not e.repeatable:
            report.add(f"{path}.after.event", "an event cannot follow itself unless it is repeatable")
        else:
            pred = by_id[t.event]
    effects = _compile_effects(e.effects, f"{path}.effects", scenario.variables, by_id, report) \
        if e.effects else ()
    if cond.events:
        keys = cond.reads | {EVENT_KEY + x for x in cond.events}
    else:
        keys = cond.reads  # the condition's own frozenset: most rules read through `when:` alone
    time_dep = cond.time_dependent
    outcomes = []
    if e.outcomes or isinstance(chance, Condition):
        keys = set(keys)
        for j, o in enumerate(e.outcomes):
            op = f"{path}.outcomes[{j}]"
            when = None if o.when is True else _cond(o.when, f"{op}.when", scope, report)
            weight = _number_or_cond(o.weight, f"{op}.weight", scope, report, 0, None, "weight")
            for c in (when, weight):
                if isinstance(c, Condition):
                    keys |= set(c.reads) | {EVENT_KEY + x for x in c.events}
                    time_dep |= c.time_dependent
            outcomes.append(COutcome(o.id, o.title, when, weight if weight is not None else 1.0,
                                     _compile_effects(o.effects, f"{op}.effects", scenario.variables, by_id,
                                                      report),
                                     compile_texts(o.text, o.variants, scope, op, report)))
        if isinstance(chance, Condition):
            keys |= set(chance.reads) | {EVENT_KEY + x for x in chance.events}
            time_dep |= chance.time_dependent
        keys = frozenset(keys)
    # most texts are one plain string: nothing to compile (compile_texts says the same, slower)
    text = compile_texts(e.text, e.variants, scope, path, report) if e.variants or "{" in e.text else None
    w = t.within
    return CRule(idx, e.id, e, t.kind, start, end, pred, t.delay, _days(w) if w.months else w.days, cond, chance,
                 e.priority, e.repeatable, e.cooldown, effects, tuple(outcomes), keys, time_dep,
                 cond.is_constant_false, text=text, mtth=_days(e.mtth) if e.mtth is not None else 0)


def _days(d: Duration) -> int:
    return d.days + round(d.months * 30.44)


def check_value(var: Variable, value) -> str | None:
    """Why `value` cannot be stored in `var`, or None when it can."""
    if var.type == "bool":
        return None if isinstance(value, bool) else f"{var.name} is true/false, not {value!r}"
    if var.type == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and number_problem(value):
            return f"{var.name}: {number_problem(value)}"
        return None if ok else f"{var.name} is a number, not {value!r}"
    if var.type == "enum":
        if value in var.values:
            return None
        return f"'{value}' is not a value of {var.name}{did_you_mean(str(value), var.values)}; " \
               f"values: {', '.join(var.values)}"
    return None if isinstance(value, str) else f"{var.name} is text, not {value!r}"


def _compile_effects(effects, path: str, variables: dict, by_id: dict, report) -> tuple:
    out = []
    for i, ef in enumerate(effects):
        kind = ef.kind
        if kind == "add":
            var = variables.get(ef.target)
            value = ef.value
            # the usual case, checked without the general checks below (same outcome)
            if var is not None and var.type == "number" and value.__class__ is int and -_BIG < value < _BIG:
                out.append(("add", ef.target, value, var.min, var.max))
                continue
        else:
            var = variables.get(ef.target) if kind == "set" else None
        p = report.path_of(ef, f"{path}[{i}]")  # only where a problem is said
        if kind in ("set", "add"):
            if var is None:
                report.add(p, f"unknown variable '{ef.target}'{did_you_mean(ef.target, variables)}")
                continue
            if kind == "add":
                if var.type != "number":
                    report.add(p, f"add: needs a number variable; {ef.target} is {var.type}")
                    continue
                if isinstance(ef.value, bool) or not isinstance(ef.value, (int, float)):
                    report.add(p, f"add: needs a number, not {ef.value!r}")
                    continue
                if number_problem(ef.value):
                    report.add(p, f"add: {number_problem(ef.value)}")
                    continue
                out.append(("add", ef.target, ef.value, var.min, var.max))
            else:
                problem = check_value(var, ef.value)
                if problem:
                    report.add(p, problem)
                    continue
                out.append(("set", ef.target, var.clamp(ef.value)))
        else:
            if ef.target not in by_id:
                at = f"{p}.schedule.event" if kind == "schedule" else f"{p}.cancel"  # the id itself
                report.add(at, f"unknown event '{ef.target}'{did_you_mean(ef.target, by_id)}")
                continue
            if kind == "schedule":
                out.append(("schedule", by_id[ef.target], ef.delay, _days(ef.within)))
            else:
                out.append(("cancel", by_id[ef.target]))
    return tuple(out)


_BIG = 2**53  # integers below this in size are finite floats too: number_problem has nothing to say


def _check_after_cycles(scenario: Scenario, report) -> None:
    edges = [(e.timing.event, e.id) for e in scenario.events
             if e.timing.kind == "after" and e.timing.event != e.id]
    if not _has_cycle(edges):
        return  # the usual case, without importing networkx (a fifth of the CLI's start-up)
    import networkx as nx  # names the cycle the way the message always has
    g = nx.DiGraph()
    g.add_edges_from(edges)
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return
    names = [a for a, _ in cycle] + [cycle[0][0]]
    first = scenario.event(cycle[0][1])
    idx = scenario.events.index(first)
    report.add(f"{report.path_of(first, f'events[{idx}]')}.after",
               f"`after:` cycle {' -> '.join(names)}: none of them can ever happen; "
               "break the cycle with on: or between:")


def _has_cycle(edges) -> bool:
    """Whether the directed graph of `edges` has a cycle (Kahn's algorithm: a cycle leaves nodes over)."""
    succ: dict = {}
    indeg: dict = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
        indeg[b] = indeg.get(b, 0) + 1
        indeg.setdefault(a, 0)
    ready = [n for n, d in indeg.items() if d == 0]
    seen = 0
    while ready:
        n = ready.pop()
        seen += 1
        for m in succ.get(n, ()):
            indeg[m] -= 1
            if indeg[m] == 0:
                ready.append(m)
    return seen < len(indeg)


def _check_branches(scenario: Scenario, scope: Scope, report) -> None:
    ids = {b.id for b in scenario.branches}
    parents = {}
    expect_scope = None  # built when a branch has expectations (scope's outcomes already hold the one-offs')
    for i, b in enumerate(scenario.branches):
        if b.expect and expect_scope is None:
            one_offs = [d.rule.id for b2 in scenario.branches for d in b2.divergences
                        if d.kind == "event" and d.rule]
            expect_scope = Scope(scope.variables, list(scope.events) + one_offs, scope.named, inherit=scope)
        for e in b.expect:
            _cond(e.that, e.path or f"{report.path_of(b, f'branches[{i - 1}]')}.expect", expect_scope, report)
        if b.id == BASELINE:
            continue
        path = report.path_of(b, f"branches[{i - 1}]")
        if b.parent not in ids:
            report.add(f"{path}.parent", f"unknown parent branch '{b.parent}'{did_you_mean(b.parent, ids)}")
        elif b.parent == b.id:
            report.add(f"{path}.parent", "a branch cannot be its own parent")
        else:
            parents[b.id] = b.parent
        for j, d in enumerate(b.divergences):
            _check_divergence(d, report.path_of(d, f"{path}.divergences[{j}]"), scenario, scope, report)
    for i, b in enumerate(scenario.branches):
        seen = [b.id]
        cur = parents.get(b.id)
        while cur and cur != BASELINE:
            if cur in seen:
                report.add(f"{report.path_of(b, f'branches[{i - 1}]')}.parent",
                           f"parent cycle {' -> '.join(seen + [cur])}; every branch must lead to baseline")
                break
            seen.append(cur)
            cur = parents.get(cur)


def _check_divergence(d: Divergence, path: str, scenario: Scenario, scope: Scope, report) -> None:
    if d.on and not scenario.start <= d.on <= scenario.end:
        report.add(f"{path}.on", f"{d.on} lies outside the scenario ({scenario.start} to {scenario.end})")
    if d.kind in ("force", "suppress", "outcome"):
        rule = scenario.event(d.event)
        if rule is None:
            report.add(f"{path}.{d.kind}", f"unknown event '{d.event}'"
                                           f"{did_you_mean(d.event, [e.id for e in scenario.events])}")
            return
        if d.outcome is not None and rule.outcome(d.outcome) is None:
            choices = [o.id for o in rule.outcomes]
            where = f"{path}.outcome.{d.event}" if d.kind == "outcome" else f"{path}.outcome"
            report.add(where, f"event '{d.event}' has no outcome '{d.outcome}'"
                                          f"{did_you_mean(d.outcome, choices)}"
                                          + (f"; outcomes: {', '.join(choices)}" if choices else
                                             "; it has no outcomes"))
    elif d.kind == "set":
        for name, value in d.values.items():
            var = scenario.variables.get(name)
            at = f"{path}.set[{name}]" if "." in str(name) else f"{path}.set.{name}"
            if var is None:
                report.add(at + "#key", f"unknown variable '{name}'{did_you_mean(name, scenario.variables)}")
            else:
                problem = check_value(var, value)
                if problem:
                    report.add(at, problem)
    elif d.kind == "event" and d.rule is not None:
        if scenario.event(d.rule.id) is not None:
            report.add(f"{path}.event.id", f"'{d.rule.id}' is already an event of the scenario; "
                                           "give the one-off event its own id")
            return
        by_id = {e.id: i for i, e in enumerate(scenario.events)}
        by_id[d.rule.id] = len(by_id)
        sub_scope = Scope(scope.variables, list(by_id), scope.named, inherit=scope,
                          outcomes={d.rule.id: tuple(o.id for o in d.rule.outcomes)})
        _compile_rule(d.rule, len(scenario.events), sub_scope, by_id, scenario, _Prefixed(report, path))


class _Prefixed:
    """Report problems of a one-off event under its divergence's path."""

    def __init__(self, report, path: str):
        self.report, self.path = report, path

    def add(self, path: str, message: str, col_offset: int | None = None) -> None:
        rel = path.split(".", 1)[1] if "." in path else ""
        self.report.add(f"{self.path}.event" + (f".{rel}" if rel else ""), message, col_offset)

    def path_of(self, obj, default: str) -> str:
        return default
