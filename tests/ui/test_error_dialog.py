"""A broken scenario file (issue 13, finding 11): the dialog shows the source line with a caret under
the column, wraps, opens the file in an editor and reloads *that* file; launching the app on a broken
file opens the window with the dialog."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
TYPO = ("when: crisis_open and tension >= 70", "when: crisis_open and tenson >= 70")


class Catcher(QObject):
    def __init__(self):
        super().__init__()
        self.urls = []

    @Slot("QUrl")
    def open(self, url):
        self.urls.append(url.toLocalFile())


def test_dialog_shows_the_line_with_a_caret_and_reloads_the_broken_file(window, scenario_file, tmp_path):
    w = window
    broken = tmp_path / "broken.yaml"
    text = scenario_file.read_text()
    broken.write_text(text.replace(*TYPO))
    assert not w.open_path(broken)
    dlg = w.error_dialog
    assert dlg is not None and dlg.isVisible()
    shown = dlg.text.toPlainText()
    line_no = next(i for i, l in enumerate(broken.read_text().splitlines(), 1) if "tenson" in l)
    src = broken.read_text().splitlines()[line_no - 1]
    assert f"broken.yaml:{line_no}:" in shown and "did you mean 'tension'" in shown
    assert src.strip() in shown
    # the caret sits under the column the loader named
    col = int(dlg.lines()[0].split(":")[2])
    rows = shown.splitlines()
    i = next(k for k, r in enumerate(rows) if r.strip() == src.strip())
    assert rows[i + 1].rstrip().endswith("^") and len(rows[i + 1].rstrip()) == len(rows[i]) - len(src) + col
    assert src[col - 1:].startswith("tenson")
    assert dlg.text.lineWrapMode() != dlg.text.LineWrapMode.NoWrap  # long messages wrap
    # as tall as its one problem: no blank box under it, nothing cut (no scroll bar)
    assert dlg.height() < 380 and dlg.text.verticalScrollBar().maximum() == 0
    # Open in Editor hands the file to the desktop
    catcher = Catcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        QTest.mouseClick(dlg.editor_button, Qt.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert catcher.urls == [str(broken)]
    # Reload This File reads the broken file again (not the one still open)
    assert w.path == str(scenario_file)
    broken.write_text(text.replace("Black Saturday", "Black Saturday (fixed)"))
    QTest.mouseClick(dlg.reload_button, Qt.LeftButton)
    QApplication.processEvents()
    assert w.path == str(broken)
    assert w.workspace.scenario.event("black_saturday").title.endswith("(fixed)")
    assert w.error_dialog is None or not w.error_dialog.isVisible()


SCRIPT = """
import json, os, pathlib
from PySide6.QtCore import QTimer
out = pathlib.Path(os.environ["WHATIF_TEST_OUT"])
d = window.error_dialog
out.write_text(json.dumps({"dialog": d is not None and d.isVisible(), "window": window.isVisible(),
                           "text": d.text.toPlainText() if d else "", "title": window.windowTitle()}))
QTimer.singleShot(0, app.quit)
"""


def test_launching_on_a_broken_file_opens_the_window_with_the_dialog(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text((ROOT / "scenarios" / "missile_crisis.yaml").read_text().replace(*TYPO))
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    out = tmp_path / "out.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", WHATIF_TEST_SCRIPT=str(script),
               WHATIF_TEST_OUT=str(out), XDG_CONFIG_HOME=str(tmp_path / "config"))
    p = subprocess.run([sys.executable, "-m", "explorer", str(broken)], env=env, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    got = json.loads(out.read_text())
    assert got["dialog"] and got["window"]
    assert "tenson" in got["text"] and "^" in got["text"]
    assert "broken.yaml" in got["title"]
