"""`validate` runs every branch; `run` warns about divergences that change nothing (issue 9, §1)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

TEXT = textwrap.dedent("""\
    scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
    variables:
      n: {type: number, initial: 0}
    events:
      - id: always
        on: 1940-02-01
        effects: [{add: {n: 1}}]
      - id: messenger
        scheduled: true
    branches:
      - id: again
        divergences: [{force: always, on: 1940-05-01}]
""")


def what_if(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


def test_validate_fails_on_a_branch_run_would_fail_on(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(TEXT + "  - id: unknowable\n    divergences: [{force: messenger}]\n")
    r = what_if("validate", str(f))
    assert r.returncode == 2, r.stdout
    assert r.stderr.splitlines() == [
        f"{f}:14:19: branches[1].divergences[0]: cannot tell when to force 'messenger' in branch "
        "'unknowable': it is never tested in 'baseline' nor brought about by this branch; give the "
        "divergence an `on:` date"]
    assert "Traceback" not in r.stderr
    r = what_if("run", str(f), "--branch", "unknowable")
    assert r.returncode == 2 and "give the divergence an `on:` date" in r.stderr


def test_run_warns_about_a_divergence_that_changes_nothing(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(TEXT)
    assert what_if("validate", str(f)).returncode == 0
    r = what_if("run", str(f), "--branch", "again")
    assert r.returncode == 0
    assert r.stderr.splitlines() == [
        f"{f}:12:19: warning: in branch 'again': 'always' already happened on 1940-02-01 and is not repeatable, so "
        "forcing it changes nothing [noop-divergence]"]
    assert "1940-02-01" in r.stdout
