"""The learners robotics and machine learning use beyond the post's: momentum, Adam, damped least squares
(Levenberg-Marquardt), cyclic coordinate descent and FABRIK, one epoch each.

This module owns those update rules and the registry of every learner
(:data:`RULES`). Each rule takes the parameters ``p`` (the learner's own: the
absolute angles, or with relative joints each link's angle to the previous one;
one arm ``(n,)`` or a batch ``(B, n)``) and returns the change it makes, its
``delta``; the run adds it and clips the result into the joint limits. A rule
with a state (momentum's velocity, Adam's two moments) takes the state before
the epoch and returns the one after as well; the clip never changes a state.

The rules, as the issue and the README state them (``g`` = dE/dp, ``t`` the epoch 1, 2, ...):

- ``momentum`` (heavy ball): ``v <- beta v - eta g``; ``delta = v``; ``v`` starts at 0.
- ``adam``: ``m <- b1 m + (1 - b1) g``; ``s <- b2 s + (1 - b2) g^2``;
  ``delta = -eta mh / (sqrt(sh) + eps)``, ``mh = m / (1 - b1^t)``, ``sh = s / (1 - b2^t)``.
- ``lm`` (damped least squares): ``delta = eta J^T (J J^T + lambda I)^-1 r``, ``r`` the residual
  (``T - y_n``, or ``(X - x_n, Y - y_n)``), ``J = d(end point)/dp``.
- ``ccd``: each joint in turn, tip to base, set to the angle that minimises ``E`` with the
  others held, within its limits (eta is not used).
- ``fabrik`` (the reach task only): one backward pass (the tip put on the target, each joint
  pulled toward the one after at its link's length) and one forward pass (the base put back,
  each joint pulled toward the one before) over the joint positions; the parameters are the
  new links' directions, each the turn nearest to where it was (eta is not used).
"""
from __future__ import annotations

import math
import sys
from typing import Callable, NamedTuple

import numpy as np

from armsim.core.kinematics import forward

ADAM_B1, ADAM_B2, ADAM_EPS = 0.9, 0.999, 1e-8
TWO_PI = 2.0 * math.pi


# --------------------------------------------------------------------------- the gradient's relatives
def momentum_step(p, task, eta, g, state, t, *, beta: float):
    """Heavy ball: ``v <- beta v - eta g`` and ``delta = v``; ``state`` holds ``[v]``."""
    v = beta * state[0] - eta * g
    return v, v[None]


def adam_step(p, task, eta, g, state, t, **_):
    """Adam with bias correction; ``state`` holds ``[m, s]``, ``t`` the epoch (1 first)."""
    m = ADAM_B1 * state[0] + (1.0 - ADAM_B1) * g
    s = ADAM_B2 * state[1] + (1.0 - ADAM_B2) * (g * g)
    mh = m / (1.0 - ADAM_B1 ** t)
    sh = s / (1.0 - ADAM_B2 ** t)
    return -(eta * mh / (np.sqrt(sh) + ADAM_EPS)), np.stack((m, s))


def residual(task, x_end, y_end):
    """``r``: ``T - y_n`` as one row, or ``(X - x_n, Y - y_n)``; shape ``(..., m)``."""
    ry = np.asarray(task.goal - y_end, dtype=float)[..., None]
    if task.reach_x is None:
        return ry
    return np.concatenate((np.asarray(task.reach_x - x_end, dtype=float)[..., None], ry), axis=-1)


def _dot(u, v):
    """``sum_i u_i v_i`` over the last axis, left to right: one arm, a batch row and the
    Python-float kernel (:mod:`armsim.core.lm_kernel`) get the same bits (np.sum pairs terms
    from eight on)."""
    total = u[..., 0] * v[..., 0]
    for i in range(1, u.shape[-1]):
        total = total + u[..., i] * v[..., i]
    return total


