import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

MISSILES = ROOT / "scenarios" / "missile_crisis.yaml"
SCHEMA = ROOT / "resources" / "report.schema.json"


@pytest.fixture(scope="session")
def missiles_ws():
    from explorer.core import Workspace, load_scenario
    return Workspace(load_scenario(MISSILES))


@pytest.fixture
def hostile_file(tmp_path):
    from hostile import hostile_yaml
    p = tmp_path / "hostile.yaml"
    p.write_text(hostile_yaml(), encoding="utf-8")
    return p


@pytest.fixture
def hostile_ws(hostile_file):
    from explorer.core import Workspace, load_scenario
    return Workspace(load_scenario(hostile_file))


@pytest.fixture(scope="session")
def gui():
    """A QApplication (offscreen) for plots and PDF; pytest-qt's qapp if present."""
    from explorer.reports.plots import ensure_gui_app
    return ensure_gui_app()


@pytest.fixture(scope="session")
def validator():
    import json

    import jsonschema
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
