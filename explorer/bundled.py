"""The files that ship inside the package: the bundled scenarios, the report templates and the report's
JSON schema. The one place that finds them, with importlib.resources, so they are found however the
package is installed: a checkout on sys.path, an editable install, a wheel, or a zip.

The repository keeps them at its top level (`scenarios/`, `resources/`), where authors and the docs
expect them; `explorer/scenarios` and `explorer/resources` are symbolic links to those folders, so the
package sees one copy of each file, and building a wheel copies the files themselves into it
(pyproject's package-data). A checkout whose git made no symbolic links (Windows without
`core.symlinks`) falls back to the top-level folders.
"""
from __future__ import annotations

import atexit
import contextlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .core.errors import ExplorerError

DEFAULT_SCENARIO = "trotsky_mexico"

_extracted = contextlib.ExitStack()  # files copied out of a zip for as long as the process runs
atexit.register(_extracted.close)


def _folder(name: str) -> Traversable:
    inside = resources.files("explorer") / name
    if inside.is_dir():
        return inside
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise ExplorerError(f"the installed package has no {name}/ folder; reinstall what-if-explorer")


def scenarios_folder() -> Traversable:
    return _folder("scenarios")


def resources_folder() -> Traversable:
    return _folder("resources")


def templates_folder() -> Traversable:
    """The bundled Jinja2 report templates (report.html.j2, report.md.j2, report_pdf.html.j2)."""
    return resources_folder() / "report"


def schema() -> Traversable:
    """The JSON schema of `what-if report -o OUT.json`."""
    return resources_folder() / "report.schema.json"


def scenario_names() -> list[str]:
    """The bundled scenarios' names (file names without .yaml), sorted."""
    return sorted(t.name[:-5] for t in scenarios_folder().iterdir() if t.name.endswith(".yaml"))


def real_path(item: Traversable) -> Path:
    """A file system path for a bundled file: itself when installed as files, a copy kept until the
    process exits when installed in a zip."""
    if isinstance(item, Path):
        return item
    return Path(_extracted.enter_context(resources.as_file(item)))


def scenario_path(name: str = DEFAULT_SCENARIO) -> Path:
    """The file of the bundled scenario `name` (what `what-if` opens with no argument)."""
    item = scenarios_folder() / f"{name}.yaml"
    if not item.is_file():
        from .core.errors import did_you_mean
        names = scenario_names()
        raise ExplorerError(f"no bundled scenario '{name}'{did_you_mean(name, names)}; bundled: {', '.join(names)}")
    return real_path(item)


def is_installed_copy(path) -> bool:
    """Whether `path` is one of the bundled scenarios as installed (in site-packages, a zip copy), not
    the repository's own file: the app saves edits to such a file elsewhere (Save As), so an upgrade
    cannot lose them and the package's files stay as shipped."""
    folder = resources.files("explorer") / "scenarios"
    if not isinstance(folder, Path):
        return True  # the package is a zip: every bundled scenario is a temporary copy
    if folder.is_symlink() or not folder.is_dir():
        return False  # a checkout: the bundled scenarios are the repository's files
    try:
        return Path(path).resolve().parent == folder.resolve()
    except OSError:
        return False
