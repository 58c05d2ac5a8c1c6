"""Forward pass of the n-link arm: joint positions, error and its chain-rule gradient.

Pure numpy, no state. Every function takes angles in radians with the links on
the last axis, so one arm is shape ``(n,)`` and a batch of arms ``(B, n)``;
one implementation serves both.

``lengths`` may be ``None`` for unit links (the post's arm): multiplying by 1.0
changes no bit, and skipping it saves a tenth of an epoch for one arm.

Summation order matters for the last bits: the post computes
``Y1 = Y0 + sin(w1); Y2 = Y1 + sin(w2); ...`` left to right, and
:func:`chain` and :func:`lateral_end` do exactly that.

A batch runs fastest with its arrays in Fortran order (each link's column
contiguous); every function here keeps the layout it is given, so the
per-link steps of a batch read contiguous memory.
"""
from __future__ import annotations

from itertools import accumulate

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


def forward(w: np.ndarray, lengths: np.ndarray, base) -> tuple[np.ndarray, np.ndarray]:
    """Joint positions ``(x, y)`` of joints 1..n; the base sits at ``(0, base)``."""
    return chain(0.0, _scaled(lengths, np.cos(w))), lateral(w, lengths, base)


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
