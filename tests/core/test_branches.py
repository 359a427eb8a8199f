"""The branch tree: restarts from checkpoints, diff, explanations, and what an edit re-propagates."""
from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import networkx as nx
import pytest

from explorer.core import (BASELINE, SAMPLED, UnknownName, Why, WhyNot, Workspace, load_scenario,
                           load_scenario_text)

ROOT = Path(__file__).resolve().parents[2]
D = dt.date.fromisoformat

TEXT = textwrap.dedent("""\
    scenario: {id: t, title: T, start: 1940-01-01, end: 1941-12-31}
    variables:
      alive: {type: bool, initial: true, label: Trotsky alive}
      unrest: {type: number, min: 0, max: 100, initial: 40, label: Labour unrest}
      regime: {type: enum, values: [old, new], initial: old}
      place: {type: text, initial: coyoacan}
      ticks: {type: number, initial: 0}
    conditions:
      ripe: unrest >= 60 and alive
    events:
      - id: kill
        title: The assassination
        on: 1940-08-20
        when: false
        effects: [{set: {alive: false}}]
      - id: strike
        title: The general strike
        on: 1940-03-01
        effects: [{add: {unrest: 25}}]
      - id: revolution
        title: The revolution
        between: [1940-09-01, 1940-12-31]
        when: ripe and happened("strike")
        outcomes:
          - {id: wins, title: The workers win, weight: 2, effects: [{set: {regime: new}}]}
          - {id: loses, title: The workers lose}
      - id: republic
        title: The republic is declared
        scheduled: true
      - id: decree
        title: The decree
        after: {event: revolution, delay: 10d}
        when: regime == "new"
        effects: [{schedule: {event: republic, delay: 5d}}]
      - id: tick
        title: Time passes
        between: [1940-01-01, 1941-12-31]
        repeatable: true
        cooldown: 20d
        when: ticks < 1000
        effects: [{add: {ticks: 1}}]
      - id: exile_news
        title: News from the exile
        between: [1940-01-01, 1941-12-31]
        when: place == "havana"
        effects: [{add: {unrest: -30}}]
      - id: late_rule
        title: The late rule
        after: {event: kill, delay: 30d}
        when: true
        effects: [{add: {unrest: 5}}]
    branches:
      - id: dies
        label: Trotsky dies in 1940
        divergences: [{force: kill}]
      - id: loses
        label: The workers lose
        divergences: [{outcome: {revolution: loses}}]
      - id: calm
        parent: dies
        label: no strike
        divergences: [{suppress: strike}]
      - id: calm_flees
        parent: calm
        label: and he flees
        divergences:
          - event:
              id: flees
              title: Trotsky flees to Havana
              on: 1941-02-01
              effects: [{set: {place: havana}}]
      - id: flees
        label: Trotsky flees early
        divergences:
          - event:
              id: flees
              title: Trotsky flees to Havana
              between: [1940-05-01, 1940-06-01]
              when: unrest >= 70
              effects: [{set: {place: havana}}]
          - {set: {unrest: 70}, on: 1940-05-10}
      - id: flees_then_dies
        parent: flees
        label: and then dies
        divergences: [{force: kill, on: 1940-07-01}]
""")


def load(text: str = TEXT):
    return load_scenario_text(text, "t.yaml")


def summary(tl) -> list[tuple]:
    return [(f.event, f.date.isoformat(), f.outcome) for f in tl.firings]


def assert_restart_equals_full_run(ws: Workspace, bid: str) -> None:
    tl = ws.timeline(bid)
    full = ws.full_run(bid)
    assert tl.firings == full.firings, bid
    assert tl.lapsed == full.lapses, bid
    assert tl.final_state == full.final_state, bid
    assert tl.result.first_test == full.first_test, bid


# --- the tree ----------------------------------------------------------------------------------------

def test_tree_structure():
    ws = Workspace(load())
    assert isinstance(ws.tree, nx.DiGraph)
    assert ws.scenario.branch_ids == [BASELINE, "dies", "loses", "calm", "calm_flees", "flees",
                                      "flees_then_dies"]
    assert set(ws.tree.edges) == {(BASELINE, "dies"), (BASELINE, "loses"), ("dies", "calm"),
                                  ("calm", "calm_flees"), (BASELINE, "flees"), ("flees", "flees_then_dies")}
    assert ws.children(BASELINE) == ["dies", "loses", "flees"]
    assert ws.children("calm_flees") == []
    assert [b.id for b in ws.path("calm_flees")] == [BASELINE, "dies", "calm", "calm_flees"]
    assert ws.subtree("dies") == ["dies", "calm", "calm_flees"]
    assert ws.depth(BASELINE) == 0 and ws.depth("calm_flees") == 3
    assert ws.branch("dies").label == "Trotsky dies in 1940"
    with pytest.raises(UnknownName, match=r"no branch 'dise' \(did you mean 'dies'\?\)"):
        ws.branch("dise")


