"""The CLI imports only what a command needs: --help, --version and validate never load networkx,
numpy, Jinja2 or Qt (each costs a noticeable part of a second before anything happens)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("networkx", "numpy", "jinja2", "PySide6", "pyqtgraph")


def _loaded_after(argv: list[str]) -> list[str]:
    code = ("import contextlib, io, json, sys\nfrom explorer.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(sys.argv[1:])\n    except SystemExit:\n        pass\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["validate", "scenarios/trotsky_mexico.yaml"]])
def test_light_commands_do_not_import_heavy_libraries(argv):
    assert _loaded_after(argv) == []


def test_run_still_works_and_loads_what_it_needs():
    out = subprocess.run([sys.executable, "-m", "explorer", "run", "scenarios/trotsky_mexico.yaml"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0 and "Trotsky" in out.stdout


def test_validate_imports_neither_explanations_nor_other_commands():
    """validate loads, compiles and (where it cannot prove them) runs branches: explanations, diffs
    and the plug-in commands are not on its way (each module compiled costs start-up time)."""
    code = ("import contextlib, io, json, sys\nfrom explorer.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    main(['validate', 'scenarios/trotsky_mexico.yaml'])\n"
            "print(json.dumps(sorted(m for m in ('explorer.core.explain', 'explorer.core.diff', "
            "'explorer.commands') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
