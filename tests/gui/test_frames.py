"""Frames of a run reach the screen whatever the window looks like, and every panel shows the epoch on screen."""
import math

import numpy as np

from armsim import Params, iter_epochs
from armsim.core.run import STATUS_WORDS
from armsim.gui.runner import Frame
from armsim.render.live_plot import on_screen
from tests.helpers import click, marker_point, run_to_end, type_into

FAST = math.inf


def frame_of(records, params):
    return Frame(records[0].index, np.array([r.error for r in records]), records[-1], tuple(r.angles for r in records),
                 params)


def test_a_plot_squeezed_by_the_splitter_does_not_hold_the_solver(qtbot, make_window):
    """The solver waits for the plots on screen to paint; a plot squeezed to its least width paints
    nothing when its items change, so it must not be waited for, and the other one still is."""
    window = make_window(Params(epochs=50))
    splitter = window.arm_view.parent()
    records = list(iter_epochs(window.params))
    for squeezed, other, sizes in ((window.arm_view, window.error_plot, [1, 2000]),
                                   (window.error_plot, window.arm_view, [2000, 1])):
        splitter.setSizes(sizes)                          # as far as the splitter goes (the plot stays visible)
        qtbot.waitUntil(lambda s=squeezed: s.width() < 100, timeout=3000)
        qtbot.wait(50)          # the plot lays its axes out again for the new width in the next event pass
        assert squeezed.isVisible()
        for first in range(1, 40, 10):                   # frame after frame, as the worker sends them
            window._on_frame(frame_of(records[first:first + 10], window.params))
            assert window._unpainted == {other}
            qtbot.waitUntil(lambda: not window._unpainted, timeout=2000)    # painted: the solver may go on


def test_a_setup_over_the_history_budget_is_refused_and_the_table_kept(qtbot, make_window):
    window = make_window(Params(angles_deg=(10.0,) * 24, epochs=30), speed=FAST)
    run_to_end(qtbot, window)
    window.docks.compare_dock.raise_()
    qtbot.waitUntil(lambda: not on_screen(window.docks.inspector_dock), timeout=3000)
    shown, before = window.docks.inspector.record, window.state.params
    type_into(qtbot, window.controls.epochs, "1000000")     # 24 links x 1e6 epochs: more history than allowed
    assert window.state.params is before and window.controls.epochs.text() == "1000000"
    assert "epochs" in window.controls.problem.text() and "unchanged" in window.controls.problem.text()
    window.docks.inspector_dock.raise_()
    qtbot.waitUntil(lambda: on_screen(window.docks.inspector_dock), timeout=3000)
    assert window.docks.inspector.record.index == shown.index == 30


def test_compare_built_after_a_reset_can_still_add_the_last_run(qtbot, make_window):
    window = make_window(Params(epochs=30), speed=FAST)
    result = run_to_end(qtbot, window)
    click(qtbot, window, window.actions.reset)
    assert window.state.result is None and not window.docks.compare_dock.built
    window.docks.compare_dock.raise_()
    qtbot.waitUntil(lambda: window.docks.compare_dock.built, timeout=3000)
    assert window.compare_view.buttons["last"].isEnabled()
    window.compare_view.add_last_run()
    assert window.compare_view.runs[-1][1] is result


def test_the_map_raised_during_a_paused_run_marks_the_pose_on_screen(qtbot, make_window):
    window = make_window(Params(epochs=100))
    for _ in range(6):
        click(qtbot, window, window.actions.step)
    qtbot.waitUntil(lambda: window.epoch_shown == 6, timeout=5000)
    window.docks.landscape_dock.raise_()
    qtbot.waitUntil(lambda: window.docks.landscape_dock.built, timeout=3000)
    w = np.degrees(window.record_shown.angles)
    assert marker_point(window.landscape_view) == tuple(np.round(w[:2], 9)) or \
        np.allclose(marker_point(window.landscape_view), w[:2])
    window.docks.inspector_dock.raise_()                          # covered: the marker is left alone ...
    for _ in range(7):
        click(qtbot, window, window.actions.step)
    qtbot.waitUntil(lambda: window.epoch_shown == 13, timeout=5000)
    window.docks.landscape_dock.raise_()                          # ... and catches up when the map shows again
    qtbot.waitUntil(lambda: np.allclose(marker_point(window.landscape_view),
                                        np.degrees(window.record_shown.angles)[:2]), timeout=3000)


def test_pausing_a_fast_run_shows_the_paused_epoch_in_every_panel(qtbot, make_window):
    window = make_window(Params(epochs=200_000, eta=0.001), speed=FAST)
    click(qtbot, window, window.actions.run)
    qtbot.waitUntil(lambda: window.epoch_shown > 2000, timeout=10_000)
    window.pause_or_resume()
    qtbot.waitUntil(lambda: window.state.run_state == "paused", timeout=3000)
    # the worker flushes the epoch it paused at: every panel then shows that one
    qtbot.waitUntil(lambda: window.docks.inspector.record.index == window.epoch_shown, timeout=3000)
    j = window.epoch_shown
    assert window.docks.inspector.record.index == j and f"epoch {j} /" in window.readout.text()
    assert "paused" in window.readout.text()


def test_text_refreshed_during_a_run_never_overwrites_the_final_message(qtbot, make_window):
    """During a run the readout is refreshed from a timer, after each frame's repaint; one still
    pending when the run ends must not put "running" back over the result."""
    window = make_window(Params(epochs=20_000, eta=0.001), speed=FAST)
    texts = []
    window.readout.setText = lambda text, _set=window.readout.setText: (texts.append(text), _set(text))
    result = run_to_end(qtbot, window)
    qtbot.wait(300)                                       # a refresh still pending would land by now
    assert any(t.startswith("<b>running</b>") for t in texts)      # it did refresh while running
    text = window.readout.text()
    assert STATUS_WORDS[result.status] in text and result.reason in text and "running" not in text


def test_the_error_curve_follows_a_playing_run_frame_by_frame(qtbot, make_window):
    """While a run plays the curve is redrawn in a turn of its own after each frame (see MainWindow)."""
    window = make_window(Params(epochs=300_000, eta=0.001), speed=FAST)
    curve = window.error_plot.curve
    click(qtbot, window, window.actions.run)
    seen = []
    for _ in range(5):                                     # five moments of the run, each its own frame
        qtbot.waitUntil(lambda: window.frames_drawn > len(seen) * 3 + 3, timeout=10_000)
        qtbot.waitUntil(lambda: curve.xData is not None and curve.xData[-1] >= window.epoch_shown - 1, timeout=3000)
        seen.append(curve.xData[-1])
    assert window.state.run_state == "running" and seen == sorted(seen) and seen[-1] > seen[0]
    click(qtbot, window, window.actions.reset)
