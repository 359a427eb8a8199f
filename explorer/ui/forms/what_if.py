"""The "What if…" dialog: a new branch where the selected event went otherwise."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit

from ...core import edits
from ...core.model import Divergence
from ...reports.text import long_date
from .. import style

from .divergence import DateForm, DivergenceForm, check_force_date
from .widgets import WHAT_IF_KINDS, ToDo, _Dialog, _html


class WhatIfDialog(_Dialog):
    """'What if <event> …': one of WHAT_IF_KINDS; creates a child branch of `parent_branch`."""

    ok_text = "Create branch"

    def __init__(self, workspace, parent_branch: str, event: str, kind: str, date: dt.date | None = None,
                 parent=None):
        super().__init__("What if…", parent)
        self.ws = workspace
        sc = self.scenario = workspace.scenario
        self.parent_branch = parent_branch
        self.kind = kind
        self.event_id = event
        tl = workspace.timeline(parent_branch)
        f = tl.firing(event)
        self.event_date = date or (f.date if f else None)
        state = tl.state_at(self.event_date) if self.event_date else None
        title = tl.title(event, f.outcome if f else None)
        heading = QLabel(f"<b>What if</b> <i>{_html(title)}</i> <b>{WHAT_IF_KINDS[kind]}?</b>"
                         if kind in ("suppress", "outcome", "date") else
                         f"<b>What if {WHAT_IF_KINDS[kind]}?</b> <span style='color:{style.TEXT_MUTED}'>"
                         f"at <i>{_html(title)}</i>{', ' + long_date(self.event_date) if self.event_date else ''}</span>")
        heading.setObjectName("whatIfHeading")
        heading.setWordWrap(True)
        self.main.addWidget(heading)
        sub = QLabel(f"A new branch from <b>{_html(workspace.branch(parent_branch).label)}</b>")
        sub.setObjectName("muted")
        self.main.addWidget(sub)
        form = QFormLayout()
        self.label_edit = QLineEdit()
        self.label_edit.setObjectName("branchLabel")
        self.label_edit.setPlaceholderText("shown in the branch tree")
        self._label_auto = True
        self.label_edit.textEdited.connect(lambda _: setattr(self, "_label_auto", False))
        self.label_edit.textChanged.connect(lambda _: self.validate())
        form.addRow("Branch label", self.label_edit)
        self.id_label = QLabel("")
        self.id_label.setObjectName("branchIdPreview")
        form.addRow("Branch id", self.id_label)
        self.main.addLayout(form)
        if kind == "date":
            self.body = DateForm(sc, event, self.event_date)
        elif kind == "force":
            latent = [e.id for e in sc.events if e.latent]
            others = [e.id for e in sc.events if not e.latent and not tl.happened(e.id)]
            fired = [e.id for e in sc.events if not e.latent and tl.happened(e.id)]
            ids = latent + others + fired
            # at an event that did not happen in this branch (gone against the parent, say), that event:
            # forcing it is the question asked; elsewhere what did not happen comes first
            first = event if not tl.happened(event) else latent[0] if latent else (others[0] if others else event)
            self.body = DivergenceForm(sc, "force", event=first, date=self.event_date, kind_fixed=True,
                                       events=ids)
            self.body.use_date.setChecked(self.event_date is not None)
        elif kind == "outcome":
            rule = sc.event(event)
            current = f.outcome if f else None
            other = next((o.id for o in (rule.outcomes if rule else []) if o.id != current), None)
            self.body = DivergenceForm(sc, "outcome", Divergence("outcome", event, other), kind_fixed=True,
                                       event_fixed=True)
        elif kind == "suppress":
            self.body = DivergenceForm(sc, "suppress", event=event, date=self.event_date, kind_fixed=True,
                                       event_fixed=True)
            self.body.use_date.setChecked(self.event_date is not None)  # the fork sits where it would have been
        elif kind == "set":
            changed = [c.var for c in f.changes] if f else []
            first = changed[0] if changed else next(iter(sc.variables))
            values = {first: (state or sc.initial_state()).get(first)}
            self.body = DivergenceForm(sc, "set", Divergence("set", values=values, on=self.event_date),
                                       state=state, kind_fixed=True)
        else:
            self.body = DivergenceForm(sc, "event", date=self.event_date, kind_fixed=True)
        self.body.setObjectName("whatIfBody")
        self.main.addWidget(self.body)
        self.finish_layout()
        self.body.changed.connect(self._body_changed)
        self.new_branch: str | None = None
        self._body_changed()
        if kind == "event":
            self.body.new_title.setFocus()
        self.resize(520, self.sizeHint().height())

    def divergences(self) -> list[Divergence]:
        if isinstance(self.body, DateForm):
            return self.body.divergences()
        return [self.body.divergence()]

    def _body_changed(self) -> None:
        if self._label_auto:
            self.label_edit.blockSignals(True)
            self.label_edit.setText(self.body.suggested_label())
            self.label_edit.blockSignals(False)
        self.validate()

    def problem(self) -> str | None:
        label = self.label_edit.text().strip()
        self.id_label.setText(edits.new_branch_id(self.scenario, label) if label else "")
        divs = self.divergences()
        for d in divs:
            check_force_date(self.ws, self.parent_branch, d)
        if not label:
            return ToDo("give the branch a label")
        self.result_scenario, self.new_branch = edits.fork(self.scenario, self.parent_branch, label, divs)
        return None
