"""The Python-float kernel of damped least squares (armsim.core.lm_kernel) against the numpy rule, bit for bit."""
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import armsim.core.run
from armsim import Params, Run, solve
from tests.core.test_solvers import same_result


def by_numpy(params):
    with mock.patch.object(armsim.core.run, "KERNEL_MAX_LINKS", 0):     # every epoch through lm_step
        return solve(params)


@st.composite
def lm_setups(draw):
    n = draw(st.integers(1, 10))                  # beyond 8 terms np.sum would pair them: the sums must not
    angles = tuple(draw(st.lists(st.floats(-180, 180), min_size=n, max_size=n)))
    lengths = draw(st.none() | st.lists(st.floats(0.2, 2.5), min_size=n, max_size=n).map(tuple))
    aim = draw(st.sampled_from(["height", "point"]))
    span = n if lengths is None else sum(lengths)
    kw = dict(reach=(draw(st.floats(-1.2, 1.2)) * span, draw(st.floats(-1.2, 1.2)) * span)) if aim == "point" \
        else dict(target=draw(st.floats(-1.2, 1.2)) * span)
    return Params(angles_deg=angles, lengths=lengths, relative=draw(st.booleans()), learner="lm",
                  eta=draw(st.sampled_from([0.3, 1.0, 1.9])), damping=draw(st.sampled_from([0.0, 1e-6, 1e-3, 1.0])),
                  epochs=draw(st.integers(0, 80)), tol=draw(st.sampled_from([0.0, 1e-20, 1e-6])), **kw)


@settings(max_examples=150, deadline=None)
@given(lm_setups())
def test_the_lm_kernel_equals_the_numpy_rule_in_every_epoch(params):
    result = solve(params)
    same_result(result, by_numpy(params))
    for j in (0, result.epochs_run):              # the records rebuilt by the numpy rule match what was stored
        assert np.array_equal(result.epoch(j).angles, result.angles[j])


def test_a_singular_system_hands_the_run_to_the_pseudo_inverse():
    # Stretched along x with no damping: J = [[0, 0], [1, 1]] (absolute angles) has rank 1, so J J^T is singular and
    # the kernel cannot divide; the numpy rule's pseudo-inverse takes the least-norm step.
    params = Params(angles_deg=(0.0, 0.0), reach=(1.0, 1.0), learner="lm", eta=1.0, damping=0.0, epochs=5)
    run = Run(params)
    assert run._lm is not None
    run.advance(3)
    assert run._lm is None and run.count == 4
    result = run.result()
    same_result(solve(params), by_numpy(params))
    J = np.array([[0.0, 0.0], [1.0, 1.0]])
    least_norm = np.linalg.pinv(J) @ np.array([1.0 - 2.0, 1.0 - 0.0])
    assert np.allclose(result.angles[1], least_norm, rtol=0, atol=1e-15)


def test_a_moved_target_leaves_the_kernel_and_matches_a_numpy_run_moved_alike():
    params = Params(angles_deg=(20.0, 30.0, 40.0), reach=(1.0, 1.5), relative=True, learner="lm", eta=0.5,
                    epochs=40)
    runs = [Run(params)]
    with mock.patch.object(armsim.core.run, "KERNEL_MAX_LINKS", 0):
        runs.append(Run(params))
    for run in runs:
        run.advance(3)
        run.retarget((-0.5, 2.0))
        run.advance(40)
    same_result(runs[0].result(), runs[1].result())
    assert runs[0].result().moves == ((4, (-0.5, 2.0)),)
