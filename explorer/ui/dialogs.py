"""Dialogs: scenario load errors, About, and the file format's short reference."""
from __future__ import annotations

import html
import os

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QTextBrowser, QVBoxLayout

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
    """A scenario's problems: each `file:line:col` with its message wrapped, the source line and a caret
    under the column; Copy, Open in editor, and Reload this file (the broken one, not the open one)."""

    def __init__(self, title: str, summary: str, lines: list[str], parent=None, *, problems=None,
                 path: str | None = None, on_reload=None):
        super().__init__(parent)
        self.setObjectName("scenarioErrorDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self.resize(760, 380)
        self.path = path
        self._lines = list(lines)
        kept = ("The scenario that was open stays open. " if parent is not None and
                getattr(parent, "workspace", None) is not None else "")
        head = QLabel(f"<b>{html.escape(summary)}</b><br><span style='color:{style.TEXT_MUTED}'>{kept}Fix the "
                      "file in an editor, then reload it.</span>")
        head.setWordWrap(True)
        self.text = QTextBrowser()
        self.text.setObjectName("errorText")
        self.text.setOpenLinks(False)
        self.text.setHtml(problems_html(problems) if problems else
                          "".join(f"<p style='margin:0 0 6px 0'>{html.escape(line)}</p>" for line in lines))
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        copy = QPushButton("Copy")
        copy.setObjectName("copyButton")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText("\n".join(self._lines)))
        buttons.addButton(copy, QDialogButtonBox.ActionRole)
        self.editor_button = QPushButton("Open in Editor")
        self.editor_button.setObjectName("openInEditorButton")
        self.editor_button.clicked.connect(self.open_in_editor)
        self.reload_button = QPushButton("Reload This File")
        self.reload_button.setObjectName("reloadThisFileButton")
        self.reload_button.setToolTip(f"Read {path} again" if path else "")
        self.reload_button.clicked.connect(lambda: on_reload(path) if on_reload and path else None)
        for b in (self.editor_button, self.reload_button):
            b.setEnabled(bool(path))
            buttons.addButton(b, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.text, 1)
        lay.addWidget(buttons)
        self.buttons = buttons
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its problems (up to 380 px): one problem left two thirds of the box blank."""
        doc = self.text.document()
        doc.setTextWidth(self.width() - 2 * self.layout().contentsMargins().left() - 2 * self.text.frameWidth())
        text_h = int(doc.size().height()) + 2 * self.text.frameWidth() + 4
        rest = self.layout().sizeHint().height() - self.text.sizeHint().height()
        self.resize(self.width(), max(200, min(380, rest + text_h)))

    def open_in_editor(self) -> None:
        """The file in the desktop's editor for it (the handler of file: URLs)."""
        if self.path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.abspath(self.path)))

    def lines(self) -> list[str]:
        return list(self._lines)


def source_line(file: str, line: int) -> str | None:
    try:
        with open(file, encoding="utf-8", errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == line:
                    return text.rstrip("\n").expandtabs(4)
    except OSError:
        return None
    return None


def problems_html(problems) -> str:
    """Each problem: its place, its message (wrapping), and the source line with a caret under the column."""
    out = []
    mono = "font-family:'DejaVu Sans Mono',monospace; font-size:9pt"
    for p in problems:
        where = f"{os.path.basename(p.file)}:{p.line}:{p.col}" if p.line else os.path.basename(p.file)
        path = f" <span style='color:{style.TEXT_MUTED}'>{html.escape(p.path)}</span>" if p.path else ""
        out.append(f"<p style='margin:8px 0 2px 0'><b>{html.escape(where)}</b>{path}</p>"
                   f"<p style='margin:0 0 2px 0'>{html.escape(p.message)}</p>")
        src = source_line(p.file, p.line) if p.line else None
        if src is not None:
            caret = " " * max(p.col - 1, 0) + "^"
            out.append(f"<pre style='{mono}; margin:2px 0 6px 12px; background:#f1f4f8'>"
                       f"{html.escape(src)}\n<span style='color:#b42318; font-weight:600'>{caret}</span></pre>")
    return "".join(out)


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
