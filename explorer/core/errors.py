"""Errors a user can cause. Each carries where it happened so the shell can print `file:line:col: msg`."""
from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when unknown
    col: int  # 1-based; 0 when unknown
    path: str  # key path such as events[3].when
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file  # 0: no position
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ExplorerError(Exception):
    """Base of every error the user can fix; the CLI prints it without a traceback."""


class ScenarioError(ExplorerError):
    """A scenario that cannot be loaded; holds every problem found in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class EngineError(ExplorerError):
    """A run that cannot finish, such as a runaway cycle of repeatable rules."""


class DivergenceError(ExplorerError):
    """A divergence that cannot be applied, such as one whose date cannot be known: names the branch and
    the divergence's index in it, so a checker can point at the line."""

    def __init__(self, message: str, branch: str, index: int):
        super().__init__(message)
        self.message, self.branch, self.index = message, branch, index


class UnknownName(ExplorerError):
    """A branch, event or variable named on the command line or API that the scenario lacks."""


def did_you_mean(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
