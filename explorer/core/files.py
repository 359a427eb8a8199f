"""Every file the program writes goes through here: a path ends up holding either its old content or
the whole new one, and any failure is one clear line (`WriteError`), never a traceback or a torn file.

Three things have their one home in this module:

- `check_target(path, inputs=...)`: is this a place a command may write? Not one of the command's
  input scenarios, not a folder, not inside a missing folder or a file used as a folder, not a file
  that is read-only by its mode (0444: the owner said "do not change"; root could rename over it, so
  the mode is checked, not `os.access`), and not a socket or a block device. A character device or a
  FIFO (`-o /dev/null`, `-o /dev/stdout`) is written *through*: the bytes go to the device, the node
  is never replaced by a regular file.
- `atomic_path` / `atomic_write`: temp file `.NAME.XXXXXXXX.tmp` beside the target, write, fsync,
  rename, fsync of the folder. Temp files a killed process left behind are removed on the next write
  of the same target.
- `write_lock(path)`: an exclusive lock for writers of one scenario, so two saves (two `what-if fork`
  runs, or the app and the command line) never both read the old text and both write over it.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager

from .errors import ExplorerError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; saves still re-check the disk text
    fcntl = None

PAUSE_ENV = "WHATIF_TEST_PAUSE_BEFORE_RENAME"  # test hook: seconds to sleep between write and rename
LOCK_WAIT = 10.0  # seconds a second writer waits for the first before it gives up


class WriteError(ExplorerError):
    """A file could not be written; nothing was changed."""


def _strerror(e: OSError) -> str:
    return e.strerror or str(e)


# --- reading: regular files only -------------------------------------------------------------

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


class NotARegularFile(OSError):
    """The path is a FIFO, device, socket or folder: reading it could block forever or never end."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path, limit: int | None = None) -> bytes:
    """The bytes of the file `path` (at most `limit` + 1 of them).

    A regular file is read. A pipe (`what-if validate /dev/stdin < other | ...`) is read when
    something is writing to it; a FIFO nobody writes to is refused, because `open()` on it would wait
    for a writer forever: it is opened non-blocking, and a first read that finds no writer (end of
    file at once) refuses it. Devices, sockets and folders are refused before they are opened.
    """
    path = os.fspath(path)
    st = os.stat(path)
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        raise NotARegularFile(errno.EINVAL, f"it is {_kind(st.st_mode)}, not a regular file", path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb", buffering=0) as fh:
        st = os.fstat(fd)
        if stat.S_ISFIFO(st.st_mode):
            first = _first_from_pipe(fd, path)
            os.set_blocking(fd, True)
            rest = fh.read() if limit is None else fh.read(max(limit + 1 - len(first), 0))
            return first + (rest or b"")
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(errno.EINVAL, f"it is {_kind(st.st_mode)}, not a regular file", path)
        os.set_blocking(fd, True)
        data = fh.read() if limit is None else fh.read(limit + 1)
        return data or b""


def _first_from_pipe(fd: int, path: str) -> bytes:
    """The first bytes of a pipe; NotARegularFile when no program is writing to it."""
    deadline = time.monotonic() + 0.5
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:  # a writer is there, nothing written yet: wait for it
            os.set_blocking(fd, True)
            return os.read(fd, 65536)
        if chunk:
            return chunk
        # end of file at once: nobody has it open for writing (yet); a moment's grace for a writer
        if time.monotonic() >= deadline:
            raise NotARegularFile(errno.EINVAL, "it is a FIFO that no program is writing to, not a "
                                                "regular file", path)
        time.sleep(0.05)


# --- where a command may write ----------------------------------------------------------------

def _is_scenario_input(path: str, inputs) -> str | None:
    for other in inputs or ():
        if other is None:
            continue
        try:
            if os.path.samefile(path, other):
                return os.fspath(other)
        except OSError:
            continue
    return None


def check_target(path, *, inputs=(), replace_yaml: bool = False, through: bool = True) -> str:
    """The real path to write `path` to; WriteError (one line) when it must not be written.

    `inputs`: files the command reads (its scenario): an output never replaces them. `replace_yaml`:
    whether an existing `.yaml`/`.yml` file may be replaced (only scenario writers may; a report or a
    Monte Carlo summary written over a scenario would destroy it). `through`: whether a device or
    FIFO may be written through (not for scenarios, which are read back and replaced).
    """
    text = os.fspath(path)
    if not text:
        raise WriteError("no output file given")
    real = os.path.realpath(text)  # a symlink is written through to the file it points at
    same = _is_scenario_input(real, inputs)
    if same is not None:
        raise WriteError(f"'{text}' is the scenario this command reads; writing there would replace it "
                         "- give another file name")
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise WriteError(f"cannot write '{text}': '{os.path.dirname(text)}' is a file, not a folder") from None
    except OSError as e:
        raise WriteError(f"cannot write '{text}': {_strerror(e)}") from None
    if st is None:
        folder = os.path.dirname(real) or "."
        if not os.path.exists(folder):
            raise WriteError(f"cannot write '{text}': folder '{os.path.dirname(text) or '.'}' does not exist")
        if not os.path.isdir(folder):
            raise WriteError(f"cannot write '{text}': '{os.path.dirname(text)}' is a file, not a folder")
        return real
    if stat.S_ISDIR(st.st_mode):
        raise WriteError(f"'{text}' is a folder; give a file name inside it")
    if (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)) and through:
        return real  # written through (see atomic_path)
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(f"'{text}' is {_kind(st.st_mode)}, not a regular file; nothing was written")
    if not st.st_mode & 0o222:
        raise WriteError(f"'{text}' is read-only (mode {stat.S_IMODE(st.st_mode):04o}); nothing was written "
                         f"(make it writable with chmod u+w, or write another file)")
    if not replace_yaml and real.lower().endswith((".yaml", ".yml")):
        raise WriteError(f"'{text}' is a YAML file and may be a scenario; this command does not replace "
                         "it - give another file name")
    return real


