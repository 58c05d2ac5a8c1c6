"""Tests that need a real X window (Xvfb): what the offscreen platform does not do as a desktop does.

Each runs a short script in a child process under ``xvfb-run`` with Qt's xcb platform;
skipped where Xvfb is missing.
"""
import json
import shutil
import struct
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (xvfb-run)")

SCREEN = (1366, 768)

# Stores a crafted saved geometry (Qt 6's layout: magic, version 3.0, frame and normal rectangles as
# left, top, right, bottom, screen, maximized, full screen, screen width, geometry), opens the window
# and reports where it is shown.
RESTORE = textwrap.dedent("""
    import json, struct, sys, tempfile
    from PySide6.QtCore import QByteArray, QEventLoop, QSettings, QTimer
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    from armsim.render.qt_app import make_app
    app = make_app()
    from armsim.gui.main_window import MainWindow
    left, top, right, bottom = json.loads(sys.argv[1])
    rect = struct.pack(">4i", left, top, right, bottom)
    data = struct.pack(">IHH", 0x1D9D0CB, 3, 0) + rect + rect + struct.pack(">iBBi", 0, 0, 0, 1366) + rect
    QSettings().setValue("geometry", QByteArray(data))
    window = MainWindow()
    window.show()
    loop = QEventLoop(); QTimer.singleShot(400, loop.quit); loop.exec()
    g, a = window.frameGeometry(), window.screen().availableGeometry()
    print(json.dumps({"window": [g.x(), g.y(), g.width(), g.height()], "on_screen": a.contains(g)}))
    window.close()
""")


def run_in_x(script: str, *args: str) -> dict:
    screen = f"-screen 0 {SCREEN[0]}x{SCREEN[1]}x24"
    out = subprocess.run(["xvfb-run", "-a", "-s", screen, "env", "QT_QPA_PLATFORM=xcb", sys.executable, "-c",
                          script, *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("rect", [
    (2**31 - 10, 2**31 - 10, 2**31 - 2, 2**31 - 2),      # at the end of the coordinates
    (-2**31 + 1, -2**31 + 1, -2**31 + 50, -2**31 + 50),   # at their start
    (500, 500, -500, -500),                               # turned inside out
    (100_000, 100_000, 100_800, 100_600),                 # far beyond any desktop
], ids=["huge", "negative", "inside-out", "far"])
def test_an_edited_saved_geometry_never_puts_the_window_off_screen(rect):
    """On a real X screen Qt restored these as they were: the window opened at (1356, 758), mostly off a
    1366x768 screen, or at y = -32767, even when moved back before it was shown."""
    shown = run_in_x(RESTORE, json.dumps(rect))
    assert shown["on_screen"], shown


def test_a_geometry_qt_saved_is_restored(qtbot):
    """The check on stored geometry passes what Qt itself writes (or nothing would ever be restored)."""
    from PySide6.QtWidgets import QMainWindow

    from armsim.gui.settings import sane_geometry
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setGeometry(40, 50, 700, 500)
    data = window.saveGeometry().data()
    assert struct.unpack_from(">IHH", data) == (0x1D9D0CB, 3, 0)
    assert sane_geometry(data)
    assert not sane_geometry(data[:20]) and not sane_geometry(b"\0" * len(data))
