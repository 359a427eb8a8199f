"""Report writers: HTML (one self-contained file), Markdown (+ plot PNGs beside it), PDF (Qt,
headless) and JSON (the report data itself). Every write is atomic: a temporary file in the target
folder, then os.replace, so a failed or cancelled export leaves any earlier file untouched.

Progress is reported through `progress(done, total, message)` (0..100); the callback may raise
ReportCancelled to stop an export.
"""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from jinja2 import TemplateError

from ..core.errors import ExplorerError
from ..core.files import atomic_write, check_target
from ..core.report import ReportCancelled, ReportError, build_report
from .templates import Progress, environment, plot_key, render_plots, sub_progress, template_context

FORMATS = ("html", "md", "pdf", "json")
FORMAT_NAMES = {"html": "HTML", "md": "Markdown", "pdf": "PDF", "json": "JSON"}
SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf", ".json": "json"}
DEFAULT_SUFFIX = {"html": ".html", "md": ".md", "pdf": ".pdf", "json": ".json"}
PAGE_SIZES = ("a4", "letter")


def format_for(path, explicit: str | None = None) -> str:
    """The format asked for: `explicit` if given, else from the file's suffix."""
    if explicit:
        fmt = explicit.lower()
        fmt = {"markdown": "md", "htm": "html"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise ReportError(f"unknown report format '{explicit}'; use {', '.join(FORMATS)}")
        return fmt
    suffix = Path(str(path)).suffix.lower()
    if suffix not in SUFFIXES:
        raise ReportError(f"cannot tell the report format from '{path}'; end it in .html, .md, .pdf or "
                          ".json, or give --format")
    return SUFFIXES[suffix]


def _stage(progress: Progress | None, lo: int, hi: int) -> Progress:
    """A progress callback mapping a sub-task's done/total onto lo..hi of 100."""
    def step(done: int, total: int, message: str) -> None:
        if progress is not None:
            progress(lo + (hi - lo) * done // max(total, 1), 100, message)
    return step


def export_report(ws, out, *, fmt: str | None = None, branches=None, variables=None, page_size: str = "a4",
                  templates=None, progress: Progress | None = None, now=None, goal: str | None = None,
                  full_chronology: bool = False) -> Path:
    """Build the report for `branches` of the workspace and write it to `out`; returns the path."""
    out = Path(out)
    fmt = format_for(out, fmt)
    page_size = (page_size or "a4").lower()
    if page_size not in PAGE_SIZES:
        raise ReportError(f"unknown page size '{page_size}'; use a4 or letter")
    if out.is_dir():
        raise ReportError(f"'{out}' is a folder; give a file name such as {out / ('report' + DEFAULT_SUFFIX[fmt])}")
    check_target(out, inputs=[getattr(ws.scenario, "path", None)])  # never over the scenario, a device node...
    if templates is not None and not Path(templates).is_dir():
        raise ReportError(f"template folder '{templates}' does not exist")
    data_share = 10 if fmt == "json" else 30
    report = build_report(ws, branches, variables, now=now, progress=_stage(progress, 0, data_share), goal=goal,
                          full_chronology=full_chronology)
    write_report(report, out, fmt, page_size=page_size, templates=templates,
                 progress=_stage(progress, data_share, 100))
    if progress is not None:
        progress(100, 100, f"Wrote {out.name}")
    return out


def write_report(report: dict, out, fmt: str, *, page_size: str = "a4", templates=None,
                 progress: Progress | None = None) -> Path:
    out = Path(out)
    step = progress or (lambda d, t, m: None)
    try:
        if fmt == "json":
            step(0, 1, "Writing JSON")
            atomic_write(out, render_json(report).encode("utf-8"))
        elif fmt == "html":
            atomic_write(out, render_html(report, page_size=page_size, templates=templates,
                                          progress=step).encode("utf-8"))
        elif fmt == "md":
            write_markdown(report, out, templates=templates, progress=step)
        elif fmt == "pdf":
            from .pdf import write_pdf
            write_pdf(report, out, page_size=page_size, templates=templates, progress=step)
        else:
            raise ReportError(f"unknown report format '{fmt}'")
    except OSError as e:
        raise ReportError(f"cannot write '{out}': {e.strerror or e}") from None
    except TemplateError as e:
        raise ReportError(f"report template error: {e}") from None
    return out


# --- formats ----------------------------------------------------------------------------------------

def render_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def render_html(report: dict, *, page_size: str = "a4", templates=None, progress: Progress | None = None) -> str:
    step = progress or (lambda d, t, m: None)
    pngs = render_plots(report, sub_progress(step, 0, 80), encode=True)
    uris = {k: "data:image/png;base64," + base64.b64encode(v).decode("ascii") for k, v in pngs.items()}
    step(85, 100, "Laying out HTML")
    env = environment("html", templates)
    html = env.get_template("report.html.j2").render(template_context(
        report, plots=uris, plot_key=plot_key, page_size=page_size))
    step(100, 100, "HTML ready")
    return html


def write_markdown(report: dict, out: Path, *, templates=None, progress: Progress | None = None) -> None:
    step = progress or (lambda d, t, m: None)
    pngs = render_plots(report, sub_progress(step, 0, 70), encode=True)
    folder_name = f"{out.stem}_plots"
    folder = out.parent / folder_name
    links = {}
    if pngs:
        folder.mkdir(exist_ok=True)
        for n, (key, data) in enumerate(pngs.items()):
            step(70 + 25 * n // len(pngs), 100, "Writing plot images")
            atomic_write(folder / f"{key}.png", data)
            links[key] = f"{folder_name}/{key}.png"
        # drop plot images an earlier export of this report left behind
        for old in folder.glob("b*-*.png"):
            if re.fullmatch(r"b\d+-\d+-[a-z0-9-]+\.png", old.name) and old.name[:-4] not in pngs:
                try:
                    old.unlink()
                except OSError:
                    pass
    step(95, 100, "Writing Markdown")
    env = environment("md", templates)
    text = env.get_template("report.md.j2").render(template_context(report, plots=links, plot_key=plot_key))
    text = re.sub(r"\n{3,}", "\n\n", text)
    atomic_write(out, text.encode("utf-8"))


__all__ = ["FORMATS", "PAGE_SIZES", "ExplorerError", "ReportCancelled", "ReportError", "atomic_write",
           "environment", "export_report", "format_for", "render_html", "render_json", "write_markdown",
           "write_report"]
