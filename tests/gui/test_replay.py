"""Replaying any epoch: the scrubber, the error plot's marker and Left / Right show exactly the result's epoch."""
import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from armsim import Params
from armsim.gui import replay
from armsim.render.arm_plot import TRAIL_LENGTH
from tests.helpers import curve, run_to_end


def scrubber(window):
    """The window's replay (installed and placed under the plots here if the window does not do it yet)."""
    r = getattr(window, "replay", None)
    if r is None:
        r = window.replay = replay.install(window)
        window.centralWidget().layout().insertWidget(1, r)
        r.show()
    return r


def drawn_pose(window):
    return curve(window.arm_view.final_curve)


def result_pose(result, j):
    x, y = result.positions(j)
    return np.concatenate(([0.0], x)), np.concatenate(([result.params.base], y))


def marker(window):
    return curve(window.error_plot.marker)


@pytest.fixture
def finished(qtbot, make_window):
    window = make_window(Params(), speed=math.inf)
    r = scrubber(window)
    result = run_to_end(qtbot, window)
    assert result.epochs_run > 7
    return window, r, result


def test_scrubbing_shows_the_results_epoch(finished):
    window, r, result = finished
    assert r.slider.isEnabled() and r.slider.maximum() == result.epochs_run
    for j in (0, 7, result.epochs_run):
        r.slider.setValue(j)
        x, y = drawn_pose(window)
        ex, ey = result_pose(result, j)
        np.testing.assert_allclose(x, ex, rtol=0, atol=1e-12)
        np.testing.assert_allclose(y, ey, rtol=0, atol=1e-12)
        mx, my = marker(window)
        assert list(mx) == [j] and my[0] == result.errors[j]
        assert window.error_plot.cursor.value() == j and window.epoch_shown == j
        assert f"epoch {j} / {result.epochs_run}" in window.readout.text()
        assert r.label.text() == f"epoch {j} / {result.epochs_run}"


def test_the_trail_is_the_poses_before(finished):
    window, r, result = finished
    r.slider.setValue(7)
    assert [tuple(p[1]) for p in window.arm_view.trail] == \
        [tuple(result_pose(result, i)[1]) for i in range(7)]
    j = min(result.epochs_run, TRAIL_LENGTH + 5)
    r.slider.setValue(j)
    assert len(window.arm_view.trail) == TRAIL_LENGTH
    np.testing.assert_array_equal(window.arm_view.trail[-1][1], result_pose(result, j - 1)[1])


def test_replay_never_changes_the_setup_or_the_result(finished):
    window, r, result = finished
    params = window.state.params
    r.slider.setValue(3)
    assert window.state.result is result and window.state.params is params
    assert len(result.errors) == result.epochs_run + 1


def test_left_and_right_move_one_epoch(qtbot, finished):
    window, r, result = finished
    window.arm_view.setFocus()                  # the canvas: it uses no key itself
    r.slider.setValue(5)
    qtbot.keyClick(window.arm_view, Qt.Key_Left)
    assert r.slider.value() == 4 and np.array_equal(drawn_pose(window)[1], result_pose(result, 4)[1])
    qtbot.keyClick(window.arm_view, Qt.Key_Right)
    qtbot.keyClick(window.arm_view, Qt.Key_Right)
    assert r.slider.value() == 6 and np.array_equal(drawn_pose(window)[1], result_pose(result, 6)[1])
    assert window.state.run_state == "idle" and window.state.result is result      # no new run


def test_a_focused_entry_keeps_left(qtbot, finished):
    window, r, _ = finished
    r.slider.setValue(5)
    entry = window.controls.epochs
    entry.setFocus()
    entry.end(False)
    before = entry.cursorPosition()
    qtbot.keyClick(entry, Qt.Key_Left)
    assert entry.cursorPosition() == before - 1 and r.slider.value() == 5


def test_clicking_the_error_plot_replays_that_epoch(qtbot, finished):
    window, r, result = finished
    plot = window.error_plot
    box = plot.getPlotItem().vb
    at = plot.mapFromScene(box.mapViewToScene(QPointF(7, result.errors[7])))
    qtbot.mouseClick(plot.viewport(), Qt.LeftButton, pos=at)
    assert r.slider.value() == 7 and list(marker(window)[0]) == [7]


def test_dragging_the_cursor_moves_the_scrubber(finished):
    window, r, result = finished
    line = window.error_plot.cursor
    assert line.movable
    line.setValue(7.3)
    line.sigDragged.emit(line)                  # what a drag of the line emits as it moves
    assert r.slider.value() == 7 and np.array_equal(drawn_pose(window)[1], result_pose(result, 7)[1])


