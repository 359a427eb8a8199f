"""Long work off the GUI thread: a QThread that reports progress, can be cancelled, never loses an error.

`stop_at_exit(thread, stop)`: a Qt thread destroyed while it runs aborts the process ("QThread:
Destroyed while thread is still running"), which is what a script that opens a window and ends
without closing it did. Every worker thread of the app registers here; at interpreter exit (before
PySide's own clean-up, which atexit runs later) each still running is stopped and waited for.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import time
import weakref

from PySide6.QtCore import QThread, Signal

from ..core.errors import ExplorerError


SWITCH_INTERVAL = 0.0005  # seconds
_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.005


@contextlib.contextmanager
def gui_first():
    """While a worker runs Python, the GUI thread takes the interpreter lock back after at most
    SWITCH_INTERVAL, not the default 5 ms: every call from Qt into Python (a paint, a model's data())
    would wait that long. A linting worker left at 5 ms made warm branch selections 10x slower while
    it ran (measured with benchmarks/bench_ui.py). Counted, so overlapping workers restore the
    interval only when the last one ends (the interval is the process's, not the thread's)."""
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


class StepAside:
    """A worker's pause hook (engine.run_program's `pause`, Workspace.pause): it waits while the GUI
    thread is working or wants to, so that the GUI shares neither the interpreter lock nor a CPU
    with the worker.

    Why: with both threads wanting the lock they alternate every SWITCH_INTERVAL, so half of every
    longer GUI turn was spent waiting for the worker (measured with benchmarks/bench_ui.py on 10,000
    rules: a 46 ms turn of GUI work took 91 ms). How the GUI's work is seen: the GUI thread's CPU
    clock (`time.pthread_getcpuclockid`) — a thread waiting for the lock or for events uses none —
    plus, on Linux, the time it spent runnable but waiting for a CPU (its schedstat's run delay). On
    a machine whose cores are taken by other programs the GUI thread's clock barely moves while it
    waits for a core, so by its clock alone it looked idle and the worker ran on, taking the CPU
    share the GUI was waiting for (bench_ui's cold selections, 2 cores at load 2-4: gaps of 90-130 ms
    holding 25-30 ms of GUI work, the worker running 15-50 ms inside them).
    Qt's `aboutToBlock`/`awake` do not bracket the work (both Qt dispatchers run a wake-up's timers
    and events before `awake`, measured). When the GUI used (or waited for) more than BUSY_SHARE of
    the time since the last call, the worker sleeps (the lock is free) until it uses less, at most
    MAX_WAIT at a time so that a GUI thread busy for good (a polling loop) still lets the worker go
    on. Where the clock is missing (macOS, Windows) it never waits: the worker only runs `gui_first`.
    Costs a clock read or two per call (and a read of the run delay); `waits` counts the times it
    stepped aside."""

    BUSY_SHARE = 0.2
    WINDOW = 0.001  # seconds: the shortest span the GUI's share is judged over
    STALE = 0.05  # seconds: a longer span since the last look is not judged (it would average idle time in)
    SLEEP = 0.001  # seconds per look while waiting
    MAX_WAIT = 0.25  # seconds

    def __init__(self, gui_thread: int | None = None, stopping=lambda: False, gui_native: int | None = None):
        """`gui_thread`: the GUI thread's ident (threading.get_ident() there; default the main thread);
        `gui_native`: its native id (threading.get_native_id() there; default the main thread's), whose
        run delay is read on Linux; `stopping()`: true once the worker is asked to end (then it never
        waits)."""
        self.stopping = stopping
        self.waits = 0
        self.waited = 0.0  # seconds
        try:
            self._clock = time.pthread_getcpuclockid(gui_thread or threading.main_thread().ident)
        except (AttributeError, OSError):  # no per-thread CPU clock on this platform
            self._clock = None
        self._delay_fd = _run_delay_fd(gui_native or threading.main_thread().native_id) \
            if self._clock is not None else None
        if self._clock is not None:
            self._cpu, self._wall = self._used(), time.perf_counter()

    def __del__(self):
        if getattr(self, "_delay_fd", None) is not None:
            os.close(self._delay_fd)
            self._delay_fd = None

    def _used(self) -> float:
        """Seconds the GUI thread has run or waited to run (its CPU clock, plus its run delay on Linux)."""
        used = time.clock_gettime(self._clock)
        if self._delay_fd is not None:
            try:
                used += int(os.pread(self._delay_fd, 64, 0).split()[1]) / 1e9
            except (OSError, IndexError, ValueError):  # the thread ended, or no such field
                self._delay_fd = None
        return used

    def __call__(self) -> None:
        if self._clock is None:
            return
        try:
            wall = time.perf_counter()
            if wall - self._wall < self.WINDOW:
                return  # judged over WINDOW at least: a blip (a timer's tick) is not work
            cpu = self._used()
            if wall - self._wall > self.STALE:  # the last look was long ago (the worker was idle):
                self._cpu, self._wall = cpu, wall  # its average says nothing of now; judge from here
                return
            if cpu - self._cpu > self.BUSY_SHARE * (wall - self._wall) and not self.stopping():
                start = wall
                self.waits += 1
                while wall - start < self.MAX_WAIT and not self.stopping():
                    time.sleep(self.SLEEP)
                    before, cpu, wall0, wall = cpu, self._used(), wall, time.perf_counter()
                    if cpu - before <= self.BUSY_SHARE * (wall - wall0):
                        break  # the GUI thread is idle again
                self.waited += wall - start
        except OSError:  # the GUI thread ended (exit): nothing left to step aside for
            self._clock = None
            return
        self._cpu, self._wall = cpu, wall


def _run_delay_fd(native_id: int | None) -> int | None:
    """An open descriptor of the thread's /proc schedstat (its second field: nanoseconds spent
    runnable, waiting for a CPU), or None where there is none (not Linux, no schedstats)."""
    if native_id is None:
        return None
    try:
        fd = os.open(f"/proc/self/task/{native_id}/schedstat", os.O_RDONLY)
    except OSError:
        return None
    try:
        int(os.pread(fd, 64, 0).split()[1])
    except (OSError, IndexError, ValueError):
        os.close(fd)
        return None
    return fd


_THREADS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # QThread -> how to stop it


def stop_at_exit(thread, stop) -> None:
    """Have `stop()` (which asks `thread` to finish) called at exit if the thread still runs then."""
    _THREADS[thread] = stop


@atexit.register
def stop_threads() -> None:
    """Stop every registered thread still running and wait for it (asked first, all together)."""
    running = []
    for thread, stop in list(_THREADS.items()):
        try:
            if thread.isRunning():
                stop()
                running.append(thread)
        except RuntimeError:  # its C++ object is gone: nothing left to stop
            continue
    for thread in running:
        try:
            thread.wait(10_000)
        except RuntimeError:
            continue


class Cancelled(Exception):
    """Raised from a progress callback once the user asked to stop."""


class CancellableWorker(QThread):
    """Subclasses implement `work()`, calling `self.check()` (or passing a progress callback that does)
    often; the result of `work()` is emitted with `succeeded`."""

    progressed = Signal(int, str)  # percent, message
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._stop = threading.Event()
        stop_at_exit(self, self.cancel)

    def cancel(self) -> None:
        self._stop.set()

    def check(self) -> None:
        if self._stop.is_set():
            raise Cancelled()

    def report(self, done: int, total: int, message: str = "") -> None:
        """A progress callback for the core's long functions: stops the work once cancelled."""
        self.check()
        self.progressed.emit(int(100 * done / max(total, 1)), message)

    def work(self):
        raise NotImplementedError

    def run(self) -> None:
        try:
            self.check()
            with gui_first():
                result = self.work()
        except Cancelled:
            self.cancelled.emit()
        except ExplorerError as e:
            self.failed.emit(str(e))
        except Exception as e:  # noqa: BLE001 - shown to the user, never lost in a thread
            self.failed.emit(f"{type(e).__name__}: {e}")
        else:
            self.succeeded.emit(result)


class RunsWorker:
    """For a dialog or pane that runs one CancellableWorker at a time in `self.worker` and reports in
    `self._set_status`: Cancel, and the stop-and-wait a closing window needs (a QThread destroyed while
    it runs aborts the process). Mixed in before the Qt class."""

    worker = None

    def cancel(self) -> None:
        if self.worker is not None:
            self._set_status("Cancelling…")
            self.worker.cancel()

    def stop_and_wait(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(10_000)
