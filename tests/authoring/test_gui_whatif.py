"""Every "What if…" action through the real UI: menus, forms, the new branch computed and selected;
then undo and redo from the Edit menu."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit, QLabel

from gui_support import (choose, click_event, click_ok, edit_menu_click, pick, pick_from_button,
                         right_click_event, right_click_lane, type_into, wait_dialog)

D = dt.date.fromisoformat


def downstream(w, bid: str, own_event: str | None = None) -> list:
    """Differences against the parent other than the divergence's own event."""
    d = w.workspace.diff(bid)
    return [e for e in d.differences if e.event != own_event]


def check_undo_redo(qtbot, w, bid: str, name_part: str, parent: str = "baseline") -> None:
    assert w.undo_action.isEnabled() and name_part in w.undo_action.text()
    edit_menu_click(qtbot, w, w.undo_action)  # Edit > Undo …
    assert bid not in w.workspace.scenario.branch_ids
    assert w.selection.branch == parent
    assert name_part in w.redo_action.text()
    edit_menu_click(qtbot, w, w.redo_action)
    assert bid in w.workspace.scenario.branch_ids and w.selection.branch == bid


def created(w, before: list[str]) -> str:
    new = [b for b in w.workspace.scenario.branch_ids if b not in before]
    assert len(new) == 1
    bid = new[0]
    assert w.selection.branch == bid, "the new branch is selected at once"
    assert w.workspace.cached(bid), "and computed"
    return bid


def test_didnt_happen_from_the_timeline_menu(qtbot, app_window):
    w, auth = app_window
    before = list(w.workspace.scenario.branch_ids)
    menu = right_click_event(qtbot, w, auth, "quarantine_speech")
    pick(qtbot, menu, "whatIf_suppress")
    dlg = wait_dialog(qtbot, auth)
    assert dlg.label_edit.text() == "“Kennedy announces the quarantine” does not happen"
    assert dlg.ok_button.isEnabled() and dlg.id_label.text() == "no-kennedy-announces-the-quarantine"
    # the date defaults to the event's own, so the fork sits where it would have happened
    assert dlg.body.use_date.isChecked() and dlg.body.date.date().toString("yyyy-MM-dd") == "1962-10-22"
    assert dlg.label_edit.text().startswith("“")  # the offered label, accepted: the Edit menu nests its quotes
    click_ok(qtbot, dlg)
    assert w.undo_action.text().endswith("New branch “‘Kennedy announces the quarantine’ does…”")
    edit_menu_click(qtbot, w, w.undo_action)
    pick(qtbot, right_click_event(qtbot, w, auth, "quarantine_speech"), "whatIf_suppress")
    dlg = wait_dialog(qtbot, auth)
    type_into(qtbot, dlg.label_edit, "No speech")
    assert dlg.id_label.text() == "no-speech"
    click_ok(qtbot, dlg)
    bid = created(w, before)
    assert bid == "no-speech"
    assert w.statusBar().currentMessage() == "New branch “No speech” from “Baseline”"  # not the ids
    b = w.workspace.scenario.branch(bid)
    assert b.label == "No speech" and b.parent == "baseline" and b.divergences[0].kind == "suppress"
    assert downstream(w, bid, "quarantine_speech")
    assert "*" in w.windowTitle()
    check_undo_redo(qtbot, w, bid, "New branch “No speech”")


def test_happened_differently_from_the_inspector_button(qtbot, app_window):
    w, auth = app_window
    before = list(w.workspace.scenario.branch_ids)
    click_event(qtbot, w, "excomm_decides")
    pick_from_button(qtbot, auth.what_if_button, "whatIf_outcome")
    dlg = wait_dialog(qtbot, auth)
    assert dlg.body.outcome.currentData() == "air_strike"  # the other outcome is offered first
    assert dlg.label_edit.text() == "“ExComm weighs its options” ends “air strikes on the sites”"
    click_ok(qtbot, dlg)
    bid = created(w, before)
    assert [e.event for e in downstream(w, bid, "excomm_decides") if e.status == "new"] == ["strike_escalates"]
    check_undo_redo(qtbot, w, bid, "New branch “")


def test_happened_on_another_date_from_the_map(qtbot, app_window):
    w, auth = app_window
    before = list(w.workspace.scenario.branch_ids)
    menu = right_click_lane(qtbot, w, auth, "baseline", D("1962-10-14"))
    assert w.selection.event == ("u2_photos", 1)
    pick(qtbot, menu, "whatIf_date")
    dlg = wait_dialog(qtbot, auth)
    assert not dlg.ok_button.isEnabled() and "other than 14 October 1962" in dlg.error.text()
    date = dlg.body.date
    date.setFocus()
    date.setCurrentSection(QDateTimeEdit.Section.DaySection)
    for _ in range(10):
        qtbot.keyClick(date, Qt.Key_Up)
    assert dlg.body.date.date().day() == 24
    assert dlg.label_edit.text() == "“U-2 photographs the missile sites” happens on 24 October 1962"
    assert dlg.ok_button.isEnabled()
    click_ok(qtbot, dlg)
    bid = created(w, before)
    tl = w.workspace.timeline(bid)
    assert tl.firing("u2_photos").date == D("1962-10-24")
    assert tl.firing("excomm_decides").date == D("1962-10-30")  # 6 days after the photos: worked out
    assert downstream(w, bid, "u2_photos")
    check_undo_redo(qtbot, w, bid, "New branch “")


