"""Save, Save As, New, the `*` title, the unsaved-changes prompt, autosave and the recovery offer."""
from __future__ import annotations

import difflib
import os

from PySide6.QtCore import QSettings, Qt, QTimer

from authoring_support import MISSILE, TROTSKY, commented
from explorer.core import load_scenario, load_scenario_text
from explorer.core.saving import normalized, read_recovery, read_text, recovery_path, same_model
from explorer.ui.authoring import Authoring
from explorer.ui.main_window import MainWindow
from gui_support import answer_box, click_ok, edit_menu_click, pick, right_click_event, wait_dialog


def fork_suppress(qtbot, w, auth, event: str = "quarantine_speech") -> str:
    before = set(w.workspace.scenario.branch_ids)
    pick(qtbot, right_click_event(qtbot, w, auth, event), "whatIf_suppress")
    click_ok(qtbot, wait_dialog(qtbot, auth))
    (bid,) = set(w.workspace.scenario.branch_ids) - before
    return bid


def only_inserted(old: str, new: str) -> list[str]:
    sm = difflib.SequenceMatcher(a=old.splitlines(True), b=new.splitlines(True), autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        assert op in ("equal", "insert"), (op, old.splitlines(True)[i1:i2])
        if op == "insert":
            out += new.splitlines(True)[j1:j2]
    return out


def file_menu_click(qtbot, w, action) -> None:
    bar = w.menuBar()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.actionGeometry(w.file_menu.menuAction()).center())
    qtbot.waitUntil(w.file_menu.isVisible)
    qtbot.mouseClick(w.file_menu, Qt.LeftButton, pos=w.file_menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not w.file_menu.isVisible())


def open_window(qtbot, path, tmp_path, offer=False):
    w = MainWindow(settings=QSettings(str(tmp_path / "s2.ini"), QSettings.IniFormat))
    w.set_scenario(load_scenario(path), path=str(path), fresh=True)
    auth = w.authoring
    if offer:  # as the app does once its window is up
        QTimer.singleShot(0, auth.offer_recovery)
    auth.ask_unsaved = lambda: "discard"
    qtbot.addWidget(w)
    w.show()
    return w, auth


def test_star_in_title_save_and_reopen(qtbot, app_window, scenario_copy, tmp_path):
    w, auth = app_window
    original = read_text(scenario_copy)
    assert not w.windowTitle().startswith("*") and "missile.yaml" in w.windowTitle()
    bid = fork_suppress(qtbot, w, auth)
    assert w.windowTitle().startswith("*")
    file_menu_click(qtbot, w, auth.save_action)
    assert not w.windowTitle().startswith("*")
    saved = read_text(scenario_copy)
    added = only_inserted(original, saved)  # every comment and untouched line kept, byte for byte
    assert any(f"id: {bid}" in ln for ln in added)
    # a second edit and save splice into the saved text
    bid2 = fork_suppress(qtbot, w, auth, "black_saturday")
    qtbot.keyClick(w, Qt.Key_S, Qt.ControlModifier) if w.isActiveWindow() else auth.save_action.trigger()
    only_inserted(saved, read_text(scenario_copy))
    # reopen: the same model
    w2, _ = open_window(qtbot, scenario_copy, tmp_path)
    assert {bid, bid2} <= set(w2.workspace.scenario.branch_ids)
    assert same_model(normalized(w2.workspace.scenario), normalized(w.workspace.scenario))
    # undo after saving makes it unsaved again; redo back to the saved state is clean
    edit_menu_click(qtbot, w, w.undo_action)
    assert w.windowTitle().startswith("*")
    edit_menu_click(qtbot, w, w.redo_action)
    assert not w.windowTitle().startswith("*")


def test_save_as_and_new_scenario(qtbot, app_window, scenario_copy, tmp_path):
    w, auth = app_window
    original = read_text(scenario_copy)
    bid = fork_suppress(qtbot, w, auth)
    other = tmp_path / "copy.yaml"
    auth.ask_save_path = lambda *a: str(other)
    file_menu_click(qtbot, w, auth.save_as_action)
    assert read_text(scenario_copy) == original  # the first file keeps its text
    assert bid in load_scenario(other).branch_ids
    only_inserted(original, read_text(other))  # comments carried into the new file
    assert "copy.yaml" in w.windowTitle() and not w.windowTitle().startswith("*")
    # File > New scenario from the template
    new = tmp_path / "my_world.yaml"
    auth.ask_save_path = lambda *a: str(new)
    file_menu_click(qtbot, w, auth.new_action)
    assert new.exists() and w.workspace.scenario.id == "my-world"
    assert "my_world.yaml" in w.windowTitle() and w.undo_stack.count() == 0
    assert w.workspace.timeline("baseline").happened("war_breaks_out")
    bid = fork_suppress(qtbot, w, auth, "crisis")
    auth.save_action.trigger()
    text = read_text(new)
    assert text.startswith("# A new scenario.") and f"id: {bid}" in text


