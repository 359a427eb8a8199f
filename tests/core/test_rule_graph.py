"""The author's rule graph (issue 13): every edge the compiled program implies, and no other; the tag
filter; a rule's neighbourhood in columns; the whole graph in layers."""
from __future__ import annotations

from pathlib import Path

from explorer.core import load_scenario, load_scenario_text
from explorer.core.program import program_of
from explorer.core.layered import Dummy, count_crossings, order_columns
from explorer.core.rule_graph import RuleGraph, rule_graph

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


def test_layered_order_removes_the_crossings_of_a_hand_made_graph():
    """Barycentre sweeps on three columns: nine crossings in the given order, none after; the long
    edges pass through places of their own in the middle column; the same input, the same order."""
    cols = [["a", "b", "c"], ["d", "e", "f"], ["g", "h"]]
    edges = [("a", "f"), ("b", "e"), ("c", "d"), ("a", "h"), ("c", "g"), ("b", "g")]
    o = order_columns(cols, edges)
    assert (o.first_crossings, o.crossings) == (9, 0)
    assert o.columns == [["a", "b", "c"], ["f", Dummy(3, 1), "e", Dummy(5, 1), "d", Dummy(4, 1)], ["h", "g"]]
    assert o.routes == {3: [Dummy(3, 1)], 4: [Dummy(4, 1)], 5: [Dummy(5, 1)]}
    assert order_columns(cols, edges) == o
    # an edge pointing left takes part reversed; one within a column takes none
    o = order_columns([["a", "b"], ["c", "d"]], [("d", "a"), ("c", "b"), ("a", "b")])
    assert (o.first_crossings, o.crossings, o.columns) == (1, 0, [["a", "b"], ["d", "c"]])
    # groups stay together, in rank order, the given order within each
    o = order_columns([["a", "b", "c", "d"]], [], group={"a": 1, "b": 0, "c": 1, "d": 0}.__getitem__)
    assert o.columns == [["b", "d", "a", "c"]]


def test_count_crossings_counts_pairs_that_swap_between_columns():
    down = {"a": ["d", "e"], "b": ["d"], "c": ["d"]}
    # a-e crosses b-d and c-d; segments sharing an end do not cross
    assert count_crossings([["a", "b", "c"], ["d", "e"]], down) == 2
    assert count_crossings([["a", "b", "c"], ["e", "d"]], down) == 0  # a-e above everything
    assert count_crossings([["b", "c", "a"], ["d", "e"]], down) == 0


def test_whole_graph_is_rules_by_date_in_tag_bands():
    g = graph()
    lay = g.whole()
    place = {p.node.name: (p.col, p.row) for p in lay.nodes}
    # rules only (a variable's edges are in the neighbourhoods), edges between rules
    assert set(place) == {"strike", "crackdown", "revolt", "aftermath"}
    assert {(e.source[1], e.target[1], e.kind) for e in lay.edges} == {
        ("strike", "crackdown", "schedules"), ("revolt", "aftermath", "cancels"),
        ("revolt", "aftermath", "follows"), ("strike", "aftermath", "reads")}
    # dates: the revolt from 1940-01-01, the aftermath 10 days after it, the strike on 1940-03-01, the
    # crackdown (scheduled) 30 days after it: weeks, the span being three months
    assert lay.columns == [(0, "1 Jan 1940"), (1, "8 Jan 1940"), (2, "26 Feb 1940"), (3, "25 Mar 1940")]
    assert [(p.node.name, p.col) for p in lay.nodes] == [("revolt", 0), ("aftermath", 1), ("strike", 2),
                                                        ("crackdown", 3)]
    # bands by first tag, the biggest first (then by name)
    assert [(b.label, b.row, b.rows, b.count) for b in lay.bands] == [("labour", 0, 1, 2), ("military", 1, 1, 2)]
    band = {b.label: range(b.row, b.row + b.rows) for b in lay.bands}
    assert place["strike"][1] in band["labour"] and place["revolt"][1] in band["military"]
    # only the kinds asked for
    assert {e.kind for e in g.whole(("follows",)).edges} == {"follows"}


def test_where_to_start_reading_when_nothing_is_selected():
    from explorer.core.model import Divergence
    import datetime as dt
    g = graph()
    assert g.entry() == ("rule", "revolt")  # the most connected rule
    later = Divergence("suppress", event="strike", on=dt.date(1941, 1, 1))
    first = Divergence("set", values={"army": 10}, on=dt.date(1940, 6, 1))
    assert g.entry([later, first]) == ("var", "army")  # by date, not by place in the list
    assert g.entry([Divergence("suppress", event="nope")]) == ("rule", "revolt")
    assert g.entry([Divergence("suppress", event="nope")], hub=False) is None


def test_whole_graph_on_the_bundled_scenario_is_ordered_and_deterministic():
    sc = load_scenario(ROOT / "scenarios" / "trotsky_mexico.yaml")
    g = rule_graph(program_of(sc))
    assert len(g.rules) == len(sc.events) == 193
    lay = g.whole()
    assert len(lay.nodes) == 193 and all(p.node.kind == "rule" for p in lay.nodes)
    place = {p.node.key: (p.col, p.row) for p in lay.nodes}
    assert len(set(place.values())) == len(place)
    assert [c for c, _ in lay.columns] == sorted(c for c, _ in lay.columns)
    # one rule may happen any time (`when:` only): a column of its own before the years
    assert [label for _, label in lay.columns] == ["any time"] + [str(y) for y in range(1940, 1951)]
    # every `after:` rule stands right of the rule it follows
    assert all(place[e.source][0] < place[e.target][0] for e in lay.edges if e.kind == "follows")
    # the sweeps remove crossings (bilayer counts, long edges through their places); bands cost some
    assert (lay.crossings_unordered, lay.crossings) == (331, 187)
    one = g.whole(bands=False)
    assert [(b.label, b.count) for b in one.bands] == [("all rules", 193)] and one.crossings == 31
    assert {p.node.key: p.col for p in one.nodes} == {p.node.key: p.col for p in lay.nodes}
    # long edges have a place in every column they pass, inside the rows of the layout
    for i, route in lay.routes.items():
        e = lay.edges[i]
        a, b = sorted((place[e.source][0], place[e.target][0]))
        assert [c for c, _, _ in route] == list(range(a + 1, b))
        # ... within their band's rows, clear of the boxes (0.8 of a row tall) in their column
        for c, y, band in route:
            bd = lay.bands[band]
            assert bd.row - 0.7 <= y <= bd.row + bd.rows - 0.3
            assert all(not (p.row - 0.4 < y < p.row + 0.4) for p in lay.nodes if p.col == c)
    again = RuleGraph(g.nodes, g.edges, g.dates).whole()  # computed afresh (a graph keeps its layouts)
    assert again is not lay and g.whole() is lay
    assert [(p.node.key, p.col, p.row) for p in again.nodes] == [(p.node.key, p.col, p.row) for p in lay.nodes]
    assert rule_graph(program_of(sc)) is g  # cached on the program
