import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import armsim.core.batch
import armsim.core.run
from armsim import Params, Run, iter_epochs, solve, solve_batch
from armsim.core.kinematics import critical_eta
from armsim.core.learners import KERNEL_MAX_LINKS
from armsim.core.params import ParamError
from armsim.core.run import STATUSES, least_error
from tests.core import reference
from tests.helpers import POST_FINAL, POST_START


def test_the_posts_numbers_to_the_last_digit():
    result = solve(Params())
    assert tuple(result.positions(0)[1].tolist()) == POST_START
    assert tuple(result.positions(-1)[1].tolist()) == POST_FINAL
    assert (result.status, result.epochs_run) == ("max_epochs", 20)


@st.composite
def runs(draw, max_links=6, learners=("gradient",)):
    n = draw(st.integers(1, max_links))
    angles = draw(st.lists(st.floats(-180, 180), min_size=n, max_size=n))
    lengths = draw(st.none() | st.lists(st.floats(0.1, 3), min_size=n, max_size=n))
    base = draw(st.floats(-2, 2))
    reach = n if lengths is None else math.fsum(lengths)
    # on the base, anywhere within reach, or out of reach (then the run ends "unreachable")
    target = draw(st.none() | st.floats(-1, 1).map(lambda f: base + f * reach)
                  | st.floats(1.01, 2).map(lambda f: base - f * reach))
    eta = draw(st.floats(1e-3, 0.3) | st.floats(0.3, 60))          # calm, or oscillating and diverging
    return Params(angles_deg=tuple(angles), lengths=None if lengths is None else tuple(lengths), base=base,
                  target=target, eta=eta, epochs=draw(st.integers(0, 60)), tol=draw(st.sampled_from([0, 1e-8, 1e-3])),
                  learner=draw(st.sampled_from(learners)))


