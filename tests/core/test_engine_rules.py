"""One small scenario per engine rule (DESIGN.md section 3, docs/format.md "Engine semantics")."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from explorer.core import (EngineError, LIKELY, SAMPLED, Workspace, load_scenario_text, program_of,
                           run_program)
from explorer.core.dates import Duration
from explorer.core.serialize import lapse_reason

HEAD = "scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}\n"


def scenario(body: str, head: str = HEAD):
    return load_scenario_text(head + textwrap.dedent(body), "t.yaml")


def timeline(sc, branch="baseline", **kw):
    return Workspace(sc, **kw).timeline(branch)


def fired(tl) -> list[tuple]:
    """(event, ISO date, outcome) for every firing, in order."""
    return [(f.event, f.date.isoformat(), f.outcome) for f in tl.firings]


def dates(tl, event) -> list[str]:
    return [f.date.isoformat() for f in tl.firings_of(event)]


def lapses(tl) -> list[tuple]:
    return [(lp.event, lp.date.isoformat(), lp.kind) for lp in tl.lapsed]


D = dt.date.fromisoformat


# --- timing kinds --------------------------------------------------------------------------------

def test_on_fires_that_day_only():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: fires
            on: 1940-03-01
          - id: misses
            on: 1940-03-01
            when: x > 0
          - id: raise_x
            on: 1940-03-02
            effects: [{add: {x: 1}}]
    """)
    tl = timeline(sc)
    assert fired(tl) == [("fires", "1940-03-01", None), ("raise_x", "1940-03-02", None)]
    # `misses` was tested on its day only: a later change of x does not revive it
    assert lapses(tl) == [("misses", "1940-03-01", "window")]


def test_between_tests_first_day_and_waits_until_last():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: early
            between: [1940-02-01, 1940-04-30]
          - id: waits
            between: [1940-02-01, 1940-04-30]
            when: x >= 1
          - id: too_late
            between: [1940-02-01, 1940-04-30]
            when: x >= 2
          - id: bump
            on: 1940-03-15
            effects: [{add: {x: 1}}]
          - id: bump2
            on: 1940-05-01
            effects: [{add: {x: 1}}]
    """)
    tl = timeline(sc)
    assert dates(tl, "early") == ["1940-02-01"]
    assert dates(tl, "waits") == ["1940-03-15"]
    assert dates(tl, "too_late") == []
    assert lapses(tl) == [("too_late", "1940-04-30", "window")]
    assert tl.first_tested("waits") == D("1940-02-01")


def test_after_with_delay_in_days_weeks_months_years():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: a
            on: 1940-01-31
          - id: by_days
            after: {event: a, delay: 10d}
          - id: by_number
            after: {event: a, delay: 3}
          - id: by_weeks
            after: {event: a, delay: 2w}
          - id: by_month
            after: {event: a, delay: 1m}
          - id: by_year
            after: {event: a, delay: 1y}
          - id: chained
            after: {event: by_month, delay: 1m}
          - id: bare
            after: a
    """, head="scenario: {id: t, title: T, start: 1940-01-01, end: 1941-12-31}\n")
    tl = timeline(sc)
    assert dates(tl, "by_days") == ["1940-02-10"]
    assert dates(tl, "by_number") == ["1940-02-03"]
    assert dates(tl, "by_weeks") == ["1940-02-14"]
    assert dates(tl, "by_month") == ["1940-02-29"]  # Jan 31 + 1 month: the last day of (leap) February
    assert dates(tl, "by_year") == ["1941-01-31"]
    assert dates(tl, "chained") == ["1940-03-29"]
    assert dates(tl, "bare") == ["1940-01-31"]  # no delay: the same day, after its predecessor
    order = [f.event for f in tl.firings]
    assert order.index("a") < order.index("bare")
    assert tl.firing("by_month").cause == "after"
    assert tl.firing("by_month").caused_by == tl.firing("a").index


def test_after_within_waits_and_default_within_is_that_day_only():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: a
            on: 1940-01-10
          - id: strict
            after: {event: a, delay: 5d}
            when: x >= 1
          - id: patient
            after: {event: a, delay: 5d, within: 30d}
            when: x >= 1
          - id: too_patient
            after: {event: a, delay: 5d, within: 30d}
            when: x >= 2
          - id: bump
            on: 1940-01-20
            effects: [{add: {x: 1}}]
          - id: never_pred
            on: 1940-01-11
            when: false
          - id: orphan
            after: never_pred
    """)
    tl = timeline(sc)
    assert dates(tl, "strict") == []
    assert dates(tl, "patient") == ["1940-01-20"]
    assert ("strict", "1940-01-15", "window") in lapses(tl)
    assert ("too_patient", "1940-02-14", "window") in lapses(tl)
    # a follower of an event that never fired is never tested, and does not lapse
    assert tl.first_tested("orphan") is None
    assert "orphan" not in [lp.event for lp in tl.lapsed]


def test_scheduled_only_never_fires_on_its_own():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: lonely
            scheduled: true
          - id: called
            scheduled: true
            effects: [{add: {x: 1}}]
          - id: caller
            on: 1940-05-01
            effects: [{schedule: {event: called, delay: 30d}}]
    """)
    tl = timeline(sc)
    assert fired(tl) == [("caller", "1940-05-01", None), ("called", "1940-05-31", None)]
    assert tl.firing("called").cause == "scheduled"
    assert tl.firing("called").caused_by == tl.firing("caller").index
    assert tl.first_tested("lonely") is None
    assert tl.final_state["x"] == 1


