"""Forward pass of the n-link arm: joint positions, error and its chain-rule gradient.

Pure numpy, no state. Every function takes angles in radians with the links on
the last axis, so one arm is shape ``(n,)`` and a batch of arms ``(B, n)``;
one implementation serves both.

``lengths`` may be ``None`` for unit links (the post's arm): multiplying by 1.0
changes no bit, and skipping it saves a tenth of an epoch for one arm.

Summation order matters for the last bits: the post computes
``Y1 = Y0 + sin(w1); Y2 = Y1 + sin(w2); ...`` left to right, and
:func:`chain` and :func:`lateral_end` do exactly that.

The functions above :class:`Task` are the post's model (the lateral task,
angles from absolute horizontal) and stay exactly the post's arithmetic.
:class:`Task` adds the options of the same model: the **reach** task (a point
``(X, Y)``, ``E = 0.5 ((X - x_n)^2 + (Y - y_n)^2)``) and **relative** joints
(parameters ``q_i``, each link's angle to the previous one, ``theta_i = q_1 +
... + q_i``). For the post's task it computes the same bits as the functions
above; the engine still takes those for it, as they are faster.

A batch runs fastest with its arrays in Fortran order (each link's column
contiguous); every function here keeps the layout it is given, so the
per-link steps of a batch read contiguous memory.
"""
from __future__ import annotations

from itertools import accumulate
from typing import Any, NamedTuple

import numpy as np


def chain(start, steps: np.ndarray) -> np.ndarray:
    """Running positions ``start + steps[0] + steps[1] + ...``, summed left to right.

    Parameters
    ----------
    start : float or array of shape (...)
        Position before the first link.
    steps : ndarray, shape (..., n)
        Each link's displacement.

    Returns
    -------
    ndarray, shape (..., n)
        Position of joints 1..n.
    """
    if steps.ndim == 1:
        # One arm: Python floats beat numpy's per-call overhead on short chains.
        # (start + s0) + s1 + ...: IEEE addition commutes, so folding start into s0 keeps every bit.
        items = steps.tolist()
        items[0] = start + items[0]
        return np.fromiter(accumulate(items), float, len(items))
    out = np.empty_like(steps)
    acc = start
    for i in range(steps.shape[-1]):   # a loop over links, each step vectorised over arms
        acc = out[..., i] = acc + steps[..., i]
    return out


def _scaled(lengths, v: np.ndarray) -> np.ndarray:
    return v if lengths is None else lengths * v


def lateral(w: np.ndarray, lengths, base) -> np.ndarray:
    """Lateral positions ``Y_1..Y_n`` of the joints (the post's ``calculate_pose``)."""
    steps = np.sin(w)
    return chain(base, steps if lengths is None else lengths * steps)   # inline _scaled: one call less per epoch


def lateral_end(w: np.ndarray, lengths, base):
    """The end point ``Y_n`` alone: ``lateral(w, lengths, base)[..., -1]`` bit for bit.

    The same left-to-right sum as :func:`chain`, but it keeps one running
    value instead of storing every joint, which the batch does not need.
    """
    steps = _scaled(lengths, np.sin(w))
    if steps.ndim == 1:
        return chain(base, steps)[-1]
    acc = base + steps[..., 0]
    for i in range(1, steps.shape[-1]):
        acc += steps[..., i]          # in place: acc is this function's own array, fresh from the line above
    return acc


