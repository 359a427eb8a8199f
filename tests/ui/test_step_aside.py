"""The branch worker steps aside while the GUI thread works (ui/background.StepAside): both threads
wanting the interpreter lock shared it half and half, so a GUI turn of 46 ms took 91 ms while a
branch was computed (benchmarks/bench_ui.py, 10,000 rules). Counts are asserted, not times."""
import sys
import threading
import time
from pathlib import Path

import pytest

from explorer.core import Workspace
from explorer.ui.background import StepAside

pytestmark = pytest.mark.skipif(not hasattr(time, "pthread_getcpuclockid"),
                                reason="no per-thread CPU clock here: the worker never steps aside")


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(200))  # Python work: it needs the interpreter lock, as the GUI's paints do


def _calls(hook, until, waited_at=None) -> int:
    """Calls the hook as a worker's run does; `waited_at` gets the time each call that waited began."""
    n = 0
    while not until.is_set():
        t, before = time.perf_counter(), hook.waits
        hook()
        if waited_at is not None and hook.waits > before:
            waited_at.append(t)
        n += 1
        sum(range(200))
    return n


def test_it_waits_while_the_watched_thread_works_and_never_while_it_sleeps():
    hook = StepAside()  # watches the main thread, as the app's GUI thread
    done = threading.Event()
    waited_at: list[float] = []
    t = threading.Thread(target=_calls, args=(hook, done, waited_at))
    t.start()
    time.sleep(0.05)  # (starting the thread was work here)
    idle_from = time.perf_counter()
    time.sleep(0.3)  # idle: no CPU used here, so the other thread never waits
    idle_to = time.perf_counter()
    _spin(0.6)  # long enough to be seen working on a machine busy with other work (0.3 s once was not)
    done.set()
    t.join()
    # none inside the idle span; its edges are left out (20 ms each): the hook judges the last
    # millisecond or so, and this thread's wake-up there is work, or waiting for a CPU on a busy machine
    assert [w for w in waited_at if idle_from + 0.02 < w < idle_to - 0.02] == []
    assert [w for w in waited_at if w >= idle_to], "it never waited while this thread worked"


def test_it_never_waits_once_its_worker_is_stopping():
    stopping = threading.Event()
    hook = StepAside(stopping=stopping.is_set)
    stopping.set()
    done = threading.Event()
    t = threading.Thread(target=_calls, args=(hook, done))
    t.start()
    _spin(0.2)
    done.set()
    t.join()
    assert hook.waits == 0


def test_the_branch_worker_waits_inside_its_runs_while_the_gui_thread_works(make_window, qtbot, monkeypatch):
    """A 2,000-rule world computes off the GUI thread; the GUI thread busy meanwhile: the worker waits
    (counted by its hook, called inside the engine's runs) and its history is still the right one."""
    from explorer.ui.main_window import MainWindow
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks.synthetic import make_scenario
    monkeypatch.setattr(MainWindow, "background_warming", False)
    sc = make_scenario(2000, n_branches=12)
    w = make_window(scenario=sc)
    assert w.computes_off_thread()
    targets = [b for b in sc.branch_ids[1:] if not w.history.computed(b)][-4:]
    w.off_thread.submit(targets)  # the worker computes four branches, one after the other
    worker = w.off_thread.worker
    calls = []
    hook = worker.step_aside
    monkeypatch.setattr(hook, "stopping", lambda: calls.append(1) and False)  # counts the engine's calls
    _spin(0.5)  # the GUI thread busy meanwhile (no event processed: nothing adopted yet)
    waits = hook.waits
    qtbot.waitUntil(lambda: all(w.history.ready(b) for b in targets), timeout=60_000)
    assert waits >= 1 and len(calls) >= waits
    reference = Workspace(sc)
    for b in targets:
        assert [f.key for f in w.workspace.timeline(b).firings] == [f.key for f in reference.timeline(b).firings]
