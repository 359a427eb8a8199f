"""What every template-based report format shares (HTML, Markdown, PDF): the sandboxed Jinja
environment over the user's and the bundled templates, the templates' context, and the plots drawn
once per export. The writers (render.py, pdf.py) import this module; it imports neither of them.
"""
from __future__ import annotations

import functools
from typing import Callable

from jinja2 import ChoiceLoader, FileSystemLoader, FunctionLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .text import FILTERS, html_attr, html_finalize, md_finalize, md_raw, md_url, slug

Progress = Callable[[int, int, str], None]


def _bundled_loader() -> FunctionLoader:
    """The bundled templates, read through importlib.resources (files, editable, wheel or zip)."""
    from ..bundled import templates_folder
    folder = templates_folder()

    def load(name: str):
        item = folder / name
        if not item.is_file():
            return None
        return item.read_text(encoding="utf-8"), str(item), lambda: True
    return FunctionLoader(load)


# --- templates --------------------------------------------------------------------------------------

def environment(kind: str, templates=None) -> SandboxedEnvironment:
    """The Jinja environment for `kind` html or md: user templates first, then the bundled ones.

    HTML autoescapes every value; Markdown escapes Markdown control characters in every value.
    Sandboxed: a restyled template can format the data, not reach into Python. The bundled-only
    environments are kept: their compiled templates serve every later export in the process (a
    user's folder gets a new one each time, so a template added or edited there is always read).
    """
    return _environment(kind, None) if not templates else _environment.__wrapped__(kind, str(templates))


@functools.lru_cache(maxsize=2)
def _environment(kind: str, templates: str | None) -> SandboxedEnvironment:
    loaders = [FileSystemLoader(str(templates))] if templates else []
    loaders.append(_bundled_loader())
    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=(kind == "html"),
                               finalize=html_finalize if kind == "html" else md_finalize,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
    env.filters.update(FILTERS)
    if kind == "html":
        env.filters["attr"] = html_attr
    else:
        env.filters["md_raw"] = md_raw
        env.filters["md_url"] = md_url
    return env


def template_context(report: dict, **extra) -> dict:
    ctx = {"report": report, "scenario": report["scenario"], "branches": report["branches"],
           "comparison": report["comparison"], "title_page": report["title_page"],
           "sensitivity": report.get("sensitivity"),
           "contents": report["contents"], "variables": report["variables"],
           "status_labels": {"same": "same", "new": "new", "changed": "changed", "gone": "gone"}}
    ctx.update(extra)
    return ctx


def plot_key(branch: dict, i: int, plot: dict) -> str:
    return f"{branch['anchor']}-{i + 1}-{slug(plot['variable'], 24)}"


def all_plots(report: dict):
    for b in report["branches"]:
        for i, p in enumerate(b["plots"]):
            yield plot_key(b, i, p), p


def render_plots(report: dict, progress: Progress, encode: bool):
    """{key: QImage} (encode=False) or {key: PNG bytes}; progress over the plots."""
    from .plots import ensure_gui_app, png_bytes, render_plot
    ensure_gui_app()
    items = list(all_plots(report))
    out = {}
    for n, (key, p) in enumerate(items):
        progress(n, len(items), f"Drawing plot {n + 1} of {len(items)}")
        img = render_plot(p)
        out[key] = png_bytes(img) if encode else img
    progress(len(items), len(items), "Plots drawn")
    return out


def sub_progress(step: Progress, lo: int, hi: int) -> Progress:
    """A progress callback mapping a sub-task's done/total onto lo..hi of 100."""
    def inner(done: int, total: int, message: str) -> None:
        step(lo + (hi - lo) * done // max(total, 1), 100, message)
    return inner
