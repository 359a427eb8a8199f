"""What the window says must be true of the branch shown (looked at as a user at 1280x800):
- the toolbar's "Compare with" box read "its parent" with the root selected, which has none; it now
  names the parent ("its parent: Trotsky survives 1940"), or says the root has none;
- the World pane's legend wrapped between a line's swatch and its branch's name (the swatch alone at
  the end of the first line, "Trotsky survives 1940" on the next, looking like a line of its own)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def test_compare_box_names_the_parent_or_says_there_is_none(make_window, qtbot):
    w = make_window(TROTSKY)
    box = w.compare_box
    assert w.selection.branch == "baseline"
    assert box.currentText() == "its parent: none (the root)"
    w.outline.setFocus()
    QTest.keyClick(w.outline, Qt.Key_Down)  # Trotsky dies in 1940
    qtbot.waitUntil(lambda: w.selection.branch == "trotsky-dies-1940", timeout=3000)
    assert box.currentText() == "its parent: Trotsky survives 1940"
    QTest.keyClick(w.outline, Qt.Key_Down)  # Washington backs Ponce, a child of Trotsky dies in 1940
    qtbot.waitUntil(lambda: w.selection.branch == "dies-1940-us-backs-ponce", timeout=3000)
    assert box.currentText() == "its parent: Trotsky dies in 1940"
    # a compared branch shows by name, and choosing the first item again compares with the parent
    w.selection.set_compare("us-invades-1942")
    assert box.currentText() == "The US invades in 1942"
    w.selection.set_compare(None)
    assert box.currentText() == "its parent: Trotsky dies in 1940"


def test_world_legend_keeps_each_swatch_with_its_name(make_window, qtbot):
    w = make_window(TROTSKY)
    w.world_dock.raise_()
    qtbot.waitUntil(lambda: w.world.isVisible(), timeout=3000)
    w.selection.select_branch("cardenas-keeps-army-1942")
    w.selection.set_compare("us-invades-1942")
    qtbot.waitUntil(lambda: "US invades" in w.world.legend.text(), timeout=5000)
    lg = w.world.legend
    for width in (lg.width(), 300, 240, 200):
        doc = QTextDocument()
        doc.setDefaultFont(lg.font())
        doc.setHtml(lg.text())
        doc.setTextWidth(width)
        doc.documentLayout()  # laid out
        text = doc.toPlainText()
        block = doc.begin()
        layout = block.layout()
        for i, ch in enumerate(text):
            if ch in "━┅│":  # a swatch: the next word starts on its line
                j = i + 2
                assert layout.lineForTextPosition(i).lineNumber() == layout.lineForTextPosition(j).lineNumber(), \
                    (width, text[i:i + 30])


def test_side_by_side_headers_fit_in_the_bold_they_are_drawn_in(make_window, qtbot):
    """At 1280x800, Cárdenas keeps the army loyal against The US invades in 1942: the right header read
    "The US invades in 19", clipped: it was elided to fit in the header's regular font, and the style
    sheet draws headers semi-bold (font-weight 600), which is wider."""
    from PySide6.QtGui import QFont, QFontMetrics
    w = make_window(TROTSKY)
    w.selection.select_branch("cardenas-keeps-army-1942")
    w.outline.setFocus()
    w.selection.set_compare("us-invades-1942")
    w.compare_dock.raise_()
    cv = w.compare_view
    hh = cv.table.horizontalHeader()
    qtbot.waitUntil(lambda: cv.model.right_label == "The US invades in 1942", timeout=5000)
    qtbot.wait(50)
    bold = QFont(hh.font())
    bold.setWeight(QFont.DemiBold)
    fm = QFontMetrics(bold)
    for c in (1, 3):
        shown = cv.model.headerData(c, Qt.Horizontal, Qt.DisplayRole)
        assert fm.horizontalAdvance(shown) <= hh.sectionSize(c) - 12, (c, shown, hh.sectionSize(c))


def test_why_not_says_what_a_number_needed_to_be(make_window, qtbot):
    """A historian clicks "The young officers defect", gone in "Cárdenas keeps the army loyal": Why not?
    said only "Army loyalty to the government in power was 80, set by ...": true, but not why that
    stopped it. It now says what the rule needed (`army.loyalty <= 65`) in words."""
    from PySide6.QtCore import QPoint
    w = make_window(TROTSKY)
    w.selection.select_branch("cardenas-keeps-army-1942")
    tv = w.timeline.table
    m = w.timeline.model
    qtbot.waitUntil(lambda: any(r.status == "gone" for r in m.rows), timeout=5000)
    r = next(i for i, row in enumerate(m.rows) if row.key[0] == "army_defection")
    tv.scrollTo(m.index(r, 0))
    rect = tv.visualRect(m.index(r, 2))
    QTest.mouseClick(tv.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(rect.center().x(), rect.center().y()))
    qtbot.waitUntil(lambda: w.selection.event is not None and w.selection.event[0] == "army_defection",
                    timeout=3000)
    text = w.inspector.browser.toPlainText()
    assert "Why not?" in text
    assert "needed Army loyalty to the government in power at most 65; it was 80, set by" in text, text
    assert "<=" not in text


def _click_event_row(w, qtbot, branch, event):
    """A real click on `event`'s row in `branch`'s timeline."""
    from PySide6.QtCore import QPoint
    w.selection.select_branch(branch)
    tv, m = w.timeline.table, w.timeline.model
    qtbot.waitUntil(lambda: m.row_of((event, 1)) >= 0, timeout=5000)
    idx = m.index(m.row_of((event, 1)), 2)
    tv.scrollTo(idx)
    c = tv.visualRect(idx).center()
    QTest.mouseClick(tv.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(c.x(), c.y()))


def test_what_if_at_a_gone_event_forces_that_event(make_window, qtbot):
    """A novelist at "The young officers defect", gone in "Cárdenas keeps the army loyal", asks What if…
    > …a latent event were forced here: the form offered "Mercader kills Trotsky" (the first latent
    event of the file), not the event the reader stood on, which is what did not happen here."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMenu
    w = make_window(TROTSKY)
    auth = w.authoring
    _click_event_row(w, qtbot, "cardenas-keeps-army-1942", "army_defection")
    assert w.selection.event == ("army_defection", 1)

    def choose():
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose)
            return
        action = next(a for a in menu.actions() if a.objectName() == "whatIf_force")
        QTest.mouseClick(menu, Qt.LeftButton, Qt.NoModifier, menu.actionGeometry(action).center())
    QTimer.singleShot(20, choose)
    QTest.mouseClick(auth.what_if_button, Qt.LeftButton)  # the inspector's bar
    qtbot.waitUntil(lambda: auth.dialog is not None and auth.dialog.isVisible(), timeout=3000)
    dlg = auth.dialog
    assert dlg.body.event.currentData() == "army_defection"
    assert dlg.body.use_date.isChecked() and dlg.body.date.date().toString("yyyy-MM-dd") == "1942-06-10"
    assert "young officers" in dlg.label_edit.text().lower()
    dlg.close()


