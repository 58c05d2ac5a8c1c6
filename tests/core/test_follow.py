"""Follow mode in the core: a run whose target moves while it goes on (Run.retarget, Run.holding).

The reference is tests/core/reference_2d.py (plain Python, no armsim code): a moved run is the
reference's updates toward the first target, then toward the second from the pose reached.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim import Params, Run, solve
from armsim.core.params import ParamError
from tests.core.reference_2d import ref_error, ref_gradient


def aim_tuple(p: Params, aim):
    return ("lateral", aim) if p.reach is None else ("reach", *aim)


def reference_moved(p: Params, first: int, aim2, eta: float, total: int):
    """The reference's poses and errors: ``first`` updates toward p's target, then toward ``aim2``."""
    Ls, n = list(p.lengths), p.n_links
    lo = [-math.inf] * n if p.min_angles_deg is None else [math.radians(v) for v in p.min_angles_deg]
    hi = [math.inf] * n if p.max_angles_deg is None else [math.radians(v) for v in p.max_angles_deg]
    q = [math.radians(a) for a in p.angles_deg]
    aim = aim_tuple(p, p.aim)
    poses, errors = [q], [ref_error(q, Ls, p.base, aim, p.relative)]
    for k in range(total):
        if k == first:
            aim = aim_tuple(p, aim2)
        g = ref_gradient(q, Ls, p.base, aim, p.relative)
        q = [min(max(v - eta * d, a), b) for v, d, a, b in zip(q, g, lo, hi)]
        poses.append(q)
        errors.append(ref_error(q, Ls, p.base, aim, p.relative))
    return poses, errors


CASES = [
    Params(epochs=30),                                                       # the post: its fast kernel
    Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.1, epochs=30),
    Params(angles_deg=(20.0, 30.0, -40.0), lengths=(1.2, 0.8, 0.5), reach=(-0.5, 1.4), relative=True,
           eta=0.05, epochs=30, min_angles_deg=(-90.0, -90.0, -90.0), max_angles_deg=(90.0, 90.0, 90.0)),
    Params(angles_deg=(10.0, 20.0), target=0.8, relative=True, eta=0.2, epochs=30),
]
SECOND_AIMS = [-1.2, (0.2, -1.5), (1.0, 0.3), -0.4]


@pytest.mark.parametrize("p, aim2", list(zip(CASES, SECOND_AIMS)), ids=["post", "reach", "relative-limits",
                                                                        "relative-lateral"])
def test_a_moved_target_is_aimed_at_from_the_next_epoch_on(p, aim2):
    run = Run(p)
    run.advance(9)
    assert run.retarget(aim2)
    run.advance(21)
    poses, errors = reference_moved(p, 9, aim2, p.eta, 30)
    np.testing.assert_allclose(run.angles, np.array(poses), rtol=0, atol=1e-12)
    np.testing.assert_allclose(run.errors, np.array(errors), rtol=0, atol=1e-12)
    result = run.result()
    assert result.moves == ((10, aim2 if p.reach is None else tuple(aim2)),)
    assert result.params == p                            # the setup the run started from
    assert result.params_at(9).aim == p.aim and result.params_at(10).aim == result.params_at(-1).aim


@pytest.mark.parametrize("p, aim2", list(zip(CASES, SECOND_AIMS)), ids=["post", "reach", "relative-limits",
                                                                        "relative-lateral"])
def test_every_epoch_of_a_moved_run_is_rebuilt_against_its_own_target(p, aim2):
    run = Run(p)
    run.advance(5)
    run.retarget(aim2)
    run.advance(10)
    result = run.result()
    for j in range(result.epochs_run + 1):
        rec = result.epoch(j)
        assert np.array_equal(rec.angles, result.angles[j]), j
        assert rec.error == result.errors[j], j


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.floats(-2.5, 2.5), st.floats(-2.5, 2.5)), min_size=1,
                max_size=5))
def test_several_moves_replay_bit_for_bit(moves):
    """A run moved several times (twice between two epochs too) is rebuilt from its result exactly."""
    p = Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.1, epochs=40)
    run = Run(p)
    for wait, x, y in moves:
        run.advance(wait)
        run.retarget((x, y))
    run.advance(40)
    result = run.result()
    assert [m[0] for m in result.moves] == sorted({m[0] for m in result.moves})   # one move per epoch at most
    for j in range(result.epochs_run + 1):
        assert result.epoch(j).error == result.errors[j]


def test_holding_the_target_keeps_a_converged_run_going_until_released():
    p = Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.3, epochs=400, tol=1e-8)
    ends = solve(p).epochs_run
    assert ends < 200
    run = Run(p)
    run.holding = True
    run.advance(250)
    assert run.status is None and run.count == 251 and run.errors[-1] < p.tol
    run.holding = False
    run.advance(1)
    assert run.status == "converged"


def test_holding_does_not_hide_divergence_or_the_last_epoch():
    run = Run(Params(eta=3.0, epochs=50))
    run.holding = True
    run.advance(50)
    assert run.status == "diverged"
    run = Run(Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.3, epochs=30, tol=1e-8))
    run.holding = True
    run.advance(100)
    assert run.status == "max_epochs" and run.count == 31


def test_a_moved_target_out_of_reach_ends_the_run_as_unreachable_with_the_new_distance():
    run = Run(Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.3, epochs=2000))
    run.advance(3)
    run.retarget((5.0, 0.0))
    run.advance(2000)
    assert run.status == "unreachable"
    assert "(5, 0) is 5 from the base" in run.reason


def test_a_move_starts_the_divergence_rule_afresh():
    """The error against a far new target may rise for a while: that is the chase, not divergence.

    Moved far at every epoch, the error rises each epoch above the start error; without the
    fresh start the run would end as diverged after five."""
    p = Params(angles_deg=(0.0, 0.0, 0.0), reach=(2.9, 0.0), eta=0.01, epochs=40)
    run = Run(p)
    for k in range(30):
        run.retarget((2.9 * math.cos(0.5 * k), 2.9 * math.sin(0.5 * k)))
        run.advance(1)
    assert run.status is None


def test_retarget_refuses_a_bad_aim_and_changes_nothing():
    run = Run(Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), epochs=10))
    run.advance(2)
    with pytest.raises(ParamError, match="reach"):
        run.retarget((float("nan"), 0.0))
    with pytest.raises(ParamError):
        run.retarget(0.5)                            # a height for the reach task
    assert run.moves == () and run.aimed.aim == (1.5, 1.2)
    lateral = Run(Params(epochs=10))
    with pytest.raises(ParamError, match="target"):
        lateral.retarget(float("inf"))


def test_an_ended_run_takes_no_move():
    run = Run(Params(epochs=3))
    run.advance(3)
    assert run.status == "max_epochs"
    assert run.retarget(0.5) is False and run.moves == ()


def test_moving_to_the_same_target_records_nothing():
    run = Run(Params(epochs=10))
    run.advance(2)
    assert run.retarget(0.0) and run.moves == ()
