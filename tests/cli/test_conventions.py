"""Command-line conventions every command keeps, including the ones added later: help text and a
metavar on every argument, one line per command in `what-if --help`, `--version`, exit codes, shell
completion. The walk over the registered commands is what keeps a new command honest."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

import explorer
from explorer import cli

ROOT = Path(__file__).resolve().parents[2]


def _run(*args, env=None, **kw) -> subprocess.CompletedProcess:
    e = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="80")
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          timeout=120, env=e, cwd=ROOT, **kw)


def _commands() -> dict[str, argparse.ArgumentParser]:
    cli._load_plugins()
    parser = cli._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _arguments():
    """(command, action) for every argument of every command, and of the app's own parser."""
    for name, parser in _commands().items():
        for action in parser._actions:
            yield name, action
    for action in cli._app_parser()._actions:
        yield "(app)", action


ARGUMENTS = [(name, action) for name, action in _arguments()
             if not isinstance(action, (argparse._HelpAction, argparse._VersionAction))]


def _label(item):
    name, action = item
    return f"{name}:{'/'.join(action.option_strings) or action.dest}"


def test_there_are_commands_and_arguments_to_check():
    assert {"validate", "run", "report", "fork", "scenarios"} <= set(_commands())
    assert len(ARGUMENTS) > 40


@pytest.mark.parametrize("item", ARGUMENTS, ids=_label)
def test_every_argument_has_help_text_and_a_metavar(item):
    name, action = item
    where = f"`what-if {name}` argument {_label(item)}"
    assert action.help and action.help is not argparse.SUPPRESS and len(action.help) >= 8, \
        f"{where} has no help text: add help=..."
    takes_value = action.nargs != 0
    if takes_value:
        assert action.metavar, f"{where} has no metavar: add metavar=... (FILE, ID, N, text|json...)"
        if not action.option_strings:  # positionals read as placeholders
            assert action.metavar.upper() == action.metavar, f"{where}: a positional's metavar is upper case"


def test_help_lists_every_command_on_one_line_each():
    r = _run("--help")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for name, parser in _commands().items():
        rows = [ln for ln in lines if ln.split()[:1] == [name] and ln.startswith("    ")]
        assert len(rows) == 1, f"`what-if --help` has no line for {name}"
        help_text = next(a.help for a in cli._parser()._subparsers._group_actions[0]._choices_actions
                         if a.dest == name)
        assert rows[0].rstrip().endswith(help_text), f"{name}'s help wraps onto a second line: shorten it"
    # the app's own options and the exit statuses are there too
    assert "--screenshot OUT.png" in r.stdout and "exit status: 0" in r.stdout


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_help_and_says_its_exit_statuses(name):
    r = _run(name, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"usage: what-if {name} ")
    assert "exit status: 0" in r.stdout.replace("\n", " ")


def test_version():
    r = _run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"what-if {explorer.__version__}", r


def test_user_error_exits_2_in_one_line(tmp_path):
    r = _run("run", str(tmp_path / "missing.yaml"))
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "missing.yaml" in r.stderr


def test_shell_completion_of_commands_options_and_choices(tmp_path):
    out = tmp_path / "completions"

    def complete(line: str) -> list[str]:
        r = _run(env={"_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
                      "_ARGCOMPLETE_STDOUT_FILENAME": str(out), "_ARGCOMPLETE_IFS": "\n"})
        assert r.returncode == 0, r.stderr
        return sorted(w.strip() for w in out.read_text().split("\n") if w.strip())
    pytest.importorskip("argcomplete")
    assert complete("what-if montec") == ["montecarlo"]
    assert complete("what-if run --for") == ["--format"]
    assert complete("what-if run --format ") == ["json", "text"]
