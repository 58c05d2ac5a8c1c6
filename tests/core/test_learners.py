"""The learners robotics and machine learning use: momentum, Adam, damped least squares (lm), CCD and FABRIK.

The first three are checked against tests/core/reference_2d.py (plain Python, no armsim code) in
every epoch, through ``armsim solve --json`` too; CCD and FABRIK by what they promise.
"""
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim import Params, Run, solve
from armsim.core.params import ParamError
from tests.core.reference_2d import joints, ref_run
from tests.core.test_reach import setups
from tests.helpers import run_cli


def aim_of(p):
    return ("lateral", p.goal) if p.reach is None else ("reach", *p.reach)


def reference(p):
    return ref_run(p.angles_deg, p.lengths, p.base, aim_of(p), p.relative, p.min_angles_deg, p.max_angles_deg,
                   p.learner, p.eta, p.epochs, p.tol, beta=p.momentum, lam=p.damping)


def close(a, b, tol=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol))


@pytest.mark.parametrize("learner", ["momentum", "adam", "lm"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_each_learner_equals_the_plain_python_rule_in_every_epoch(learner, data):
    p = data.draw(setups(learners=(learner,)))
    extra = {}
    if learner == "momentum":
        extra["momentum"] = data.draw(st.sampled_from([0.0, 0.5, 0.9, 0.99]))
        extra["eta"] = min(p.eta, 0.5)
    elif learner == "lm":
        extra["damping"] = data.draw(st.sampled_from([1e-3, 0.1, 1.0, 10.0]))
        extra["eta"] = data.draw(st.sampled_from([0.3, 0.7, 1.0]))
    p = p.with_(**extra)
    result = solve(p)
    poses, errors, status = reference(p)
    assert result.status == status and result.epochs_run == len(poses) - 1
    assert close(result.angles, poses), "angles"
    assert close(result.errors, errors), "errors"


@pytest.mark.parametrize("learner, extra", [("momentum", ["--momentum", "0.8"]), ("adam", []),
                                            ("lm", ["--damping", "0.05"])])
def test_solve_json_carries_the_learner_and_its_numbers(capsys, learner, extra):
    args = ["solve", "--json", "--angles", "30", "-40", "60", "--lengths", "1.2", "0.8", "0.6", "--reach", "0.4",
            "1.5", "--relative", "--min-angles", "-150", "-150", "free", "--learner", learner, "--eta",
            "0.8" if learner == "lm" else "0.05", "--epochs", "80", *extra]
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    doc = json.loads(out)
    p = Params.from_dict(doc["params"])
    assert doc["params"]["learner"] == learner and (p.momentum, p.damping) == (
        0.8 if learner == "momentum" else 0.9, 0.05 if learner == "lm" else 1e-3)
    poses, errors, status = reference(p)
    assert doc["status"] == status and doc["epochs_run"] == len(poses) - 1
    assert close(doc["errors"], errors)
    assert close(doc["final"]["angles_deg"], np.degrees(poses[-1]))
    x, y = joints(poses[-1], p.lengths, p.base, True)
    assert close(doc["final"]["x"], x) and close(doc["final"]["y"], y)


def test_the_posts_json_does_not_change_with_the_new_fields(capsys):
    code, out, _ = run_cli(capsys, "solve", "--json")
    params = json.loads(out)["params"]
    assert code == 0 and "momentum" not in params and "damping" not in params


@pytest.mark.parametrize("learner", ["momentum", "adam"])
def test_a_stateful_learner_rebuilds_every_epoch_from_its_stored_state(learner):
    p = Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), learner=learner, eta=0.05, epochs=30,
               min_angles_deg=(None, -20.0, None))
    result = solve(p)
    assert result.states.shape == (31, 1 if learner == "momentum" else 2, 3)
    assert not result.states[0].any()
    for j in range(1, 31):
        rec = result.epoch(j)
        assert np.array_equal(rec.angles, result.angles[j]) and np.array_equal(rec.state, result.states[j])
    run = Run(p)                              # in chunks, as the window runs it
    while run.status is None:
        run.advance(7)
    assert np.array_equal(run.result().angles, result.angles)


def test_clipping_never_changes_momentums_velocity():
    """Against a limit the joint stays put while v keeps its own account: the velocity is beta v - eta g."""
    p = Params(angles_deg=(10.0,), reach=(-1.0, 0.0), learner="momentum", eta=0.1, epochs=5,
               max_angles_deg=(10.0,), min_angles_deg=(-10.0,))
    result = solve(p)
    for j in range(1, result.epochs_run + 1):
        rec = result.epoch(j)
        v_before = result.states[j - 1][0]
        assert np.array_equal(rec.state[0], p.momentum * v_before - p.eta * rec.dE_dw)


def test_ccd_reaches_a_point_and_a_height_and_respects_limits():
    for p in (Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), learner="ccd", epochs=200, tol=1e-20),
              Params(angles_deg=(30.0, -10.0, 50.0), reach=(-0.4, 1.5), relative=True, learner="ccd", epochs=200,
                     tol=1e-20),
              Params(learner="ccd", target=1.7, epochs=200, tol=1e-20)):
        result = solve(p)
        assert result.status == "converged", (p, result.reason)
    limited = Params(angles_deg=(30.0, -20.0, 40.0), reach=(-0.5, 1.2), relative=True, learner="ccd", epochs=300,
                     min_angles_deg=(-90.0, -60.0, -60.0), max_angles_deg=(90.0, 60.0, 60.0))
    result = solve(limited)
    lo, hi = np.radians(limited.limits_deg)
    assert np.all(result.angles >= lo - 1e-12) and np.all(result.angles <= hi + 1e-12)
    free = solve(limited.with_(min_angles_deg=None, max_angles_deg=None, tol=1e-20))
    assert free.status == "converged" and result.errors[-1] > 0.01        # the limits keep it away


