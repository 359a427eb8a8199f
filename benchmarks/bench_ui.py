"""UI responsiveness. Prints one line per figure, `name: value unit`.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_ui.py [--quick] [--only rules|dense|mid] [--block] [--steps]

Targets (issue 3, the app): with a synthetic scenario of 200 branches and 10,000 events, selecting
another branch updates every view (outline, map, timeline, inspector, plots, world table; painted)
in under 100 ms, and the window opens in under 2 s. Issue 14: a branch not yet computed is computed
off the GUI thread (worlds of more than 300 rules) and shown without blocking the GUI more than 50 ms;
the figures `*_longest_event_loop_block` are the longest the event loop did not turn (a 1 ms timer's
largest gap) while such branches were computed and shown (until 100 ms after: the show's paint, the
views refreshed and painted again), with the GUI thread's own CPU time in its busiest gap (a loaded
machine's gaps are mostly waiting for a core). `window_open` here is from
constructing the MainWindow to its first grab; benchmarks/bench_load.py times the opening as a user
sees it, from the process's start to the first paint, with peak memory.
Issue 13 holds compare mode (choosing a branch to compare with, the side-by-side view shown)
and Back/Forward to the same 100 ms. Each of those figures is printed as wall time (what a user
waits: on a shared machine it includes waiting for a CPU) and as the GUI thread's CPU time
(`time.thread_time()` around the change and the paints it causes: steadier under load), with its
ratio to the budget, e.g. `rules.back_forward_median: 41.0 ms (0.41 of 100 ms) · GUI thread CPU 30.2 ms`.
The `_max` lines count the changes over the budget and give the longest change without the time the
GUI thread waited for a CPU (Linux's schedstat: what a quiet machine would show, roughly); `--steps`
prints each Back/Forward step's wall and GUI-thread CPU times in order (with the World pane in front, the steps that change branch redraw
the ticked variables' plots).

Two synthetic scenarios, both generated here in-process (and `--only mid`: 1,000 rules, 200 branches):
- `rules`: benchmarks/synthetic.py's 10,000 rules over 200 variables, 200 branches (about 2,400
  events fire per branch: conditions gate most rules);
- `dense`: 10,000 events that all fire, 30 variables, 200 branches forking all over the century
  (a 10,000-row timeline and 10,000 marks per lane).
Branches are computed lazily (Workspace caches); "warm" selection is a branch already computed,
"cold" adds the engine's restart from the parent's checkpoint and the diff, which the app does on
first selection.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from explorer.core.model import BASELINE, Branch, Divergence, Effect, EventRule, Scenario, Timing, Variable  # noqa: E402


def dense_scenario(n_events: int = 10_000, n_branches: int = 200, n_vars: int = 30, seed: int = 7) -> Scenario:
    """Every event fires (on a date, condition true); branches set a variable or suppress an event."""
    rng = random.Random(seed)
    start, end = dt.date(1900, 1, 1), dt.date(1999, 12, 31)
    span = (end - start).days
    sc = Scenario(id="dense", title=f"Dense synthetic: {n_events} events, {n_branches} branches", start=start, end=end)
    names = [f"world.v{i:02d}" for i in range(n_vars)]
    for n in names:
        sc.variables[n] = Variable(n, "number", 50, label=n.replace("world.", "Variable "), min=0, max=100)
    tags = ("politics", "economy", "military", "culture")
    dates = sorted(start + dt.timedelta(rng.randrange(span)) for _ in range(n_events))
    for i, d in enumerate(dates):
        v = rng.choice(names)
        when = True if rng.random() < 0.9 else f"{v} < 95"
        sc.events.append(EventRule(f"e{i:05d}", title=f"Event {i} ({d.year})", text="A synthetic event.",
                                   timing=Timing("on", d, d), when=when, tags=[rng.choice(tags)],
                                   effects=[Effect("add", v, rng.choice((-1, 1)) * rng.randint(1, 6))]))
    sc.branches.append(Branch(BASELINE, None, "Baseline"))
    ids = [BASELINE]
    for b in range(1, n_branches):
        parent = rng.choice(ids) if rng.random() < 0.6 else BASELINE
        lo = start + dt.timedelta(days=span // 20)
        on = lo + dt.timedelta(rng.randrange((end - lo).days - 30))
        if rng.random() < 0.5:
            var = rng.choice(names)
            div = Divergence("set", values={var: rng.choice((0, 100))}, on=on, label=f"{var} jolted in {on.year}")
        else:
            target = next((e for e in sc.events if e.timing.start >= on), sc.events[-1])
            div = Divergence("suppress", event=target.id, on=on, label=f"{target.title} never happens")
        sc.branches.append(Branch(f"d{b:03d}", parent, div.label, divergences=[div]))
        ids.append(f"d{b:03d}")
    return sc


def rules_scenario() -> Scenario:
    try:
        from benchmarks.synthetic import make_scenario
    except ImportError:  # pragma: no cover - the generator lives beside this file
        return dense_scenario()
    return make_scenario(10_000, n_branches=200)


def settle(app, rounds: int = 3) -> None:
    for _ in range(rounds):
        app.processEvents()


BUDGET_MS = 100.0  # every view updated after a selection (issue 3), compare mode and Back/Forward (issue 13)


class Timed:
    """Wall and GUI-thread CPU times of repeated UI changes, each followed by the paints it causes."""

    def __init__(self):
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.quiet: list[float] = []  # wall time less the GUI thread's waits for a CPU (Linux)
        self.runqueue = _runqueue_clock()

    def run(self, app, change) -> None:
        rq = self.runqueue() if self.runqueue else 0.0
        c0, t0 = time.thread_time(), time.perf_counter()
        change()
        settle(app)
        self.wall.append(time.perf_counter() - t0)
        self.cpu.append(time.thread_time() - c0)
        if self.runqueue:
            self.quiet.append(self.wall[-1] - (self.runqueue() - rq))

    def report(self, name: str, what: str, steps: bool = False) -> None:
        """Median and maximum, with how many changes went over the budget; `steps` (`--steps`): every
        change's wall and GUI-thread CPU times too, in order (which steps are slow, and whether the
        slow wall times are the GUI's own work or waiting for a core)."""
        med, cpu = statistics.median(self.wall) * 1000, statistics.median(self.cpu) * 1000
        print(f"{name}.{what}_median: {med:.1f} ms ({med / BUDGET_MS:.2f} of {BUDGET_MS:.0f} ms) · "
              f"GUI thread CPU {cpu:.1f} ms ({cpu / BUDGET_MS:.2f})")
        over = sum(t * 1000 > BUDGET_MS for t in self.wall)
        quiet = f" · without waiting for a CPU {max(self.quiet) * 1000:.1f} ms" if self.quiet else ""
        print(f"{name}.{what}_max: {max(self.wall) * 1000:.1f} ms · GUI thread CPU {max(self.cpu) * 1000:.1f} ms · "
              f"{over} of {len(self.wall)} over {BUDGET_MS:.0f} ms{quiet}")
        if steps:
            print(f"{name}.{what}_steps: wall {' '.join(f'{t * 1000:.0f}' for t in self.wall)} ms; "
                  f"GUI thread CPU {' '.join(f'{t * 1000:.0f}' for t in self.cpu)} ms" +
                  (f"; without waiting for a CPU {' '.join(f'{t * 1000:.0f}' for t in self.quiet)} ms"
                   if self.quiet else ""))


