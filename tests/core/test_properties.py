"""Property tests: random scenarios and divergences, random condition text, mutated scenario files."""
from __future__ import annotations

import copy
import datetime as dt
import os
import textwrap

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core import (BASELINE, LIKELY, SAMPLED, Effect, ExplorerError, ScenarioError, Variable,
                           Workspace, load_scenario_text, run_program)
from explorer.core.conditions import ConditionError, Scope, compile_condition

START, END = dt.date(1940, 1, 1), dt.date(1940, 12, 31)
SPAN = (END - START).days

# WHATIF_EXAMPLES=N multiplies the examples for a longer hunt (default 1: the suite stays quick)
SCALE = int(os.environ.get("WHATIF_EXAMPLES", "1"))
PROPERTY = settings(max_examples=100 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
FUZZ = settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))

NUMS = ("n0", "n1")
BOOLS = ("b0", "b1")
ENUM_VALUES = ("a", "b", "c")


# --- random scenarios ----------------------------------------------------------------------------------

def dates(lo: int = 0, hi: int = SPAN):
    return st.integers(lo, hi).map(lambda d: START + dt.timedelta(days=d))


durations = st.one_of(st.integers(0, 40).map(lambda n: f"{n}d"), st.integers(0, 2).map(lambda n: f"{n}m"),
                      st.integers(0, 60), st.sampled_from(["1w", "2w"]))


@st.composite
def atoms(draw, n_events: int):
    ev = st.integers(0, n_events - 1).map(lambda i: f"ev{i}")
    kind = draw(st.sampled_from(["num", "bool", "enum", "happened", "date", "days_since", "year",
                                 "outcome", "named", "const"]))
    if kind == "num":
        return f"{draw(st.sampled_from(NUMS))} {draw(st.sampled_from(['>=', '<', '==', '!=']))} " \
               f"{draw(st.integers(0, 10))}"
    if kind == "bool":
        return draw(st.sampled_from(BOOLS))
    if kind == "enum":
        return f'e0 {draw(st.sampled_from(["==", "!="]))} "{draw(st.sampled_from(ENUM_VALUES))}"'
    if kind == "happened":
        return f'happened("{draw(ev)}")'
    if kind == "date":
        return f'date {draw(st.sampled_from([">=", "<"]))} "{draw(dates()).isoformat()}"'
    if kind == "days_since":
        return f'days_since("{draw(ev)}") {draw(st.sampled_from([">=", "<"]))} {draw(st.integers(0, 90))}'
    if kind == "year":
        return "year() == 1940"
    if kind == "outcome":
        return f'outcome("{draw(ev)}") {draw(st.sampled_from(["==", "!="]))} "{draw(st.sampled_from(["o0", "o1"]))}"'
    if kind == "named":
        return "c0"
    return draw(st.sampled_from(["true", "1 < 2"]))


def conditions(n_events: int, depth: int = 2):
    base = atoms(n_events)
    if depth == 0:
        return base
    sub = conditions(n_events, depth - 1)
    return st.one_of(
        base, base,
        st.tuples(sub, sub).map(lambda t: f"{t[0]} and {t[1]}"),
        st.tuples(sub, sub).map(lambda t: f"({t[0]}) or ({t[1]})"),
        sub.map(lambda c: f"not ({c})"),
    )


@st.composite
def values(draw):
    var = draw(st.sampled_from(NUMS + BOOLS + ("e0",)))
    if var in NUMS:
        return var, draw(st.integers(-3, 13))
    if var in BOOLS:
        return var, draw(st.booleans())
    return var, draw(st.sampled_from(ENUM_VALUES))


@st.composite
def effects(draw, n_events: int):
    out = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["set", "add", "schedule", "cancel"]))
        if kind == "set":
            var, value = draw(values())
            out.append({"set": {var: value}})
        elif kind == "add":
            out.append({"add": {draw(st.sampled_from(NUMS)): draw(st.integers(-4, 4))}})
        elif kind == "schedule":
            body = {"event": f"ev{draw(st.integers(0, n_events - 1))}", "delay": draw(durations)}
            if draw(st.booleans()):
                body["within"] = draw(st.integers(0, 20))
            out.append({"schedule": body})
        else:
            out.append({"cancel": f"ev{draw(st.integers(0, n_events - 1))}"})
    return out


