"""A big world is frozen out of the collector while the app reads it (core/gcpause.py); when the window
opens another file, the old world must still be freed: a scenario and its program refer to each other,
so reference counting alone never frees them. The size limit is lowered so the small bundled files
take the big files' road."""
import gc
import weakref

import pytest

from PySide6.QtWidgets import QApplication

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def thawed():
    """Nothing stays frozen for the tests that follow."""
    yield
    gc.unfreeze()


def test_opening_another_file_frees_the_frozen_world(make_window, scenario_file, monkeypatch, qtbot, thawed):
    from explorer.core import loader
    monkeypatch.setattr(loader, "BIG_TEXT", 0)  # every load freezes what it made
    w = make_window(ROOT / "scenarios" / "trotsky_mexico.yaml")
    old = weakref.ref(w.workspace.scenario)
    assert gc.get_freeze_count() > 0
    assert w.open_path(scenario_file)
    assert w.workspace.scenario.id != "trotsky-mexico"

    def freed():
        QApplication.processEvents()
        return old() is None

    qtbot.waitUntil(freed, timeout=10_000)


def test_release_frozen_frees_a_frozen_cycle(thawed):
    from explorer.core.gcpause import release_frozen

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    gc.freeze()
    del a, b
    gc.collect()
    assert gone() is not None  # frozen: the collector does not see the cycle
    release_frozen()
    assert gone() is None
    assert gc.get_freeze_count() == 0
