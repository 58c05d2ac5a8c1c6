"""The model's options: the reach task, relative joints and joint limits, against plain Python.

The reference is tests/core/reference_2d.py (plain Python, no armsim code).
"""
import math
from math import cos, fsum, pi, radians, sin

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim import Params, Run, iter_epochs, solve, solve_batch
from armsim.core.kinematics import Task, curvature
from armsim.core.params import ParamError
from armsim.core.run import least_error
from armsim.core.verdict import eta_verdict, stiffness_at, verdict_for
from tests.core.reference_2d import joints, ref_error, ref_gradient, ref_run
from tests.helpers import POST_FINAL, POST_START


def aim_of(p: Params):
    return ("lateral", p.goal) if p.reach is None else ("reach", *p.reach)


# --------------------------------------------------------------------------- random setups
@st.composite
def setups(draw, task=None, relative=None, limited=None, learners=("gradient", "hotcold")):
    n = draw(st.integers(1, 5))
    angles = draw(st.lists(st.floats(-170, 170), min_size=n, max_size=n))
    lengths = draw(st.none() | st.lists(st.floats(0.2, 2.5), min_size=n, max_size=n))
    Ls = [1.0] * n if lengths is None else lengths
    span = fsum(Ls)
    inner = max(0.0, 2 * max(Ls) - span)
    base = draw(st.floats(-1.5, 1.5))
    task = draw(st.sampled_from(["lateral", "reach"])) if task is None else task
    relative = draw(st.booleans()) if relative is None else relative
    limited = draw(st.booleans()) if limited is None else limited
    kw = {}
    if task == "lateral":
        kw["target"] = draw(st.none() | st.floats(-1.2, 1.2).map(lambda f: base + f * span))
    else:
        # within reach, beyond it, or (for an arm with a hole) inside the inner radius
        r = draw(st.floats(0.0, 1.0).map(lambda f: inner + f * (span - inner))
                 | st.floats(1.01, 1.6).map(lambda f: f * span)
                 | st.floats(0.0, 0.9).map(lambda f: f * inner))
        a = draw(st.floats(-pi, pi))
        kw["reach"] = (r * cos(a), base + r * sin(a))
    if limited:
        los = draw(st.lists(st.none() | st.floats(0, 120), min_size=n, max_size=n))
        his = draw(st.lists(st.none() | st.floats(0, 120), min_size=n, max_size=n))
        if draw(st.booleans()):
            kw["min_angles_deg"] = tuple(None if d is None else a - d for a, d in zip(angles, los))
        if draw(st.booleans()) or "min_angles_deg" not in kw:
            kw["max_angles_deg"] = tuple(None if d is None else a + d for a, d in zip(angles, his))
    eta = draw(st.floats(1e-3, 0.3) | st.floats(0.3, 3.0))
    return Params(angles_deg=tuple(angles), lengths=None if lengths is None else tuple(lengths), base=base,
                  eta=eta, epochs=draw(st.integers(0, 60)), tol=draw(st.sampled_from([0.0, 1e-8, 1e-3])),
                  learner=draw(st.sampled_from(learners)), relative=relative, **kw)


def close(a, b, tol=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol))


# --------------------------------------------------------------------------- solve against the reference
COMBINATIONS = [(task, relative, limited) for task in ("lateral", "reach") for relative in (False, True)
                for limited in (False, True)]


@pytest.mark.parametrize("task, relative, limited", COMBINATIONS,
                         ids=[f"{t}-{'relative' if r else 'absolute'}-{'limits' if m else 'free'}"
                              for t, r, m in COMBINATIONS])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_solve_equals_a_plain_python_implementation_in_every_epoch(task, relative, limited, data):
    p = data.draw(setups(task, relative, limited))
    result = solve(p)
    poses, errors, status = ref_run(p.angles_deg, p.lengths, p.base, aim_of(p), p.relative, p.min_angles_deg,
                                    p.max_angles_deg, p.learner, p.eta, p.epochs, p.tol)
    assert result.status == status and result.epochs_run == len(poses) - 1
    assert close(result.angles, poses), "angles"
    assert close(result.errors, errors), "errors"
    for j in range(result.epochs_run + 1):
        x, y = result.positions(j)
        rx, ry = joints(poses[j], p.lengths, p.base, p.relative)
        assert close(x, rx) and close(y, ry), f"positions of epoch {j}"
    if p.limited:
        lo = np.radians([-np.inf if v is None else v for v in p.min_angles_deg or [None] * p.n_links])
        hi = np.radians([np.inf if v is None else v for v in p.max_angles_deg or [None] * p.n_links])
        assert np.all(result.angles >= lo) and np.all(result.angles <= hi)


