"""Many arms at once: the delta rule vectorised over arms, in blocks on a thread per core.

:func:`solve_batch` runs :func:`~armsim.core.learners.delta_rule`, the same
update the one-arm runs use, for a ``(B, n)`` array of start poses and returns
every arm's error after every epoch. It applies no early stop. The model's
options (the reach task, one point for every arm or one per arm, relative
joints, joint limits) run through :class:`~armsim.core.kinematics.Task`, the
same steps as one arm's run.
"""
from __future__ import annotations

import math
import os
import threading
from typing import NamedTuple

import numpy as np

from armsim.core.kinematics import Task
from armsim.core.learners import setup
from armsim.core.params import (
    MAX_MAGNITUDE,
    ParamError,
    Params,
    _finite,
    _flag,
    _limits,
    _vector,
    count,
    limit_degrees,
)
from armsim.core.rules import RULES, turn_limit

RISES, STALL, HOLD = 5, 1e-12, 1e-12     # the one-arm run's end rules (armsim.core.run), which import this module


class BatchResult(NamedTuple):
    """Every arm's run: ``angles_deg (B, n)`` the final angles, ``errors (B, epochs + 1)`` the error after each
    update (after an arm's run ends its last error repeats), ``epochs_run (B,)`` and ``status (B,)``
    (:data:`~armsim.core.run.STATUSES`' words) as ``solve`` gives them for that arm."""

    angles_deg: np.ndarray
    errors: np.ndarray
    epochs_run: np.ndarray | None = None
    status: np.ndarray | None = None


