"""No silent data loss: every write ends in a complete file or one line and exit 2.

Generators, not only examples: hand-edited files (hand_edited.py) for fork/rm-branch round trips,
every writing command against every kind of bad target, every command against a FIFO and a full
standard output, and many concurrent forks of one file.
"""
from __future__ import annotations

import io
import multiprocessing
import os
import random
import resource
import signal
import stat
import subprocess
import sys
import threading
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hand_edited import MISSILE_TEXT, hand_edited
from explorer import cli
from explorer.core import edits, load_scenario_text
from explorer.core.files import WriteError, check_target
from explorer.core.model import Divergence
from explorer.core.saving import FileChangedError, read_text, render_scenario, save_scenario

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")


def what_if(*args, timeout=120, **kw):
    return subprocess.run([sys.executable, "-m", "explorer", *map(str, args)], capture_output=True,
                          text=True, env=ENV, timeout=timeout, **kw)


def in_process(*args) -> tuple[int, str, str]:
    """`what-if ARGS` through the real entry point, in this process (no interpreter start-up)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# --- rm-branch undoes fork, byte for byte ----------------------------------------------------

DIVERGENCES = [Divergence("suppress", "u2_photos"), Divergence("force", "quarantine_speech"),
               Divergence("outcome", "excomm_decides", "air_strike")]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**9), st.integers(1, 3))
def test_rm_branch_undoes_fork_byte_for_byte_on_hand_edited_files(seed, forks):
    rng = random.Random(seed)
    text = hand_edited(rng)
    if "branches: []" in text:  # rewritten as a block list by the first fork; documented
        text = text.replace("branches: []", "# no branches yet")
    texts = [text]
    ids = []
    for i in range(forks):  # fork on forks, then remove them newest first
        sc = load_scenario_text(texts[-1], "x.yaml")
        sc2, bid = edits.fork(sc, rng.choice(sc.branch_ids), f"What if {i} {rng.random():.3f}",
                              [rng.choice(DIVERGENCES)])
        texts.append(render_scenario(sc2, texts[-1], "x.yaml"))
        ids.append(bid)
    for bid, before in zip(reversed(ids), reversed(texts[:-1])):
        now = texts.pop()
        sc, _ = edits.remove_branch(load_scenario_text(now, "x.yaml"), bid)
        assert render_scenario(sc, now, "x.yaml") == before
        texts[-1] = before


def test_rm_branch_undoes_fork_on_the_command_line(tmp_path):
    for seed in range(4):
        text = hand_edited(random.Random(seed * 7919)).replace("branches: []", "# none yet")
        p = tmp_path / f"s{seed}.yaml"
        p.write_bytes(text.encode("utf-8"))
        r = what_if("fork", p, "--label", "The photos never come", "--suppress", "u2_photos")
        assert r.returncode == 0, r.stderr
        bid = r.stdout.strip()
        assert bid in read_text(p)
        r = what_if("rm-branch", p, bid)
        assert r.returncode == 0, r.stderr
        assert p.read_bytes() == text.encode("utf-8")


# --- two writers at once ---------------------------------------------------------------------

def _fork_child(path: str, label: str, barrier, queue) -> None:
    barrier.wait()
    code, out, err = in_process("fork", path, "--label", label, "--suppress", "u2_photos")
    queue.put((label, code, out.strip(), err.strip()))


def test_concurrent_forks_never_lose_a_branch(tmp_path):
    """50 trials of 3 forks at once: each branch lands, or its command says it did not."""
    ctx = multiprocessing.get_context("fork")
    trials, per_trial, landed_total = 50, 3, 0
    for trial in range(trials):
        p = tmp_path / f"t{trial}.yaml"
        p.write_text(MISSILE_TEXT)
        barrier, queue = ctx.Barrier(per_trial), ctx.Queue()
        procs = [ctx.Process(target=_fork_child, args=(str(p), f"Branch {trial} {k}", barrier, queue))
                 for k in range(per_trial)]
        for pr in procs:
            pr.start()
        results = [queue.get(timeout=120) for _ in procs]
        for pr in procs:
            pr.join(60)
        on_disk = set(load_scenario_text(read_text(p), str(p)).branch_ids)
        for label, code, out, err in results:
            if code == 0:
                assert out in on_disk, (trial, label, err)
                landed_total += 1
            else:
                assert code == 2 and len(err.splitlines()) == 1, err
        assert not leftovers(tmp_path)
    assert landed_total >= trials * per_trial * 0.9  # waiting, not refusing, is the normal case


def test_the_apps_changed_on_disk_check_holds_under_concurrent_saves(tmp_path):
    """Many threads save different edits of one text: exactly one lands, the others are refused."""
    p = tmp_path / "m.yaml"
    p.write_text(MISSILE_TEXT)
    for trial in range(10):
        text = read_text(p)
        base = load_scenario_text(text, str(p))
        edited = [edits.fork(base, "baseline", f"Edit {trial} {k}", [Divergence("suppress", "u2_photos")])
                  for k in range(4)]
        outcome: list = []
        start = threading.Barrier(len(edited))

        def save(sc):
            start.wait()
            try:
                save_scenario(sc, p, text, expect_disk=text)
                outcome.append("saved")
            except FileChangedError:
                outcome.append("refused")
        threads = [threading.Thread(target=save, args=(sc,)) for sc, _ in edited]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcome) == ["refused"] * 3 + ["saved"]
        assert len(load_scenario_text(read_text(p)).branch_ids) == len(base.branch_ids) + 1


# --- where commands may write ----------------------------------------------------------------

def _targets(tmp_path: Path, scenario: Path) -> dict[str, tuple[str, str]]:
    """name -> (path, expectation): "refuse" (exit 2, one line) or "through" (written to a device)."""
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "plain.txt").write_text("not a folder\n")
    ro = tmp_path / "readonly.json"
    ro.write_text("{}\n")
    ro.chmod(0o444)
    other = tmp_path / "other.yaml"
    other.write_text(MISSILE_TEXT)
    link = tmp_path / "link.json"
    link.symlink_to(scenario)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    devices = {}
    try:  # private copies of /dev/null and /dev/full: a regression must not replace the machine's own
        os.mknod(tmp_path / "null-device", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.mknod(tmp_path / "full-device", 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        devices = {"a full device (/dev/full)": (str(tmp_path / "full-device"), "refuse"),
                   "a null device (/dev/null)": (str(tmp_path / "null-device"), "through")}
    except (PermissionError, OSError):
        pass
    return devices | {
        "the input scenario": (str(scenario), "refuse"),
        "the input through a symlink": (str(link), "refuse"),
        "a folder": (str(tmp_path / "a-folder"), "refuse"),
        "a missing folder": (str(tmp_path / "missing" / "out.json"), "refuse"),
        "a file used as a folder": (str(tmp_path / "plain.txt" / "out.json"), "refuse"),
        "a read-only file": (str(ro), "refuse"),
        "another scenario": (str(other), "refuse"),
    }


OUTPUT_COMMANDS = {
    "montecarlo": lambda s, out: ["montecarlo", s, "--runs", "3", "-o", out],
    "report json": lambda s, out: ["report", s, "-o", out, "--format", "json", "--branch", "baseline"],
    "report html": lambda s, out: ["report", s, "-o", out, "--format", "html", "--branch", "baseline"],
}


@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
def test_every_output_command_checks_its_target(tmp_path, command):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(MISSILE_TEXT)
    for name, (target, expect) in _targets(tmp_path, scenario).items():
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if not p.is_symlink()
                  and stat.S_ISREG(p.stat().st_mode)}
        code, _, err = in_process(*OUTPUT_COMMANDS[command](str(scenario), target))
        if expect == "refuse":
            assert code == 2, (name, err)
            assert one_line(err).startswith("what-if: "), name
        else:
            assert code == 0, (name, err)
        after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name in before}
        assert after == before, name  # nothing it had was touched
        assert not leftovers(tmp_path), name
        for dev in tmp_path.glob("*-device"):
            assert stat.S_ISCHR(os.stat(dev).st_mode), (name, dev)  # written through, never replaced


def test_scenario_writers_refuse_read_only_files_and_non_files(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(MISSILE_TEXT)
    p.chmod(0o444)
    for args in (["fork", p, "--label", "X", "--suppress", "u2_photos"], ["rm-branch", p, "no-photos"]):
        code, _, err = in_process(*args)
        assert code == 2 and "read-only" in one_line(err)
    assert read_text(p) == MISSILE_TEXT and stat.S_IMODE(p.stat().st_mode) == 0o444
    sc, _ = edits.fork(load_scenario_text(MISSILE_TEXT), "baseline", "X", [Divergence("suppress", "u2_photos")])
    with pytest.raises(WriteError, match="read-only"):  # the app's Save goes through the same check
        save_scenario(sc, p, MISSILE_TEXT, expect_disk=MISSILE_TEXT)
    with pytest.raises(WriteError, match="regular"):
        check_target(_socket(tmp_path), replace_yaml=True)


def _socket(tmp_path: Path) -> str:
    import socket
    path = str(tmp_path / "sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    return path


def test_leftover_temp_files_are_removed_by_the_next_save(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(MISSILE_TEXT)
    stale = [tmp_path / ".s.yaml.k1ll3d_0.tmp", tmp_path / ".s.yaml.abcdefgh.tmp"]
    for s in stale:
        s.write_text("half a save")
    unrelated = tmp_path / ".other.yaml.abcdefgh.tmp"
    unrelated.write_text("someone else's")
    code, out, err = in_process("fork", p, "--label", "X", "--suppress", "u2_photos")
    assert code == 0, err
    assert not any(s.exists() for s in stale) and unrelated.exists()


# --- write failures: a full disk, a full standard output -------------------------------------

def _small_disk(limit: int):
    def pre():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return pre


@pytest.mark.parametrize("args", [
    ["fork", "{s}", "--label", "X", "--suppress", "u2_photos"],
    ["montecarlo", "{s}", "--runs", "2", "-o", "{d}/mc.json"],
    ["report", "{s}", "-o", "{d}/r.html", "--branch", "baseline"],
    ["report", "{s}", "-o", "{d}/r.pdf", "--branch", "baseline"],
], ids=["fork", "montecarlo", "report-html", "report-pdf"])
def test_a_full_disk_is_one_line_and_leaves_every_file_whole(tmp_path, args):
    s = tmp_path / "s.yaml"
    s.write_text(MISSILE_TEXT)
    argv = [a.format(s=s, d=tmp_path) for a in args]
    r = what_if(*argv, preexec_fn=_small_disk(len(MISSILE_TEXT) - 1))
    assert r.returncode == 2, r.stderr
    assert "cannot write" in one_line(r.stderr)
    assert read_text(s) == MISSILE_TEXT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]  # no torn output, no temp file


READERS = [["validate", "{s}"], ["branches", "{s}"], ["run", "{s}"], ["diff", "{s}", "no-photos"],
           ["explain", "{s}", "u2_photos"], ["montecarlo", "{s}", "--runs", "2"],
           ["fork", "{s}", "--label", "Y", "--suppress", "u2_photos"]]


@pytest.mark.parametrize("args", READERS, ids=[a[0] for a in READERS])
def test_a_full_standard_output_is_one_line_and_exit_2(tmp_path, args):
    s = tmp_path / "s.yaml"
    s.write_text(MISSILE_TEXT)
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "explorer", *[a.format(s=s) for a in args]], stdout=full,
                           stderr=subprocess.PIPE, text=True, env=ENV, timeout=120)
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr) == "what-if: cannot write standard output: No space left on device"


def test_a_closed_pipe_is_not_an_error(tmp_path):
    s = tmp_path / "s.yaml"
    s.write_text(MISSILE_TEXT)
    r = subprocess.run(f"'{sys.executable}' -m explorer run '{s}' | head -c 10", shell=True,
                       capture_output=True, text=True, env=ENV, timeout=120)
    assert r.returncode == 0 and r.stderr == ""


# --- a FIFO given as the scenario ------------------------------------------------------------

FIFO_COMMANDS = READERS + [["rm-branch", "{s}", "x"], ["report", "{s}", "-o", "{d}/r.json"]]


def test_every_command_refuses_a_fifo_instead_of_hanging(tmp_path):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    for args in FIFO_COMMANDS:
        r = what_if(*[a.format(s=fifo, d=tmp_path) for a in args], timeout=60)
        assert r.returncode == 2, (args, r.stderr)
        assert "FIFO" in one_line(r.stderr), args


# --- a read-only folder and a read-only file system ------------------------------------------

def _read_only_folder(folder: Path) -> bool:
    """Make `folder` refuse new files: chmod for a user, the immutable flag for root (root ignores
    modes). False when neither works here."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def _writable_again(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    else:
        folder.chmod(0o755)


