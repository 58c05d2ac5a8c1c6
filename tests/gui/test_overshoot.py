"""Overshoot made visible: the signed residual (core/residuals.py, View > Signed residual) and eta's marks."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from armsim import Params, solve
from armsim.core.residuals import eta_changes, residuals, targets
from armsim.core.run import Run
from tests.helpers import curve, focused, run_to_end

OSCILLATING = Params(eta=0.6, epochs=30)      # between 1/S = 0.37 and 2/S = 0.75 at the post's start


def test_the_residual_is_the_target_minus_the_end_point_of_every_epoch():
    result = solve(OSCILLATING)
    r = residuals(result.params, result.angles)
    ends = np.array([result.positions(j)[1][-1] for j in range(result.epochs_run + 1)])
    assert r.shape == (31, 1) and np.allclose(r[:, 0], 0.0 - ends, rtol=0, atol=1e-15)
    assert np.all(np.sign(r[1:-1, 0]) == -np.sign(r[2:, 0]))      # it flips side every epoch


def test_a_reach_runs_residual_has_two_columns_against_each_epochs_target():
    p = Params(angles_deg=(30.0, 40.0, 50.0), reach=(1.0, 1.5), relative=True, eta=0.2, epochs=40)
    run = Run(p)
    run.advance(5)
    run.retarget((-0.5, 2.0))
    run.advance(40)
    result = run.result()
    r = residuals(p, result.angles, result.moves)
    for j in (0, 5, 6, result.epochs_run):
        x, y = result.positions(j)
        aim = result.params_at(j).reach
        assert np.allclose(r[j], (aim[0] - x[-1], aim[1] - y[-1]), rtol=0, atol=1e-15), j
    assert targets(p, result.moves, 3, 4).tolist() == [[1.0, 1.5], [1.0, 1.5], [1.0, 1.5], [-0.5, 2.0]]


def test_eta_changes_are_the_epochs_whose_update_took_a_new_eta():
    assert eta_changes(np.array([0.1, 0.1, 0.3, 0.3, 0.3, 0.05])) == [(3, 0.3), (6, 0.05)]
    assert eta_changes(np.array([0.1] * 4)) == []


@pytest.fixture
def window(qtbot, make_window):
    return focused(qtbot, make_window(OSCILLATING, speed=float("inf")))


def test_d_shows_the_residual_whose_curve_alternates_as_the_core_says(qtbot, window):
    assert not window.overshoot.shown
    qtbot.keyClick(window.arm_view, Qt.Key_D)
    assert window.overshoot.shown and window.actions.residual.isChecked()
    result = run_to_end(qtbot, window)
    x, y = curve(window.overshoot.plot.curves[0])
    assert np.array_equal(x, np.arange(31)) and np.array_equal(y, residuals(result.params, result.angles)[:, 0])
    assert np.all(y[1:-1] * y[2:] < 0)
    assert len(curve(window.overshoot.plot.curves[1])[1]) == 0      # the post's task has one residual
    qtbot.keyClick(window.arm_view, Qt.Key_D)
    assert not window.overshoot.shown


def test_an_eta_changed_mid_run_is_marked_on_the_error_curve(qtbot, window):
    step = window.actions.step
    for _ in range(3):                   # a paused run, three epochs at eta 0.6
        step.trigger()
        qtbot.waitUntil(lambda n=window.epoch_shown: window.epoch_shown == n + 1, timeout=5000)
    window.state.update(eta=0.2)
    for _ in range(2):
        step.trigger()
        qtbot.waitUntil(lambda n=window.epoch_shown: window.epoch_shown == n + 1, timeout=5000)
    plot = window.error_plot
    assert plot.eta_marks == [(4, 0.2)]
    line = plot._eta_lines[0]
    assert line.isVisible() and line.value() == 4 and "eta 0.2" in line.label.toPlainText()
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=lambda r: r is not None):
        window.actions.toggle.trigger()          # resume to the end
    result = window.state.result
    assert plot.eta_marks == eta_changes(result.etas) == [(4, 0.2)]
    window.actions.reset.trigger()
    assert plot.eta_marks == [] and not line.isVisible()


def test_in_presentation_mode_the_residual_and_the_eta_marks_are_legible(qtbot, window):
    window.set_setup(Params(angles_deg=(30.0, 40.0, 50.0), reach=(1.0, 1.5), eta=0.3, epochs=20))
    qtbot.keyClick(window.arm_view, Qt.Key_D)
    window.actions.step.trigger()
    qtbot.waitUntil(lambda: window.epoch_shown == 1, timeout=5000)
    window.state.update(eta=0.2)
    window.actions.step.trigger()
    qtbot.waitUntil(lambda: window.epoch_shown == 2, timeout=5000)
    window.actions.presentation.setChecked(True)
    plot = window.overshoot.plot
    assert all(c.opts["pen"].widthF() >= 6 for c in plot.curves) and plot.zero.pen.widthF() >= 6
    label = window.error_plot._eta_lines[0].label
    assert label.textItem.font().pixelSize() >= 28
    for _sample, item in plot.legend.items:                   # two names for a point to reach
        assert int(item.opts["size"].removesuffix("px")) >= 28
    # the legend is a row above the data, not over the curves
    box = plot.getPlotItem().vb.sceneBoundingRect()
    assert len(plot.legend.items) == 2 and not plot.legend.sceneBoundingRect().intersects(box)
    window.actions.presentation.setChecked(False)