@st.composite
def events(draw, i: int, n_events: int):
    ev: dict = {"id": f"ev{i}", "title": f"Event {i}"}
    timing = draw(st.sampled_from(["on", "on", "between", "between", "after", "scheduled", "open"]))
    if i == 0:
        timing = "on"  # an event on the first day: the baseline checkpoints from the start
    if timing == "on":
        ev["on"] = START if i == 0 else draw(dates())
    elif timing == "between":
        a, b = sorted([draw(dates()), draw(dates())])
        ev["between"] = [a, b]
    elif timing == "after" and i > 0:
        after = {"event": f"ev{draw(st.integers(0, i - 1))}", "delay": draw(durations)}
        if draw(st.booleans()):
            after["within"] = draw(st.integers(0, 40))
        ev["after"] = after
    elif timing == "scheduled":
        ev["scheduled"] = True
    if draw(st.integers(0, 9)) == 0:
        ev["when"] = False  # latent
    elif draw(st.integers(0, 3)):
        ev["when"] = draw(conditions(n_events))
    chance = draw(st.sampled_from([None, None, None, 0.3, 0.5, 0.8, "n0 / 10", "0.2 + n1 / 20"]))
    if chance is not None:
        ev["chance"] = chance
    elif draw(st.integers(0, 5)) == 0:
        ev["mtth"] = f"{draw(st.integers(1, 60))}d"  # a mean time to happen instead of one roll
    if draw(st.booleans()):
        ev["priority"] = draw(st.integers(-1, 1))
    if draw(st.integers(0, 3)) == 0:
        ev["repeatable"] = True
        ev["cooldown"] = f"{draw(st.integers(5, 60))}d"
    effs = draw(effects(n_events))
    if effs:
        ev["effects"] = effs
    n_out = draw(st.sampled_from([0, 0, 2, 3]))
    if n_out:
        outs = []
        for j in range(n_out):
            o: dict = {"id": f"o{j}", "weight": draw(st.sampled_from([0, 1, 2, 3, "n0 + 1", "n1"]))}
            if draw(st.integers(0, 3)) == 0:
                o["when"] = draw(conditions(n_events, 1))
            oe = draw(effects(n_events))
            if oe:
                o["effects"] = oe
            outs.append(o)
        ev["outcomes"] = outs
    return ev


@st.composite
def divergences(draw, evs: list[dict], branch: str):
    ids = [e["id"] for e in evs]
    with_outcomes = [e for e in evs if "outcomes" in e]
    with_window = [e["id"] for e in evs if "on" in e or "between" in e or
                   not any(k in e for k in ("after", "scheduled"))]
    out = []
    for k in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(["force", "suppress", "outcome", "set", "event"]))
        d: dict = {}
        if kind == "force":
            d["force"] = draw(st.sampled_from(ids))
            ev = next(e for e in evs if e["id"] == d["force"])
            if "outcomes" in ev and draw(st.booleans()):
                d["outcome"] = draw(st.sampled_from([o["id"] for o in ev["outcomes"]]))
            if d["force"] not in with_window or draw(st.booleans()):
                d["on"] = draw(dates())
        elif kind == "suppress":
            d["suppress"] = draw(st.sampled_from(ids))
            if d["suppress"] not in with_window or draw(st.booleans()):
                d["on"] = draw(dates())  # a dateless one of an event that may never happen: see below
        elif kind == "outcome" and with_outcomes:
            ev = draw(st.sampled_from(with_outcomes))
            d["outcome"] = {ev["id"]: draw(st.sampled_from([o["id"] for o in ev["outcomes"]]))}
            if ev["id"] not in with_window or draw(st.booleans()):
                d["on"] = draw(dates())
        elif kind == "event":
            one = {"id": f"oneoff_{branch.replace('-', '_')}_{k}", "title": "One-off"}
            if draw(st.booleans()):
                one["on"] = draw(dates())
            else:
                a, b = sorted([draw(dates()), draw(dates())])
                one["between"] = [a, b]
                if draw(st.booleans()):
                    d["on"] = draw(dates())
            if draw(st.booleans()):
                one["when"] = draw(conditions(len(evs), 1))
            effs = draw(effects(len(evs)))
            if effs:
                one["effects"] = effs
            d["event"] = one
        else:
            var, value = draw(values())
            d["set"] = {var: value}
            d["on"] = draw(dates())
        out.append(d)
    return out


