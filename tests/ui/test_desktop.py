"""The app on a real desktop: Qt's xcb platform on an X server (Xvfb), with a real mouse click (xdotool,
through the X server) on a branch; and the one-line errors when the desktop is missing: no display, an
X server that does not answer, a system library of the xcb plugin not installed."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer import desktop

ROOT = Path(__file__).resolve().parents[2]
MISSILES = ROOT / "scenarios" / "missile_crisis.yaml"
DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARS}
    env.update(PYTHONPATH=str(ROOT), HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_RUNTIME_DIR=str(tmp_path))
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _what_if(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=env["HOME"])


@pytest.mark.parametrize("args", [(), (str(MISSILES),)], ids=["bundled", "a scenario"])
def test_no_display_is_one_line_and_exit_2(tmp_path, args):
    r = _what_if(*args, env=_env(tmp_path))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith("what-if: no display to open the app on") and "--screenshot OUT.png" in r.stderr


def test_screenshot_needs_no_display(tmp_path):
    r = _what_if(str(MISSILES), "--screenshot", "shot.png", "--size", "800x500", env=_env(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "shot.png").read_bytes()[:4] == b"\x89PNG"


def _unused_display() -> str:
    n = next(n for n in range(250, 400) if not os.path.exists(f"/tmp/.X11-unix/X{n}")
             and not os.path.exists(f"/tmp/.X{n}-lock"))
    return f":{n}"


def test_an_x_server_that_does_not_answer_is_one_line_and_exit_2(tmp_path):
    display = _unused_display()
    for extra in ({"DISPLAY": display}, {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}):
        r = _what_if(env=_env(tmp_path, **extra))
        assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert f"cannot connect to the X display '{display}'" in r.stderr


def test_a_missing_library_is_named_with_the_apt_get_line():
    missing = desktop.missing_libraries([("libwhatif-absent.so.7", "libwhatif-absent7"),
                                         ("libc.so.6", "libc6"), ("libxcb.so.1", "libxcb1")])
    assert missing == [("libwhatif-absent.so.7", "libwhatif-absent7")]
    message = desktop.missing_message(missing + [("libxcb-cursor.so.0", "libxcb-cursor0")])
    assert "\n" not in message
    assert "needs libwhatif-absent.so.7, libxcb-cursor.so.0" in message
    assert "sudo apt-get install libwhatif-absent7 libxcb-cursor0" in message


def _qt_plugin(*parts) -> Path:
    import PySide6
    return Path(PySide6.__file__).parent.joinpath("Qt", *parts)


def test_the_library_list_covers_what_the_xcb_plugin_loads():
    """Every X library that ldd resolves for the xcb plugin and its GL integration is in the list
    (packages that pull their own dependencies, such as libXau for libxcb1, aside)."""
    if not shutil.which("ldd"):
        pytest.skip("ldd is not installed")
    plugins = [_qt_plugin("plugins", "platforms", "libqxcb.so"),
               *_qt_plugin("plugins", "xcbglintegrations").glob("*.so")]
    loaded = set()
    for plugin in plugins:
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=60).stdout
        loaded |= set(re.findall(r"^\s*(lib(?:xcb|X11|xkbcommon)[\w.+-]*\.so\.\d+)", out, re.M))
    assert "libxcb-cursor.so.0" in loaded  # the one Qt's own message names
    listed = {soname for soname, _ in desktop.XCB_LIBRARIES}
    assert loaded <= listed, f"add to desktop.XCB_LIBRARIES (and README, .ci/run): {sorted(loaded - listed)}"


def test_readme_and_ci_install_every_listed_package():
    packages = {p for _, p in desktop.XCB_LIBRARIES + desktop.QT_LIBRARIES}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in packages:
        assert re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", readme), f"README does not list {package}"
        assert re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", ci), f".ci/run does not install {package}"


# --- the real desktop: Xvfb, the xcb platform, a click through the X server -------------------------

CLICK_SCRIPT = r"""
import json, os, pathlib
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtCore import Qt
out = pathlib.Path(os.environ["WHATIF_TEST_OUT"])
bm = window.branch_map
state = {"announced": False, "ticks": 0}

