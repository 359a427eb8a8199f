"""A window's deferred layout work (the outline fitted to its names, the watch strip, the docks' shares)
dies with the window: a timer queued just before the window goes must not call into it afterwards. The
full suite once saw "Internal C++ object (MainWindow) already deleted" from `_fit_outline`, raised in the
event loop of a later test."""
from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QApplication


def test_layout_timers_queued_as_a_window_goes_do_not_call_into_it(qtbot, settings, scenario_file):
    from explorer.ui.app import make_application
    from explorer.ui.main_window import MainWindow
    make_application()
    w = MainWindow(settings=settings)
    assert w.open_path(scenario_file)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(300)  # what opening queued has run
    w.outline.needChanged.emit()  # each queues its work for the next turn of the event loop
    w.watch.emptied.emit(True)
    w.close()
    shiboken6.delete(w)  # gone before that turn
    QApplication.processEvents()  # pytest-qt fails the test on an exception raised in the event loop
    assert not shiboken6.isValid(w)
