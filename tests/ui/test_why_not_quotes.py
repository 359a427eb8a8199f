"""The inspector's why-not reasons nest quotes as the reports do: 'divergence “‘U-2 …’ does not happen”
suppresses it', not the engine's 'divergence "“U-2 …” does not happen"'. Real window, real scenario."""
from __future__ import annotations


def test_a_suppressing_divergence_reads_with_nested_quotes(make_window, scenario_file):
    text = scenario_file.read_text()
    scenario_file.write_text(text.replace("{suppress: u2_photos, label: The U-2 stays on the ground}",
                                          "{suppress: u2_photos}"))  # no label: the divergence's own words
    w = make_window(scenario_file)
    w.selection.select_branch("no-photos", ("u2_photos", 1))
    shown = w.inspector.browser.toPlainText()
    assert "the divergence “‘U-2 photographs the missile sites’ does not happen” suppresses it" in shown
    (line,) = [x for x in shown.splitlines() if "suppresses it" in x]
    assert '"' not in line and "““" not in line, line
