"""Branch, rule and variable editing through the real UI, each undone and redone from the Edit menu."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from gui_support import (answer_box_capture, choose, click_event, click_ok, edit_menu_click, outline_menu,
                         pick, type_into, wait_dialog)


def undo_redo(qtbot, w, name: str, undone, redone) -> None:
    """Undo (Ctrl+Z) and redo (the Edit menu's action): readable names, the model swapped each time."""
    assert w.undo_action.text() == f"&Undo {name}" or w.undo_action.text() == f"Undo {name}", w.undo_action.text()
    edit_menu_click(qtbot, w, w.undo_action)  # Edit > Undo …
    assert undone(w.workspace.scenario), "undo"
    assert name in w.redo_action.text()
    edit_menu_click(qtbot, w, w.redo_action)
    assert redone(w.workspace.scenario), "redo"


# --- branches ---------------------------------------------------------------------------------

def test_rename_a_branch(qtbot, app_window):
    w, auth = app_window
    pick(qtbot, outline_menu(qtbot, w, auth, "air-strike"), "editBranchAction")
    dlg = wait_dialog(qtbot, auth)
    assert dlg.id_edit.isReadOnly() and dlg.list.count() == 1
    type_into(qtbot, dlg.label_edit, "")
    assert not dlg.ok_button.isEnabled() and "label" in dlg.error.text()
    qtbot.keyClicks(dlg.label_edit, "Surgical strikes")
    click_ok(qtbot, dlg)
    assert w.workspace.scenario.branch("air-strike").label == "Surgical strikes"
    assert w.selection.branch == "air-strike"
    undo_redo(qtbot, w, "Rename branch “Kennedy orders air strikes” to “Surgical strikes”",
              lambda sc: sc.branch("air-strike").label == "Kennedy orders air strikes",
              lambda sc: sc.branch("air-strike").label == "Surgical strikes")


def test_add_and_edit_divergences(qtbot, app_window):
    w, auth = app_window
    w.selection.select_branch("no-photos")
    edit_menu_click(qtbot, w, auth.edit_branch_action)
    dlg = wait_dialog(qtbot, auth)
    qtbot.mouseClick(dlg.add_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.sub is not None and dlg.sub.isVisible())
    sub = dlg.sub
    form = sub.form
    choose(qtbot, form.kind, "set")
    choose(qtbot, form.values.rows[0][0], "hotline")
    choose(qtbot, form.values.rows[0][1].editor.box, True)
    type_into(qtbot, form.label, "An early hotline")
    click_ok(qtbot, sub)
    assert dlg.list.count() == 2 and "An early hotline" in dlg.list.item(1).text()
    # the list reads in words, not the engine's 'hotline = True on 1962-10-01   [set]'
    assert dlg.list.item(1).text() == ("◆ An early hotline: Moscow and Washington had a hotline, "
                                       "from 1 October 1962")
    # edit the first divergence: suppress another event
    dlg.list.setCurrentRow(0)
    qtbot.mouseClick(dlg.edit_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.sub is not sub and dlg.sub is not None and dlg.sub.isVisible())
    sub2 = dlg.sub
    assert sub2.form.kind.currentData() == "suppress" and sub2.form.event.currentData() == "u2_photos"
    choose(qtbot, sub2.form.event, "black_saturday")
    click_ok(qtbot, sub2)
    assert dlg.list.item(0).text() == "◆ The U-2 stays on the ground: “Black Saturday” does not happen"
    click_ok(qtbot, dlg)
    b = w.workspace.scenario.branch("no-photos")
    assert [d.kind for d in b.divergences] == ["suppress", "set"]
    assert b.divergences[0].event == "black_saturday" and b.divergences[1].values == {"hotline": True}
    tl = w.workspace.timeline("no-photos")
    assert tl.happened("u2_photos") and not tl.happened("black_saturday")
    undo_redo(qtbot, w, "Edit branch “The U-2 flight is cancelled”",
              lambda sc: [d.event for d in sc.branch("no-photos").divergences] == ["u2_photos"],
              lambda sc: len(sc.branch("no-photos").divergences) == 2)


def test_reparent_a_branch(qtbot, app_window):
    w, auth = app_window
    pick(qtbot, outline_menu(qtbot, w, auth, "strike-contained"), "editBranchAction")
    dlg = wait_dialog(qtbot, auth)
    offered = [dlg.parent_box.itemData(i) for i in range(dlg.parent_box.count())]
    assert "strike-contained" not in offered
    choose(qtbot, dlg.parent_box, "no-photos")
    click_ok(qtbot, dlg)
    assert w.workspace.scenario.branch("strike-contained").parent == "no-photos"
    assert w.workspace.children("no-photos") == ["strike-contained"]
    undo_redo(qtbot, w, "Move branch “The commanders hold fire” under “The U-2 flight is cancelled”",
              lambda sc: sc.branch("strike-contained").parent == "air-strike",
              lambda sc: sc.branch("strike-contained").parent == "no-photos")


def test_new_branch_from_the_branch_menu(qtbot, app_window):
    w, auth = app_window
    pick(qtbot, outline_menu(qtbot, w, auth, "air-strike"), "newBranchAction")
    dlg = wait_dialog(qtbot, auth)
    assert dlg.parent_box.currentData() == "air-strike"
    qtbot.keyClicks(dlg.label_edit, "Quiet Saturday")
    assert "divergence" in dlg.error.text() and not dlg.ok_button.isEnabled()
    qtbot.mouseClick(dlg.add_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.sub is not None and dlg.sub.isVisible())
    choose(qtbot, dlg.sub.form.event, "black_saturday")
    click_ok(qtbot, dlg.sub)
    click_ok(qtbot, dlg)
    assert w.selection.branch == "quiet-saturday"
    assert w.workspace.scenario.branch("quiet-saturday").parent == "air-strike"
    undo_redo(qtbot, w, "New branch “Quiet Saturday”", lambda sc: sc.branch("quiet-saturday") is None,
              lambda sc: sc.branch("quiet-saturday") is not None)


def test_delete_a_branch_with_children_asks_first(qtbot, app_window):
    w, auth = app_window
    menu = outline_menu(qtbot, w, auth, "air-strike")
    seen: list[str] = []
    answer_box_capture(qtbot, "Cancel", seen)
    pick(qtbot, menu, "deleteBranchAction")
    qtbot.waitUntil(lambda: bool(seen))
    assert "1 child branch (strike-contained)" in seen[0] and "2 branches in all" in seen[0]
    assert "air-strike" in w.workspace.scenario.branch_ids  # cancelled
    seen.clear()
    answer_box_capture(qtbot, "Delete", seen)
    edit_menu_click(qtbot, w, auth.delete_branch_action)
    qtbot.waitUntil(lambda: "air-strike" not in w.workspace.scenario.branch_ids)
    assert "strike-contained" not in w.workspace.scenario.branch_ids
    assert w.selection.branch == "baseline"
    undo_redo(qtbot, w, "Delete branch “Kennedy orders air strikes” and 1 below it",
              lambda sc: {"air-strike", "strike-contained"} <= set(sc.branch_ids),
              lambda sc: "air-strike" not in sc.branch_ids)


def test_delete_a_leaf_branch(qtbot, app_window):
    w, auth = app_window
    seen: list[str] = []
    answer_box_capture(qtbot, "Delete", seen)
    pick(qtbot, outline_menu(qtbot, w, auth, "no-photos"), "deleteBranchAction")
    qtbot.waitUntil(lambda: "no-photos" not in w.workspace.scenario.branch_ids)
    assert "Delete the branch “The U-2 flight is cancelled”?" in seen[0]


# --- rules --------------------------------------------------------------------------------------

def test_rule_form_validates_the_condition_as_you_type(qtbot, app_window):
    w, auth = app_window
    click_event(qtbot, w, "black_saturday")
    qtbot.mouseClick(auth.rule_button, Qt.LeftButton)
    dlg = wait_dialog(qtbot, auth)
    when = dlg.when
    assert when.edit.text() == "crisis_open and tension >= 70"
    assert "reads missiles.in_cuba, tension, war" in when.info.text()
    assert dlg.save_button.isEnabled()
    type_into(qtbot, when.edit, "crisis_open and tensoin >= 60")
    assert "unknown variable 'tensoin' (did you mean 'tension'?)" in when.info.text()
    assert "unknown variable 'tensoin'" in dlg.error.text() and dlg.error.isVisible()
    assert not dlg.save_button.isEnabled()
    qtbot.mouseClick(dlg.save_button, Qt.LeftButton)  # disabled: nothing happens
    assert dlg.isVisible()
    type_into(qtbot, when.edit, "crisis_open and tension >= 60 and not happened(\"u2_photo\")")
    assert "u2_photo" in dlg.error.text() and not dlg.save_button.isEnabled()
    type_into(qtbot, when.edit, "crisis_open and tension >= 90")
    assert dlg.save_button.isEnabled() and not dlg.error.isVisible()
    qtbot.keyClicks(dlg.tags, ", crisis")
    no_photos = w.workspace.timeline("no-photos")
    click_ok(qtbot, dlg)
    rule = w.workspace.scenario.event("black_saturday")
    assert rule.when == "crisis_open and tension >= 90" and rule.tags == ["military", "crisis"]
    assert not w.workspace.timeline("baseline").happened("black_saturday")  # 85 < 90: worked out again
    undo_redo(qtbot, w, "Edit rule “Black Saturday”",
              lambda sc: sc.event("black_saturday").when == "crisis_open and tension >= 70",
              lambda sc: sc.event("black_saturday").when == "crisis_open and tension >= 90")
    del no_photos


def test_saving_a_rule_repropagates_only_the_branches_it_can_affect(qtbot, app_window):
    w, auth = app_window
    for b in w.workspace.scenario.branch_ids:
        w.workspace.timeline(b)
    untouched = w.workspace.timeline("no-photos")  # without the photos, ExComm never meets
    baseline = w.workspace.timeline("baseline")
    click_event(qtbot, w, "excomm_decides")
    qtbot.mouseClick(auth.rule_button, Qt.LeftButton)
    dlg = wait_dialog(qtbot, auth)
    dlg.outcome_list.setCurrentRow(0)
    qtbot.mouseClick(dlg.edit_outcome, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.sub is not None and dlg.sub.isVisible())
    type_into(qtbot, dlg.sub.weight, "0.5")
    click_ok(qtbot, dlg.sub)
    assert "weight 0.5" in dlg.outcome_list.item(0).text()
    click_ok(qtbot, dlg)
    assert w.workspace.timeline("no-photos") is untouched
    assert w.workspace.timeline("baseline") is not baseline
    assert w.workspace.timeline("baseline").firing("excomm_decides").outcome == "air_strike"


def test_new_event_rule(qtbot, app_window):
    w, auth = app_window
    auth.new_rule_action.trigger()
    dlg = wait_dialog(qtbot, auth)
    qtbot.keyClicks(dlg.title_edit, "Kennedy visits Berlin")
    assert dlg.id_edit.text() == "kennedy_visits_berlin"
    choose(qtbot, dlg.timing, "between")
    qtbot.keyClicks(dlg.when.edit, "not war and not hotlin")
    assert "hotlin" in dlg.error.text() and not dlg.save_button.isEnabled()
    qtbot.keyClicks(dlg.when.edit, "e")
    assert "reads hotline, war" in dlg.when.info.text()
    qtbot.mouseClick(dlg.effects.add_button, Qt.LeftButton)
    row = dlg.effects.rows[0]
    choose(qtbot, row["kind"], "add")
    choose(qtbot, row["target"], "tension")
    qtbot.keyClicks(row["value"], "-5")
    assert dlg.save_button.isEnabled(), dlg.error.text()
    click_ok(qtbot, dlg)
    rule = w.workspace.scenario.event("kennedy_visits_berlin")
    assert rule is not None and rule.when == "not war and not hotline" and rule.timing.kind == "between"
    assert w.workspace.timeline("baseline").happened("kennedy_visits_berlin")
    undo_redo(qtbot, w, "New rule “Kennedy visits Berlin”", lambda sc: sc.event("kennedy_visits_berlin") is None,
              lambda sc: sc.event("kennedy_visits_berlin") is not None)


def test_editing_a_rule_no_branch_touches_reruns_nothing(qtbot, app_window):
    """A rule that only a `schedule` effect could bring about, scheduled nowhere: no branch re-runs."""
    w, auth = app_window
    auth.new_rule_action.trigger()
    dlg = wait_dialog(qtbot, auth)
    qtbot.keyClicks(dlg.title_edit, "Khrushchev falls")
    choose(qtbot, dlg.timing, "scheduled")
    click_ok(qtbot, dlg)
    for b in w.workspace.scenario.branch_ids:
        w.workspace.timeline(b)
    before = {b: w.workspace.timeline(b) for b in w.workspace.scenario.branch_ids}
    runs = w.workspace.runs
    auth.edit_rule("khrushchev_falls")
    dlg = wait_dialog(qtbot, auth)
    qtbot.keyClicks(dlg.text_edit, "The Presidium votes him out.")
    click_ok(qtbot, dlg)
    assert w.workspace.scenario.event("khrushchev_falls").text == "The Presidium votes him out."
    assert all(w.workspace.timeline(b) is tl for b, tl in before.items())
    assert w.workspace.runs == runs


# --- variables ----------------------------------------------------------------------------------

def test_variable_form(qtbot, app_window):
    w, auth = app_window
    auth.new_variable_action.trigger()
    dlg = wait_dialog(qtbot, auth)
    qtbot.keyClicks(dlg.name_edit, "cuba.invaded")
    choose(qtbot, dlg.type_box, "bool")
    type_into(qtbot, dlg.initial, "perhaps")
    assert "true or false" in dlg.error.text() and not dlg.ok_button.isEnabled()
    type_into(qtbot, dlg.initial, "false")
    qtbot.keyClicks(dlg.label_edit, "Cuba invaded")
    click_ok(qtbot, dlg)
    v = w.workspace.scenario.variables["cuba.invaded"]
    assert v.type == "bool" and v.initial is False and v.label == "Cuba invaded"
    undo_redo(qtbot, w, "New variable “Cuba invaded”", lambda sc: "cuba.invaded" not in sc.variables,
              lambda sc: "cuba.invaded" in sc.variables)
    # edit an existing one: a new initial value re-runs the world
    auth.edit_variable_action.trigger()
    dlg = wait_dialog(qtbot, auth)
    choose(qtbot, dlg.pick, "tension")
    type_into(qtbot, dlg.initial, "150")
    assert "outside" in dlg.error.text()
    type_into(qtbot, dlg.initial, "5")
    click_ok(qtbot, dlg)
    assert w.workspace.scenario.variables["tension"].initial == 5
    assert not w.workspace.timeline("baseline").happened("black_saturday")