@settings(max_examples=60, deadline=None)
@given(setups(), st.data())
def test_run_in_chunks_and_iter_epochs_equal_solve_with_the_options(p, data):
    want = solve(p)
    run = Run(p)
    while run.status is None:
        run.advance(data.draw(st.integers(0, 25)))
    got = run.result()
    assert (got.status, got.reason) == (want.status, want.reason)
    assert np.array_equal(got.angles, want.angles) and np.array_equal(got.errors, want.errors)
    records = list(iter_epochs(p))
    assert [r.angles.tolist() for r in records] == want.angles.tolist()
    assert [r.error for r in records] == want.errors.tolist()
    assert (records[-1].status, records[-1].reason) == (want.status, want.reason)
    for j, rec in enumerate(records):         # Result.epoch rebuilds the stream's record bit for bit
        for name, a, b in zip(rec._fields, want.epoch(j), rec._replace(status=None, reason="")):
            assert (np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b), (j, name)


# --------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("task, relative", [(t, r) for t in ("lateral", "reach") for r in (False, True)])
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_gradient_of_every_combination_matches_central_differences(task, relative, data):
    p = data.draw(setups(task, relative, limited=False, learners=("gradient",)))
    q = [radians(a) for a in p.angles_deg]
    aim = aim_of(p)
    h = 1e-6
    numeric = []
    for i in range(len(q)):
        up = [v + h if k == i else v for k, v in enumerate(q)]
        down = [v - h if k == i else v for k, v in enumerate(q)]
        numeric.append((ref_error(up, p.lengths, p.base, aim, relative)
                        - ref_error(down, p.lengths, p.base, aim, relative)) / (2 * h))
    recs = list(iter_epochs(p.with_(epochs=1, tol=0.0)))     # one record more, unless the start already ends it
    t = Task(None if p.lengths == (1.0,) * p.n_links else np.array(p.lengths), p.base, p.goal,
             None if p.reach is None else p.reach[0], relative)
    w = np.array(q)
    engine = t.gradient(w, *t.end(w)).dE_dw
    np.testing.assert_allclose(engine, numeric, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(engine, ref_gradient(q, p.lengths, p.base, aim, relative), rtol=0, atol=1e-12)
    assert len(recs) == 1 or np.array_equal(recs[1].dE_dw, engine)


def test_reach_records_carry_the_2d_chain_rule():
    p = Params(reach=(1.2, 0.8), angles_deg=(30.0, -10.0, 40.0), lengths=(1.0, 0.7, 1.3), eta=0.05, epochs=4)
    recs = list(iter_epochs(p))
    result = solve(p)
    for j, r in enumerate(recs[1:], start=1):
        x, y = result.positions(j - 1)            # the pose the update started from
        assert r.dE_dX == -(1.2 - x[-1]) and r.dE_dY == -(0.8 - y[-1])
        L = np.array(p.lengths)
        assert np.array_equal(r.dX_dw, -(L * np.sin(r.before))) and np.array_equal(r.dY_dw, L * np.cos(r.before))
        assert np.array_equal(r.dE_dw, r.dE_dX * r.dX_dw + r.dE_dY * r.dY_dw)
        assert r.dE_dtheta is r.dE_dw
        assert np.array_equal(r.angles, r.before + r.delta) and np.array_equal(r.delta, -(0.05 * r.dE_dw))
        assert r.error == pytest.approx(0.5 * ((1.2 - result.positions(j)[0][-1]) ** 2
                                               + (0.8 - result.positions(j)[1][-1]) ** 2), rel=1e-14)


def test_relative_records_sum_the_absolute_gradient_from_the_last_joint():
    p = Params(reach=(0.5, 1.5), angles_deg=(40.0, 30.0, -20.0), relative=True, eta=0.05, epochs=3)
    r = list(iter_epochs(p))[2]
    d = r.dE_dtheta
    assert np.array_equal(r.dE_dw, [d[2] + d[1] + d[0], d[2] + d[1], d[2]])
    theta = np.cumsum(r.before)
    assert np.array_equal(r.dY_dw, np.cumsum(np.cos(theta)[::-1])[::-1])
    np.testing.assert_allclose(r.dE_dw, r.dE_dX * r.dX_dw + r.dE_dY * r.dY_dw, rtol=1e-12, atol=1e-15)


def test_the_post_records_keep_their_meaning_and_gain_the_x_fields():
    r = list(iter_epochs(Params(epochs=2)))[1]
    assert r.dE_dX == 0.0 and np.array_equal(r.dX_dw, -np.sin(r.before)) and r.dE_dtheta is r.dE_dw
    assert np.array_equal(r.dE_dw, r.dE_dY * r.dY_dw)


def test_limits_clip_after_the_learners_step():
    # hot and cold at its limit: it probes past it and steps there, and only the clip holds it back
    p = Params(angles_deg=(30.0,), max_angles_deg=(30.0,), target=1.0, learner="hotcold", eta=0.1, epochs=3)
    recs = list(iter_epochs(p))
    assert all(r.delta.tolist() == [0.1] for r in recs[1:])
    assert all(r.angles.tolist() == [radians(30.0)] for r in recs)


# --------------------------------------------------------------------------- the post, unchanged
def test_the_posts_numbers_are_unchanged_and_neutral_options_keep_every_bit():
    result = solve(Params())
    assert tuple(result.positions(0)[1].tolist()) == POST_START
    assert tuple(result.positions(-1)[1].tolist()) == POST_FINAL
    # The options' numpy path at neutral settings (limits never reached) does the post's arithmetic.
    wide = solve(Params(min_angles_deg=(-180.0,) * 3, max_angles_deg=(180.0,) * 3))
    assert tuple(wide.positions(-1)[1].tolist()) == POST_FINAL
    assert np.array_equal(wide.errors, result.errors) and (wide.status, wide.reason) == (result.status, result.reason)


def test_params_default_and_dict_form_are_unchanged():
    p = Params()
    assert (p.reach, p.relative, p.min_angles_deg, p.max_angles_deg, p.task) == (None, False, None, None, "lateral")
    assert p.to_dict() == {"angles_deg": [22.0, -20.0, 14.0], "lengths": [1.0, 1.0, 1.0], "base": 0.0,
                           "eta": 0.075, "epochs": 20, "tol": 0.0, "learner": "gradient"}
    q = Params(reach=(1, -2), relative=True, min_angles_deg=(-90, -90, -90), max_angles_deg=(90, 90, 90))
    assert q.reach == (1.0, -2.0) and Params.from_dict(q.to_dict()) == q
    assert q.to_dict()["reach"] == [1.0, -2.0]


# --------------------------------------------------------------------------- many arms
@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 30), st.integers(0, 25), st.booleans(), st.booleans(), st.booleans())
def test_batch_rows_equal_one_arm_runs_bit_for_bit_in_reach_mode(n, B, epochs, per_arm, relative, limited):
    rng = np.random.default_rng(n * 1000 + B * 7 + epochs)
    angles = rng.uniform(-80, 80, (B, n))
    lengths = tuple(rng.uniform(0.3, 1.8, n))
    points = rng.uniform(-2.5, 2.5, (B, 2)) if per_arm else rng.uniform(-2.5, 2.5, 2)
    limits = dict(min_angles_deg=(-85.0,) * n, max_angles_deg=(85.0,) * n) if limited else {}
    batch = solve_batch(angles, eta=0.08, epochs=epochs, base=0.3, lengths=lengths, reach=points,
                        relative=relative, **limits)
    for b in range(B):
        point = tuple(points[b] if per_arm else points)
        one = solve(Params(angles_deg=tuple(angles[b]), lengths=lengths, base=0.3, reach=point, eta=0.08,
                           epochs=epochs, relative=relative, **limits))
        k = one.epochs_run
        assert np.array_equal(batch.errors[b, :k + 1], one.errors)
        if k == epochs:
            assert np.array_equal(batch.angles_deg[b], one.final_angles_deg)


