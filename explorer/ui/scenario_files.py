"""The scenario's file as the authoring sees it: Save, Save As, New, autosave and the recovery offer.

A mixin of `Authoring` (ui/authoring.py), kept apart because files change for other reasons than the
edits: saving splices the edits into the file's own text (explorer.core.saving), so comments and
formatting survive; autosave writes a recovery file that is offered on the next open (docs/saving.md).
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from ..core import edits, load_scenario_text
from ..core.errors import ExplorerError, ScenarioError
from ..core.saving import (FileChangedError, atomic_write, discard_recovery, read_recovery,
                           read_text, save_scenario, write_recovery)

TEMPLATE = """\
# A new scenario. The format is described in docs/format.md (Help > Scenario Format Reference).
scenario:
  id: {id}
  title: {title}
  start: 1900-01-01
  end: 1910-12-31

variables:
  tension: {{type: number, min: 0, max: 100, initial: 20, label: Tension}}
  war:     {{type: bool, initial: false, label: At war}}

events:
  - id: crisis
    title: A crisis breaks out
    text: Describe what happens.
    on: 1901-06-01
    effects: [{{add: {{tension: 50}}}}]

  - id: war_breaks_out
    title: War breaks out
    text: Tension turns into war.
    between: [1901-06-01, 1905-12-31]
    when: tension >= 60
    effects: [{{set: {{war: true}}}}]

branches: []
"""


class ScenarioFiles:
    """Saving and recovery for `Authoring` (which has `w`, `path`, `original_text`, `scenario`, `modified`,
    `autosave_timer`, `report_error`, `ask_unsaved`, `ask_save_path`, `push`, `_retitle`)."""

    def _read_original(self) -> None:
        self.path = self.w.path
        try:
            self.original_text = read_text(self.path) if self.path else None
        except (OSError, UnicodeDecodeError):
            self.original_text = None

    def save(self) -> bool:
        from ..bundled import is_installed_copy
        if not self.path or is_installed_copy(self.path):  # keep the installed package's files as shipped
            return self.save_as()
        try:
            text = save_scenario(self.scenario, self.path, self.original_text, expect_disk=self.original_text)
        except FileChangedError as e:
            self.report_error("The file changed on disk", f"{e}\n\nUse File › Save As… to keep your edits.")
            return False
        except (ExplorerError, OSError) as e:  # SaveError, WriteError (read-only, full disk...)
            self.report_error("Cannot save", str(e))
            return False
        self._saved(text)
        return True

    def save_as(self, path: str | None = None) -> bool:
        path = path or self.ask_save_path()
        if not path:
            return False
        try:
            text = save_scenario(self.scenario, path, self.original_text)
        except (ExplorerError, OSError) as e:  # SaveError, WriteError (read-only, full disk...)
            self.report_error("Cannot save", str(e))
            return False
        old = self.path
        self.path = os.fspath(path)
        self.w.path = self.path
        self.scenario.path = self.path
        if old and old != self.path and self.modified():
            discard_recovery(old)
        self._saved(text)
        self.w._add_recent(self.path) if hasattr(self.w, "_add_recent") else None
        return True

    def _saved(self, text: str) -> None:
        self.original_text = text
        self.autosave_timer.stop()
        self.w.undo_stack.setClean()
        discard_recovery(self.path)
        self._retitle()
        self.w.statusBar().showMessage(f"Saved {self.path}", 4000)

    def autosave(self) -> None:
        if not self.path or not self.modified() or self.scenario is None:
            return
        try:
            write_recovery(self.scenario, self.path, self.original_text)
        except (ExplorerError, OSError) as e:
            self.w.statusBar().showMessage(f"Autosave failed: {e}", 6000)

    def new_scenario(self, path: str | None = None) -> bool:
        if not self.confirm_discard():
            return False
        path = path or self.ask_save_path("New scenario")
        if not path:
            return False
        stem = Path(path).stem
        sid = edits.slug(stem)
        title = stem.replace("_", " ").replace("-", " ").strip().capitalize() or "New scenario"
        text = TEMPLATE.format(id=sid, title=title if _plain(title) else f'"{title}"')
        try:
            load_scenario_text(text)
            atomic_write(path, text)
        except (ExplorerError, OSError) as e:
            self.report_error("Cannot create the scenario", str(e))
            return False
        self.w.undo_stack.clear()  # already asked: the old edits are saved or given up
        return self.w.open_path(path)

    def confirm_discard(self) -> bool:
        """Before the scenario is replaced or the window closed: save, discard or cancel."""
        if not self.modified():
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            return self.save()
        if answer == "discard":
            if self.path:
                discard_recovery(self.path)
            return True
        return False

    def opened(self) -> None:
        """A file was (re)loaded (`MainWindow.open_path`): its text is the new base, the undo history
        is gone, and edits a crash left behind are offered."""
        self.autosave_timer.stop()
        self.w.undo_stack.clear()
        self._read_original()
        self._retitle()
        self._update_actions()
        QTimer.singleShot(0, self.offer_recovery)

    def offer_recovery(self) -> None:
        if not self.path or self.scenario is None:
            return
        rec = read_recovery(self.path)
        if rec is None:
            return
        try:
            recovered = load_scenario_text(rec.text, self.path)
        except ScenarioError:
            discard_recovery(self.path)
            return
        when = dt.datetime.fromtimestamp(rec.written).strftime("%Y-%m-%d %H:%M")
        box = QMessageBox(QMessageBox.Question, "Recover unsaved changes",
                          f"{Path(self.path).name} has unsaved changes from {when} that were not saved "
                          "(the app closed before saving).", QMessageBox.NoButton, self.w)
        box.setObjectName("recoveryBox")
        note = "Restore them? They open as unsaved edits; Save writes them to the file."
        if rec.base_changed:
            note += " The file has changed since; restoring replaces what it shows now."
        box.setInformativeText(note)
        restore = box.addButton("Restore", QMessageBox.AcceptRole)
        restore.setObjectName("restoreButton")
        discard = box.addButton("Discard", QMessageBox.DestructiveRole)
        discard.setObjectName("discardButton")
        box.setDefaultButton(restore)
        self.recovery_box = box

        def clicked(button):
            self.recovery_box = None
            if button is restore:
                self.push(recovered, "Restore unsaved changes")
            else:
                discard_recovery(self.path)
        box.buttonClicked.connect(clicked)
        box.open()


def _plain(s: str) -> bool:
    return s.replace(" ", "").isalnum()
