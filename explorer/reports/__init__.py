"""Scenario reports in HTML, Markdown, PDF and JSON: writers over `explorer.core.report` data.

`export_report(workspace, "out.pdf", branches=[...], variables=[...])` is what the command line and
the app's Export Report dialog call. Templates live in `resources/report/` (Jinja2); a user restyles
a report by copying them into a folder and passing it as `templates=` (`--templates DIR`).
"""
from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """`resources/` of a checkout, or installed beside the package."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "resources", here / "resources"):
        if (candidate / "report").is_dir():
            return candidate
    return here.parent / "resources"


def templates_dir() -> Path:
    return resources_dir() / "report"


def schema_path() -> Path:
    return resources_dir() / "report.schema.json"


def __getattr__(name):  # the writers import Qt: only when asked for
    if name in ("FORMATS", "PAGE_SIZES", "export_report", "format_for"):
        from . import render
        return getattr(render, name)
    raise AttributeError(name)


__all__ = ["FORMATS", "PAGE_SIZES", "export_report", "format_for", "resources_dir", "schema_path",
           "templates_dir"]
