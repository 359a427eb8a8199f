"""Checks that need the scenario to run: branches that cannot run (errors, for `validate`) and the
warnings `what-if lint` prints. Each problem is positioned in the file through the loader's source map.
"""
from __future__ import annotations

from .engine import LIKELY
from .errors import DivergenceError, EngineError, Problem
from .loader import problem_at, source_of
from .model import Scenario
from .workspace import Workspace


def divergence_path(scenario: Scenario, branch_id: str, index: int) -> str:
    src = source_of(scenario)
    base = (src.branch_paths.get(branch_id) if src else None) or f"branches[{branch_id}]"
    return f"{base}.divergences[{index}]"


def run_problems(scenario: Scenario, ws: Workspace | None = None) -> list[Problem]:
    """Every branch run once (likely mode): what stops one from running, as positioned errors. A file
    that `validate` accepts runs every branch."""
    ws = ws or Workspace(scenario, mode=LIKELY)
    out, failed = [], set()
    for bid in scenario.branch_ids:
        if scenario.branch(bid).parent in failed:
            failed.add(bid)  # said once, for the branch it starts in
            continue
        try:
            ws.timeline(bid)
        except DivergenceError as e:
            failed.add(bid)
            out.append(problem_at(scenario, divergence_path(scenario, e.branch, e.index), e.message))
        except EngineError as e:
            failed.add(bid)
            src = source_of(scenario)
            path = (src.branch_paths.get(bid) if src else None) or ""
            out.append(problem_at(scenario, path, f"branch '{bid}' cannot run: {e}"))
    return out