def test_tree_questions_answered_without_networkx_agree_with_its_graph():
    """has_branch, children and subtree come from plain dicts (networkx stays off the app's opening);
    on every bundled scenario and a 200-branch synthetic one they say what the networkx tree says."""
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    from benchmarks.synthetic import make_scenario
    from explorer.core import load_scenario
    scenarios = [load_scenario(p) for p in sorted((root / "scenarios").glob("*.yaml"))]
    for sc in scenarios + [make_scenario(300, n_branches=200)]:
        ws = Workspace(sc)
        order = {b: i for i, b in enumerate(sc.branch_ids)}
        for bid in sc.branch_ids:
            assert ws.has_branch(bid)
            assert ws.children(bid) == sorted(ws.tree.successors(bid), key=order.get)
            assert ws.subtree(bid) == [bid] + sorted(nx.descendants(ws.tree, bid), key=order.get)
        assert not ws.has_branch("no-such-branch")


def test_divergence_dates_and_inherited_divergences():
    ws = Workspace(load())
    assert ws.divergence_date(BASELINE) is None
    assert ws.divergence_date("dies") == D("1940-08-20")  # force without on: first test in the parent
    assert ws.divergence_date("loses") == D("1940-09-01")  # outcome: when it fired in the parent
    assert ws.divergence_date("calm") == D("1940-03-01")  # suppress: when it fired in the parent
    assert ws.divergence_date("calm_flees") == D("1941-02-01")  # one-off event: its own timing
    assert ws.divergence_date("flees") == D("1940-05-01")
    tl = ws.timeline("calm_flees")
    assert [(d.k, d.branch, d.date) for d in tl.divergences] == [
        (0, "dies", D("1940-08-20")), (1, "calm", D("1940-03-01")), (2, "calm_flees", D("1941-02-01"))]
    assert [d.k for d in tl.own_divergences] == [2]


# --- restarts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("every", [1, 2, 3, None])
def test_restart_from_parent_checkpoint_equals_full_run(every):
    ws = Workspace(load(), checkpoint_every=every)
    for bid in ws.scenario.branch_ids:
        assert_restart_equals_full_run(ws, bid)
    if every == 1:
        restarted = {b for b in ws.scenario.branch_ids if ws.timeline(b).result.restarted_from is not None}
        assert restarted == set(ws.scenario.branch_ids) - {BASELINE}
        # a branch equals its parent strictly before its divergence date
        for bid in restarted:
            fork = ws.divergence_date(bid).isoformat()
            parent = ws.timeline(ws.branch(bid).parent)
            assert [f for f in summary(ws.timeline(bid)) if f[1] < fork] == \
                [f for f in summary(parent) if f[1] < fork]


def test_children_restart_on_their_fork_days_at_most_16_per_run():
    """A parent keeps a checkpoint on each dated child's fork day (Workspace._fork_days), at most 16 of
    them per run: with 3 children each restarts on its own day; with 30, 16 or fewer do, evenly spread,
    and every restart still equals the full run."""
    from explorer.core.model import Branch, Divergence
    for n in (3, 30):
        sc = load()
        days = [D("1940-01-20") + dt.timedelta(days=19 * i) for i in range(n)]
        sc.branches += [Branch(f"k{i}", BASELINE, f"Kid {i}", divergences=[
            Divergence("set", values={"unrest": 5 + i}, on=day, label=f"unrest on {day}")])
            for i, day in enumerate(days)]
        ws = Workspace(sc, checkpoint_every=10**9)  # no regular checkpoints but the first day's
        kept = [c.ordinal for c in ws.timeline(BASELINE).result.checkpoints][1:]  # the first day's aside
        on_fork = [f"k{i}" for i, day in enumerate(days)
                   if ws.timeline(f"k{i}").result.restarted_from == day.toordinal()]
        assert len(kept) <= 16 and len(on_fork) == (n if n <= 16 else len(set(kept) & {d.toordinal() for d in days}))
        assert len(on_fork) >= min(n, 8), on_fork
        for i in range(n):
            assert_restart_equals_full_run(ws, f"k{i}")


