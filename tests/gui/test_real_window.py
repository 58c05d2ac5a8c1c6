"""Tests that need a real X window (Xvfb): what the offscreen platform does not do as a desktop does.

Each runs a short script in a child process under ``xvfb-run`` with Qt's xcb platform;
skipped where Xvfb is missing.
"""
import json
import math
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


# Follow mode on a real X server: xdotool presses the reach target of a playing run, drags it along a
# path and holds it there, then lets it go; the script reports what the window and the run did.
FOLLOW = textwrap.dedent("""
    import json, math, subprocess, tempfile, threading, time
    import numpy as np
    from PySide6.QtCore import QEventLoop, QPointF, QSettings, QTimer
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    from armsim.render.qt_app import make_app
    app = make_app()
    from armsim import Params
    from armsim.gui.main_window import MainWindow
    from armsim.render.arm_plot import pose_points
    setup = Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.1, epochs=200000, tol=1e-10)
    window = MainWindow(setup)
    window.state.set_speed(100)
    window.show()
    loop = QEventLoop(); QTimer.singleShot(800, loop.quit); loop.exec()
    view = window.arm_view
    def on_screen(x, y):
        p = view.mapToGlobal(view.mapFromScene(view.getPlotItem().vb.mapViewToScene(QPointF(x, y))))
        return p.x(), p.y()
    (x0, x1), (y0, y1) = view.getPlotItem().vb.viewRange()
    goal = (x0 + 0.15 * (x1 - x0), y0 + 0.85 * (y1 - y0))       # up and to the left, on the canvas
    path = [on_screen(1.5 + (goal[0] - 1.5) * k / 10, 1.2 + (goal[1] - 1.2) * k / 10) for k in range(0, 11)]
    states, gaps = [], []
    def end_gap():
        rec = window.record_shown
        if rec is not None and window.state.params.reach is not None:
            x, y = pose_points(rec.angles, setup)
            gaps.append(math.dist((x[-1], y[-1]), window.state.params.reach))
        if not held:                    # until the release: then the run may end, as it should
            states.append(window.state.run_state)
    sampler = QTimer(); sampler.timeout.connect(end_gap)
    results = []
    window.state.resultChanged.connect(lambda r: r is not None and results.append(r))
    def mouse():
        x, y = path[0]
        subprocess.run(["xdotool", "mousemove", str(x), str(y)], check=True)
        time.sleep(0.2)
        subprocess.run(["xdotool", "mousedown", "1"], check=True)
        for x, y in path[1:]:
            time.sleep(0.12)
            subprocess.run(["xdotool", "mousemove", str(x), str(y)], check=True)
        time.sleep(2.0)                          # held there: the arm catches up, the run goes on
        held.append((window.state.run_state, window.state.params.reach))
        subprocess.run(["xdotool", "mouseup", "1"], check=True)
    held = []
    window.run_or_pause()
    sampler.start(50)
    thread = threading.Thread(target=mouse); thread.start()
    deadline = time.monotonic() + 60
    while (thread.is_alive() or not results) and time.monotonic() < deadline:
        app.processEvents(QEventLoop.AllEvents, 50)
    sampler.stop()
    r = results[-1] if results else None
    x, y = pose_points(r.angles[-1], setup) if r else ([0], [0])
    print(json.dumps({"held": held, "states": sorted(set(states)), "gaps": gaps[-5:],
                      "status": r and r.status, "moves": len(r.moves) if r else 0,
                      "final_target": r and r.params_at(-1).reach, "end": [x[-1], y[-1]],
                      "start": r and list(r.params.reach), "first_move": r and r.moves and r.moves[0][0],
                      "epochs": r and r.epochs_run, "goal": goal}))
    window.close()
""")


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="needs xdotool")
def test_the_arm_follows_the_target_dragged_by_a_real_mouse_during_a_run():
    shown = run_in_x(FOLLOW)
    (state, reach), = shown["held"]
    assert state == "running"                          # dragged and held, the run went on
    assert shown["states"] == ["running"]              # never reset, paused or stopped under the mouse
    assert math.dist(reach, shown["goal"]) < 0.05      # the target went where the mouse took it
    assert max(shown["gaps"]) < 1e-3                   # the arm had caught up while it was held
    assert shown["status"] == "converged" and shown["moves"] >= 3
    assert shown["final_target"] == reach and shown["start"] == [1.5, 1.2]
    assert math.dist(shown["end"], reach) < 1e-4
    assert 0 < shown["first_move"] < shown["epochs"]