def test_open_timing_fires_any_time_between_start_and_end():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: at_once
          - id: later
            when: x >= 1
          - id: never
            when: x >= 5
          - id: bump
            on: 1940-07-04
            effects: [{add: {x: 1}}]
    """)
    tl = timeline(sc)
    assert dates(tl, "at_once") == ["1940-01-01"]
    assert dates(tl, "later") == ["1940-07-04"]
    assert lapses(tl) == [("never", "1940-12-31", "window")]


# --- waiting, waking and lapsing -------------------------------------------------------------------

def test_waiting_rule_fires_on_the_day_its_variable_changes_not_before():
    sc = scenario("""
        variables:
          unrest: {type: number, min: 0, max: 100, initial: 40}
          other: {type: number, initial: 0}
        events:
          - id: revolution
            between: [1940-01-01, 1940-12-31]
            when: unrest >= 60
          - id: unrelated
            on: 1940-03-01
            effects: [{add: {other: 1}}]
          - id: strike
            on: 1940-04-01
            effects: [{add: {unrest: 10}}]
          - id: strike2
            on: 1940-06-10
            effects: [{add: {unrest: 10}}]
    """)
    tl = timeline(sc)
    assert dates(tl, "revolution") == ["1940-06-10"]
    f = tl.firing("revolution")
    assert [(r.var, r.value, r.writer) for r in f.reads] == [("unrest", 60, tl.firing("strike2").index)]
    # the waking was indexed: revolution is not re-tested because of `unrelated`
    order = [x.event for x in tl.firings]
    assert order == ["unrelated", "strike", "strike2", "revolution"]


def test_waiting_rule_wakes_on_an_event_it_reads():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: follower
            between: [1940-01-01, 1940-12-31]
            when: happened("leader")
          - id: leader
            on: 1940-09-09
    """)
    assert fired(timeline(sc)) == [("leader", "1940-09-09", None), ("follower", "1940-09-09", None)]


def test_lapse_records_date_and_reason():
    sc = scenario("""
        variables:
          trotsky.alive: {type: bool, initial: true}
          unrest: {type: number, initial: 40}
        events:
          - id: revolution
            title: The revolution
            between: [1940-05-01, 1940-08-31]
            when: trotsky.alive and unrest >= 60
          - id: kill
            on: 1940-06-01
            effects: [{set: {trotsky.alive: false}}]
    """)
    tl = timeline(sc)
    lp = tl.lapse("revolution")
    assert (lp.event, lp.date, lp.kind) == ("revolution", D("1940-08-31"), "window")
    seen = {r.var: (r.value, r.writer) for r in lp.reads}
    assert seen == {"trotsky.alive": (False, tl.firing("kill").index), "unrest": (40, None)}
    assert lapse_reason(tl, lp) == "false: trotsky.alive [trotsky.alive = false]; unrest >= 60 [unrest = 40]"


def test_chance_lapse_in_likely_mode():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: unlikely
            on: 1940-02-02
            chance: 0.3
          - id: likely
            on: 1940-02-02
            chance: 0.5
          - id: by_expression
            on: 1940-02-03
            chance: "x / 10 + 0.6"
    """)
    tl = timeline(sc)
    assert fired(tl) == [("likely", "1940-02-02", None), ("by_expression", "1940-02-03", None)]
    lp = tl.lapse("unlikely")
    assert (lp.date, lp.kind) == (D("1940-02-02"), "chance")
    assert lp.detail == "chance 0.30 is below 0.5 (likely mode)"


# --- outcomes ------------------------------------------------------------------------------------

OUTCOMES = """
    variables:
      x: {type: number, initial: 5}
      m: {type: enum, values: [p, q, r], initial: p}
    events:
      - id: heavy
        on: 1940-01-02
        outcomes:
          - {id: light, weight: 1, effects: [{set: {m: q}}]}
          - {id: big, weight: 3, effects: [{set: {m: r}}]}
          - {id: big_too, weight: 3}
      - id: guarded
        on: 1940-01-03
        outcomes:
          - {id: o1, weight: 5, when: x > 10}
          - {id: o2, weight: 1}
      - id: by_weight_expr
        on: 1940-01-04
        outcomes:
          - {id: w1, weight: x}
          - {id: w2, weight: "10 - x + 1"}
      - id: no_eligible
        on: 1940-01-05
        outcomes:
          - {id: n1, when: x > 10}
      - id: defaults
        on: 1940-01-06
        outcomes:
          - {id: d1}
          - {id: d2}
