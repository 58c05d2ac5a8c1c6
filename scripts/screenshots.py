"""Regenerate the README's screenshots from a real X window (run under Xvfb):

    xvfb-run -a -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb python scripts/screenshots.py assets

presentation mode's shot alone (a finished run, full screen: the banner, no menu bar or toolbar):

    xvfb-run -a -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb \
        python scripts/screenshots.py assets presentation.png

and the small-screen ones, each a single shot named for its screen:

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \
        python scripts/screenshots.py assets small-1366x768.png
    xvfb-run -a -s "-screen 0 1024x768x24" env QT_QPA_PLATFORM=xcb \
        python scripts/screenshots.py assets small-1024x768.png
    xvfb-run -a -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=2 \
        python scripts/screenshots.py assets small-scale2.png

Each shot drives the real window (menus' own functions, real runs) and grabs the
whole X screen, so what you see is what a user on that screen sees.
"""
from __future__ import annotations

import math
import os
import sys
import tempfile

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from armsim import Params
from armsim.core.lessons import by_name
from armsim.gui.main_window import MainWindow
from armsim.render.qt_app import make_app


def settle(ms: int = 600) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def run_to_end(window: MainWindow) -> None:
    loop = QEventLoop()
    done = lambda result: result is not None and loop.quit()
    window.state.resultChanged.connect(done)
    window.run_or_pause()
    loop.exec()
    window.state.resultChanged.disconnect(done)
    settle()


def shoot(name: str, folder: str) -> None:
    path = os.path.join(folder, name)
    if not QApplication.primaryScreen().grabWindow(0).save(path):
        raise SystemExit(f"could not write {path}")
    print("wrote", path)


def open_window(params: Params) -> tuple[QApplication, MainWindow]:
    QSettings.setDefaultFormat(QSettings.IniFormat)          # never read or write the user's settings
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    app = make_app()
    window = MainWindow(params)
    window.setGeometry(app.primaryScreen().availableGeometry())   # Xvfb has no window manager to maximise
    window.show()
    settle(1000)
    return app, window


def presentation(window: MainWindow, folder: str) -> None:
    """Presentation mode after a run of one of the post's lessons: the banner, the thick lines, the large text."""
    window.load_preset(by_name("-75, -55, 0 with Y0 = 0.7"))
    window.actions.presentation.setChecked(True)
    settle(1000)
    run_to_end(window)
    shoot("presentation.png", folder)
    window.actions.presentation.setChecked(False)


def small_screen(folder: str, name: str) -> None:
    """The window on a small (or scaled) screen after a trip to presentation mode, three epochs stepped."""
    app, window = open_window(Params())
    window.actions.presentation.setChecked(True)
    settle(800)
    window.actions.presentation.setChecked(False)
    window.setGeometry(app.primaryScreen().availableGeometry())
    settle(600)
    for _ in range(3):
        window.step()
        settle(400)
    shoot(name, folder)
    window.close()


