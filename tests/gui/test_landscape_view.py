"""The Landscape tab: the heat map is error_grid's, the path is path_on's, a click picks start angles."""
import itertools
import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from armsim.core.landscape import error_grid, landscape_for, path_on
from armsim.core.params import Params
from armsim.core.run import solve
from armsim.gui.landscape_view import DECADES, GRID_POINTS, HINT, LIMITS_HINT, VEIL_ALPHA, LandscapeView, shade, thin
from tests.helpers import curve, empty, marker_point, pick_joints, run_to_end, show_alone


@pytest.fixture
def view(qtbot, qapp):
    v = LandscapeView()
    v.set_params(Params())
    show_alone(qtbot, v, 700, 650)
    # The axes and colour bar take their final sizes a few events after the first paint: wait
    # until a point of the map stays on the same pixel, so mapped clicks land where intended.
    seen = []
    qtbot.waitUntil(lambda: seen.append(viewport_point(v, 90.0, 90.0)) or seen[-2:] == seen[-1:] * 2)
    return v


def grid(p: Params, i=0, j=1):
    return error_grid(np.radians(p.angles_deg), p.lengths, p.base, p.goal, i, j, n=GRID_POINTS)


def viewport_point(view, x_deg, y_deg):
    """The viewport pixel under a point of the map, in degrees."""
    scene = view.plot.getPlotItem().vb.mapViewToScene(QPointF(x_deg, y_deg))
    return view.plot.mapFromScene(scene)


def hover(qtbot, view, x_deg, y_deg, done):
    """Move the mouse onto a point of the map until ``done()``.

    pyqtgraph drops moves less than 10 ms after the last, and Qt a move to where the mouse
    already is, so the mouse wiggles by a pixel until a move gets through.
    """
    pos = viewport_point(view, x_deg, y_deg)
    steps = (pos + QPoint(k % 2, 0) for k in itertools.count())
    qtbot.waitUntil(lambda: qtbot.mouseMove(view.plot.viewport(), next(steps)) or done(), timeout=10_000)


def test_image_is_the_shaded_error_grid_with_joint_i_across(view):
    land = grid(Params())
    np.testing.assert_array_equal(view.image.image, shade(land.errors))
    np.testing.assert_allclose(10.0 ** view.image.image - land.errors.max() * 10.0 ** -DECADES, land.errors,
                               atol=1e-12)
    assert_cells_in_place(view, land)
    assert (view.start_marker.pos().x(), view.start_marker.pos().y()) == (22.0, -20.0)


def assert_cells_in_place(view, land):
    """The cell drawn at (w_i, w_j) in degrees holds errors[a, b]: joint i across, joint j up."""
    for a, b in ((0, 0), (17, 150), (199, 3), (100, 100)):
        pixel = view.image.mapFromView(QPointF(land.wi_deg[a], land.wj_deg[b]))
        assert (math.floor(pixel.x()), math.floor(pixel.y())) == (a, b)
        assert view.image.image[math.floor(pixel.x()), math.floor(pixel.y())] == shade(land.errors)[a, b]


@pytest.mark.parametrize("order", ["row-major", "col-major"])
def test_the_map_is_oriented_whatever_the_global_image_axis_order(qtbot, qapp, order):
    saved = pg.getConfigOption("imageAxisOrder")
    pg.setConfigOptions(imageAxisOrder=order)
    try:
        view = LandscapeView()
        qtbot.addWidget(view)
        view.set_params(Params())
        assert_cells_in_place(view, grid(Params()))
    finally:
        pg.setConfigOptions(imageAxisOrder=saved)


