"""Direct manipulation on the arm canvas, through real mouse events on its viewport: a joint dragged sets the
start pose, a click places the target, the target is dragged; a run's start pose stays put. Follow mode (the
target moved during a run) is in test_follow.py."""
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from armsim import Params
from armsim.render.arm_plot import pose_points
from tests.helpers import data, pixel, run_to_end, shown_setup


def drag(qtbot, view, start: QPoint, end: QPoint):
    port = view.viewport()
    qtbot.mousePress(port, Qt.LeftButton, pos=start)
    for f in (0.3, 0.6, 1.0):
        qtbot.mouseMove(port, QPoint(round(start.x() + f * (end.x() - start.x())),
                                     round(start.y() + f * (end.y() - start.y()))))
        qtbot.wait(40)
    qtbot.mouseRelease(port, Qt.LeftButton, pos=end)


@pytest.mark.parametrize("relative", [False, True])
def test_a_dragged_joint_follows_the_mouse_and_sets_the_start_pose(qtbot, make_window, relative):
    setup = Params(relative=relative) if relative else Params()
    window = make_window(setup)
    window.resize(1400, 900)
    qtbot.wait(100)
    view = window.arm_view
    x, y = pose_points(np.radians(setup.angles_deg), setup)
    target = pixel(view, x[2] + 0.3, y[2] + 0.6)             # joint 2 (end of link 2) moved up and right
    drag(qtbot, view, pixel(view, x[2], y[2]), target)
    tx, ty = data(view, target)
    p = window.state.params
    nx, ny = pose_points(np.radians(p.angles_deg), p)
    # Link 2 now points from joint 1 toward the mouse; link 1 has not moved.
    assert p.angles_deg[0] == setup.angles_deg[0]
    assert math.isclose(math.atan2(ny[2] - ny[1], nx[2] - nx[1]), math.atan2(ty - y[1], tx - x[1]), abs_tol=1e-6)
    assert shown_setup(window.controls).angles_deg == p.angles_deg        # the controls show the new start
    if relative:        # link 3 keeps its angle to link 2, so it turned with it
        assert p.angles_deg[2] == setup.angles_deg[2]


def test_a_click_on_empty_canvas_places_the_target(qtbot, make_window):
    window = make_window()
    view = window.arm_view
    qtbot.wait(50)
    spot = pixel(view, 1.5, -0.6)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=spot)
    assert math.isclose(window.state.params.target, data(view, spot)[1], abs_tol=1e-9)
    assert view.target_line.value() == window.state.params.goal


def test_the_reach_point_is_dragged(qtbot, make_window):
    window = make_window(Params(reach=(1.5, 1.0)))
    view = window.arm_view
    qtbot.wait(50)
    end = pixel(view, 1.0, 1.8)
    drag(qtbot, view, pixel(view, 1.5, 1.0), end)
    np.testing.assert_allclose(window.state.params.reach, data(view, end), atol=1e-9)
    assert list(view.target_point.getData()[0]) == [window.state.params.reach[0]]


def test_a_joint_dragged_past_its_limit_stops_at_it(qtbot, make_window):
    setup = Params(min_angles_deg=(0.0, -30.0, -30.0), max_angles_deg=(40.0, 30.0, 30.0))
    window = make_window(setup)
    view = window.arm_view
    qtbot.wait(50)
    x, y = pose_points(np.radians(setup.angles_deg), setup)
    drag(qtbot, view, pixel(view, x[1], y[1]), pixel(view, x[0] + 0.2, y[0] + 0.98))     # toward 78 degrees
    assert window.state.params.angles_deg[0] == 40.0


def test_a_joint_pressed_while_a_run_plays_changes_nothing(qtbot, make_window):
    """A run's start pose is its history: only the target moves under the mouse then (follow mode)."""
    setup = Params(epochs=100_000, eta=0.001)
    window = make_window(setup, speed=50)
    view = window.arm_view
    qtbot.wait(50)
    window.actions.run.trigger()
    qtbot.waitUntil(lambda: window.state.run_state == "running")
    before = window.state.params
    x, y = pose_points(np.radians(setup.angles_deg), setup)
    drag(qtbot, view, pixel(view, x[2], y[2]), pixel(view, x[2] + 0.3, y[2] + 0.5))
    assert window.state.params is before and window.state.run_state == "running"
    window.reset()


def test_frame_the_arm_again_after_a_zoom(qtbot, make_window):
    window = make_window()
    view = window.arm_view
    qtbot.wait(50)
    framed = view.getPlotItem().vb.viewRange()
    port = view.viewport()
    centre = QPointF(port.width() / 2, port.height() / 2)
    for _ in range(3):                                   # the wheel turned toward the user: zoom out
        QApplication.sendEvent(port, QWheelEvent(centre, port.mapToGlobal(centre), QPoint(0, 0), QPoint(0, -120),
                                                 Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False))
    assert view.getPlotItem().vb.viewRange() != framed
    window.actions.frame.trigger()
    np.testing.assert_allclose(view.getPlotItem().vb.viewRange(), framed, rtol=1e-9)
    run_to_end(qtbot, window)
