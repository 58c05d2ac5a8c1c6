import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim import Params, solve
from armsim.core import landscape
from armsim.core.kinematics import Task, error, lateral
from armsim.core.landscape import error_grid, landscape_for, path_on
from armsim.core.params import ParamError
from tests.core.reference_2d import ref_error


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


# --------------------------------------------------------------------------- every task and convention
AIMS = {"lateral": lambda: (None, 0.7, ("lateral", 0.7)), "reach": lambda: (1.3, -0.4, ("reach", 1.3, -0.4))}


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
@pytest.mark.parametrize("task", ["lateral", "reach"])
@pytest.mark.parametrize("i, j", [(1, 3), (3, 0)])
def test_every_cell_is_the_plain_error_of_its_pose_for_every_task_and_convention(task, relative, i, j):
    q = [0.4, -1.1, 2.0, 0.3]
    Ls, base = [1.0, 0.6, 1.4, 0.8], 0.25
    reach_x, goal, aim = AIMS[task]()
    land = error_grid(q, Ls, base, goal, i, j, n=23, span=(-2.9, 3.1), reach_x=reach_x, relative=relative)
    assert land.errors.shape == (23, 23) and not land.errors.flags.writeable
    ref = np.empty((23, 23))
    for a, b in np.ndindex(23, 23):
        pose = list(q)
        pose[i], pose[j] = float(land.wi[a]), float(land.wj[b])
        ref[a, b] = ref_error(pose, Ls, base, aim, relative)
    np.testing.assert_allclose(land.errors, ref, rtol=0, atol=1e-12)
    # the learner's own error, bit for bit, for every option (the post's task keeps its fast, separable sum)
    if task == "reach" or relative:
        poses = np.tile(q, (23 * 23, 1))
        poses[:, i], poses[:, j] = np.repeat(land.wi, 23), np.tile(land.wj, 23)
        task_of = Task(np.array(Ls), base, goal, reach_x, relative)
        np.testing.assert_array_equal(land.errors, task_of.errors(poses).reshape(23, 23))


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
@pytest.mark.parametrize("task", ["lateral", "reach"])
def test_error_at_is_exact_between_the_grid_points(task, relative):
    q, Ls, base = [0.4, -1.1, 2.0], [1.0, 0.6, 1.4], -0.3
    reach_x, goal, aim = AIMS[task]()
    land = error_grid(q, Ls, base, goal, 2, 0, n=5, reach_x=reach_x, relative=relative)
    rng = np.random.default_rng(7)
    pi, pj = rng.uniform(-4, 4, size=(3, 4)), rng.uniform(-4, 4, size=4)      # broadcast: (3, 4)
    got = land.error_at(pi, pj)
    assert got.shape == (3, 4)
    for a, b in np.ndindex(3, 4):
        pose = [float(pj[b]), q[1], float(pi[a, b])]
        assert got[a, b] == pytest.approx(ref_error(pose, Ls, base, aim, relative), abs=1e-13, rel=1e-13)
    one = land.error_at(0.1234, -2.5)
    assert one == pytest.approx(ref_error([-2.5, q[1], 0.1234], Ls, base, aim, relative), abs=1e-13, rel=1e-13)


def test_a_grid_made_block_by_block_equals_one_made_at_once(monkeypatch):
    q, Ls = [0.4, -1.1, 2.0, 0.3, 1.2], [1.0, 0.6, 1.4, 0.8, 0.5]
    whole = error_grid(q, Ls, 0.1, 0.5, 1, 3, n=41, reach_x=-0.8, relative=True)
    monkeypatch.setattr(landscape, "BLOCK", 13)         # a few poses a block, and a last block cut short
    blocks = error_grid(q, Ls, 0.1, 0.5, 1, 3, n=41, reach_x=-0.8, relative=True)
    np.testing.assert_array_equal(blocks.errors, whole.errors)
    np.testing.assert_array_equal(blocks.error_at(whole.wi[:, None], whole.wj[None, :]), whole.errors)