"""


def test_likely_outcome_is_heaviest_ties_by_declaration_order():
    tl = timeline(scenario(OUTCOMES))
    assert tl.firing("heavy").outcome == "big"
    assert tl.final_state["m"] == "r"  # the outcome's effects applied
    assert tl.firing("defaults").outcome == "d1"  # all weights 1: the first


def test_outcome_when_filters_eligible_outcomes_and_none_eligible_waits():
    tl = timeline(scenario(OUTCOMES))
    assert tl.firing("guarded").outcome == "o2"  # o1 heavier but its `when` is false
    assert not tl.happened("no_eligible")  # no outcome may happen: the rule does not fire
    assert lapses(tl) == [("no_eligible", "1940-01-05", "window")]


def test_weight_expressions_are_evaluated_on_the_state():
    tl = timeline(scenario(OUTCOMES))
    assert tl.firing("by_weight_expr").outcome == "w2"  # w1 = 5, w2 = 6
    sc = scenario(OUTCOMES.replace("initial: 5}", "initial: 7}"))
    assert timeline(sc).firing("by_weight_expr").outcome == "w1"  # w1 = 7, w2 = 4


def test_outcome_divergence_forces_the_outcome_and_its_effects():
    sc = scenario(OUTCOMES + """
    branches:
      - id: light
        divergences: [{outcome: {heavy: light}}]
    """)
    ws = Workspace(sc)
    tl = ws.timeline("light")
    assert tl.firing("heavy").outcome == "light"
    assert tl.final_state["m"] == "q"
    assert tl.divergences[0].date == D("1940-01-02")  # effective date: when it fired in the parent
    d = ws.diff("light")
    assert [(e.event, e.status, e.outcome, e.other_outcome) for e in d.changed] == \
        [("heavy", "changed", "light", "big")]


def test_force_with_outcome_overrides_no_eligible_outcome():
    sc = scenario(OUTCOMES + """
    branches:
      - id: b
        divergences: [{force: no_eligible, outcome: n1, on: 1940-02-01}]
    """)
    tl = timeline(sc, "b")
    f = tl.firing("no_eligible")
    assert (f.date, f.outcome, f.cause, f.caused_by) == (D("1940-02-01"), "n1", "forced", -1)


# --- divergences -----------------------------------------------------------------------------------

WORLD = """
    variables:
      alive: {type: bool, initial: true}
      n: {type: number, min: 0, max: 100, initial: 0}
    events:
      - id: kill
        title: The assassination
        on: 1940-08-20
        when: false
        effects: [{set: {alive: false}}]
      - id: funeral
        after: {event: kill, delay: 3d}
      - id: speech
        between: [1940-09-01, 1940-09-30]
        when: alive
      - id: mourning
        when: not alive
      - id: tick
        between: [1940-06-01, 1940-07-15]
        repeatable: true
        cooldown: 10d
        effects: [{add: {n: 1}}]
      - id: may_day
        on: 1940-05-01
        effects: [{add: {n: 1}}]
