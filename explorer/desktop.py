"""Can this machine show the app? Asked before Qt starts, because Qt cannot say it in one line: with no
display, or with a system library of its xcb platform missing, Qt prints a paragraph that blames
libxcb-cursor0 (even when it is installed) and aborts the process (exit 134).

`check_desktop(environ)` raises ExplorerError with one line naming what is missing and the command that
installs it; the CLI prints it and exits 2. No Qt here: only the environment, dlopen (ctypes) of the
libraries Qt's xcb platform plugin links against, and a test connection to the X server (libxcb).
"""
from __future__ import annotations

import ctypes
import os
import sys

from .core.errors import ExplorerError

# What PySide6's platforms/libqxcb.so (and libQt6XcbQpa, libqxcb-glx-integration) link against beyond
# what Qt needs anyway, as (soname, Debian/Ubuntu package). Found with `ldd` and `objdump -p` on the
# plugins of PySide6-Essentials 6.11 on Debian 12; tests/ui/test_desktop.py checks the list against the
# installed plugin with ldd, so a new dependency of a new Qt shows up there.
XCB_LIBRARIES = (
    ("libxcb.so.1", "libxcb1"),
    ("libX11.so.6", "libx11-6"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxcb-glx.so.0", "libxcb-glx0"),
)
# What Qt needs on any platform, offscreen included (the rest of .ci/run's apt-get line).
QT_LIBRARIES = (
    ("libGL.so.1", "libgl1"),
    ("libEGL.so.1", "libegl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libfreetype.so.6", "libfreetype6"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
    ("libdbus-1.so.3", "libdbus-1-3"),
)

HEADLESS = "render the window without a display: what-if [SCENARIO] --screenshot OUT.png"


def missing_libraries(libraries=XCB_LIBRARIES + QT_LIBRARIES) -> list[tuple[str, str]]:
    """The (soname, package) pairs the dynamic linker cannot load, as Qt would load them."""
    missing = []
    for soname, package in libraries:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append((soname, package))
    return missing


def missing_message(missing) -> str:
    names = ", ".join(soname for soname, _ in missing)
    packages = " ".join(dict.fromkeys(package for _, package in missing))
    return (f"cannot open the app: Qt's desktop (xcb) platform needs {names}; install with: "
            f"sudo apt-get install {packages}; or {HEADLESS}")


def qt_import_message(error: ImportError) -> str:
    """One line for a failed `import PySide6...`: the missing system libraries and their packages."""
    missing = missing_libraries(QT_LIBRARIES)
    if missing:
        packages = " ".join(dict.fromkeys(package for _, package in missing))
        return (f"cannot start Qt: {', '.join(s for s, _ in missing)} missing; install with: sudo apt-get "
                f"install {packages}; every command (`what-if --help`) still works")
    return f"cannot start Qt: {error}; every command (`what-if --help`) still works"


def _platform(environ) -> str:
    """The platform Qt will use: QT_QPA_PLATFORM's first choice, else wayland in a Wayland session,
    else xcb when there is an X display, else none."""
    asked = (environ.get("QT_QPA_PLATFORM") or "").split(";")[0].split(":")[0].strip()
    if asked:
        return asked
    if environ.get("WAYLAND_DISPLAY") and (environ.get("XDG_SESSION_TYPE") == "wayland"
                                            or not environ.get("DISPLAY")):
        return "wayland"
    if environ.get("DISPLAY"):
        return "xcb"
    return ""


def _connect_x(display: str) -> bool:
    """Whether the X server at `display` accepts a connection (libxcb's xcb_connect, as Qt does)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True  # reported as a missing library instead
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        return conn is not None and xcb.xcb_connection_has_error(conn) == 0
    finally:
        if conn is not None:
            xcb.xcb_disconnect(conn)


def check_desktop(environ=None) -> None:
    """Raise ExplorerError (one line) if the app cannot open a window here; else return."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return  # macOS and Windows: Qt's own platforms, nothing to install
    platform = _platform(environ)
    if not platform:
        raise ExplorerError(f"no display to open the app on (DISPLAY and WAYLAND_DISPLAY are not set); "
                            f"run it in a desktop session, or {HEADLESS}")
    if platform == "xcb":
        missing = missing_libraries()
        if missing:
            raise ExplorerError(missing_message(missing))
        display = environ.get("DISPLAY")
        if not display:
            raise ExplorerError(f"QT_QPA_PLATFORM is xcb but DISPLAY is not set; {HEADLESS}")
        if not _connect_x(display):
            raise ExplorerError(f"cannot connect to the X display '{display}' (DISPLAY): is the X server "
                                f"running and may this user use it? Or {HEADLESS}")
    elif platform == "wayland" and not environ.get("WAYLAND_DISPLAY"):
        raise ExplorerError(f"QT_QPA_PLATFORM is wayland but WAYLAND_DISPLAY is not set; {HEADLESS}")
