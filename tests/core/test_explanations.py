"""Explanations that say what really happened (issue 9, section 2)."""
from __future__ import annotations

import textwrap

from explorer.core import Workspace, load_scenario_text

HEAD = "scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}\n"

WORLD = HEAD + textwrap.dedent("""
    variables:
      x: {type: number, initial: 0}
      alive: {type: bool, initial: true}
    events:
      - id: coup
        title: The coup
        on: 1940-03-01
        outcomes: [{id: crushed, title: crushed, weight: 3}, {id: succeeds, title: succeeds}]
      - id: purge
        title: The purge
        on: 1940-04-01
        when: outcome("coup") == "succeeds"
      - id: rally
        title: The rally
        on: 1940-05-01
        when: x > 5
      - id: march
        title: The march
        after: {event: rally, delay: 10d}
      - id: kill
        title: The assassination
        on: 1940-06-01
        when: false
        effects: [{set: {alive: false}}]
      - id: funeral
        title: The funeral
        after: {event: kill, delay: 3d}
    branches:
      - id: coup-wins
        divergences: [{outcome: {coup: succeeds}, label: The plotters win}]
      - id: dies
        divergences: [{force: kill, label: Mercader strikes}]
      - id: flees
        parent: dies
        divergences:
          - event: {id: flight, title: The flight, on: 1940-02-01, effects: [{set: {x: 9}}]}
            label: He flees
""")


def ws():
    return Workspace(load_scenario_text(WORLD, "t.yaml"))


def test_an_outcome_term_shows_the_outcome_seen_and_who_chose_it():
    w = ws()
    wn = w.why_not("baseline", "purge")
    assert [(t.source, t.reads) for t in wn.failed] == [
        ('outcome("coup") == "succeeds"',
         [('outcome("coup")', "crushed", 'chosen by weight on 1940-03-01 (likely mode)')])]
    assert ("needed “The coup” to end “succeeds” (it ended “crushed”), chosen by weight on 1940-03-01 "
            "(likely mode)") in wn.text()
    why = w.why("coup-wins", "purge")
    via = [c.via for c in why.causes]
    assert via == ['outcome("coup") = succeeds']
    assert why.causes[0].causes[0].via == "outcome chosen by divergence"


def test_why_not_of_an_after_follower_nests_its_predecessors_why_not():
    wn = ws().why_not("baseline", "march")
    assert wn.reasons == ['it follows "The rally", which did not happen']
    assert wn.failed == []  # the rally's failed terms are the rally's, not the march's
    assert wn.follows is not None and [t.source for t in wn.follows.failed] == ["x > 5"]
    assert wn.text().splitlines() == [
        "Why did “The march” not happen (branch baseline)?",
        "  - it follows “The rally”, which did not happen",
        "    Why did “The rally” not happen (branch baseline)?",
        "      - it could happen only on 1940-05-01, and what it needed did not hold then",
        "      What it needed did not hold:",
        "        - needed x above 5; it was 0 from the start",
    ]


def test_a_one_off_event_names_the_divergence_that_added_it():
    why = ws().why("flees", "flight")
    assert [(c.kind, c.via, c.title) for c in why.causes] == [
        ("divergence", "added by divergence", 'divergence "He flees"')]
    assert "  - added by the divergence “He flees” (1940-02-01)" in why.text().splitlines()


def test_contrast_walks_both_histories_to_where_they_part():
    w = ws()
    c = w.contrast("dies", "baseline", "funeral")
    assert c.text().splitlines()[:4] == [
        "“The funeral” happened in dies on 1940-06-04 but not in baseline.",
        "They part at: the divergence “Mercader strikes” (1940-06-01), in dies only.",
        "  - “The assassination” (1940-06-01): made to happen by the divergence “Mercader strikes” (1940-06-01)",
        "  - “The funeral” (1940-06-04): follows “The assassination” (1940-06-01)",
    ]
    back = w.contrast("baseline", "dies", "funeral")
    assert back.text().splitlines()[0] == "“The funeral” did not happen in baseline but did in dies (1940-06-04)."
    assert "They part at: the divergence “Mercader strikes” (1940-06-01), in dies only." in back.text()
    same = w.contrast("flees", "dies", "rally")
    assert same.text().splitlines()[:2] == [
        "“The rally” happened in flees on 1940-05-01 but not in dies.",
        "They part at: the divergence “He flees” (1940-02-01), in flees only."]
    assert "  - “The rally” (1940-05-01): x was 9, set by “The flight” (1940-02-01)" in same.text().splitlines()


def test_run_lapsed_names_the_outcome_seen():
    from explorer.core.serialize import lapse_reason
    tl = ws().timeline("baseline")
    lp = tl.lapse("purge")
    assert lapse_reason(tl, lp) == ('false: outcome("coup") == "succeeds" [outcome("coup") = crushed '
                                    '(chosen by weight on 1940-03-01 (likely mode))]')


def test_a_report_reads_the_whole_after_chain():
    wn = ws().why_not("baseline", "march")
    assert wn.all_reasons() == ['it follows "The rally", which did not happen',
                                "  (its window (on 1940-05-01) closed on 1940-05-01 with the condition false)"]
    assert [t.source for t in wn.all_failed()] == ["x > 5"]