"""


def test_latent_event_never_fires_on_its_own():
    tl = timeline(scenario(WORLD))
    assert not tl.happened("kill") and not tl.happened("funeral") and not tl.happened("mourning")
    assert tl.happened("speech")
    assert tl.first_tested("kill") == D("1940-08-20")  # tested (so a force knows its date), never fires


def test_force_of_latent_event_and_its_downstream_consequences():
    sc = scenario(WORLD + """
    branches:
      - id: dies
        divergences: [{force: kill}]
    """)
    ws = Workspace(sc)
    tl = ws.timeline("dies")
    assert dates(tl, "kill") == ["1940-08-20"]  # effective date: its first test in the parent
    assert dates(tl, "mourning") == ["1940-08-20"]  # woken by alive changing
    assert dates(tl, "funeral") == ["1940-08-23"]  # its `after:` follower
    assert not tl.happened("speech")
    assert ("speech", "1940-09-30", "window") in lapses(tl)
    assert tl.firing("kill").cause == "forced"
    d = ws.diff("dies")
    assert {e.event for e in d.new} == {"kill", "mourning", "funeral"}
    assert [e.event for e in d.gone] == ["speech"]
    assert [v.var for v in d.variables] == ["alive"]
    assert d.variables[0].first_difference == D("1940-08-20")


def test_force_on_a_date():
    sc = scenario(WORLD + """
    branches:
      - id: early
        divergences: [{force: kill, on: 1940-03-01}]
    """)
    tl = timeline(sc, "early")
    assert dates(tl, "kill") == ["1940-03-01"]
    assert dates(tl, "funeral") == ["1940-03-04"]
    assert tl.firings[0].event == "kill"


def test_a_force_fires_a_rule_that_is_waiting_for_its_condition():
    """A plain rule waiting for a condition that never holds is forced on a date: it fires then. The
    engine's fast path for re-testing a waiting rule took the forced entry for a wake-up and re-tested
    it (false: no firing) unless the branch also suppressed or cancelled something; found by the reuse
    property (tests/core/test_reuse.py), where a branch with a suppress below one with a force fired it."""
    sc = scenario("""
    variables:
      x: {type: number, initial: 0}
    events:
      - id: nudge
        on: 1940-02-01
        effects: [{add: {x: 1}}]
      - id: waiter
        between: [1940-01-01, 1940-12-31]
        when: x >= 5
    branches:
      - id: pushed
        divergences: [{force: waiter, on: 1940-03-01}]
    """)
    assert "waiter" not in [f.event for f in timeline(sc).firings]
    tl = timeline(sc, "pushed")
    assert fired(tl) == [("nudge", "1940-02-01", None), ("waiter", "1940-03-01", None)]
    assert tl.firing("waiter").cause == "forced"


def test_suppress_without_on_starts_when_it_first_happened_in_the_parent():
    sc = scenario(WORLD + """
    branches:
      - id: no_tick
        divergences: [{suppress: tick}]
      - id: stop_tick
        divergences: [{suppress: tick, on: 1940-06-25}]
    """)
    ws = Workspace(sc)
    tl = ws.timeline("no_tick")
    assert not tl.happened("tick")
    assert tl.divergences[0].date == D("1940-06-01")
    assert tl.final_state["n"] == 1
    tl = ws.timeline("stop_tick")
    assert dates(tl, "tick") == ["1940-06-01", "1940-06-11", "1940-06-21"]
    assert ws.why_not("no_tick", "tick").reasons[0] == 'divergence "“tick” does not happen" suppresses it from 1940-06-01'


def test_suppress_of_waiting_rule_that_never_fired_uses_its_first_test():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: waits
            between: [1940-03-01, 1940-10-01]
            when: x > 0
          - id: late
            on: 1940-11-01
            effects: [{add: {x: 1}}]
        branches:
          - id: b
            divergences: [{suppress: waits}]
    """)
    tl = timeline(sc, "b")
    assert tl.divergences[0].date == D("1940-03-01")
    assert not tl.lapsed  # suppressed from its first test: it neither fires nor lapses


def test_set_divergence_applies_at_the_start_of_its_day_before_that_days_events():
    sc = scenario(WORLD + """
    branches:
      - id: fifty
        divergences: [{set: {n: 50}, on: 1940-05-01}]
      - id: too_much
        divergences: [{set: {n: 500}, on: 1940-05-01}]
      - id: dead
        divergences: [{set: {alive: false}, on: 1940-09-01}]
    """)
    ws = Workspace(sc)
    tl = ws.timeline("fifty")
    may_day = tl.firing("may_day")
    assert [(c.var, c.old, c.new) for c in may_day.changes] == [("n", 50, 51)]
    assert tl.final_state["n"] == 56
    assert tl.value_at("n", D("1940-04-30")) == 0
    assert tl.value_at("n", D("1940-05-01")) == 51
    assert ws.timeline("too_much").firing("may_day").changes[0].old == 100  # set clamps too
    dead = ws.timeline("dead")
    assert not dead.happened("speech")  # the set came before the speech's first test that day
    assert dates(dead, "mourning") == ["1940-09-01"]
    assert ("speech", "1940-09-30", "window") in lapses(dead)


def test_force_takes_its_place_in_the_days_priority_order():
    """Issue 9: a forced event fires after the day's higher-priority events (here `ordinary`, 100),
    before those of its own priority or lower."""
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: ordinary
            on: 1940-04-01
            priority: 100
            when: x == 0
          - id: forced
            scheduled: true
            effects: [{set: {x: 1}}]
        branches:
          - id: b
            divergences: [{force: forced, on: 1940-04-01}]
    """)
    tl = timeline(sc, "b")
    assert fired(tl) == [("ordinary", "1940-04-01", None), ("forced", "1940-04-01", None)]
    assert lapses(tl) == []
    low = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: ordinary
            on: 1940-04-01
            when: x == 0
          - id: forced
            scheduled: true
            effects: [{set: {x: 1}}]
        branches:
          - id: b
            divergences: [{force: forced, on: 1940-04-01}]
    """)
    tl = timeline(low, "b")  # equal priority: the force comes first, as a premise
    assert fired(tl) == [("forced", "1940-04-01", None)]
    assert lapses(tl) == [("ordinary", "1940-04-01", "window")]


