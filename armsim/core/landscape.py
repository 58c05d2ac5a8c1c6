"""The error landscape: the error over a grid of two joints' parameters, and a run's path on it.

This module owns the "map" the window draws beside the arm: pick two joints
``i`` and ``j``, hold every other parameter where it is, and colour each pair
``(p_i, p_j)`` by the error ``E`` the full pose would have, for every task and
convention of :class:`~armsim.core.kinematics.Task`: ``E = 0.5 (T - y_n)^2``
(the post's lateral task) or ``E = 0.5 ((X - x_n)^2 + (Y - y_n)^2)`` (the reach
task), over the learner's own parameters: the absolute angles ``w`` (the
post's), or with relative joints each link's angle ``q`` to the previous one
(``theta_i = q_1 + ... + q_i``). Gradient descent is then a path downhill on
that map, and the solutions form a valley of zero error: a curve for the
lateral task, since many poses reach the target; for the reach task, whose
two equations (``x_n = X``, ``y_n = Y``) pin both mapped parameters, usually
isolated points (two at most), or none when the held joints leave the point
out of reach.

The post's task with absolute angles is separable (each angle adds one step
to ``y_n``), so its grid is an outer difference of two vectors; every other
case runs the grid's poses through :meth:`Task.errors` in blocks, so each cell
is the error the learner itself would compute for that pose, bit for bit.

Joint limits (:func:`landscape_for` of a limited setup) do not change ``E``;
:attr:`Landscape.allowed_i` and :attr:`Landscape.allowed_j` say which part of
each axis the learner's clipped parameters can reach.

Axes: ``errors[a, b]`` is the error with ``p_i = wi[a]`` and ``p_j = wj[b]``
(numpy's ``"ij"`` indexing), so joint ``i`` runs down the rows and joint ``j``
along the columns. pyqtgraph's ``ImageItem`` (default ``axisOrder="col-major"``)
reads ``image[x, y]``, so it puts joint ``i`` on the horizontal axis and
joint ``j`` on the vertical one.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import numpy as np

from armsim.core.kinematics import Task, error
from armsim.core.learners import setup
from armsim.core.params import ParamError, Params, joint_index

MAX_GRID = 4096     # n x n float64 cells: 4096^2 is 134 MB, already more pixels than any map needs
BLOCK = 1 << 19     # parameters per block of poses through Task.errors: 4 MB an array, tens of MB in all
TWO_PI = 2.0 * math.pi


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Landscape:
    """The error over a grid of joint ``i``'s and joint ``j``'s parameters.

    Attributes
    ----------
    i, j : int
        The two joints that vary (0-based). ``i`` goes with the rows, ``j`` with the columns.
    wi, wj : ndarray, shape (n,)
        Their parameters along each axis, in radians, increasing: absolute angles,
        or with ``relative`` each link's angle to the previous link.
    errors : ndarray, shape (n, n)
        ``errors[a, b]`` is the error of the pose with ``p_i = wi[a]``, ``p_j = wj[b]``.
    pose : ndarray, shape (links,)
        The parameters the other joints are held at (radians).
    lengths : ndarray, shape (links,)
    base, goal : float
        ``Y0``, and the lateral target ``T`` or the reach point's ``Y``.
    reach_x : float or None
        The reach point's ``X``; None for the lateral task.
    relative : bool
        The parameters are relative joint angles.
    lo, hi : ndarray, shape (links,), or None
        Joint limits in radians (``-inf``/``inf`` on a free side); None without limits.
    """

    i: int
    j: int
    wi: np.ndarray
    wj: np.ndarray
    errors: np.ndarray
    pose: np.ndarray
    lengths: np.ndarray
    base: float
    goal: float
    reach_x: float | None = None
    relative: bool = False
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None

    @property
    def task(self) -> Task:
        """The :class:`~armsim.core.kinematics.Task` whose error the map shows."""
        return Task(self.lengths, self.base, self.goal, self.reach_x, self.relative)

    @property
    def separable(self) -> bool:
        """The post's task with absolute angles: the grid is an outer difference (see :func:`error_grid`)."""
        return self.reach_x is None and not self.relative

    @property
    def wi_deg(self) -> np.ndarray:
        """``wi`` in degrees."""
        return np.degrees(self.wi)

    @property
    def wj_deg(self) -> np.ndarray:
        """``wj`` in degrees."""
        return np.degrees(self.wj)

    def error_at(self, wi, wj):
        """The exact error at any ``(p_i, p_j)`` (radians, broadcast), not just at grid points."""
        if self.separable:
            gap = _held(self.pose, self.lengths, self.base, self.goal, self.i, self.j)
            return _error(gap - self.lengths[self.i] * np.sin(wi) - self.lengths[self.j] * np.sin(wj))
        a, b = np.broadcast_arrays(np.asarray(wi, dtype=float), np.asarray(wj, dtype=float))
        fa, fb = a.ravel(), b.ravel()
        out = _pose_errors(self.task, self.pose, self.i, self.j, a.size, lambda k: (fa[k], fb[k]))
        return out.reshape(a.shape) if a.ndim else out.item()

    @property
    def allowed_i(self) -> tuple[tuple[float, float], ...]:
        """The parts ``(low, high)`` of joint ``i``'s axis (radians, increasing) the learner can reach.

        A joint turned by a whole turn is the same pose, so a point of the axis is
        allowed when it, or it shifted by some whole turns, lies within the joint's
        ``[lo, hi]``: a range across the map's edge comes back in at the other
        edge. The whole axis without limits; empty when no point of it is allowed.
        """
        return _allowed(self.lo, self.hi, self.i, self.wi)

    @property
    def allowed_j(self) -> tuple[tuple[float, float], ...]:
        """:attr:`allowed_i` for joint ``j``."""
        return _allowed(self.lo, self.hi, self.j, self.wj)


