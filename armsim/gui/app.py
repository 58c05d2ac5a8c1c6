"""QApplication setup and the window's entry point, ``main()``."""
from __future__ import annotations

import sys

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from ..model import Params
from .main_window import MainWindow

APP_FONT_PT = 12        # legible on a projector; presentation mode goes larger


def make_app() -> QApplication:
    """The one QApplication, configured for armsim (safe to call twice)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("armsim")
    app.setOrganizationName("armsim")
    font = app.font()
    font.setPointSize(APP_FONT_PT)
    app.setFont(font)
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    return app


def main(params: Params | None = None, *, run: bool = False, scenario: str | None = None) -> int:
    """Open the window; with ``run`` the run starts at once. Returns the exit status."""
    app = make_app()
    window = MainWindow(params)
    app.aboutToQuit.connect(window.controller.stop)
    window.show()
    if run:
        window.run_or_pause()
    return app.exec()