def test_one_off_event_divergence():
    sc = scenario("""
        variables:
          trotsky.location: {type: text, initial: coyoacan}
        events:
          - id: arrives
            between: [1940-01-01, 1940-12-31]
            when: trotsky.location == "havana"
        branches:
          - id: flees
            label: Trotsky flees
            divergences:
              - event:
                  id: trotsky_flees
                  title: Trotsky flees Mexico City
                  on: 1940-03-06
                  effects: [{set: {trotsky.location: havana}}]
          - id: flees_later
            divergences:
              - on: 1940-06-01
                event:
                  id: trotsky_flees
                  between: [1940-02-01, 1940-11-30]
                  effects: [{set: {trotsky.location: havana}}]
          - id: child
            parent: flees
            divergences:
              - event:
                  id: returns
                  on: 1940-08-01
                  effects: [{set: {trotsky.location: coyoacan}}]
    """)
    ws = Workspace(sc)
    base = ws.timeline()
    assert fired(base) == [] and lapses(base) == [("arrives", "1940-12-31", "window")]
    tl = ws.timeline("flees")
    assert fired(tl) == [("trotsky_flees", "1940-03-06", None), ("arrives", "1940-03-06", None)]
    assert tl.title("trotsky_flees") == "Trotsky flees Mexico City"
    assert tl.divergences[0].date == D("1940-03-06")  # effective date: the event's own timing
    # with `on:` the one-off event does not exist before that date, although its window opens earlier
    assert dates(ws.timeline("flees_later"), "trotsky_flees") == ["1940-06-01"]
    assert [f.event for f in ws.full_run("flees_later").firings] == ["trotsky_flees", "arrives"]
    child = ws.timeline("child")
    assert fired(child) == [("trotsky_flees", "1940-03-06", None), ("arrives", "1940-03-06", None),
                            ("returns", "1940-08-01", None)]
    assert child.final_state == {"trotsky.location": "coyoacan"}
    assert ws.diff("child").counts() == {"same": 2, "new": 1, "changed": 0, "gone": 0}


def test_effective_date_of_force_without_on_uses_window_start_when_never_tested_in_parent():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: pred
            on: 1940-02-01
            when: false
          - id: follows
            after: pred
          - id: windowed
            between: [1940-04-01, 1940-05-01]
            when: false
        branches:
          - id: b
            divergences: [{force: windowed}]
          - id: c
            divergences: [{force: follows}]
    """)
    ws = Workspace(sc)
    assert dates(ws.timeline("b"), "windowed") == ["1940-04-01"]
    with pytest.raises(Exception, match="give the divergence an `on:` date"):
        ws.timeline("c")  # `follows` is never tested in the parent and has no window


def test_divergence_effective_date_in_child_follows_its_parent():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: a
            on: 1940-03-01
          - id: b
            after: {event: a, delay: 10d}
            outcomes: [{id: one, weight: 2}, {id: two}]
        branches:
          - id: late_a
            divergences: [{suppress: a}, {force: a, on: 1940-06-01}]
          - id: child
            parent: late_a
            divergences: [{outcome: {b: two}}]
    """)
    ws = Workspace(sc)
    assert fired(ws.timeline("late_a")) == [("a", "1940-06-01", None), ("b", "1940-06-11", "one")]
    child = ws.timeline("child")
    assert [d.date for d in child.own_divergences] == [D("1940-06-11")]
    assert fired(child) == [("a", "1940-06-01", None), ("b", "1940-06-11", "two")]
    assert ws.divergence_date("child") == D("1940-06-11")


# --- effects ---------------------------------------------------------------------------------------

