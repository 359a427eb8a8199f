"""Checks that need the scenario to run: branches that cannot run (errors, for `validate`) and the
warnings `what-if lint` prints (codes in model.LINT_CODES, silenced per entry with `nolint:`). Each is
positioned in the file through the loader's source map.
"""
from __future__ import annotations

from dataclasses import dataclass

from .engine import LIKELY
from .errors import DivergenceError, EngineError, Problem
from .loader import problem_at, source_of
from .model import Scenario
from .workspace import Workspace


def divergence_path(scenario: Scenario, branch_id: str, index: int) -> str:
    src = source_of(scenario)
    base = (src.branch_paths.get(branch_id) if src else None) or f"branches[{branch_id}]"
    return f"{base}.divergences[{index}]"


def run_problems(scenario: Scenario, ws: Workspace | None = None) -> list[Problem]:
    """What stops a branch from running, as positioned errors: a file that `validate` accepts runs
    every branch. Each branch is run once (likely mode) unless `surely_runs` proves it cannot fail,
    which skips most runs of a big world (19 of its 20 branches' runs were 2/3 of `validate`)."""
    ws = ws or Workspace(scenario, mode=LIKELY, lean=True)  # asked only whether they run
    out, failed = [], set()
    no_runaway = cannot_run_away(ws.program)
    for bid in scenario.branch_ids:
        if scenario.branch(bid).parent in failed:
            failed.add(bid)  # said once, for the branch it starts in
            continue
        if no_runaway and surely_dated(scenario.branch(bid)):
            continue
        try:
            ws.timeline(bid)
        except DivergenceError as e:
            failed.add(bid)
            out.append(problem_at(scenario, divergence_path(scenario, e.branch, e.index), e.message))
        except EngineError as e:
            failed.add(bid)
            src = source_of(scenario)
            path = (src.branch_paths.get(bid) if src else None) or ""
            out.append(problem_at(scenario, path, f"branch '{bid}' cannot run: {e}"))
    return out


def cannot_run_away(program) -> bool:
    """Whether no run of `program` can meet the engine's runaway guard, the one error a run raises
    once the file has loaded (tests/safety/test_everything_that_validates_runs.py keeps that so).

    The guard counts firings per day (MAX_FIRINGS_PER_DAY) and per run (100 per rule + 10,000). A rule
    that is not repeatable fires at most once per run, a force included (engine._process): with no
    repeatable rule a run fires at most len(rules) times, so neither count can be passed."""
    from .engine import MAX_FIRINGS_PER_DAY
    n = len(program.rules)
    return n <= MAX_FIRINGS_PER_DAY and not any(cr.repeatable for cr in program.rules)


def surely_dated(branch) -> bool:
    """Whether every own divergence of the branch has its date without running anything: an `on:`,
    or a kind whose date never comes from a history (a dateless force, suppress or outcome is dated
    by running, and may fail there with a DivergenceError). One-off events are run as well: they add
    rules, which `cannot_run_away` has not seen."""
    from .workspace import needs_parent
    return all(dv.kind != "event" and not needs_parent(dv) for dv in branch.divergences)


# --- warnings ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Warning_:
    """One lint warning: its code, where (a key path of the file), what, and the entry it is about
    (("event", id), ("variable", name) or ("branch", id)) so the app can open its form."""

    code: str
    path: str
    message: str
    target: tuple

    def problem(self, scenario: Scenario) -> Problem:
        return problem_at(scenario, self.path, self.message)

    def line(self, scenario: Scenario) -> str:
        """`file:line:col: warning: message [code]`, as compilers print them."""
        p = self.problem(scenario)
        where = f"{p.file}:{p.line}:{p.col}" if p.line else p.file
        return f"{where}: warning: {self.message} [{self.code}]"


def lint(scenario: Scenario, ws: Workspace | None = None) -> list[Warning_]:
    """Every warning for a scenario whose branches run (see `run_problems`), in file order of their
    subjects: events, outcomes, variables, divergences. Silenced codes (`nolint:`) left out."""
    ws = ws or Workspace(scenario, mode=LIKELY)
    timelines = [ws.timeline(b) for b in scenario.branch_ids]
    out = _events(scenario, ws, timelines) + _variables(scenario, ws) + _clamps(scenario, timelines)
    for b in scenario.branches:
        out += branch_warnings(ws, b.id)
    return [w for w in out if not _silenced(scenario, w)]


