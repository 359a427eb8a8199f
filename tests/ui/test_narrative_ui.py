"""The app shows the text variant that applied in the selected branch, and enum values by label."""
import shutil
from pathlib import Path

from PySide6.QtCore import Qt

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "tests" / "data" / "narrative.yaml"


def click_row(qtbot, w, event_id):
    table = w.timeline.table
    row = next(i for i, r in enumerate(w.timeline.model.visible) if r.key[0] == event_id)
    rect = table.visualRect(w.timeline.model.index(row, 2))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    return row


def test_inspector_and_timeline_show_the_branch_variant(make_window, qtbot, tmp_path):
    p = tmp_path / "narrative.yaml"
    shutil.copy(FILE, p)
    w = make_window(p)
    w.selection.select_branch("leader-dies")
    row = click_row(qtbot, w, "anniversary")
    assert w.selection.event == ("anniversary", 1)
    text = w.inspector.browser.toPlainText()
    assert "The Republic marks its first year without its founder." in text
    assert "The square is silent." in text
    assert "addresses the" not in text
    tip = w.timeline.model.data(w.timeline.model.index(row, 2), Qt.ToolTipRole)
    assert "without its founder" in tip
    # the search box finds events by the words of their text in this branch
    w.timeline.model.set_filters(text="without its founder")
    assert [r.key[0] for r in w.timeline.model.visible] == ["anniversary"]
    w.timeline.model.set_filters(text="")

    w.selection.select_branch("baseline")
    click_row(qtbot, w, "anniversary")
    text = w.inspector.browser.toPlainText()
    assert "The leader, now 61, addresses the Workers' and Peasants' Republic" in text
    assert "The square roars his name." in text


def test_effects_show_enum_labels(make_window, qtbot, tmp_path):
    p = tmp_path / "narrative.yaml"
    shutil.copy(FILE, p)
    w = make_window(p)
    w.selection.select_branch("baseline")
    click_row(qtbot, w, "revolution")
    text = w.inspector.browser.toPlainText()
    assert "The old order → Workers' and Peasants' Republic" in text.replace("\u2192", "→")
