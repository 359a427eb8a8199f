import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def bundled():
    from explorer.core import load_scenario
    return load_scenario(ROOT / "scenarios" / "trotsky_mexico.yaml")
