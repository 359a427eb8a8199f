"""Every branch of the bundled scenarios reads as history: no narrative mentions an event that has not
happened in that branch by then, or contradicts one that has.

An event's text does not say which events it refers to, so the table below does: a phrase, the events
that must have happened before the firing whose text has it, the events that must not have, and a value
the world must (not) have had the day before. Each row was a text that was untrue in some branch
(the congress promising to lift a martial law never declared, the "first open American attacks" after
an invasion, a junta installed twice...), fixed with a text variant in the scenario.
"""
import datetime as dt
import re
from pathlib import Path

import pytest

from explorer.core import Workspace, load_scenario

ROOT = Path(__file__).resolve().parents[2]
TROTSKY = ROOT / "scenarios" / "trotsky_mexico.yaml"
INVASIONS = ("us_invasion_1942", "allied_intervention", "us_invasion_1946", "dewey_invades_1949",
             "us_invasion_1950")
REPUBLIC_FALLEN = ("republic_collapses", "us_junta_installed", "occupation_installs_junta")

# (phrase, must have happened before, must not have happened before, (variable, value it must not have))
MENTIONS = [
    (r"martial law", ("martial_law",), (), None),
    (r"the first open American attacks on Mexico\.", (), INVASIONS, None),
    (r"armistice of Querétaro", ("queretaro_armistice",), (), None),
    (r"second full-scale invasion", ("queretaro_armistice",), (), None),
    (r"becomes the world's second Trotskyist state", (), REPUBLIC_FALLEN, None),
    (r"A second workers' state in Central America", (), REPUBLIC_FALLEN, None),
    (r"into the total blockade", (), (), ("us.blockade", "total")),
    (r"installs a pro-American military junta", (), ("occupation_installs_junta", "army_counter_coup"), None),
    (r"the occupation has chosen", ("occupation_installs_junta",), (), None),
    (r"provisional council", ("army_counter_coup",), (), None),
    (r"Mercader's failure|after Mercader was caught", ("mercader_captured",), (), None),
    (r"crushed October rising", ("october_rising_crushed",), (), None),
    (r"shelves Operation Condor", ("operation_condor",), (), None),
    (r"the oil treaty", ("oil_compensation_treaty",), (), None),
    (r"Roosevelt's wartime bargain", ("oil_and_braceros_deal",), (), None),
    (r"after the last American soldier left", ("occupation_handover",), (), None),
    (r"German ambassador's flag", ("german_recognition_offer",), (), None),
]
# Trotsky doing something, which a dead Trotsky cannot
TROTSKY_ACTS = re.compile(r"\bTrotsky(, now \d+,)? (declares|convenes|calls|speaks|marks|finishes|publishes|"
                          r"takes|leaves|proclaims|directs|refuses|crosses|turns)\b")


@pytest.fixture(scope="module")
def ws():
    return Workspace(load_scenario(TROTSKY))


def _firings(ws):
    for bid in ws.scenario.branch_ids:
        tl = ws.timeline(bid)
        for f in tl.firings:
            yield bid, tl, f, tl.narrative(f)


def test_the_table_names_real_events(ws):
    for _, needs, forbids, _ in MENTIONS:
        for e in needs + forbids:
            assert ws.scenario.event(e) is not None or any(
                d.rule is not None and d.rule.id == e for b in ws.scenario.branches for d in b.divergences), e


def test_no_text_mentions_what_has_not_happened_in_its_branch(ws):
    wrong = []
    for bid, tl, f, text in _firings(ws):
        before = {g.event for g in tl.firings[:f.index]} | {f.event}
        for phrase, needs, forbids, value in MENTIONS:
            if not re.search(phrase, text):
                continue
            missing = [e for e in needs if e not in before]
            present = [e for e in forbids if e in before and e != f.event]
            if missing:
                wrong.append(f"{bid} {f.date} {f.event}: says '{phrase}' but {missing} had not happened")
            if present:
                wrong.append(f"{bid} {f.date} {f.event}: says '{phrase}' but {present} had happened")
            if value is not None and tl.value_at(value[0], f.date - dt.timedelta(days=1)) == value[1]:
                wrong.append(f"{bid} {f.date} {f.event}: says '{phrase}' but {value[0]} was already {value[1]}")
    assert not wrong, "\n".join(wrong)


def test_a_dead_trotsky_does_nothing(ws):
    wrong = []
    for bid, tl, f, text in _firings(ws):
        if not tl.value_at("trotsky.alive", f.date - dt.timedelta(days=1)) and TROTSKY_ACTS.search(text):
            wrong.append(f"{bid} {f.date} {f.event}: {text[:100]}")
    assert not wrong, "\n".join(wrong)


def test_trotsky_dies_on_the_day_his_death_is_dated(ws):
    """An event that ends Trotsky's life is dated on his death: its text may not put the death days
    later ("collapses … and dies two days later" was dated on the collapse)."""
    wrong = []
    for bid, tl, f, text in _firings(ws):
        if tl.value_at("trotsky.alive", f.date - dt.timedelta(days=1)) and not tl.value_at("trotsky.alive", f.date) \
                and re.search(r"\b(days|weeks|months) later\b", text):
            wrong.append(f"{bid} {f.date} {f.event}: {text[:120]}")
    assert not wrong, "\n".join(wrong)
