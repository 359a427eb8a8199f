"""The branch editor: label, id, parent, description and divergences."""
from __future__ import annotations

import copy

from PySide6.QtWidgets import (QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton)

from ...core import edits
from ...core.model import BASELINE, Divergence

from .divergence import DivergenceDialog, check_force_date, divergence_line
from .widgets import ToDo, _Combo, _Dialog


class BranchDialog(_Dialog):
    """Edit a branch (label, description, parent, divergences), or make a new one from `parent_id`."""

    ok_text = "Save"

    def __init__(self, workspace, branch_id: str | None = None, parent_id: str | None = None, parent=None):
        super().__init__("Edit branch" if branch_id else "New branch", parent)
        self.ws = workspace
        sc = self.scenario = workspace.scenario
        self.branch_id = branch_id
        b = sc.branch(branch_id) if branch_id else None
        self.divs: list[Divergence] = copy.deepcopy(b.divergences) if b else []
        form = QFormLayout()
        self.label_edit = QLineEdit(b.label if b else "")
        self.label_edit.setObjectName("branchLabel")
        form.addRow("Label", self.label_edit)
        self.id_edit = QLineEdit(b.id if b else "")
        self.id_edit.setObjectName("branchId")
        self.id_edit.setPlaceholderText("made from the label")
        self.id_edit.setReadOnly(b is not None)
        self.id_edit.setToolTip("The id links other branches to this one; it cannot be changed here"
                                if b else "Letters, digits, - _ .")
        form.addRow("Id", self.id_edit)
        self.parent_box = _Combo()
        self.parent_box.setObjectName("parentBox")
        below = set(edits.descendants(sc, branch_id)) | {branch_id} if branch_id else set()
        self.parent_box.set_items([(f"{x.label or x.id}  ({x.id})", x.id) for x in sc.branches if x.id not in below],
                                  b.parent if b else (parent_id or BASELINE))
        form.addRow("Parent", self.parent_box)
        self.desc = QPlainTextEdit(b.description if b else "")
        self.desc.setObjectName("branchDescription")
        self.desc.setFixedHeight(60)
        form.addRow("Description", self.desc)
        self.main.addLayout(form)
        self.main.addWidget(QLabel("Divergences"))
        self.list = QListWidget()
        self.list.setObjectName("divergenceList")
        self.main.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add…")
        self.add_button.setObjectName("addDivergence")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("editDivergence")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeDivergence")
        for w in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(w)
        row.addStretch(1)
        self.main.addLayout(row)
        self.finish_layout()
        self.sub: DivergenceDialog | None = None
        self.add_button.clicked.connect(lambda: self._open_divergence(None))
        self.edit_button.clicked.connect(lambda: self._open_divergence(self.list.currentRow()))
        self.list.itemDoubleClicked.connect(lambda _: self._open_divergence(self.list.currentRow()))
        self.remove_button.clicked.connect(self._remove)
        self.list.currentRowChanged.connect(lambda _: self._buttons())
        self.label_edit.textChanged.connect(lambda _: self.validate())
        if b is None:  # the id the label makes, shown before it is saved (the placeholder said only "made from the label")
            self.label_edit.textChanged.connect(self._id_hint)
        self.id_edit.textChanged.connect(lambda _: self.validate())
        self.parent_box.currentIndexChanged.connect(lambda _: self.validate())
        self.desc.textChanged.connect(self.validate)
        self.new_branch: str | None = branch_id
        self._fill()
        self.resize(560, 480)

    def _id_hint(self, label: str) -> None:
        label = label.strip()
        self.id_edit.setPlaceholderText(edits.new_branch_id(self.scenario, label) if label else "made from the label")

    def _fill(self) -> None:
        row = self.list.currentRow()
        self.list.clear()
        for d in self.divs:
            item = QListWidgetItem("◆ " + divergence_line(self.scenario, d))
            self.list.addItem(item)
        if self.divs:
            self.list.setCurrentRow(min(max(row, 0), len(self.divs) - 1))
        self._buttons()
        self.validate()

    def _buttons(self) -> None:
        has = 0 <= self.list.currentRow() < len(self.divs)
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def _open_divergence(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self.divs):
            return
        d = self.divs[index] if index is not None else None
        self.sub = DivergenceDialog(self.scenario, d, parent=self)
        self.sub.setWindowTitle("Edit divergence" if d else "Add divergence")

        def done(result):
            if result == QDialog.Accepted and self.sub.result_divergence is not None:
                if index is None:
                    self.divs.append(self.sub.result_divergence)
                    self.list.setCurrentRow(len(self.divs) - 1)
                else:
                    self.divs[index] = self.sub.result_divergence
                self._fill()
                if index is None:
                    self.list.setCurrentRow(len(self.divs) - 1)
        self.sub.finished.connect(done)
        self.sub.open()

    def _remove(self) -> None:
        i = self.list.currentRow()
        if 0 <= i < len(self.divs):
            del self.divs[i]
            self._fill()

    def problem(self) -> str | None:
        label = self.label_edit.text().strip()
        if not label:
            return ToDo("give the branch a label")
        if not self.divs:
            return ToDo("a branch needs at least one divergence: Add… one")
        for d in self.divs:
            check_force_date(self.ws, self.parent_box.currentData(), d)
        if self.branch_id is None:
            bid = self.id_edit.text().strip() or None
            self.result_scenario, self.new_branch = edits.fork(
                self.scenario, self.parent_box.currentData(), label, self.divs, bid,
                self.desc.toPlainText().strip())
        else:
            self.result_scenario = edits.update_branch(
                self.scenario, self.branch_id, label=label, parent=self.parent_box.currentData(),
                description=self.desc.toPlainText().strip(), divergences=self.divs)
        return None


# --- event rules ------------------------------------------------------------------------------
