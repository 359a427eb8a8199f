"""The app through its real widgets: mouse clicks and key presses, no mocks."""
import datetime as dt

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def click(qtbot, widget, pos):
    QTest.mouseClick(widget, Qt.LeftButton, Qt.NoModifier, QPoint(int(pos.x()), int(pos.y())))
    QApplication.processEvents()


def outline_branch(w):
    return w.outline.model_.branch_of(w.outline.currentIndex())


def assert_views_show(w, bid):
    """Every view follows the selected branch."""
    assert w.selection.branch == bid
    assert outline_branch(w) == bid
    assert w.timeline.model.branch == bid
    n = len(w.workspace.timeline(bid).firings)
    assert sum(1 for r in w.timeline.model.rows if r.status != "gone") == n
    label = w.workspace.branch(bid).label
    assert label in w.inspector.browser.toPlainText()
    w.world_dock.raise_()  # the World pane catches up when shown (it works only while seen)
    assert label in w.world.legend.text()
    assert w.world.plots
    for name, plot in w.world.plots.items():
        traj = w.workspace.timeline(bid).trajectory(name)
        xs = plot.mine.xData
        assert xs[0] == traj[0][0].toordinal()
        assert len(xs) == 2 * len(traj)
    w.inspector_dock.raise_()
    assert label in w.status_branch.text()
    assert "propagated in" in w.status_timing.text()


def test_opens_on_baseline_with_every_view_filled(window):
    w = window
    assert w.selection.branch == "baseline"
    assert_views_show(w, "baseline")
    assert w.branch_map.rows[0] == "baseline"
    assert set(w.branch_map.rows) == set(w.workspace.scenario.branch_ids)


def test_hidden_world_pane_builds_its_plots_when_shown(window):
    """Behind the Inspector's tab the World pane builds no plot (each costs the opening 40-60 ms);
    shown, it plots the default variables for the selected branch, and follows selections again."""
    w = window
    assert w.world.model.ticked, "some variables are ticked by default"
    assert not w.world.plots
    w.selection.select_branch("air-strike")
    w.world_dock.raise_()
    QApplication.processEvents()
    assert list(w.world.plots) == w.world.model.ticked
    assert "Kennedy orders air strikes" in w.world.legend.text()
    w.selection.select_branch("baseline")
    assert "Kennedy" not in w.world.legend.text()


def test_clicking_a_lane_selects_its_branch(window, qtbot):
    w = window
    bm = w.branch_map
    click(qtbot, bm.plot.viewport(), bm.lane_point("air-strike"))
    assert_views_show(w, "air-strike")
    click(qtbot, bm.plot.viewport(), bm.lane_point("no-photos"))
    assert_views_show(w, "no-photos")


def test_clicking_a_label_selects_its_branch(window, qtbot):
    w = window
    bm = w.branch_map
    rect = bm.label_rect("strike-contained")
    assert rect is not None, "the fork of every branch is labelled"
    click(qtbot, bm.plot.viewport(), rect.center())
    assert_views_show(w, "strike-contained")
    # the map's labels never overlap
    rects = [r for r, _ in bm.item.label_rects]
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.intersects(b)


def test_arrow_keys_in_the_outline_move_between_branches(window, qtbot):
    w = window
    tree = w.outline
    tree.setFocus()
    order = []
    idx = tree.model_.index_of("baseline")
    while idx.isValid():
        order.append(tree.model_.branch_of(idx))
        idx = tree.indexBelow(idx)
    assert order[0] == "baseline" and len(order) == len(w.workspace.scenario.branches)
    for expected in order[1:]:
        QTest.keyClick(tree, Qt.Key_Down)
        assert w.selection.branch == expected
    assert_views_show(w, order[-1])
    QTest.keyClick(tree, Qt.Key_Up)
    assert w.selection.branch == order[-2]


def test_selecting_an_event_row_shows_it_in_the_inspector(window, qtbot):
    w = window
    w.selection.select_branch("strike-contained")
    table = w.timeline.table
    row = next(i for i, r in enumerate(w.timeline.model.visible) if r.key[0] == "black_saturday")
    rect = table.visualRect(w.timeline.model.index(row, 2))
    click(qtbot, table.viewport(), rect.center())
    assert w.selection.event == ("black_saturday", 1)
    assert w.selection.cursor == dt.date(1962, 10, 27)
    text = w.inspector.browser.toPlainText()
    assert "Black Saturday" in text and "Why?" in text
    assert "A U-2 is shot down" in text  # the narrative


