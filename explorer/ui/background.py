"""Long work off the GUI thread: a QThread that reports progress, can be cancelled, never loses an error.

`stop_at_exit(thread, stop)`: a Qt thread destroyed while it runs aborts the process ("QThread:
Destroyed while thread is still running"), which is what a script that opens a window and ends
without closing it did. Every worker thread of the app registers here; at interpreter exit (before
PySide's own clean-up, which atexit runs later) each still running is stopped and waited for.
"""
from __future__ import annotations

import atexit
import contextlib
import sys
import threading
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