def test_schedule_and_cancel_effects():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: s
            scheduled: true
            effects: [{add: {x: 1}}]
          - id: s2
            scheduled: true
            effects: [{add: {x: 100}}]
          - id: plan
            on: 1940-03-01
            effects:
              - schedule: {event: s, delay: 10d}
              - schedule: {event: s2, delay: 5d}
          - id: abort
            on: 1940-03-03
            effects: [{cancel: s2}]
          - id: waiter
            between: [1940-03-01, 1940-12-31]
            when: x >= 5
          - id: stop_waiting
            on: 1940-04-01
            effects: [{cancel: [waiter]}]
          - id: again
            on: 1940-05-01
            effects: [{schedule: s2}]
    """)
    tl = timeline(sc)
    assert fired(tl) == [("plan", "1940-03-01", None), ("abort", "1940-03-03", None),
                         ("s", "1940-03-11", None), ("stop_waiting", "1940-04-01", None),
                         ("again", "1940-05-01", None), ("s2", "1940-05-01", None)]
    assert tl.firing("abort").cancelled == ("s2",)
    assert tl.firing("plan").scheduled == ("s", "s2")
    assert tl.final_state["x"] == 101
    assert "waiter" not in [lp.event for lp in tl.lapsed]  # cancelled, not lapsed
    wn = Workspace(sc).why_not("baseline", "waiter")
    assert '"stop_waiting" cancelled it on 1940-04-01' in wn.reasons


def test_set_and_add_clamp_numbers_to_min_and_max():
    sc = scenario("""
        variables:
          n: {type: number, min: 0, max: 10, initial: 5}
          free: {type: number, initial: 5}
          f: {type: number, min: -1.5, max: 2.5, initial: 0.5}
        events:
          - id: up
            on: 1940-02-01
            effects: [{add: {n: 100, free: 100, f: 7}}]
          - id: down
            on: 1940-03-01
            effects: [{add: {n: -1000, free: -1000, f: -9}}]
          - id: set_high
            on: 1940-04-01
            effects: [{set: {n: 99}}]
    """)
    tl = timeline(sc)
    up, down, high = tl.firing("up"), tl.firing("down"), tl.firing("set_high")
    assert [(c.var, c.new) for c in up.changes] == [("n", 10), ("free", 105), ("f", 2.5)]
    assert [(c.var, c.new) for c in down.changes] == [("n", 0), ("free", -895), ("f", -1.5)]
    assert [(c.var, c.new) for c in high.changes] == [("n", 10)]
    assert tl.trajectory("n") == [(D("1940-01-01"), 5), (D("1940-02-01"), 10), (D("1940-03-01"), 0),
                                  (D("1940-04-01"), 10)]


def test_effects_apply_in_order_and_wake_only_changed_readers():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: noop
            on: 1940-02-01
            effects: [{add: {x: 1}}, {add: {x: -1}}]
          - id: watcher
            between: [1940-01-01, 1940-12-31]
            when: x == 1
    """)
    tl = timeline(sc)
    assert [(c.old, c.new) for c in tl.firing("noop").changes] == [(0, 1), (1, 0)]
    assert not tl.happened("watcher")  # tested after the whole firing, when x is 0 again


# --- ordering ----------------------------------------------------------------------------------------

def test_priority_then_declaration_order_on_the_same_day():
    sc = scenario("""
        variables:
          n: {type: number, initial: 0}
        events:
          - id: low
            on: 1940-05-01
            priority: -1
            effects: [{set: {n: 1}}]
          - id: first
            on: 1940-05-01
            effects: [{set: {n: 2}}]
          - id: second
            on: 1940-05-01
            effects: [{set: {n: 4}}]
          - id: high
            on: 1940-05-01
            priority: 5
            effects: [{set: {n: 3}}]
          - id: sees_high
            on: 1940-05-01
            priority: 1
            when: n == 3
    """)
    tl = timeline(sc)
    assert [f.event for f in tl.firings] == ["high", "sees_high", "first", "second", "low"]
    assert tl.final_state["n"] == 1


def test_earlier_dates_come_first_regardless_of_priority():
    sc = scenario("""
        variables:
          n: {type: number, initial: 0}
        events:
          - id: late_high
            on: 1940-05-02
            priority: 99
          - id: early_low
            on: 1940-05-01
            priority: -99
    """)
    assert [f.event for f in timeline(sc).firings] == ["early_low", "late_high"]


# --- repeatable ----------------------------------------------------------------------------------------

def test_repeatable_with_cooldown():
    sc = scenario("""
        variables:
          n: {type: number, initial: 0}
        events:
          - id: monthly
            between: [1940-01-31, 1940-06-30]
            repeatable: true
            cooldown: 1m
            effects: [{add: {n: 1}}]
          - id: daily
            between: [1940-02-01, 1940-02-05]
            repeatable: true
          - id: once
            between: [1940-02-01, 1940-02-05]
          - id: gated
            between: [1940-03-01, 1940-12-31]
            repeatable: true
            cooldown: 30d
            when: n >= 2 and n <= 4
    """)
    tl = timeline(sc)
    assert dates(tl, "monthly") == ["1940-01-31", "1940-02-29", "1940-03-29", "1940-04-29", "1940-05-29",
                                    "1940-06-29"]
    assert dates(tl, "daily") == ["1940-02-01", "1940-02-02", "1940-02-03", "1940-02-04", "1940-02-05"]
    assert dates(tl, "once") == ["1940-02-01"]
    assert [f.occurrence for f in tl.firings_of("monthly")] == [1, 2, 3, 4, 5, 6]
    assert tl.firing("monthly", 2).cause == "rearm"
    # gated: n is 2 from 02-29; fires 03-01, re-armed 30 days later while n <= 4, then waits and lapses
    assert dates(tl, "gated") == ["1940-03-01", "1940-03-31", "1940-04-30"]
    assert tl.lapse("gated").date == D("1940-12-31")


def test_repeatable_forced_again_fires_again():
    sc = scenario("""
        variables:
          n: {type: number, initial: 0}
        events:
          - id: r
            on: 1940-02-01
            repeatable: true
            effects: [{add: {n: 1}}]
          - id: single
            on: 1940-02-01
        branches:
          - id: b
            divergences: [{force: r, on: 1940-03-01}, {force: single, on: 1940-03-01}]
    """)
    tl = timeline(sc, "b")
    assert dates(tl, "r") == ["1940-02-01", "1940-03-01"]
    assert dates(tl, "single") == ["1940-02-01"]  # not repeatable: a second force does nothing
    assert tl.final_state["n"] == 2