def test_export_dialog_shows_every_branch_whole_at_1920(make_window, qtbot, styled):
    """File > Export Report… at 1920x1080 opened at 760x520: the 18 branches in a list that scrolled,
    "Washington backs Ponce in Guatem…" cut, on a screen with room to spare. The dialog now takes the
    room its lists need, within the window."""
    from PySide6.QtWidgets import QApplication
    from explorer.ui.export_dialog import ExportReportDialog
    w = make_window(TROTSKY)
    w.resize(1920, 1080)
    qtbot.wait(50)
    w.activateWindow()
    QTest.keyClick(w, Qt.Key_E, Qt.ControlModifier)
    qtbot.waitUntil(lambda: any(isinstance(d, ExportReportDialog) and d.isVisible()
                                for d in QApplication.topLevelWidgets()), timeout=3000)
    d = next(d for d in QApplication.topLevelWidgets() if isinstance(d, ExportReportDialog) and d.isVisible())
    qtbot.wait(50)
    tree = d.branch_tree
    assert tree.verticalScrollBar().maximum() == 0, ("every branch in view", d.size(), tree.size(), tree.verticalScrollBar().maximum())
    fm = tree.fontMetrics()
    for item in d.branch_items.values():
        rect = tree.visualItemRect(item)
        assert rect.right() <= tree.viewport().width()
        # the check box and the text: the column holds the whole name
        assert rect.width() - 24 >= fm.horizontalAdvance(item.text(0)), (item.text(0), rect, d.size())
    # and the variables beside them: "US anti-revolutionary vigilance in the hemisphere" was 23 px too
    # long for its list, which scrolled sideways at every window size
    vl = d.var_list
    assert vl.horizontalScrollBar().maximum() == 0, (vl.viewport().width(), d.size())
    for i in range(vl.count()):
        rect = vl.visualItemRect(vl.item(i))
        assert rect.right() <= vl.viewport().width() and rect.width() - 24 >= fm.horizontalAdvance(vl.item(i).text())
    assert d.width() <= w.width() and d.height() <= w.height()
    d.close()


