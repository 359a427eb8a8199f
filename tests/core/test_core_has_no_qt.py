"""`explorer.core` must not import Qt: the command line, reports and tests run it headless."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import importlib, json, pkgutil, sys
    import explorer.core
    names = sorted(m.name for m in pkgutil.walk_packages(explorer.core.__path__, "explorer.core."))
    for name in names:
        importlib.import_module(name)
    from explorer.core import Workspace, load_scenario
    from explorer.core.serialize import timeline_dict, diff_dict
    ws = Workspace(load_scenario("scenarios/missile_crisis.yaml"))
    for b in ws.scenario.branch_ids:
        timeline_dict(ws, b)
        if b != "baseline":
            diff_dict(ws.diff(b))
        for e in ws.scenario.events:
            ws.explain(b, e.id).text()
        ws.causal_graph(b)
    qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6",
                                                                 "pyqtgraph"))
    print(json.dumps({"modules": names, "qt": qt}))
""")


def test_core_imports_and_runs_without_qt():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("QT_QPA_PLATFORM", None)
    p = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout.strip().splitlines()[-1])
    assert "explorer.core.engine" in data["modules"] and "explorer.core.loader" in data["modules"]
    assert data["qt"] == [], f"explorer.core pulled in Qt: {data['qt']}"