def test_batch_of_many_blocks_in_reach_mode_equals_one_arm_runs():
    angles = np.random.default_rng(3).uniform(-90, 90, (5000, 3))
    points = np.random.default_rng(4).uniform(-3, 3, (5000, 2))
    batch = solve_batch(angles, eta=0.05, epochs=4, reach=points)
    for b in (0, 2499, 2500, 4999):
        one = solve(Params(angles_deg=tuple(angles[b]), reach=tuple(points[b]), eta=0.05, epochs=4))
        assert np.array_equal(batch.errors[b, :one.epochs_run + 1], one.errors)


# --------------------------------------------------------------------------- how reach runs end
def test_a_point_beyond_the_arm_is_unreachable_once_stretched():
    p = Params(reach=(3.0, 4.0), angles_deg=(10.0, 20.0), eta=0.2, epochs=100_000)
    result = solve(p)
    assert result.status == "unreachable" and result.epochs_run < p.epochs
    assert result.reason == "the point (3, 4) is 5 from the base but the arm reaches only 2"
    assert result.errors[-1] == pytest.approx(0.5 * (5 - 2) ** 2, rel=1e-8) == least_error(p)
    x, y = result.positions(-1)
    assert math.atan2(y[-1], x[-1]) == pytest.approx(math.atan2(4, 3), abs=1e-4)   # pointing at it


