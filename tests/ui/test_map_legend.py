"""The branch map's legend says what every mark means at every window size: at 1280x800 the map is
narrow (the outline beside it holds its branch names whole) and "◆ divergence" was cut to a bare diamond."""
from __future__ import annotations

from pathlib import Path

import pytest

TROTSKY = Path(__file__).resolve().parents[2] / "scenarios" / "trotsky_mexico.yaml"


def _reads_whole(label) -> bool:
    if label.wordWrap():
        return label.heightForWidth(label.width()) <= label.height()
    return label.sizeHint().width() <= label.width()


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080), (1024, 700)])
def test_the_map_legend_reads_whole(make_window, qtbot, styled, size):
    w = make_window(TROTSKY)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    from PySide6.QtWidgets import QLabel
    [legend] = [lb for lb in w.branch_map.findChildren(QLabel) if "divergence" in lb.text()]
    qtbot.waitUntil(lambda: legend.width() > 0, timeout=3000)
    qtbot.wait(50)
    assert "divergence" in legend.text()
    assert _reads_whole(legend), (size, legend.width(), legend.height(), legend.sizeHint())
    # a mark and its name on one line: no line of the laid-out legend ends on a mark
    from PySide6.QtGui import QTextDocument
    doc = QTextDocument()
    doc.setDefaultFont(legend.font())
    doc.setHtml(legend.text())
    doc.setTextWidth(legend.width() - 2 * legend.margin())
    doc.size()  # lays it out
    block = doc.begin()
    layout, text = block.layout(), block.text()
    lines = [text[layout.lineAt(i).textStart():layout.lineAt(i).textStart() + layout.lineAt(i).textLength()]
             for i in range(layout.lineCount())]
    assert not any(line.rstrip().endswith(("●", "◆")) for line in lines), lines
