"""Readable names and prose (issue 13): branch ids from labels, world differences at the end,
why-chains in words, branches in date order."""
from __future__ import annotations

from pathlib import Path

import pytest

from explorer.core import Workspace, load_scenario, load_scenario_text
from explorer.core.edits import slug
from explorer.core.prose import cause_words, timing_words

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("label, expected", [
    ("Gaitán is assassinated", "gaitan-is-assassinated"),
    ("Ávila Camacho dies", "avila-camacho-dies"),
    ("Mercader's ice axe misses", "mercaders-ice-axe-misses"),
    ("The United States invades Mexico in the summer of 1942", "the-united-states-invades-mexico"),
    ("Kennedy announces the quarantine does not happen", "no-kennedy-announces-the-quarantine"),
    ("Ñandú", "nandu"),
    ("“Mercader kills Trotsky” happens on 24 May 1942", "mercader-kills-trotsky-happens"),  # not "...-on-24-may"
    ("“The Mexican Socialist Revolution” happens on 13 June 1942", "the-mexican-socialist-revolution-happens"),
    ("1942", "branch-1942"),
])
def test_branch_ids_from_labels_read_well(label, expected):
    s = slug(label)
    assert s == expected
    assert len(s) <= 40 and s.isascii()


ROUND_TRIP = """
scenario: {id: rt, title: Round trip, start: 1940-01-01, end: 1940-12-31}
variables:
  alive: {type: bool, initial: true, label: Trotsky alive}
  unrest: {type: number, initial: 40, label: Labour unrest}
  mood: {type: number, initial: 0, label: Mood}
events:
  - {id: kill, title: The assassination, on: 1940-08-20, when: false, effects: [{set: {alive: false}}]}
  - {id: strike, title: The strike, on: 1940-03-01, when: alive, effects: [{add: {unrest: 30, mood: 5}}]}
  - {id: calm, title: Calm returns, on: 1940-10-01, when: "mood > 0", effects: [{add: {mood: -5}}]}
  - {id: late, title: A late strike, on: 1940-05-01, when: "not alive", effects: [{add: {mood: 5}}]}
branches:
  - id: dead
    label: Trotsky dies early
    divergences: [{force: kill, on: 1940-02-01}]
  - id: later
    label: A later fork
    divergences: [{set: {unrest: 10}, on: 1940-06-01}]
  - id: earlier
    label: An earlier fork
    divergences: [{set: {unrest: 90}, on: 1940-01-15}]
"""


def test_world_differences_at_the_end_keep_apart_what_only_took_another_course():
    ws = Workspace(load_scenario_text(ROUND_TRIP))
    d = ws.diff("dead")
    assert {v.var for v in d.variables} == {"alive", "unrest", "mood"}
    assert {v.var for v in d.end_differences} == {"alive", "unrest"}
    assert [v.var for v in d.course_only] == ["mood"]  # up in May, back down in October: same end
    assert all(v.final != v.other_final for v in d.end_differences)


def test_why_chains_in_words():
    ws = Workspace(load_scenario_text(ROUND_TRIP))
    sc = ws.scenario
    why = ws.why("baseline", "strike")
    words = [cause_words(sc, c) for c in why.causes]
    assert ("“Trotsky alive” was true from the start", "") in words  # no true_words: the label held true
    why = ws.why("dead", "kill")
    assert cause_words(sc, why.causes[0]) == ("made to happen by the divergence", "")
    assert why.causes[0].title == 'divergence "“The assassination” happens"'
    why = ws.why("dead", "late")
    assert cause_words(sc, why.causes[0]) == ("“Trotsky alive” was false, set by", "")
    m = load_scenario(ROOT / "scenarios" / "missile_crisis.yaml")
    after = next(e for e in m.events if e.timing.kind == "after")
    assert m.event(after.timing.event).title in timing_words(m, after.timing)


def test_report_lists_siblings_by_fork_date():
    from explorer.core.report import tree_order
    ws = Workspace(load_scenario_text(ROUND_TRIP))
    assert tree_order(ws) == ["baseline", "earlier", "dead", "later"]


def test_side_by_side_aligns_two_branches_one_event_per_row():
    from explorer.core.compare import counts, side_by_side
    ws = Workspace(load_scenario_text(ROUND_TRIP))
    rows = side_by_side(ws, "dead", "earlier")
    d = ws.diff("dead", "earlier")
    assert counts(rows) == d.counts()
    assert [p.date for p in rows] == sorted(p.date for p in rows)
    for p in rows:
        assert (p.left_title is None) == (p.status == "gone")
        assert (p.right_title is None) == (p.status == "new")
        assert p.date == min(x for x in (p.left_date, p.right_date) if x)
    kill = next(p for p in rows if p.event == "kill")
    assert kill.status == "new" and kill.left_date.isoformat() == "1940-02-01"
    assert not [p for p in side_by_side(ws, "dead", "earlier", differences_only=True) if p.status == "same"]
    # each side's title is that branch's own title of the event as it ended there (the outcome's too)
    lt, rt = ws.timeline("dead"), ws.timeline("earlier")
    out = {(e.event, e.occurrence): e for e in d.events}
    for p in rows:
        e = out[p.key]
        assert p.left_title == (lt.title(p.event, e.outcome) if p.status != "gone" else None)
        assert p.right_title == (rt.title(p.event, e.other_outcome) if p.status != "new" else None)


def test_event_graph_holds_causes_before_and_consequences_after():
    from explorer.core.causes import event_graph
    ws = Workspace(load_scenario_text(ROUND_TRIP))
    tl = ws.timeline("dead")
    kill = tl.firing("kill")
    cg = event_graph(tl, kill.index)
    roles = {n.key: (n.role, n.depth) for n in cg.nodes}
    assert roles[("event", kill.index)] == ("focus", 0)
    assert roles[("divergence", 0)] == ("cause", -1)  # forced by its divergence
    late = tl.firing("late")
    assert roles[("event", late.index)] == ("effect", 1)  # "not alive" read what the kill set
    assert not any(k[0] == "initial" for k in roles)
    assert (("divergence", 0), ("event", kill.index), "forced") in cg.edges
    rows = [(n.depth, n.row) for n in cg.nodes]
    assert len(rows) == len(set(rows)), "no two nodes share a place"
