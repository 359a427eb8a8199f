"""Shared helpers for the authoring tests: commented copies of scenarios, running the CLI."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
MISSILE = SCENARIOS / "missile_crisis.yaml"
TROTSKY = SCENARIOS / "trotsky_mexico.yaml"


def _block_scalar_lines(text: str) -> set[int]:
    """0-based lines that belong to block scalars' content (a comment there would become text)."""
    out: set[int] = set()

    def walk(node):
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                end = node.end_mark
                last = end.line if text.splitlines()[end.line:end.line + 1] and \
                    text.splitlines()[end.line][:end.column].strip() else end.line - 1
                out.update(range(node.start_mark.line + 1, last + 1))
        elif isinstance(node, yaml.SequenceNode):
            for x in node.value:
                walk(x)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(k)
                walk(v)
    walk(yaml.compose(text, Loader=yaml.SafeLoader))
    return out


def commented(text: str) -> str:
    """The scenario with a comment line before every line and a trailing comment after most lines.

    Comments are placed only where YAML allows them (not inside block scalars or quoted text).
    """
    skip = _block_scalar_lines(text)
    out = []
    for i, line in enumerate(text.splitlines()):
        if i in skip:
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip())
        out.append(" " * indent + f"# note {i}: the author's words, keep me")
        if line.strip() and not line.lstrip().startswith("#"):
            stripped = line.rstrip()
            if stripped.count('"') % 2 == 0 and stripped.count("'") % 2 == 0 or stripped.endswith('"'):
                out.append(stripped + f"   # tail {i}")
                continue
        out.append(line)
    out.append("# the very last comment")
    return "\n".join(out) + "\n"


def run_cli(*args, cwd=None, env=None, timeout=60) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    if env:
        e.update(env)
    return subprocess.run([sys.executable, "-m", "explorer", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=e, timeout=timeout)
