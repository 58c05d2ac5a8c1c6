"""The Compare tab: sweeps computed off the GUI thread, drawn as exactly the core's runs, stoppable, bounded."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from armsim.core.params import Params
from armsim.core.run import solve
from armsim.core.sweeps import MAX_SWEEP_COST, default_etas, default_starts, run_label
from armsim.gui.compare_view import CompareView
from armsim.gui.jobs import Jobs
from armsim.gui.run_overlay import MAX_RUNS
from armsim.render.arm_plot import pose_points
from armsim.render.theme import LOG_FLOOR
from tests.helpers import empty, show_alone

SWEEP_TIMEOUT = 30_000      # ms; the sweeps here take well under a second


@pytest.fixture
def view(qtbot, qapp):
    v = CompareView(Jobs())
    v.set_params(Params())
    show_alone(qtbot, v, 900, 520)
    yield v
    v.stop()


def click_and_wait(qtbot, view, key):
    with qtbot.waitSignal(view.sweepFinished, timeout=SWEEP_TIMEOUT):
        qtbot.mouseClick(view.buttons[key], Qt.LeftButton)
    assert not view.busy


def legend_texts(view):
    return [view.overlay.legend.item(k).text() for k in range(view.overlay.legend.count())]


def assert_curves_match_solve(view, params_list):
    """Each curve holds exactly solve()'s errors, each ghost exactly its final pose; other slots are empty."""
    view.set_log(False)
    for k, (curve, ghost) in enumerate(zip(view.overlay.curves, view.overlay.ghosts)):
        if k < len(params_list):
            expected = solve(params_list[k])
            np.testing.assert_array_equal(curve.yData, expected.errors)
            np.testing.assert_array_equal(curve.xData, np.arange(len(expected.errors)))
            x, y = pose_points(expected.angles[-1], params_list[k])
            np.testing.assert_array_equal(ghost.xData, x)
            np.testing.assert_array_equal(ghost.yData, y)
        else:
            assert empty(curve)
            assert not curve.isVisible()


def test_eta_sweep_draws_one_curve_per_eta_equal_to_solve(qtbot, view):
    p = Params()
    click_and_wait(qtbot, view, "etas")
    etas = default_etas(p)
    assert etas == (0.019, 0.075, 0.3, 0.6, 0.82)
    labels = [label for label, _ in view.runs]
    assert labels == ["eta 0.019 (slow)", "eta 0.075 (good, current)", "eta 0.3 (good)",
                      "eta 0.6 (oscillating)", "eta 0.82 (diverging), diverged"]
    assert legend_texts(view) == labels
    assert_curves_match_solve(view, [p.with_(eta=e) for e in etas])
    assert view.message.text().startswith("Added 5 runs")


def test_start_sweep_and_learner_comparison(qtbot, view):
    p = Params(eta=0.3)
    view.set_params(p)
    click_and_wait(qtbot, view, "starts")
    starts = default_starts(p)
    assert len(view.runs) == len(starts) == 5
    assert view.runs[0][0] == "start 22, -20, 14"
    click_and_wait(qtbot, view, "learners")
    raced = ["gradient", "hotcold", "momentum", "adam", "lm", "ccd"]
    assert [label.split(" (")[0] for label, _ in view.runs[-6:]] == [
        "gradient descent", "hot and cold", "momentum", "Adam", "damped least squares", "CCD"]
    assert_curves_match_solve(view, [p.with_(angles_deg=s) for s in starts]
                              + [p.with_(learner=k, eta=1.0 if k == "lm" else 0.3) for k in raced])
    table = view.table
    assert table.isVisible() and table.rowCount() == 6
    for r, (label, result) in enumerate(view.runs[-6:]):
        row = [table.item(r, c).text() for c in range(table.columnCount())]
        assert row[0] == label.split(",")[0]
        assert row[1] == (f"{result.epochs_run:,}" if result.status == "converged" else "—")
        assert row[2] == f"{result.errors[-1]:.3g}" and row[4].endswith(" µs")


def test_log_scale_draws_zero_errors_at_the_floor(qtbot, view):
    view.set_params(Params(eta=0.3, epochs=60))         # exactly 0 from epoch 22 on
    view.set_log(True)
    view.sweep_etas(etas=(0.3,))
    qtbot.waitUntil(lambda: not view.busy and len(view.runs) == 1, timeout=SWEEP_TIMEOUT)
    errors = solve(Params(eta=0.3, epochs=60)).errors
    assert (errors == 0).any() and (errors[errors > 0] < 1e-30).any()
    x, y = view.overlay.curves[0].getData()               # as drawn: log10 of the errors, zeros at the floor
    np.testing.assert_array_equal(x, np.arange(len(errors)))
    np.testing.assert_allclose(y, np.log10(np.maximum(errors, LOG_FLOOR)), rtol=1e-15)
    assert y.min() == np.log10(LOG_FLOOR) < np.log10(errors[errors > 0].min())     # no real error is moved


