"""Many arms at once: the delta rule vectorised over arms, in blocks on a thread per core.

:func:`solve_batch` runs :func:`~armsim.core.learners.delta_rule`, the same
update the one-arm runs use, for a ``(B, n)`` array of start poses and returns
every arm's error after every epoch. It applies no early stop. The model's
options (the reach task, one point for every arm or one per arm, relative
joints, joint limits) run through :class:`~armsim.core.kinematics.Task`, the
same steps as one arm's run.
"""
from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np

from armsim.core.kinematics import Task, error, gradient, lateral_end
from armsim.core.learners import delta_rule
from armsim.core.params import (
    MAX_EPOCHS,
    MAX_MAGNITUDE,
    ParamError,
    _finite,
    _flag,
    _limits,
    _vector,
    _whole,
    count,
    limit_degrees,
)


class BatchResult(NamedTuple):
    angles_deg: np.ndarray   #: (B, n) final angles in degrees
    errors: np.ndarray       #: (B, epochs + 1) error after each update


# Most arms per block. Every numpy call releases and retakes the GIL, a hand-over between the
# threads that costs the same whatever the block's size, so larger blocks waste less; a few
# blocks per thread let a thread whose core is free take over work when another program
# keeps a core busy. B = 100,000 on two cores, million arm-epochs/s by block size:
#   4,096: 16.8; 16,384: 19.3; 32,768: 18.8; 50,000: 18.7 (one thread: about 10)
#   with a busy program on one core: 11.0; 13.5; 12.7; 10.9
BATCH_CHUNK = 16384
BATCH_MIN = 1024     # fewest arms worth a thread of their own


