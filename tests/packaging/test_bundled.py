"""The bundled files as the checkout sees them (explorer/scenarios and explorer/resources link to the
repository's top-level folders), and `what-if scenarios`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from explorer import bundled

ROOT = Path(__file__).resolve().parents[2]


def test_bundled_files_are_the_repository_folders():
    assert bundled.scenario_names() == sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    assert bundled.scenario_path().resolve() == (ROOT / "scenarios" / "trotsky_mexico.yaml").resolve()
    assert bundled.schema().read_text(encoding="utf-8") == (ROOT / "resources" / "report.schema.json").read_text(
        encoding="utf-8")
    assert {t.name for t in bundled.templates_folder().iterdir()} >= {"report.html.j2", "report.md.j2",
                                                                      "report_pdf.html.j2"}


def test_the_checkouts_scenarios_are_not_installed_copies(tmp_path):
    assert not bundled.is_installed_copy(bundled.scenario_path())
    assert not bundled.is_installed_copy(tmp_path / "trotsky_mexico.yaml")


def _what_if(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_scenarios_lists_names_titles_and_paths_from_any_folder(tmp_path):
    r = _what_if("scenarios", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "trotsky_mexico  Trotsky's Mexico" in r.stdout and "(what-if opens it with no argument)" in r.stdout
    assert str((ROOT / "scenarios" / "missile_crisis.yaml").resolve()) in [ln.strip() for ln in r.stdout.splitlines()]
    rows = json.loads(_what_if("scenarios", "--format", "json", cwd=tmp_path).stdout)["scenarios"]
    assert [r["name"] for r in rows] == ["missile_crisis", "trotsky_mexico"]
    assert all(Path(r["path"]).is_file() and r["events"] > 0 for r in rows)


def test_an_unknown_bundled_scenario_is_named_with_the_choices():
    import pytest
    from explorer.core.errors import ExplorerError
    with pytest.raises(ExplorerError, match="no bundled scenario 'trotsky'.*bundled: missile_crisis, trotsky_mexico"):
        bundled.scenario_path("trotsky")


def test_pyproject_claims_the_python_running_the_suite():
    import tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert f"Programming Language :: Python :: {version}" in project["classifiers"], \
        f"the suite runs on Python {version}: verify it passes and add its classifier"
    assert project["requires-python"] == ">=3.11"