@pytest.mark.parametrize("kw", [dict(reach=(1.5, 1.2)), dict(reach=(-0.4, 1.5), relative=True),
                                dict(target=1.7), dict(target=-0.6, relative=True),
                                dict(reach=(0.2, 1.9), min_angles_deg=(40.0, -30.0, None),
                                     max_angles_deg=(95.0, 45.0, None))])
def test_a_ccd_sweep_is_a_brute_force_search_joint_by_joint(kw):
    """Each joint in turn, tip to base, goes to the angle of least error with the others held (within its
    limits): the same as searching a fine grid of that joint's angles, by the error alone."""
    from armsim.core.learners import setup
    from armsim.core.rules import ccd_step
    p = Params(angles_deg=(50.0, -10.0, 30.0), learner="ccd", **kw)
    s = setup(p)
    w = np.radians(p.angles_deg)
    lo, hi = np.radians(p.limits_deg)
    searched = w.copy()
    for k in (2, 1, 0):
        grid = np.radians(np.linspace(-180, 180, 36001)) + searched[k]
        grid = grid[(grid >= lo[k]) & (grid <= hi[k])] if np.isfinite(lo[k]) or np.isfinite(hi[k]) else grid
        grid = np.union1d(grid, [v for v in (lo[k], hi[k]) if np.isfinite(v)])
        poses = np.repeat(searched[None], len(grid), axis=0)
        poses[:, k] = grid
        searched[k] = grid[np.argmin(s.task.errors(poses))]
    swept = ccd_step(w, s.task, 1.0, None, lo=s.lo, hi=s.hi)
    assert s.task.errors(swept) <= s.task.errors(searched) + 1e-9
    different = np.abs(np.remainder(swept - searched + np.pi, 2 * np.pi) - np.pi)
    assert different.max() < np.radians(0.05) or s.task.errors(swept) < 1e-12


def test_fabrik_reaches_points_and_refuses_a_height():
    for relative in (False, True):
        p = Params(angles_deg=(30.0, -10.0, 50.0), reach=(0.3, 1.9), relative=relative, learner="fabrik",
                   epochs=300, tol=1e-20)
        assert solve(p).status == "converged"
    far = solve(Params(angles_deg=(30.0, -10.0, 50.0), reach=(4.0, 1.0), learner="fabrik", epochs=300))
    assert far.status == "unreachable"
    with pytest.raises(ParamError, match="learner: fabrik moves the joints' positions toward a point"):
        Params(learner="fabrik")


@pytest.mark.parametrize("args, flag, words", [
    (["--learner", "momentum", "--momentum", "1"], "--momentum", "must be below 1"),
    (["--learner", "momentum", "--momentum", "-0.1"], "--momentum", "at least 0"),
    (["--learner", "lm", "--damping", "-1"], "--damping", "at least 0"),
    (["--learner", "lm", "--damping", "nan"], "--damping", "finite"),
    (["--learner", "fabrik"], "--learner", "needs the reach task"),
    (["--learner", "newton"], "--learner", "invalid choice"),
])
def test_bad_learner_options_exit_2_naming_the_flag(capsys, args, flag, words):
    code, out, err = run_cli(capsys, "solve", *args)
    last = err.strip().splitlines()[-1]
    assert code == 2 and out == "" and f"argument {flag}" in last and words in last, last


# --------------------------------------------------------------------------- the batch
@pytest.mark.parametrize("learner", ["gradient", "hotcold", "momentum", "adam", "lm", "ccd", "fabrik"])
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_batch_rows_are_one_arm_runs_for_every_learner_with_their_ends(learner, data):
    """Each row: solve's errors while its run lasts, its final angles, epochs_run and status, bit for bit."""
    n = data.draw(st.integers(1, 4))
    B = data.draw(st.integers(1, 12))
    rng = np.random.default_rng(data.draw(st.integers(0, 10_000)))
    angles = rng.uniform(-80, 80, (B, n))
    lengths = tuple(rng.uniform(0.4, 1.6, n))
    per_arm = data.draw(st.booleans())
    reach_task = learner == "fabrik" or data.draw(st.booleans())
    points = (rng.uniform(-2.0, 2.0, (B, 2)) if per_arm else rng.uniform(-2.0, 2.0, 2)) if reach_task else None
    relative = data.draw(st.booleans())
    limits = dict(min_angles_deg=(-85.0,) * n, max_angles_deg=(None,) * (n - 1) + (85.0,)) \
        if data.draw(st.booleans()) else {}
    kw = dict(eta={"lm": 0.9, "hotcold": 0.02}.get(learner, 0.06), epochs=data.draw(st.integers(0, 40)),
              tol=data.draw(st.sampled_from([0.0, 1e-6])), learner=learner, lengths=lengths, relative=relative,
              momentum=0.7, damping=0.01, **limits)
    batch = armsim_batch(angles, points, **kw)
    for b in range(B):
        point = None if points is None else tuple(points[b] if per_arm else points)
        one = solve(Params(angles_deg=tuple(angles[b]), reach=point, **kw))
        k = one.epochs_run
        assert (batch.status[b], batch.epochs_run[b]) == (one.status, k), b
        assert np.array_equal(batch.errors[b, :k + 1], one.errors), b
        assert np.array_equal(batch.angles_deg[b], one.final_angles_deg), b
        assert np.all(batch.errors[b, k:] == one.errors[-1]) or not np.isfinite(one.errors[-1])


def armsim_batch(angles, points, **kw):
    from armsim import solve_batch
    return solve_batch(angles, reach=points, **kw)
