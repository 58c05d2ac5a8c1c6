"""The error landscape: the error over a grid of two joints' angles, and a run's path on it.

This module owns the "map" the window draws beside the arm: pick two joints
``i`` and ``j``, hold every other joint where it is, and colour each pair of
angles ``(w_i, w_j)`` by the error ``E = 0.5 * (goal - Y_n)**2`` the full pose
would have. Gradient descent is then a path downhill on that map, and the
solutions form a valley of zero error (a curve, since many poses reach the
target).

Axes: ``errors[a, b]`` is the error with ``w_i = wi[a]`` and ``w_j = wj[b]``
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

from armsim.core.kinematics import error
from armsim.core.params import ParamError

MAX_GRID = 4096     # n x n float64 cells: 4096^2 is 134 MB, already more pixels than any map needs
TWO_PI = 2.0 * math.pi


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Landscape:
    """The error over a grid of joint ``i``'s and joint ``j``'s angles.

    Attributes
    ----------
    i, j : int
        The two joints that vary (0-based). ``i`` goes with the rows, ``j`` with the columns.
    wi, wj : ndarray, shape (n,)
        Their angles along each axis, in radians, increasing.
    errors : ndarray, shape (n, n)
        ``errors[a, b]`` is the error of the pose with ``w_i = wi[a]``, ``w_j = wj[b]``.
    pose : ndarray, shape (links,)
        The pose the other joints are held at (radians).
    lengths : ndarray, shape (links,)
    base, goal : float
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

    @property
    def wi_deg(self) -> np.ndarray:
        """``wi`` in degrees."""
        return np.degrees(self.wi)

    @property
    def wj_deg(self) -> np.ndarray:
        """``wj`` in degrees."""
        return np.degrees(self.wj)

    def error_at(self, wi, wj):
        """The exact error at any ``(w_i, w_j)`` (radians, broadcast), not just at grid points."""
        gap = _held(self.pose, self.lengths, self.base, self.goal, self.i, self.j)
        return _error(gap - self.lengths[self.i] * np.sin(wi) - self.lengths[self.j] * np.sin(wj))


def _held(w: np.ndarray, L: np.ndarray, base: float, goal: float, i: int, j: int) -> float:
    """``goal - base - (every other link's lateral step)``: the gap the two varying links must close."""
    rest = np.delete(L * np.sin(w), [i, j])
    return goal - (base + math.fsum(rest.tolist()))


def _error(gap):
    return error(gap, 0.0)      # 0.5 * gap**2 through kinematics' one definition, bit for bit


def _joint(name: str, value, n_links: int) -> int:
    try:
        k = operator.index(value)
    except TypeError:
        raise ParamError(name, f"must be a joint index, got {value!r}") from None
    if not 0 <= k < n_links:
        raise ParamError(name, f"must be between 0 and {n_links - 1} (the arm has {n_links} links), got {k}")
    return k


def error_grid(angles_rad, lengths, base: float, goal: float, i: int, j: int, *,
               n: int = 200, span: tuple[float, float] = (-math.pi, math.pi), centre: bool = False) -> Landscape:
    """The error over an ``n x n`` grid of joint ``i``'s and joint ``j``'s angles.

    Parameters
    ----------
    angles_rad : array_like, shape (links,)
        The current pose; every joint but ``i`` and ``j`` stays at it.
    lengths : array_like, shape (links,), or None
        Link lengths (None: unit links).
    base, goal : float
        The base's lateral position ``Y0`` and the target for the end point.
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

    Returns
    -------
    Landscape
        ``errors[a, b]`` equals ``kinematics.error`` of the full pose with
        ``w_i = wi[a]``, ``w_j = wj[b]`` to about 1e-15.

    Notes
    -----
    ``Y_n`` is a sum of one step per link, so with only two angles varying the
    other links add a constant: the grid is the outer difference of two
    length-``n`` vectors, ``O(n^2)`` work with ``2n`` sines instead of ``links * n^2``.
    """
    w = np.array(angles_rad, dtype=float, ndmin=1)
    if w.ndim != 1 or not np.isfinite(w).all():
        raise ParamError("angles", "must be one finite angle per link")
    links = w.size
    L = np.ones(links) if lengths is None else np.array(lengths, dtype=float, ndmin=1)
    if L.shape != (links,) or not np.isfinite(L).all():
        raise ParamError("lengths", f"needs one finite length per link ({links}), got shape {L.shape}")
    i, j = _joint("i", i, links), _joint("j", j, links)
    if i == j:
        raise ParamError("j", f"must differ from i (both are {i}): a map needs two joints")
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
    for name, value in (("base", base), ("goal", goal)):
        if not math.isfinite(value):
            raise ParamError(name, f"must be a finite number, got {value!r}")
    offsets = np.linspace(lo, hi, n)
    wi = offsets + w[i] if centre else offsets
    wj = offsets + w[j] if centre else offsets.copy()
    gap_i = _held(w, L, base, goal, i, j) - L[i] * np.sin(wi)     # what is left once joint i has moved
    errors = _error(gap_i[:, None] - (L[j] * np.sin(wj))[None, :])
    return Landscape(i, j, _frozen(wi), _frozen(wj), _frozen(errors), _frozen(w), _frozen(L), base, goal)


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
