"""The window driven as a user would: Run, Pause, Step, Reset, live eta, shape changes."""
import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from armsim import Params, iter_epochs, solve
from armsim.render.arm_plot import pose_points
from tests.helpers import click, curve, finished, run_to_end, type_into

FAST = math.inf


def test_green_final_pose_equals_the_core_result(qtbot, make_window):
    params = Params(angles_deg=(10, 15, 10), lengths=(1.0, 0.5, 1.5), base=0.2, target=-0.3, eta=0.1, epochs=40)
    window = make_window(params, speed=FAST)
    result = run_to_end(qtbot, window)
    expected = solve(params)
    assert result.status == expected.status and np.array_equal(result.errors, expected.errors)
    x, y = curve(window.arm_view.final_curve)
    ex, ey = pose_points(expected.angles[-1], params)
    assert np.array_equal(x, ex) and np.array_equal(y, ey)
    sx, sy = curve(window.arm_view.start_curve)
    assert np.array_equal(sy, pose_points(np.radians(params.angles_deg), params)[1])
    ecx, ecy = curve(window.error_plot.curve)
    assert np.array_equal(ecy, expected.errors) and len(ecx) == expected.epochs_run + 1


def test_canvas_pixels_show_red_start_and_green_final(qtbot, make_window):
    window = make_window(Params(), speed=FAST)
    run_to_end(qtbot, window)
    view = window.arm_view
    image = view.grab().toImage()
    vb = view.getPlotItem().vb

    def colour_near(x, y):
        p = view.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
        return [QColor(image.pixel(p.x() + dx, p.y() + dy)) for dx in range(-2, 3) for dy in range(-2, 3)]

    fx, fy = curve(view.final_curve)
    sx, sy = curve(view.start_curve)
    assert any(c.green() > 120 and c.red() < 100 and c.blue() < 100 for c in colour_near(fx[2], fy[2]))
    assert any(c.red() > 180 and c.green() < 100 and c.blue() < 100 for c in colour_near(sx[2], sy[2]))


def test_step_advances_exactly_one_epoch_and_matches_the_core(qtbot, make_window):
    window = make_window(Params())
    records = list(iter_epochs(Params()))
    frames = []
    window.runner.frame.connect(frames.append)
    for j in (1, 2, 3):
        click(qtbot, window, window.actions.step)
        qtbot.waitUntil(lambda j=j: window.epoch_shown == j, timeout=5000)
        assert frames[-1].last.index == j
        assert np.array_equal(frames[-1].last.angles, records[j].angles)
        qtbot.wait(150)                     # no further epoch arrives while paused
        assert window.epoch_shown == j and window.error_plot.count == j + 1
    assert window.state.run_state == "paused"


def test_pause_holds_and_resume_continues_to_the_same_end(qtbot, make_window):
    params = Params(epochs=60)
    window = make_window(params, speed=50)
    click(qtbot, window, window.actions.run)
    qtbot.waitUntil(lambda: window.epoch_shown >= 5, timeout=5000)
    click(qtbot, window, window.actions.pause)
    assert window.state.run_state == "paused"
    qtbot.wait(100)
    held = window.epoch_shown
    qtbot.wait(300)
    assert window.epoch_shown == held < 60
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished) as blocker:
        click(qtbot, window, window.actions.pause)              # Resume
    assert np.array_equal(blocker.args[0].errors, solve(params).errors)


def test_reset_restores_the_start(qtbot, make_window):
    window = make_window(Params(), speed=FAST)
    run_to_end(qtbot, window)
    click(qtbot, window, window.actions.reset)
    assert curve(window.arm_view.final_curve)[0].size == 0
    assert window.error_plot.count == 0 and window.state.result is None and window.state.run_state == "idle"
    assert np.array_equal(curve(window.arm_view.start_curve)[1], pose_points(np.radians((22, -20, 14)), Params())[1])


