"""Command-line mistakes print one line (and where to look) and exit 2, for every command.

The cases are generated from the parser itself, so a command or option added later is covered too.
"""
from __future__ import annotations

import argparse
import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

from explorer import cli

from test_write_paths import ENV


def _main(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def _commands():
    cli._load_plugins()
    parser = cli._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


def _mistakes(name: str, p: argparse.ArgumentParser):
    """argv lists that are usage mistakes for command `name`."""
    positionals = [a for a in p._actions if not a.option_strings and a.nargs != 0]
    fill = ["x.yaml"] + ["b"] * (len(positionals) - 1 if positionals else 0)
    required = []
    for a in p._actions:
        if a.option_strings and a.required:
            required += [a.option_strings[0], "v"]
    yield [name, *fill, *required, "--no-such-option"]
    if positionals:
        yield [name, *required]  # the positional arguments missing
    for a in p._actions:
        if not a.option_strings or a.nargs == 0 or isinstance(a, argparse._HelpAction):
            continue
        if a.choices:
            yield [name, *fill, *required, a.option_strings[0], "not-a-choice"]
        elif a.type in (int, float):
            yield [name, *fill, *required, a.option_strings[0], "twelve"]
        if a.required:  # a required option left out
            yield [name, *fill]


def test_every_usage_mistake_is_one_line_and_exit_2():
    cases = 0
    for name, p in _commands().items():
        for argv in _mistakes(name, p):
            code, out, err = _main(argv)
            lines = err.strip().splitlines()
            assert code == 2, (argv, err)
            assert len(lines) == 1 and "usage:" not in err, (argv, err)
            assert lines[0].startswith(f"what-if {name}: ") and f"what-if {name} --help" in lines[0], argv
            cases += 1
    assert cases >= 3 * len(_commands())


def test_unknown_commands_and_app_options():
    for argv, expect in ((["brnches"], "did you mean 'branches'"), (["--screenshot"], "--screenshot"),
                         (["x.yaml", "--size"], "--size")):
        code, _, err = _main(argv)
        assert code == 2 and len(err.strip().splitlines()) == 1 and expect in err, (argv, err)


def test_usage_mistake_as_a_subprocess():
    r = subprocess.run([sys.executable, "-m", "explorer", "run", "--mode", "maybe"], capture_output=True,
                       text=True, env=ENV, timeout=120)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [r.stderr.strip()]
    assert "see what-if run --help" in r.stderr and "usage:" not in r.stderr
