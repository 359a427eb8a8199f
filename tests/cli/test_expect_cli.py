"""`what-if test` as a user runs it (issue 9, section 6): one line per failure, a count, exit codes."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WORLD = textwrap.dedent("""\
    scenario: {id: t, title: T, start: 1940-01-01, end: 1940-12-31}
    variables:
      alive: {type: bool, initial: true}
      regime: {type: enum, values: [old, new], initial: old}
      n: {type: number, initial: 0}
    events:
      - id: kill
        title: The assassination
        on: 1940-08-20
        when: false
        effects: [{set: {alive: false}}]
      - id: revolution
        title: The revolution
        on: 1940-09-01
        when: alive
        effects: [{set: {regime: new}}]
      - id: coin
        on: 1940-01-01
        chance: 0.5
        effects: [{add: {n: 1}}]
    branches:
      - id: baseline
        expect:
          - happened("revolution")
          - {that: 'regime == "old"', on: 1940-08-31}
          - {that: n == 1, p: ">= 0.3", runs: 100}
      - id: dies
        divergences: [{force: kill}]
        expect:
          - not happened("revolution")
""")

FAILING = WORLD + (
    '      - happened("revolution")\n'
    "      - {that: 'regime == \"new\"', on: 1940-12-31}\n"
    '      - {that: n == 1, p: ">= 0.9", runs: 100}\n')


def what_if(*args, **kw):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, **kw)


def test_passing_expectations_of_each_form(tmp_path):
    f = tmp_path / "ok.yaml"
    f.write_text(WORLD)
    r = what_if("test", str(f))
    assert (r.returncode, r.stdout, r.stderr) == (0, "4 passed, 0 failed\n", "")


def test_failing_expectations_of_each_form(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(FAILING)
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    r = what_if("test", str(f), "--junit", str(junit))
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    fails = [ln for ln in lines if ": FAIL [" in ln]
    assert fails == [
        f'{f}:31:9: FAIL [dies] happened("revolution"): false',
        f"{f}:32:17: FAIL [dies] regime == \"new\", on 1940-12-31: false",
        f"{f}:33:16: FAIL [dies] n == 1, p >= 0.9 over 100 runs: held in 55% of 100 sampled runs "
        "(95% interval 45%..64%)",
    ]
    i = lines.index(fails[0])
    assert lines[i + 1] == '    false: happened("revolution")'
    assert lines[i + 2] == "      Why did “The revolution” not happen (branch dies)?"  # explain's words
    assert any("“alive” was false, set by “The assassination”" in ln for ln in lines[i:])
    assert lines[-1] == "4 passed, 3 failed"
    suite = ET.parse(junit).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("7", "3")
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ['happened("revolution")', 'regime == "new", on 1940-12-31',
                      "n == 1, p >= 0.9 over 100 runs"]


def test_a_file_that_does_not_load_exits_2(tmp_path):
    f = tmp_path / "broken.yaml"
    f.write_text(WORLD.replace('happened("revolution")', 'happened("revolutoin")', 1))
    r = what_if("test", str(f))
    assert r.returncode == 2
    assert r.stderr == (f"{f}:24:18: branches[0].expect[0]: unknown event 'revolutoin' "
                        "(did you mean 'revolution'?)\n")


def test_the_bundled_scenario_passes_its_expectations():
    r = what_if("test", "scenarios/trotsky_mexico.yaml")
    assert r.returncode == 0, r.stdout
    passed = int(r.stdout.split()[0])
    assert passed >= 30 and r.stdout.endswith(f"{passed} passed, 0 failed\n")


def test_watch_checks_again_when_the_file_is_saved(tmp_path):
    f = tmp_path / "w.yaml"
    f.write_text(WORLD)
    p = subprocess.Popen([sys.executable, "-m", "explorer", "test", str(f), "--watch", "--interval", "0.1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert p.stdout.readline() == "4 passed, 0 failed\n"
        assert p.stdout.readline().startswith("watching ")
        f.write_text(FAILING)
        assert p.stdout.readline().startswith("--- ")
        got = []
        while not got or not got[-1].endswith("failed\n"):
            got.append(p.stdout.readline())
        assert got[-1] == "4 passed, 3 failed\n"
    finally:
        p.kill()
        p.wait()