#: The batch's status codes, in the order the end rules are tried (as Run._ends tries them).
CODES = ("running", "diverged", "unreachable", "converged", "max_epochs")
RUNNING, DIVERGED, UNREACHABLE, CONVERGED, MAX_EPOCHS_RUN = range(5)

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
                max_angles_deg=None, tol: float = 0.0, learner: str = "gradient", momentum: float = 0.9,
                damping: float = 1e-3, stop=None, progress=None) -> BatchResult | None:
    """Many arms at once, any learner, vectorised over arms; each arm's run ends as ``solve`` would end it.

    Parameters
    ----------
    angles_deg : array_like, shape (B, n)
        Start angles in degrees, one row per arm (relative angles when ``relative``).
    eta, epochs, base, target, lengths, relative, min_angles_deg, max_angles_deg, tol, learner, momentum, damping
        As in :class:`~armsim.core.params.Params`, shared by every arm.
    reach : array_like, shape (2,) or (B, 2), optional
        The reach task's point ``(X, Y)``: one for every arm, or one per arm.
    stop : threading.Event, optional
        Checked every epoch: once set, the batch ends soon and returns None.
    progress : callable, optional
        ``progress(done, total)`` in arms, after each block.

    Returns
    -------
    BatchResult
        Row ``b`` equals ``solve(Params(angles_deg[b], ...))`` bit for bit (with
        ``reach=reach[b]`` for one point per arm): its errors while that run lasts, its
        final angles, ``epochs_run`` and status. An arm whose run has ended (below ``tol``,
        diverged, out of reach, held at a limit) stays as it ended.

    Notes
    -----
    Arms are independent, so the batch runs in equal blocks of at most
    :data:`BATCH_CHUNK` arms, each block through all its epochs while its
    arrays are in cache, and the blocks on a thread per core (numpy releases
    the GIL inside its loops). A block is held in Fortran order, so each
    link's column is contiguous, and only the end point is computed.
    """
    start_deg = np.array(angles_deg, dtype=float, ndmin=2)
    w = np.radians(start_deg)
    if w.ndim != 2 or w.shape[1] == 0 or not np.isfinite(w).all() \
            or np.abs(w).max(initial=0) > np.radians(MAX_MAGNITUDE):
        raise ParamError("angles", f"must be a finite (B, n) array of degrees, got shape {np.shape(angles_deg)}")
    B, n = w.shape
    if lengths is not None:
        L = np.asarray(_vector("lengths", lengths, positive=True))
        if L.shape != (n,):
            raise ParamError("lengths", f"needs one length per link: {count(n, 'link')} but {count(L.size, 'length')}")
    relative = _flag("relative", relative)
    base = _finite("base", base)
    goal = base if target is None else _finite("target", target)
    task = _task(B, None if lengths is None else L, base, goal, target, reach, relative)
    lo, hi = _limit_radians(start_deg, min_angles_deg, max_angles_deg)
    point = None if reach is None else tuple(float(v) for v in np.array(reach, dtype=float, ndmin=2)[0])
    # The shared settings through Params' rules (the learner's options, fabrik's need of a point, ...),
    # with the first arm's start (every arm's was checked against the limits above).
    first = tuple(start_deg[0]) if B else tuple(np.clip(0.0, *np.degrees((lo, hi)))) if lo is not None else (0.0,) * n
    shared = Params(angles_deg=first, lengths=None if lengths is None else tuple(L), base=base, target=target,
                    eta=eta, epochs=epochs, tol=tol, learner=learner, reach=point, relative=relative,
                    momentum=momentum, damping=damping, min_angles_deg=min_angles_deg, max_angles_deg=max_angles_deg)
    s = setup(shared)
    step, rows_of_state = (s.step, s.state_rows)
    grad = learner == "gradient" or getattr(RULES.get(learner), "gradient", False)
    limit = turn_limit(learner)
    eta, epochs, tol = shared.eta, shared.epochs, shared.tol
    floor, unreachable = _floors(task, task.lengths if task.lengths is not None else np.ones(n), B)
    errors = np.empty((B, epochs + 1))
    lock, finished = threading.Lock(), [0]         # arms done, for progress (blocks end on several threads)
    epochs_run = np.zeros(B, dtype=np.int64)
    status = np.zeros(B, dtype=np.int8)

    def run_block(rows: slice) -> None:
        t = task if np.ndim(task.goal) == 0 else task._replace(
            goal=task.goal[rows], reach_x=None if task.reach_x is None else task.reach_x[rows])
        wb = np.asfortranarray(w[rows])
        k = wb.shape[0]
        final = np.empty_like(wb)                # each arm's pose when its run ended
        eb = np.empty((epochs + 1, k))
        fl, unr = (floor, unreachable) if np.ndim(floor) == 0 else (floor[rows], unreachable[rows])
        idx = np.arange(k)                       # the block's arms still running; an ended arm leaves the arrays
        code, ran = np.zeros(k, dtype=np.int8), np.zeros(k, dtype=np.int64)
        state = np.zeros((rows_of_state, k, n)) if rows_of_state else None
        rises, e_prev, e0 = np.zeros(k, dtype=np.int64), None, None
        delta = pushed = None
        any_unreachable = bool(np.any(unr))
        whole = True                # no arm has left yet: the rows are the block's, in order
        for j in range(epochs + 1):
            if stop is not None and stop.is_set():
                return
            xy = t.end(wb)
            e = t.error(*xy)
            if whole:
                eb[j] = e
            else:
                eb[j, idx] = e
            # The end rules, only where one may apply (most epochs none does: one cheap test for all).
            if j == 0:
                e0 = e
                turned = np.zeros(len(idx), dtype=bool)
            else:
                rises = np.where(e > e_prev, rises + 1, 0)
                with np.errstate(invalid="ignore"):
                    turned = ~(np.max(np.abs(delta), axis=1) <= limit)
            maybe = turned | (rises >= RISES) | (e < tol)
            if any_unreachable:
                with np.errstate(invalid="ignore"):
                    maybe |= unr & (e - fl <= 1e-9 * fl)
            if pushed is not None:
                maybe |= pushed
            if j == epochs or maybe.any():
                ends = np.where(turned | ((rises >= RISES) & (e > e0)), DIVERGED, 0).astype(np.int8)
                with np.errstate(invalid="ignore"):
                    ends = np.where((ends == 0) & unr & (e - fl <= 1e-9 * fl), UNREACHABLE, ends)
                    ends = np.where((ends == 0) & (e < tol), CONVERGED, ends)
                    if pushed is not None:
                        stalled = (e > 0) & (np.abs(e_prev - e) <= STALL * e_prev) & pushed
                        ends = np.where((ends == 0) & stalled, UNREACHABLE, ends)
                if j == epochs:
                    ends = np.where(ends == 0, np.where(unr, UNREACHABLE, MAX_EPOCHS_RUN), ends)
                done = ends != 0
                if done.any():
                    gone = idx[done]
                    code[gone], ran[gone], final[gone] = ends[done], j, wb[done]
                    eb[j + 1:, gone] = e[done]           # an ended run's last error repeats
                    keep, whole = ~done, False
                    # The arms still running, and only they, go on (a block's slowest arm costs itself alone).
                    idx, wb, e, e0, rises = idx[keep], np.asfortranarray(wb[keep]), e[keep], e0[keep], rises[keep]
                    xy = tuple(None if v is None else v[keep] for v in xy)
                    if np.ndim(fl):
                        fl, unr = fl[keep], unr[keep]
                    if np.ndim(t.goal):
                        t = t._replace(goal=t.goal[keep], reach_x=None if t.reach_x is None else t.reach_x[keep])
                    if state is not None:
                        state = state[:, keep]
                    if not len(idx):
                        break
            e_prev = e
            g = t.dE_dp(wb, *xy) if grad else None
            if state is None:
                delta = step(wb, t, eta, g)
            else:
                delta, state = step(wb, t, eta, g, state, j + 1)
            if lo is not None:
                moved = wb + delta
                wb = np.asfortranarray(np.clip(moved, lo, hi))
                pushed = np.any((lo - moved > HOLD) | (moved - hi > HOLD), axis=1)
            else:
                wb += delta             # in place: the same bits as wb + delta, without a new array every epoch
        w[rows] = final
        errors[rows] = eb.T
        epochs_run[rows], status[rows] = ran, code
        with lock:
            finished[0] += k
            if progress is not None:
                progress(finished[0], B)

    workers = min(os.cpu_count() or 1, max(1, B // BATCH_MIN))   # a thread only for a worthwhile share
    # Equal blocks, a multiple of the workers in number: every thread finishes at the same time.
    n_blocks = max(1, -(-B // BATCH_CHUNK))               # ceil(B / BATCH_CHUNK)
    n_blocks = -(-n_blocks // workers) * workers          # rounded up to a multiple of the workers
    edges = [B * i // n_blocks for i in range(n_blocks + 1)]
    blocks = [slice(a, b) for a, b in zip(edges, edges[1:]) if b > a]
    if workers == 1:
        for rows in blocks:
            run_block(rows)
    else:
        from concurrent.futures import ThreadPoolExecutor  # here: the one-arm solver and the window need no pool
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run_block, blocks))
    if stop is not None and stop.is_set():
        return None
    return BatchResult(np.degrees(w), errors, epochs_run, np.array(CODES, dtype=object)[status])


def _floors(task: Task, L: np.ndarray, B: int):
    """Each arm's least error and whether its target is out of reach (the one-arm run's ``_gap``)."""
    span = math.fsum(L.tolist())
    if task.reach_x is None:
        gap = np.abs(np.asarray(task.goal, dtype=float) - task.base) - span
    else:
        d = np.hypot(task.reach_x, np.asarray(task.goal, dtype=float) - task.base)
        gap = np.maximum(d - span, max(0.0, 2 * float(L.max()) - span) - d)
    return np.where(gap > 0, 0.5 * gap * gap, 0.0), gap > 0


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
