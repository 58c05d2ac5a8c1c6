import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from armsim import Params, iter_epochs, solve, solve_batch
from armsim.core.kinematics import critical_eta
from armsim.core.params import ParamError
from armsim.core.run import least_error

from tests.core import reference

POST_START = (0.374606593415912, 0.0325864500902433, 0.274508345689911)
POST_FINAL = (0.2852955778665301, -0.14244640527322044, 0.0029191436234602963)


def test_the_posts_numbers_to_the_last_digit():
    result = solve(Params())
    assert tuple(result.positions(0)[1].tolist()) == POST_START
    assert tuple(result.positions(-1)[1].tolist()) == POST_FINAL
    assert (result.status, result.epochs_run) == ("max_epochs", 20)


@st.composite
def runs(draw):
    n = draw(st.integers(1, 6))
    angles = draw(st.lists(st.floats(-180, 180), min_size=n, max_size=n))
    lengths = draw(st.lists(st.floats(0.1, 3), min_size=n, max_size=n))
    base = draw(st.floats(-2, 2))
    target = draw(st.floats(-1, 1)) + base
    eta = draw(st.floats(1e-3, 0.3))
    return Params(angles_deg=tuple(angles), lengths=tuple(lengths), base=base, target=target, eta=eta,
                  epochs=draw(st.integers(0, 40)))


@settings(max_examples=150, deadline=None)
@given(runs())
def test_agrees_with_an_independent_implementation(params):
    result = solve(params)
    poses, errors = reference.run(params.angles_deg, params.lengths, params.base, params.goal, params.eta,
                                  result.epochs_run)
    np.testing.assert_allclose(result.errors, errors, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.angles, poses, rtol=0, atol=1e-12)
    x, y = result.positions(-1)
    np.testing.assert_allclose(y, reference.calculate_pose(params.base, poses[-1], params.lengths), atol=1e-12)
    np.testing.assert_allclose(x, reference.calculate_x(poses[-1], params.lengths), atol=1e-12)


def test_epoch_records_carry_the_chain_rule():
    recs = list(iter_epochs(Params(epochs=3)))
    assert [r.index for r in recs] == [0, 1, 2, 3]
    assert recs[0].delta is None and recs[-1].status == "max_epochs" and recs[1].status is None
    r = recs[2]
    assert np.array_equal(r.before, recs[1].angles)
    assert r.dE_dY == -(0.0 - recs[1].y[-1])
    assert np.array_equal(r.dY_dw, np.cos(r.before))
    assert np.array_equal(r.dE_dw, r.dE_dY * r.dY_dw)
    assert np.array_equal(r.delta, -(0.075 * r.dE_dw))
    assert np.array_equal(r.angles, r.before - 0.075 * r.dE_dw)


def test_result_rebuilds_every_epoch_bit_for_bit():
    params = Params(angles_deg=(10, 15, 10), lengths=(1, 0.5, 2), eta=0.1, epochs=12)
    recs = list(iter_epochs(params))
    result = solve(params)
    for j, rec in enumerate(recs):
        again = result.epoch(j)
        assert np.array_equal(again.angles, rec.angles) and again.error == rec.error
        if j:
            assert np.array_equal(again.dE_dw, rec.dE_dw) and np.array_equal(again.delta, rec.delta)


def _near_solution(offset=1e-3):
    # sin(30 deg) + sin(-30 deg) + sin(0) is exactly 0: a solved pose; nudge the first joint.
    return Params(angles_deg=(30.0 + math.degrees(offset), -30.0, 0.0), epochs=12)


