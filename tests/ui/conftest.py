import gc
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
MISSILES = ROOT / "scenarios" / "missile_crisis.yaml"


@pytest.fixture
def scenario_file(tmp_path):
    """A private copy of the small real scenario (tests may rewrite it)."""
    p = tmp_path / "missile_crisis.yaml"
    shutil.copy(MISSILES, p)
    return p


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def make_window(qtbot, settings):
    from explorer.ui.app import make_application
    from explorer.ui.main_window import MainWindow
    make_application()
    made = []

    def make(path=None, scenario=None):
        w = MainWindow(settings=settings)
        w.authoring.ask_unsaved = lambda: "discard"  # closing after an edit asks no question in tests
        if path is not None:
            assert w.open_path(path)
        elif scenario is not None:
            w.set_scenario(scenario, fresh=True)
        w.resize(1280, 800)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        if w.error_dialog is not None:
            w.error_dialog.close()
        w.close()
        w.deleteLater()
    from PySide6.QtWidgets import QApplication
    QApplication.processEvents()
    gc.collect()


@pytest.fixture
def window(make_window, scenario_file):
    return make_window(scenario_file)


@pytest.fixture
def off_thread(monkeypatch):
    """Branches computed by the worker thread, as in a 10,000-rule world, for any scenario; nothing
    computed in the background unless asked."""
    from explorer.ui.main_window import MainWindow
    monkeypatch.setattr(MainWindow, "sync_rules_limit", 0)
    monkeypatch.setattr(MainWindow, "background_warming", False)


@pytest.fixture
def deepest_branch():
    """Picks a workspace's deepest branch (the last listed among equals): the longest path to compute."""
    def pick(ws):
        ids = ws.scenario.branch_ids
        return max(ids[1:], key=lambda b: (ws.depth(b), ids.index(b)))
    return pick


@pytest.fixture
def styled(qapp):
    """The app's font and style sheet, as `what-if` runs with them (pytest-qt's QApplication comes
    without them: rows 14 px high where the user's are 21)."""
    from explorer.ui.app import style_application
    font, sheet, style = qapp.font(), qapp.styleSheet(), qapp.style().name()
    style_application(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setStyle(style)