def test_path_is_path_on_of_the_history(view):
    p = Params(eta=2.0, epochs=30)         # big jumps: the path wraps around the map's edges
    result = solve(p)
    view.set_history(result.angles)
    path = path_on(grid(p), result.angles)
    assert not path.connect[:-1].all()     # the test covers a wrap
    np.testing.assert_array_equal(view.path.xData, path.wi_deg)
    np.testing.assert_array_equal(view.path.yData, path.wj_deg)
    np.testing.assert_array_equal(view.path.opts["connect"], path.connect)
    assert marker_point(view) == (path.wi_deg[-1], path.wj_deg[-1])
    view.set_params(p.with_(eta=0.3, epochs=99))        # the map is the same: the run stays drawn
    np.testing.assert_array_equal(view.path.xData, path.wi_deg)
    view.set_params(p.with_(base=0.5))                  # a new map: the old run is gone
    assert empty(view.path) and marker_point(view) is None
    view.set_params(p)
    view.set_history(result.angles)
    view.clear_run()
    assert empty(view.path) and marker_point(view) is None


def test_current_marker_wraps_onto_the_map(view):
    view.set_current(np.radians([200.0, -20.0, 14.0]))
    assert marker_point(view) == pytest.approx((-160.0, -20.0))
    view.set_current(np.radians([1.0, 2.0]))          # a stale pose of another arm is not drawn
    assert marker_point(view) is None


def test_click_on_the_map_emits_the_angles_there(qtbot, view):
    pos = viewport_point(view, 60.0, -45.0)
    with qtbot.waitSignal(view.startAnglesPicked, timeout=2000) as picked:
        qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=pos)
    i, j, wi, wj = picked.args
    assert (i, j) == (0, 1)
    pixel_deg = 400.0 / view.plot.getPlotItem().vb.width()         # degrees per screen pixel, generously
    assert abs(wi - 60.0) < pixel_deg and abs(wj + 45.0) < pixel_deg


def test_click_off_the_map_emits_nothing(qtbot, view):
    with qtbot.assertNotEmitted(view.startAnglesPicked):
        qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=viewport_point(view, 0.0, 195.0))
        qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=viewport_point(view, 0.0, -195.0))


def test_hover_reads_the_exact_error(qtbot, view):
    hover(qtbot, view, 22.0, -20.0, lambda: view.readout.text().startswith("w1 = "))
    w1, w2, e = (float(part.split("= ")[1].rstrip("°")) for part in view.readout.text().split(", "))
    pixel_deg = 400.0 / view.plot.getPlotItem().vb.width()
    assert abs(w1 - 22.0) < pixel_deg and abs(w2 + 20.0) < pixel_deg
    # E of the angles shown (what a click there would pick), to the 4 digits printed
    assert e == pytest.approx(float(view.landscape.error_at(math.radians(w1), math.radians(w2))), rel=1e-3)
    hover(qtbot, view, 0.0, 200.0, lambda: view.readout.text() == HINT)      # off the map: the hint again


def test_other_joints_and_the_swap_when_both_combos_agree(qtbot, view):
    p = Params(angles_deg=(10.0, 20.0, 30.0, 40.0))
    view.set_params(p)
    assert view.joints == (0, 1)
    pick_joints(qtbot, view, 1, 3)
    np.testing.assert_array_equal(view.image.image, shade(grid(p, 1, 3).errors))
    assert (view.start_marker.pos().x(), view.start_marker.pos().y()) == (20.0, 40.0)
    view.combo_j.setCurrentIndex(1)           # the user picks joint 2 for both axes...
    view.combo_j.activated.emit(1)
    assert view.joints == (3, 1)              # ...so the other axis takes the joint just given up


def test_moving_a_box_onto_the_other_joint_by_keyboard_swaps_them(qtbot, view):
    p = Params(angles_deg=(10.0, 20.0, 30.0))
    view.set_params(p)
    qtbot.keyClick(view.combo_i, Qt.Key_Down)          # joint 1 -> joint 2, which the other box shows
    assert view.joints == (1, 0)
    np.testing.assert_array_equal(view.image.image, shade(grid(p, 1, 0).errors))
    qtbot.keyClick(view.combo_j, Qt.Key_Down)          # joint 1 -> joint 2 again: they swap back
    assert view.joints == (0, 1)
    np.testing.assert_array_equal(view.image.image, shade(grid(p, 0, 1).errors))