@pytest.mark.parametrize("factor, shrinks", [(0.9, True), (1.1, False)])
def test_stability_threshold_two_over_sum_of_squared_cosines(factor, shrinks):
    params = _near_solution()
    eta_crit = critical_eta(np.radians(params.angles_deg), None)
    assert eta_crit == pytest.approx(2 / (math.cos(math.radians(30)) ** 2 * 2 + 1), rel=1e-3)
    result = solve(params.with_(eta=factor * eta_crit))
    errors, k = result.errors, result.epochs_run
    assert bool(errors[-1] < errors[0]) is shrinks
    # each epoch scales the residual by 1 - eta*S = 1 - 2*factor, so the error by its square
    assert errors[-1] == pytest.approx(errors[0] * (1 - 2 * factor) ** (2 * k), rel=0.05)
    assert result.status == ("max_epochs" if shrinks else "diverged")


def test_between_one_and_two_over_s_the_residual_alternates_in_sign():
    params = _near_solution()
    eta = 1.5 / (2 * math.cos(math.radians(30)) ** 2 + 1)
    result = solve(params.with_(eta=eta))
    residuals = np.array([result.positions(j)[1][-1] for j in range(result.epochs_run + 1)])
    assert np.all(np.sign(residuals[1:]) == -np.sign(residuals[:-1]))
    assert abs(residuals[-1]) < abs(residuals[0])


def test_huge_eta_diverges_with_finite_numbers():
    result = solve(Params(eta=50))
    assert result.status == "diverged"
    assert "turned" in result.reason
    assert np.isfinite(result.angles).all() and np.isfinite(result.errors).all()


def test_eta_just_above_critical_near_a_solution_diverges_by_rising_error():
    params = _near_solution(1e-6).with_(epochs=500)
    eta = 1.2 * critical_eta(np.radians(params.angles_deg), None)
    result = solve(params.with_(eta=eta))
    assert result.status == "diverged" and "rose" in result.reason
    assert result.epochs_run < 500


def test_tolerance_stops_early_as_converged():
    result = solve(Params(epochs=1000, tol=1e-10))
    assert result.status == "converged" and result.errors[-1] < 1e-10 <= result.errors[-2]


def test_unreachable_target_is_reported_not_left_to_spin():
    params = Params(angles_deg=(10, 20), target=5.0, eta=0.3, epochs=100_000)
    result = solve(params)
    assert result.status == "unreachable" and result.epochs_run < 100_000
    assert result.errors[-1] == pytest.approx(least_error(params), rel=1e-6)


def test_eta_may_change_mid_run():
    etas = {1: 0.075, 2: 0.075, 3: 50.0}
    recs = list(iter_epochs(Params(epochs=10), eta=lambda j: etas.get(j, 0.075)))
    assert [r.eta for r in recs[1:]] == [0.075, 0.075, 50.0]
    assert recs[-1].status == "diverged"
    with pytest.raises(ParamError):
        list(iter_epochs(Params(epochs=3), eta=lambda j: -1.0))


def test_hot_and_cold_moves_each_joint_by_plus_or_minus_eta_toward_less_error():
    recs = list(iter_epochs(Params(learner="hotcold", eta=0.01, epochs=200)))
    assert recs[-1].error < recs[0].error / 100
    for r in recs[1:]:
        assert set(np.round(np.abs(r.delta), 12)) <= {0.0, 0.01}


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5), st.integers(1, 40), st.integers(0, 30), st.floats(-1, 1))
def test_batch_rows_equal_single_arm_runs_bit_for_bit(n, B, epochs, base):
    rng = np.random.default_rng(n * 1000 + B)
    angles = rng.uniform(-90, 90, (B, n))
    lengths = rng.uniform(0.2, 2, n)
    batch = solve_batch(angles, eta=0.05, epochs=epochs, base=base, lengths=lengths)
    for b in range(B):
        one = solve(Params(angles_deg=tuple(angles[b]), lengths=tuple(lengths), base=base, eta=0.05, epochs=epochs))
        k = one.epochs_run
        assert np.array_equal(batch.errors[b, :k + 1], one.errors)
        if k == epochs:
            assert np.array_equal(batch.angles_deg[b], one.final_angles_deg)


def test_batch_spans_several_blocks_and_threads():
    angles = np.random.default_rng(5).uniform(-90, 90, (10_000, 3))
    batch = solve_batch(angles, eta=0.075, epochs=5)
    for b in (0, 4095, 4096, 9999):
        one = solve(Params(angles_deg=tuple(angles[b]), epochs=5))
        assert np.array_equal(batch.errors[b], one.errors)


