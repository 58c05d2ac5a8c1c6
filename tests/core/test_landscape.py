import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim import Params, solve
from armsim.core.kinematics import error, lateral
from armsim.core.landscape import error_grid, path_on
from armsim.core.params import ParamError


@st.composite
def maps(draw):
    links = draw(st.integers(2, 7))
    w = np.array(draw(st.lists(st.floats(-4, 4), min_size=links, max_size=links)))
    L = np.array(draw(st.lists(st.floats(0.1, 3), min_size=links, max_size=links)))
    i, j = draw(st.lists(st.integers(0, links - 1), min_size=2, max_size=2, unique=True))
    return w, L, draw(st.floats(-2, 2)), draw(st.floats(-4, 4)), i, j, draw(st.booleans())


@settings(max_examples=60, deadline=None)
@given(maps(), st.randoms(use_true_random=False))
def test_every_cell_is_the_error_of_the_full_pose(arm, rnd):
    w, L, base, goal, i, j, centre = arm
    land = error_grid(w, L, base, goal, i, j, n=37, span=(-1.5, 2.5), centre=centre)
    for _ in range(25):
        a, b = rnd.randrange(37), rnd.randrange(37)
        pose = w.copy()
        pose[i], pose[j] = land.wi[a], land.wj[b]
        assert land.errors[a, b] == pytest.approx(error(lateral(pose, L, base)[-1], goal), abs=1e-12, rel=1e-12)
        assert land.error_at(land.wi[a], land.wj[b]) == pytest.approx(land.errors[a, b], abs=1e-14)


def test_axes_shapes_and_units():
    w = np.radians([22.0, -20.0, 14.0])
    land = error_grid(w, None, 0.0, 0.0, 2, 0, n=50)
    assert land.errors.shape == (50, 50) and land.wi.shape == land.wj.shape == (50,)
    assert (land.i, land.j) == (2, 0)
    assert land.wi[0] == -math.pi and land.wi[-1] == math.pi and np.all(np.diff(land.wi) > 0)
    np.testing.assert_allclose(land.wi_deg, np.linspace(-180, 180, 50))
    # rows follow joint i: moving along a row changes only joint j (here joint 0)
    pose = w.copy()
    pose[2], pose[0] = land.wi[7], land.wj[31]
    assert land.errors[7, 31] == pytest.approx(error(lateral(pose, None, 0.0)[-1], 0.0), abs=1e-15)
    assert not land.errors.flags.writeable
    centred = error_grid(w, None, 0.0, 0.0, 0, 1, n=5, span=(-0.1, 0.1), centre=True)
    np.testing.assert_allclose(centred.wi, w[0] + np.linspace(-0.1, 0.1, 5))
    np.testing.assert_allclose(centred.wj, w[1] + np.linspace(-0.1, 0.1, 5))


def test_the_zero_valley_passes_through_a_converged_runs_final_pose():
    result = solve(Params(epochs=400))
    final = result.angles[-1]
    assert result.errors[-1] < 1e-25
    land = error_grid(final, None, 0.0, 0.0, 0, 1, n=201, span=(-0.5, 0.5), centre=True)
    a = int(np.argmin(np.abs(land.wi - final[0])))
    b = int(np.argmin(np.abs(land.wj - final[1])))
    assert (a, b) == (100, 100)
    assert land.errors[a, b] < 1e-25 and land.errors[a, b] <= land.errors.min() + 1e-15
    assert land.error_at(final[0], final[1]) < 1e-25
    # the final pose is the lowest point of its row and of its column: it sits in the valley floor
    assert np.argmin(land.errors[a]) == b and np.argmin(land.errors[:, b]) == a
    # and the valley is a thin curve: most of the map is well above it
    assert np.median(land.errors) > 1e-3 and np.mean(land.errors < 1e-6) < 0.02


def test_the_path_is_the_runs_angles_when_they_fit_the_map():
    result = solve(Params())
    land = error_grid(result.angles[-1], None, 0.0, 0.0, 0, 2)
    path = path_on(land, result.angles)
    np.testing.assert_array_equal(path.wi, result.angles[:, 0])
    np.testing.assert_array_equal(path.wj, result.angles[:, 2])
    assert path.connect[:-1].all() and not path.connect[-1] and path.inside.all()
    np.testing.assert_allclose(path.wi_deg, np.degrees(result.angles[:, 0]))
    # the path descends: the map's error along it falls, as the run's did (others held at the final pose)
    along = land.error_at(path.wi, path.wj)
    assert along[-1] < along[0]


def test_a_path_that_turns_past_the_edge_is_wrapped_and_broken_there():
    history = np.zeros((5, 2))
    history[:, 0] = np.radians([170.0, 178.0, 186.0, 194.0, 200.0 + 360.0])
    history[:, 1] = np.radians([-10.0, -5.0, 0.0, 5.0, 10.0])
    land = error_grid(history[0], None, 0.0, 0.0, 0, 1, n=20)
    path = path_on(land, history)
    np.testing.assert_allclose(path.wi_deg, [170.0, 178.0, -174.0, -166.0, -160.0])
    np.testing.assert_allclose(path.wj_deg, [-10.0, -5.0, 0.0, 5.0, 10.0])
    # 178 -> 186 crosses the edge at 180; 194 -> 560 turns a whole circle more, so it is not a short step either
    assert path.connect.tolist() == [True, False, True, False, False]
    assert path.inside.all()
    zoomed = error_grid(history[0], None, 0.0, 0.0, 0, 1, n=20, span=(-0.2, 0.2), centre=True)
    near = path_on(zoomed, history)       # wrapped towards this map's centre (170 degrees), not across 180
    np.testing.assert_allclose(near.wi_deg, [170.0, 178.0, 186.0, 194.0, 200.0])
    assert near.connect.tolist() == [True, True, True, False, False]
    assert near.inside.tolist() == [True, True, False, False, False]


@pytest.mark.parametrize("kwargs, field", [
    (dict(i=0, j=0), "j"), (dict(i=3, j=0), "i"), (dict(i=0, j=1.5), "j"),
    (dict(i=0, j=1, n=1), "n"), (dict(i=0, j=1, n=2.5), "n"), (dict(i=0, j=1, span=(1.0, -1.0)), "span"),
    (dict(i=0, j=1, span=(0.0, math.inf)), "span"), (dict(i=0, j=1, span=3.0), "span"),
])
def test_bad_maps_are_refused_by_name(kwargs, field):
    with pytest.raises(ParamError, match=field):
        error_grid(np.zeros(3), None, 0.0, 0.0, **kwargs)


def test_bad_poses_are_refused():
    with pytest.raises(ParamError, match="angles"):
        error_grid([0.0, math.nan], None, 0.0, 0.0, 0, 1)
    with pytest.raises(ParamError, match="lengths"):
        error_grid([0.0, 1.0], [1.0], 0.0, 0.0, 0, 1)
    with pytest.raises(ParamError, match="goal"):
        error_grid([0.0, 1.0], None, 0.0, math.nan, 0, 1)
    land = error_grid([0.0, 1.0], None, 0.0, 0.0, 0, 1, n=4)
    with pytest.raises(ParamError, match="angles_history"):
        path_on(land, np.zeros((3, 3)))
