"""Positions as editors count them: YAML also breaks lines at a lone CR, U+0085, U+2028 and U+2029;
editors, grep and compilers do not. A file holding such characters gets its problems reported at the
editor's line and column, and a warning at each such character."""
from __future__ import annotations

import random
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core import load_scenario_text
from explorer.core.errors import ScenarioError

from hand_edited import MISSILE_TEXT
from test_write_paths import ENV

ODD = ["\r", "\x85", "\u2028", "\u2029"]


def _editor_pos(text: str, i: int) -> tuple[int, int]:
    return text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**9))
def test_problems_are_placed_as_editors_count_lines(seed):
    rng = random.Random(seed)
    lines = MISSILE_TEXT.split("\n")
    # odd breaks inside double-quoted titles (still valid YAML) and inside comments at line ends
    titles = [i for i, ln in enumerate(lines) if ln.strip().startswith("title:")]
    for i in rng.sample(titles, rng.randint(1, min(3, len(titles)))):
        key, _, value = lines[i].partition("title: ")
        value = value.strip('"')
        cut = rng.randint(1, max(1, len(value) - 1))
        lines[i] = f'{key}title: "{value[:cut]}{rng.choice(ODD)}{value[cut:]}"'
    for _ in range(rng.randint(0, 3)):  # comments holding one: the rest of the line is a comment again
        starts = [i for i, ln in enumerate(lines) if ln.startswith(("variables:", "events:", "branches:", "  - id:"))]
        lines.insert(rng.choice(starts), f"# a note{rng.choice(ODD)}# its second half")
    # a mistake after them, at a line we know
    whens = [i for i, ln in enumerate(lines) if ln.strip().startswith("when:")]
    w = rng.choice(whens)
    lines[w] = lines[w] + " and no_such_variable"
    text = "\n".join(lines)
    try:
        load_scenario_text(text, "x.yaml")
    except ScenarioError as e:
        problems = e.problems
    else:
        raise AssertionError("the unknown variable was not reported")
    at = text.index("no_such_variable")
    errors = [p for p in problems if not p.message.startswith("warning:")]
    assert [(p.line, p.col) for p in errors] == [_editor_pos(text, at)], [str(p) for p in problems]
    warnings = [(p.line, p.col) for p in problems if p.message.startswith("warning:")]
    odd_at = [i for i, ch in enumerate(text) if ch in "\x85\u2028\u2029" or ch == "\r" and text[i + 1:i + 2] != "\n"]
    assert warnings == [_editor_pos(text, i) for i in odd_at][:len(warnings)] and warnings


def test_a_line_separator_in_a_comment_is_pointed_at():
    text = MISSILE_TEXT.replace("# A small real example", "# A small\u2028 real example", 1)
    r = subprocess.run([sys.executable, "-m", "explorer", "validate", "/dev/stdin"], input=text, text=True,
                       capture_output=True, env=ENV, timeout=120)
    assert r.returncode == 2
    first = r.stderr.splitlines()[0]
    assert first.startswith("/dev/stdin:1:10: warning: U+2028 LINE SEPARATOR"), r.stderr


def test_a_valid_file_with_odd_breaks_validates_with_warnings():
    text = MISSILE_TEXT.replace("title: U-2 photographs the missile sites",
                                'title: "U-2 photographs\u2028the missile sites"', 1)
    sc = load_scenario_text(text, "x.yaml")
    assert [(w.line, w.message[:30]) for w in sc.warnings] == [
        (_editor_pos(text, text.index("\u2028"))[0], "warning: U+2028 LINE SEPARATOR")]
    r = subprocess.run([sys.executable, "-m", "explorer", "validate", "/dev/stdin"], input=text, text=True,
                       capture_output=True, env=ENV, timeout=120)
    assert r.returncode == 0 and "warning: U+2028" in r.stderr and "ok" in r.stdout


def test_commands_that_read_a_scenario_print_its_warnings(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(MISSILE_TEXT.replace("title: U-2 photographs the missile sites",
                                      'title: "U-2 photographs\u2028the missile sites"', 1))
    r = subprocess.run([sys.executable, "-m", "explorer", "run", str(p)], text=True, capture_output=True,
                       env=ENV, timeout=120)
    assert r.returncode == 0 and r.stderr.count("warning: U+2028") == 1 and "U-2 photographs" in r.stdout
