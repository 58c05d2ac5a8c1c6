"""The window's entry point, ``main()``: the application, the window, and what the command line asked for."""
from __future__ import annotations

import html
import sys

from armsim.core.params import Params
from armsim.gui import files, settings
from armsim.gui.main_window import MainWindow
from armsim.render.qt_app import make_app


def main(params: Params | None = None, *, run: bool = False, scenario: str | None = None) -> int:
    """Open the window; with ``run`` the run starts at once. Returns the exit status."""
    app = make_app()
    # Before anything reads a setting (last_params, the window's restore, recent files): QSettings would
    # open a FIFO there with a blocking read and never return.
    problem = settings.check_files()
    if problem:
        print(problem, file=sys.stderr)
    window = MainWindow(params if params is not None else settings.last_params())
    if problem:
        window.say(html.escape(problem, quote=False))
    app.aboutToQuit.connect(window.close)           # Ctrl-C or a session ending: stop every thread first
    window.show()
    if scenario is not None:
        files.open_scenario(window, scenario)
    if run:
        window.run_or_pause()
    return app.exec()
