"""An edit in a form changes what the user changed and nothing else: every key the form does not show
(enum value labels, `nolint`, a bool's `true_words`/`false_words`, a schedule's `within`, a one-off
event's condition, chance, window, tags, outcomes) survives in the model and in the file after Save."""
from __future__ import annotations

import copy
import dataclasses

from PySide6.QtCore import QSettings, Qt

from authoring_support import MISSILE
from explorer.core import load_scenario
from explorer.core.saving import read_text
from explorer.ui.main_window import MainWindow
from gui_support import choose, click_ok, outline_menu, pick, type_into, wait_dialog

EXTRA_BRANCH = """
  - id: castro-speaks
    label: Castro speaks at the UN
    divergences:
      - event:
          id: castro_speaks
          title: Castro speaks at the UN
          text:
            - when: tension >= 60
              text: Castro denounces the quarantine before the General Assembly.
            - Castro speaks before the General Assembly.
          between: [1962-11-01, 1962-11-20]
          when: tension >= 10
          chance: 0.9
          priority: 2
          tags: [Cuba]
          sources: ["invented for the test"]
          nolint: [never-fires]
          effects: [{add: {tension: 5}}]
          outcomes:
            - {id: applauded, title: The hall applauds, weight: 2}
            - {id: walkout, title: The Americans walk out}
        label: Castro goes to New York
"""


def rich_scenario(tmp_path):
    """The missile crisis with every key a form does not show written somewhere."""
    text = read_text(MISSILE)
    text = text.replace("initial: 40, label: Superpower tension}",
                        'initial: 40, label: Superpower tension, unit: "%",\n'
                        "                     description: How close to war, nolint: [variable-never-written]}")
    text = text.replace("initial: watch, label: US posture}",
                        "initial: watch, label: US posture, nolint: [variable-never-read]}")
    text = text.replace("effects: [{set: {missiles.in_cuba: false}}, {add: {tension: -50}}]",
                        "effects: [{set: {missiles.in_cuba: false}}, {add: {tension: -50}},\n"
                        "              {schedule: {event: test_ban, delay: 30d, within: 20d}}]")
    text = text.replace("\nconditions:", "  cuba.blockaded:   {type: bool, initial: false, label: Cuba blockaded,\n"
                        "                     true_words: Cuba was blockaded, false_words: Cuba was open}\n"
                        "\nconditions:", 1)
    text = text.rstrip("\n") + "\n" + EXTRA_BRANCH
    p = tmp_path / "rich.yaml"
    p.write_text(text)
    return p


def open_window(qtbot, path, tmp_path):
    w = MainWindow(settings=QSettings(str(tmp_path / "keeps.ini"), QSettings.IniFormat))
    w.set_scenario(load_scenario(path), path=str(path), fresh=True)
    w.authoring.ask_unsaved = lambda: "discard"
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w, w.authoring


def save(qtbot, w, auth) -> None:
    """File > Save, clicked in the menu bar."""
    bar = w.menuBar()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.actionGeometry(w.file_menu.menuAction()).center())
    qtbot.waitUntil(w.file_menu.isVisible)
    qtbot.mouseClick(w.file_menu, Qt.LeftButton, pos=w.file_menu.actionGeometry(auth.save_action).center())
    qtbot.waitUntil(lambda: not w.file_menu.isVisible())
    assert not w.windowTitle().startswith("*")


def edit_variable_label(qtbot, auth, name: str, label: str) -> None:
    auth.edit_variable_action.trigger()
    dlg = wait_dialog(qtbot, auth)
    choose(qtbot, dlg.pick, name)
    type_into(qtbot, dlg.label_edit, label)
    click_ok(qtbot, dlg)


def test_editing_a_variable_keeps_every_key_the_form_does_not_show(qtbot, tmp_path):
    path = rich_scenario(tmp_path)
    before = load_scenario(path)
    assert before.variables["us.posture"].labels["air_strike"] == "air strikes"  # the file says what the test needs
    assert before.variables["missiles.in_cuba"].true_words and before.variables["tension"].nolint
    w, auth = open_window(qtbot, path, tmp_path)
    edits = {"us.posture": "American posture", "missiles.in_cuba": "Missiles in Cuba", "tension": "Tension"}
    for name, label in edits.items():
        edit_variable_label(qtbot, auth, name, label)
    expected = {n: dataclasses.replace(v, label=edits.get(n, v.label)) for n, v in before.variables.items()}
    assert w.workspace.scenario.variables == expected
    save(qtbot, w, auth)
    assert load_scenario(path).variables == expected
    saved = read_text(path)
    assert "air_strike: air strikes" in saved and "nolint: [variable-never-read]" in saved
    assert "false_words: The Soviet missiles were gone from Cuba" in saved


