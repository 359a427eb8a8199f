"""Fixtures for the authoring GUI tests: a main window with authoring on a copy of a scenario."""
from __future__ import annotations

import pytest

from authoring_support import MISSILE, commented
from explorer.core.saving import read_text


@pytest.fixture
def scenario_copy(tmp_path):
    p = tmp_path / "missile.yaml"
    p.write_text(commented(read_text(MISSILE)))
    return p


@pytest.fixture
def app_window(qtbot, tmp_path, scenario_copy):
    """(window, authoring) on the commented copy; closing at the end discards unsaved edits."""
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QSettings

    from explorer.core import load_scenario
    from explorer.ui.main_window import MainWindow
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    w.set_scenario(load_scenario(scenario_copy), path=str(scenario_copy), fresh=True)
    auth = w.authoring
    auth.autosave_ms = 50
    auth.ask_unsaved = lambda: "discard"  # qtbot closes the window after the test; tests of the prompt undo this
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w, auth
    for d in (auth.dialog, auth.recovery_box):
        if d is not None:
            d.close()
