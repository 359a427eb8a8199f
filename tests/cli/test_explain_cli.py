"""`what-if explain --against` as a user runs it (issue 9, section 2)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def what_if(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_explain_against_the_parent_names_where_the_histories_part():
    r = what_if("explain", "scenarios/trotsky_mexico.yaml", "--branch", "army-stays-loyal-1942",
                "--against", "baseline", "republic_declared")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith('"The Workers\' and Peasants\' Republic declared" did not happen in '
                               "army-stays-loyal-1942 but did in baseline (1942-09-16).")
    assert lines[1] == ('They part at: "The young officers defect" (1942-06-10), in baseline only (in '
                        'army-stays-loyal-1942: divergence "The officers stay in their barracks" suppresses '
                        "it from 1942-06-10).")
    assert "Why not in army-stays-loyal-1942:" in lines


def test_explain_against_an_unknown_branch_is_one_line():
    r = what_if("explain", "scenarios/trotsky_mexico.yaml", "--branch", "baseline", "--against", "basline",
                "republic_declared")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "did you mean 'baseline'" in r.stderr