def solve_batch(angles_deg, *, eta: float, epochs: int, base: float = 0.0, target: float | None = None,
                lengths=None, reach=None, relative: bool = False, min_angles_deg=None,
                max_angles_deg=None) -> BatchResult:
    """Gradient descent for many arms at once, vectorised over arms.

    Parameters
    ----------
    angles_deg : array_like, shape (B, n)
        Start angles in degrees, one row per arm (relative angles when ``relative``).
    eta, epochs, base, target, lengths, relative, min_angles_deg, max_angles_deg
        As in :class:`~armsim.core.params.Params`, shared by every arm.
    reach : array_like, shape (2,) or (B, 2), optional
        The reach task's point ``(X, Y)``: one for every arm, or one per arm.

    Returns
    -------
    BatchResult
        ``(angles_deg (B, n), errors (B, epochs + 1))``. Row ``b`` equals
        ``solve(Params(angles_deg[b], ...))`` bit for bit while that run lasts
        (with ``reach=reach[b]`` for one point per arm); the batch applies no
        early stop, so every row runs every epoch.

    Notes
    -----
    Arms are independent, so the batch runs in equal blocks of at most
    :data:`BATCH_CHUNK` arms, each block through all its epochs while its
    arrays are in cache, and the blocks on a thread per core (numpy releases
    the GIL inside its loops). A block is held in Fortran order, so each
    link's column is contiguous, and only the end point is computed.
    """
    w = np.radians(np.array(angles_deg, dtype=float, ndmin=2))
    if w.ndim != 2 or w.shape[1] == 0 or not np.isfinite(w).all() \
            or np.abs(w).max(initial=0) > np.radians(MAX_MAGNITUDE):
        raise ParamError("angles", f"must be a finite (B, n) array of degrees, got shape {np.shape(angles_deg)}")
    n = w.shape[1]
    if lengths is None:
        L = None
    else:
        L = np.asarray(_vector("lengths", lengths, positive=True))
        if L.shape != (n,):
            raise ParamError("lengths", f"needs one length per link: {count(n, 'link')} but {count(L.size, 'length')}")
    eta = _finite("eta", eta, positive=True)
    epochs = _whole("epochs", epochs, 0, MAX_EPOCHS)
    base = _finite("base", base)
    goal = base if target is None else _finite("target", target)
    relative = _flag("relative", relative)
    options = reach is not None or relative or min_angles_deg is not None or max_angles_deg is not None
    task = _task(w.shape[0], L, base, goal, target, reach, relative) if options else None
    lo, hi = _limit_radians(np.array(angles_deg, dtype=float, ndmin=2), min_angles_deg, max_angles_deg)
    errors = np.empty((w.shape[0], epochs + 1))

    def run_post(rows: slice) -> None:
        # Fortran order makes each link's column one contiguous run: the per-link sum in
        # lateral_end and every elementwise step then stream through memory.
        wb = np.asfortranarray(w[rows])
        eb = np.empty((epochs + 1, wb.shape[0]))   # a contiguous row per epoch; transposed into errors once
        for j in range(epochs + 1):
            y_end = lateral_end(wb, L, base)       # only the end point: the batch keeps no joint positions
            eb[j] = error(y_end, goal)
            if j < epochs:
                # in place: the same bits as wb + delta, without a new array every epoch
                wb += delta_rule(wb, None, eta, gradient(wb, L, y_end, goal)[2])
        w[rows] = wb
        errors[rows] = eb.T

    def run_options(rows: slice) -> None:
        # The model's options: one arm's steps (Run._options), vectorised over the block's arms.
        t = task if np.ndim(task.goal) == 0 else task._replace(goal=task.goal[rows], reach_x=task.reach_x[rows])
        wb = np.asfortranarray(w[rows])
        eb = np.empty((epochs + 1, wb.shape[0]))
        for j in range(epochs + 1):
            xy = t.end(wb)
            eb[j] = t.error(*xy)
            if j < epochs:
                wb += delta_rule(wb, t, eta, t.gradient(wb, *xy).dE_dw)
                if lo is not None:
                    np.clip(wb, lo, hi, out=wb)
        w[rows] = wb
        errors[rows] = eb.T

    run_block = run_post if task is None else run_options
    B = w.shape[0]
    workers = min(os.cpu_count() or 1, max(1, B // BATCH_MIN))   # a thread only for a worthwhile share
    # Equal blocks, a multiple of the workers in number: every thread finishes at the same time.
    n_blocks = max(1, -(-B // BATCH_CHUNK))               # ceil(B / BATCH_CHUNK)
    n_blocks = -(-n_blocks // workers) * workers          # rounded up to a multiple of the workers
    edges = [B * i // n_blocks for i in range(n_blocks + 1)]
    blocks = [slice(a, b) for a, b in zip(edges, edges[1:])]
    if workers == 1:
        for rows in blocks:
            run_block(rows)
    else:
        from concurrent.futures import ThreadPoolExecutor  # here: the one-arm solver and the window need no pool
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run_block, blocks))
    return BatchResult(np.degrees(w), errors)


def _task(B: int, L, base: float, goal: float, target, reach, relative: bool) -> Task:
    """The batch's :class:`~armsim.core.kinematics.Task`: one reach point, one per arm, or the lateral task."""
    if reach is None:
        return Task(L, base, goal, None, relative)
    if target is not None:
        raise ParamError("reach", "cannot be set together with target: target is the lateral task's height, "
                                  "reach a point (X, Y); leave target unset to reach a point")
    try:
        r = np.array(reach, dtype=float)
    except (TypeError, ValueError):
        raise ParamError("reach", "must be one point (X, Y) or one per arm, numbers of shape (2,) or (B, 2)") from None
    if r.shape not in ((2,), (B, 2)):
        raise ParamError("reach", f"must be one point (X, Y) or one per arm, shape (2,) or ({B}, 2), "
                                  f"got shape {r.shape}")
    if not np.isfinite(r).all() or np.abs(r).max(initial=0) > MAX_MAGNITUDE:
        raise ParamError("reach", f"must be finite numbers between -{MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g}")
    if r.ndim == 1:
        return Task(L, base, float(r[1]), float(r[0]), relative)
    return Task(L, base, np.ascontiguousarray(r[:, 1]), np.ascontiguousarray(r[:, 0]), relative)


def _limit_radians(start_deg: np.ndarray, min_angles_deg, max_angles_deg):
    """The joint limits in radians ``(lo, hi)`` (or both None), checked by Params' rules for every arm's start."""
    n = start_deg.shape[1]
    low = _limits("min_angles", min_angles_deg, n)
    high = _limits("max_angles", max_angles_deg, n)
    if low is None and high is None:
        return None, None
    lo_deg, hi_deg = np.array(limit_degrees(low, n, -np.inf)), np.array(limit_degrees(high, n, np.inf))
    for i in np.flatnonzero(lo_deg > hi_deg)[:1].tolist():
        raise ParamError(f"min_angles[{i + 1}]", f"joint {i + 1}'s minimum {lo_deg[i]:g} degrees is above "
                                                 f"its maximum {hi_deg[i]:g}")
    outside = (start_deg < lo_deg) | (start_deg > hi_deg)
    if outside.any():
        b, i = (int(v) for v in np.argwhere(outside)[0])
        side = f"below its minimum of {lo_deg[i]:g}" if start_deg[b, i] < lo_deg[i] else \
            f"above its maximum of {hi_deg[i]:g}"
        raise ParamError(f"angles[{i + 1}]", f"arm {b + 1}'s joint {i + 1} starts at {start_deg[b, i]:g} degrees, "
                                             f"{side}")
    return np.radians(lo_deg), np.radians(hi_deg)
