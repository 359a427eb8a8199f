"""Scenario reports in HTML, Markdown, PDF and JSON: writers over `explorer.core.report` data.

`export_report(workspace, "out.pdf", branches=[...], variables=[...])` is what the command line and
the app's Export Report dialog call. Templates live in `resources/report/` (Jinja2), found through
`explorer.bundled`; a user restyles a report by copying them into a folder and passing it as
`templates=` (`--templates DIR`). This package imports no writer until one is asked for.
"""
from __future__ import annotations


def __getattr__(name):  # the writers import Qt: only when asked for
    if name in ("FORMATS", "PAGE_SIZES", "export_report", "format_for"):
        from . import render
        return getattr(render, name)
    raise AttributeError(name)


__all__ = ["FORMATS", "PAGE_SIZES", "export_report", "format_for"]