def test_a_point_inside_the_inner_radius_is_unreachable():
    # links 2, 0.5, 0.5: the end point can never come nearer than 1 to the base
    p = Params(reach=(0.3, 0.0), angles_deg=(20.0, 150.0, 160.0), lengths=(2.0, 0.5, 0.5), eta=0.1, epochs=20_000)
    assert not p.reachable and p.inner_radius == 1.0
    result = solve(p)
    assert result.status == "unreachable" and result.epochs_run < p.epochs
    assert result.reason == ("the point (0.3, 0) is 0.3 from the base but the arm cannot come nearer than 1 "
                             "(its longest link is longer than all the others together)")
    assert result.errors[-1] == pytest.approx(0.5 * 0.7 ** 2, rel=1e-8)
    out_of_epochs = solve(p.with_(epochs=5))
    assert (out_of_epochs.status, out_of_epochs.reason) == ("unreachable", result.reason)


def test_reachability_in_2d():
    assert Params(angles_deg=(0, 0), reach=(2.0, 0.0)).reachable
    assert not Params(angles_deg=(0, 0), reach=(2.0, 0.1)).reachable
    assert Params(angles_deg=(0, 0), lengths=(2, 1), reach=(1.0, 0.0)).reachable
    assert not Params(angles_deg=(0, 0), lengths=(2, 1), reach=(0.0, 0.999)).reachable
    assert Params(angles_deg=(0, 0), reach=(0.0, 0.0)).reachable       # equal links fold onto the base
    arm = Params(angles_deg=(0, 0, 0), lengths=(3.0, 0.5, 1.0))
    assert (arm.span, arm.inner_radius) == (4.5, 1.5)


@pytest.mark.parametrize("relative", [False, True])
def test_a_joint_held_at_its_limit_is_named_when_the_error_stops_falling(relative):
    # straight up to (0, 3) needs joint 2 at 90 degrees (absolute) or 0 (relative); its limit stops it
    angles, limit = ((60.0, 50.0, 60.0), 70.0) if not relative else ((60.0, -40.0, 0.0), -30.0)
    p = Params(reach=(0.0, 3.0), angles_deg=angles, max_angles_deg=(180.0, limit, 180.0), relative=relative,
               eta=0.1, epochs=5000)
    result = solve(p)
    assert result.status == "unreachable" and result.epochs_run < p.epochs
    assert result.reason == f"the error stopped falling: joint 2 is held at its limit of {limit:g} degrees"
    assert result.angles[-1, 1] == radians(limit) and result.errors[-1] > 1e-4
    assert list(iter_epochs(p))[-1].reason == result.reason


def test_the_lateral_task_names_a_held_joint_too():
    p = Params(target=2.5, angles_deg=(10.0, 10.0, 10.0), max_angles_deg=(90.0, 20.0, 90.0), eta=0.1, epochs=5000)
    result = solve(p)
    assert (result.status, result.reason) == ("unreachable",
                                              "the error stopped falling: joint 2 is held at its limit of 20 degrees")


def test_a_target_reached_with_a_joint_against_its_limit_is_no_stall():
    # the pose solves the task with joint 1 at its limit: the push on it is rounding, not a hold
    p = Params(angles_deg=(30.0, -30.0, 0.0), max_angles_deg=(30.0, 90.0, 90.0), eta=0.1, epochs=50)
    assert solve(p).status == "max_epochs"


