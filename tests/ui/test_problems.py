"""The Problems pane and the outline's marks (issue 9): real widgets, real clicks and keys."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

WORLD = """\
scenario: {id: p, title: Problems, start: 1940-01-01, end: 1940-12-31}
variables:
  alive: {type: bool, initial: true}
  n: {type: number, initial: 0}
events:
  - id: speech
    title: The speech
    on: 1940-03-01
    when: alive
    effects: [{add: {n: 1}}]
  - id: kill
    title: The assassination
    on: 1940-02-01
    when: false
    effects: [{set: {alive: false}}]
  - id: dormant
    title: The dormant plot
    on: 1940-05-01
    when: false
    effects: [{add: {n: 5}}]
branches:
  - id: baseline
    expect: [happened("speech")]
  - id: dies
    label: He dies
    divergences: [{force: kill}]
    expect: [happened("speech")]
  - id: again
    label: He speaks again
    divergences: [{force: speech, on: 1940-06-01}]
"""


def _window(make_window, tmp_path, text=WORLD):
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    w = make_window(f)
    return w


def _rows(w):
    return [(r.severity, r.code, r.message) for r in w.problems.rows]


def _mark(w, bid):
    m = w.outline.model_
    return m.data(m.index_of(bid), Qt.DisplayRole)


def test_problems_list_warnings_and_failures_and_the_outline_marks_branches(make_window, tmp_path, qtbot):
    w = _window(make_window, tmp_path)
    qtbot.waitUntil(lambda: bool(w.problems.rows), timeout=20000)
    rows = _rows(w)
    assert ("warning", "latent-never-forced", "'The dormant plot' (dormant) is latent (when: false) and no "
            "branch forces it") in rows
    assert ("warning", "noop-divergence", "in branch 'again': 'The speech' already happened on 1940-03-01 and "
            "is not repeatable, so forcing it changes nothing") in rows
    assert ("failed", "expect", "[dies] expected happened(\"speech\"): false") in rows
    assert _mark(w, "baseline") == "Baseline  ✓"
    assert _mark(w, "dies") == "He dies  ✗"
    assert _mark(w, "again") == "He speaks again  changes nothing"
    assert "1 failed" in w.problems.title.text() and "warnings" in w.problems.title.text()


def test_a_double_click_opens_the_rules_form_and_enter_the_branchs(make_window, tmp_path, qtbot):
    from explorer.ui.forms import BranchDialog, RuleDialog
    w = _window(make_window, tmp_path)
    w.problems_dock.raise_()
    qtbot.waitUntil(lambda: bool(w.problems.rows), timeout=20000)
    tree = w.problems.tree
    i = next(i for i, r in enumerate(w.problems.rows) if r.code == "latent-never-forced")
    item = tree.topLevelItem(i)
    tree.scrollToItem(item)
    pos = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=pos)
    qtbot.mouseDClick(tree.viewport(), Qt.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: isinstance(w.authoring.dialog, RuleDialog), timeout=5000)
    assert w.authoring.dialog.event_id == "dormant"
    w.authoring.dialog.reject()
    j = next(i for i, r in enumerate(w.problems.rows) if r.code == "expect")
    tree.setCurrentItem(tree.topLevelItem(j))
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key_Return)
    qtbot.waitUntil(lambda: isinstance(w.authoring.dialog, BranchDialog), timeout=5000)
    w.authoring.dialog.reject()


def test_checks_run_again_after_an_edit(make_window, tmp_path, qtbot):
    w = _window(make_window, tmp_path)
    qtbot.waitUntil(lambda: bool(w.problems.rows), timeout=20000)
    assert _mark(w, "dies") == "He dies  ✗"
    with qtbot.waitSignal(w.problems.checked, timeout=20000):
        assert w.authoring.delete_branch("dies", confirm=False)
    assert not [r for r in w.problems.rows if r.code == "expect"]
    with qtbot.waitSignal(w.problems.checked, timeout=20000):
        w.undo_stack.undo()
    assert _mark(w, "dies") == "He dies  ✗"


def test_load_errors_are_listed_with_their_position(make_window, tmp_path, qtbot):
    w = _window(make_window, tmp_path)
    qtbot.waitUntil(lambda: bool(w.problems.rows), timeout=20000)
    bad = tmp_path / "bad.yaml"
    bad.write_text(WORLD.replace("when: alive", "when: alvie"), encoding="utf-8")
    assert not w.open_path(bad)
    assert [(r.severity, r.where, r.code) for r in w.problems.rows] == [("error", "9:11", "load")]
    assert "unknown variable 'alvie'" in w.problems.rows[0].message


def test_the_rule_form_keeps_text_variants_nolint_and_mtth(make_window, tmp_path, qtbot):
    from explorer.ui.forms import RuleDialog
    text = WORLD.replace("""  - id: dormant
    title: The dormant plot
