"""Semantics decided in issue 9, section 4, as a user meets them on the command line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

TEXT = """\
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables:
  place: {type: enum, values: [coyoacan, havana], initial: coyoacan}
  n: {type: number, initial: 0}
events:
  - id: speech
    title: The speech
    on: 1940-03-01
    when: place == "coyoacan"
    effects: [{add: {n: 1}}]
"""


def what_if(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_seed_without_sampled_mode_is_an_error(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(TEXT)
    r = what_if("run", str(f), "--seed", "7")
    assert r.returncode == 2
    assert r.stderr == ("what-if: --seed 7 needs --mode sampled: likely mode draws nothing, so every seed "
                        "gives the same history\n")
    assert what_if("run", str(f), "--mode", "sampled", "--seed", "7").returncode == 0


def test_run_at_a_date_prints_that_days_world(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(TEXT)
    out = what_if("run", str(f), "--at", "1940-02-28").stdout.splitlines()
    assert out[-3:] == ["The world on 1940-02-28:", "  place = coyoacan", "  n = 0"]
    out = what_if("run", str(f), "--at", "1940-03-01").stdout.splitlines()
    assert out[-1] == "  n = 1"
    r = what_if("run", str(f), "--at", "1941-01-01")
    assert r.returncode == 2 and "lies outside the scenario" in r.stderr


def test_fork_dry_run_shows_the_branch_and_event_adds_a_one_off(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(TEXT)
    r = what_if("fork", str(f), "--label", "He leaves", "--event", "leaves@1940-02-01:He leaves",
                "--effect", "place=havana", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "he-leaves: would add; 1 new, 1 gone, 0 changed events against baseline:",
        "  - id: he-leaves",
        "    label: He leaves",
        "    divergences:",
        "      - event:",
        "          id: leaves",
        "          title: He leaves",
        "          on: 1940-02-01",
        "          effects: [{set: {place: havana}}]",
    ]
    assert f.read_text() == TEXT  # a dry run writes nothing
    r = what_if("fork", str(f), "--label", "He leaves", "--event", "leaves@1940-02-01:He leaves",
                "--effect", "place=havana")
    assert (r.returncode, r.stdout) == (0, "he-leaves\n")
    run = what_if("run", str(f), "--branch", "he-leaves").stdout
    assert "+ 1940-02-01  He leaves" in run and "- 1940-03-01  The speech  (gone)" in run
    r = what_if("fork", str(f), "--label", "x", "--effect", "place=havana")
    assert r.returncode == 2 and "give it after the --event it belongs to" in r.stderr
