"""The one QApplication, configured for armsim: fonts, pyqtgraph options, the GIL switch interval and GC.

The window (:mod:`armsim.gui.app`) and the headless figure and video exports
both draw through this configuration, so a figure rendered with no window looks
like the window's plots.
"""
from __future__ import annotations

import sys

import pyqtgraph as pg
from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtWidgets import QApplication

APP_FONT_PT = 13        # legible on a projector; presentation mode goes larger
_collector: GarbageCollector | None = None


def make_app() -> QApplication:
    """The one QApplication, configured for armsim (safe to call twice)."""
    global _collector
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("armsim")
    app.setOrganizationName("armsim")
    font = app.font()
    font.setPointSize(APP_FONT_PT)
    app.setFont(font)
    # Antialiasing is switched on per curve (the poses, the error curve): on grid lines and axes it
    # only costs paint time, which a fast run cannot spare.
    pg.setConfigOptions(antialias=False, background="w", foreground="k")
    # The solver thread is pure Python: with the default 5 ms switch interval every Python/C++
    # crossing of a repaint may wait 5 ms for the GIL; 1 ms keeps the window smooth.
    sys.setswitchinterval(0.001)
    # Python's cyclic GC runs in whichever thread happens to allocate; if a worker thread collects a
    # cycle holding a widget, Qt deletes that widget off the GUI thread and crashes. pyqtgraph's
    # collector disables automatic GC and collects on a GUI-thread timer instead.
    if _collector is None:
        _collector = GarbageCollector(interval=0.5)
    return app
