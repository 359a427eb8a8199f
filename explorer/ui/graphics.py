"""Taking items out of pyqtgraph plots safely.

A pyqtgraph item that is removed and then dropped is usually freed by Python's cyclic collector (its
signals and parents make reference cycles). The collector runs in whichever thread happens to allocate,
and the app has worker threads (branch computation, checks, exports): a C++ graphics item destroyed
there while the GUI thread paints the scene crashed the app (seen as an intermittent segfault in
QGraphicsView::paintEvent). So every removed item is handed to Qt's deleteLater, which destroys it on the GUI thread.
"""
from __future__ import annotations

import shiboken6


def discard(container, item) -> None:
    """Remove `item` from `container` (a PlotItem, ViewBox or GraphicsLayout: whatever has
    `removeItem`) and have it destroyed on the GUI thread."""
    container.removeItem(item)
    destroy(item)


def destroy(item) -> None:
    """Have Qt destroy a graphics object that left its scene, on the GUI thread's next turn of the
    event loop (deleteLater), rather than whenever and on whichever thread the collector gets to it.
    Items that are not QObjects have no such hook and are left to Python."""
    if shiboken6.isValid(item) and hasattr(item, "deleteLater"):
        item.deleteLater()