def test_clicking_a_why_link_jumps_to_the_cause(window, qtbot):
    w = window
    w.selection.select_branch("strike-contained", ("black_saturday", 1))
    target = "ev:strike-contained/excomm_decides/1"
    assert target in w.inspector.links()
    rect = w.inspector.link_rect(target)
    click(qtbot, w.inspector.browser.viewport(), rect.center())
    assert w.selection.branch == "strike-contained"
    assert w.selection.event == ("excomm_decides", 1)
    current = w.timeline.model.visible[w.timeline.table.currentIndex().row()]
    assert current.key == ("excomm_decides", 1)
    assert "ExComm weighs its options" in w.inspector.browser.toPlainText()


def test_a_gone_event_explains_why_not(window, qtbot):
    w = window
    w.selection.select_branch("no-photos")
    model = w.timeline.model
    row = next(i for i, r in enumerate(model.visible) if r.key[0] == "quarantine_speech")
    assert model.visible[row].status == "gone"
    assert model.data(model.index(row, 2), Qt.FontRole).strikeOut()
    click(qtbot, w.timeline.table.viewport(), w.timeline.table.visualRect(model.index(row, 2)).center())
    assert w.selection.event == ("quarantine_speech", 1)
    text = w.inspector.browser.toPlainText()
    assert "Why not?" in text
    # the reading view speaks in labels: no variable ids, no raw condition
    assert "needed US posture to be quarantine; it was watch, from the start" in text
    assert "us.posture" not in text
    # the raw condition is one click away, with the failing term highlighted
    click(qtbot, w.inspector.browser.viewport(), w.inspector.link_rect("cond:show").center())
    text = w.inspector.browser.toPlainText()
    assert 'us.posture == "quarantine"' in text
    assert "#fde4e2" in w.inspector.browser.toHtml()
    assert w.selection.event == ("quarantine_speech", 1)
    # gone events can be hidden
    QTest.mouseClick(w.timeline.gone_box, Qt.LeftButton)
    assert all(r.status != "gone" for r in model.visible)
    QTest.mouseClick(w.timeline.gone_box, Qt.LeftButton)
    assert any(r.status == "gone" for r in model.visible)


def test_ticking_a_variable_adds_its_curve(window, qtbot):
    w = window
    world = w.world
    w.world_dock.raise_()
    QApplication.processEvents()
    name = "hotline"
    assert name not in world.plots
    click(qtbot, world.table.viewport(), world.checkbox_pos(name))
    assert name in world.plots
    plot = world.plots[name]
    traj = w.workspace.timeline(w.selection.branch).trajectory(name)
    assert list(plot.mine.yData[::2]) == [1.0 if v else 0.0 for _, v in traj]
    click(qtbot, world.table.viewport(), world.checkbox_pos(name))
    assert name not in world.plots


def test_time_cursor_is_shared(window, qtbot):
    w = window
    w.world_dock.raise_()
    QApplication.processEvents()
    w.selection.select_branch("air-strike")
    assert w.world.plots
    w.selection.set_cursor(dt.date(1962, 10, 25))
    for p in w.world.plots.values():
        assert p.cursor.value() == dt.date(1962, 10, 25).toordinal()
    assert w.timeline.cursor_edit.date().toString("yyyy-MM-dd") == "1962-10-25"
    assert "1962-10-25" in w.world.when.text()
    row = w.world.model.row_of("war")
    assert w.world.model.values[row][0] is True  # the strike escalated by then in this branch
    # moving a plot's cursor line moves the selection's cursor
    p = next(iter(w.world.plots.values()))
    p.cursor.setValue(dt.date(1963, 3, 1).toordinal())
    assert w.selection.cursor == dt.date(1963, 3, 1)


