"""`what-if lint` as a user runs it (issue 9, section 5): one small scenario per warning code."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.core.model import LINT_CODES

ROOT = Path(__file__).resolve().parents[2]

CLEAN = """\
scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
variables:
  x: {type: number, initial: 0}
events:
  - id: bump
    on: 1940-01-01
    effects: [{add: {x: 1}}]
  - id: check
    on: 1940-02-01
    when: x >= 1
"""

# code -> (text added at the end of the events, or a whole scenario; the line and column it points at)
CASES = {
    "never-fires": (CLEAN + "  - id: hopeless\n    on: 1940-03-01\n    when: x >= 5\n", 11, 5,
                    "'hopeless' fires in no branch; in the baseline: its window (on 1940-03-01) closed on "
                    "1940-03-01 with the condition false; false: x >= 5 (x was 1)"),
    "after-never-starts": (CLEAN + "  - id: hopeless\n    on: 1940-03-01\n    when: x >= 5\n    nolint: "
                           "never-fires\n  - id: aftermath\n    after: hopeless\n", 15, 5,
                           "'aftermath' follows 'hopeless', which fires in no branch, so it never starts"),
    "latent-never-forced": (CLEAN + "  - id: dormant\n    on: 1940-03-01\n    when: false\n", 11, 5,
                            "'dormant' is latent (when: false) and no branch forces it"),
    "never-scheduled": (CLEAN + "  - id: orphan\n    scheduled: true\n", 11, 5,
                        "'orphan' waits to be scheduled, and no effect schedules it and no branch forces it"),
    "outcome-never-chosen": (CLEAN + "  - id: war\n    on: 1940-03-01\n    outcomes: [{id: won, weight: 2}, "
                             "{id: lost}]\n", 13, 38, "outcome 'lost' of 'war' is chosen in no branch"),
    "variable-never-read": (CLEAN.replace("  x: {type: number, initial: 0}\n", "  x: {type: number, initial: 0}"
                                          "\n  y: {type: number, initial: 0}\n")
                            + "  - id: touch\n    on: 1940-03-01\n    effects: [{set: {y: 2}}]\n", 4, 3,
                            "variable y is read by no condition, chance, weight, text or expectation"),
    "variable-never-written": (CLEAN.replace("  x: {type: number, initial: 0}\n", "  x: {type: number, initial: 0}"
                                             "\n  y: {type: bool, initial: true}\n")
                               .replace("when: x >= 1", "when: x >= 1 and y"), 4, 3,
                               "variable y is changed by no effect and no divergence: it stays true"),
    "noop-divergence": (CLEAN + "branches:\n  - id: again\n    divergences: [{force: bump, on: 1940-05-01}]\n",
                        13, 19, "in branch 'again': 'bump' already happened on 1940-01-01 and is not "
                        "repeatable, so forcing it changes nothing"),
    "outcome-forced-ineligible": (CLEAN + "  - id: war\n    on: 1940-03-01\n    outcomes: [{id: won, weight: 2}, "
                                  "{id: lost, when: x > 3}]\nbranches:\n  - id: loses\n    divergences: "
                                  "[{outcome: {war: lost}}]\n", 16, 19,
                                  "in branch 'loses': outcome 'lost' of 'war' is forced on 1940-03-01 although "
                                  "its condition is false there (when: x > 3); the divergence wins"),
    "chance-clamps": (CLEAN + "  - id: gamble\n    on: 1940-03-01\n    chance: x * 3\n", 13, 13,
                      "the chance of 'gamble' was 3 on 1940-03-01 in branch 'baseline', taken as 1"),
    "weight-clamps": (CLEAN + "  - id: war\n    on: 1940-03-01\n    outcomes: [{id: won, weight: 2},\n"
                      "               {id: lost, weight: x - 5}]\n    nolint: outcome-never-chosen\n", 14, 35,
                      "the weight of outcome 'lost' of 'war' was -4 on 1940-03-01 in branch 'baseline', "
                      "taken as 0"),
}


def what_if(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_every_code_has_a_case():
    assert set(CASES) == set(LINT_CODES)


def test_a_clean_scenario(tmp_path):
    f = tmp_path / "clean.yaml"
    f.write_text(CLEAN)
    r = what_if("lint", "--strict", str(f))
    assert (r.returncode, r.stdout, r.stderr) == (0, "0 warnings\n", "")


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_warning_code(tmp_path, code):
    text, line, col, message = CASES[code]
    f = tmp_path / f"{code}.yaml"
    f.write_text(text)
    r = what_if("lint", str(f))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"{f}:{line}:{col}: warning: {message} [{code}]", "1 warning"]
    assert what_if("lint", "--strict", str(f)).returncode == 1
    data = json.loads(what_if("lint", "--format", "json", str(f)).stdout)
    assert [(w["code"], w["line"], w["col"]) for w in data] == [(code, line, col)]


def test_nolint_silences_a_code_for_one_entry(tmp_path):
    text = CASES["latent-never-forced"][0] + "    nolint: [latent-never-forced]\n"
    f = tmp_path / "quiet.yaml"
    f.write_text(text)
    assert what_if("lint", "--strict", str(f)).stdout == "0 warnings\n"
    f.write_text(CASES["latent-never-forced"][0] + "    nolint: [latent-never-forcd]\n")
    r = what_if("lint", str(f))
    assert r.returncode == 2
    assert r.stderr == (f"{f}:14:14: events[2].nolint[0]: unknown lint code 'latent-never-forcd' (did you "
                        f"mean 'latent-never-forced'?); codes: {', '.join(LINT_CODES)}, all\n")


def test_the_bundled_scenario_is_lint_clean_under_strict():
    """The bundled scenario is the example authors copy: every warning it would raise is either fixed
    or silenced with a `nolint:` that says why."""
    p = subprocess.run([sys.executable, "-m", "explorer", "lint", "--strict",
                        str(ROOT / "scenarios" / "trotsky_mexico.yaml")],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip().endswith("0 warnings")
