"""The world-variable form."""
from __future__ import annotations

import copy
import re

from PySide6.QtWidgets import QFormLayout, QLineEdit

from ...core import edits
from ...core.model import VARIABLE_TYPES, Variable

from .widgets import _Combo, _Dialog, _fmt


class VariableDialog(_Dialog):
    ok_text = "Save variable"

    def __init__(self, workspace, name: str | None = None, parent=None):
        super().__init__("Edit variable" if name else "New variable", parent)
        self.ws = workspace
        sc = self.scenario = workspace.scenario
        self.old_name = name
        v = copy.deepcopy(sc.variables[name]) if name else Variable("", "number", 0)
        form = QFormLayout()
        self.pick = _Combo()
        self.pick.setObjectName("variablePick")
        if name:
            self.pick.set_items([(f"{x.title}  ({n})", n) for n, x in sc.variables.items()], name)
            form.addRow("Variable", self.pick)
        self.name_edit = QLineEdit(v.name)
        self.name_edit.setObjectName("variableName")
        self.name_edit.setPlaceholderText("dotted name, e.g. mexico.stability")
        self.type_box = _Combo()
        self.type_box.setObjectName("variableType")
        self.type_box.set_items([(t, t) for t in VARIABLE_TYPES], v.type)
        self.label_edit = QLineEdit(v.label)
        self.label_edit.setObjectName("variableLabel")
        self.initial = QLineEdit(_fmt(v.initial))
        self.initial.setObjectName("variableInitial")
        self.min_edit = QLineEdit("" if v.min is None else _fmt(v.min))
        self.min_edit.setObjectName("variableMin")
        self.max_edit = QLineEdit("" if v.max is None else _fmt(v.max))
        self.max_edit.setObjectName("variableMax")
        self.values_edit = QLineEdit(", ".join(v.values))
        self.values_edit.setObjectName("variableValues")
        self.values_edit.setPlaceholderText("comma separated names")
        self.unit_edit = QLineEdit(v.unit)
        self.desc_edit = QLineEdit(v.description)
        form.addRow("Name", self.name_edit)
        form.addRow("Type", self.type_box)
        form.addRow("Label", self.label_edit)
        form.addRow("Values", self.values_edit)
        form.addRow("Min", self.min_edit)
        form.addRow("Max", self.max_edit)
        form.addRow("Initial", self.initial)
        form.addRow("Unit", self.unit_edit)
        form.addRow("Description", self.desc_edit)
        self.form = form
        self.main.addLayout(form)
        self.finish_layout()
        for w in (self.name_edit, self.label_edit, self.initial, self.min_edit, self.max_edit, self.values_edit,
                  self.unit_edit, self.desc_edit):
            w.textChanged.connect(lambda _: self.validate())
        self.type_box.currentIndexChanged.connect(lambda _: self._type_changed())
        self.pick.currentIndexChanged.connect(lambda _: self._load(self.pick.currentData()))
        self._type_changed()

    def _load(self, name: str) -> None:
        v = self.scenario.variables[name]
        self.old_name = name
        self.name_edit.setText(v.name)
        self.type_box.select(v.type)
        self.label_edit.setText(v.label)
        self.initial.setText(_fmt(v.initial))
        self.min_edit.setText("" if v.min is None else _fmt(v.min))
        self.max_edit.setText("" if v.max is None else _fmt(v.max))
        self.values_edit.setText(", ".join(v.values))
        self.unit_edit.setText(v.unit)
        self.desc_edit.setText(v.description)
        self.validate()

    def _type_changed(self) -> None:
        t = self.type_box.currentData()
        self.form.setRowVisible(self.values_edit, t == "enum")
        self.form.setRowVisible(self.min_edit, t == "number")
        self.form.setRowVisible(self.max_edit, t == "number")
        self.validate()

    def problem(self) -> str | None:
        name = self.name_edit.text().strip()
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$", name):
            return "give the variable a name: words joined by dots, like mexico.stability"
        t = self.type_box.currentData()
        # what the form does not show (enum value labels, nolint, a bool's true_words / false_words) is
        # kept as the file says: the edit starts from the variable, not from a blank one
        old = self.scenario.variables.get(self.old_name) if self.old_name else None
        var = copy.deepcopy(old) if old is not None else Variable(name, t, None)
        var.name, var.type, var.initial = name, t, None
        var.label, var.unit = self.label_edit.text().strip(), self.unit_edit.text().strip()
        var.description = self.desc_edit.text().strip()
        var.min = var.max = None
        if t != "enum":
            var.values, var.labels = (), {}
        if t != "bool":  # a statement of true and false means nothing for another type
            var.true_words = var.false_words = ""
        if t == "number":
            for attr, w in (("min", self.min_edit), ("max", self.max_edit)):
                s = w.text().strip()
                if s:
                    try:
                        n = float(s)
                    except ValueError:
                        return f"{attr} must be a number, not '{s}'"
                    setattr(var, attr, int(n) if n.is_integer() else n)
            if var.min is not None and var.max is not None and var.min > var.max:
                return f"max {var.max} is below min {var.min}"
        if t == "enum":
            var.values = tuple(x.strip() for x in self.values_edit.text().split(",") if x.strip())
            if not var.values:
                return "an enum needs values: a comma separated list of names"
            var.labels = {k: lab for k, lab in var.labels.items() if k in var.values}  # kept for kept values
        try:
            var.initial = edits.parse_value(var, self.initial.text())
        except ValueError as e:
            return f"initial: {e}"
        self.result_scenario = edits.replace_variable(self.scenario, self.old_name, var)
        return None