@pytest.mark.parametrize("kwargs", [dict(angles_deg=[[np.nan, 1]]), dict(angles_deg=[[1, 2]], lengths=[1]),
                                    dict(angles_deg=[[1, 2]], eta=-1), dict(angles_deg=np.zeros((3, 0)))])
def test_batch_rejects_bad_input(kwargs):
    kwargs.setdefault("eta", 0.1)
    with pytest.raises(ParamError):
        solve_batch(epochs=3, **kwargs)


# --------------------------------------------------------------------------- speed tricks keep every bit
def test_lateral_end_is_the_last_joint_of_lateral_bit_for_bit():
    from armsim.core.kinematics import lateral, lateral_end
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 6):
        w = rng.uniform(-3, 3, (64, n))
        for lengths in (None, rng.uniform(0.2, 2, n)):
            for base in (0.0, -0.7, 1.3):
                want = lateral(w, lengths, base)[:, -1]
                assert np.array_equal(lateral_end(w, lengths, base), want)
                assert np.array_equal(lateral_end(np.asfortranarray(w), lengths, base), want)   # the batch's layout
                assert lateral_end(w[5], lengths, base) == want[5]                               # one arm


@pytest.mark.parametrize("chunk, least", [(7, 1), (1, 1), (4096, 1), (32768, 1024)])
def test_batch_rows_equal_single_arm_runs_whatever_the_blocks(monkeypatch, chunk, least):
    import armsim.core.run as solvers
    monkeypatch.setattr(solvers, "BATCH_CHUNK", chunk)
    monkeypatch.setattr(solvers, "BATCH_MIN", least)
    rng = np.random.default_rng(chunk)
    angles = rng.uniform(-90, 90, (61, 3))               # 61 arms: blocks of uneven size, some of one arm
    lengths = (0.5, 1.5, 1.0)
    batch = solve_batch(angles, eta=0.2, epochs=9, base=0.3, target=-0.4, lengths=lengths)
    assert batch.errors.shape == (61, 10) and batch.angles_deg.shape == (61, 3)
    assert batch.errors.flags.c_contiguous and batch.angles_deg.flags.c_contiguous
    for b in range(61):
        one = solve(Params(angles_deg=tuple(angles[b]), lengths=lengths, base=0.3, target=-0.4, eta=0.2, epochs=9))
        assert np.array_equal(batch.errors[b], one.errors)
        assert np.array_equal(batch.angles_deg[b], one.final_angles_deg)


def test_batch_of_one_link_and_of_no_arms():
    one_link = np.array([[10.0], [-40.0], [75.0]])
    batch = solve_batch(one_link, eta=0.1, epochs=4)
    for b in range(3):
        assert np.array_equal(batch.errors[b], solve(Params(angles_deg=tuple(one_link[b]), eta=0.1, epochs=4)).errors)
    empty = solve_batch(np.zeros((0, 3)), eta=0.1, epochs=4)
    assert empty.errors.shape == (0, 5) and empty.angles_deg.shape == (0, 3)


def test_records_are_complete_epochs():
    recs = list(iter_epochs(Params(epochs=2)))
    for rec in recs:
        assert type(rec).__name__ == "Epoch" and len(rec) == len(rec._fields)
    assert recs[0][4:] == (None,) * 7 + ("",)                 # epoch 0: every update field at its default
    assert recs[-1].status == "max_epochs" and recs[-1].reason == "all 2 epochs ran"
    assert recs[1].status is None and recs[1].reason == ""
    again = solve(Params(epochs=2)).epoch(2)                  # rebuilt: the same record, without the status
    for name, a, b in zip(again._fields[:-2], recs[-1], again):
        assert np.array_equal(a, b), name
    assert isinstance(recs[1].dE_dY, float) and isinstance(recs[1].error, float)