def test_force_an_event_here(qtbot, app_window):
    w, auth = app_window
    before = list(w.workspace.scenario.branch_ids)
    menu = right_click_event(qtbot, w, auth, "quarantine_speech")
    pick(qtbot, menu, "whatIf_force")
    dlg = wait_dialog(qtbot, auth)
    assert dlg.body.event.currentData() == "strike_escalates"  # what did not happen comes first
    assert dlg.body.use_date.isChecked() and dlg.body.date.date().toString("yyyy-MM-dd") == "1962-10-22"
    assert dlg.label_edit.text() == "“Soviet commanders fire back” happens on 22 October 1962"
    assert "at Kennedy announces the quarantine, 22 October 1962" in dlg.findChild(QLabel, "whatIfHeading").text() \
        .replace("<i>", "").replace("</i>", "").replace("</span>", "")
    click_ok(qtbot, dlg)
    bid = created(w, before)
    d = w.workspace.diff(bid)
    assert {e.event for e in d.gone} >= {"secret_deal", "hotline_installed"}  # war follows from the rules
    check_undo_redo(qtbot, w, bid, "New branch “")


def test_set_the_world_differently(qtbot, app_window):
    w, auth = app_window
    before = list(w.workspace.scenario.branch_ids)
    menu = right_click_event(qtbot, w, auth, "black_saturday")
    pick(qtbot, menu, "whatIf_set")
    dlg = wait_dialog(qtbot, auth)
    values = dlg.body.values
    combo, holder, _ = values.rows[0]
    assert combo.currentData() == "tension"  # the variable the event changed
    choose(qtbot, combo, "war")
    choose(qtbot, values.rows[0][1].editor.box, True)
    assert dlg.label_edit.text() == "The superpowers were at nuclear war from 27 October 1962"
    click_ok(qtbot, dlg)
    bid = created(w, before)
    div = w.workspace.scenario.branch(bid).divergences[0]
    assert div.kind == "set" and div.values == {"war": True} and div.on == D("1962-10-27")
    assert {e.event for e in w.workspace.diff(bid).gone} >= {"secret_deal"}
    check_undo_redo(qtbot, w, bid, "New branch “")


def test_add_a_new_event_here(qtbot, app_window):
    w, auth = app_window
    before = list(w.workspace.scenario.branch_ids)
    menu = right_click_event(qtbot, w, auth, "secret_deal")
    pick(qtbot, menu, "whatIf_event")
    dlg = wait_dialog(qtbot, auth)
    assert not dlg.ok_button.isEnabled() and "title" in dlg.error.text()
    body = dlg.body
    qtbot.keyClicks(body.new_title, "A false alarm starts a war")
    assert body.new_id.text() == "a_false_alarm_starts_a_war"
    qtbot.keyClicks(body.new_text, "A radar glitch is read as a launch.")
    qtbot.mouseClick(body.new_effects.add_button, Qt.LeftButton)
    row = body.new_effects.rows[0]
    choose(qtbot, row["target"], "war")
    qtbot.keyClicks(row["value"], "maybe")
    assert "true or false" in dlg.error.text() and not dlg.ok_button.isEnabled()
    type_into(qtbot, row["value"], "true")
    click_ok(qtbot, dlg)
    bid = created(w, before)
    div = w.workspace.scenario.branch(bid).divergences[0]
    assert div.kind == "event" and div.rule.title == "A false alarm starts a war"
    assert w.workspace.timeline(bid).firing("a_false_alarm_starts_a_war").date == D("1962-10-28")
    assert {e.event for e in w.workspace.diff(bid).gone} >= {"hotline_installed"}
    check_undo_redo(qtbot, w, bid, "New branch “")


def test_fork_from_a_deep_branch(qtbot, app_window):
    w, auth = app_window
    w.selection.select_branch("strike-contained")
    before = list(w.workspace.scenario.branch_ids)
    menu = right_click_event(qtbot, w, auth, "black_saturday")
    pick(qtbot, menu, "whatIf_suppress")
    dlg = wait_dialog(qtbot, auth)
    click_ok(qtbot, dlg)
    bid = created(w, before)
    assert w.workspace.scenario.branch(bid).parent == "strike-contained"
    assert w.workspace.depth(bid) == 3
    check_undo_redo(qtbot, w, bid, "New branch “", parent="strike-contained")


def test_set_the_world_offers_enum_values_by_their_labels(qtbot, app_window):
    w, auth = app_window
    pick(qtbot, right_click_event(qtbot, w, auth, "black_saturday"), "whatIf_set")
    dlg = wait_dialog(qtbot, auth)
    combo = dlg.body.values.rows[0][0]
    choose(qtbot, combo, "us.posture")
    box = dlg.body.values.rows[0][1].editor.box
    assert [box.itemText(i) for i in range(box.count())] == ["watch", "quarantine", "air strikes  (air_strike)"]
    choose(qtbot, box, "air_strike")
    assert dlg.label_edit.text() == "US posture is air strikes from 27 October 1962"
    dlg.close()