def branch_warnings(ws: Workspace, branch_id: str) -> list[Warning_]:
    """What `run` warns about a branch's own divergences: those that change nothing, and outcomes
    forced where their own `when` is false (the divergence wins; the author may not have meant it)."""
    scenario = ws.scenario
    out = [Warning_("noop-divergence", divergence_path(scenario, branch_id, n.index),
                    f"in branch '{branch_id}': {n.reason}", ("branch", branch_id))
           for n in ws.noops(branch_id)]
    from .conditions import Condition
    from .explain import outcome_divergence
    from .expectations import facts_at
    tl = ws.timeline(branch_id)
    program = tl.result.program
    own = {d.k: i for i, d in enumerate(tl.own_divergences)}
    for f in tl.firings:
        if f.outcome is None:
            continue
        chosen = outcome_divergence(tl, f)
        if chosen is None and f.cause == "forced" and f.caused_by is not None and f.caused_by < 0:
            d = tl.divergences[-f.caused_by - 1]
            chosen = d if d.divergence.outcome else None
        if chosen is None or chosen.k not in own:
            continue
        cr = program.rules[program.by_id[f.event]]
        co = next(o for o in cr.outcomes if o.id == f.outcome)
        if not isinstance(co.when, Condition):
            continue
        state = {r.var: r.value for r in f.reads}
        if len(state) < len(cr.read_vars):
            continue
        facts = facts_at(tl, f.ordinal - 1)
        facts.today = f.ordinal
        if not co.when.fn(state, facts):
            out.append(Warning_("outcome-forced-ineligible", divergence_path(scenario, branch_id, own[chosen.k]),
                                f"in branch '{branch_id}': outcome '{f.outcome}' of '{tl.title(f.event)}' is "
                                f"forced on {f.date} although its condition is false there "
                                f"(when: {co.when.source}); the divergence wins", ("branch", branch_id)))
    return out


def _silenced(scenario: Scenario, w: Warning_) -> bool:
    kind, name = w.target
    entry = (scenario.event(name) if kind == "event" else scenario.variables.get(name) if kind == "variable"
             else scenario.branch(name))
    codes = getattr(entry, "nolint", ()) or ()
    return "all" in codes or w.code in codes


def _event_path(scenario: Scenario, event_id: str) -> str:
    src = source_of(scenario)
    return (src.event_paths.get(event_id) if src else None) or \
        f"events[{[e.id for e in scenario.events].index(event_id)}]"


def _events(scenario: Scenario, ws: Workspace, timelines: list) -> list[Warning_]:
    fired: dict[str, set] = {}
    for tl in timelines:
        for f in tl.firings:
            fired.setdefault(f.event, set()).add(f.outcome)
    forced = {d.event for b in scenario.branches for d in b.divergences if d.kind == "force"}
    scheduled = {ef.target for e in scenario.events for ef in e.effects + [x for o in e.outcomes
                                                                           for x in o.effects]
                 if ef.kind == "schedule"}
    scheduled |= {ef.target for b in scenario.branches for d in b.divergences if d.kind == "event"
                  for ef in d.rule.effects if ef.kind == "schedule"}
    base = timelines[0]
    out = []
    for e in scenario.events:
        path = _event_path(scenario, e.id)
        title = f"'{e.title}'" if e.title == e.id else f"'{e.title}' ({e.id})"
        if e.id not in fired:
            t = e.timing
            if t.kind == "after" and t.event not in fired:
                out.append(Warning_("after-never-starts", path,
                                    f"{title} follows '{t.event}', which fires in no branch, so it never "
                                    "starts", ("event", e.id)))
            elif e.latent and e.id not in forced:
                out.append(Warning_("latent-never-forced", path,
                                    f"{title} is latent (when: false) and no branch forces it",
                                    ("event", e.id)))
            elif t.kind == "scheduled" and e.id not in scheduled and e.id not in forced:
                out.append(Warning_("never-scheduled", path,
                                    f"{title} waits to be scheduled, and no effect schedules it and no "
                                    "branch forces it", ("event", e.id)))
            else:
                out.append(Warning_("never-fires", path, f"{title} fires in no branch; "
                                    f"in the baseline: {_why_not_line(base, e.id)}", ("event", e.id)))
            continue
        for j, o in enumerate(e.outcomes):
            if o.id not in fired[e.id]:
                out.append(Warning_("outcome-never-chosen", f"{path}.outcomes[{j}]",
                                    f"outcome '{o.id}' of {title} is chosen in no branch", ("event", e.id)))
    return out