def test_while_paused_it_covers_the_epochs_so_far(qtbot, make_window):
    window = make_window(Params(epochs=200), speed=50)
    r = scrubber(window)
    assert not r.slider.isEnabled()
    window.arm_view.setFocus()
    for j in (1, 2, 3, 4):
        qtbot.keyClick(window.arm_view, Qt.Key_Right)       # steps the paused run as before
        qtbot.waitUntil(lambda j=j: window.epoch_shown == j and r.slider.maximum() == j, timeout=5000)
    assert window.state.run_state == "paused" and r.slider.isEnabled() and r.slider.value() == 4
    live = drawn_pose(window)
    qtbot.keyClick(window.arm_view, Qt.Key_Left)
    qtbot.keyClick(window.arm_view, Qt.Key_Left)
    assert r.slider.value() == 2 and window.epoch_shown == 2
    full = window.state.params.with_(epochs=4, tol=0.0)
    from armsim.core.run import solve
    expected = solve(full)
    np.testing.assert_array_equal(drawn_pose(window)[1], result_pose(expected, 2)[1])
    assert list(marker(window)[0]) == [2]
    qtbot.keyClick(window.arm_view, Qt.Key_Right)
    qtbot.keyClick(window.arm_view, Qt.Key_Right)
    np.testing.assert_array_equal(drawn_pose(window)[1], live[1])
    assert window.state.run_state == "paused" and r.slider.value() == 4 and window.error_plot.count == 5
    qtbot.keyClick(window.arm_view, Qt.Key_Right)           # at the end: a step of the run
    qtbot.waitUntil(lambda: r.slider.maximum() == 5 and r.slider.value() == 5, timeout=5000)


def test_a_new_run_or_reset_follows_the_run_again(qtbot, finished):
    window, r, result = finished
    r.slider.setValue(3)
    window.reset()
    assert not r.slider.isEnabled() and r.slider.maximum() == 0
    again = run_to_end(qtbot, window)
    assert r.slider.value() == r.slider.maximum() == again.epochs_run
    np.testing.assert_array_equal(drawn_pose(window)[1], result_pose(again, -1)[1])


def test_a_focused_control_slider_keeps_left(qtbot, make_window):
    window = make_window(Params())
    scrubber(window)
    slider = window.controls.rows[0].slider
    slider.setFocus()
    before = slider.value()
    qtbot.keyClick(slider, Qt.Key_Left)
    assert slider.value() < before


def test_a_run_paused_mid_flight_replays_its_epochs_exactly(qtbot, make_window):
    """Frames carry many epochs each at speed: the epochs between them are replayed exactly too."""
    from armsim.core.run import solve
    window = make_window(Params(epochs=5000, tol=0.0), speed=400)
    r = scrubber(window)
    window.run_or_pause()
    qtbot.waitUntil(lambda: window.epoch_shown > 40, timeout=10_000)
    window.run_or_pause()
    qtbot.waitUntil(lambda: r.slider.isEnabled() and r.slider.maximum() == window.error_plot.count - 1,
                    timeout=5000)
    last = r.slider.maximum()
    expected = solve(window.state.params.with_(epochs=last))
    for j in (0, 13, 29, last):
        r.slider.setValue(j)
        np.testing.assert_array_equal(drawn_pose(window)[1], result_pose(expected, j)[1])
        assert list(marker(window)[0]) == [j] and marker(window)[1][0] == expected.errors[j]
    assert window.state.run_state == "paused" and window.state.result is None


def test_the_chain_rule_tab_brought_back_at_a_replayed_epoch_0_shows_the_first_update(qtbot, finished):
    window, r, result = finished
    r.slider.setValue(0)
    docks = window.docks
    docks.compare_dock.raise_()               # the chain-rule tab goes behind ...
    qtbot.waitUntil(lambda: docks.inspector_dock.visibleRegion().isEmpty(), timeout=3000)
    docks.inspector_dock.raise_()             # ... and comes back at epoch 0, which made no update
    qtbot.waitUntil(lambda: not docks.inspector_dock.visibleRegion().isEmpty(), timeout=3000)
    assert window.epoch_shown == 0
    # the update epoch 0 leads to, from the start angles (as Replay shows at epoch 0)
    assert float(docks.inspector.table.item(0, 1).text()) == pytest.approx(result.epoch(0).angles_deg[0], abs=1e-4)
