"""QApplication setup and the window's entry point, ``main()``."""
from __future__ import annotations

import sys

import pyqtgraph as pg
from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtWidgets import QApplication

from ..model import Params
from . import files, settings
from .main_window import MainWindow

APP_FONT_PT = 13        # legible on a projector; presentation mode goes larger


def make_app() -> QApplication:
    """The one QApplication, configured for armsim (safe to call twice)."""
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
    # Python's cyclic GC runs in whichever thread happens to allocate; if the solver thread collects a
    # cycle holding a widget, Qt deletes that widget off the GUI thread and crashes. pyqtgraph's
    # collector disables automatic GC and collects on a GUI-thread timer instead.
    if not hasattr(app, "_armsim_gc"):
        app._armsim_gc = GarbageCollector(interval=0.5)
    return app


def main(params: Params | None = None, *, run: bool = False, scenario: str | None = None) -> int:
    """Open the window; with ``run`` the run starts at once. Returns the exit status."""
    app = make_app()
    window = MainWindow(params if params is not None else settings.last_params())
    app.aboutToQuit.connect(window.controller.stop)
    window.show()
    if scenario is not None:
        files.open_scenario(window, scenario)
    if run:
        window.run_or_pause()
    return app.exec()