def test_search_and_tag_filter(window, qtbot):
    w = window
    tv = w.timeline
    w.selection.select_branch("baseline")
    total = len(tv.model.visible)
    tv.search.setFocus()
    QTest.keyClicks(tv.search, "hotline")
    assert [r.key[0] for r in tv.model.visible] == ["hotline_installed"]
    tv.search.clear()
    assert len(tv.model.visible) == total
    tv.tag_box.setCurrentIndex(tv.tag_box.findData("military"))
    assert tv.model.visible and all("military" in r.tags for r in tv.model.visible)
    # selecting a hidden event clears the filters so that it can be shown
    w.selection.select_event(("secret_deal", 1))
    assert tv.model.visible[tv.table.currentIndex().row()].key == ("secret_deal", 1)


def test_broken_file_shows_errors_and_keeps_the_scenario(window, scenario_file, qtbot):
    w = window
    w.selection.select_branch("air-strike")
    before = w.workspace
    text = scenario_file.read_text()
    scenario_file.write_text(text.replace("when: crisis_open and tension >= 70",
                                          "when: crisis_open and tenson >= 70"))
    QTest.keyClick(w, Qt.Key_R, Qt.ControlModifier)  # File > Reload
    dlg = w.error_dialog
    assert dlg is not None and dlg.isVisible()
    lines = dlg.lines()
    assert any(l.startswith(f"{scenario_file}:") and "tenson" in l and "did you mean 'tension'" in l
               for l in lines), lines
    line, col = lines[0].split(":")[1:3]
    assert int(line) > 0 and int(col) > 0
    assert w.workspace is before
    assert w.selection.branch == "air-strike"
    assert_views_show(w, "air-strike")
    dlg.close()
    # a fixed file reloads, keeping the selection
    scenario_file.write_text(text)
    QTest.keyClick(w, Qt.Key_R, Qt.ControlModifier)
    assert w.workspace is not before
    assert w.selection.branch == "air-strike"


def test_set_scenario_keeps_the_selected_branch(window):
    from explorer.core import load_scenario
    w = window
    w.selection.select_branch("strike-contained")
    sc = load_scenario(w.path)
    sc.branches = [b for b in sc.branches if b.id != "no-photos"]
    w.set_scenario(sc)
    assert w.selection.branch == "strike-contained"
    assert "no-photos" not in w.branch_map.rows
    assert_views_show(w, "strike-contained")
    sc2 = load_scenario(w.path)
    sc2.branches = [b for b in sc2.branches if b.id not in ("strike-contained",)]
    w.set_scenario(sc2)
    assert w.selection.branch == "baseline"


def test_menus_and_undo_stack_are_there(window):
    w = window
    titles = [a.text() for a in w.file_menu.actions()]
    assert any("Open" in t for t in titles) and any("Reload" in t for t in titles)
    assert any("Quit" in t for t in titles)
    assert w.undo_action in w.edit_menu.actions() and w.redo_action in w.edit_menu.actions()
    assert w.undo_stack.count() == 0
    assert w.view_menu.actions() and w.help_menu.actions()
    w.save_layout()
    assert w.settings.value("window/state") is not None


def test_clicking_an_event_mark_on_the_map_selects_it(window, qtbot):
    w = window
    bm = w.branch_map
    tl = w.workspace.timeline("strike-contained")
    f = tl.firing("black_saturday")
    w.selection.select_branch("strike-contained")
    bm.vb.setXRange(f.ordinal - 6, f.ordinal + 6, padding=0)  # zoom in so that marks are apart
    QApplication.processEvents()
    click(qtbot, bm.plot.viewport(), bm.lane_point("strike-contained", f.date))
    assert w.selection.branch == "strike-contained"
    assert w.selection.event == ("black_saturday", 1)
    assert "black_saturday" in bm.tooltip("strike-contained", f.index) or "Black Saturday" in bm.tooltip(
        "strike-contained", f.index)