def same_result(a, b):
    assert (a.status, a.reason, a.params) == (b.status, b.reason, b.params)
    for name in ("angles", "errors", "etas"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape and np.array_equal(x, y), name


def same_record(a, b):
    for name, x, y in zip(a._fields, a, b):
        assert (np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y), name


# --------------------------------------------------------------------------- the engine against the post
@settings(max_examples=300, deadline=None)
@given(runs())
def test_engine_equals_an_independent_implementation_in_every_epoch(params):
    result = solve(params)
    poses, errors, status = reference.run(params.angles_deg, params.lengths, params.base, params.goal, params.eta,
                                          params.epochs, params.tol)
    assert result.status == status
    assert result.angles.tolist() == poses          # bit for bit, every epoch
    assert result.errors.tolist() == errors
    assert result.etas.tolist() == [params.eta] * (len(poses) - 1)
    x, y = result.positions(-1)
    assert y.tolist() == reference.calculate_pose(params.base, poses[-1], params.lengths)
    assert x.tolist() == reference.calculate_x(poses[-1], params.lengths)


@settings(max_examples=100, deadline=None)
@given(runs(), st.data())
def test_advance_in_chunks_of_any_size_equals_solve(params, data):
    run = Run(params)
    while run.status is None:
        before = run.count
        asked = data.draw(st.integers(0, 70))
        applied = run.advance(asked)
        assert run.count == before + applied
        assert applied == asked or run.status is not None
    assert run.advance(5) == 0
    same_result(run.result(), solve(params))


@settings(max_examples=100, deadline=None)
@given(runs(learners=("gradient", "hotcold")), st.lists(st.tuples(st.integers(1, 20), st.floats(1e-3, 3)), max_size=6))
def test_eta_changed_between_chunks_equals_iter_epochs_with_that_schedule(params, chunks):
    run, schedule = Run(params), {}
    for count, eta in chunks + [(params.epochs, params.eta)]:
        first = run.count
        for j in range(first, first + run.advance(count, eta)):
            schedule[j] = eta
    records = list(iter_epochs(params, eta=schedule.__getitem__))
    assert run.angles.tolist() == [r.angles.tolist() for r in records]
    assert run.errors.tolist() == [r.error for r in records]
    assert run.etas.tolist() == [r.eta for r in records[1:]]
    assert (run.status, run.reason) == (records[-1].status, records[-1].reason)
    for j, rec in enumerate(records):             # Run.epoch rebuilds the stream's record (without the status)
        same_record(run.epoch(j), rec._replace(status=None, reason=""))


@settings(max_examples=100, deadline=None)
@given(runs(max_links=8))
def test_the_python_kernel_equals_the_numpy_rule_bit_for_bit(params):
    with mock.patch.object(armsim.core.run, "KERNEL_MAX_LINKS", 0):     # every run through numpy, epoch by epoch
        by_numpy = solve(params)
    same_result(solve(params), by_numpy)


def test_more_links_than_the_kernel_takes_run_in_numpy_and_agree_with_the_post():
    n = KERNEL_MAX_LINKS + 2
    params = Params(angles_deg=tuple(np.linspace(-60, 60, n)), lengths=tuple(np.linspace(0.5, 1.5, n)),
                    eta=0.001, epochs=30)
    poses, errors, status = reference.run(params.angles_deg, params.lengths, 0.0, 0.0, params.eta, 30)
    result = solve(params)
    assert (result.status, result.angles.tolist(), result.errors.tolist()) == (status, poses, errors)


def test_a_bound_above_180_degrees_is_no_turn_above_it():
    # A long link hanging straight down, the target above: eta * L * |dE/dY| = 0.3 * 3 * 5 is
    # well above pi, but cos(w) ~ 0 keeps the actual turns tiny for the first epochs. The run
    # must go on through them, as the numpy rule's epoch-by-epoch test lets it.
    params = Params(angles_deg=(-89.99,), lengths=(3.0,), target=2.0, eta=0.3, epochs=200)
    result = solve(params)
    with mock.patch.object(armsim.core.run, "KERNEL_MAX_LINKS", 0):
        same_result(result, solve(params))
    assert result.status == "max_epochs" and abs(result.angles[1, 0] - result.angles[0, 0]) < 1e-3


# --------------------------------------------------------------------------- how runs end
def _near_solution(offset=1e-3):
    # sin(30 deg) + sin(-30 deg) + sin(0) is exactly 0: a solved pose; nudge the first joint.
    return Params(angles_deg=(30.0 + math.degrees(offset), -30.0, 0.0), epochs=12)


_NEAR = _near_solution(1e-6)
RISING = _NEAR.with_(epochs=500, eta=1.2 * critical_eta(np.radians(_NEAR.angles_deg), None))
FAR = Params(angles_deg=(10, 20), target=5.0, eta=0.3, epochs=100_000)
ENDINGS = {
    "converged": (Params(epochs=1000, tol=1e-10), "the error fell below tol = 1e-10"),
    "converged at the start": (Params(angles_deg=(30.0, -30.0, 0.0), tol=1e-12), "the error fell below tol = 1e-12"),
    "max_epochs": (Params(), "all 20 epochs ran"),
    "max_epochs with none": (Params(epochs=0), "all 0 epochs ran"),
    "diverged by a turn": (Params(eta=50), "joint 3 turned 763 degrees in one epoch"),
    "diverged by rising error": (RISING, "the error rose 5 epochs in a row, above the start error"),
    "unreachable, stretched": (FAR, "the target is 5 from the base but the arm reaches only 2"),
    "unreachable, out of epochs": (FAR.with_(epochs=3), "the target is 5 from the base but the arm reaches only 2"),
    "hot and cold converged": (Params(learner="hotcold", eta=0.01, epochs=5000, tol=1e-4),
                               "the error fell below tol = 0.0001"),
    "hot and cold rocking": (Params(learner="hotcold", eta=0.01, epochs=300, tol=1e-5), "all 300 epochs ran"),
}


@pytest.mark.parametrize("params, reason", ENDINGS.values(), ids=ENDINGS.keys())
def test_every_ending_is_the_same_from_solve_run_and_iter_epochs(params, reason):
    result = solve(params)
    assert result.status in STATUSES and result.reason == reason
    last = list(iter_epochs(params))[-1]
    assert (last.index, last.status, last.reason) == (result.epochs_run, result.status, reason)
    run = Run(params)
    while run.advance(97):
        pass
    same_result(run.result(), result)


def test_an_unreachable_target_is_reported_once_the_arm_is_stretched():
    result = solve(FAR)
    assert result.status == "unreachable" and result.epochs_run < FAR.epochs
    assert result.errors[-1] == pytest.approx(least_error(FAR), rel=1e-6)


def test_a_stopped_run_keeps_what_ran_and_applies_no_more():
    run = Run(Params(epochs=1000))
    assert run.advance(7) == 7 and run.status is None and run.reason == ""
    result = run.stop()
    assert (result.status, result.reason, result.epochs_run) == ("stopped", "stopped by the user", 7)
    assert run.advance(10) == 0 and run.count == 8
    np.testing.assert_array_equal(result.errors, solve(Params(epochs=7)).errors)
    assert run.stop().status == "stopped"                      # stopping again changes nothing
    done = Run(Params())
    done.advance(100)
    assert done.stop().status == "max_epochs"                  # a finished run keeps its own ending


def test_a_result_taken_mid_run_is_a_snapshot_and_the_run_goes_on():
    run = Run(Params(epochs=50))
    run.advance(10)
    snap = run.result()
    assert (snap.status, snap.epochs_run) == ("stopped", 10) and run.status is None
    assert run.advance(100) == 40 and run.status == "max_epochs"
    assert snap.epochs_run == 10 and snap.errors.tolist() == run.errors[:11].tolist()
    same_result(run.result(), solve(Params(epochs=50)))
    assert run.result("stopped", "closed").status == "stopped" and run.result("stopped", "closed").reason == "closed"


def test_run_views_grow_with_the_run_and_are_read_only():
    run = Run(Params(angles_deg=(10.0, 20.0), epochs=30))
    assert (run.angles.shape, run.errors.shape, run.etas.shape, run.count) == ((1, 2), (1,), (0,), 1)
    run.advance(4, eta=0.2)
    run.advance(3)
    assert (run.angles.shape, run.errors.shape, run.etas.shape, run.count) == ((8, 2), (8,), (7,), 8)
    assert run.etas.tolist() == [0.2] * 4 + [0.075] * 3
    for view in (run.angles, run.errors, run.etas):
        with pytest.raises(ValueError):
            view[0] = 1.0
    assert run.epoch(-1).index == 7 and np.array_equal(run.epoch(7).angles, run.angles[7])
    with pytest.raises(IndexError):
        run.epoch(8)


@pytest.mark.parametrize("eta", [0, -0.1, math.nan, math.inf, "0.1", None])
def test_advance_rejects_a_bad_eta_or_count(eta):
    run = Run(Params())
    if eta is None:
        with pytest.raises(ParamError, match="count"):
            run.advance(-1)
        with pytest.raises(TypeError):
            run.advance(2.5)
    else:
        with pytest.raises(ParamError, match="eta"):
            run.advance(3, eta)
    assert run.count == 1 and run.advance(0) == 0


# --------------------------------------------------------------------------- records and the model
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
    for params in (Params(angles_deg=(10, 15, 10), lengths=(1, 0.5, 2), eta=0.1, epochs=12),
                   Params(learner="hotcold", eta=0.05, epochs=12)):
        recs = list(iter_epochs(params))
        result = solve(params)
        for j, rec in enumerate(recs):
            same_record(result.epoch(j), rec._replace(status=None, reason=""))


def test_records_have_every_update_field_but_epoch_0():
    recs = list(iter_epochs(Params(epochs=2)))
    assert all(v is None for v in recs[0][4:-1]) and recs[0].reason == ""
    # every update field is set, but a stateless learner's state
    assert all(v is not None for k, v in zip(recs[1]._fields, recs[1][:-2]) if k != "state")
    assert recs[1].state is None and recs[1].status is None and recs[1].reason == ""
    assert recs[-1].status == "max_epochs" and recs[-1].reason == "all 2 epochs ran"
    assert isinstance(recs[1].dE_dY, float) and isinstance(recs[1].error, float)    # plain floats for exports
    assert math.isnan(recs[0].grad_norm) and recs[1].grad_norm == pytest.approx(math.hypot(*recs[1].dE_dw.tolist()))


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
    assert result.status == "diverged" and "turned" in result.reason
    assert np.isfinite(result.angles).all() and np.isfinite(result.errors).all()


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


# --------------------------------------------------------------------------- many arms
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
    monkeypatch.setattr(armsim.core.batch, "BATCH_CHUNK", chunk)
    monkeypatch.setattr(armsim.core.batch, "BATCH_MIN", least)
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
