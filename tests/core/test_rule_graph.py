"""The author's rule graph (issue 13): every edge the compiled program implies, and no other; the tag
filter; a rule's neighbourhood in columns; the whole graph in layers."""
from __future__ import annotations

from pathlib import Path

from explorer.core import load_scenario, load_scenario_text
from explorer.core.program import program_of
from explorer.core.rule_graph import rule_graph

ROOT = Path(__file__).resolve().parents[2]

SMALL = """
scenario: {id: rg, title: Rule graph, start: 1940-01-01, end: 1945-12-31}
variables:
  unrest: {type: number, initial: 40, label: Labour unrest}
  army: {type: number, initial: 60, label: Army loyalty}
  regime: {type: enum, values: {old: the old regime, new: the revolution}, initial: old}
events:
  - id: strike
    title: The strike
    tags: [labour, Mexico]
    on: 1940-03-01
    effects: [{add: {unrest: 30}}, {schedule: {event: crackdown, delay: 30d}}]
  - id: crackdown
    title: The crackdown
    tags: [military]
    when: false
    effects: [{add: {army: -10}}]
  - id: revolt
    title: The revolt
    tags: [military, Mexico]
    between: [1940-01-01, 1944-12-31]
    when: unrest > 60 and army < 55
    outcomes:
      - {id: wins, title: The revolt wins, effects: [{set: {regime: new}}]}
      - {id: fails, title: The revolt fails, effects: [{cancel: aftermath}]}
  - id: aftermath
    title: The aftermath
    tags: [labour]
    after: {event: revolt, delay: 10d}
    when: happened("strike") and regime == "new"
    effects: [{set: {unrest: 0}}]
branches: []
"""


def graph():
    return rule_graph(program_of(load_scenario_text(SMALL)))


def edges(g):
    return {(e.source[1], e.target[1], e.kind) for e in g.edges}


def test_edges_are_what_the_rules_read_write_follow_schedule_and_cancel():
    g = graph()
    assert set(g.rules) == {"strike", "crackdown", "revolt", "aftermath"}
    assert set(g.variables) == {"unrest", "army", "regime"}
    assert edges(g) == {
        ("strike", "unrest", "writes"), ("strike", "crackdown", "schedules"),
        ("crackdown", "army", "writes"),
        ("unrest", "revolt", "reads"), ("army", "revolt", "reads"),
        ("revolt", "regime", "writes"),  # an outcome's effects are the rule's
        ("revolt", "aftermath", "cancels"),
        ("revolt", "aftermath", "follows"),  # `after:`
        ("strike", "aftermath", "reads"), ("regime", "aftermath", "reads"),  # happened(), a variable
        ("aftermath", "unrest", "writes"),
    }
    detail = {(e.source[1], e.target[1], e.kind): e.detail for e in g.edges}
    assert detail[("strike", "unrest", "writes")] == "+ 30"
    assert detail[("crackdown", "army", "writes")] == "− 10"
    assert detail[("revolt", "regime", "writes")] == "= the revolution"  # the value's label
    assert detail[("strike", "crackdown", "schedules")] == "in 30d"
    # words use titles and labels, not identifiers
    e = next(e for e in g.edges if e.kind == "follows")
    assert g.words(e) == "The aftermath follows The revolt"
    assert g.nodes[("var", "unrest")].label == "Labour unrest"


def test_tag_filter_keeps_tagged_rules_and_the_variables_they_touch():
    g = graph()
    assert g.tags == ["labour", "Mexico", "military"]
    mil = g.with_tags("MILIT")  # a part of a tag, case ignored
    assert set(mil.rules) == {"crackdown", "revolt"}
    assert set(mil.variables) == {"army", "unrest", "regime"}
    assert ("crackdown", "army", "writes") in edges(mil)
    assert not any("strike" in (s, t) for s, t, _ in edges(mil))
    both = g.with_tags("labour, military")
    assert set(both.rules) == set(g.rules)
    assert g.with_tags("  ") is g
    assert g.with_tags("navy").rules == []


def test_neighbourhood_puts_what_a_rule_depends_on_left_and_what_depends_on_it_right():
    g = graph()
    lay = g.neighbourhood("revolt", up=2, down=2)
    col = {p.node.key[1]: p.col for p in lay.nodes}
    assert col["revolt"] == 0 and lay.place(("rule", "revolt")).focus
    assert col["unrest"] == -1 and col["army"] == -1  # what it reads
    assert col["strike"] == -2 and col["crackdown"] == -2  # who writes that
    assert col["regime"] == 1 and col["aftermath"] == 1  # what it writes, who follows it / is cancelled
    # rows are distinct within a column
    rows = [(p.col, p.row) for p in lay.nodes]
    assert len(rows) == len(set(rows))
    # every edge shown joins two nodes shown, in neighbouring columns
    assert lay.edges and all(abs(col[e.source[1]] - col[e.target[1]]) <= 1 for e in lay.edges)
    one = g.neighbourhood("revolt", up=1, down=1)
    assert {p.node.key[1] for p in one.nodes} == {"revolt", "unrest", "army", "regime", "aftermath"}
    limited = g.neighbourhood("revolt", up=2, down=2, limit=1)
    assert limited.more > 0 and len(limited.nodes) == 3
    var = g.neighbourhood(("var", "unrest"), up=1, down=1)  # a variable: its writers, its readers
    assert {p.node.key[1]: p.col for p in var.nodes} == {"unrest": 0, "strike": -1, "aftermath": -1, "revolt": 1}
    assert g.neighbourhood("nope").nodes == []


def test_whole_graph_in_layers_on_the_bundled_scenario():
    sc = load_scenario(ROOT / "scenarios" / "trotsky_mexico.yaml")
    g = rule_graph(program_of(sc))
    assert len(g.rules) == len(sc.events) == 193
    lay = g.whole()
    assert len(lay.nodes) == len(g.nodes)
    place = {p.node.key: (p.col, p.row) for p in lay.nodes}
    assert len(set(place.values())) == len(place)
    # most edges run left to right (cycles are broken once)
    forward = sum(place[e.source][0] < place[e.target][0] for e in lay.edges)
    assert forward > 0.7 * len(lay.edges)
    assert rule_graph(program_of(sc)) is g  # cached on the program
