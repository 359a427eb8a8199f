"""Start the app: `run_app(path, args)` from the command line, or `--screenshot OUT.png` and exit."""
from __future__ import annotations

import os
import runpy
import sys

from ..core import load_scenario
from ..core.errors import ExplorerError, UnknownName, did_you_mean

SCRIPT_ENV = "WHATIF_TEST_SCRIPT"  # a Python file the app runs once its window is up (tests; docs/saving.md)


def make_application(argv=None, *, offscreen: bool = False):
    """The QApplication (created once), styled."""
    if offscreen and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv or [sys.argv[0]]))
        app.setApplicationName("What-If Explorer")
        app.setOrganizationName("what-if-explorer")
        app.setApplicationDisplayName("What-If Explorer")
        style_application(app)
    pg.setConfigOptions(antialias=True, background="w", foreground="#66707d")
    return app


def style_application(app) -> None:
    """The app's font (9.5 pt at least), style and style sheet: also for a QApplication made by others
    (pytest-qt's), so that a test sees the rows, headers and margins a user sees."""
    from PySide6.QtGui import QFont

    from .style import STYLE_SHEET
    f = QFont(app.font())
    if f.pointSizeF() < 9.5:
        f.setPointSizeF(9.5)
    app.setFont(f)
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)


def apply_args(window, args) -> None:
    """--branch and --event select what the window shows."""
    ws = window.workspace
    branch = getattr(args, "branch", None)
    event = getattr(args, "event", None)
    bid = window.selection.branch
    if branch:
        if not ws.has_branch(branch):
            raise UnknownName(f"no branch '{branch}'{did_you_mean(branch, ws.scenario.branch_ids)}; "
                              f"branches: {', '.join(ws.scenario.branch_ids)}")
        bid = branch
        window.selection.select_branch(bid)
    if event:
        tl = ws.timeline(bid)
        if tl.rule(event) is None:
            raise UnknownName(f"no event '{event}'{did_you_mean(event, [e.id for e in ws.scenario.events])}")
        f = tl.firing(event)
        if f is not None:
            window.selection.select_event((event, f.occurrence), cursor=f.date)
        else:
            d = window.history.diff(bid)
            gone = next((e for e in d.gone if e.event == event), None) if d else None
            window.selection.select_event((event, gone.occurrence if gone else 1),
                                          cursor=gone.other_date if gone else None)


MAX_SIZE = (7680, 4320)  # 8K: larger windows make Qt print pages of warnings, then fail


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise UnknownName(f"--size wants WIDTHxHEIGHT such as 1280x800, not '{text}'") from None
    if w > MAX_SIZE[0] or h > MAX_SIZE[1]:
        raise UnknownName(f"--size {text} is too large; at most {MAX_SIZE[0]}x{MAX_SIZE[1]}")
    return max(w, 320), max(h, 240)


def run_app(path, args) -> int:
    """Open the main window on `path`; with args.screenshot render it to a PNG and return.

    A file with errors opens the window with the error dialog (its source lines, Open in Editor,
    Reload This File): the user may have started the app from a desktop, with no terminal to read.
    With --screenshot the errors print as for any command (file:line:col, exit 2).
    """
    shot = getattr(args, "screenshot", None)
    broken = None
    size = _size(getattr(args, "size", None) or "1280x800")  # a usage mistake, said before any work
    if shot:
        from ..core.files import check_target
        check_target(shot, inputs=[path])
    try:
        scenario = load_scenario(path)
    except ExplorerError as e:
        if shot:
            raise
        scenario, broken = None, e
        for line in str(e).splitlines():  # for a terminal, when there is one
            print(line, file=sys.stderr)
    app = make_application(offscreen=bool(shot))
    from PySide6.QtCore import QSettings, QTimer

    from .main_window import MainWindow
    settings = None
    if shot:  # a screenshot is reproducible: default layout, no user settings read or written
        import tempfile
        tmp = tempfile.NamedTemporaryFile(suffix=".ini", delete=False)
        tmp.close()
        settings = QSettings(tmp.name, QSettings.IniFormat)
    window = MainWindow(settings=settings)
    window.path = os.fspath(path)
    if scenario is not None:
        window.set_scenario(scenario, path=os.fspath(path), fresh=True)
        window._add_recent(os.fspath(path)) if not shot else None
    else:
        window.path = None
        window.setWindowTitle(f"{os.path.basename(os.fspath(path))} has errors — What-If Explorer")
    if not shot:
        QTimer.singleShot(0, window.authoring.offer_recovery)  # edits a crash left behind
    script = os.environ.get(SCRIPT_ENV)
    if script:  # test-only hook, see docs/saving.md
        QTimer.singleShot(50, lambda: runpy.run_path(script, init_globals={
            "window": window, "app": app, "authoring": window.authoring}))
    if scenario is not None:
        try:
            apply_args(window, args)
        except ExplorerError:  # a usage mistake: said in one line, with no thread left running (Qt aborts)
            check = window.problems.worker
            if check is not None:
                check.cancel()
                check.wait()
            raise
    if shot:
        window.resize(*size)
        window.show()
        for _ in range(5):
            app.processEvents()
        window._default_sizes()
        for _ in range(5):
            app.processEvents()
        window.branch_map.show_branch(window.selection.branch, fit_first=True)
        app.processEvents()
        img = window.grab()
        from PySide6.QtCore import QBuffer, QIODevice
        buf = QBuffer()
        buf.open(QIODevice.WriteOnly)
        ok = img.save(buf, "PNG")  # into memory, then written by atomic_write (failures in one line)
        if ok:
            from ..core.files import atomic_write
            atomic_write(shot, bytes(buf.data()))
        window.settings.clear()
        _dispose(app, window)
        try:
            os.unlink(settings.fileName())
        except OSError:
            pass
        if not ok:
            print(f"what-if: cannot write {shot}", file=sys.stderr)
            return 2
        print(f"wrote {shot} ({size[0]}x{size[1]})")
        return 0
    window.show()
    if broken is not None:
        window.show_scenario_error(os.fspath(path), broken)
    code = app.exec()
    _dispose(app, window)
    return code


def _dispose(app, window) -> None:
    """Tear the window down before the interpreter does: PySide6 and pyqtgraph objects left for
    interpreter shutdown can crash it (a "bool_dealloc" fatal error) after a clean exit."""
    import gc
    window.close()
    window.deleteLater()
    app.processEvents()
    app.sendPostedEvents(None, 0)
    del window
    gc.collect()
