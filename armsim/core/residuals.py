"""The signed residual of every epoch, ``target - end point``, and the epochs where eta changed.

Overshooting shows as a residual whose sign alternates epoch by epoch, which the
error (its square) hides. This module owns computing both from a run's stored
arrays, the epochs at once (one vectorised forward pass), each epoch measured
against the target it had (follow mode's moves).
"""
from __future__ import annotations

import numpy as np

from armsim.core.kinematics import forward
from armsim.core.params import Params


def targets(params: Params, moves, first: int, count: int) -> np.ndarray:
    """The target of epochs ``first .. first + count - 1``, shape ``(count, m)``: m = 1 (a height) or 2 (a point)."""
    rows = np.empty((count, 1 if params.reach is None else 2))
    rows[:] = params.aim
    for epoch, aim in moves:             # in order: each holds from its epoch on
        start = max(epoch - first, 0)
        if start < count:
            rows[start:] = aim
    return rows


def residuals(params: Params, angles: np.ndarray, moves=(), first: int = 0) -> np.ndarray:
    """``target - end point`` of each row of ``angles`` (epochs ``first ..``), shape ``(k, m)``.

    For the post's task one column, ``T - Y_n``; for the reach task two, ``X - x_n`` and ``Y - y_n``.
    """
    angles = np.asarray(angles, dtype=float).reshape(-1, params.n_links)
    lengths = None if params.lengths.count(1.0) == len(params.lengths) else np.asarray(params.lengths)
    x, y = forward(angles, lengths, params.base, params.relative)
    ends = y[:, -1:] if params.reach is None else np.stack((x[:, -1], y[:, -1]), axis=1)
    return targets(params, moves, first, len(angles)) - ends


def eta_changes(etas: np.ndarray, first: int = 1) -> list[tuple[int, float]]:
    """``(epoch, eta)`` for each epoch whose update used a different eta from the one before.

    ``etas[i]`` is the eta of epoch ``first + i``'s update (a Result's ``etas`` with ``first`` 1).
    """
    etas = np.asarray(etas, dtype=float)
    at = np.flatnonzero(etas[1:] != etas[:-1]) + 1
    return [(first + int(i), float(etas[i])) for i in at]