def test_close_prompt(qtbot, app_window, scenario_copy):
    w, auth = app_window
    auth.ask_unsaved = Authoring.ask_unsaved.__get__(auth)  # the real question
    fork_suppress(qtbot, w, auth)
    answer_box(qtbot, "Cancel")
    assert not w.close()
    assert w.isVisible()
    answer_box(qtbot, "Save")
    assert w.close()
    assert len(load_scenario(scenario_copy).branches) == 5
    assert read_recovery(scenario_copy) is None


def test_close_discarding_drops_the_recovery(qtbot, app_window, scenario_copy):
    w, auth = app_window
    auth.ask_unsaved = Authoring.ask_unsaved.__get__(auth)
    original = read_text(scenario_copy)
    fork_suppress(qtbot, w, auth)
    qtbot.waitUntil(lambda: recovery_path(scenario_copy).exists())
    answer_box(qtbot, "Discard")
    assert w.close()
    assert read_text(scenario_copy) == original and not recovery_path(scenario_copy).exists()


def test_autosave_and_recovery_offer(qtbot, app_window, scenario_copy, tmp_path):
    w, auth = app_window
    original = read_text(scenario_copy)
    bid = fork_suppress(qtbot, w, auth)
    qtbot.waitUntil(lambda: read_recovery(scenario_copy) is not None)
    rec = read_recovery(scenario_copy)
    assert bid in load_scenario_text(rec.text).branch_ids
    only_inserted(original, rec.text)
    # undo back to the saved state: nothing left to recover
    edit_menu_click(qtbot, w, w.undo_action)
    qtbot.waitUntil(lambda: read_recovery(scenario_copy) is None)
    edit_menu_click(qtbot, w, w.redo_action)
    qtbot.waitUntil(lambda: read_recovery(scenario_copy) is not None)
    # a second window on the same file (as after a crash) offers the edits back
    w2, auth2 = open_window(qtbot, scenario_copy, tmp_path, offer=True)
    qtbot.waitUntil(lambda: auth2.recovery_box is not None and auth2.recovery_box.isVisible())
    restore = next(b for b in auth2.recovery_box.buttons() if b.objectName() == "restoreButton")
    qtbot.mouseClick(restore, Qt.LeftButton)
    assert bid in w2.workspace.scenario.branch_ids and w2.windowTitle().startswith("*")
    assert read_text(scenario_copy) == original
    assert "Restore unsaved changes" in w2.undo_action.text()
    auth2.save_action.trigger()
    only_inserted(original, read_text(scenario_copy))
    assert read_recovery(scenario_copy) is None


def test_opening_another_file_asks_about_unsaved_edits(qtbot, app_window, scenario_copy, tmp_path):
    w, auth = app_window
    fork_suppress(qtbot, w, auth)
    asked = []
    auth.ask_unsaved = lambda: asked.append(1) or "cancel"
    assert w.open_path(MISSILE) is False and asked
    assert w.path == str(scenario_copy)
    auth.ask_unsaved = lambda: "discard"
    assert w.open_path(MISSILE) is True
    assert w.path == str(MISSILE) and w.undo_stack.count() == 0 and not w.windowTitle().startswith("*")


def test_commented_bundled_scenario_fork_in_the_app(qtbot, tmp_path):
    """The acceptance check with the bundled scenario when it exists (else the missile crisis)."""
    src = TROTSKY if TROTSKY.exists() else MISSILE
    p = tmp_path / src.name
    text = commented(read_text(src))
    p.write_text(text)
    w, auth = open_window(qtbot, p, tmp_path)
    tl = w.workspace.timeline("baseline")
    f = tl.firings[len(tl.firings) // 3]
    w.selection.select_branch("baseline", (f.event, f.occurrence))
    auth.what_if("suppress")
    click_ok(qtbot, wait_dialog(qtbot, auth))
    assert w.selection.branch != "baseline"
    auth.save()
    added = only_inserted(text, read_text(p))
    assert added and not any("#" in ln for ln in added), added
    assert os.path.getsize(p) > len(text)


def test_save_refuses_to_overwrite_a_file_changed_elsewhere(qtbot, app_window, scenario_copy):
    w, auth = app_window
    fork_suppress(qtbot, w, auth)
    changed = read_text(scenario_copy) + "# added in another editor\n"
    scenario_copy.write_text(changed)
    assert auth.save() is False
    assert "changed by another program" in auth.last_error
    assert read_text(scenario_copy) == changed and w.windowTitle().startswith("*")
    other = scenario_copy.parent / "mine.yaml"
    assert auth.save_as(str(other)) is True
    assert "id: no-kennedy-announces-the-quarantine" in read_text(other)
