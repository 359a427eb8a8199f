"""The inspector speaks in titles and labels (issue 13, finding 13): a why-not's failed outcome and
`after:` predecessor read in prose, the raw condition one click away. Real widgets, real clicks."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

BATTLE = """
scenario: {id: battle, title: Battle, start: 1945-01-01, end: 1946-12-31}
variables:
  militia.strength: {type: number, initial: 80, min: 0, max: 100, label: Red Militia strength}
  mexico.regime:
    type: enum
    values: {republic: The Workers' Republic, pcm_satellite: A Soviet satellite}
    initial: republic
    label: Regime in Mexico
events:
  - id: palace_battle
    title: The battle for the National Palace
    on: 1945-11-09
    outcomes:
      - {id: crushed, title: The coup is crushed, weight: militia.strength}
      - {id: succeeds, title: The coup succeeds, weight: 100 - militia.strength}
  - id: death_announced
    title: Trotsky's death is announced
    after: {event: palace_battle, delay: 1d}
    when: outcome("palace_battle") == "succeeds"
  - id: mexican_crisis
    title: The Mexican crisis
    on: 1946-03-15
    when: mexico.regime == "pcm_satellite"
  - id: mission_withdraws
    title: The Soviet mission withdraws
    after: {event: mexican_crisis, delay: 2m}
"""


def click_link(w, prefix):
    rect = w.inspector.link_rect(prefix)
    assert rect is not None, (prefix, w.inspector.links())
    QTest.mouseClick(w.inspector.browser.viewport(), Qt.LeftButton, Qt.NoModifier,
                     QPoint(rect.center().x(), rect.center().y()))
    QApplication.processEvents()


def test_why_not_words_a_failed_outcome_and_a_predecessors_terms(make_window, tmp_path):
    path = tmp_path / "battle.yaml"
    path.write_text(BATTLE)
    w = make_window(path)
    w.selection.select_branch("baseline", ("death_announced", 1))
    text = w.inspector.browser.toPlainText()
    assert ("needed “The battle for the National Palace” to end “The coup succeeds” "
            "(it ended “The coup is crushed”)") in text
    for ident in ("outcome(", "palace_battle", "crushed\"", "false"):
        assert ident not in text, ident
    click_link(w, "cond:show")  # the raw condition, one click away for authors
    assert 'outcome("palace_battle") == "succeeds"' in w.inspector.browser.toPlainText()
    click_link(w, "cond:hide")
    # an `after:` follower: its predecessor's failed term in words, not "false: mexico.regime == …"
    w.selection.select_branch("baseline", ("mission_withdraws", 1))
    text = w.inspector.browser.toPlainText()
    assert "Why did “The Mexican crisis” not happen?" in text
    assert "Regime in Mexico was The Workers' Republic, from the start" in text
    for ident in ("mexico.regime", "pcm_satellite", "republic\"", "false"):
        assert ident not in text, ident
    click_link(w, "cond:show")
    text = w.inspector.browser.toPlainText()
    assert '“The Mexican crisis” when mexico.regime == "pcm_satellite"' in text