def dump(doc: dict) -> str:
    """The scenario's YAML; an event whose outcome() a condition asks for gets outcomes o0, o1 (asking
    for an outcome an event does not have is a load error)."""
    import re
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    asked = set(re.findall(r'outcome\(\\?"(ev\d+)\\?"\)', text))
    for ev in doc["events"]:
        if ev["id"] in asked and "outcomes" not in ev:
            ev["outcomes"] = [{"id": "o0"}, {"id": "o1"}]
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@st.composite
def scenarios(draw, max_branches: int = 4):
    n = draw(st.integers(5, 25))
    evs = [draw(events(i, n)) for i in range(n)]
    branches = []
    for b in range(draw(st.integers(1, max_branches))):
        bid = f"br{b}"
        parent = draw(st.sampled_from([BASELINE] + [x["id"] for x in branches]))
        branches.append({"id": bid, "parent": parent, "label": f"Branch {b}",
                         "divergences": draw(divergences(evs, bid))})
    doc = {
        "scenario": {"id": "random", "title": "Random", "start": START, "end": END},
        "variables": {
            "n0": {"type": "number", "min": 0, "max": 10, "initial": draw(st.integers(0, 10))},
            "n1": {"type": "number", "initial": draw(st.integers(0, 10))},
            "b0": {"type": "bool", "initial": draw(st.booleans())},
            "b1": {"type": "bool", "initial": draw(st.booleans())},
            "e0": {"type": "enum", "values": list(ENUM_VALUES), "initial": draw(st.sampled_from(ENUM_VALUES))},
        },
        "conditions": {"c0": draw(conditions(n, 1).filter(lambda c: "c0" not in c))},
        "events": evs,
        "branches": branches,
    }
    return load_scenario_text(dump(doc), "random.yaml")


def key(firings) -> list[tuple]:
    return [(f.event, f.ordinal, f.outcome) for f in firings]


def lapse_key(lapses) -> list[tuple]:
    return [(lp.event, lp.ordinal, lp.kind) for lp in lapses]


def check_restarts(ws: Workspace, mode: str, seed: int) -> None:
    for bid in ws.scenario.branch_ids:
        tl = ws.timeline(bid, mode, seed)
        full = ws.full_run(bid, mode, seed)
        assert key(tl.firings) == key(full.firings), bid
        assert tl.firings == full.firings, bid  # reads, writers, causes too
        assert lapse_key(tl.lapsed) == lapse_key(full.lapses), bid
        assert tl.final_state == full.final_state, bid
        if bid != BASELINE:
            assert tl.result.restarted_from is not None, bid  # really restarted from a checkpoint


# --- (a) restart equivalence, (b) naive waking, (c) sampled ----------------------------------------------

@PROPERTY
@given(sc=scenarios(), every=st.integers(1, 3))
def test_restart_from_checkpoint_equals_full_run(sc, every):
    ws = Workspace(sc, checkpoint_every=every)
    check_restarts(ws, LIKELY, 0)


@PROPERTY
@given(sc=scenarios())
def test_a_child_restarts_on_its_fork_day(sc):
    """A branch's run keeps a checkpoint on each day a child with dated divergences forks
    (Workspace._fork_days); the child restarts there, and visiting that day or keeping that checkpoint
    changes nothing in the branch's own history (lapses with what they read included)."""
    ws = Workspace(sc, checkpoint_every=10**9)  # no regular checkpoints but the first day's
    check_restarts(ws, LIKELY, 0)
    for bid in sc.branch_ids:
        tl = ws.timeline(bid)
        assert list(tl.lapsed) == list(ws.full_run(bid).lapses), bid
        b = ws.branch(bid)
        if b.parent is None or not b.divergences or any(d.on is None for d in b.divergences):
            continue
        fork = min(d.ordinal for d in tl.own_divergences)
        parent = ws.timeline(b.parent).result
        if (parent.restarted_from or 0) < fork <= parent.program.end:
            assert tl.result.restarted_from == fork, bid
            assert any(c.ordinal == fork for c in parent.checkpoints), bid


