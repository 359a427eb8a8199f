"""Dialogs: scenario load errors, About, and the file format's short reference."""
from __future__ import annotations

from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QTextBrowser,
                               QVBoxLayout)

from . import style

FORMAT_REFERENCE = """\
# Scenario file format — short reference

A scenario is one YAML file. Top-level keys: `scenario`, `variables`, `conditions` (optional),
`events`, `branches` (optional). Every error names `file:line:col`.

```yaml
scenario: {id: trotsky-mexico, title: "Trotsky's Mexico", start: 1940-01-01, end: 1950-12-31}

variables:
  trotsky.alive: {type: bool, initial: true, label: Trotsky alive}
  mexico.regime: {type: enum, values: [avila_camacho, workers_republic], initial: avila_camacho}
  labor.unrest:  {type: number, min: 0, max: 100, initial: 40, unit: "%"}
  mexico.leader: {type: text, initial: "Manuel Ávila Camacho"}

conditions:                      # named, reusable
  revolution_ripe: labor.unrest >= 60 and trotsky.alive

events:
  - id: revolution_1942
    title: The Mexican Socialist Revolution
    text: One to three sentences of narrative.
    between: [1942-05-01, 1943-12-31]   # or on: DATE | after: {event: X, delay: 30d} | scheduled: true
    when: revolution_ripe and happened("mexico_declares_war")   # false = latent
    chance: 0.8                   # optional; likely mode fires when >= 0.5
    tags: [Mexico, military]
    sources: ["..."]
    effects:
      - set: {mexico.regime: workers_republic}
      - add: {labor.unrest: -20}  # numbers clamp to min/max
      - schedule: {event: republic_declared, delay: 120d}
      - cancel: election_1946
    outcomes:                     # optional, mutually exclusive
      - {id: crushed, title: The coup is crushed, when: militia.strength >= 50, weight: 3}
      - {id: succeeds, title: The coup succeeds, weight: 1}

branches:
  - id: trotsky-dies-1940
    parent: baseline
    label: Trotsky dies in 1940
    divergences:
      - {force: trotsky_assassinated, on: 1940-08-20}
      - {suppress: texas_incident}
      - {outcome: {coup_1945: succeeds}}
      - {set: {us.hostility: 90}, on: 1946-01-01}
      - event: {id: trotsky_flees, title: Trotsky flees, on: 1950-03-06}
```

## Conditions
`and or not`, comparisons (chained too), `in` / `not in`, `+ - * /`, numbers, strings,
`true`/`false`, lists, dotted variable names, named conditions, `date` (compare with
`"1945-10-01"`), `happened("id")`, `outcome("id")`, `days_since("id")`, `year()`.

## Durations
`30d`, `2w`, `3m` (months), `1y`, or a number of days.
"""


class ErrorDialog(QDialog):
    """The loader's `file:line:col: message` lines, selectable and copyable."""

    def __init__(self, title: str, summary: str, lines: list[str], parent=None):
        super().__init__(parent)
        self.setObjectName("scenarioErrorDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self.resize(720, 320)
        head = QLabel(f"<b>{summary}</b><br><span style='color:{style.TEXT_MUTED}'>The scenario that was open "
                      "stays open. Fix the file and use File ▸ Reload.</span>")
        head.setWordWrap(True)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setObjectName("errorText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.NoWrap)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.Monospace)
        mono.setPointSizeF(9.5)
        self.text.setFont(mono)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        copy = QPushButton("Copy")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.addButton(copy, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.text, 1)
        lay.addWidget(buttons)
        self.buttons = buttons

    def lines(self) -> list[str]:
        return self.text.toPlainText().splitlines()


class ReferenceDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Scenario format — short reference")
        self.resize(760, 640)
        view = QTextBrowser()
        view.setMarkdown(FORMAT_REFERENCE)
        view.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(view, 1)
        lay.addWidget(buttons)


ABOUT = """<h3>What-If Explorer</h3>
<p>Counterfactual history as a branching tree of divergence points, worked out by a
deterministic rules engine.</p>
<p>Click a lane in the branch map (or use the outline with the arrow keys) to select a branch;
select an event to see why it happened — or, for a struck-through event, why not.</p>
<p style='color:#66707d'>Version {version} · PySide6 {qt} · pyqtgraph {pg}</p>"""