def _allowed(lo, hi, k: int, axis: np.ndarray) -> tuple[tuple[float, float], ...]:
    first, last = float(axis[0]), float(axis[-1])
    if lo is None or float(hi[k]) - float(lo[k]) >= TWO_PI:
        return ((first, last),)
    low, high = float(lo[k]), float(hi[k])
    spans = []
    for turn in range(math.floor((first - high) / TWO_PI), math.ceil((last - low) / TWO_PI) + 1):
        a, b = max(low + TWO_PI * turn, first), min(high + TWO_PI * turn, last)
        if a <= b:                  # the turns never overlap: the range is shorter than a turn
            spans.append((a, b))
    return tuple(spans)


def _pose_errors(task: Task, pose: np.ndarray, i: int, j: int, count: int, pick) -> np.ndarray:
    """``task.errors`` of ``count`` poses: ``pose`` with parameters ``i``, ``j`` set to ``pick(block)``.

    ``pick`` takes a slice of ``range(count)`` and returns the two parameters' values there.
    The poses go through in blocks of at most :data:`BLOCK` parameters, each block in
    Fortran order (kinematics' fast layout), so memory stays bounded at any grid size.
    """
    out = np.empty(count)
    rows = max(1, BLOCK // pose.size)
    block = np.empty((min(rows, count), pose.size), order="F")
    for start in range(0, count, rows):       # a loop over blocks; each block is one batch
        k = slice(start, min(start + rows, count))
        b = block[: k.stop - k.start]
        b[:] = pose
        b[:, i], b[:, j] = pick(k)
        out[k] = task.errors(b)
    return out


def _held(w: np.ndarray, L: np.ndarray, base: float, goal: float, i: int, j: int) -> float:
    """``goal - base - (every other link's lateral step)``: the gap the two varying links must close."""
    rest = np.delete(L * np.sin(w), [i, j])
    return goal - (base + math.fsum(rest.tolist()))


def _error(gap):
    return error(gap, 0.0)      # 0.5 * gap**2 through kinematics' one definition, bit for bit


def error_grid(angles_rad, lengths, base: float, goal: float, i: int, j: int, *,
               n: int = 200, span: tuple[float, float] = (-math.pi, math.pi), centre: bool = False,
               reach_x: float | None = None, relative: bool = False, limits=None) -> Landscape:
    """The error over an ``n x n`` grid of joint ``i``'s and joint ``j``'s parameters.

    Parameters
    ----------
    angles_rad : array_like, shape (links,)
        The current pose in the learner's own parameters (absolute angles, or
        relative ones with ``relative``); every joint but ``i`` and ``j`` stays at it.
    lengths : array_like, shape (links,), or None
        Link lengths (None: unit links).
    base, goal : float
        The base's lateral position ``Y0``, and the lateral target ``T`` (or, with
        ``reach_x``, the reach point's ``Y``).
    i, j : int
        The two joints to vary, 0-based and different. Joint ``i`` goes with the
        rows (axis 0) of the result, joint ``j`` with the columns.
    n : int
        Grid points per axis (2 to :data:`MAX_GRID`).
    span : (float, float)
        Lowest and highest angle on both axes, radians. The default covers every
        angle once, since angles repeat every 2 pi.
    centre : bool
        If True, ``span`` is an offset from each joint's current angle, so the
        current pose sits at the centre of the map.
    reach_x : float or None
        The reach task's ``X`` (the point is ``(reach_x, goal)``); None: the lateral task.
    relative : bool
        The parameters are relative joint angles (``theta = cumsum(p)``).
    limits : (lo, hi) or None
        Joint limits in radians, one per link each (``-inf``/``inf`` on a free side),
        as :func:`~armsim.core.learners.limits` gives them; they only set
        :attr:`Landscape.allowed_i` and :attr:`Landscape.allowed_j`.

    Returns
    -------
    Landscape
        ``errors[a, b]`` is the error of the full pose with ``p_i = wi[a]``,
        ``p_j = wj[b]``: for the post's task equal to ``kinematics.error`` to
        about 1e-15, for every other case ``Task.errors`` of that pose bit for bit.

    Notes
    -----
    For the post's task ``Y_n`` is a sum of one step per link, so with only two
    angles varying the other links add a constant: the grid is the outer
    difference of two length-``n`` vectors, ``O(n^2)`` work with ``2n`` sines
    instead of ``links * n^2``. The reach task or relative joints couple the
    links (a relative joint turns every link after it), so there every cell's
    pose goes through :meth:`Task.errors`, ``O(links * n^2)``, in blocks.
    """
    w = np.array(angles_rad, dtype=float, ndmin=1)
    if w.ndim != 1 or not np.isfinite(w).all():
        raise ParamError("angles", "must be one finite angle per link")
    links = w.size
    L = np.ones(links) if lengths is None else np.array(lengths, dtype=float, ndmin=1)
    if L.shape != (links,) or not np.isfinite(L).all():
        raise ParamError("lengths", f"needs one finite length per link ({links}), got shape {L.shape}")
    i, j = joint_index("i", i, links), joint_index("j", j, links)
    if i == j:
        raise ParamError("j", f"must differ from i (both are joint {i + 1}): a map needs two joints")
    try:
        n_ok = not isinstance(n, bool) and 2 <= operator.index(n) <= MAX_GRID
    except TypeError:
        n_ok = False
    if not n_ok:
        raise ParamError("n", f"must be a whole number from 2 to {MAX_GRID}, got {n!r}")
    try:
        lo, hi = (float(v) for v in span)
    except (TypeError, ValueError):
        raise ParamError("span", f"must be two angles (low, high) in radians, got {span!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ParamError("span", f"must be two finite angles, low before high, got {span!r}")
    base, goal = float(base), float(goal)
    reach_x = None if reach_x is None else float(reach_x)
    for name, value in (("base", base), ("goal", goal), ("reach_x", 0.0 if reach_x is None else reach_x)):
        if not math.isfinite(value):
            raise ParamError(name, f"must be a finite number, got {value!r}")
    low, high = _limits(limits, links)
    offsets = np.linspace(lo, hi, n)
    wi = offsets + w[i] if centre else offsets
    wj = offsets + w[j] if centre else offsets.copy()
    relative = bool(relative)
    if reach_x is None and not relative:
        gap_i = _held(w, L, base, goal, i, j) - L[i] * np.sin(wi)     # what is left once joint i has moved
        errors = _error(gap_i[:, None] - (L[j] * np.sin(wj))[None, :])
    else:
        def cells(k: slice):
            a, b = np.divmod(np.arange(k.start, k.stop), n)   # cell k is (wi[k // n], wj[k % n]): "ij" order
            return wi[a], wj[b]
        errors = _pose_errors(Task(L, base, goal, reach_x, relative), w, i, j, n * n, cells).reshape(n, n)
    return Landscape(i, j, _frozen(wi), _frozen(wj), _frozen(errors), _frozen(w), _frozen(L), base, goal,
                     reach_x, relative, low, high)


def _limits(limits, links: int):
    if limits is None:
        return None, None
    try:
        lo, hi = (np.array(v, dtype=float, ndmin=1) for v in limits)
    except (TypeError, ValueError):
        raise ParamError("limits", "must be two arrays (lo, hi) of joint limits in radians") from None
    if lo.shape != (links,) or hi.shape != (links,) or np.isnan(lo).any() or np.isnan(hi).any() or (lo > hi).any():
        raise ParamError("limits", f"needs a low and a high limit per link ({links}), low at most high")
    return _frozen(lo), _frozen(hi)


def landscape_for(params: Params, i: int, j: int, *, n: int = 200,
                  span: tuple[float, float] = (-math.pi, math.pi), centre: bool = False) -> Landscape:
    """The error landscape of a setup: its task, convention and limits, around its start pose.

    Parameters
    ----------
    params : Params
        The setup; the map is over its own parameters (relative angles when
        ``params.relative``), every joint but ``i`` and ``j`` held at its start.
    i, j, n, span, centre
        As for :func:`error_grid`.
    """
    s = setup(params)
    task = s.task
    return error_grid(np.radians(params.angles_deg), params.lengths, task.base, task.goal, i, j, n=n, span=span,
                      centre=centre, reach_x=task.reach_x, relative=task.relative,
                      limits=None if s.lo is None else (s.lo, s.hi))


@dataclass(frozen=True, eq=False)
class MapPath:
    """A run's angles for the map's two joints, one point per epoch, wrapped onto the map.

    Attributes
    ----------
    wi, wj : ndarray, shape (k,)
        Joint ``i``'s and joint ``j``'s angle after each epoch, radians, each
        shifted by a whole number of turns into the map's window.
    connect : ndarray of bool, shape (k,)
        ``connect[t]``: draw a line from point ``t`` to ``t + 1``. False where the
        path leaves one edge and comes back in at the opposite one (a wrap), and
        at the last point. This is pyqtgraph's ``PlotDataItem(connect=array)``.
    inside : ndarray of bool, shape (k,)
        Whether the point lies within the map's axes (always, for a 2 pi wide map).
    """

    wi: np.ndarray
    wj: np.ndarray
    connect: np.ndarray
    inside: np.ndarray

    @property
    def wi_deg(self) -> np.ndarray:
        """``wi`` in degrees."""
        return np.degrees(self.wi)

    @property
    def wj_deg(self) -> np.ndarray:
        """``wj`` in degrees."""
        return np.degrees(self.wj)


def _wrap(angles: np.ndarray, axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Angles shifted by whole turns to lie within pi of the axis's centre, and the turns removed."""
    centre = 0.5 * (axis[0] + axis[-1])
    turns = np.round((angles - centre) / TWO_PI)
    return angles - TWO_PI * turns, turns


def path_on(landscape: Landscape, angles_history_rad) -> MapPath:
    """The descent path for the map's two joints, ready to draw over :attr:`Landscape.errors`.

    Parameters
    ----------
    landscape : Landscape
        The map (its joints ``i``, ``j`` and its axes).
    angles_history_rad : array_like, shape (k, links)
        The pose after each epoch, e.g. ``Result.angles``.

    Returns
    -------
    MapPath
        Angles are taken modulo 2 pi into the window centred on the map, since a
        joint turned by a full turn is the same pose; a segment that crosses the
        window's edge is not drawn rather than drawn across the whole map.
    """
    h = np.array(angles_history_rad, dtype=float, ndmin=2)
    if h.ndim != 2 or h.shape[1] != landscape.pose.size:
        raise ParamError("angles_history", f"must be (epochs, {landscape.pose.size}) angles, got shape {h.shape}")
    wi, ti = _wrap(h[:, landscape.i], landscape.wi)
    wj, tj = _wrap(h[:, landscape.j], landscape.wj)
    connect = np.zeros(len(h), dtype=bool)
    connect[:-1] = (ti[1:] == ti[:-1]) & (tj[1:] == tj[:-1])
    inside = ((landscape.wi[0] <= wi) & (wi <= landscape.wi[-1])
              & (landscape.wj[0] <= wj) & (wj <= landscape.wj[-1]))
    return MapPath(_frozen(wi), _frozen(wj), _frozen(connect), _frozen(inside))
