"""GUI fixtures: settings in a temporary folder, a window, and a check that no solver thread outlives a test."""
import pytest
from PySide6.QtCore import QSettings

from armsim.render.qt_app import make_app
from armsim.gui.main_window import MainWindow
from armsim.gui.worker import RunController
from armsim.core.params import Params


@pytest.fixture(scope="session")
def qapp(tmp_path_factory):
    """pytest-qt's QApplication, configured as armsim's, with QSettings pointed at a temporary folder."""
    folder = str(tmp_path_factory.mktemp("settings"))
    QSettings.setDefaultFormat(QSettings.IniFormat)
    for scope in (QSettings.UserScope, QSettings.SystemScope):
        QSettings.setPath(QSettings.IniFormat, scope, folder)
    return make_app()


@pytest.fixture(autouse=True)
def no_thread_left_running(request):
    """Fail any test that leaves a solver QThread running (or merely not joined)."""
    yield
    if "qapp" not in request.fixturenames and "qtbot" not in request.fixturenames:
        return
    left = [t for t in RunController.live_threads]
    running = [t for t in left if t.isRunning()]
    for t in left:          # clean up so one failure does not cascade
        t.quit()
        t.wait(2000)
    RunController.live_threads.clear()
    assert not left, f"{len(left)} solver thread(s) left behind, {len(running)} still running"


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
            from armsim.gui.controls import SPEEDS
            window.controls.speed.setValue(SPEEDS.index(speed))
        with qtbot.waitExposed(window):         # a context manager: a plain call returns at once
            window.show()
        return window
    yield make
    for window in windows:
        window.close()