def _through(path: str) -> bool:
    """Whether `path` is a device or a FIFO, written in place rather than replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


# --- atomic writes ----------------------------------------------------------------------------

def _mode_for(path: str) -> int:
    """The mode an ordinary write would give (mkstemp makes files 0600)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def clean_leftovers(path: str) -> list[str]:
    """Remove `.NAME.XXXXXXXX.tmp` files a killed write of `path` left in its folder; return them.

    A scenario's writers hold `write_lock`, so no other save of it is under way; for other files a
    second writer racing on the same target loses its temp file and reports that it failed.
    """
    folder, name = os.path.split(os.path.abspath(path))
    pattern = re.compile(r"^\." + re.escape(name) + r"\.[A-Za-z0-9_]{8}\.tmp$")
    removed = []
    try:
        entries = os.listdir(folder)
    except OSError:
        return removed
    for entry in entries:
        if not pattern.match(entry):
            continue
        full = os.path.join(folder, entry)
        try:
            os.unlink(full)
            removed.append(full)
        except OSError:
            pass
    return removed


@contextmanager
def atomic_path(path):
    """Yield a temporary path to write; on success its bytes replace `path` atomically.

    Any OSError (full disk, read-only folder or file system, file too large) becomes a WriteError
    naming the file, and the target is left as it was. A device or FIFO target gets the bytes
    written through to it instead.
    """
    shown = os.fspath(path)
    path = os.path.realpath(shown)
    if _through(path):
        with _through_path(path, shown) as tmp:
            yield tmp
        return
    folder, name = os.path.split(path)
    mode = _mode_for(path)
    if os.path.exists(path) and not mode & 0o222:
        raise WriteError(f"'{shown}' is read-only (mode {mode & 0o7777:04o}); nothing was written "
                         "(make it writable with chmod u+w, or write another file)")
    clean_leftovers(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as e:
        raise WriteError(f"cannot write '{shown}': {_strerror(e)}; nothing was written") from None
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # whatever wrote it, its bytes are on disk before the rename
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        pause = os.environ.get(PAUSE_ENV)
        if pause:  # lets a test kill the process between the write and the rename
            time.sleep(float(pause))
        os.replace(tmp, path)
    except OSError as e:
        _unlink(tmp)
        raise WriteError(f"cannot write '{shown}': {_strerror(e)}; nothing was written, "
                         "the file is as it was") from None
    except BaseException:
        _unlink(tmp)
        raise
    _fsync_folder(folder)


@contextmanager
def _through_path(path: str, shown: str):
    """A temp file elsewhere, copied onto the device or FIFO `path` when the writer is done."""
    fd, tmp = tempfile.mkstemp(suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb") as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
    except OSError as e:
        raise WriteError(f"cannot write '{shown}': {_strerror(e)}") from None
    finally:
        _unlink(tmp)


def _unlink(p: str) -> None:
    try:
        os.unlink(p)
    except OSError:
        pass


def atomic_write(path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to `path` atomically (or through it, for a device)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(raw)


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


# --- the writers' lock ------------------------------------------------------------------------

@contextmanager
def write_lock(path, wait: float | None = None):
    """Hold an exclusive lock for writing the scenario `path`; WriteError after `wait` seconds.

    The lock is `fcntl.flock` on the scenario's *folder*, not on the file: a save replaces the file
    (a new inode) by renaming, so a lock on the old inode would not stop the next writer, and a new
    file has nothing to lock yet. A folder lock needs no side file left beside the scenario (the
    `filelock` package would leave `NAME.lock` files behind), and the kernel drops it when the
    process dies, so a killed save never leaves a stale lock. Saves of other files in the same
    folder wait too, for the fraction of a second a save takes.
    """
    wait = LOCK_WAIT if wait is None else wait
    folder = os.path.dirname(os.path.realpath(os.fspath(path))) or "."
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as e:
        raise WriteError(f"cannot write '{os.fspath(path)}': {_strerror(e)}") from None
    try:
        deadline = time.monotonic() + wait
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    break  # the file system has no locks (some network mounts): go on without
                if time.monotonic() >= deadline:
                    raise WriteError(f"'{os.fspath(path)}' is being saved by another program (waited "
                                     f"{wait:g} s); nothing was written - try again") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        yield
    finally:
        os.close(fd)  # closing drops the lock
