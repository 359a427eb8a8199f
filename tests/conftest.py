"""Test-wide settings. On CI, hypothesis replays a fixed sequence of examples (derandomize), so a
landing never depends on luck; on a developer's machine it explores new ones every run."""
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