def test_rule_form_shows_its_effects_without_scrolling_sideways(make_window, qtbot, styled):
    """Edit Event Rule on "The revolution crushed" at 1280x800: the form was wider than its 680 px
    dialog, so the effects' values (what the rule does) were hidden to the right of a sideways scroll
    bar, and the text box cut mid-word. The dialog now opens as wide as its form, within the window."""
    from PySide6.QtWidgets import QScrollArea
    w = make_window(TROTSKY)
    _click_event_row(w, qtbot, "cardenas-keeps-army-1942", "revolution_crushed")
    auth = w.authoring
    QTest.mouseClick(auth.rule_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: auth.dialog is not None and auth.dialog.isVisible(), timeout=3000)
    dlg = auth.dialog
    qtbot.wait(50)
    scroll = dlg.findChild(QScrollArea)
    assert scroll.horizontalScrollBar().maximum() == 0, (dlg.width(), scroll.widget().minimumSizeHint().width())
    assert dlg.width() <= w.width()
    dlg.close()


def test_the_cursor_follows_an_edited_event_to_its_new_date(make_window, qtbot):
    """A game designer edits "The revolution crushed" (10w -> 14w after the revolution): the event moved
    to 1942-08-30 and stayed selected, but the cursor stayed on 1942-08-02, so the watch list and the
    world table showed the world before the event the inspector was describing. Undo brings both back."""
    import datetime as dt

    w = make_window(TROTSKY)
    _click_event_row(w, qtbot, "cardenas-keeps-army-1942", "revolution_crushed")
    assert w.selection.cursor == dt.date(1942, 8, 2)
    auth = w.authoring
    QTest.mouseClick(auth.rule_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: auth.dialog is not None and auth.dialog.isVisible(), timeout=3000)
    dlg = auth.dialog
    dlg.delay.setFocus()
    dlg.delay.selectAll()
    QTest.keyClicks(dlg.delay, "14w")
    qtbot.waitUntil(lambda: dlg.save_button.isEnabled(), timeout=3000)
    QTest.mouseClick(dlg.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: w.workspace.timeline("cardenas-keeps-army-1942").firing("revolution_crushed").date
                    == dt.date(1942, 8, 30), timeout=5000)
    assert w.selection.event == ("revolution_crushed", 1)
    assert w.selection.cursor == dt.date(1942, 8, 30)
    w.undo_stack.undo()
    assert w.selection.cursor == dt.date(1942, 8, 2)



def _pick_trotsky_captured(dlg, qtbot):
    """In the Rule form's "after another event" box, type a title and take it from the completer, as a
    user does; returns the box."""
    box = dlg.after_event
    box.setFocus()
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), "Trotsky captured")
    found = box.completer().popup()
    qtbot.waitUntil(found.isVisible, timeout=3000)
    QTest.keyClick(found, Qt.Key_Down)
    QTest.keyClick(found, Qt.Key_Return)
    return box