# --------------------------------------------------------------------------- stability
def _jacobian_by_differences(q, Ls, Y0, relative, reach):
    h = 1e-6
    cols = []
    for i in range(len(q)):
        up = [v + h if k == i else v for k, v in enumerate(q)]
        down = [v - h if k == i else v for k, v in enumerate(q)]
        (xu, yu), (xd, yd) = [(xs[-1], ys[-1]) for xs, ys in (joints(up, Ls, Y0, relative),
                                                               joints(down, Ls, Y0, relative))]
        cols.append([(xu - xd) / (2 * h), (yu - yd) / (2 * h)] if reach else [(yu - yd) / (2 * h)])
    return np.array(cols).T


@pytest.mark.parametrize("reach, relative", [(r, v) for r in (False, True) for v in (False, True)])
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=6), st.data())
def test_eta_crit_is_two_over_the_largest_eigenvalue_of_JtJ(reach, relative, q, data):
    Ls = data.draw(st.lists(st.floats(0.2, 2.0), min_size=len(q), max_size=len(q)))
    J = _jacobian_by_differences(q, Ls, 0.0, relative, reach)
    lam = np.linalg.eigvalsh(J.T @ J).max()
    got = stiffness_at(q, Ls, reach=reach, relative=relative)
    assert got == pytest.approx(lam, rel=1e-6, abs=1e-8)
    if got > 1e-6:
        v = eta_verdict(0.01, q, Ls, reach=reach, relative=relative)
        assert v.eta_crit == 2.0 / got and v.curvature == got


def test_eta_crit_of_the_posts_task_is_todays_formula_float_for_float():
    rng = np.random.default_rng(11)
    for n in (1, 3, 9, 40):
        w, L = rng.uniform(-3, 3, n), rng.uniform(0.1, 3, n)
        s = float(np.sum((L * np.cos(w)) ** 2))             # S = sum(L_i^2 cos^2 w_i), as the meter sums it
        assert stiffness_at(w, L) == s == float(curvature(w, L))
        v = eta_verdict(0.05, w, L)
        assert v.eta_crit == 2.0 / s and v.eta_ideal == 1.0 / s and v.curvature == s
    p = Params()
    assert verdict_for(p) == eta_verdict(p.eta, np.radians(p.angles_deg), p.lengths)


def test_a_reach_verdict_judges_the_stiffest_direction():
    p = Params(reach=(1.0, 1.0), angles_deg=(20.0, 40.0))
    lam = stiffness_at(np.radians(p.angles_deg), p.lengths, reach=True)
    v = verdict_for(p, eta=2.2 / lam)
    assert v.kind == "diverging" and "\u03bb" in v.words and v.eta_crit == 2.0 / lam
    assert verdict_for(p, eta=0.5 / lam).kind == "good"


# --------------------------------------------------------------------------- bad input
BAD = [
    ({"reach": (1.0,)}, "reach", "two numbers"),
    ({"reach": (1.0, 2.0, 3.0)}, "reach", "two numbers"),
    ({"reach": 1.5}, "reach", "two numbers"),
    ({"reach": "1 2"}, "reach", "two numbers"),
    ({"reach": {"x": 1, "y": 2}}, "reach", "two numbers"),
    ({"reach": (math.nan, 1.0)}, "reach[1]", "finite"),
    ({"reach": (1.0, math.inf)}, "reach[2]", "finite"),
    ({"reach": (1.0, "2")}, "reach[2]", "not text"),
    ({"reach": (1.0, 2.0), "target": 0.5}, "reach", "target"),
    ({"relative": 1}, "relative", "true or false"),
    ({"relative": "yes"}, "relative", "true or false"),
    ({"min_angles_deg": (0.0, 0.0)}, "min_angles", "one limit per link"),
    ({"max_angles_deg": (90.0,) * 4}, "max_angles", "one limit per link"),
    ({"max_angles_deg": 90.0}, "max_angles", "list of numbers"),
    ({"min_angles_deg": (-90.0, math.nan, -90.0)}, "min_angles[2]", "finite"),
    ({"max_angles_deg": (90.0, 90.0, math.inf)}, "max_angles[3]", "finite"),
    ({"min_angles_deg": (0.0, -30.0, 20.0), "max_angles_deg": (90.0, 0.0, 10.0)}, "min_angles[3]",
     "joint 3's minimum 20 degrees is above its maximum 10"),
    ({"max_angles_deg": (90.0, -30.0, 90.0)}, "angles[2]", "joint 2 starts at -20 degrees, above its maximum of -30"),
    ({"min_angles_deg": (25.0, -90.0, -90.0)}, "angles[1]", "joint 1 starts at 22 degrees, below its minimum of 25"),
]


