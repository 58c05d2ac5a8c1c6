"""The Basin map tab: computed off the GUI thread with progress and Cancel, drawn as the core's map, and a click
on a start loads it and runs it."""
import numpy as np
from PySide6.QtCore import QPointF, Qt

from armsim import Params, solve
from armsim.core.basin import basin_map
from armsim.render.map_figure import basin_rgb

SETUP = Params(angles_deg=(0.0, 0.0), eta=1.4, epochs=60, tol=1e-8)


def computed(qtbot, window, n=32):
    window.docks.basin_dock.raise_()
    view = window.docks.basin_dock.view
    with qtbot.waitSignal(view.mapReady, timeout=30_000) as blocker:
        view.compute(n=n)
    return view, blocker.args[0]


def test_the_tab_draws_the_cores_map_and_a_click_runs_that_start(qtbot, make_window):
    window = make_window(SETUP, speed=float("inf"))
    view, basin = computed(qtbot, window)
    want = basin_map(SETUP, 0, 1, 32)
    assert np.array_equal(basin.epochs, want.epochs)
    rgb, _ = basin_rgb(want.epochs, SETUP.epochs)
    assert np.array_equal(view.image.image, rgb.transpose(1, 0, 2))
    assert view.line.data is not None                      # eta 1.4 crosses eta_crit on this map
    r, c = np.argwhere(want.epochs == -1)[0]               # a start that diverged
    start = view.start_at(float(want.w_i[c]), float(want.w_j[r]))
    assert start == (float(want.w_i[c]), float(want.w_j[r]))
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000,
                          check_params_cb=lambda res: res is not None) as blocker:
        view.startPicked.emit(0, 1, *start)
    result = blocker.args[0]
    assert result.params.angles_deg == start and result.status == "diverged"
    assert np.array_equal(result.errors, solve(SETUP.with_(angles_deg=start)).errors)
    assert "before" not in view.message.text()             # a start picked from the map: still this map


def test_a_changed_setup_marks_the_map_out_of_date_and_tol_0_is_refused(qtbot, make_window):
    window = make_window(SETUP)
    view, _ = computed(qtbot, window, n=16)
    window.state.update(eta=0.5)
    assert "setup before" in view.message.text()
    window.state.update(tol=0.0)
    view.compute(n=16)
    assert "Cannot map" in view.message.text() and not view.busy


def test_cancel_stops_the_map_and_its_thread(qtbot, make_window):
    window = make_window(Params(angles_deg=(10.0, 20.0, 30.0), eta=0.01, epochs=4_000, tol=1e-30))
    window.docks.basin_dock.raise_()
    view = window.docks.basin_dock.view
    view.compute(n=256)
    assert view.busy and view.cancel_button.isVisible()
    qtbot.wait(200)
    view.stop()
    assert not view.busy and view.basin is None and "cancelled" in view.message.text()
    window.state.update(epochs=20_000)                      # too costly: said at once, nothing started
    view.compute(n=256)
    assert not view.busy and "Cannot map" in view.message.text() and "arm-epochs" in view.message.text()


def test_a_click_on_the_plot_picks_the_nearest_start(qtbot, make_window):
    window = make_window(SETUP, speed=float("inf"))
    view, basin = computed(qtbot, window, n=16)
    picked = []
    view.startPicked.connect(lambda *a: picked.append(a))
    vb = view.plot.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(float(basin.w_i[3]) + 1.0, float(basin.w_j[12]) - 1.0))
    point = view.plot.mapFromScene(scene)
    qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=point)
    assert picked and picked[0][:2] == (0, 1) and picked[0][2:] == (float(basin.w_i[3]), float(basin.w_j[12]))