def forward(w: np.ndarray, lengths: np.ndarray, base, relative: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Joint positions ``(x, y)`` of joints 1..n; the base sits at ``(0, base)``.

    ``w`` are absolute angles, or with ``relative`` each link's angle to the previous link.
    """
    if relative:
        w = absolute(w)
    return chain(0.0, _scaled(lengths, np.cos(w))), lateral(w, lengths, base)


def absolute(q: np.ndarray) -> np.ndarray:
    """Absolute angles ``theta_i = q_1 + ... + q_i`` of relative joint angles, summed left to right."""
    return np.cumsum(q, axis=-1)      # add.accumulate: sequential, so one arm and a batch row agree bit for bit


def suffix_sums(d: np.ndarray) -> np.ndarray:
    """``out_j = sum over i >= j of d_i``, summed from the last link back (the backward pass)."""
    return np.cumsum(d[..., ::-1], axis=-1)[..., ::-1]


def _end(start, steps: np.ndarray):
    """The last of :func:`chain`'s running sums alone (a float for one arm, an array for a batch)."""
    if steps.ndim == 1:
        return chain(start, steps).item(-1)
    acc = start + steps[..., 0]
    for i in range(1, steps.shape[-1]):
        acc += steps[..., i]          # acc is this function's own array, fresh from the line above
    return acc


def error(y_end, goal):
    """Squared error ``E = 0.5 * (goal - Y_n)**2`` of the end point."""
    gap = goal - y_end
    return 0.5 * (gap * gap)   # not ** 2: Python floats would use pow(), numpy arrays x*x; keep one rounding


def gradient(w: np.ndarray, lengths: np.ndarray, y_end, goal):
    """Chain-rule gradient of :func:`error` with respect to each angle.

    Returns
    -------
    dE_dY : float or ndarray (...)
        ``-(goal - Y_n)``, how the error changes with the end point.
    dY_dw : ndarray (..., n)
        ``L_i cos w_i``, how the end point moves as each angle turns.
    dE_dw : ndarray (..., n)
        ``dE_dY * dY_dw``, the chain rule.
    """
    dE_dY = -(goal - y_end)
    dY_dw = np.cos(w)
    if lengths is not None:            # inline _scaled: one call less per epoch
        dY_dw = lengths * dY_dw
    dE_dw = (dE_dY[..., None] if isinstance(dE_dY, np.ndarray) else dE_dY) * dY_dw
    return dE_dY, dY_dw, dE_dw


def curvature(w: np.ndarray, lengths: np.ndarray):
    """``S = sum(L_i^2 cos^2 w_i)``: near a pose, one epoch scales the residual by ``1 - eta*S``."""
    return np.sum(_scaled(lengths, np.cos(w)) ** 2, axis=-1)


def critical_eta(w: np.ndarray, lengths: np.ndarray):
    """``2 / S``: above it the residual grows each epoch near this pose (inf when S is 0)."""
    s = curvature(w, lengths)
    with np.errstate(divide="ignore"):
        return 2.0 / s


# --------------------------------------------------------------------------- the model's options
class Gradient(NamedTuple):
    """The chain rule of one pose, for the learner's own parameters ``p`` (``w`` or ``q``).

    ``dE_dX``, ``dE_dY``: how the error changes with the end point's ``x_n`` and ``y_n``
    (``dE_dX`` is 0.0 for the lateral task, whose error ignores ``x_n``). ``dX_dw``,
    ``dY_dw``: how ``x_n`` and ``y_n`` move as each parameter turns (``-L_i sin theta_i``
    and ``L_i cos theta_i``; with relative joints the sums of these over ``i >= j``).
    ``dE_dtheta``: the gradient for the absolute angles. ``dE_dw``: the gradient for the
    parameters, ``dE_dtheta`` itself for absolute angles and its sums over ``i >= j``
    for relative joints (the backward pass; it equals ``dE_dX * dX_dw + dE_dY * dY_dw``
    up to rounding).
    """

    dE_dX: Any
    dE_dY: Any
    dX_dw: np.ndarray
    dY_dw: np.ndarray
    dE_dw: np.ndarray
    dE_dtheta: np.ndarray


def _column(v):
    return v[..., None] if isinstance(v, np.ndarray) else v


class Task(NamedTuple):
    """What the arm is asked to do and how its parameters set its links: the model's options.

    Parameters
    ----------
    lengths : ndarray (n,) or None
        Link lengths (None: unit links).
    base : float
        ``Y0``, the base's height; the base sits at ``(0, Y0)``.
    goal : float or ndarray (B,)
        The lateral target ``T``, or for the reach task the point's ``Y``.
    reach_x : float, ndarray (B,) or None
        The reach point's ``X``; None for the post's lateral task.
    relative : bool
        Parameters are relative joint angles ``q`` (``theta = cumsum(q)``), not absolute ones.

    Every method takes the parameters with the links on the last axis, so one
    arm ``(n,)`` and a batch ``(B, n)`` share one implementation, bit for bit.
    """

    lengths: np.ndarray | None
    base: float
    goal: Any
    reach_x: Any = None
    relative: bool = False

    @property
    def is_post(self) -> bool:
        """The post's task and convention (lateral, absolute angles)."""
        return self.reach_x is None and not self.relative

    def theta(self, p: np.ndarray) -> np.ndarray:
        """Absolute angles of the parameters ``p``."""
        return absolute(p) if self.relative else p

    def end(self, p: np.ndarray):
        """The end point ``(x_n, y_n)``; ``x_n`` is None for the lateral task (its error ignores it)."""
        t = self.theta(p)
        y = _end(self.base, _scaled(self.lengths, np.sin(t)))
        return (None if self.reach_x is None else _end(0.0, _scaled(self.lengths, np.cos(t)))), y

    def error(self, x_end, y_end):
        """``E`` of an end point: ``0.5 (T - y_n)^2``, or ``0.5 ((X - x_n)^2 + (Y - y_n)^2)``."""
        if self.reach_x is None:
            return error(y_end, self.goal)
        gx, gy = self.reach_x - x_end, self.goal - y_end
        return 0.5 * (gx * gx + gy * gy)

    def errors(self, p: np.ndarray):
        """``E`` of the parameters ``p`` (one pose or a batch)."""
        return self.error(*self.end(p))

    def gradient(self, p: np.ndarray, x_end, y_end) -> Gradient:
        """The chain rule at ``p`` whose end point is ``(x_end, y_end)`` (see :class:`Gradient`)."""
        t = self.theta(p)
        ls, lc = _scaled(self.lengths, np.sin(t)), _scaled(self.lengths, np.cos(t))
        dX_dtheta, dE_dY = -ls, -(self.goal - y_end)
        if self.reach_x is None:
            dE_dX = 0.0
            dE_dtheta = _column(dE_dY) * lc
        else:
            # (-(X - x_n)) * (-L sin) + (-(Y - y_n)) * (L cos) is, bit for bit,
            # (X - x_n) L sin theta - (Y - y_n) L cos theta: products are sign-symmetric.
            dE_dX = -(self.reach_x - x_end)
            dE_dtheta = _column(dE_dX) * dX_dtheta + _column(dE_dY) * lc
        if not self.relative:
            return Gradient(dE_dX, dE_dY, dX_dtheta, lc, dE_dtheta, dE_dtheta)
        return Gradient(dE_dX, dE_dY, suffix_sums(dX_dtheta), suffix_sums(lc), suffix_sums(dE_dtheta), dE_dtheta)

    def dE_dp(self, p: np.ndarray, x_end, y_end) -> np.ndarray:
        """:meth:`gradient`'s ``dE_dw`` alone, bit for bit, without the parts only a record shows
        (the lateral task then takes no sines: a third of the batch's time per epoch)."""
        t = self.theta(p)
        lc, dE_dY = _scaled(self.lengths, np.cos(t)), -(self.goal - y_end)
        if self.reach_x is None:
            dE_dtheta = _column(dE_dY) * lc
        else:
            dE_dtheta = _column(-(self.reach_x - x_end)) * -_scaled(self.lengths, np.sin(t)) + _column(dE_dY) * lc
        return suffix_sums(dE_dtheta) if self.relative else dE_dtheta

    def jacobian(self, p: np.ndarray) -> np.ndarray:
        """``J = d(end point)/d(parameters)``, shape ``(..., m, n)``: m = 1 (``y_n``) or 2 (``x_n``, ``y_n``)."""
        t = self.theta(p)
        rows = [_scaled(self.lengths, np.cos(t))]
        if self.reach_x is not None:
            rows.insert(0, -_scaled(self.lengths, np.sin(t)))
        J = np.stack(rows, axis=-2)
        return suffix_sums(J) if self.relative else J


def stiffness(J: np.ndarray):
    """``lambda_max(J^T J)`` of a Jacobian ``(..., m, n)`` with m = 1 or 2.

    For one row this is ``sum(J_i^2)`` (summed as :func:`curvature` sums, so the post's
    task gets the same float); for two rows the larger eigenvalue of the 2 x 2 matrix
    ``J J^T``, which has the same nonzero eigenvalues as ``J^T J``.
    """
    if J.shape[-2] == 1:
        return np.sum(J[..., 0, :] ** 2, axis=-1)
    a, c = np.sum(J[..., 0, :] ** 2, axis=-1), np.sum(J[..., 1, :] ** 2, axis=-1)
    b = np.sum(J[..., 0, :] * J[..., 1, :], axis=-1)
    return 0.5 * (a + c) + np.hypot(0.5 * (a - c), b)
