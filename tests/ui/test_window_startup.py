"""Opening the window as a program does: what it imports, and a script that ends without closing it.

Both run in a child process, as a user's script or `what-if FILE` would."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QSettings
    from explorer.bundled import scenario_path
    from explorer.core import load_scenario
    from explorer.ui.app import make_application
    from explorer.ui.main_window import MainWindow
    app = make_application()
    MainWindow.sync_rules_limit = int(sys.argv[2])
    w = MainWindow(load_scenario(str(scenario_path())), settings=QSettings(sys.argv[1], QSettings.IniFormat))
    w.show()
    for _ in range(3):
        app.processEvents()
    print("heavy:", sorted({"networkx", "jinja2", "explorer.reports.render", "explorer.core.search"} & set(sys.modules)))
    w.selection.select_branch(w.workspace.scenario.branch_ids[-1])  # off the GUI thread when the limit is 0
    app.processEvents()
    worker = w.off_thread.worker
    print("worker running:", worker is not None and worker.isRunning())
    # ends here: the window never closed, the worker thread still waiting for work
""")


def run(tmp_path, limit: int) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=ROOT, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "settings.ini"), str(limit)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_a_script_that_never_closes_the_window_exits_cleanly(tmp_path):
    """The branch worker is stopped at exit: no "QThread: Destroyed while thread is still running"
    abort (exit code 134) when a script ends with the window open and the worker alive."""
    p = run(tmp_path, 0)
    assert "worker running: True" in p.stdout, p.stderr[-2000:]
    assert "QThread: Destroyed" not in p.stderr
    assert p.returncode == 0, p.stderr[-2000:]


def test_opening_the_window_leaves_heavy_modules_unimported(tmp_path):
    """networkx (the branch tree's graph, for edits), Jinja2 and the report renderer (File > Export),
    search and sensitivity (the Analysis pane) are imported when used, not for the first paint."""
    p = run(tmp_path, 2000)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "heavy: []" in p.stdout, p.stdout
