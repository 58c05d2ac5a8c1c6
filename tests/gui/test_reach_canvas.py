"""The arm canvas for the 2-D model: relative joints drawn where the core puts them, the reach target as a
point, and each limited joint's range at the pose shown."""
import math

import numpy as np

from armsim import Params
from armsim.render.arm_plot import RANGE_RADIUS
from tests.helpers import curve, run_to_end

REACH = Params(angles_deg=(60.0, -30.0, -40.0), reach=(1.2, 1.6), relative=True, eta=0.1, epochs=40,
               min_angles_deg=(-10.0, -90.0, -90.0), max_angles_deg=(100.0, 90.0, 90.0))


def test_relative_poses_are_drawn_where_the_core_puts_the_joints(qtbot, make_window):
    window = make_window(REACH, speed=math.inf)
    result = run_to_end(qtbot, window)
    x, y = curve(window.arm_view.final_curve)
    jx, jy = result.positions(-1)
    np.testing.assert_array_equal(x, np.concatenate(([0.0], jx)))
    np.testing.assert_array_equal(y, np.concatenate(([REACH.base], jy)))
    sx, sy = curve(window.arm_view.start_curve)
    jx, jy = result.positions(0)
    np.testing.assert_array_equal(sx[1:], jx)
    # Read as absolute angles, the start pose would put the second joint elsewhere.
    assert not math.isclose(sy[2], math.sin(math.radians(60)) + math.sin(math.radians(-30)))


def test_the_reach_target_is_a_point_and_the_line_is_hidden(qtbot, make_window):
    window = make_window(REACH)
    view = window.arm_view
    px, py = view.target_point.getData()
    assert (list(px), list(py)) == ([1.2], [1.6])
    assert not view.target_line.isVisible() and view.target_label.toPlainText() == "target (1.2, 1.6)"
    (x0, x1), (y0, y1) = view.getPlotItem().vb.viewRange()
    assert x0 < 1.2 < x1 and y0 < 1.6 < y1
    window.state.set_params(Params())                      # back to the post's task: the line, no point
    assert view.target_line.isVisible() and len(view.target_point.getData()[0]) == 0


def test_each_limited_joint_s_range_is_drawn_at_the_pose_shown(qtbot, make_window):
    window = make_window(REACH, speed=math.inf)
    view = window.arm_view

    def spokes_of(angles_deg):
        """The expected spoke ends: joint i at its limits, relative to link i-1's direction."""
        theta = np.cumsum(np.radians(angles_deg))
        x, y = np.concatenate(([0.0], np.cumsum(np.cos(theta)))), np.concatenate(([0.0], np.cumsum(np.sin(theta))))
        ends = []
        for i, (lo, hi) in enumerate(zip(REACH.min_angles_deg, REACH.max_angles_deg)):
            zero = theta[i - 1] if i else 0.0
            for limit in (lo, hi):
                a = zero + math.radians(limit)
                ends.append((x[i] + RANGE_RADIUS * math.cos(a), y[i] + RANGE_RADIUS * math.sin(a)))
        return ends

    def drawn():
        x, y = view.limits.getData()
        return list(zip(x, y))

    for angles in (REACH.angles_deg, None):
        if angles is None:
            result = run_to_end(qtbot, window)
            angles = np.degrees(result.angles[-1])
        points = drawn()
        for ex, ey in spokes_of(angles):       # every limit's spoke end is on the drawn path
            assert min(math.hypot(px - ex, py - ey) for px, py in points if np.isfinite(px)) < 1e-9
    window.state.set_params(Params())
    assert len(view.limits.getData()[0] if view.limits.getData()[0] is not None else []) == 0


def test_the_meter_judges_a_reach_setup_by_its_own_stability(qtbot, make_window):
    """The window passed the meter only eta, angles and lengths, so a reach setup with relative joints was
    judged by the post's lateral rule (2/S)."""
    from armsim.core.verdict import verdict_for
    setup = Params(angles_deg=(60.0, -30.0, -40.0), reach=(1.0, 1.5), relative=True, eta=0.1)
    window = make_window(setup)
    meter = window.controls.meter
    expected = verdict_for(setup, setup.eta, np.radians(setup.angles_deg))
    assert "2/λ" in meter.text() and meter.verdict.kind == expected.kind
    assert f"{expected.eta_crit:.4g}" in meter.text()