""", """  - id: dormant
    title: The dormant plot
    text:
      - {when: alive, text: He lives.}
      - Then he does not.
    nolint: [latent-never-forced]
    mtth: 20d
""")
    w = _window(make_window, tmp_path, text)
    dlg = RuleDialog(w.workspace, "dormant", parent=w)
    rule = dlg.rule()
    assert [v.text for v in rule.variants] == ["He lives.", "Then he does not."]
    assert rule.nolint == ("latent-never-forced",) and rule.mtth.days == 20
    dlg.reject()


def test_a_big_world_is_checked_in_a_child_process_with_the_same_rows(make_window, tmp_path, qtbot, monkeypatch):
    """Worlds past PROCESS_RULES are checked in another process (a thread held the interpreter lock
    against the GUI's every call into Qt); its rows, positions and marks are the thread's."""
    from explorer.core import load_scenario
    from explorer.ui import problems
    f = tmp_path / "p.yaml"
    f.write_text(WORLD, encoding="utf-8")
    here = problems.check(load_scenario(f))
    monkeypatch.setattr(problems, "PROCESS_RULES", 0)
    children = []
    real = problems._CheckWorker._in_child
    monkeypatch.setattr(problems._CheckWorker, "_in_child", lambda self: children.append(1) or real(self))
    w = _window(make_window, tmp_path)
    qtbot.waitUntil(lambda: bool(w.problems.rows), timeout=60000)
    assert children == [1]
    assert [(r.severity, r.code, r.message, r.where, r.target) for r in w.problems.rows] == \
        [(r.severity, r.code, r.message, r.where, r.target) for r in here.rows]
    assert any(r.where for r in w.problems.rows)  # positioned: the source map went with the scenario
    assert w.problems.marks == here.marks
    assert _mark(w, "dies") == "He dies  ✗"


def test_the_pane_says_in_words_what_an_empty_list_means_and_counts_in_english(make_window, tmp_path, qtbot):
    """An empty list read "Problems none" over a bare table header; one warning read "1 warnings"."""
    from PySide6.QtGui import QImage
    from explorer.ui.problems import EMPTY
    clean = """\
scenario: {id: q, title: Clean, start: 1940-01-01, end: 1940-12-31}
variables:
  n: {type: number, initial: 0}
events:
  - id: speech
    title: The speech
    on: 1940-03-01
    when: n < 5
    effects: [{add: {n: 1}}]
branches:
  - id: baseline
  - id: quiet
    label: No speech
    divergences: [{suppress: speech}]
"""
    w = _window(make_window, tmp_path, clean)
    p = w.problems
    w.problems_dock.raise_()
    qtbot.waitUntil(lambda: p.worker is None and "checking" not in p.title.text(), timeout=20000)
    assert p.rows == [] and "none" in p.title.text()
    assert p.tree.isHeaderHidden() and p.tree.placeholder == EMPTY
    qtbot.waitUntil(p.tree.isVisible, timeout=3000)
    img = p.tree.viewport().grab().toImage().convertToFormat(QImage.Format_RGB32)
    dark = sum(1 for y in range(0, min(img.height(), 40)) for x in range(0, min(img.width(), 300))
               if img.pixelColor(x, y).lightness() < 200)
    assert dark > 50  # the sentence is drawn in the list
    one = clean.replace("  n: {type: number, initial: 0}\n", "  n: {type: number, initial: 0}\n  m: {type: number, initial: 0}\n"
                        ).replace("when: n < 5", "when: n < 5 and m == 0")  # m never written: one warning
    w2 = _window(make_window, tmp_path, one)
    qtbot.waitUntil(lambda: bool(w2.problems.rows), timeout=20000)
    assert [r.severity for r in w2.problems.rows] == ["warning"]
    assert "1 warning<" in w2.problems.title.text() and not w2.problems.tree.isHeaderHidden()


def test_the_child_s_scenario_is_pickled_in_parts_and_other_threads_run_between():
    """One pickle.dumps of a big world was one C call holding the interpreter lock (10,000 rules:
    140-170 ms in which the GUI thread ran no Python); in parts, another thread runs between them, and
    the child reads back the same scenario."""
    import sys
    import threading
    import time
    from pathlib import Path

    from explorer.core import Workspace
    from explorer.ui import problems
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks.synthetic import make_scenario
    sc = make_scenario(3000, n_branches=12)
    ticks, made, stop = [], threading.Event(), threading.Event()

    def other():  # the GUI thread's part: a little Python now and then
        while not stop.is_set():
            if not made.is_set():
                ticks.append(1)
            time.sleep(0.0005)

    t = threading.Thread(target=other)
    t.start()
    time.sleep(0.01)
    ticks.clear()
    data = problems.payload(sc, None)
    made.set()
    stop.set()
    t.join()
    assert len(ticks) >= 5
    back, source = problems.unpayload(data)
    assert source is None
    assert [e.id for e in back.events] == [e.id for e in sc.events]
    assert back.branch_ids == sc.branch_ids and list(back.variables) == list(sc.variables)
    last = sc.branch_ids[-1]
    assert [f.key for f in Workspace(back).timeline(last).firings] == [f.key for f in Workspace(sc).timeline(last).firings]


def test_the_problem_reads_before_its_code(make_window, tmp_path, qtbot, styled):
    """A warning in the pane at 1280x800: the Problem column kept Qt's 100 px ("'Trotsky is f…") while
    the last column, Code, stretched over the rest of the pane, blank but for "never-fires". The
    Problem column takes the room; the small columns are as wide as what they hold."""
    w = _window(make_window, tmp_path)
    qtbot.waitUntil(lambda: bool(w.problems.rows), timeout=20000)
    w.problems_dock.raise_()
    tree = w.problems.tree
    qtbot.waitUntil(lambda: tree.isVisible() and tree.topLevelItemCount() > 0, timeout=5000)
    QApplication.processEvents()
    fm = tree.fontMetrics()
    widths = [tree.columnWidth(c) for c in range(4)]
    assert widths[1] == max(widths), widths
    for c in (2, 3):
        need = max(fm.horizontalAdvance(tree.topLevelItem(i).text(c)) for i in range(tree.topLevelItemCount()))
        head = fm.horizontalAdvance(tree.headerItem().text(c))
        assert widths[c] <= max(need, head) + 40, (c, widths)
    assert sum(widths) <= tree.viewport().width() + 1
    # a message the room holds reads whole
    room = widths[1] - 12
    assert any(fm.horizontalAdvance(tree.topLevelItem(i).text(1)) <= room for i in range(tree.topLevelItemCount()))


def test_the_first_problem_of_a_clean_file_shows_its_column_names(make_window, scenario_file, qtbot, styled):
    """A file with no problems, then a rule added in the app that never happens: its warning has no
    place in the file yet, and the Where column was sized to it while the header was still hidden
    (the empty list hides it): "Wh". The columns are sized with their names."""
    from PySide6.QtTest import QTest
    w = make_window(scenario_file)
    qtbot.waitUntil(lambda: w.problems.title.text().endswith("none</span>"), timeout=20000)
    tree = w.problems.tree
    assert tree.isHeaderHidden()
    auth = w.authoring
    auth.new_rule_action.trigger()
    qtbot.waitUntil(lambda: auth.dialog is not None and auth.dialog.isVisible(), timeout=3000)
    QTest.keyClicks(auth.dialog.title_edit, "A plot nobody hatches")
    QTest.keyClicks(auth.dialog.when.edit, "false")
    qtbot.waitUntil(auth.dialog.ok_button.isEnabled, timeout=3000)
    QTest.mouseClick(auth.dialog.ok_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any("A plot nobody hatches" in r.message for r in w.problems.rows), timeout=20000)
    assert all(r.where == "" for r in w.problems.rows if "A plot nobody hatches" in r.message)
    w.problems_dock.raise_()
    QApplication.processEvents()
    fm = tree.fontMetrics()
    for c in (2, 3):
        assert tree.columnWidth(c) >= fm.horizontalAdvance(tree.headerItem().text(c)) + 12, (c, tree.columnWidth(c))