def test_restart_equals_full_run_in_sampled_mode():
    for seed in range(4):
        ws = Workspace(load(), mode=SAMPLED, seed=seed, checkpoint_every=2)
        for bid in ws.scenario.branch_ids:
            assert_restart_equals_full_run(ws, bid)


def test_restart_equals_full_run_on_missile_crisis():
    sc = load_scenario(ROOT / "scenarios" / "missile_crisis.yaml")
    for every in (1, 4):
        ws = Workspace(sc, checkpoint_every=every)
        for bid in sc.branch_ids:
            assert_restart_equals_full_run(ws, bid)


def _plot(tl) -> list[tuple]:
    return [e for e in summary(tl) if e[0] != "tick"]


def test_hand_checked_timelines():
    ws = Workspace(load())
    base = ws.timeline()
    assert [f.date.isoformat() for f in base.firings_of("tick")][:3] == ["1940-01-01", "1940-01-21",
                                                                           "1940-02-10"]
    assert len(base.firings_of("tick")) == 37  # 731 days, every 20 days
    assert _plot(base) == [
        ("strike", "1940-03-01", None), ("revolution", "1940-09-01", "wins"),
        ("decree", "1940-09-11", None), ("republic", "1940-09-16", None)]
    assert base.final_state == {"alive": True, "unrest": 65, "regime": "new", "place": "coyoacan",
                                "ticks": 37}
    assert [lp.event for lp in base.lapsed] == ["exile_news"]

    dies = ws.timeline("dies")
    assert _plot(dies) == [
        ("strike", "1940-03-01", None), ("kill", "1940-08-20", None), ("late_rule", "1940-09-19", None)]
    assert dies.lapse("revolution").date == D("1940-12-31")
    assert dies.final_state["unrest"] == 70

    calm = ws.timeline("calm")
    assert _plot(calm) == [("kill", "1940-08-20", None), ("late_rule", "1940-09-19", None)]
    calm_flees = ws.timeline("calm_flees")
    assert _plot(calm_flees) == _plot(calm) + [("flees", "1941-02-01", None),
                                                ("exile_news", "1941-02-01", None)]
    assert calm_flees.final_state["unrest"] == 15  # 40 + 5 - 30

    flees = ws.timeline("flees")
    # unrest is 65 on 05-01: the one-off event waits; the set of 05-10 (70) wakes it that day
    assert _plot(flees) == [("strike", "1940-03-01", None), ("flees", "1940-05-10", None),
                            ("exile_news", "1940-05-10", None)]
    assert flees.value_at("unrest", D("1940-05-09")) == 65
    assert flees.value_at("unrest", D("1940-05-10")) == 40
    assert flees.lapse("revolution").date == D("1940-12-31")

    ftd = ws.timeline("flees_then_dies")
    assert _plot(ftd) == [("strike", "1940-03-01", None), ("flees", "1940-05-10", None),
                          ("exile_news", "1940-05-10", None), ("kill", "1940-07-01", None),
                          ("late_rule", "1940-07-31", None)]


def test_timelines_are_cached_and_shared_prefix():
    ws = Workspace(load(), checkpoint_every=2)
    a = ws.timeline("calm_flees")
    runs = ws.runs
    assert ws.timeline("calm_flees") is a
    assert ws.runs == runs
    assert ws.cached("calm") and ws.cached("dies") and ws.cached(BASELINE)
    assert not ws.cached("loses")


# --- diff --------------------------------------------------------------------------------------------

def test_diff_against_parent():
    ws = Workspace(load())
    d = ws.diff("dies")
    assert (d.branch, d.other) == ("dies", BASELINE)
    non_tick = [(e.event, e.status, e.date, e.other_date) for e in d.events if e.event != "tick"]
    assert non_tick == [
        ("strike", "same", D("1940-03-01"), D("1940-03-01")),
        ("kill", "new", D("1940-08-20"), None),
        ("revolution", "gone", None, D("1940-09-01")),
        ("decree", "gone", None, D("1940-09-11")),
        ("republic", "gone", None, D("1940-09-16")),
        ("late_rule", "new", D("1940-09-19"), None)]
    assert {e.event for e in d.new} == {"kill", "late_rule"}
    assert [e.title for e in d.gone] == ["The revolution — The workers win", "The decree",
                                         "The republic is declared"]
    assert [(v.var, v.final, v.other_final, v.first_difference) for v in d.variables] == [
        ("alive", False, True, D("1940-08-20")), ("unrest", 70, 65, D("1940-09-19")),
        ("regime", "old", "new", D("1940-09-01"))]
    counts = d.counts()
    assert counts["new"] == 2 and counts["gone"] == 3 and counts["changed"] == 0
    assert counts["same"] == len(ws.timeline("dies").firings) - 2


