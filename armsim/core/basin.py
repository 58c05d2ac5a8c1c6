"""Basin maps: over a grid of two joints' start angles, how many epochs a learner needs from each start.

This module owns the map a class reads "where may I start?" from: joints ``i``
and ``j`` vary over a grid of start angles, every other joint starts where the
setup puts it, and each start is run by the setup's learner and eta (all of them
at once, through :func:`~armsim.core.batch.solve_batch`, never a loop over
pixels). Each cell holds the ``epochs_run`` of that start's converged run, -1
where it diverged, and ``epochs + 1`` where it did not reach the tolerance
(the epochs ran out, the target was out of reach, or a joint was held at a
limit). The stability line the meter draws on it is where eta equals that
start's ``eta_crit`` (:func:`critical_eta_grid`).

Axes: ``epochs[r, c]`` is the start with joint ``j`` at ``w_j[r]`` and joint
``i`` at ``w_i[c]`` (rows are ``w_j``, as an image's rows run up its y axis).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from armsim.core.batch import solve_batch
from armsim.core.kinematics import Task, stiffness
from armsim.core.params import ParamError, Params, joint_index, shown

MAX_GRID = 1024
#: Most arm-epochs one map may cost (grid^2 x epochs x links): about a minute here at 20 million a second.
MAX_COST = 1_200_000_000


@dataclass(frozen=True, eq=False)
class Basin:
    """A basin map; see the module docstring for the layout of ``epochs``."""

    params: Params
    i: int
    j: int
    w_i: np.ndarray          # degrees, the columns
    w_j: np.ndarray          # degrees, the rows
    epochs: np.ndarray       # (len(w_j), len(w_i)) int64

    @property
    def diverged(self) -> np.ndarray:
        return self.epochs == -1

    @property
    def not_reached(self) -> np.ndarray:
        return self.epochs == self.params.epochs + 1


def axis_of(params: Params, k: int, n: int) -> np.ndarray:
    """Joint ``k``'s grid of start angles in degrees: its limits where it has them, else a whole turn."""
    lo, hi = params.limits_deg[0][k], params.limits_deg[1][k]
    lo = -180.0 if not math.isfinite(lo) else lo
    hi = 180.0 if not math.isfinite(hi) else hi
    if hi - lo > 360.0:          # a range wider than a turn: one turn from its low end
        hi = lo + 360.0
    return np.linspace(lo, hi, n)


def basin_map(params: Params, i: int, j: int, n: int = 128, *, stop=None, progress=None) -> Basin | None:
    """The basin map of ``params`` over joints ``i`` and ``j`` (0-based), ``n`` x ``n`` starts.

    ``stop`` and ``progress`` as for :func:`~armsim.core.batch.solve_batch` (None once stopped).

    Raises
    ------
    ParamError
        Joints out of range or equal, a grid outside 2..:data:`MAX_GRID`, a tolerance of 0
        (nothing would ever converge: the map needs one), or a map costing more than
        :data:`MAX_COST` arm-epochs.
    """
    i, j = check_basin(params, i, j, n)
    return _mapped(params, i, j, n, stop, progress)


def check_basin(params: Params, i: int, j: int, n: int) -> tuple[int, int]:
    """:func:`basin_map`'s checks alone (milliseconds: a window asks before it starts the work)."""
    i, j = joint_index("i", i, params.n_links), joint_index("j", j, params.n_links)
    if i == j:
        raise ParamError("j", f"must differ from i (both are joint {i + 1}): a map needs two joints")
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_GRID:
        raise ParamError("grid", f"must be a whole number from 2 to {MAX_GRID}, got {shown(n)}")
    if not params.tol > 0:
        raise ParamError("tol", "must be greater than 0 for a basin map: it counts the epochs to the tolerance")
    cost = n * n * max(params.epochs, 1) * params.n_links
    if cost > MAX_COST:
        raise ParamError("grid", f"{n} x {n} starts of {params.epochs:,} epochs and {params.n_links} links are "
                                 f"{cost:,} arm-epochs, more than {MAX_COST:,}; use a smaller grid or fewer epochs")
    return i, j


def _mapped(params: Params, i: int, j: int, n: int, stop, progress) -> Basin | None:
    w_i, w_j = axis_of(params, i, n), axis_of(params, j, n)
    starts = np.tile(np.asarray(params.angles_deg, dtype=float), (n * n, 1))
    starts[:, i] = np.tile(w_i, n)           # start r * n + c: joint i at w_i[c], joint j at w_j[r]
    starts[:, j] = np.repeat(w_j, n)
    batch = solve_batch(starts, eta=params.eta, epochs=params.epochs, base=params.base, target=params.target,
                        lengths=params.lengths, reach=params.reach, relative=params.relative,
                        min_angles_deg=params.min_angles_deg, max_angles_deg=params.max_angles_deg, tol=params.tol,
                        learner=params.learner, momentum=params.momentum, damping=params.damping,
                        stop=stop, progress=progress)
    if batch is None:
        return None
    epochs = np.where(batch.status == "converged", batch.epochs_run,
                      np.where(batch.status == "diverged", -1, params.epochs + 1)).astype(np.int64)
    return Basin(params, i, j, w_i, w_j, epochs.reshape(n, n))


def critical_eta_grid(basin: Basin) -> np.ndarray | None:
    """Each start's eta_crit for the map's learner (the meter's), shaped as ``basin.epochs``; None where the
    learner has none (hot and cold, Adam, CCD, FABRIK)."""
    p = basin.params
    if p.learner not in ("gradient", "momentum", "lm"):
        return None
    n = len(basin.w_i)
    starts = np.tile(np.radians(p.angles_deg), (n * n, 1))
    starts[:, basin.i] = np.radians(np.tile(basin.w_i, n))
    starts[:, basin.j] = np.radians(np.repeat(basin.w_j, n))
    task = Task(np.asarray(p.lengths), 0.0, 0.0, 0.0 if p.reach else None, p.relative)
    lam = stiffness(task.jacobian(starts)).reshape(n, n)
    with np.errstate(divide="ignore"):
        if p.learner == "gradient":
            return 2.0 / lam
        if p.learner == "momentum":
            return (2.0 + 2.0 * p.momentum) / lam
        return 2.0 * (lam + p.damping) / lam


__all__ = ["Basin", "MAX_COST", "MAX_GRID", "axis_of", "basin_map", "critical_eta_grid"]