def test_clear_empties_every_item_and_the_legend(qtbot, view):
    click_and_wait(qtbot, view, "learners")
    qtbot.mouseClick(view.buttons["clear"], Qt.LeftButton)
    assert view.runs == []
    assert view.overlay.legend.count() == 0
    for item in view.overlay.curves + view.overlay.ghosts:
        assert empty(item) and not item.isVisible()
    # the start pose of the setup stays for reference
    x, y = pose_points(np.radians(Params().angles_deg), Params())
    np.testing.assert_array_equal(view.overlay.start_curve.yData, y)


def drawn_styles(overlay):
    """(colour, line style) of the pen each shown run's curve is painted with, oldest run first."""
    return [(c.curve.opts["pen"].color().name(), c.curve.opts["pen"].style())
            for c in overlay.curves if c.isVisible()]


def test_keeps_the_newest_twelve_runs_in_distinct_styles(view):
    result = solve(Params())
    previous = []
    for k in range(2 * MAX_RUNS + 5):                   # every window of twelve runs in a row, twice round
        view.add_run(f"run {k}", result)
        first = max(0, k + 1 - MAX_RUNS)
        assert [label for label, _ in view.runs] == [f"run {j}" for j in range(first, k + 1)]
        styles = drawn_styles(view.overlay)
        assert len(styles) == len(view.runs) == len(set(styles))
        # a run keeps its colour and style while it stays (only the newest is new)
        assert styles[:-1] == (previous[1:] if k >= MAX_RUNS else previous)
        previous = styles


def test_add_last_run_button(qtbot, view):
    assert not view.buttons["last"].isEnabled()
    result = solve(Params(eta=0.2))
    view.set_last_result(result)
    assert view.buttons["last"].isEnabled()
    qtbot.mouseClick(view.buttons["last"], Qt.LeftButton)
    assert view.runs == [(run_label(result), result)]
    assert view.runs[0][0] == "run: eta 0.2"


def test_stop_during_a_long_sweep_joins_the_thread_and_discards_the_runs(qtbot, view):
    # The first run diverges at once; the second would run 800,000 epochs (seconds even on a fast
    # machine, and within the sweep budget; 300,000 had finished before the click on a loaded one):
    # stop lands in the middle of it.
    view.set_params(Params(epochs=800_000))
    view.sweep_etas(etas=(0.82, 0.01))
    assert view.busy
    assert not view.buttons["etas"].isEnabled() and view.cancel_button.isVisible()
    assert len(view.jobs.running()) == 1
    qtbot.waitUntil(lambda: view.progress.value() == 1, timeout=SWEEP_TIMEOUT)     # the first run is done
    assert view.progress.maximum() == 2
    qtbot.mouseClick(view.cancel_button, Qt.LeftButton)
    assert not view.busy
    assert not view.jobs.running()
    assert view.runs == []
    assert view.message.text() == "Sweep cancelled."
    assert view.buttons["etas"].isEnabled()


def test_a_huge_sweep_is_refused_with_a_message(qtbot, view):
    p = Params(epochs=1_000_000)
    view.set_params(p)
    qtbot.mouseClick(view.buttons["etas"], Qt.LeftButton)
    assert not view.busy and not view.jobs.running()
    assert "too long" in view.message.text() and f"{MAX_SWEEP_COST:,}" in view.message.text()


def test_render(qtbot, view):
    """The tab paints with runs in it, every error curve in its colour."""
    click_and_wait(qtbot, view, "etas")
    image = view.overlay.error_plot.grab().toImage().convertToFormat(QImage.Format_RGB32)
    pixels = set((np.frombuffer(image.constBits(), np.uint32, image.width() * image.height()) & 0xFFFFFF).tolist())
    for colour, _style in drawn_styles(view.overlay):
        assert int(colour[1:], 16) in pixels


def test_compare_runs_a_reach_setup_as_itself_and_draws_its_point(qtbot, view):
    """Every sweep of a reach setup with relative joints and limits runs that task (each curve and ghost is
    solve()'s), and the arm view marks the point to reach, not a line at its height."""
    p = Params(angles_deg=(30.0, -20.0, 40.0), reach=(-0.5, 1.6), relative=True, eta=0.1, epochs=80,
               min_angles_deg=(-90.0, -120.0, -120.0), max_angles_deg=(120.0, 120.0, 120.0))
    view.set_params(p)
    overlay = view.overlay
    assert overlay.target_point.getData()[0].tolist() == [-0.5] and overlay.target_point.getData()[1].tolist() == [1.6]
    assert not overlay.target_line.isVisible()
    click_and_wait(qtbot, view, "etas")
    assert_curves_match_solve(view, [p.with_(eta=e) for e in default_etas(p)])
    click_and_wait(qtbot, view, "starts")
    starts = default_starts(p)
    for s in starts:                                         # starts within the joint limits
        assert all(lo <= a <= hi for a, lo, hi in zip(s, p.min_angles_deg, p.max_angles_deg)), s
    x0, x1 = overlay.arm_plot.getPlotItem().viewRange()[0]
    assert x0 < -0.5 < x1
    view.set_params(Params())
    assert overlay.target_line.isVisible() and len(overlay.target_point.getData()[0]) == 0
