"""Colours, fonts and the style sheet shared by every view."""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont

from ..palette import PLOT_BASELINE, PLOT_BRANCH, PLOT_DIVERGENCE, PLOT_PARENT

# event status against the parent branch
SAME, NEW, CHANGED, GONE = "same", "new", "changed", "gone"
STATUS_CODES = {SAME: 0, NEW: 1, CHANGED: 2, GONE: 3}
STATUS_COLORS = {
    SAME: "#8a94a3",     # inherited: grey
    NEW: "#2e9d5b",      # new: green
    CHANGED: "#d98e04",  # changed: amber
    GONE: "#d64545",     # gone: red, struck through
}
# one word per status everywhere (timeline pills, map legend and tooltips, inspector, compare view)
STATUS_LABELS = {SAME: "unchanged", NEW: "new", CHANGED: "changed", GONE: "gone"}
STATUS_GLYPHS = {SAME: "=", NEW: "+", CHANGED: "~", GONE: "−"}

ACCENT = PLOT_BRANCH       # the selected branch
ACCENT_SOFT = "#dce8fb"
PARENT = PLOT_PARENT       # the parent branch in plots
BASELINE = PLOT_BASELINE   # the baseline in plots
LANE = "#b9c1cc"
LANE_PENDING = "#dde2e8"
SAME_DENSE = "#c3cad4"    # inherited marks where they are too many to tell apart  # a branch not computed yet
LANE_PATH = "#6d7f99"     # ancestors of the selected branch
TEXT = "#1f2933"
TEXT_MUTED = "#66707d"
CURSOR = "#e0533d"
DIVERGENCE = PLOT_DIVERGENCE
BACKGROUND = "#ffffff"
PANEL = "#f5f7fa"
GRID = "#e7ebf0"


def qcolor(name: str, alpha: int | None = None) -> QColor:
    c = QColor(name)
    if alpha is not None:
        c.setAlpha(alpha)
    return c


def ui_font(point_size: float | None = None, bold: bool = False) -> QFont:
    f = QFont()
    if point_size:
        f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


STYLE_SHEET = f"""
QMainWindow, QDockWidget {{ background: {PANEL}; }}
QDockWidget {{ titlebar-close-icon: none; font-weight: 600; color: {TEXT}; }}
QDockWidget::title {{ background: {PANEL}; padding: 5px 8px; text-align: left; }}
QTreeView, QTableView, QListView, QTextBrowser, QPlainTextEdit {{
    background: {BACKGROUND}; border: 1px solid #d5dbe3; border-radius: 4px;
    selection-background-color: {ACCENT_SOFT}; selection-color: {TEXT};
    alternate-background-color: #fafbfc;
}}
QTreeView::item, QTableView::item {{ padding: 2px 4px; }}
QTreeView::item:selected, QTableView::item:selected {{ background: {ACCENT_SOFT}; color: {TEXT}; }}
QHeaderView::section {{
    background: {PANEL}; color: {TEXT_MUTED}; border: none; border-bottom: 1px solid #d5dbe3;
    padding: 4px 6px; font-weight: 600;
}}
QLineEdit, QComboBox, QDateEdit {{
    border: 1px solid #c9d1db; border-radius: 4px; padding: 3px 6px; background: white;
    min-height: 18px;
}}
QLineEdit:focus, QComboBox:focus, QDateEdit:focus {{ border-color: {ACCENT}; }}
QToolButton {{ border: 1px solid transparent; border-radius: 4px; padding: 3px 6px; }}
QToolButton:hover {{ background: #e6ecf4; border-color: #d0d8e2; }}
QToolButton:checked {{ background: {ACCENT_SOFT}; border-color: #b9cdf0; }}
QStatusBar {{ background: {PANEL}; color: {TEXT_MUTED}; border-top: 1px solid #dde3ea; }}
QStatusBar QLabel {{ color: {TEXT_MUTED}; padding: 0 6px; }}
QSplitter::handle {{ background: {PANEL}; }}
QLabel#paneTitle {{ font-weight: 600; color: {TEXT}; }}
QLabel#muted {{ color: {TEXT_MUTED}; }}
QTabWidget::pane {{ border: none; }}
QTreeView:focus, QTableView:focus, QTextBrowser:focus, QGraphicsView:focus {{
    border: 2px solid {ACCENT}; border-radius: 4px;
}}
"""