# --- runaway guard ---------------------------------------------------------------------------------------

def test_runaway_cycle_of_repeatable_rules_is_an_error_naming_them():
    sc = scenario("""
        variables:
          n: {type: number, initial: 0}
        events:
          - id: ping
            on: 1900-01-01
            repeatable: true
            effects: [{schedule: {event: pong, delay: 0}}]
          - id: pong
            scheduled: true
            repeatable: true
            effects: [{schedule: {event: ping, delay: 0, within: 100y}}]
          - id: bystander
            on: 1900-01-02
    """, head="scenario: {id: t, title: T, start: 1900-01-01, end: 2099-12-31}\n")
    with pytest.raises(EngineError) as e:  # the guard counts firings per day: it ends, however slow the machine
        Workspace(sc).timeline()
    msg = str(e.value)
    assert "runaway" in msg and "ping" in msg and "pong" in msg and "bystander" not in msg


def test_runaway_on_one_day_without_cooldown_gap():
    """A model built in code can bypass the loader's `cooldown >= 1d`: the per-day guard stops it."""
    sc = scenario("""
        variables:
          n: {type: number, initial: 0}
        events:
          - id: ping
            on: 1940-01-05
            repeatable: true
            effects: [{add: {n: 1}}, {schedule: pong}]
          - id: pong
            scheduled: true
            repeatable: true
            effects: [{schedule: ping}]
    """)
    for e in sc.events:
        e.cooldown = Duration()
    sc.__dict__.pop("_program", None)
    program = program_of(sc)
    with pytest.raises(EngineError) as e:
        run_program(program)
    msg = str(e.value)
    assert "1940-01-05" in msg and "ping" in msg and "pong" in msg


def test_delay_zero_cycle_with_cooldown_terminates():
    sc = scenario("""
        variables:
          n: {type: number, initial: 0}
        events:
          - id: ping
            on: 1940-01-05
            repeatable: true
            effects: [{schedule: {event: pong, delay: 0}}]
          - id: pong
            scheduled: true
            repeatable: true
            effects: [{schedule: {event: ping, delay: 0}}]
    """)
    assert fired(timeline(sc)) == [("ping", "1940-01-05", None), ("pong", "1940-01-05", None)]


# --- determinism and sampling --------------------------------------------------------------------------

RANDOM = """
    variables:
      n: {type: number, initial: 0}
      m: {type: enum, values: [a, b, c], initial: a}
    events:
      - id: coin
        between: [1940-01-01, 1940-12-31]
        repeatable: true
        chance: 0.5
        effects: [{add: {n: 1}}]
      - id: dice
        between: [1940-01-01, 1940-12-31]
        repeatable: true
        cooldown: 7d
        outcomes:
          - {id: a, weight: 1, effects: [{set: {m: a}}]}
          - {id: b, weight: 1, effects: [{set: {m: b}}]}
          - {id: c, weight: 2, effects: [{set: {m: c}}]}
      - id: maybe
        on: 1940-06-01
        chance: 0.5
"""


def test_same_inputs_same_timeline():
    sc1, sc2 = scenario(RANDOM), scenario(RANDOM)
    for mode, seed in ((LIKELY, 0), (SAMPLED, 7)):
        a = Workspace(sc1, mode=mode, seed=seed).timeline()
        b = Workspace(sc2, mode=mode, seed=seed).timeline()
        assert fired(a) == fired(b) and lapses(a) == lapses(b) and a.final_state == b.final_state
        r1 = run_program(program_of(sc1), mode=mode, seed=seed)
        r2 = run_program(program_of(sc1), mode=mode, seed=seed)
        assert r1.firings == r2.firings and r1.lapses == r2.lapses


def test_likely_mode_is_deterministic_in_the_seed():
    sc = scenario(RANDOM)
    a, b = (Workspace(sc, mode=LIKELY, seed=s).timeline() for s in (1, 2))
    assert fired(a) == fired(b)
    assert len(a.firings_of("coin")) == 366  # chance 0.5 fires in likely mode, every day
    assert {f.outcome for f in a.firings_of("dice")} == {"c"}


def test_sampled_mode_reproducible_by_seed_and_varies_across_seeds():
    sc = scenario(RANDOM)
    runs = {}
    for seed in range(6):
        a = Workspace(sc, mode=SAMPLED, seed=seed).timeline()
        b = Workspace(sc, mode=SAMPLED, seed=seed).timeline()
        assert fired(a) == fired(b) and lapses(a) == lapses(b)
        runs[seed] = fired(a)
        coins = len(a.firings_of("coin"))
        assert 120 < coins < 246, coins  # about half of 366 daily tries
        outcomes = [f.outcome for f in a.firings_of("dice")]
        assert len(outcomes) == 53 and set(outcomes) == {"a", "b", "c"}
        assert outcomes.count("c") > outcomes.count("a")
    assert len({tuple(r) for r in runs.values()}) == 6
    maybes = {any(e == "maybe" for e, _, _ in r) for r in runs.values()}
    assert maybes == {True, False} or len(runs) < 6