def test_one_link_arm_shows_a_message(view):
    view.set_params(Params(angles_deg=(30.0,)))
    assert view.message.isVisible() and "one link" in view.message.text()
    assert not view.plot.isVisible() and not view.combo_i.isVisible()
    assert view.landscape is None
    view.set_history(np.zeros((3, 1)))        # harmless without a map
    view.set_params(Params())
    assert view.plot.isVisible() and not view.message.isVisible()


@pytest.mark.parametrize("kind", ["converging", "rocking", "wrapping"])
def test_a_long_path_is_thinned_without_losing_its_shape(kind):
    k = 50_000
    t = np.arange(k, dtype=float)
    if kind == "converging":          # creeps to a point and sits there
        x, y = 100 * np.exp(-t / 500), -50 * np.exp(-t / 800)
    elif kind == "rocking":           # hot and cold near the goal: two points forever
        x, y = np.where(t % 2 == 0, 10.0, 14.0), np.full(k, 3.0)
    else:                             # keeps turning, leaving one edge and entering at the other
        x, y = (t * 7.3 + 180) % 360 - 180, np.sin(t / 50) * 90
    connect = np.ones(k, dtype=bool)
    connect[:-1] = np.abs(np.diff(x)) < 180
    connect[-1] = False
    idx, joined = thin(x, y, connect, quantum=0.1, most=2000)
    assert len(idx) < k / 10
    assert idx[0] == 0 and idx[-1] == k - 1 and np.all(np.diff(idx) > 0)
    wraps = np.flatnonzero(~connect[:-1])
    assert np.isin(wraps, idx).all() and np.isin(wraps + 1, idx).all()
    # a drawn segment joins two kept points exactly when the original path ran unbroken between them
    expected = [connect[a:b].all() for a, b in zip(idx[:-1], idx[1:])]
    np.testing.assert_array_equal(joined, expected + [False])
    # every dropped point lies within a quantum of the kept point before it, or the path rocks/jumps
    if kind == "converging":
        last = idx[np.searchsorted(idx, np.arange(k), side="right") - 1]
        assert np.abs(x - x[last]).max() <= 0.1 and np.abs(y - y[last]).max() <= 0.1
    np.testing.assert_array_equal(thin(x[:100], y[:100], connect[:100], most=2000)[0], np.arange(100))


def test_a_covered_map_draws_the_path_when_it_shows(view):
    """A long run's path is mapped only once the map can be seen (the window tells it)."""
    p = Params(eta=0.3, epochs=40)
    result = solve(p)
    view.set_shown(False)
    view.set_history(result.angles)
    assert empty(view.path)                          # covered: not mapped yet
    view.set_shown(True)
    np.testing.assert_array_equal(view.path.xData, path_on(grid(p), result.angles).wi_deg)


def test_the_window_tells_the_map_when_its_tab_shows(qtbot, make_window):
    window = make_window(Params(epochs=25))
    window.docks.inspector_dock.raise_()
    result = run_to_end(qtbot, window)
    assert empty(window.landscape_view.path)         # the chain-rule tab covered it through the run
    window.docks.landscape_dock.raise_()
    qtbot.waitUntil(lambda: not empty(window.landscape_view.path), timeout=3000)
    land = window.landscape_view.landscape
    np.testing.assert_array_equal(window.landscape_view.path.xData, path_on(land, result.angles).wi_deg)


# --------------------------------------------------------------------------- every task, convention and limits
REACH = Params(angles_deg=(30.0, -40.0, 20.0), reach=(1.2, 1.4), relative=True,
               min_angles_deg=(-60.0, -90.0, -45.0), max_angles_deg=(90.0, 45.0, 60.0))


@pytest.mark.parametrize("p", [Params(reach=(1.5, 1.0)), Params(relative=True, target=0.4),
                               REACH], ids=["reach", "relative", "reach-relative-limits"])
