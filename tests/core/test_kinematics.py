import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim.core import kinematics as k

angles = st.floats(-np.pi, np.pi)
lengths = st.floats(0.1, 3.0)


@st.composite
def arms(draw):
    n = draw(st.integers(1, 8))
    w = np.array(draw(st.lists(angles, min_size=n, max_size=n)))
    L = np.array(draw(st.lists(lengths, min_size=n, max_size=n)))
    return w, L, draw(st.floats(-2, 2)), draw(st.floats(-3, 3))


@settings(max_examples=200, deadline=None)
@given(arms())
def test_gradient_matches_central_differences(arm):
    w, L, base, goal = arm
    y_end = k.lateral(w, L, base)[-1]
    _, _, analytic = k.gradient(w, L, y_end, goal)
    h = 1e-6
    numeric = np.empty_like(w)
    for i in range(w.size):
        up, down = w.copy(), w.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (k.error(k.lateral(up, L, base)[-1], goal) - k.error(k.lateral(down, L, base)[-1], goal)) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_forward_pass_is_the_posts_running_sum():
    w = np.radians([22.0, -20.0, 14.0])
    x, y = k.forward(w, None, 0.0)
    assert tuple(y.tolist()) == (0.374606593415912, 0.0325864500902433, 0.274508345689911)
    assert np.allclose(x, np.cumsum(np.cos(w)))


def test_batch_and_single_arm_give_identical_bits():
    rng = np.random.default_rng(1)
    w = rng.uniform(-3, 3, (50, 4))
    L = rng.uniform(0.2, 2, 4)
    batch = k.lateral(w, L, 0.7)
    assert all(np.array_equal(batch[b], k.lateral(w[b], L, 0.7)) for b in range(50))


def test_critical_eta_is_two_over_curvature():
    w = np.radians([0.0, 60.0, 90.0])
    L = np.array([1.0, 2.0, 3.0])
    s = 1.0 + 4.0 * 0.25 + 9.0 * np.cos(np.pi / 2) ** 2
    assert np.isclose(k.curvature(w, L), s)
    assert np.isclose(k.critical_eta(w, L), 2 / s)
    assert k.critical_eta(np.array([np.pi / 2]), None) > 1e30   # cos is ~0: almost any eta is stable