def test_diff_changed_outcome_and_against_other_branch():
    ws = Workspace(load())
    d = ws.diff("loses")
    assert [(e.event, e.outcome, e.other_outcome) for e in d.changed] == [("revolution", "loses", "wins")]
    assert [e.event for e in d.gone] == ["decree", "republic"]
    assert [v.var for v in d.variables] == ["regime"]
    # against any other branch
    d2 = ws.diff("calm", BASELINE)
    assert "strike" in [e.event for e in d2.gone] and "kill" in [e.event for e in d2.new]
    d3 = ws.diff("dies", "dies")
    assert d3.differences == [] and d3.variables == []
    # status of each firing in the branch
    tl = ws.timeline("loses")
    assert d.status_of(tl.firing("revolution").index) == "changed"
    assert d.status_of(tl.firing("strike").index) == "same"


def test_diff_changed_date():
    text = TEXT.replace("divergences: [{outcome: {revolution: loses}}]",
                        "divergences: [{suppress: strike}, {force: strike, on: 1940-04-01}]")
    assert text != TEXT
    ws = Workspace(load(text))
    d = ws.diff("loses")
    strike = next(e for e in d.events if e.event == "strike")
    assert (strike.status, strike.date, strike.other_date) == ("changed", D("1940-04-01"), D("1940-03-01"))


# --- explanations ------------------------------------------------------------------------------------

def test_why_text_and_structure():
    no_ticks = TEXT.replace("""  - id: tick
    title: Time passes
    between: [1940-01-01, 1941-12-31]
    repeatable: true
    cooldown: 20d
    when: ticks < 1000
    effects: [{add: {ticks: 1}}]
""", "")
    assert no_ticks != TEXT
    ws = Workspace(load(no_ticks))
    w = ws.why(BASELINE, "republic")
    assert isinstance(w, Why)
    assert (w.event, w.date, w.outcome) == ("republic", D("1940-09-16"), None)
    assert w.text() == textwrap.dedent("""\
        Why did “The republic is declared” happen on 1940-09-16 (branch baseline)?
          - scheduled by “The decree” (1940-09-11)
            - follows “The revolution — The workers win” (1940-09-01)
              - “Trotsky alive” was true from the start
              - Labour unrest was 65, set by “The general strike” (1940-03-01)
              - needed “The general strike” (1940-03-01) to have happened (see above)
            - regime was new, set by “The revolution — The workers win” (1940-09-01) (see above)
          Root causes: “Trotsky alive” was true from the start""")
    [decree] = w.causes
    assert (decree.kind, decree.event, decree.via) == ("event", "decree", "scheduled by")
    rev = decree.causes[0]
    assert (rev.event, rev.via, rev.repeated) == ("revolution", "followed", False)
    assert [(c.kind, c.via) for c in rev.causes] == [
        ("initial", "alive = true"), ("event", "unrest = 65"), ("event", 'happened("strike")')]
    assert rev.causes[2].repeated
    assert decree.causes[1].repeated and decree.causes[1].event == "revolution"
    assert [r.title for r in w.roots] == ["initial alive = true"]

    w = ws.why(BASELINE, "revolution")
    assert w.outcome == "wins" and w.condition == 'ripe and happened("strike")'
    assert w.text().splitlines()[:2] == [  # the outcome is in the title: no id, no raw condition
        "Why did “The revolution — The workers win” happen on 1940-09-01 (branch baseline)?",
        "  - “Trotsky alive” was true from the start"]

    # an outcome chosen by a divergence leads back to it
    w = ws.why("loses", "revolution")
    assert [(c.kind, c.via) for c in w.causes][:2] == [("divergence", "outcome chosen by divergence"),
                                                        ("initial", "alive = true")]
    assert w.text().splitlines()[1] == \
        "  - its outcome was chosen by the divergence “‘The revolution’ ends ‘The workers lose’” (1940-09-01)"
    assert [r.kind for r in w.roots] == ["divergence", "initial"]
    assert ws.causal_graph("loses").edges[("divergence", 0), ("event", ws.timeline("loses").firing(
        "revolution").index)]["kind"] == "outcome"

    w = ws.why("dies", "kill")
    assert w.text() == textwrap.dedent("""\
        Why did “The assassination” happen on 1940-08-20 (branch dies)?
          - made to happen by the divergence “‘The assassination’ happens” (1940-08-20)
          Root causes: the divergence “‘The assassination’ happens” (1940-08-20)""")
    assert [(r.kind, r.index) for r in w.roots] == [("divergence", 0)]
    w = ws.why("dies", "late_rule")
    assert w.causes[0].event == "kill" and w.causes[0].via == "followed"
    assert w.causes[0].causes[0].kind == "divergence"
    assert [r.kind for r in w.roots] == ["divergence"]