def test_writers_in_a_read_only_folder_say_so_in_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    s = folder / "s.yaml"
    s.write_text(MISSILE_TEXT)
    if not _read_only_folder(folder):
        pytest.skip("cannot make a read-only folder here (no chattr)")
    try:
        for args in (["fork", s, "--label", "X", "--suppress", "u2_photos"], ["rm-branch", s, "no-photos"],
                     ["montecarlo", s, "--runs", "2", "-o", folder / "mc.json"],
                     ["report", s, "-o", folder / "r.json", "--branch", "baseline"]):
            code, _, err = in_process(*args)
            assert code == 2, (args, err)
            assert "cannot write" in one_line(err) and "nothing was written" in err, err
        assert read_text(s) == MISSILE_TEXT and sorted(p.name for p in folder.iterdir()) == ["s.yaml"]
    finally:
        _writable_again(folder)


def test_outputs_on_a_file_system_that_refuses_files_say_so_in_one_line(tmp_path):
    s = tmp_path / "s.yaml"
    s.write_text(MISSILE_TEXT)
    if os.access("/sys", os.W_OK) and os.geteuid() != 0:
        pytest.skip("/sys is writable here")
    for out in ("/sys/mc.json", "/proc/mc.json"):
        code, _, err = in_process("montecarlo", s, "--runs", "2", "-o", out)
        assert code == 2 and "cannot write" in one_line(err), err


def test_a_second_writer_waits_then_refuses_in_one_line(tmp_path, monkeypatch):
    from explorer.core import files
    p = tmp_path / "s.yaml"
    p.write_text(MISSILE_TEXT)
    monkeypatch.setattr(files, "LOCK_WAIT", 0.3)
    with files.write_lock(p):  # another program in the middle of a save
        code, _, err = in_process("fork", p, "--label", "X", "--suppress", "u2_photos")
    assert code == 2 and "is being saved by another program" in one_line(err)
    assert read_text(p) == MISSILE_TEXT
    code, out, err = in_process("fork", p, "--label", "X", "--suppress", "u2_photos")  # lock released
    assert code == 0 and out.strip() in read_text(p)
