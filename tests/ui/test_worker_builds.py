"""The branch worker builds what showing a branch needs (the timeline's rows against its parent, the
map's marks of the lanes whose diffs it worked out) off the GUI thread, with pauses inside (ui/
branch_worker.work_branch): the window shows exactly what it would have built itself."""
import numpy as np

from explorer.ui.history import lane_marks
from explorer.ui.timeline_rows import build_rows, read_rows


def _rows(rows):
    return [(r.key, r.date, r.title, r.outcome, r.tags, r.status, r.index, r.note, r.narr) for r in rows]


def test_a_branch_shown_from_the_worker_reads_as_one_built_on_the_gui_thread(off_thread, deepest_branch, window, qtbot):
    w = window
    h = w.history
    target = deepest_branch(w.workspace)
    path = [b.id for b in w.workspace.path(target)]
    assert len(path) >= 3 and not any(h.computed(b) for b in path[1:])
    kept = []
    keep = w.timeline.model.keep_built
    w.timeline.model.keep_built = lambda *a: (kept.append(a[2]), keep(*a))
    w.selection.select_branch(target)
    qtbot.waitUntil(lambda: w.selection.branch == target, timeout=30_000)
    model = w.timeline.model
    assert model.branch == target and model.rows, "the branch is shown"
    tl, parent = w.workspace.timeline(target), w.workspace.branch(target).parent
    # what the GUI thread would have built, from the adopted timeline and diff
    rows, counts, is_root = build_rows(tl, h.diff(target), read_rows(tl), h.label(parent))
    assert _rows(model.rows) == _rows(rows) and model.counts == counts and not is_root
    assert any(r.status != "same" for r in model.rows)  # real differences, not an empty diff
    # the map's marks of every lane on the path, as History would work them out
    for b in path[1:]:
        got = h.marks(b)
        want = lane_marks(w.workspace.timeline(b), w.workspace.divergence_date(b), h.diff(b))
        assert all(np.array_equal(x, y) for x, y in zip(got, want)), b
    assert len(kept) == 1 and model.rows is kept[0][0]  # installed as the worker built it, not rebuilt


def test_the_worker_pauses_all_through_a_branch(off_thread, deepest_branch, window, qtbot):
    """Its pause hook is called inside the runs, the diffs and the rows: counted on the same branch."""
    import time

    from explorer.ui.branch_worker import work_branch
    w = window
    ws = w.workspace.copy()
    target = deepest_branch(ws)
    calls = []

    def pause():
        calls.append(time.perf_counter())

    ws.pause = pause
    got = work_branch(1, ws, target, set(), True, pause)
    assert got.built is not None and got.reading is not None and set(got.marks) >= {target}
    rows = len(ws.timeline(target).firings)
    assert len(calls) >= 6 + rows // 128  # between the parts, and every 128 rows read at least


def test_showing_a_computed_branch_refreshes_the_map_and_outline_once(off_thread, deepest_branch, window, qtbot):
    """After the branch is shown, the map's and the outline's marks and order are refreshed once, in
    a turn of their own: the worker's end of job (idle) no longer refreshes them again (each refresh
    repaints both: 10-15 ms of GUI work on 200 branches)."""
    w = window
    calls = []
    for view in (w.branch_map, w.outline):
        refresh = view.refresh
        view.refresh = lambda refresh=refresh, view=view: (calls.append(view), refresh())
    target = deepest_branch(w.workspace)
    w.selection.select_branch(target)
    qtbot.waitUntil(lambda: w.selection.branch == target, timeout=30_000)
    qtbot.waitUntil(lambda: w.off_thread.worker is not None and not w.off_thread._refresh_due, timeout=5_000)  # noqa: SLF001
    qtbot.wait(200)  # the worker's end of job comes meanwhile
    assert calls == [w.branch_map, w.outline]