def test_raising_eta_mid_run_takes_effect_and_shows_divergence(qtbot, make_window):
    window = make_window(Params(epochs=2000), speed=50)
    click(qtbot, window, window.actions.run)
    qtbot.waitUntil(lambda: window.epoch_shown >= 3, timeout=5000)
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished) as blocker:
        type_into(qtbot, window.controls.eta_entry, "50")
    result = blocker.args[0]
    assert result.status == "diverged" and result.etas[-1] == 50.0 and result.etas[0] == 0.075
    assert "diverged" in window.readout.text()
    for item in (window.arm_view.final_curve, window.error_plot.curve):
        x, y = curve(item)
        assert np.isfinite(x).all() and np.isfinite(y).all()


def test_changing_the_arm_during_a_run_stops_and_resets(qtbot, make_window):
    window = make_window(Params(epochs=100_000), speed=100)
    click(qtbot, window, window.actions.run)
    qtbot.waitUntil(lambda: window.epoch_shown >= 2, timeout=5000)
    window.controls.rows[0].slider.setValue(450)
    qtbot.waitUntil(lambda: window.state.run_state == "idle", timeout=3000)    # the slider's drag is throttled
    assert window.state.run_state == "idle" and window.state.result is None
    assert window.params.angles_deg[0] == 45.0
    assert curve(window.arm_view.final_curve)[0].size == 0
    assert curve(window.arm_view.start_curve)[1][1] == pytest.approx(math.sin(math.radians(45)))


def test_moving_a_start_angle_while_idle_redraws_the_red_pose(qtbot, make_window):
    window = make_window(Params())
    type_into(qtbot, window.controls.rows[1].angle, "-60")
    y = curve(window.arm_view.start_curve)[1]
    assert y[2] == pytest.approx(math.sin(math.radians(22)) + math.sin(math.radians(-60)))


def test_garbage_eta_is_refused_with_a_message(qtbot, make_window):
    window = make_window(Params())
    entry, problem = window.controls.eta_entry, window.controls.problem
    for text in ("abc", "-1", "0", "nan", "inf", "1e400"):
        type_into(qtbot, entry, text)
        assert window.state.eta == 0.075 and entry.text() == text          # refused, and kept as typed
        assert problem.isVisibleTo(window.controls) and "eta" in problem.text()
    type_into(qtbot, entry, "2e-3")
    assert window.state.eta == 0.002 and not problem.isVisibleTo(window.controls)
    assert window.controls.eta_entry.text() == "0.002"


def test_log_scale_shows_a_run_that_reaches_zero_error(qtbot, make_window):
    window = make_window(Params(angles_deg=(0.0, 0.0), epochs=5), speed=FAST)   # error is exactly 0 throughout
    window.actions.log.setChecked(True)
    run_to_end(qtbot, window)
    assert np.isfinite(curve(window.error_plot.curve)[1]).all()


def test_hover_readout_names_epoch_and_error(qtbot, make_window):
    window = make_window(Params(), speed=FAST)
    run_to_end(qtbot, window)
    plot = window.error_plot
    scene_pos = plot.getPlotItem().vb.mapViewToScene(QPointF(5, plot.errors[5]))
    plot._hover(scene_pos)
    assert plot.readout.toPlainText() == f"epoch 5\nE = {plot.errors[5]:.6g}"


def test_small_errors_are_printed_unscaled_on_the_axis(qtbot, make_window):
    """pyqtgraph would show an error of 0.037 as 37 with no unit prefix; armsim keeps plain numbers."""
    window = make_window(Params(), speed=FAST)
    run_to_end(qtbot, window)
    window.actions.presentation.setChecked(True)          # re-applying the theme must not bring it back
    window.actions.presentation.setChecked(False)
    for view in (window.error_plot, window.arm_view):
        axis = view.getPlotItem().getAxis("left")
        # the scale pyqtgraph applies when it draws tick labels (AxisItem.generateDrawSpecs)
        assert axis.tickStrings([0.03], axis.autoSIPrefixScale * axis.scale, 0.01) == ["0.03"]