def _runqueue_clock():
    """Seconds this thread has spent runnable but waiting for a CPU (Linux's schedstat), or None.
    On a machine shared by several engineers most of a gap's wall time is that wait; a gap minus it
    is what a quiet machine would show (the GUI's own work and its waits for the interpreter lock)."""
    try:
        f = open(f"/proc/self/task/{threading.get_native_id()}/schedstat", "rb", buffering=0)
    except OSError:
        return None

    def read() -> float:
        f.seek(0)
        return int(f.read().split()[1]) / 1e9
    read()
    return read


class BlockWatch:
    """The longest time the event loop did not turn: a 1 ms timer notes the gap between its ticks.
    `longest` is wall time (what a user feels; on a loaded machine it includes waiting for a core or
    for the interpreter lock); `longest_cpu` the GUI thread's own CPU time in its busiest gap (what
    the app made it do between two turns); `longest_quiet` the longest gap without the time the GUI
    thread waited for a CPU (Linux): its own work and its waits for the worker's interpreter lock,
    which is what a quiet machine would see as the block."""

    def __init__(self):
        from PySide6.QtCore import QTimer
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.runqueue = _runqueue_clock()
        self.last = self.last_cpu = self.last_rq = None
        self.longest = self.longest_cpu = self.longest_quiet = 0.0
        self.big: list[tuple[float, float]] = []

    def _rq(self) -> float:
        return self.runqueue() if self.runqueue is not None else 0.0

    def _tick(self) -> None:
        now, cpu, rq = time.perf_counter(), time.thread_time(), self._rq()
        if self.last is not None:
            self.longest = max(self.longest, now - self.last)
            self.longest_cpu = max(self.longest_cpu, cpu - self.last_cpu)
            self.longest_quiet = max(self.longest_quiet, now - self.last - (rq - self.last_rq))
            if now - self.last > 0.03:  # the gaps a user may feel: their wall time against the GUI's CPU
                self.big.append((now - self.last, cpu - self.last_cpu))
        self.last, self.last_cpu, self.last_rq = now, cpu, rq

    def start(self) -> "BlockWatch":
        self.last, self.last_cpu, self.last_rq = time.perf_counter(), time.thread_time(), self._rq()
        self.longest = self.longest_cpu = self.longest_quiet = 0.0
        self.timer.start()
        return self

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest

    def quiet_text(self) -> str:
        return f"without waiting for a CPU {self.longest_quiet * 1000:.0f} ms" if self.runqueue else \
            "(no per-thread run-queue clock here)"

    def text(self) -> str:
        return f"{self.longest * 1000:.0f} ms (GUI thread CPU in the busiest gap {self.longest_cpu * 1000:.0f} ms; " \
               f"{self.quiet_text()}; {gaps_text(self.big)})"