def main(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    app, window = open_window(Params())
    window.state.set_speed(math.inf)
    run_to_end(window)
    shoot("window.png", folder)

    window.reset()
    for _ in range(3):
        window.step()
        settle(400)
    shoot("inspector.png", folder)

    presentation(window, folder)

    window.load_preset(by_name("The post's worked example"))
    window.docks.compare_dock.raise_()
    for sweep in (window.compare_view.sweep_etas, window.compare_view.compare_learners):
        loop = QEventLoop()
        window.compare_view.sweepFinished.connect(loop.quit)
        sweep()
        loop.exec()
        window.compare_view.sweepFinished.disconnect(loop.quit)
    settle()
    shoot("compare.png", folder)

    window.set_setup(Params(angles_deg=(60.0, -10.0), eta=0.3, epochs=30))
    window.docks.landscape_dock.raise_()
    run_to_end(window)
    shoot("landscape.png", folder)

    # A point to reach with relative joints and limits (each joint's range drawn), replayed at epoch 12.
    window.set_setup(Params(angles_deg=(60.0, -30.0, -40.0), reach=(1.2, 1.6), relative=True, eta=0.1, epochs=60,
                            min_angles_deg=(-10.0, -90.0, -90.0), max_angles_deg=(100.0, 90.0, 90.0)))
    window.docks.inspector_dock.raise_()
    run_to_end(window)
    window.replay.slider.setValue(12)
    window.setGeometry(app.primaryScreen().availableGeometry())     # the taller controls moved it
    settle()
    shoot("reach.png", folder)

    follow(window, folder)
    race(window, folder)
    overshoot(window, folder)
    tour(window, folder)
    # the Learn from examples tab: legs, wave, legs3 (scripts/ is on the path when this file runs)
    from shot_examples import examples
    examples(window, folder)
    window.close()
    basin_maps(folder)
    app.quit()


def overshoot(window: MainWindow, folder: str) -> None:
    """The signed residual of an overshooting run, eta lowered mid-run (marked on the error curve)."""
    window.set_setup(Params(eta=0.65, epochs=40))
    window.docks.inspector_dock.raise_()
    window.actions.residual.setChecked(True)
    for _ in range(12):
        window.step()
        settle(150)
    window.state.update(eta=0.25)
    window.state.set_speed(math.inf)
    run_to_end(window)
    shoot("overshoot.png", folder)
    window.actions.residual.setChecked(False)


def tour(window: MainWindow, folder: str) -> None:
    """The guided tour open at its divergence step, after the class pushed eta past eta_crit and ran."""
    window.actions.tour.trigger()
    panel = window.tour_panel
    k = next(i for i, step in enumerate(panel.tour.steps) if step.title == "Divergence")
    panel.go(k)
    settle()
    run_to_end(window)
    shoot("tour.png", folder)
    window.tour_panel.dock.hide()


def race(window: MainWindow, folder: str) -> None:
    """Every learner from one start toward one point, overlaid, with the race's table."""
    window.set_setup(Params(angles_deg=(30.0, 60.0, 60.0), reach=(-1.2, 1.6), relative=True, eta=0.1,
                            epochs=200, tol=1e-12))
    window.docks.compare_dock.raise_()
    view = window.compare_view
    view.clear()
    loop = QEventLoop()
    view.sweepFinished.connect(loop.quit)
    view.compare_learners()
    loop.exec()
    view.sweepFinished.disconnect(loop.quit)
    settle()
    shoot("race.png", folder)


def basin_maps(folder: str) -> None:
    """Basin maps of gradient descent, momentum (beta 0.5) and damped least squares at one eta (0.3)."""
    from armsim.core.basin import basin_map
    from armsim.render.map_figure import export_map
    setup = Params(angles_deg=(30.0, 60.0, 60.0), reach=(-1.2, 1.6), relative=True, eta=0.3, epochs=300, tol=1e-8,
                   momentum=0.5)
    for learner in ("gradient", "momentum", "lm"):
        p = setup.with_(learner=learner)
        b = basin_map(p, 0, 1, 200)
        path = os.path.join(folder, f"basin-{learner}.png")
        export_map(p, "basin", {"w_i": b.w_i, "w_j": b.w_j, "epochs": b.epochs}, (0, 1), path, size=(900, 760))
        print("wrote", path)


def follow(window: MainWindow, folder: str) -> None:
    """Follow mode: the target moved around a circle while a run plays (as a mouse drags it), the arm chasing."""
    window.set_setup(Params(angles_deg=(30.0, -10.0, 50.0), lengths=(1.2, 1.0, 0.8), reach=(2.0, 1.0), eta=0.08,
                            epochs=100_000, tol=1e-9))
    window.state.set_speed(40)
    window.run_or_pause()
    window.runner.hold(True)                    # as a mouse holding the target does: the run goes on
    for k in range(1, 56):
        a = 0.46 + 0.05 * k
        window.state.update(reach=(round(2.2 * math.cos(a), 3), round(2.2 * math.sin(a), 3)))
        settle(70)
    shoot("follow.png", folder)
    window.reset()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "presentation.png":
        os.makedirs(sys.argv[1], exist_ok=True)
        _app, only = open_window(Params())
        only.state.set_speed(math.inf)
        presentation(only, sys.argv[1])
        only.close()
    elif len(sys.argv) > 2:
        small_screen(sys.argv[1], sys.argv[2])
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "assets")