def test_why_leads_back_to_a_set_divergence():
    ws = Workspace(load())
    w = ws.why("flees", "flees")
    reads = [(c.kind, c.via, c.index) for c in w.causes]
    # a one-off event first names the divergence that added it (issue 9)
    assert reads == [("divergence", "added by divergence", 0), ("divergence", "unrest = 70", 1)]


def test_why_not_text_and_structure():
    ws = Workspace(load())
    wn = ws.why_not("calm", "revolution")
    assert isinstance(wn, WhyNot)
    assert wn.lapse is not None and wn.lapse.date == D("1940-12-31")
    assert [t.source for t in wn.failed] == ["unrest >= 60", "alive", 'happened("strike")']
    assert wn.failed[0].reads == [("unrest", 45, 'set by "The late rule" on 1940-09-19')]
    assert wn.failed[1].reads == [("alive", False, 'set by "The assassination" on 1940-08-20')]
    assert wn.failed[2].reads == [('happened("strike")', False, "it had not happened")]
    assert wn.text() == textwrap.dedent("""\
        Why did “The revolution” not happen (branch calm)?
          - it could happen between 1940-09-01 and 1940-12-31, and what it needed had not held when that time ran out on 1940-12-31
          What it needed did not hold:
            - needed Labour unrest at least 60; it was 45, set by “The late rule” on 1940-09-19
            - “Trotsky alive” was false, set by “The assassination” on 1940-08-20
            - “The general strike” had not happened""")

    wn = ws.why_not("loses", "decree")
    assert wn.text() == textwrap.dedent("""\
        Why did “The decree” not happen (branch loses)?
          - it could happen 10d after “The revolution”, and what it needed had not held when that time ran out on 1940-09-11
          What it needed did not hold:
            - needed regime to be new; it was old from the start""")
    assert ws.why_not("loses", "republic").reasons == [
        'only a schedule brings it about ("The decree"), and none did']
    assert ws.why_not(BASELINE, "kill").reasons == [
        "it is latent: only a divergence can bring it about"]
    assert ws.why_not("calm", "strike").reasons == [
        'divergence "“The general strike” does not happen" suppresses it from 1940-03-01']
    wn = ws.why_not(BASELINE, "late_rule")
    assert wn.reasons == ['it follows "The assassination", which did not happen']
    assert wn.follows.reasons == ["it is latent: only a divergence can bring it about"]  # nested, its own
    # explain picks why or why not
    assert isinstance(ws.explain(BASELINE, "republic"), Why)
    assert isinstance(ws.explain("dies", "republic"), WhyNot)
    with pytest.raises(UnknownName, match=r"no event 'repubic' \(did you mean 'republic'\?\)"):
        ws.explain(BASELINE, "repubic")
    with pytest.raises(UnknownName, match="ask why not instead"):
        ws.why("dies", "republic")


def test_why_not_with_set_divergence_writer():
    ws = Workspace(load())
    wn = ws.why_not("flees", "revolution")
    assert [t.source for t in wn.failed] == ["unrest >= 60"]
    assert wn.failed[0].reads == [("unrest", 40, 'set by "News from the exile" on 1940-05-10')]
    w = ws.why("flees", "exile_news")
    assert [(c.kind, c.via, c.event) for c in w.causes] == [("event", "place = havana", "flees")]
    assert [(c.kind, c.via) for c in w.causes[0].causes] == [("divergence", "added by divergence"),
                                                             ("divergence", "unrest = 70")]