def lm_parts(p, task, damping: float):
    """The damped least-squares step's parts at ``p``: ``(J, A, r, x)``, ``A = J J^T + lambda I`` and ``A x = r``.

    ``A`` is 1 x 1 or 2 x 2, so ``x`` is written out (Cramer's rule) rather than factored: the
    numbers a student checks by hand, and a tenth of ``np.linalg.solve``'s cost for one arm.
    Where ``A`` is singular (``lambda = 0`` at a pose where the arm cannot move the end point
    in some direction) the pseudo-inverse gives the least-norm step.
    """
    J = task.jacobian(p)                                   # (..., m, n)
    r = residual(task, *task.end(p))                       # (..., m)
    if J.shape[-2] == 1:
        a = _dot(J[..., 0, :], J[..., 0, :]) + damping
        A = a[..., None, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = r / a[..., None]
    else:
        jx, jy = J[..., 0, :], J[..., 1, :]
        a = _dot(jx, jx) + damping
        b = _dot(jx, jy)
        d = _dot(jy, jy) + damping
        A = np.stack((np.stack((a, b), -1), np.stack((b, d), -1)), -2)
        det = a * d - b * b
        rx, ry = r[..., 0], r[..., 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.stack(((d * rx - b * ry) / det, (a * ry - b * rx) / det), -1)
    singular = ~np.isfinite(x).all(axis=-1)
    if np.any(singular):
        x = np.where(singular[..., None], (np.linalg.pinv(A) @ r[..., None])[..., 0], x)
    return J, A, r, x


def lm_step(p, task, eta, g, *, damping: float):
    """Damped least squares: ``delta = eta J^T (J J^T + lambda I)^-1 r``."""
    J, _, _, x = lm_parts(p, task, damping)
    step = J[..., 0, :] * x[..., 0:1]
    for k in range(1, J.shape[-2]):         # J^T x term by term: one arm and a batch row get the same bits
        step = step + J[..., k, :] * x[..., k:k + 1]
    return eta * step


# --------------------------------------------------------------------------- geometric learners
def _wrap(a):
    """Angles into (-pi, pi]."""
    return a - TWO_PI * np.ceil((a - math.pi) / TWO_PI)


def _nearest(angle, to):
    """``angle`` plus the whole turns that bring it nearest ``to``."""
    return to + _wrap(angle - to)


def _joints(p, task):
    """Positions of the base and joints 1..n, ``(x, y)`` each ``(..., n + 1)``."""
    L = np.ones(p.shape[-1]) if task.lengths is None else task.lengths
    x, y = forward(p, L, task.base, task.relative)
    zeros = np.zeros(p.shape[:-1] + (1,))
    return np.concatenate((zeros, x), axis=-1), np.concatenate((zeros + task.base, y), axis=-1)


def _ccd_error(task, cx, cy, vx, vy, turn):
    """E with the end point at ``c + R(turn) v``."""
    c, s = np.cos(turn), np.sin(turn)
    ex, ey = cx + c * vx - s * vy, cy + s * vx + c * vy
    return task.error(None if task.reach_x is None else ex, ey)


def ccd_step(p, task, eta, g, *, lo=None, hi=None):
    """One CCD sweep, tip to base: each parameter set to the turn that minimises E with the others held.

    Turning parameter ``k`` turns a vector ``v`` of the arm about a pivot ``c`` (relative
    joints: everything from joint ``k`` on, about joint ``k``; absolute angles: link ``k``
    alone, about where the rest of the chain puts it), so the end point moves on a circle.
    The best turns on that circle are found in closed form; with limits the candidates
    are the best turns and their copies a turn either way that lie within the range, and
    its two ends, the one of least error (then the least turn) taken.
    """
    p = np.array(p, dtype=float)
    n = p.shape[-1]
    L = np.ones(n) if task.lengths is None else task.lengths
    for k in range(n - 1, -1, -1):
        x, y = _joints(p, task)
        ex, ey = x[..., -1], y[..., -1]
        if task.relative:
            cx, cy = x[..., k], y[..., k]
        else:
            t = p[..., k]
            cx, cy = ex - L[k] * np.cos(t), ey - L[k] * np.sin(t)
        vx, vy = ex - cx, ey - cy
        if task.reach_x is None:
            r = np.hypot(vx, vy)
            alpha = np.arctan2(vy, vx)
            with np.errstate(divide="ignore", invalid="ignore"):
                s = np.clip((task.goal - cy) / r, -1.0, 1.0)
            phi = np.arcsin(np.where(r > 0, s, 0.0))
            best = [_wrap(phi - alpha), _wrap(math.pi - phi - alpha)]
        else:
            dx, dy = task.reach_x - cx, task.goal - cy
            best = [np.arctan2(vx * dy - vy * dx, vx * dx + vy * dy)]
        now = p[..., k]
        candidates = [now + b for b in best]
        if lo is not None:          # the best turns' copies within the range, and the range's ends
            low, high = float(lo[k]), float(hi[k])
            candidates = [c + TWO_PI * m for c in candidates for m in (-1, 0, 1)]
            candidates += [np.full_like(now, v) for v in (low, high) if math.isfinite(v)]
        errors = np.stack([_ccd_error(task, cx, cy, vx, vy, c - now) for c in candidates])
        if lo is not None:
            outside = np.stack([(c < low) | (c > high) for c in candidates])
            errors = np.where(outside, np.inf, errors)
        turns = np.stack([np.abs(c - now) for c in candidates])
        # least error, then least turn: a lexicographic pick over the candidates
        order = np.lexsort((turns, errors), axis=0)[0]
        p[..., k] = np.take_along_axis(np.stack(candidates), order[None], axis=0)[0]
    return p


def ccd_rule(p, task, eta, g, *, lo=None, hi=None):
    """The CCD learner's change: a sweep's result less where it started."""
    return ccd_step(p, task, eta, g, lo=lo, hi=hi) - p


def _towards(ax, ay, bx, by, length, fallback):
    """The point ``length`` from ``a`` toward ``b`` (along ``fallback`` angle when they coincide)."""
    dx, dy = bx - ax, by - ay
    d = np.hypot(dx, dy)
    safe = d > 0
    ux = np.where(safe, dx / np.where(safe, d, 1.0), np.cos(fallback))
    uy = np.where(safe, dy / np.where(safe, d, 1.0), np.sin(fallback))
    return ax + length * ux, ay + length * uy


def fabrik_rule(p, task, eta, g, **_):
    """One FABRIK iteration (backward, then forward pass); the change of the parameters it gives."""
    n = p.shape[-1]
    L = np.ones(n) if task.lengths is None else task.lengths
    x, y = _joints(p, task)
    theta = np.cumsum(p, axis=-1) if task.relative else p
    qx, qy = x.copy(), y.copy()
    qx[..., n], qy[..., n] = task.reach_x, task.goal
    for i in range(n - 1, -1, -1):          # backward: from the target toward the base
        qx[..., i], qy[..., i] = _towards(qx[..., i + 1], qy[..., i + 1], x[..., i], y[..., i], L[i],
                                          theta[..., i] + math.pi)
    rx, ry = qx.copy(), qy.copy()
    rx[..., 0], ry[..., 0] = 0.0, task.base
    for i in range(1, n + 1):               # forward: from the base toward the tip
        rx[..., i], ry[..., i] = _towards(rx[..., i - 1], ry[..., i - 1], qx[..., i], qy[..., i], L[i - 1],
                                          theta[..., i - 1])
    new_theta = np.arctan2(np.diff(ry, axis=-1), np.diff(rx, axis=-1))
    if task.relative:
        before = np.concatenate((np.zeros(p.shape[:-1] + (1,)), new_theta[..., :-1]), axis=-1)
        new = new_theta - before
    else:
        new = new_theta
    return _nearest(new, p) - p


# --------------------------------------------------------------------------- the registry
class Rule(NamedTuple):
    """One learner: its update, what it needs, and how the window names it.

    ``step(p, task, eta, g, **options)`` returns the change, or with ``state_rows`` > 0
    ``step(p, task, eta, g, state, t, **options)`` returns ``(change, state)``, the state
    shaped ``(state_rows, ..., n)`` and zero before the first epoch. ``options`` names the
    Params fields the rule reads (``momentum``, ``damping``) or ``limits`` (``lo``, ``hi``).
    """

    step: Callable
    state_rows: int = 0
    gradient: bool = True          # the rule uses dE/dp
    options: tuple[str, ...] = ()
    reach_only: bool = False
    turn_rule: bool = True         # a turn of more than half a turn in one epoch is divergence (see run.py)


def turn_limit(learner: str) -> float:
    """The most a joint may turn in one epoch before the run counts as diverged: half a turn, or for a
    learner without that rule (lm) no limit but a finite step (the largest float)."""
    rule = RULES.get(learner)
    return math.pi if rule is None or rule.turn_rule else sys.float_info.max


RULES: dict[str, Rule] = {
    "momentum": Rule(momentum_step, 1, options=("momentum",)),
    "adam": Rule(adam_step, 2),
    # A whole Gauss-Newton step may turn a joint further than half a turn and still land on the target.
    "lm": Rule(lm_step, gradient=False, options=("damping",), turn_rule=False),
    "ccd": Rule(ccd_rule, gradient=False, options=("limits",)),
    "fabrik": Rule(fabrik_rule, gradient=False, reach_only=True),
}
