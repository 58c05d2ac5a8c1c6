"""GUI fixtures: settings in a temporary folder, a window, and a check that no worker thread outlives a test."""
import threading

import pytest
from PySide6.QtCore import QSettings

from armsim.core.params import Params
from armsim.gui.jobs import THREAD_PREFIX
from armsim.gui.main_window import MainWindow
from armsim.render.qt_app import make_app


@pytest.fixture(scope="session")
def qapp(tmp_path_factory):
    """pytest-qt's QApplication, configured as armsim's, with QSettings pointed at a temporary folder."""
    folder = str(tmp_path_factory.mktemp("settings"))
    QSettings.setDefaultFormat(QSettings.IniFormat)
    for scope in (QSettings.UserScope, QSettings.SystemScope):
        QSettings.setPath(QSettings.IniFormat, scope, folder)
    return make_app()


@pytest.fixture(autouse=True)
def no_thread_left_running():
    """Fail any test that leaves one of armsim's worker threads (run, sweep, export) alive."""
    yield
    left = [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX) and t.is_alive()]
    for t in left:          # let them end so one failure does not cascade
        t.join(5)
    assert not left, f"worker thread(s) left behind: {', '.join(t.name for t in left)}"


@pytest.fixture(autouse=True)
def fresh_settings(qapp):
    """Each test starts from empty settings: a window closed by one test must not set up the next."""
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture
def make_window(qtbot):
    """Windows held strongly until the test ends, then closed as a user would (closeEvent stops the run)."""
    windows = []

    def make(params=None, speed=None):
        window = MainWindow(params or Params())
        windows.append(window)
        if speed is not None:
            window.state.set_speed(speed)
        with qtbot.waitExposed(window):         # a context manager: a plain call returns at once
            window.show()
        return window
    yield make
    for window in windows:
        window.close()
