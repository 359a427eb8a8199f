"""Crash safety with the app as a separate process (`python -m explorer SCENARIO`, offscreen).

The app runs the test-only hook WHATIF_TEST_SCRIPT (docs/saving.md) once its window is up: the
scripts below make an edit through the app's own authoring functions and dialogs, or answer the
recovery offer by clicking its button. The process is then killed with SIGKILL.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from authoring_support import ROOT, commented
from explorer.core import load_scenario_text
from explorer.core.saving import read_recovery, read_text

MISSILE = ROOT / "scenarios" / "missile_crisis.yaml"

EDIT = """
import json, os, pathlib
from PySide6.QtCore import QTimer
out = pathlib.Path(os.environ["WHATIF_TEST_OUT"])
authoring.autosave_ms = int(os.environ.get("AUTOSAVE_MS", "100"))
window.selection.select_branch("baseline", ("quarantine_speech", 1))
dlg = authoring.what_if("suppress")
dlg.label_edit.setText("Made before the crash")
dlg.ok_button.click()
out.write_text(json.dumps({"edited": window.selection.branch, "title": window.windowTitle()}))
"""

WAIT_AUTOSAVE = """
from explorer.core.saving import read_recovery
def check():
    if read_recovery(window.path) is not None:
        pathlib.Path(str(out) + ".autosaved").write_text("yes")
    else:
        QTimer.singleShot(50, check)
check()
"""

SAVE = """
QTimer.singleShot(10, authoring.save_action.trigger)
"""

RESTORE = """
import json, os, pathlib, time
from PySide6.QtCore import QTimer
out = pathlib.Path(os.environ["WHATIF_TEST_OUT"])
start = time.time()
def go():
    box = authoring.recovery_box
    if box is None or not box.isVisible():
        if time.time() - start > 120:  # a generous wait for a busy machine, not a speed check
            out.write_text(json.dumps({"error": "no recovery offer"}))
            os._exit(3)
        QTimer.singleShot(50, go)
        return
    text = box.text()
    button = next(b for b in box.buttons() if b.objectName() == "restoreButton")
    button.click()
    out.write_text(json.dumps({"offer": text, "branches": window.workspace.scenario.branch_ids,
                               "selected": window.selection.branch, "title": window.windowTitle(),
                               "undo": window.undo_action.text()}))
    os._exit(0)
go()
"""


def _env(tmp_path, script: str, out, **extra) -> dict:
    s = tmp_path / f"script_{abs(hash(script))}.py"
    s.write_text(textwrap.dedent(script))
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", WHATIF_TEST_SCRIPT=str(s),
               WHATIF_TEST_OUT=str(out), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_STATE_HOME=str(tmp_path / "state"), HOME=str(tmp_path))
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _start(path, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "explorer", str(path)], env=env, cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(pred, proc, timeout=120.0) -> None:  # generous waits for a busy machine
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        if proc.poll() is not None:
            raise AssertionError(f"the app exited ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the app")


def _kill(proc) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture
def scen(tmp_path):
    p = tmp_path / "missile.yaml"
    p.write_text(commented(read_text(MISSILE)))
    return p


def test_sigkill_after_an_edit_then_restore_it(tmp_path, scen):
    original = scen.read_bytes()
    out = tmp_path / "edit.json"
    proc = _start(scen, _env(tmp_path, EDIT + WAIT_AUTOSAVE, out))
    try:
        _wait_for(lambda: os.path.exists(str(out) + ".autosaved"), proc)
    finally:
        _kill(proc)
    edited = json.loads(out.read_text())
    assert edited["edited"] == "made-before-the-crash" and edited["title"].startswith("*")
    assert scen.read_bytes() == original  # never saved
    assert read_recovery(scen) is not None

    out2 = tmp_path / "restore.json"
    proc = _start(scen, _env(tmp_path, RESTORE, out2))
    try:
        _wait_for(out2.exists, proc)
        proc.wait(20)
    finally:
        if proc.poll() is None:
            _kill(proc)
    got = json.loads(out2.read_text())
    assert "error" not in got, got
    assert "unsaved changes" in got["offer"]
    assert "made-before-the-crash" in got["branches"]
    assert got["title"].startswith("*") and "Restore unsaved changes" in got["undo"]
    assert scen.read_bytes() == original  # restored as unsaved edits, the file untouched


def test_sigkill_in_the_middle_of_a_save_leaves_the_file_intact(tmp_path, scen):
    original = scen.read_bytes()
    out = tmp_path / "edit.json"
    env = _env(tmp_path, EDIT + SAVE, out, WHATIF_TEST_PAUSE_BEFORE_RENAME=600, AUTOSAVE_MS=10_000_000)
    proc = _start(scen, env)

    def temp_written():
        tmp = [f for f in os.listdir(tmp_path) if f.startswith(".missile.yaml.") and f.endswith(".tmp")
               and "autosave" not in f]
        return tmp and b"made-before-the-crash" in (tmp_path / tmp[0]).read_bytes()
    try:
        _wait_for(temp_written, proc)  # the new text is written and synced; the rename has not happened
    finally:
        _kill(proc)
    assert scen.read_bytes() == original
    load_scenario_text(read_text(scen))