def test_sampled_chance_lapse_names_the_seed():
    sc = scenario(RANDOM)
    tl = Workspace(sc, mode=SAMPLED, seed=3).timeline()
    lp = next(lp for lp in tl.lapsed if lp.event == "coin")
    assert lp.kind == "chance" and lp.detail == "chance 0.50 did not come up (sampled, seed 3)"


def test_sampled_branch_shares_its_parents_draws():
    sc = scenario(RANDOM + """
    branches:
      - id: late
        divergences: [{set: {n: 1000}, on: 1940-11-01}]
    """)
    ws = Workspace(sc, mode=SAMPLED, seed=11)
    base, late = ws.timeline(), ws.timeline("late")
    cut = D("1940-11-01")
    assert [f for f in fired(base) if f[1] < "1940-11-01"] == [f for f in fired(late) if f[1] < "1940-11-01"]
    # n is read by nothing: the draws after the divergence are the same too
    assert [(e, d, o) for e, d, o in fired(base)] == [(e, d, o) for e, d, o in fired(late)]
    assert late.value_at("n", cut) >= 1000


# --- conditions over time and history -------------------------------------------------------------------

def test_named_conditions():
    sc = scenario("""
        variables:
          n: {type: number, initial: 0}
          m: {type: enum, values: [p, q], initial: p}
        conditions:
          ripe: n >= 2 and m == "q"
          very_ripe: ripe and n >= 3
        events:
          - id: a
            on: 1940-02-01
            effects: [{add: {n: 2}}]
          - id: b
            on: 1940-03-01
            effects: [{set: {m: q}}]
          - id: c
            on: 1940-04-01
            effects: [{add: {n: 1}}]
          - id: r
            when: ripe
          - id: rr
            when: very_ripe and not happened("c") or very_ripe and happened("c")
    """)
    tl = timeline(sc)
    assert dates(tl, "r") == ["1940-03-01"]
    assert dates(tl, "rr") == ["1940-04-01"]


def test_date_comparisons_are_retested_as_days_pass():
    sc = scenario("""
        variables:
          x: {type: number, initial: 0}
        events:
          - id: after_oct
            when: date >= "1940-10-01"
          - id: window
            between: [1940-01-01, 1940-12-31]
            when: date > "1940-06-15" and date < "1940-06-17"
          - id: never
            between: [1940-01-01, 1940-03-01]
            when: date >= "1940-10-01"
          - id: unrelated
            on: 1940-03-01
    """)
    tl = timeline(sc)
    assert dates(tl, "after_oct") == ["1940-10-01"]
    assert dates(tl, "window") == ["1940-06-16"]
    assert lapses(tl) == [("never", "1940-03-01", "window")]


def test_happened_outcome_days_since_and_year():
    sc = scenario("""
        variables:
          n: {type: number, initial: 0}
        events:
          - id: a
            on: 1940-02-01
            outcomes: [{id: "yes"}, {id: nope, weight: 0.5}]
          - id: b
            on: 1940-03-01
          - id: by_outcome
            when: outcome("a") == "yes" and days_since("a") >= 10
          - id: not_yet
            when: outcome("b") == none and happened("a") and not happened("b")
          - id: long_ago
            when: days_since("b") > 1000000
          - id: next_year
            when: year() >= 1941
          - id: this_year
            when: year() == 1940 and days_since("b") == 0
    """, head="scenario: {id: t, title: T, start: 1940-01-01, end: 1941-12-31}\n")
    tl = timeline(sc)
    assert dates(tl, "by_outcome") == ["1940-02-11"]
    assert dates(tl, "not_yet") == ["1940-02-01"]
    assert dates(tl, "long_ago") == ["1940-01-01"]  # never happened: a very large number
    assert dates(tl, "next_year") == ["1941-01-01"]
    assert dates(tl, "this_year") == ["1940-03-01"]


def test_naive_and_indexed_waking_agree_on_a_small_case():
    sc = scenario(WORLD + """
    branches:
      - id: dies
        divergences: [{force: kill}]
    """)
    ws = Workspace(sc)
    tl = ws.timeline("dies")
    divs = tl.divergences
    a = run_program(tl.result.program, divs)
    b = run_program(tl.result.program, divs, naive=True)
    assert [(f.event, f.ordinal, f.outcome) for f in a.firings] == \
        [(f.event, f.ordinal, f.outcome) for f in b.firings]
    assert a.lapses == b.lapses