def test_new_rule_form_opens_as_wide_as_its_fields_and_fits_after_another_event(make_window, qtbot, styled):
    """Edit > New Event Rule… at 1920x1080 opened a 1173 px dialog of mostly blank fields: its width
    was measured while the Timing row still counted the hidden "after another event" fields (the
    event box alone 528 px wide, the longest "title  (id)" of 193). It opens at the form's width now,
    and choosing "after another event" with the keyboard fits the row without a sideways scroll bar."""
    from PySide6.QtWidgets import QScrollArea
    w = make_window(TROTSKY)
    w.resize(1920, 1080)
    qtbot.waitUntil(lambda: w.width() == 1920, timeout=3000)
    auth = w.authoring
    auth.new_rule_action.trigger()
    qtbot.waitUntil(lambda: auth.dialog is not None and auth.dialog.isVisible(), timeout=3000)
    dlg = auth.dialog
    scroll = dlg.findChild(QScrollArea)
    assert dlg.width() <= 900, (dlg.width(), scroll.widget().minimumSizeHint().width())
    dlg.timing.setFocus()
    QTest.keyClicks(dlg.timing, "aft")  # "after another event"
    qtbot.waitUntil(lambda: dlg.timing.currentData() == "after", timeout=3000)
    qtbot.waitUntil(lambda: dlg.after_event.isVisible(), timeout=3000)
    qtbot.wait(50)
    assert scroll.horizontalScrollBar().maximum() == 0, (dlg.width(), scroll.widget().minimumSizeHint().width())
    assert dlg.after_event.width() >= 200  # the event's title still reads
    # the row's fields read: the delay's and the wait's hints whole, and the event chosen from its
    # title on (its box showed the end of "Trotsky captured  (trotsky_captured_in_guatemala)": the id)
    for edit in (dlg.delay, dlg.within):
        assert edit.width() - 12 >= edit.fontMetrics().horizontalAdvance(edit.placeholderText()), edit.width()
    box = _pick_trotsky_captured(dlg, qtbot)
    qtbot.waitUntil(lambda: box.currentData() == "trotsky_captured_in_guatemala", timeout=3000)
    dlg.delay.setFocus()  # leaving the box
    QApplication.processEvents()
    assert box.lineEdit().text().startswith("Trotsky captured")
    assert box.lineEdit().cursorPosition() == 0  # shown from its start
    assert dlg.width() <= w.width()
    dlg.close()


def test_a_new_rule_saved_opens_at_its_event(make_window, qtbot, styled):
    """A designer adds a rule with the form and Saves: the window stayed on what it showed before, the
    new event somewhere in the timeline ("119 events · 11 new" the only sign). It opens at the new
    event: its row current, the cursor on its date, the inspector saying why it happened; a rule that
    does not happen in the branch opens at its why-not."""
    w = make_window(TROTSKY)
    w.selection.select_branch("trotsky-flees-1950")
    auth = w.authoring

    def new_rule(title: str, when: str):
        auth.new_rule_action.trigger()
        qtbot.waitUntil(lambda: auth.dialog is not None and auth.dialog.isVisible(), timeout=3000)
        dlg = auth.dialog
        QTest.keyClicks(dlg.title_edit, title)
        dlg.timing.setFocus()
        QTest.keyClicks(dlg.timing, "aft")
        qtbot.waitUntil(lambda: dlg.after_event.isVisible(), timeout=3000)
        _pick_trotsky_captured(dlg, qtbot)
        QTest.keyClicks(dlg.delay, "90d")
        QTest.keyClicks(dlg.when.edit, when)
        qtbot.waitUntil(dlg.ok_button.isEnabled, timeout=3000)
        rid = dlg.id_edit.text()
        QTest.mouseClick(dlg.ok_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: w.workspace.scenario.event(rid) is not None, timeout=5000)
        QApplication.processEvents()
        return rid

    rid = new_rule("Trotsky writes his memoirs in prison", "trotsky.alive")
    assert w.selection.branch == "trotsky-flees-1950"
    assert w.selection.event == (rid, 1)
    f = w.workspace.timeline("trotsky-flees-1950").firing(rid)
    assert f is not None and w.selection.cursor == f.date
    t, m = w.timeline.table, w.timeline.model
    assert m.visible[t.currentIndex().row()].key == (rid, 1)
    text = w.inspector.browser.toPlainText()
    assert text.startswith("Trotsky writes his memoirs in prison") and "Why?" in text
    rid = new_rule("Trotsky is freed by his guards", "not trotsky.alive")  # he is alive: it cannot happen
    assert w.selection.event == (rid, 1)
    text = w.inspector.browser.toPlainText()
    assert text.startswith("Trotsky is freed by his guards") and "Why not?" in text