def test_the_map_follows_the_setups_task_and_convention(view, p):
    view.set_params(p)
    land = landscape_for(p, 0, 1, n=GRID_POINTS)
    np.testing.assert_array_equal(view.image.image, shade(land.errors))
    np.testing.assert_array_equal(view.landscape.errors, land.errors)
    assert not np.allclose(view.landscape.errors, grid(p).errors)        # not the post's lateral map
    assert_cells_in_place(view, land)
    s = "q" if p.relative else "w"
    assert view.plot.getPlotItem().getAxis("bottom").labelText.startswith(f"{s}1, ")
    assert view.plot.getPlotItem().getAxis("left").labelText.startswith(f"{s}2, ")
    if p.reach is not None:             # the reach point's X is part of the map too
        moved = p.with_(reach=(p.reach[0] - 0.5, p.reach[1]))
        view.set_params(moved)
        np.testing.assert_array_equal(view.landscape.errors, landscape_for(moved, 0, 1, n=GRID_POINTS).errors)


def test_the_window_maps_a_reach_run_over_its_own_parameters(qtbot, make_window):
    window = make_window(REACH.with_(epochs=40))
    window.docks.landscape_dock.raise_()
    qtbot.waitUntil(lambda: window.docks.landscape_dock.built, timeout=3000)
    view = window.landscape_view
    np.testing.assert_array_equal(view.landscape.errors, landscape_for(REACH, 0, 1, n=GRID_POINTS).errors)
    result = run_to_end(qtbot, window)
    qtbot.waitUntil(lambda: not empty(view.path), timeout=3000)
    path = path_on(view.landscape, result.angles)              # Result.angles: the relative q's
    np.testing.assert_array_equal(view.path.xData, path.wi_deg)
    np.testing.assert_array_equal(view.path.yData, path.wj_deg)
    assert marker_point(view) == (path.wi_deg[-1], path.wj_deg[-1])


def veils(view):
    """The out-of-range bands drawn, as (x0, x1, y0, y1) in degrees."""
    return sorted((r.rect().left(), r.rect().right(), r.rect().top(), r.rect().bottom())
                  for r in (v for v in view.limit_veils if v.isVisible()))


def test_the_limits_are_drawn_where_they_are(view):
    half = 0.5 * 360.0 / (GRID_POINTS - 1)              # the image is half a cell wider than the axes
    lo, hi = -180.0 - half, 180.0 + half
    view.set_params(REACH)                              # joint 1: -60..90, joint 2: -90..45
    np.testing.assert_allclose(veils(view), sorted([(lo, -60.0, lo, hi), (90.0, hi, lo, hi),
                                                    (lo, hi, lo, -90.0), (lo, hi, 45.0, hi)]), atol=1e-9)
    x, y = curve(view.limit_lines)
    lines = sorted(zip(x[::2], x[1::2], y[::2], y[1::2]))
    np.testing.assert_allclose(lines, sorted([(-60.0, -60.0, lo, hi), (90.0, 90.0, lo, hi),
                                              (lo, hi, -90.0, -90.0), (lo, hi, 45.0, 45.0)]), atol=1e-9)
    assert view.limit_lines.opts["connect"] == "pairs"
    for v in view.limit_veils:          # over the map, under the path and the markers
        assert view.image.zValue() < v.zValue() < view.path.zValue()
    assert v.zValue() < view.start_marker.zValue() and view.readout.text() == LIMITS_HINT
    # a range across the map's edge (170..270 degrees) comes back in at the other edge
    wrapped = Params(angles_deg=(0.0, 200.0), min_angles_deg=(-180.0, 170.0), max_angles_deg=(180.0, 270.0))
    view.set_params(wrapped)
    np.testing.assert_allclose(veils(view), [(lo, hi, -90.0, 170.0)], atol=1e-9)
    assert sorted(curve(view.limit_lines)[1][::2]) == pytest.approx([-90.0, 170.0])
    view.set_params(Params())           # no limits: nothing drawn
    assert view.limit_veils == [] and empty(view.limit_lines) and view.readout.text() == HINT


