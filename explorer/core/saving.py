"""Saving scenarios without losing a byte the author wrote.

This module renders, verifies and writes; the two halves of producing text live apart:
`explorer.core.emit` writes new YAML in the file's style, `explorer.core.splice` splices an edit into
an existing file's text. The mechanism is *text splicing* (see docs/saving.md):

1. The text the scenario was loaded from is composed with PyYAML (`yaml.compose`): every node keeps
   its exact character span (`start_mark.index` .. `end_mark.index`).
2. The edited model is compared with the model of that text, item by item (`events` and `branches`
   by id, `variables` and `conditions` by name, the `scenario:` keys one by one).
3. Only what differs is rewritten: a changed key's value, an inserted or deleted key, an inserted or
   deleted list item. New YAML is emitted in the file's own style (flow mappings for short
   divergences and variables, block style otherwise, ISO dates, the documented key order). Every other
   character -- comments, blank lines, key order, quoting, line wrapping -- is copied unchanged.
4. The produced text is loaded again and must give exactly the edited model; if it does not, a coarser
   splice (whole changed items) is tried, and if that fails too nothing is written (`SaveError`).
5. Writing is atomic: a temp file in the same folder, flush, fsync, `os.replace`, fsync of the folder.

Recovery files (autosave) hold the same spliced text, beside the scenario (`.NAME.autosave`) or, when
that folder is read-only, under `$XDG_STATE_HOME/what-if-explorer/recovery/`.

Test hook (documented in docs/saving.md): `WHATIF_TEST_PAUSE_BEFORE_RENAME=SECONDS` makes
`atomic_write` sleep after the temp file is written and synced and before the rename, so a test can
kill the process in the middle of a save.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from .emit import canon, normalized, same_model, scenario_to_text  # noqa: F401 - re-exported
from .errors import ExplorerError, ScenarioError
from .files import WriteError, atomic_write, check_target, read_regular, write_lock  # noqa: F401 - re-exported
from .loader import load_scenario, load_scenario_text
from .model import Scenario
from .splice import Conflict, splice


class SaveError(ExplorerError):
    """The scenario could not be written without changing what it means or losing text."""


class FileChangedError(SaveError):
    """The file on disk is no longer the text the scenario was loaded from."""


# --- rendering and verifying ------------------------------------------------------------------

def _section_diff(a: Scenario, b: Scenario) -> list[str]:
    ca, cb = canon(a), canon(b)
    return [k for k in ca if ca[k] != cb.get(k)]


def _verify(text: str, target: Scenario, file: str) -> None:
    try:
        got = load_scenario_text(text, file)
    except ScenarioError as e:
        raise SaveError(f"the written text would not load: {e.problems[0]}") from None
    bad = _section_diff(got, target)
    if bad:
        raise SaveError(f"the written text would read back differently ({', '.join(bad)})")


def render_scenario(scenario: Scenario, original_text: str | None = None, file: str = "<scenario>") -> str:
    """The scenario's file text: `original_text` with only what changed rewritten (verified)."""
    target = normalized(scenario)
    if original_text is None:
        text = scenario_to_text(target)
        _verify(text, target, file)
        return text
    return _render(target, original_text, file)[0]


def _render(target: Scenario, original_text: str, file: str) -> tuple[str, str]:
    """(text, how): how is "unchanged", "fine" (changed values only) or "items" (whole items)."""
    base = load_scenario_text(original_text, file)
    if same_model(normalized(base), target):
        return original_text, "unchanged"
    problems = []
    for fine in (True, False):
        try:
            text = splice(original_text, base, target, fine)
            _verify(text, target, file)
            return text, "fine" if fine else "items"
        except (Conflict, SaveError) as e:
            problems.append(str(e))
    raise SaveError(f"cannot save {file} without changing text it should keep: {problems[-1]}; "
                    "nothing was written (use Save As to write a fresh copy)")


def read_text(path) -> str:
    """A scenario file's text exactly as the loader reads it (UTF-8, line endings kept).

    A FIFO, device or folder is refused (OSError) before it is opened.
    """
    return read_regular(path).decode("utf-8")


def _disk_text(path: str) -> str | None:
    try:
        return read_text(path)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise SaveError(f"cannot read '{path}' back before saving: {getattr(e, 'strerror', None) or e}; "
                        "nothing was written") from None


