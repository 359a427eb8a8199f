"""A guard for a PySide6/Python 3.11 reference-count bug seen with PySide6 6.12.0.

Built for Python >= 3.12, where `None` is immortal, PySide6 6.12.0 returns `None` from every void
method (QPainter.setPen, QRectF.setWidth, ...) without taking a reference. On Python 3.11 each call
drops None's reference count by one; a few thousand painter calls later the interpreter aborts with
"Fatal Python error: none_dealloc" (at exit at the latest: exit status 134). Drawing a report's plots
and pages makes tens of thousands of such calls.

`guard_none_refcount()` detects the leak and, only then, gives None the effectively infinite
reference count it has on 3.12 (PEP 683). It changes nothing on a fixed PySide6 or a newer Python.
"""
from __future__ import annotations

import ctypes
import sys

_done = False


def none_refcount_leaks() -> bool:
    from PySide6.QtCore import QRectF
    r = QRectF()
    before = sys.getrefcount(None)
    for _ in range(64):
        r.setWidth(1.0)
    return sys.getrefcount(None) < before - 32


def guard_none_refcount() -> bool:
    """Make None immortal in practice when PySide6 leaks its references; True if it did."""
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    _done = True
    if not none_refcount_leaks():
        return False
    # ob_refcnt is the first field of every CPython object (non-debug builds)
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
    return True
