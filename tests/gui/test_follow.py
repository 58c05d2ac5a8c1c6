"""Follow mode in the window: the target moved with the mouse (or typed) while a run plays, and the arm chasing it.

Mouse events go to the arm canvas's viewport as a user's would (qtbot); the real X server's
version, with xdotool, is in test_real_window.py.
"""
import math

import numpy as np
from PySide6.QtCore import QPoint, Qt

from armsim import Params
from armsim.core.run import Run
from armsim.render.arm_plot import pose_points
from tests.helpers import data, finished, pixel

REACH = Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.1, epochs=100_000, tol=1e-10)


def end_point(params: Params, angles) -> tuple[float, float]:
    x, y = pose_points(np.asarray(angles), params)
    return x[-1], y[-1]


def press_drag(qtbot, view, start: QPoint, points, wait=60):
    port = view.viewport()
    qtbot.mousePress(port, Qt.LeftButton, pos=start)
    for p in points:
        qtbot.mouseMove(port, p)
        qtbot.wait(wait)


def test_the_arm_chases_the_dragged_target_and_the_run_goes_on(qtbot, make_window):
    window = make_window(REACH, speed=200)
    window.resize(1400, 900)                # room for the readout's line: the canvas keeps its height
    view, port = window.arm_view, window.arm_view.viewport()
    qtbot.wait(100)
    window.actions.run.trigger()
    qtbot.waitUntil(lambda: window.state.run_state == "running")
    qtbot.wait(150)
    (x0, x1), (y0, y1) = view.getPlotItem().vb.viewRange()
    goal = (x0 + 0.2 * (x1 - x0), y0 + 0.8 * (y1 - y0))            # up and to the left, on the canvas
    path = [pixel(view, 1.5 + (goal[0] - 1.5) * k / 8, 1.2 + (goal[1] - 1.2) * k / 8) for k in range(1, 9)]
    press_drag(qtbot, view, pixel(view, 1.5, 1.2), path)
    held_at = data(view, path[-1])
    assert window.state.run_state == "running"              # moving the target neither stopped nor reset it
    assert window.state.params.reach == held_at
    assert window.controls.reach_x.value == held_at[0]    # the controls show the moved target
    # Held, the run goes on although the arm reaches the target (well within tol 1e-10's distance).
    qtbot.waitUntil(lambda: math.dist(end_point(window.params, window.record_shown.angles), held_at) < 1e-6,
                    timeout=10_000)
    qtbot.wait(100)                                         # and it is still going a few frames later
    assert window.state.run_state == "running" and window.state.result is None
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished) as blocker:
        qtbot.mouseRelease(port, Qt.LeftButton, pos=path[-1])
    result = blocker.args[0]
    assert result.status == "converged"
    assert result.params == REACH                          # the result starts from the setup it ran
    assert len(result.moves) >= 2 and result.moves[-1][1] == held_at
    assert result.params_at(-1).reach == held_at == window.state.params.reach
    assert math.dist(end_point(REACH, result.angles[-1]), held_at) < 1e-4
    # the error curve went on through the moves: one history from epoch 0, each epoch against its own target
    for j in sorted({0, result.moves[0][0] - 1, result.moves[0][0], result.epochs_run}):
        assert result.epoch(j).error == result.errors[j]


def test_a_click_on_empty_canvas_during_a_run_moves_its_target(qtbot, make_window):
    window = make_window(Params(epochs=100_000, eta=0.001), speed=50)
    view = window.arm_view
    qtbot.wait(50)
    window.actions.run.trigger()
    qtbot.waitUntil(lambda: window.state.run_state == "running")
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=pixel(view, 1.5, -0.6))
    aimed = window.state.params.goal
    assert abs(aimed + 0.6) < 0.05 and window.state.run_state == "running"
    assert window.arm_view.target_line.value() == aimed
    qtbot.waitUntil(lambda: window.aimed_shown.goal == aimed)     # the run's frames aim there
    window.runner.pause()
    qtbot.waitUntil(lambda: window.state.run_state == "paused")
    assert window.state.params.angles_deg == (22.0, -20.0, 14.0)


def test_a_typed_target_during_a_run_is_followed_too(qtbot, make_window):
    window = make_window(REACH.with_(epochs=3000), speed=float("inf"))
    window.runner.start(paused=True)
    qtbot.waitUntil(lambda: window.state.run_state == "paused")
    window.state.update(reach=(0.5, -1.0))                  # what the X and Y entries write
    assert window.state.run_state == "paused"
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished) as blocker:
        window.runner.resume()
    result = blocker.args[0]
    assert result.moves == ((1, (0.5, -1.0)),)
    assert math.dist(end_point(REACH, result.angles[-1]), (0.5, -1.0)) < 1e-4


def test_a_paused_run_steps_toward_the_moved_target(qtbot, make_window):
    window = make_window(REACH.with_(epochs=50))
    window.step()
    qtbot.waitUntil(lambda: window.record_shown is not None and window.record_shown.index == 1)
    window.state.update(reach=(-1.0, 0.5))
    window.step()
    qtbot.waitUntil(lambda: window.record_shown.index == 2)
    rec, p = window.record_shown, window.aimed_shown
    assert p.reach == (-1.0, 0.5)
    x, y = end_point(REACH, rec.angles)
    assert math.isclose(rec.error, 0.5 * ((-1.0 - x) ** 2 + (0.5 - y) ** 2), rel_tol=1e-12)
    worked = window.docks.inspector.worked.text()
    assert "target (X, Y) = (-1, 0.5)" in worked, worked         # the chain rule against the moved target


def test_replaying_a_followed_run_shows_each_epoch_with_the_target_it_had(qtbot, make_window):
    window = make_window(REACH.with_(epochs=60))
    window.runner.start(paused=True)
    qtbot.waitUntil(lambda: window.state.run_state == "paused")
    for k, aim in enumerate([(1.0, -1.0), (-1.2, 0.8)]):
        for _ in range(10):
            window.runner.step()
        qtbot.waitUntil(lambda k=k: window.record_shown is not None and window.record_shown.index == 10 * (k + 1))
        window.state.update(reach=aim)
    for _ in range(5):
        window.runner.step()
    qtbot.waitUntil(lambda: window.record_shown.index == 25)
    # paused: the replay rebuilds the run so far, moves included
    expected = Run(REACH.with_(epochs=60))
    expected.advance(10)
    expected.retarget((1.0, -1.0))
    expected.advance(10)
    expected.retarget((-1.2, 0.8))
    expected.advance(5)
    for j in (0, 7, 12, 25):
        window.replay.show_epoch(j)
        x, y = window.arm_view.final_curve.getData()
        ex, ey = pose_points(expected.angles[j], REACH)
        np.testing.assert_array_equal(x, ex)
        np.testing.assert_array_equal(y, ey)
        tx, ty = window.arm_view.target_point.getData()
        assert (tx[0], ty[0]) == expected.params_at(j).reach
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished) as blocker:
        window.runner.resume()
    result = blocker.args[0]
    assert result.moves == ((11, (1.0, -1.0)), (21, (-1.2, 0.8)))
    window.replay.show_epoch(15)
    tx, ty = window.arm_view.target_point.getData()
    assert (tx[0], ty[0]) == (1.0, -1.0)
    window.replay.show_epoch(result.epochs_run)
    tx, ty = window.arm_view.target_point.getData()
    assert (tx[0], ty[0]) == (-1.2, 0.8)