def tick():
    state["ticks"] += 1
    handle = window.windowHandle()
    if not state["announced"]:
        if handle is None or not handle.isExposed() or state["ticks"] < 10:
            QTimer.singleShot(100, tick)
            return
        local = bm.lane_point("air-strike")
        where = bm.plot.viewport().mapToGlobal(local)
        out.write_text(json.dumps({"platform": app.platformName(), "x": where.x(), "y": where.y(),
                                   "selected": window.selection.branch}))
        state["announced"] = True
        if os.environ.get("WHATIF_TEST_QTEST_CLICK"):  # no xdotool: QTest in the real window
            QTest.mouseClick(bm.plot.viewport(), Qt.LeftButton, Qt.NoModifier, local)
    if window.selection.branch == "air-strike":
        app.processEvents()
        shot = app.primaryScreen().grabWindow(window.winId())  # the X server's pixels
        ok = shot.save(os.environ["WHATIF_TEST_SHOT"], "PNG")
        out.write_text(json.dumps({"platform": app.platformName(), "selected": window.selection.branch,
                                   "saved": ok, "width": shot.width(), "height": shot.height(),
                                   "title": window.windowTitle()}))
        QTimer.singleShot(0, window.close)
        return
    if state["ticks"] > 1200:
        out.write_text(json.dumps({"error": "the click never selected air-strike"}))
        QTimer.singleShot(0, window.close)
        return
    QTimer.singleShot(100, tick)

tick()
"""


@pytest.fixture
def xvfb(tmp_path):
    """An X server on a display number it picks itself (-displayfd): no clash with another test run."""
    if not shutil.which("Xvfb"):
        if os.environ.get("CI"):
            pytest.fail("Xvfb is not installed; .ci/run installs it (apt-get install xvfb)")
        pytest.skip("Xvfb is not installed (apt-get install xvfb): the real-desktop smoke test needs it")
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write)
    with os.fdopen(read) as fh:
        number = fh.readline().strip()
    if not number:
        proc.kill()
        pytest.fail(f"Xvfb did not start: {proc.stderr.read().decode()[-1000:]}")
    yield f":{number}"
    proc.terminate()
    proc.wait(30)


def _read_json(path: Path, until, proc, timeout=180.0) -> dict:
    deadline = time.monotonic() + timeout  # a generous wait for a busy machine, not a speed check
    while time.monotonic() < deadline:
        if path.exists():
            try:
                data = json.loads(path.read_text())
            except ValueError:
                data = None
            if data and until(data):
                return data
        if proc.poll() is not None:
            data = json.loads(path.read_text()) if path.exists() else {}
            if until(data):
                return data
            raise AssertionError(f"the app exited {proc.returncode}: {proc.stderr.read().decode()[-3000:]}")
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the app")


def test_the_app_on_a_real_x_server_with_a_real_click(tmp_path, xvfb):
    out, shot = tmp_path / "state.json", tmp_path / "shot.png"
    script = tmp_path / "click.py"
    script.write_text(CLICK_SCRIPT)
    xdotool = shutil.which("xdotool")
    env = _env(tmp_path, DISPLAY=xvfb, WHATIF_TEST_SCRIPT=script, WHATIF_TEST_OUT=out, WHATIF_TEST_SHOT=shot,
               **({} if xdotool else {"WHATIF_TEST_QTEST_CLICK": "1"}))
    proc = subprocess.Popen([sys.executable, "-m", "explorer", str(MISSILES)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        where = _read_json(out, lambda d: "x" in d or "error" in d or "saved" in d, proc)
        assert where.get("platform") == "xcb", where
        if xdotool and "x" in where:  # the pointer moves and clicks through the X server
            subprocess.run([xdotool, "mousemove", "--sync", str(where["x"]), str(where["y"]), "click", "1"],
                           env=env, check=True, timeout=60)
        done = _read_json(out, lambda d: "saved" in d or "error" in d, proc)
        assert proc.wait(120) == 0, proc.stderr.read().decode()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    assert done.get("selected") == "air-strike", done
    assert done["saved"] and done["width"] > 300 and done["height"] > 200, done
    assert shot.read_bytes()[:4] == b"\x89PNG"
    from PySide6.QtGui import QImage
    img = QImage(str(shot))
    colours = {img.pixel(x, y) for x in range(0, img.width(), 23) for y in range(0, img.height(), 23)}
    assert len(colours) > 20, "the X server's picture of the window is blank"