def _why_not_line(tl, event_id: str) -> str:
    from .explain import fmt, why_not  # not needed by `validate`: imported when a lint asks
    wn = why_not(tl, event_id)
    reasons = [r[3:-1] if r.startswith("  (") and r.endswith(")") else r for r in wn.reasons[:2]]
    text = "; ".join(reasons)
    for t in wn.failed[:2]:
        seen = ", ".join(f"{name} was {fmt(value)}" for name, value, _ in t.reads[:3])
        text += f"; false: {t.source}" + (f" ({seen})" if seen else "")
    return text


def _variables(scenario: Scenario, ws: Workspace) -> list[Warning_]:
    from .explain import fmt
    from .conditions import Scope, compile_condition
    from .narrative import placeholders
    program = ws.program
    rules = [cr.rule for cr in program.rules]
    one_offs = [d.rule for b in scenario.branches for d in b.divergences if d.kind == "event" and d.rule]
    scope = Scope(scenario.variables, [e.id for e in scenario.events] + [r.id for r in one_offs],
                  scenario.conditions)
    read: set = set()
    for cr in program.extended(one_offs).rules:
        read |= {k for k in cr.keys if not k.startswith("@")}
    sources = [e.that for b in scenario.branches for e in b.expect]
    for r in rules + one_offs:
        for holder in [r] + list(r.outcomes):
            sources += [v.when for v in getattr(holder, "variants", []) if isinstance(v.when, str)]
            texts = [holder.text] + [v.text for v in getattr(holder, "variants", [])]
            for t in texts:
                try:
                    sources += [expr for _, expr in placeholders(t or "")]
                except ValueError:
                    pass
    for src in sources:
        try:
            read |= compile_condition(src, scope).reads
        except ValueError:
            pass
    written = {ef.target for r in rules + one_offs for ef in r.effects + [x for o in r.outcomes
                                                                         for x in o.effects]}
    written |= {k for b in scenario.branches for d in b.divergences if d.kind == "set" for k in d.values}
    out = []
    for name, var in scenario.variables.items():
        path = (f"variables[{name}]" if "." in name else f"variables.{name}") + "#key"
        if name not in read:
            out.append(Warning_("variable-never-read", path, f"variable {name} is read by no condition, "
                                "chance, weight, text or expectation", ("variable", name)))
        if name not in written:
            out.append(Warning_("variable-never-written", path, f"variable {name} is changed by no effect "
                                f"and no divergence: it stays {fmt(var.initial)}", ("variable", name)))
    return out


def _clamps(scenario: Scenario, timelines: list) -> list[Warning_]:
    """Chances outside 0..1 and negative weights, as the runs met them (the first time each)."""
    from .explain import fmt
    from .conditions import Condition
    from .expectations import facts_at
    out, seen = [], set()
    for tl in timelines:
        program = tl.result.program
        for f in tl.firings:
            cr = program.rules[program.by_id[f.event]]
            if f.event in seen or not (isinstance(cr.chance, Condition) or any(
                    isinstance(o.weight, Condition) for o in cr.outcomes)):
                continue
            state = {r.var: r.value for r in f.reads}
            if len(state) < len(cr.read_vars):
                continue  # a run that did not record reads
            facts = facts_at(tl, f.ordinal - 1)
            facts.today = f.ordinal
            title = f"'{tl.title(f.event)}'"
            path = _event_path(scenario, f.event) if scenario.event(f.event) else ""
            if isinstance(cr.chance, Condition):
                p = cr.chance.fn(state, facts)
                if not 0 <= p <= 1:
                    seen.add(f.event)
                    out.append(Warning_("chance-clamps", f"{path}.chance",
                                        f"the chance of {title} was {fmt(p)} on {f.date} in branch "
                                        f"'{tl.branch_id}', taken as {0 if p < 0 else 1}", ("event", f.event)))
                    continue
            for j, o in enumerate(cr.outcomes):
                if isinstance(o.weight, Condition):
                    w = o.weight.fn(state, facts)
                    if w < 0:
                        seen.add(f.event)
                        out.append(Warning_("weight-clamps", f"{path}.outcomes[{j}].weight",
                                            f"the weight of outcome '{o.id}' of {title} was {fmt(w)} on "
                                            f"{f.date} in branch '{tl.branch_id}', taken as 0",
                                            ("event", f.event)))
                        break
    return out
