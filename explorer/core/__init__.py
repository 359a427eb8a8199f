"""The functional core: model, conditions, loading, engine, branches, diff and explanations. No Qt.

Names are imported from their modules on first use (PEP 562), so that `what-if --help` or `validate`
does not pay for the engine, the workspace and networkx before it needs them.
"""
from __future__ import annotations

import importlib

_HOMES = {
    "diff": ("CHANGED", "GONE", "NEW", "SAME", "Diff", "EventDiff", "VarDiff"),
    "engine": ("LIKELY", "SAMPLED", "AppliedDivergence", "Firing", "Lapse", "RunResult", "run_program"),
    "errors": ("EngineError", "ExplorerError", "Problem", "ScenarioError", "UnknownName"),
    "explain": ("Why", "WhyNot", "causal_graph"),
    "loader": ("load_scenario", "load_scenario_text"),
    "model": ("BASELINE", "Branch", "Divergence", "Effect", "EventRule", "Outcome", "Scenario", "Timing",
              "Variable"),
    "program": ("Program", "build_program", "program_of"),
    "timeline": ("Timeline",),
    "workspace": ("Workspace",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_HOME_OF)


def __getattr__(name: str):
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