@pytest.mark.parametrize("params", [
    Params(angles_deg=(30.0, -40.0), reach=(1.2, 0.9), lengths=(1.0, 0.8), epochs=60, eta=0.3),
    Params(angles_deg=(30.0, -40.0), relative=True, target=0.6, epochs=60, eta=0.3),
    Params(angles_deg=(30.0, -40.0), reach=(0.3, 1.1), relative=True, epochs=60, eta=0.3),
], ids=["reach", "relative", "reach-relative"])
def test_a_two_link_run_descends_on_its_own_map(params):
    """With two links nothing is held: the map's error along a run's path is the run's own error."""
    result = solve(params)
    land = landscape_for(params, 0, 1, n=50)
    assert (land.reach_x, land.relative) == ((None if params.reach is None else params.reach[0]), params.relative)
    path = path_on(land, result.angles)         # Result.angles: the learner's own parameters
    np.testing.assert_allclose(land.error_at(path.wi, path.wj), result.errors, rtol=1e-12, atol=1e-15)
    assert result.errors[-1] < 1e-3 * result.errors[0]


def test_landscape_for_is_error_grid_of_the_setup():
    p = Params(angles_deg=(20.0, -30.0, 45.0), lengths=(1.0, 0.5, 0.8), base=0.2, reach=(0.9, 1.1), relative=True)
    land = landscape_for(p, 2, 1, n=30)
    same = error_grid(np.radians(p.angles_deg), p.lengths, 0.2, 1.1, 2, 1, n=30, reach_x=0.9, relative=True)
    np.testing.assert_array_equal(land.errors, same.errors)
    assert land.lo is None and land.allowed_i == ((-math.pi, math.pi),) == land.allowed_j
    post = landscape_for(Params(), 0, 1)
    np.testing.assert_array_equal(post.errors, error_grid(np.radians(Params().angles_deg), None, 0.0, 0.0, 0, 1).errors)


def test_the_allowed_parts_of_each_axis_follow_the_limits_around_the_turn():
    p = Params(angles_deg=(0.0, 200.0, 0.0, 10.0), min_angles_deg=(-60.0, 170.0, -400.0, -10.0),
               max_angles_deg=(90.0, 270.0, 400.0, 30.0))
    r = np.radians
    np.testing.assert_allclose(landscape_for(p, 0, 1, n=9).allowed_i, [r([-60.0, 90.0])])
    # 170..270 degrees: 170..180 on the map, and -180..-90 (270 less a turn)
    np.testing.assert_allclose(landscape_for(p, 0, 1, n=9).allowed_j, [r([-180.0, -90.0]), r([170.0, 180.0])])
    assert landscape_for(p, 2, 0, n=9).allowed_i == ((-math.pi, math.pi),)       # wider than a turn: all of it
    only_min = Params(angles_deg=(0.0, 0.0), min_angles_deg=(-45.0, -180.0))   # -90 is allowed: as 270
    assert landscape_for(only_min, 0, 1, n=9).allowed_i == ((-math.pi, math.pi),)
    # a narrow map around the start: joint 4 (at 10, limited to -10..30) is cut at 30 but not at -10
    zoom = landscape_for(p, 3, 0, n=9, span=(-0.3, 0.5), centre=True)
    np.testing.assert_allclose(zoom.allowed_i, [(zoom.wi[0], r(30.0))])
    far = error_grid([0.0, 0.0], None, 0.0, 0.0, 0, 1, n=9, span=(2.0, 2.5), limits=([-0.5, -1.0], [0.5, 1.0]))
    assert far.allowed_i == () and far.allowed_j == ()     # no turn of -0.5..0.5 lies on 2.0..2.5


def test_bad_options_are_refused_by_name():
    with pytest.raises(ParamError, match="reach_x"):
        error_grid([0.0, 1.0], None, 0.0, 0.0, 0, 1, reach_x=math.nan)
    with pytest.raises(ParamError, match="limits"):
        error_grid([0.0, 1.0], None, 0.0, 0.0, 0, 1, limits=([0.0], [1.0]))
    with pytest.raises(ParamError, match="limits"):
        error_grid([0.0, 1.0], None, 0.0, 0.0, 0, 1, limits=([0.0, 2.0], [1.0, 1.0]))