def test_current_epoch_marker_sits_on_the_curve_in_log_scale(qtbot, make_window):
    window = make_window(Params(), speed=FAST)
    run_to_end(qtbot, window)
    window.actions.log.setChecked(True)
    plot = window.error_plot
    mx, my = plot.marker.getData()
    assert mx[0] == 20 and my[0] == pytest.approx(np.log10(plot.errors[20]))
    view = plot.getPlotItem().vb
    qtbot.waitUntil(lambda: view.viewRange()[1][0] <= my[0] <= view.viewRange()[1][1], timeout=3000)  # on screen
    window.actions.log.setChecked(False)
    assert plot.marker.getData()[1][0] == plot.errors[20]


def test_a_falling_error_leaves_the_linear_axis_still_and_a_rising_one_grows_it(qtbot, make_window):
    """A moving axis repaints and lays out the plot every frame; a linear error axis runs from 0 to
    the start error for a converging run, and grows with room to spare only when the error climbs past it."""
    window = make_window(Params(epochs=100))
    plot = window.error_plot
    box = plot.getPlotItem().vb
    errors = solve(Params(epochs=100)).errors
    plot.reset(100)
    tops = []
    for first in range(0, 100, 10):                      # frames of a converging run, as the worker sends them
        plot.store(first, errors[first:first + 10])
        plot.redraw()
        tops.append(box.targetRange()[1][1])
    assert len(set(tops)) == 1 and errors[0] <= tops[0] <= 1.1 * errors[0]
    plot.store(100, np.array([3 * errors[0]]))           # then the error shoots up (a teacher raised eta)
    plot.redraw()
    assert box.targetRange()[1][1] >= 1.25 * 3 * errors[0]
    assert box.targetRange()[1][0] <= 0.0
    plot.set_log(True)                                   # a log axis follows the data (pyqtgraph's auto range)
    assert box.autoRangeEnabled()[1]


def legend_and_data(view):
    """The legend's and the data area's rectangles on screen."""
    legend, box = view.getPlotItem().legend, view.getPlotItem().vb
    return legend.mapRectToScene(legend.boundingRect()), box.sceneBoundingRect()


@pytest.mark.parametrize("size", [(1600, 900), (1366, 768), (960, 540)])
def test_the_legend_never_covers_the_data_and_survives_presentation_mode(qtbot, make_window, size):
    """Inside the canvas the legend covered the arm at 1366x768 and at scale 2, and after presentation
    mode its placement broke. It is a row above the data: shown when it fits, hidden (not squeezed over
    the arm) when the canvas is too small."""
    window = make_window(Params(angles_deg=(-75.0, -55.0, 0.0), base=0.7))     # a pose along the bottom right
    window.resize(*size)
    view = window.arm_view
    restore = lambda: window.resize(*size)          # noqa: E731 (the offscreen screen is 800x800: leaving
    presentation = window.actions.presentation.toggle   # full screen restores a window clamped to it)
    for step in (restore, presentation, presentation, restore, presentation, presentation, restore):
        step()
        qtbot.wait(50)
        legend, data = legend_and_data(view)
        if view.getPlotItem().legend.isVisible():
            assert legend.height() > 0 and legend.bottom() <= data.top() + 1          # above, not over
            assert legend.height() <= 0.2 * view.height()
        else:
            assert view.getPlotItem().layout.rowMaximumHeight(0) == 0                   # and takes no room
        if size[0] >= 1366 and step is restore:
            assert view.getPlotItem().legend.isVisible()        # a laptop screen shows the key, as before
    texts = [label.text for _, label in view.getPlotItem().legend.items]
    assert texts == ["start pose", "current / final pose", "base"]


def test_the_readout_says_how_a_run_ended_in_words(qtbot, make_window):
    window = make_window(Params(), speed=FAST)
    run_to_end(qtbot, window)
    text = window.readout.text()
    assert "done</b>: all 20 epochs ran" in text and "max_epochs" not in text
    window.state.set_params(Params(tol=1e-3))
    run_to_end(qtbot, window)
    assert "reached the tolerance" in window.readout.text() and "converged" not in window.readout.text()