@pytest.mark.parametrize("changes, field, words", BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_options_are_refused_naming_them(changes, field, words):
    with pytest.raises(ParamError) as err:
        Params(**changes)
    assert err.value.field == field and words in str(err.value)
    assert str(err.value).startswith(f"{field}: ") and "\n" not in str(err.value) and len(str(err.value)) < 200


BAD_BATCH = [
    ({"reach": (1.0, 2.0, 3.0)}, "reach", "shape"),
    ({"reach": np.zeros((3, 2))}, "reach", "shape"),
    ({"reach": (np.nan, 1.0)}, "reach", "finite"),
    ({"reach": "far"}, "reach", "numbers"),
    ({"reach": (1.0, 1.0), "target": 0.3}, "reach", "target"),
    ({"relative": "no"}, "relative", "true or false"),
    ({"min_angles_deg": (0.0,)}, "min_angles", "one limit per link"),
    ({"min_angles_deg": (10.0, 0.0), "max_angles_deg": (0.0, 10.0)}, "min_angles[1]", "above its maximum"),
    ({"max_angles_deg": (90.0, 5.0)}, "angles[2]", "arm 2's joint 2 starts at 10 degrees, above its maximum of 5"),
]


@pytest.mark.parametrize("changes, field, words", BAD_BATCH, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD_BATCH)])
def test_bad_batch_options_are_refused_naming_them(changes, field, words):
    with pytest.raises(ParamError) as err:
        solve_batch([[1.0, 2.0], [3.0, 10.0]], eta=0.1, epochs=3, **changes)
    assert err.value.field == field and words in str(err.value)


def test_the_meter_for_a_point_speaks_of_the_stiffest_direction_and_that_is_what_a_step_does():
    """Near a solution one epoch multiplies a residual along J's strongest direction by 1 - eta*lambda_max, the
    meter's factor, and one across it by 1 - eta*lambda_min, nearer 1: across, the gap closes more slowly."""
    p = Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.05, epochs=2000, tol=1e-20)
    w_star = solve(p).angles[-1]
    task = Task(np.asarray(p.lengths), p.base, p.reach[1], p.reach[0], False)
    J = task.jacobian(w_star)
    U, sv, Vt = np.linalg.svd(J)
    v = verdict_for(p, angles_rad=w_star)
    assert v.curvature == pytest.approx(sv[0] ** 2, rel=1e-12)
    assert "across it the gap closes more slowly" in v.words
    for k, lam in ((0, sv[0] ** 2), (1, sv[1] ** 2)):
        w = w_star + 1e-6 * Vt[k]                          # the end point moved along U[:, k]
        run = Run(p.with_(angles_deg=tuple(np.degrees(w)), epochs=1, min_angles_deg=None))
        run.advance(1)
        before = np.array(task.end(w)) - np.array(p.reach)
        after = np.array(task.end(run.angles[-1])) - np.array(p.reach)
        assert np.linalg.norm(after) / np.linalg.norm(before) == pytest.approx(abs(1 - p.eta * lam), rel=1e-3)
    assert abs(1 - p.eta * sv[1] ** 2) > abs(1 - p.eta * sv[0] ** 2)
    assert "across it" not in verdict_for(Params()).words


@pytest.mark.parametrize("kw, words", [({"reach": (1.0,)}, "got 1 value"),
                                       ({"lengths": (1.0,)}, "3 angles but 1 length"),
                                       ({"min_angles_deg": (1.0,)}, "3 links but 1 limit"),
                                       ({"angles_deg": (10.0,), "lengths": (1.0, 2.0)}, "1 angle but 2 lengths")])
def test_counts_in_messages_are_singular_for_one(kw, words):
    with pytest.raises(ParamError) as caught:
        Params(**kw)
    assert str(caught.value).endswith(words)