def test_changing_a_variables_type_drops_only_what_the_old_type_meant(qtbot, tmp_path):
    path = rich_scenario(tmp_path)
    w, auth = open_window(qtbot, path, tmp_path)
    auth.edit_variable_action.trigger()
    dlg = wait_dialog(qtbot, auth)
    choose(qtbot, dlg.pick, "cuba.blockaded")
    choose(qtbot, dlg.type_box, "text")
    type_into(qtbot, dlg.initial, "none")
    click_ok(qtbot, dlg)
    v = w.workspace.scenario.variables["cuba.blockaded"]
    assert (v.type, v.initial, v.true_words, v.false_words) == ("text", "none", "", "")
    assert v.label == "Cuba blockaded"


def test_editing_a_rule_keeps_a_schedules_within(qtbot, tmp_path):
    path = rich_scenario(tmp_path)
    before = load_scenario(path).event("secret_deal")
    assert before.effects[-1].within.days == 20
    w, auth = open_window(qtbot, path, tmp_path)
    auth.edit_rule("secret_deal")
    dlg = wait_dialog(qtbot, auth)
    type_into(qtbot, dlg.title_edit, "The secret bargain")
    click_ok(qtbot, dlg)
    expected = dataclasses.replace(copy.deepcopy(before), title="The secret bargain")
    assert w.workspace.scenario.event("secret_deal") == expected
    save(qtbot, w, auth)
    assert load_scenario(path).event("secret_deal") == expected
    assert "within: 20d" in read_text(path)


def test_editing_a_one_off_events_divergence_keeps_the_event(qtbot, tmp_path):
    path = rich_scenario(tmp_path)
    before = load_scenario(path).branch("castro-speaks")
    w, auth = open_window(qtbot, path, tmp_path)
    pick(qtbot, outline_menu(qtbot, w, auth, "castro-speaks"), "editBranchAction")
    dlg = wait_dialog(qtbot, auth)
    dlg.list.setCurrentRow(0)
    qtbot.mouseClick(dlg.edit_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.sub is not None and dlg.sub.isVisible())
    sub = dlg.sub
    assert sub.form.date.date().toString("yyyy-MM-dd") == "1962-11-01"  # its window's start, not the scenario's
    type_into(qtbot, sub.form.label, "Castro flies to New York")
    click_ok(qtbot, sub)
    assert dlg.list.item(0).text() == "◆ Castro flies to New York: “Castro speaks at the UN” happens, an event of its own"
    click_ok(qtbot, dlg)
    expected = copy.deepcopy(before)
    expected.divergences[0].label = "Castro flies to New York"
    assert w.workspace.scenario.branch("castro-speaks") == expected
    save(qtbot, w, auth)
    assert load_scenario(path).branch("castro-speaks") == expected
    saved = read_text(path)
    assert "between: [1962-11-01, 1962-11-20]" in saved and "nolint: [never-fires]" in saved


def test_ok_on_an_unchanged_form_is_no_edit(qtbot, tmp_path):
    path = rich_scenario(tmp_path)
    w, auth = open_window(qtbot, path, tmp_path)
    pick(qtbot, outline_menu(qtbot, w, auth, "castro-speaks"), "editBranchAction")
    click_ok(qtbot, wait_dialog(qtbot, auth))
    auth.edit_rule("secret_deal")
    click_ok(qtbot, wait_dialog(qtbot, auth))
    auth.edit_variable_action.trigger()
    dlg = wait_dialog(qtbot, auth)
    choose(qtbot, dlg.pick, "us.posture")
    click_ok(qtbot, dlg)
    assert w.undo_stack.count() == 0 and not w.undo_action.isEnabled()
    assert not w.windowTitle().startswith("*")
