"""The installed wheel works as a new user meets it: built from this checkout, installed (not editable)
into a fresh virtual environment, and run from a temporary folder far from the repository, with no
PYTHONPATH and no display. Also imported from a zip (the wheel itself on sys.path).

The virtual environment sees the running interpreter's site-packages for the dependencies (Qt,
numpy, ...) through a .pth file after its own — like --system-site-packages, but also when the tests
themselves run in a venv, and without the .pth hooks of an editable install — so the test needs no
network beyond the build's setuptools; it checks that `explorer` is imported from the new venv.
"""
from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "PYTHONPATH")

pytestmark = pytest.mark.slow


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARS and not k.startswith("PYTEST")}
    env.update(extra)
    return env


def _check(cmd, cwd, env=None, timeout=600) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, cwd=cwd, env=env or _env(), capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} exited {r.returncode}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _check([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)], cwd=out)
    (whl,) = out.glob("what_if_explorer-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    _check([sys.executable, "-m", "venv", str(home / "env")], cwd=home)
    python = home / "env" / "bin" / "python"
    own = _check([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=home)
    parent = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
                            *site.getsitepackages()])
    (Path(own.stdout.strip()) / "zz_dependencies.pth").write_text("\n".join(parent) + "\n")
    # --force-reinstall: an editable install of the project in the base interpreter must not count
    _check([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel)], cwd=home)
    return home / "env"


def test_the_wheel_carries_the_scenarios_templates_and_schema(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for scenario in (ROOT / "scenarios").glob("*.yaml"):
        assert f"explorer/scenarios/{scenario.name}" in names
    for template in (ROOT / "resources" / "report").glob("*.j2"):
        assert f"explorer/resources/report/{template.name}" in names
    assert "explorer/resources/report.schema.json" in names
    assert not [n for n in names if n.startswith(("tests/", "scenarios/", "resources/", "benchmarks/"))]


def test_installed_wheel_from_a_temporary_folder(venv, tmp_path):
    what_if = str(venv / "bin" / "what-if")
    python = str(venv / "bin" / "python")
    where = _check([python, "-c", "import explorer; print(explorer.__file__)"], cwd=tmp_path).stdout.strip()
    assert where.startswith(str(venv)), f"explorer imported from {where}, not the venv"

    # the app saves edits to an installed bundled scenario elsewhere (Save As), never into site-packages
    code = "import explorer.bundled as b; print(b.is_installed_copy(b.scenario_path()))"
    assert _check([python, "-c", code], cwd=tmp_path).stdout.strip() == "True"

    import explorer
    assert _check([what_if, "--version"], cwd=tmp_path).stdout.strip() == f"what-if {explorer.__version__}"

    listed = json.loads(_check([what_if, "scenarios", "--format", "json"], cwd=tmp_path).stdout)["scenarios"]
    paths = {s["name"]: Path(s["path"]) for s in listed}
    assert set(paths) == {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    for p in paths.values():
        assert p.is_file() and str(p).startswith(str(venv)), p

    r = _check([what_if, "validate", *map(str, paths.values())], cwd=tmp_path)
    assert r.stdout.count(": ok") == len(paths)

    missiles = str(paths["missile_crisis"])
    r = _check([what_if, "run", missiles, "--branch", "air-strike"], cwd=tmp_path)
    assert "Thirteen Days" in r.stdout

    _check([what_if, "report", missiles, "-o", "r.html"], cwd=tmp_path)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Thirteen Days" in html and "data:image/png;base64," in html
    _check([what_if, "report", missiles, "-o", "r.pdf", "-q"], cwd=tmp_path)
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
    _check([what_if, "report", missiles, "-o", "r.json", "-q"], cwd=tmp_path)
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["scenario"]["title"]

    # no argument: the bundled scenario; no display and no QT_QPA_PLATFORM: --screenshot still works
    r = _check([what_if, "--screenshot", "shot.png", "--size", "900x600"], cwd=tmp_path)
    assert (tmp_path / "shot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", r.stdout


def test_the_package_works_from_a_zip(wheel, tmp_path):
    """zipimport: the wheel itself on sys.path. Scenarios and templates are read from inside the zip."""
    env = _env(PYTHONPATH=str(wheel), QT_QPA_PLATFORM="offscreen")
    code = f"""
import sys, explorer, explorer.bundled as b
from explorer.cli import main
assert explorer.__file__.startswith({str(wheel)!r}), explorer.__file__
path = str(b.scenario_path("missile_crisis"))  # copied out of the zip until the process ends
assert main(["validate", path]) == 0
assert b.is_installed_copy(path)
assert main(["scenarios"]) == 0
sys.exit(main(["report", path, "-o", "r.html", "-q"]))
"""
    r = _check([sys.executable, "-c", code], cwd=tmp_path, env=env)
    assert ": ok" in r.stdout and f"{wheel}/explorer/scenarios/trotsky_mexico.yaml" in r.stdout
    assert "Thirteen Days" in (tmp_path / "r.html").read_text(encoding="utf-8")