def test_a_click_beyond_the_limits_picks_no_start(qtbot, view):
    view.set_params(REACH)
    with qtbot.assertNotEmitted(view.startAnglesPicked):
        qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=viewport_point(view, 120.0, 0.0))
        qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=viewport_point(view, 0.0, -120.0))
    with qtbot.waitSignal(view.startAnglesPicked, timeout=2000) as picked:
        qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=viewport_point(view, 40.0, -30.0))
    pixel_deg = 400.0 / view.plot.getPlotItem().vb.width()
    assert abs(picked.args[2] - 40.0) < pixel_deg and abs(picked.args[3] + 30.0) < pixel_deg
    # a range across the edge: a click at -120 on the map starts the joint at 240, the turn within its limits
    view.set_params(Params(angles_deg=(0.0, 200.0), min_angles_deg=(-180.0, 170.0), max_angles_deg=(180.0, 270.0)))
    with qtbot.waitSignal(view.startAnglesPicked, timeout=2000) as picked:
        qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=viewport_point(view, 10.0, -120.0))
    assert abs(picked.args[3] - 240.0) < pixel_deg
    assert Params(angles_deg=(picked.args[2], picked.args[3]), min_angles_deg=(-180.0, 170.0),
                  max_angles_deg=(180.0, 270.0)).angles_deg[1] == picked.args[3]        # the setup takes it


def test_hover_names_the_parameters_and_the_limits(qtbot, view):
    view.set_params(REACH)
    hover(qtbot, view, 120.0, 0.0, lambda: view.readout.text().startswith("q1 = "))
    assert "(beyond the limits of joint 1: no start here)" in view.readout.text()
    q1, q2 = (float(part.split("= ")[1].rstrip("°")) for part in view.readout.text().split(", ")[:2])
    e = float(view.readout.text().split("E = ")[1].split(" ")[0])
    assert e == pytest.approx(float(view.landscape.error_at(math.radians(q1), math.radians(q2))), rel=1e-3)
    hover(qtbot, view, 10.0, 0.0, lambda: "beyond" not in view.readout.text())
    assert view.readout.text().startswith("q1 = ")


def test_a_screenshot_of_the_window_shows_the_veiled_bands(qtbot, make_window, tmp_path):
    """The grabbed window: a band beyond a limit is the map's colour veiled by the background."""
    window = make_window(REACH)
    window.resize(1400, 1000)
    window.docks.landscape_dock.raise_()
    qtbot.waitUntil(lambda: window.docks.landscape_dock.built, timeout=3000)
    view = window.landscape_view
    qtbot.waitUntil(lambda: view.plot.isVisible() and view.plot.width() > 300, timeout=3000)
    shot = tmp_path / "landscape.png"
    assert window.grab().save(str(shot))
    image = QImage(str(shot))
    land, ratio = view.landscape, image.width() / window.width()
    lut = pg.colormap.get("viridis").getLookupTable(nPts=256)

    def seen(x_deg, y_deg):
        scene = view.plot.getPlotItem().vb.mapViewToScene(QPointF(x_deg, y_deg))
        at = view.plot.viewport().mapTo(window, view.plot.mapFromScene(scene))
        c = image.pixelColor(round(at.x() * ratio), round(at.y() * ratio))
        return np.array([c.red(), c.green(), c.blue()], dtype=float)

    def colour(x_deg, y_deg):
        a, b = np.argmin(np.abs(land.wi_deg - x_deg)), np.argmin(np.abs(land.wj_deg - y_deg))
        lo, hi = view.bar.levels()
        level = (view.image.image[a, b] - lo) / (hi - lo)
        return lut[int(np.clip(level, 0, 1) * 255)].astype(float)

    alpha = VEIL_ALPHA / 255
    # away from the start marker (30, -40) and the limit lines; joint 1 is limited to -60..90, joint 2 to -90..45
    for x_deg, y_deg, veiled in ((-30.0, 20.0, 0), (150.0, 20.0, 1), (-30.0, 120.0, 1), (150.0, 120.0, 2)):
        want = colour(x_deg, y_deg)
        for _ in range(veiled):             # white veils, one per joint out of range
            want = alpha * 255.0 + (1 - alpha) * want
        assert np.abs(seen(x_deg, y_deg) - want).max() < 8, (x_deg, y_deg, seen(x_deg, y_deg), want)
