"""Authoring in the app: "What if…" actions, branch/rule/variable editing, undo, saving and recovery.

The main window makes one `Authoring` (`window.authoring`) and places its actions in its menus. It
works through the window's public parts: `selection`, `undo_stack`, `set_scenario`, the inspector's
layout (the What if… bar), the timeline's table, the branch map's plot and the outline (their context
menus). Files (Save, New, autosave, recovery) are `ScenarioFiles`' (ui/scenario_files.py).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QMenu, QMessageBox, QToolButton, QWidget

from ..core import edits
from ..core.errors import ExplorerError
from ..core.saving import discard_recovery
from .commands import ScenarioCommand, quoted
from .forms import WHAT_IF_KINDS, BranchDialog, RuleDialog, VariableDialog, WhatIfDialog
from .scenario_files import ScenarioFiles

APP = "What-If Explorer"
AUTOSAVE_MS = 1500

WHAT_IF_MENU = (
    ("suppress", "…it didn't happen"),
    ("outcome", "…it happened differently"),
    ("date", "…it happened on another date"),
    ("force", "…a latent event were forced here"),
    ("set", "…the world were different at this date"),
    ("event", "…a new event happened here"),
)

class Authoring(ScenarioFiles, QObject):
    """The window's editing: its actions (placed by the window's menus), forms, undo commands, files."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.path: str | None = window.path
        self.original_text: str | None = None
        self.dialog: QDialog | None = None
        self.menu: QMenu | None = None
        self.recovery_box: QMessageBox | None = None
        self.autosave_ms = AUTOSAVE_MS
        self.last_error: str | None = None
        self._retitling = False
        self._read_original()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.timeout.connect(self.autosave)
        self._build_actions()
        window.undo_stack.cleanChanged.connect(lambda _: self._retitle())
        window.undo_stack.indexChanged.connect(lambda _: self._stack_changed())
        window.windowTitleChanged.connect(lambda _: self._retitle())
        window.selection.branchChanged.connect(lambda _: self._update_actions())
        window.selection.eventChanged.connect(lambda _: self._update_actions())
        window.scenarioInstalled.connect(self._installed)
        self._build_inspector_bar()
        self._build_context_menus()
        self._update_actions()
        self._retitle()

    # --- state ------------------------------------------------------------------------------------

    @property
    def scenario(self):
        return self.w.workspace.scenario if self.w.workspace is not None else None

    def modified(self) -> bool:
        try:
            return not self.w.undo_stack.isClean()
        except RuntimeError:  # the window is being destroyed
            return False

    def _installed(self) -> None:
        """Another file's scenario in the window (opened, or set by a caller with its path): its text
        is the base that saving splices into."""
        if self.w.path != self.path:
            self._read_original()
        self._update_actions()
        self._retitle()

    def _retitle(self) -> None:
        try:
            if self._retitling or self.scenario is None:
                return
        except RuntimeError:  # the window is being destroyed
            return
        self._retitling = True
        try:
            sc = self.scenario
            name = f" — {Path(self.path).name}" if self.path else ""
            star = "*" if self.modified() else ""
            title = f"{star}{sc.title}{name} — {APP}"
            if self.w.windowTitle() != title:
                self.w.setWindowTitle(title)
        except RuntimeError:  # the window is being destroyed
            pass
        finally:
            self._retitling = False

    def edited(self) -> None:
        """Called by every undo command after it swapped the scenario."""
        self._update_actions()

    def _stack_changed(self) -> None:
        """After a push, undo or redo: autosave soon, or drop the recovery when back to the saved state."""
        if self.modified():
            self.autosave_timer.start(self.autosave_ms)
        else:
            self.autosave_timer.stop()
            if self.path:
                discard_recovery(self.path)
        QTimer.singleShot(0, self._retitle)

    def push(self, new_scenario, text: str, after=None) -> None:
        """Apply an edit as an undoable command; `after` = (branch, event) to select once it is made.
        A branch the edit adds opens at its fork: the cursor at its earliest dated divergence."""
        old = self.scenario
        if old is not None and new_scenario == old:  # OK on a form left as it was: no undo step, no `*`
            return
        if after is not None and len(after) == 2 and old is not None and old.branch(after[0]) is None:
            b = new_scenario.branch(after[0])
            dates = [d.on for d in b.divergences if d.on is not None] if b is not None else []
            if dates:
                after = (after[0], after[1], min(dates))
        self.w.undo_stack.push(ScenarioCommand(self.w, old, new_scenario, text, after=after))

    # --- actions ------------------------------------------------------------------------------------

    def _act(self, text, slot, shortcut=None, tip=None, name=None) -> QAction:
        """An action of the window's (the window's one action maker, `Menus._action`), placed in menus below."""
        return self.w._action(None, text, slot, shortcut, tip, name=name)

    def _build_actions(self) -> None:
        """The actions; the window's menus (ui/window_menus.py) place them, the context menus reuse them."""
        self.new_action = self._act("&New Scenario…", self.new_scenario, QKeySequence.New,
                                    "Start a scenario from a small template", "newScenarioAction")
        self.save_action = self._act("&Save", self.save, QKeySequence.Save, "Save the scenario", "saveAction")
        self.save_as_action = self._act("Save &As…", self.save_as, QKeySequence.SaveAs,
                                        "Save the scenario to another file", "saveAsAction")
        self.what_if_menu = QMenu("&What If…", self.w)
        self.what_if_actions = {}
        for kind, text in WHAT_IF_MENU:
            a = self._act(text, lambda k=kind: self.what_if(k), None, f"What if {WHAT_IF_KINDS[kind]}?",
                          f"whatIf_{kind}")
            self.what_if_actions[kind] = a
            self.what_if_menu.addAction(a)
        self.new_branch_action = self._act("New &Branch…", lambda: self.new_branch(), "Ctrl+B",
                                           "Fork a branch from the selected one", "newBranchAction")
        self.edit_branch_action = self._act("&Edit Branch…", lambda: self.edit_branch(), "Ctrl+Shift+B",
                                            "Label, parent and divergences of the selected branch",
                                            "editBranchAction")
        self.delete_branch_action = self._act("&Delete Branch…", lambda: self.delete_branch(), None,
                                              "Delete the selected branch (asks when it has branches below)",
                                              "deleteBranchAction")
        self.edit_rule_action = self._act("Edit Event &Rule…", lambda: self.edit_rule(), "Ctrl+Shift+E",
                                          "Edit the selected event's rule", "editRuleAction")
        self.new_rule_action = self._act("New Event R&ule…", lambda: self.new_rule(), None,
                                         "Add an event rule to the scenario", "newRuleAction")
        self.edit_variable_action = self._act("Edit &Variable…", lambda: self.edit_variable(), None,
                                              "Edit a world variable", "editVariableAction")
        self.new_variable_action = self._act("New V&ariable…", lambda: self.new_variable(), None,
                                             "Add a world variable", "newVariableAction")

    # what a disabled inspector button needs, said in its tooltip
    NEEDS_SCENARIO = "Open a scenario first (File ▸ Open)"
    NEEDS_EVENT = "Select an event in the timeline first"

    def _update_actions(self) -> None:
        bar = hasattr(self, "what_if_button")
        if self.scenario is None:  # nothing to fork, edit or branch from: say what is needed
            for a in (*self.what_if_actions.values(), self.edit_rule_action, self.new_branch_action,
                      self.edit_branch_action, self.delete_branch_action):
                a.setEnabled(False)
            if bar:
                for b in (self.what_if_button, self.rule_button, self.branch_button):
                    b.setEnabled(False)
                    b.setToolTip(self.NEEDS_SCENARIO)
            return
        self.new_branch_action.setEnabled(True)
        sel = self.w.selection
        key = sel.event
        base = sel.branch == "baseline"
        rule = self.scenario.event(key[0]) if key else None
        fired = self._fired(sel.branch, key) if key else None
        for kind, a in self.what_if_actions.items():
            ok = key is not None and rule is not None
            if kind == "suppress" or kind == "date":
                ok = ok and fired is not None
            if kind == "outcome":
                ok = ok and fired is not None and len(rule.outcomes) > 1
            a.setEnabled(ok)
        self.edit_branch_action.setEnabled(not base)
        self.delete_branch_action.setEnabled(not base)
        self.edit_rule_action.setEnabled(rule is not None)
        if bar:
            self.what_if_button.setEnabled(any(a.isEnabled() for a in self.what_if_actions.values()))
            self.what_if_button.setToolTip("Fork a branch where the selected event went otherwise"
                                           if self.what_if_button.isEnabled() else self.NEEDS_EVENT)
            self.rule_button.setEnabled(rule is not None)
            self.rule_button.setToolTip(self.edit_rule_action.toolTip() if rule is not None else self.NEEDS_EVENT)
            self.branch_button.setEnabled(True)
            self.branch_button.setToolTip("New, edit or delete a branch")

    def _fired(self, bid, key):
        h = self.w.history
        if h is None or key is None:
            return None
        tl = h.try_timeline(bid)
        return tl.firing(key[0], key[1]) if tl is not None else None

    # --- where the actions show -----------------------------------------------------------------

    def _build_inspector_bar(self) -> None:
        bar = QWidget()
        bar.setObjectName("authoringBar")
        h = QHBoxLayout(bar)
        h.setContentsMargins(8, 0, 6, 0)
        self.what_if_button = QToolButton()
        self.what_if_button.setObjectName("whatIfButton")
        self.what_if_button.setText("What if…")
        self.what_if_button.setToolTip("Fork a branch where the selected event went otherwise")
        self.what_if_button.setPopupMode(QToolButton.InstantPopup)
        self.what_if_button.setMenu(self.what_if_menu)
        self.rule_button = QToolButton()
        self.rule_button.setObjectName("editRuleButton")
        self.rule_button.setDefaultAction(self.edit_rule_action)
        self.branch_button = QToolButton()
        self.branch_button.setObjectName("branchButton")
        self.branch_button.setText("Branch")
        self.branch_button.setPopupMode(QToolButton.InstantPopup)
        m = QMenu(self.branch_button)
        for a in (self.new_branch_action, self.edit_branch_action, self.delete_branch_action):
            m.addAction(a)
        self.branch_button.setMenu(m)
        for b in (self.what_if_button, self.rule_button, self.branch_button):
            h.addWidget(b)
        h.addStretch(1)
        lay = self.w.inspector.layout()
        at = lay.indexOf(self.w.inspector.browser)  # just above the inspector's text
        lay.insertWidget(max(at, 0), bar)

    def _build_context_menus(self) -> None:
        t = self.w.timeline.table
        t.setContextMenuPolicy(Qt.CustomContextMenu)
        t.customContextMenuRequested.connect(self._timeline_menu)
        o = self.w.outline
        o.setContextMenuPolicy(Qt.CustomContextMenu)
        o.customContextMenuRequested.connect(self._outline_menu)
        self.w.branch_map.plot.scene().sigMouseClicked.connect(self._map_clicked)

    def event_menu(self) -> QMenu:
        """The context menu for the selected event: the What if… actions, rule and branch edits."""
        m = QMenu(self.w)
        m.setObjectName("eventMenu")
        head = m.addAction("What if…")
        head.setEnabled(False)
        for kind, _ in WHAT_IF_MENU:
            m.addAction(self.what_if_actions[kind])
        m.addSeparator()
        m.addAction(self.edit_rule_action)
        extras = getattr(self.w, "event_menu_extras", ())  # other panes' event actions (e.g. Analysis)
        if extras:
            m.addSeparator()
            for a in extras:
                m.addAction(a)
        m.addSeparator()
        for a in (self.new_branch_action, self.edit_branch_action, self.delete_branch_action):
            m.addAction(a)
        return m

    def branch_menu(self) -> QMenu:
        m = QMenu(self.w)
        m.setObjectName("branchMenu")
        for a in (self.new_branch_action, self.edit_branch_action, self.delete_branch_action):
            m.addAction(a)
        return m

    def _popup(self, menu: QMenu, global_pos: QPoint) -> None:
        if self.menu is not None:
            try:
                self.menu.close()
            except RuntimeError:  # already deleted on close
                pass
        menu.setAttribute(Qt.WA_DeleteOnClose)
        self.menu = menu
        self._update_actions()
        menu.popup(global_pos)

    def _timeline_menu(self, pos: QPoint) -> None:
        tv = self.w.timeline
        idx = tv.table.indexAt(pos)
        if not idx.isValid():
            self._popup(self.branch_menu(), tv.table.viewport().mapToGlobal(pos))
            return
        row = tv.model.visible[idx.row()]
        self.w.selection.select_event(row.key, cursor=row.date)
        self._popup(self.event_menu(), tv.table.viewport().mapToGlobal(pos))

    def _outline_menu(self, pos: QPoint) -> None:
        o = self.w.outline
        idx = o.indexAt(pos)
        if idx.isValid():
            bid = o.model().branch_of(idx)
            if bid:
                self.w.selection.select_branch(bid)
        self._popup(self.branch_menu(), o.viewport().mapToGlobal(pos))

    def _map_clicked(self, ev) -> None:
        if ev.button() != Qt.RightButton or self.w.history is None:
            return
        bm = self.w.branch_map
        pos = QPointF(bm.plot.mapFromScene(ev.scenePos()))
        hit = bm.hit(pos)
        if hit is None:
            return
        ev.accept()
        bid, index = hit
        gp = bm.plot.mapToGlobal(pos.toPoint())
        if index is not None:
            f = self.w.workspace.timeline(bid).firings[index]
            self.w.selection.select_branch(bid, (f.event, f.occurrence), cursor=f.date)
            self._popup(self.event_menu(), gp)
        else:
            self.w.selection.select_branch(bid)
            self._popup(self.branch_menu(), gp)

    # --- dialogs ----------------------------------------------------------------------------------

    def _show(self, dlg: QDialog, on_accept) -> QDialog:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dlg

        def done(result):
            if result == QDialog.Accepted:
                try:
                    on_accept(dlg)
                except ExplorerError as e:
                    self.report_error("The edit cannot be made", str(e))
            if self.dialog is dlg:
                self.dialog = None
        dlg.finished.connect(done)
        dlg.open()
        return dlg

    def what_if(self, kind: str, branch: str | None = None, event=None) -> QDialog | None:
        """Open the "What if…" form of `kind` for the selected (or given) event."""
        sel = self.w.selection
        bid = branch or sel.branch
        key = event or sel.event
        if key is None or self.w.workspace is None:
            return None
        f = self._fired(bid, key)
        date = f.date if f else (sel.cursor if sel.cursor else None)
        dlg = WhatIfDialog(self.w.workspace, bid, key[0], kind, date, parent=self.w)

        def accept(d):
            label = d.label_edit.text().strip()
            self.push(d.result_scenario, f"New branch {quoted(label)}", after=(d.new_branch, None))
            # in labels, as the outline shows them (it said "New branch no-x from baseline", the ids)
            parent = self.scenario.branch(bid)
            self.w.statusBar().showMessage(f"New branch {quoted(label)} from {quoted(parent.label or bid)}", 4000)
        return self._show(dlg, accept)

    def new_branch(self, parent: str | None = None) -> QDialog:
        dlg = BranchDialog(self.w.workspace, None, parent or self.w.selection.branch, parent=self.w)
        return self._show(dlg, lambda d: self.push(d.result_scenario, f"New branch {quoted(d.label_edit.text())}",
                                                   after=(d.new_branch, None)))

    def edit_branch(self, bid: str | None = None) -> QDialog | None:
        bid = bid or self.w.selection.branch
        if bid == "baseline":
            return None
        dlg = BranchDialog(self.w.workspace, bid, parent=self.w)

        def accept(d):
            old = self.scenario.branch(bid)
            new = d.result_scenario.branch(bid)
            if new.label != old.label and new.divergences == old.divergences and new.parent == old.parent:
                text = f"Rename branch {quoted(old.label)} to {quoted(new.label)}"
            elif new.parent != old.parent and new.divergences == old.divergences:
                text = f"Move branch {quoted(new.label)} under {quoted(d.result_scenario.branch(new.parent).label)}"
            else:
                text = f"Edit branch {quoted(new.label)}"
            self.push(d.result_scenario, text, after=(bid, None))
        return self._show(dlg, accept)

    def delete_branch(self, bid: str | None = None, *, confirm: bool = True) -> bool:
        bid = bid or self.w.selection.branch
        sc = self.scenario
        if bid == "baseline" or sc.branch(bid) is None:
            return False
        below = edits.descendants(sc, bid)
        label = sc.branch(bid).label
        if confirm:
            if below:
                msg = (f"“{label}” has {edits.subtree_phrase(sc, bid)}. Deleting it deletes "
                       f"{'them' if len(below) > 1 else 'it'} too: {len(below) + 1} branches in all.")
            else:
                msg = f"Delete the branch “{label}”?"
            if not self.ask_yes_no("Delete branch", msg, "Delete"):
                return False
        new, gone = edits.remove_branch(sc, bid, recursive=True)
        parent = sc.branch(bid).parent or "baseline"
        text = f"Delete branch {quoted(label)}" + (f" and {len(below)} below it" if below else "")
        self.push(new, text, after=(parent, None))
        return True

    def edit_rule(self, event_id: str | None = None) -> QDialog | None:
        key = self.w.selection.event
        event_id = event_id or (key[0] if key else None)
        if event_id is None or self.scenario.event(event_id) is None:
            return None
        dlg = RuleDialog(self.w.workspace, event_id, parent=self.w)
        return self._show(dlg, lambda d: self._rule_saved(d, f"Edit rule {quoted(d.result_rule.title)}"))

    def edit_node(self, key) -> QDialog | None:
        """The form of a rule graph's node: ("rule", event id) or ("var", name)."""
        kind, name = key
        if kind == "rule":
            return self.edit_rule(name)
        if kind == "var" and self.scenario is not None and name in self.scenario.variables:
            return self.edit_variable(name)
        return None

    def new_rule(self) -> QDialog:
        dlg = RuleDialog(self.w.workspace, None, parent=self.w)
        return self._show(dlg, lambda d: self._rule_saved(d, f"New rule {quoted(d.result_rule.title)}"))

    def _rule_saved(self, d, text: str) -> None:
        """The edit pushed; the window then shows the rule's event: kept selected when it was, and a new
        rule's, so its author sees at once whether and why it happens in the branch (it stayed on what
        was shown before, the new event somewhere in the timeline)."""
        key = self.w.selection.event
        if not (key and key[0] == d.result_rule.id):
            key = (d.result_rule.id, 1) if d.event_id is None else None
        after = (self.w.selection.branch, key)
        runs_before = self.w.workspace.runs
        self.push(d.result_scenario, text, after=after)
        self.last_repropagated = self.w.workspace.runs - runs_before

    def edit_variable(self, name: str | None = None) -> QDialog:
        name = name or next(iter(self.scenario.variables))
        dlg = VariableDialog(self.w.workspace, name, parent=self.w)
        return self._show(dlg, lambda d: self.push(d.result_scenario, f"Edit variable {quoted(_var_name(d))}"))

    def new_variable(self) -> QDialog:
        dlg = VariableDialog(self.w.workspace, None, parent=self.w)
        return self._show(dlg, lambda d: self.push(d.result_scenario, f"New variable {quoted(_var_name(d))}"))

    # --- questions (methods so tests and scripts can answer them) ---------------------------------

    def ask_yes_no(self, title: str, text: str, yes: str) -> bool:
        box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.Cancel, self.w)
        ok = box.addButton(yes, QMessageBox.AcceptRole)
        box.setDefaultButton(ok)
        box.exec()
        return box.clickedButton() is ok

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel' for unsaved edits."""
        box = QMessageBox(QMessageBox.Warning, "Unsaved changes",
                          f"{Path(self.path).name if self.path else 'The scenario'} has unsaved changes.",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self.w)
        box.setObjectName("unsavedBox")
        box.setInformativeText("Save them before closing?")
        box.setDefaultButton(QMessageBox.Save)
        r = box.exec()
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(r, "cancel")

    def ask_save_path(self, title: str = "Save scenario as") -> str | None:
        start = self.path or str(Path.cwd() / "scenario.yaml")
        path, _ = QFileDialog.getSaveFileName(self.w, title, start, "Scenarios (*.yaml *.yml)")
        return path or None

    def report_error(self, title: str, text: str) -> None:
        self.last_error = text
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self.w)
        box.setObjectName("authoringError")
        box.open()


def _var_name(dlg) -> str:
    """A variable in the Edit menu's words: its label (what the World table and the why-chains show),
    else its dotted name."""
    return dlg.label_edit.text().strip() or dlg.name_edit.text().strip()
