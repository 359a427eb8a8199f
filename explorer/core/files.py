"""Atomic file writes: a path holds either its old content or the whole new one, never a mix.

The one home of the temp-file + fsync + rename dance, for scenario saves, autosaves, reports and
Monte Carlo output alike.
"""
from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager

PAUSE_ENV = "WHATIF_TEST_PAUSE_BEFORE_RENAME"  # test hook: seconds to sleep between write and rename


def _mode_for(path: str) -> int:
    """The mode an ordinary write would give (mkstemp makes files 0600)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path` to write; on success it replaces `path` atomically."""
    path = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(path)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # whatever wrote it, its bytes are on disk before the rename
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        pause = os.environ.get(PAUSE_ENV)
        if pause:  # lets a test kill the process between the write and the rename
            time.sleep(float(pause))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_folder(folder)


def atomic_write(path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to `path` atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def _fsync_folder(folder: str) -> None:
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