def test_many_branches_are_computed_lazily_and_labels_never_overlap(make_window, qtbot):
    import datetime as dt

    from explorer.core.model import BASELINE, Branch, Divergence, Effect, EventRule, Scenario, Timing, Variable
    sc = Scenario(id="many", title="Many branches", start=dt.date(1900, 1, 1), end=dt.date(1950, 12, 31))
    sc.variables["x"] = Variable("x", "number", 0, label="X", min=-1000, max=1000)
    for i in range(300):
        d = dt.date(1900 + i // 6, 1 + (i % 12), 1 + (i % 27))
        sc.events.append(EventRule(f"e{i:03d}", title=f"Event {i}", timing=Timing("on", d, d),
                                   effects=[Effect("add", "x", 1)], tags=["t"]))
    sc.branches.append(Branch(BASELINE, None, "Baseline"))
    for b in range(1, 120):
        parent = BASELINE if b < 20 else f"b{(b * 7) % b:03d}" if (b * 7) % b else BASELINE
        on = dt.date(1905 + b % 40, 1 + b % 12, 1)
        sc.branches.append(Branch(f"b{b:03d}", parent, f"Branch number {b} changes the world in {on.year}",
                                  divergences=[Divergence("set", values={"x": b}, on=on)]))
    w = make_window(scenario=sc)
    assert len(w.branch_map.rows) == 120
    assert sum(w.history.computed(b) for b in sc.branch_ids) <= 120
    for fit in (False, True):
        if fit:
            w.branch_map.fit()
        for _ in range(3):
            QApplication.processEvents()
        w.branch_map.plot.viewport().repaint()
        rects = [r for r, _ in w.branch_map.item.label_rects]
        assert rects
        assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    # selecting a branch not computed yet computes it (and its ancestors) on the spot
    last = sc.branch_ids[-1]
    w.outline.setFocus()
    w.selection.select_branch(last)
    assert w.history.computed(last)
    assert w.timeline.model.branch == last


def test_screenshot_command_writes_a_png(tmp_path):
    import os
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    from pathlib import Path
    ROOT = Path(__file__).resolve().parents[2]
    MISSILES = ROOT / "scenarios" / "missile_crisis.yaml"
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "explorer", str(MISSILES), "--screenshot", str(out),
                        "--branch", "strike-contained", "--event", "black_saturday"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1280, 800)
    bad = subprocess.run([sys.executable, "-m", "explorer", str(MISSILES), "--screenshot", str(out),
                          "--branch", "nope"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "no branch 'nope'" in bad.stderr


def test_a_wide_timeline_gives_tags_room_too(window, qtbot):
    """At 1920x1080 the Event column took all the extra width while tags stayed cut at 130 px."""
    from explorer.ui.timeline_view import C_EVENT, C_TAGS, TAGS_MIN
    w, table = window, window.timeline.table
    w.resize(1920, 1080)
    qtbot.waitUntil(lambda: table.viewport().width() > 800, timeout=3000)
    assert table.columnWidth(C_TAGS) > TAGS_MIN + 100 and table.columnWidth(C_EVENT) >= 320
    table.resize(560, table.height())  # a narrow table keeps the titles' width, tags get the rest
    QApplication.processEvents()
    assert table.columnWidth(C_EVENT) >= min(table.needs()[0], table.viewport().width() - 200 - TAGS_MIN)
    assert table.columnWidth(C_TAGS) < TAGS_MIN + 100


def test_a_long_branch_label_is_elided_in_the_status_bar_not_its_count(window):
    """'Roosevelt makes a deal with the Republic · 84 ever': the count was cut at 1920x1080."""
    from PySide6.QtGui import QTextDocument
    w = window
    label = "Roosevelt makes a deal with the Republic and the Red Army rules the streets"
    w.set_branch_status(label, "84 events")
    doc = QTextDocument()
    doc.setDefaultFont(w.status_branch.font())
    doc.setHtml(w.status_branch.text())
    plain = doc.toPlainText()
    assert plain.endswith(" · 84 events") and plain.startswith("Roosevelt makes") and "…" in plain
    assert doc.idealWidth() <= w.status_branch.width()
    assert w.status_branch.toolTip() == label


def test_no_cursor_date_before_a_scenario_is_open(make_window, scenario_file):
    w = make_window()
    edit = w.timeline.cursor_edit
    assert not edit.isEnabled() and edit.text().strip() == ""  # not QDateEdit's 2000-01-01
    assert w.open_path(scenario_file)
    QApplication.processEvents()
    sc = w.workspace.scenario
    assert edit.isEnabled() and edit.text() == (w.selection.cursor or sc.end).isoformat()
    w.selection.set_cursor(sc.start)  # the first day reads as a date, not as the blank
    QApplication.processEvents()
    assert edit.text() == sc.start.isoformat()