def test_causal_graph():
    ws = Workspace(load())
    g = ws.causal_graph("dies")
    tl = ws.timeline("dies")
    kill, late = tl.firing("kill").index, tl.firing("late_rule").index
    assert g.has_edge(("divergence", 0), ("event", kill))
    assert g.edges[("event", kill), ("event", late)]["kind"] == "after"
    assert nx.is_directed_acyclic_graph(g)


# --- edits and re-propagation ---------------------------------------------------------------------------

def _all(ws):
    return {b: ws.timeline(b) for b in ws.scenario.branch_ids}


def test_editing_a_rule_only_tested_in_one_subtree_repropagates_only_that_subtree():
    ws = Workspace(load(), checkpoint_every=2)
    before = _all(ws)
    # late_rule follows kill, which only happens in dies (and its subtree) and flees_then_dies
    edited = TEXT.replace("    when: true\n    effects: [{add: {unrest: 5}}]",
                          "    when: true\n    effects: [{add: {unrest: -5}}]")
    assert edited != TEXT
    new = load(edited)
    stale = ws.replace_scenario(new)
    assert stale == {"dies", "calm", "calm_flees", "flees_then_dies"}
    after = _all(ws)
    for b in ("baseline", "loses", "flees"):
        assert after[b] is before[b], b
    for b in stale:
        assert after[b] is not before[b]
    fresh = Workspace(load(edited))
    for b in ws.scenario.branch_ids:
        assert summary(after[b]) == summary(fresh.timeline(b)), b
        assert after[b].final_state == fresh.timeline(b).final_state
        assert_restart_equals_full_run(ws, b)
    assert after["dies"].final_state["unrest"] != before["dies"].final_state["unrest"]


def test_editing_a_rule_tested_in_baseline_repropagates_everything():
    ws = Workspace(load())
    before = _all(ws)
    stale = ws.replace_scenario(load(TEXT.replace("weight: 2, effects", "weight: 0.5, effects")))
    assert stale == set(ws.scenario.branch_ids)
    assert all(ws.timeline(b) is not before[b] for b in stale)
    assert ws.timeline().firing("revolution").outcome == "loses"


def test_editing_a_branch_divergence_invalidates_its_subtree_only():
    ws = Workspace(load(), checkpoint_every=3)
    before = _all(ws)
    edited = TEXT.replace("divergences: [{suppress: strike}]",
                          "divergences: [{suppress: strike, on: 1940-02-01}]")
    assert edited != TEXT
    stale = ws.replace_scenario(load(edited))
    assert stale == {"calm", "calm_flees"}
    after = _all(ws)
    for b in ("baseline", "dies", "loses", "flees", "flees_then_dies"):
        assert after[b] is before[b], b
    fresh = Workspace(load(edited))
    for b in stale:
        assert summary(after[b]) == summary(fresh.timeline(b))
        assert after[b].divergences[-1].date == fresh.timeline(b).divergences[-1].date


def test_adding_and_removing_branches():
    ws = Workspace(load())
    before = _all(ws)
    edited = TEXT + textwrap.indent(textwrap.dedent("""\
        - id: extra
          parent: loses
          divergences: [{set: {alive: false}, on: 1941-01-01}]
    """), "  ")
    stale = ws.replace_scenario(load(edited))
    assert stale == {"extra"}
    assert all(ws.timeline(b) is before[b] for b in before)
    assert ws.timeline("extra").value_at("alive", D("1941-01-02")) is False
    # remove it again: nothing left to recompute
    stale = ws.replace_scenario(load(TEXT))
    assert stale == set()
    with pytest.raises(UnknownName):
        ws.timeline("extra")


def test_structural_edit_drops_everything():
    ws = Workspace(load())
    _all(ws)
    stale = ws.replace_scenario(load(TEXT.replace("initial: coyoacan", "initial: mexico_city")))
    assert stale == set(ws.scenario.branch_ids)