@PROPERTY
@given(sc=scenarios(max_branches=2))
def test_indexed_waking_equals_naive(sc):
    ws = Workspace(sc)
    for bid in sc.branch_ids:
        tl = ws.timeline(bid)
        for mode in (LIKELY, SAMPLED):
            fast = run_program(tl.result.program, tl.divergences, mode=mode, seed=5)
            naive = run_program(tl.result.program, tl.divergences, mode=mode, seed=5, naive=True)
            assert key(fast.firings) == key(naive.firings), (bid, mode)
            assert lapse_key(fast.lapses) == lapse_key(naive.lapses), (bid, mode)
            assert fast.final_state == naive.final_state


@PROPERTY
@given(sc=scenarios(), every=st.integers(1, 3), seed=st.integers(0, 2**32))
def test_sampled_restart_equals_full_run(sc, every, seed):
    ws = Workspace(sc, mode=SAMPLED, seed=seed, checkpoint_every=every)
    check_restarts(ws, SAMPLED, seed)
    again = Workspace(sc, mode=SAMPLED, seed=seed).timeline(sc.branch_ids[-1])
    assert key(again.firings) == key(ws.timeline(sc.branch_ids[-1]).firings)


@PROPERTY
@given(sc=scenarios(), data=st.data())
def test_an_edit_repropagates_exactly_what_it_reaches(sc, data):
    """After `replace_scenario`, every branch equals a fresh computation, and the ones it kept are the
    very same cached objects."""
    ws = Workspace(sc, checkpoint_every=2)
    before = {b: ws.timeline(b) for b in sc.branch_ids}
    program = sc.__dict__.pop("_program")
    new = copy.deepcopy(sc)
    sc.__dict__["_program"] = program
    e = new.events[data.draw(st.integers(0, len(new.events) - 1))]
    edit = data.draw(st.sampled_from(["effect", "when", "chance", "priority"]))
    if edit == "effect":
        e.effects = e.effects + [Effect("add", "n1", 1)]
    elif edit == "when":
        e.when = e.when is False
    elif edit == "chance":
        e.chance = 0.2 if e.chance is None else None
    else:
        e.priority += 1
    stale = ws.replace_scenario(new)
    fresh = Workspace(new)
    for b in new.branch_ids:
        tl, ref = ws.timeline(b), fresh.timeline(b)
        assert key(tl.firings) == key(ref.firings), (b, edit, e.id, stale)
        assert lapse_key(tl.lapsed) == lapse_key(ref.lapsed), (b, edit, e.id)
        assert tl.final_state == ref.final_state
        assert (tl is before[b]) == (b not in stale)


# --- (d) dateless divergences take effect whatever else the branch does -----------------------------------

@st.composite
def dateless_branches(draw):
    """A scenario whose one branch mixes dateless forces (of events with a window) with dateless
    suppress/outcome divergences of any event, in any order, sometimes with a dated `set`."""
    n = draw(st.integers(5, 20))
    evs = [draw(events(i, n)) for i in range(n)]
    windowed = [e["id"] for e in evs if "on" in e or "between" in e or
                not any(k in e for k in ("after", "scheduled"))]
    divs = [{"force": draw(st.sampled_from(windowed))} for _ in range(draw(st.integers(1, 2)))]
    forced = {d["force"] for d in divs}
    for e in evs:
        if e["id"] in forced and draw(st.booleans()):
            e["when"] = False  # latent: only the force brings it, and what follows it, about
    followers = [e["id"] for e in evs if e.get("after", {}).get("event") in forced
                 or any(ef.get("schedule", {}).get("event") == e["id"] for f in evs if f["id"] in forced
                        for ef in f.get("effects", []))]
    pool = followers if followers and draw(st.integers(0, 3)) else [e["id"] for e in evs]
    targets = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True))
    for t in targets:
        ev = next(e for e in evs if e["id"] == t)
        if "outcomes" in ev and draw(st.booleans()):
            divs.append({"outcome": {t: draw(st.sampled_from([o["id"] for o in ev["outcomes"]]))}})
        else:
            divs.append({"suppress": t})
    if draw(st.booleans()):
        var, value = draw(values())
        divs.append({"set": {var: value}, "on": draw(dates())})
    divs = draw(st.permutations(divs))
    doc = {
        "scenario": {"id": "random", "title": "Random", "start": START, "end": END},
        "variables": {
            "n0": {"type": "number", "min": 0, "max": 10, "initial": draw(st.integers(0, 10))},
            "n1": {"type": "number", "initial": draw(st.integers(0, 10))},
            "b0": {"type": "bool", "initial": draw(st.booleans())},
            "b1": {"type": "bool", "initial": draw(st.booleans())},
            "e0": {"type": "enum", "values": list(ENUM_VALUES), "initial": draw(st.sampled_from(ENUM_VALUES))},
        },
        "conditions": {"c0": draw(conditions(n, 1).filter(lambda c: "c0" not in c))},
        "events": evs,
        "branches": [{"id": "br", "label": "Branch", "divergences": divs}],
    }
    return load_scenario_text(dump(doc), "random.yaml")


