"""Sensitivity and goal search through the core API, on scenarios whose answers are known."""
import datetime as dt

import pytest

from explorer.core import Workspace, load_scenario_text
from explorer.core.edits import fork
from explorer.core.goals import GoalError
from explorer.core.search import search
from explorer.core.sensitivity import sensitivity

from scenarios import COIN, ONE, TWO


def test_one_suppress_is_the_only_way():
    sc = load_scenario_text(ONE)
    s = sensitivity(sc, goal="alive")
    assert s.base_value is False
    flips = [e for e in s.effects if e.flipped]
    assert [(e.candidate.kind, e.candidate.target) for e in flips] == [("suppress", "attack")]
    assert s.effects[0] is flips[0]  # ranked first
    # the parade and the guards cannot reach `alive`: pruned, not run
    assert all(e.candidate.target not in ("parade", "guards") for e in s.effects)
    r = search(sc, goal="alive")
    assert [[(c.kind, c.target) for c in f.members] for f in r.results] == [[("suppress", "attack")]]
    assert r.results[0].value is True and "− The attack (1900-06-01)" in r.results[0].first_changes


def test_only_two_divergences_reach_the_goal():
    sc = load_scenario_text(TWO)
    assert search(sc, goal="alive", max_divergences=1).results == []
    r = search(sc, goal="alive", max_divergences=2)
    assert len(r.results) == 1
    found = r.results[0]
    assert {(c.kind, c.target) for c in found.members} == {("suppress", "first_attempt"),
                                                            ("suppress", "second_attempt")}
    # written as a branch, the set gives the history that was evaluated
    new, bid = fork(sc, "baseline", found.label(), found.divergences())
    assert Workspace(new).timeline(bid).final_state["alive"] is True
    assert [d.on for d in found.divergences()] == [dt.date(1900, 3, 1), dt.date(1900, 6, 1)]


def test_a_probabilistic_goal():
    sc = load_scenario_text(COIN)
    s = sensitivity(sc, goal="alive", runs=200, seed=1)
    assert 0.35 < s.base_mean < 0.65
    top = s.effects[0]
    assert (top.candidate.kind, top.candidate.target) == ("suppress", "attack")
    assert top.mean == 1.0
    assert 0.35 < top.mean_delta < 0.65 and top.ci[0] > 0.25 and top.ci[1] < 0.75
    assert top.ci[0] < top.mean_delta < top.ci[1]
    # a number goal: the harvest only comes to the living
    w = sensitivity(sc, goal="wealth", runs=100, seed=1)
    sup = next(e for e in w.effects if e.candidate.key == ("suppress", "attack", None))
    assert sup.mean_delta > 0
    r = search(sc, goal="alive", runs=100, seed=1)
    assert (r.results[0].members[0].kind, r.results[0].members[0].target) == ("suppress", "attack")
    assert r.results[0].mean == 1.0


def test_goal_at_a_date_and_pruning_after_it():
    sc = load_scenario_text(TWO)
    s = sensitivity(sc, goal="alive", at=dt.date(1900, 2, 1))
    assert s.base_value is True
    assert s.effects == []  # nothing before 1 February can change it


def test_same_numbers_in_process_and_in_a_pool():
    sc = load_scenario_text(COIN)
    a = sensitivity(sc, goal="alive", runs=60, seed=4).to_dict()
    b = sensitivity(sc, goal="alive", runs=60, seed=4, jobs=2).to_dict()
    assert a == b


def test_kinds_and_between_narrow_the_candidates():
    sc = load_scenario_text(TWO)
    s = sensitivity(sc, goal="alive", kinds=("force",))
    assert {e.candidate.kind for e in s.effects} == {"force"}
    s = sensitivity(sc, goal="alive", between=(dt.date(1900, 5, 1), dt.date(1900, 12, 31)))
    assert all(e.candidate.date >= dt.date(1900, 5, 1) for e in s.effects)


def test_bad_goals_say_why():
    sc = load_scenario_text(ONE)
    with pytest.raises(GoalError, match="unknown"):
        sensitivity(sc, goal="alvie")
    with pytest.raises(GoalError, match="condition"):
        sensitivity(sc, goal="'text'")


def test_search_on_the_bundled_scenario_finds_trotsky_alive(bundled):
    r = search(bundled, goal="trotsky.alive", results=3)
    assert len(r.results) == 3
    keys = [c.key for f in r.results for c in f.members]
    assert len(keys) == len(set(keys))  # diverse
    ws = Workspace(bundled)
    sc = bundled
    for f in r.results:
        sc, bid = fork(sc, "baseline", f.label(), f.divergences())
        assert Workspace(sc).timeline(bid).final_state["trotsky.alive"] is True
    assert ws.timeline("baseline").final_state["trotsky.alive"] is False