def gaps_text(big: list) -> str:
    """The gaps over 30 ms: how many, and their wall time over the GUI thread's CPU time in them (1.0
    when the GUI did not wait for the branch worker's interpreter lock nor for a CPU)"""
    if not big:
        return "no gap over 30 ms"
    return f"{len(big)} gaps over 30 ms, wall/GUI CPU {sum(w for w, _ in big) / max(sum(c for _, c in big), 1e-9):.2f}"


def wait_until(app, done, timeout: float = 120.0) -> None:
    """Waits in the event loop as the app does (blocked until an event comes): a polling loop's own
    CPU time would read as GUI work to the branch worker, which steps aside while the GUI thread
    works (ui/background.StepAside)."""
    from PySide6.QtCore import QEventLoop, QTimer
    poke = QTimer()
    poke.start(50)  # an event now and then, to look at the clock
    t0 = time.perf_counter()
    while not done():
        app.processEvents(QEventLoop.WaitForMoreEvents)
        if time.perf_counter() - t0 > timeout:
            raise SystemExit("timed out waiting for the worker")
    poke.stop()


def linger(app, seconds: float) -> None:
    """The event loop left to run (waiting for events, as the app's) for `seconds`: what showing a
    branch does after the selection changed (its paint, the views refreshed a turn later, their paint)
    is timed with the selection, not left to fall into the next one's first gap."""
    from PySide6.QtCore import QEventLoop, QTimer
    end = time.perf_counter() + seconds
    poke = QTimer()
    poke.start(10)
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.WaitForMoreEvents)
    poke.stop()