def test_a_later_outcome_divergence_in_a_child_keeps_the_parents_before_its_date():
    text = textwrap.dedent("""\
        scenario: {id: v, title: V, start: 1940-01-01, end: 1940-12-31}
        variables:
          x: {type: number, initial: 0}
        events:
          - id: vote
            between: [1940-01-01, 1940-12-31]
            repeatable: true
            cooldown: 1m
            outcomes: [{id: aye, weight: 2}, {id: nay}]
        branches:
          - id: nays
            divergences: [{outcome: {vote: nay}}]
          - id: then_ayes
            parent: nays
            divergences: [{outcome: {vote: aye}, on: 1940-06-01}]
    """)
    for every in (1, 3):
        ws = Workspace(load(text), checkpoint_every=every)
        assert {f.outcome for f in ws.timeline().firings} == {"aye"}
        assert {f.outcome for f in ws.timeline("nays").firings} == {"nay"}
        votes = [(f.date.isoformat(), f.outcome) for f in ws.timeline("then_ayes").firings]
        assert votes[:6] == [(f"1940-0{m}-01", "nay") for m in range(1, 6)] + [("1940-06-01", "aye")]
        assert {o for d, o in votes if d >= "1940-06-01"} == {"aye"}
        for bid in ws.scenario.branch_ids:
            assert_restart_equals_full_run(ws, bid)


def test_force_of_an_open_event_never_tested_in_the_parent_happens_at_the_start():
    text = textwrap.dedent("""\
        scenario: {id: v, title: V, start: 1940-01-01, end: 1940-12-31}
        variables:
          x: {type: number, initial: 0}
        events:
          - id: anytime
            when: x > 0
        branches:
          - id: never
            divergences: [{suppress: anytime}]
          - id: forced
            parent: never
            divergences: [{force: anytime}]
    """)
    ws = Workspace(load(text))
    assert ws.timeline("never").firings == []
    assert [(f.event, f.date, f.cause) for f in ws.timeline("forced").firings] == [
        ("anytime", D("1940-01-01"), "forced")]


def test_an_edit_that_moves_a_parents_event_repropagates_children_dated_by_it():
    """c never involves the edited rule r, but its `suppress: x` (no `on:`) is dated by when x fires in
    the parent; the edit moves that date, so c must be recomputed too."""
    text = textwrap.dedent("""\
        scenario: {id: s, title: S, start: 1940-01-01, end: 1940-12-31}
        variables:
          v: {type: number, initial: 0}
          u: {type: number, initial: 0}
          w: {type: number, initial: 0}
        events:
          - id: p
            on: 1940-06-01
            when: v == 0
          - id: r
            after: p
            effects: [{add: {w: 0}}]
          - id: x
            between: [1940-01-01, 1940-12-31]
            when: w >= 1 or u >= 1 or date >= "1940-10-01"
        branches:
          - id: c
            divergences: [{set: {v: 1}, on: 1940-03-01}, {set: {u: 1}, on: 1940-07-01}, {suppress: x}]
          - id: c_dated
            divergences: [{set: {v: 1}, on: 1940-03-01}, {set: {u: 1}, on: 1940-07-01},
                          {suppress: x, on: 1940-10-01}]
    """)
    ws = Workspace(load(text))
    before = _all(ws)
    # dated by c's own history (u = 1 brings x about on 07-01), not the parent's 10-01: x never fires
    assert summary(before["c"]) == []
    assert [d.date.isoformat() for d in before["c"].own_divergences][2] == "1940-07-01"
    edited = text.replace("add: {w: 0}", "add: {w: 1}")
    stale = ws.replace_scenario(load(edited))
    assert stale == {"baseline", "c"}
    assert ws.timeline("c_dated") is before["c_dated"]  # not involved, and dated on its own
    fresh = Workspace(load(edited))
    assert summary(fresh.timeline()) == [("p", "1940-06-01", None), ("r", "1940-06-01", None),
                                         ("x", "1940-06-01", None)]
    for b in ws.scenario.branch_ids:
        assert summary(ws.timeline(b)) == summary(fresh.timeline(b)), b
    assert summary(ws.timeline("c")) == []  # suppressed from 06-01 now


def test_a_pause_hook_is_called_inside_runs_and_changes_nothing():
    """Workspace.pause (the app's branch worker steps aside there while the GUI thread works) is
    called inside every run, restarted or full, and every history equals the one without it."""
    sc = load_scenario(ROOT / "scenarios" / "missile_crisis.yaml")
    calls = []
    paused = Workspace(sc, checkpoint_every=2)
    paused.pause = lambda: calls.append(paused.runs)
    plain = Workspace(sc, checkpoint_every=2)
    for bid in sc.branch_ids:
        assert summary(paused.timeline(bid)) == summary(plain.timeline(bid))
        assert_restart_equals_full_run(paused, bid)
    assert set(calls) == set(range(1, paused.runs + 1))  # each run called it
    assert plain.pause is None and paused.copy().pause is paused.pause