@PROPERTY
@given(sc=dateless_branches(), every=st.integers(1, 3))
def test_dateless_suppress_and_outcome_take_effect_in_the_branch_they_belong_to(sc, every):
    """A dateless suppress means the event never fires in the branch; a dateless outcome means every
    firing of the event in the branch has that outcome -- also when only the branch's other
    divergences bring the event about (never dated at the scenario's end)."""
    ws = Workspace(sc, checkpoint_every=every)
    tl = ws.timeline("br")
    own = sc.branch("br").divergences
    forced = {d.event for d in own if d.kind == "force"}
    for d, applied in zip(own, tl.own_divergences):
        assert applied.ordinal <= sc.end.toordinal() or d.kind == "force"
        if d.event in forced:
            continue  # a force makes it happen whatever else says
        if d.kind == "suppress":
            assert not tl.happened(d.event), (d.event, applied.date)
        elif d.kind == "outcome":
            assert all(f.outcome == d.outcome for f in tl.firings_of(d.event)), (d.event, applied.date)
    check_restarts(ws, LIKELY, 0)


# --- the condition compiler never fails with anything but ConditionError ---------------------------------

SCOPE = Scope({"trotsky.alive": Variable("trotsky.alive", "bool", True),
               "labor.unrest": Variable("labor.unrest", "number", 40, min=0, max=100),
               "mexico.regime": Variable("mexico.regime", "enum", "a", values=("a", "b")),
               "x": Variable("x", "text", "t")},
              ["coup", "war"], {"ripe": "labor.unrest > 50", "loop": "loop2", "loop2": "loop"})

TOKENS = ["trotsky.alive", "labor.unrest", "mexico.regime", "x", "ripe", "loop", "and", "or", "not", "in",
          "not in", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "//", "%", "**", "(", ")", "[",
          "]", "{", "}", ",", ":", ".", "'a'", '"b"', '"1945-10-01"', "1", "0", "2.5", "1e309", "-1",
          "true", "false", "none", "None", "date", "year()", 'happened("coup")', 'happened("cuop")',
          'outcome("war")', 'days_since("war")', "happened", "happened(1)", "happened(x)", "__import__",
          "__import__('os')", "().__class__", "__class__", "x.__class__", "lambda: 1", "lambda", "x[0]",
          "open(\"f\")", "f'{x}'", "...", "@", "=", ":=", "if", "else", "for", "yield", "await", "*x", "**x",
          "\\", "\n", "\t", "\x00", "#", "'", '"', "é", "🙂", "\u2028", "exec", "eval", "getattr"]


@FUZZ
@given(src=st.one_of(st.text(max_size=60),
                     st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join),
                     st.lists(st.sampled_from(TOKENS), max_size=14).map("".join),
                     st.integers(1, 400).map(lambda n: "(" * n + "1" + ")" * n),
                     st.integers(1, 400).map(lambda n: "not " * n + "true"),
                     st.integers(1, 3000).map(lambda n: "+".join(["1"] * n)),
                     st.integers(1, 200).map(lambda n: "[" * n),
                     st.integers(1, 200).map(lambda n: "x." * n + "y")))
def test_condition_compiler_only_raises_condition_error(src):
    try:
        cond = compile_condition(src, SCOPE)
    except ConditionError as e:
        assert isinstance(e.message, str) and e.message
        assert isinstance(e.col, int) and e.col >= 0
        return
    assert cond.reads <= set(SCOPE.variables)
    assert cond.events <= SCOPE.events
    for term in cond.terms:
        assert term.source