def save_scenario(scenario: Scenario, path, original_text: str | None = None, *,
                  expect_disk: str | None = None) -> str:
    """Write the scenario to `path`; return the text written.

    `original_text` is the text the scenario was loaded from: only the parts that changed are
    rewritten. `expect_disk`: the text the caller believes is on disk; if the file now holds something
    else (edited elsewhere since), FileChangedError is raised and nothing is written. The check, the
    splice and the rename happen under `write_lock`, so no other writer can slip in between them.
    """
    path = os.fspath(path)
    check_target(path, replace_yaml=True, through=False)
    with write_lock(path):
        if expect_disk is not None:
            disk = _disk_text(path)
            if disk is not None and disk != expect_disk:
                raise FileChangedError(f"{path} was changed by another program since it was opened; "
                                       "nothing was written (reload it, or use Save As)")
        text = render_scenario(scenario, original_text, path)
        atomic_write(path, text)
    return text


def edit_file(path, edit, *, attempts: int = 5):
    """Apply `edit` to the scenario in `path` and save it, losing no other writer's change.

    `edit(scenario)` returns `(new_scenario, result)`; `result` is returned. The edit is made on the
    text as read, and written only if the file still holds that text (checked under the lock); if
    another program saved it meanwhile, the edit is made again on the new text, up to `attempts`
    times, and otherwise refused with one line (FileChangedError): nothing is silently lost.
    """
    path = os.fspath(path)
    check_target(path, replace_yaml=True, through=False)
    for _ in range(attempts):
        try:
            original = read_text(path)
        except UnicodeDecodeError:
            load_scenario(path)  # raises the positioned "not UTF-8 text" problem
            raise
        except OSError as e:
            raise SaveError(f"cannot read '{path}': {e.strerror or e}") from None
        new, result = edit(load_scenario_text(original, path))
        try:
            save_scenario(new, path, original, expect_disk=original)
        except FileChangedError:
            continue
        return result
    raise FileChangedError(f"{path} kept changing while this edit was made ({attempts} tries); "
                           "nothing was written - try again")


# --- recovery (autosave) ----------------------------------------------------------------------

RECOVERY_MAGIC = "# what-if-explorer recovery"


def _state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "what-if-explorer" / "recovery"


def recovery_path(path) -> Path:
    """Where edits to `path` are autosaved: `.NAME.autosave` beside it, else the user's state folder."""
    p = Path(os.path.abspath(os.fspath(path)))
    beside = p.parent / f".{p.name}.autosave"
    if os.access(p.parent, os.W_OK):
        return beside
    digest = hashlib.sha1(str(p).encode()).hexdigest()[:12]
    return _state_dir() / f"{digest}-{p.name}.autosave"


def _candidates(path) -> list[Path]:
    p = Path(os.path.abspath(os.fspath(path)))
    digest = hashlib.sha1(str(p).encode()).hexdigest()[:12]
    return [p.parent / f".{p.name}.autosave", _state_dir() / f"{digest}-{p.name}.autosave"]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Recovery:
    path: Path  # the recovery file
    text: str  # the recovered scenario text
    base_sha256: str  # hash of the file text the edits were made on
    written: float  # when it was written (epoch seconds)
    base_changed: bool  # the file on disk is no longer the text the edits were made on


def write_recovery(scenario: Scenario, path, original_text: str | None) -> Path:
    """Autosave: the edited scenario, spliced into `original_text`, into the recovery file."""
    text = render_scenario(scenario, original_text, os.fspath(path))
    header = (f"{RECOVERY_MAGIC} of {os.path.abspath(os.fspath(path))}; "
              f"base sha256 {_sha(original_text or '')}; written {time.time():.3f}\n")
    rp = recovery_path(path)
    rp.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(rp, header + text)
    return rp


_HEADER = re.compile(r"^# what-if-explorer recovery of (.*); base sha256 ([0-9a-f]*); written ([0-9.]+)\r?\n")


def read_recovery(path) -> Recovery | None:
    """The autosaved edits of `path`, if any are newer than the file and differ from it."""
    try:
        disk = read_text(path)
        disk_mtime = os.stat(path).st_mtime
    except (OSError, UnicodeDecodeError):
        disk, disk_mtime = None, 0.0
    found = []
    for rp in _candidates(path):
        try:
            raw = read_text(rp)
        except (OSError, UnicodeDecodeError):
            continue
        m = _HEADER.match(raw)
        if not m:
            continue
        text = raw[m.end():]
        written = float(m.group(3))
        if disk is not None and (text == disk or os.stat(rp).st_mtime < disk_mtime):
            continue
        found.append(Recovery(rp, text, m.group(2), written,
                              disk is not None and _sha(disk) != m.group(2)))
    return max(found, key=lambda r: r.written, default=None)


def discard_recovery(path) -> None:
    for rp in _candidates(path):
        try:
            os.unlink(rp)
        except OSError:
            pass