def bench(name: str, make, quick: bool, block_only: bool = False, steps: bool = False) -> None:
    from PySide6.QtCore import QSettings

    from explorer.ui.app import make_application
    from explorer.ui.main_window import MainWindow
    app = make_application()
    t0 = time.perf_counter()
    sc = make()
    gen = time.perf_counter() - t0
    n_rules = len(sc.events)
    # a throwaway file, never os.devnull: QSettings saves by renaming a temp file over its path, and
    # as root that replaced the machine's /dev/null with a regular file
    settings_dir = tempfile.mkdtemp(prefix="bench-ui-")
    settings = QSettings(os.path.join(settings_dir, "settings.ini"), QSettings.IniFormat)

    MainWindow.background_warming = False  # measure cold selections first; warming is timed below
    t0 = time.perf_counter()
    w = MainWindow(sc, settings=settings)
    w.resize(1280, 800)
    w.show()
    settle(app)
    w.grab()  # everything painted once
    opened = time.perf_counter() - t0
    h = w.history
    tl = w.workspace.timeline("baseline")
    print(f"{name}.rules: {n_rules} events")
    print(f"{name}.branches: {len(sc.branches)} branches")
    print(f"{name}.baseline_events: {len(tl.firings)} events")
    print(f"{name}.generate: {gen:.2f} s")
    print(f"{name}.window_open: {opened:.2f} s")
    print(f"{name}.computed_at_open: {sum(h.computed(b) for b in sc.branch_ids)} branches")
    print(f"{name}.branches_off_gui_thread: {'yes' if w.computes_off_thread() else 'no'}")

    rng = random.Random(3)
    ids = sc.branch_ids[1:]
    sample = rng.sample(ids, 8 if quick else 20)
    cold = []
    cold_blocked = []
    for bid in sample:
        computed = h.computed(bid) and h.has_diff(bid)
        watch = BlockWatch().start()
        t0 = time.perf_counter()
        w.selection.select_branch(bid)
        settle(app)
        wait_until(app, lambda: w.selection.branch == bid)  # shown: computed off the thread, or at once
        shown = time.perf_counter() - t0
        linger(app, 0.1)  # and painted, the map and outline refreshed and painted again: all it does
        watch.stop()
        if not computed:
            cold.append(shown)
            cold_blocked.append(watch)
    warm = Timed()
    for _ in range(2):
        for bid in sample:
            warm.run(app, lambda: w.selection.select_branch(bid))
    # the app computes the remaining branches while idle: how long until every selection is warm
    w.background_warming = True
    watch = BlockWatch().start()
    t0 = time.perf_counter()
    w._start_background_warming()  # noqa: SLF001
    if w.computes_off_thread():
        wait_until(app, lambda: all(h.ready(b) for b in sc.branch_ids), timeout=600)
    else:
        while w._warm_timer.isActive():  # noqa: SLF001
            app.processEvents()
    print(f"{name}.background_compute_all_branches: {time.perf_counter() - t0:.1f} s")
    watch.stop()
    print(f"{name}.background_longest_event_loop_block: {watch.text()}")
    events = len(w.workspace.timeline(sample[-1]).firings)
    warm.report(name, "select_branch_warm")
    if cold:
        print(f"{name}.select_branch_cold_median: {statistics.median(cold) * 1000:.0f} ms")
        print(f"{name}.select_branch_cold_max: {max(cold) * 1000:.0f} ms (until shown)")
        worst = max(cold_blocked, key=lambda b: b.longest)
        busiest = max(cold_blocked, key=lambda b: b.longest_cpu)
        quiet = max(cold_blocked, key=lambda b: b.longest_quiet)
        print(f"{name}.select_branch_cold_longest_event_loop_block: {worst.longest * 1000:.0f} ms; GUI thread "
              f"CPU in the busiest gap {busiest.longest_cpu * 1000:.0f} ms (target 50 ms); {quiet.quiet_text()}; "
              f"{gaps_text([g for b in cold_blocked for g in b.big])}")
    print(f"{name}.timeline_rows_last: {w.timeline.model.rowCount()} rows ({events} events)")
    if block_only:
        w.close()
        w.deleteLater()
        settle(app)
        return

    # an event with its why-chain
    bid = sample[-1]
    tl = w.workspace.timeline(bid)
    ev = Timed()
    for f in tl.firings[-10:]:
        ev.run(app, lambda: w.selection.select_event((f.event, f.occurrence), cursor=f.date))
    ev.report(name, "select_event")

    # compare mode (issue 13): choose a branch to compare with; every view follows, the side-by-side
    # view raised (the worst case: it builds its aligned rows too)
    w.compare_dock.show()
    w.compare_dock.raise_()
    settle(app)
    pairs = list(zip(sample[::2], sample[1::2]))
    cmp_first, cmp_switch, cmp_select = Timed(), Timed(), Timed()
    for a, b in pairs:
        w.selection.select_branch(a)
        settle(app)
        cmp_first.run(app, lambda: w.selection.set_compare(b))  # a new pair: its diff is computed now
        w.selection.set_compare(None)
        settle(app)
        cmp_switch.run(app, lambda: w.selection.set_compare(b))  # the same pair again: cached
    # while comparing, selecting other branches: each one a new pair against the branch compared with
    for bid in sample[2:7]:
        cmp_select.run(app, lambda: w.selection.select_branch(bid))
    w.selection.set_compare(None)
    settle(app)
    cmp_first.report(name, "compare_new_pair")
    cmp_switch.report(name, "compare_again")
    cmp_select.report(name, "compare_select_branch")
    print(f"{name}.compare_rows_last: {w.compare_view.model.rowCount()} aligned rows")

    # Back / Forward (issue 13): a history of branch and event selections, walked back and forth
    w.navigation.clear()
    for bid in sample[:10]:
        tl_ = w.workspace.timeline(bid)
        w.selection.select_branch(bid)
        settle(app)
        f = tl_.firings[len(tl_.firings) // 2] if tl_.firings else None
        if f is not None:
            w.selection.select_event((f.event, f.occurrence), cursor=f.date)
            settle(app)
    nav = Timed()
    for step in [w.navigation.back] * 12 + [w.navigation.forward] * 12:
        nav.run(app, step)
    nav.report(name, "back_forward", steps)
    # the same with the World pane in front instead of the Inspector (it redraws only while seen)
    w.world_dock.raise_()
    settle(app)
    nav_world = Timed()
    for step in [w.navigation.back] * 12 + [w.navigation.forward] * 12:
        nav_world.run(app, step)
    nav_world.report(name, "back_forward_world_shown", steps)
    w.inspector_dock.raise_()
    w.timeline_dock.raise_()
    settle(app)

    # the map: fit every lane in view, then repaint
    w.branch_map.fit()
    settle(app)
    paints = []
    for _ in range(5):
        t0 = time.perf_counter()
        w.branch_map.plot.viewport().repaint()
        paints.append(time.perf_counter() - t0)
    print(f"{name}.map_repaint_all_lanes: {statistics.median(paints) * 1000:.1f} ms")
    w.branch_map.vb.scaleBy((0.2, 0.2))
    settle(app)
    paints = []
    for _ in range(5):
        t0 = time.perf_counter()
        w.branch_map.plot.viewport().repaint()
        paints.append(time.perf_counter() - t0)
    print(f"{name}.map_repaint_zoomed: {statistics.median(paints) * 1000:.1f} ms")

    w.close()
    w.deleteLater()
    settle(app)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=("rules", "dense", "mid"))
    ap.add_argument("--block", action="store_true",
                    help="only the figures of issue 14's cold selections and background computing")
    ap.add_argument("--steps", action="store_true", help="print every Back/Forward step's times too")
    args = ap.parse_args()
    if args.only == "mid":  # 1,000 rules, 200 branches: the smallest worlds whose branches go off the thread
        from benchmarks.synthetic import make_scenario
        bench("mid", lambda: make_scenario(1000, n_branches=200), args.quick, args.block, args.steps)
    if args.only in (None, "rules"):
        bench("rules", rules_scenario, args.quick, args.block, args.steps)
    if args.only in (None, "dense"):
        bench("dense", dense_scenario, args.quick, args.block, args.steps)
    import gc
    gc.collect()


if __name__ == "__main__":
    main()