@FUZZ
@given(st.sampled_from(["__import__('os')", "().__class__", "x[0]", "lambda: 1", 'open("f")',
                        "x.__class__", "__builtins__", "(1).real", "[c for c in 'ab']", "{'a': 1}",
                        "1 if true else 2", "f'{x}'", "x := 1", "getattr(x, 'y')", "eval('1')",
                        "labor.unrest ** 2", "labor.unrest // 2", "labor.unrest is 1", "~1",
                        "mexico.regime == 'c'", "happened('nope')", "trotsky.alvie", "happened()",
                        "year(1)", "None + 1", "b'x'", "1j"]))
def test_forbidden_expressions_are_condition_errors(src):
    try:
        compile_condition(src, SCOPE)
    except ConditionError:
        return
    raise AssertionError(f"{src!r} compiled")


# --- the loader never fails with anything but ScenarioError -----------------------------------------------

VALID = textwrap.dedent("""\
    scenario:
      id: fuzz
      title: "Fuzz"
      start: 1940-01-01
      end: 1941-12-31
    variables:
      trotsky.alive: {type: bool, initial: true, label: Trotsky alive}
      labor.unrest: {type: number, min: 0, max: 100, initial: 40}
      mexico.regime: {type: enum, values: [avila, workers], initial: avila}
      leader: {type: text, initial: "Ávila"}
    conditions:
      ripe: labor.unrest >= 60 and trotsky.alive
    events:
      - id: kill
        title: Assassination
        on: 1940-08-20
        when: false
        effects: [{set: {trotsky.alive: false}}]
      - id: strike
        title: Strike
        between: [1940-03-01, 1940-06-30]
        chance: 0.8
        effects:
          - add: {labor.unrest: 25}
          - schedule: {event: rally, delay: 2w, within: 3d}
      - id: rally
        title: Rally
        scheduled: true
        repeatable: true
        cooldown: 30d
      - id: revolution
        title: Revolution
        after: {event: strike, delay: 1m, within: 60d}
        when: ripe and happened("strike")
        outcomes:
          - id: wins
            weight: "labor.unrest / 10"
            effects: [{set: {mexico.regime: workers}}]
          - id: loses
            when: not trotsky.alive
      - id: quiet
        when: date >= "1941-01-01" and year() == 1941 and days_since("strike") > 100
        effects: [{cancel: [rally]}]
    branches:
      - id: dies
        label: Trotsky dies
        divergences: [{force: kill}]
      - id: later
        parent: dies
        divergences:
          - {outcome: {revolution: loses}}
          - {set: {labor.unrest: 90}, on: 1940-05-01}
          - event:
              id: flees
              title: Flees
              on: 1940-03-06
              effects: [{set: {leader: someone}}]
""")


def test_the_fuzz_seed_scenario_is_valid():
    sc = load_scenario_text(VALID, "fuzz.yaml")
    ws = Workspace(sc)
    assert ws.timeline("later").firings


@st.composite
def mutations(draw):
    lines = VALID.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "dedent", "replace",
                                   "truncate"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            pos = draw(st.integers(0, len(lines[i])))
            junk = draw(st.one_of(st.text(max_size=5),
                                  st.sampled_from(["{", "}", "[", "]", ":", "- ", "&a ", "*a", "!!python/object ",
                                                   "? ", "|", ">", "\t", "'", '"', "#", "%", "@", "`", "<<: ",
                                                   "\x00", "\ufeff", "\r", "1e999", "~", "on: ", "yes"])))
            lines[i] = lines[i][:pos] + junk + lines[i][pos:]
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 4)) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip(" ")
        elif op == "replace":
            pos = draw(st.integers(0, max(len(lines[i]) - 1, 0)))
            lines[i] = lines[i][:pos] + draw(st.characters()) + lines[i][pos + 1:]
        else:
            lines = lines[: i + 1]
    return "".join(lines)


@FUZZ
@given(text=mutations())
def test_loader_only_raises_scenario_error_with_positions(text):
    try:
        sc = load_scenario_text(text, "m.yaml")
    except ScenarioError as e:
        assert e.problems
        for p in e.problems:
            assert p.line >= 1 and p.col >= 1, str(p)
            assert p.file == "m.yaml" and p.message
            assert "\n" not in str(p)
        return
    ws = Workspace(sc)
    for bid in sc.branch_ids:
        try:
            ws.timeline(bid)
        except ExplorerError:  # e.g. a force that cannot be placed: a user error, not a crash
            pass
