"""The functional core: model, conditions, loading, engine, branches, diff and explanations. No Qt."""
from .diff import CHANGED, GONE, NEW, SAME, Diff, EventDiff, VarDiff
from .engine import LIKELY, SAMPLED, AppliedDivergence, Firing, Lapse, RunResult, run_program
from .errors import EngineError, ExplorerError, Problem, ScenarioError, UnknownName
from .explain import Why, WhyNot, causal_graph
from .loader import load_scenario, load_scenario_text
from .model import BASELINE, Branch, Divergence, Effect, EventRule, Outcome, Scenario, Timing, Variable
from .program import Program, build_program, program_of
from .timeline import Timeline
from .workspace import Workspace

__all__ = [
    "AppliedDivergence", "BASELINE", "Branch", "CHANGED", "Diff", "Divergence", "Effect", "EngineError",
    "EventDiff", "EventRule", "ExplorerError", "Firing", "GONE", "LIKELY", "Lapse", "NEW", "Outcome",
    "Problem", "Program", "RunResult", "SAME", "SAMPLED", "Scenario", "ScenarioError", "Timeline", "Timing",
    "UnknownName", "VarDiff", "Variable", "Why", "WhyNot", "Workspace", "build_program", "causal_graph",
    "load_scenario", "load_scenario_text", "program_of", "run_program",
]
