"""The learners, the epoch stream, and the results built from it.

One epoch of each learner is a pure function of the current angles
(:func:`delta_rule`, :func:`hot_and_cold`). :func:`iter_epochs` turns one of
them into a stream of frozen :class:`Epoch` records; the window, the command
line, tests and exports all consume that same stream, and :class:`History`
packs it into a :class:`Result`. :func:`solve_batch` runs the same
:func:`delta_rule` over many arms at once.

When a run ends (the status on the last record)
-----------------------------------------------
``converged``   the error fell below ``tol``.
``max_epochs``  every requested epoch ran.
``diverged``    see :data:`DIVERGENCE_RULE`.
``unreachable`` the target is farther from the base than the arm reaches; the
                arm is stretched toward it until the error is within a relative
                1e-9 of the least it can be, or the epochs run out.
``stopped``     the consumer stopped early (the window's Stop/Reset); set by it.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Callable, Iterator, NamedTuple

import numpy as np

from armsim.core.kinematics import error, forward, gradient, lateral, lateral_end
from armsim.core.params import MAX_MAGNITUDE, Params, ParamError, _finite, _whole, _vector, MAX_EPOCHS

RISES_TO_DIVERGE = 5
DIVERGENCE_RULE = ("a run diverges when one epoch turns any joint by more than 180 degrees (no learning "
                   "happens in such a step), or when the error has risen in each of the last "
                   f"{RISES_TO_DIVERGE} epochs and is above the start error")
STATUSES = ("converged", "max_epochs", "diverged", "unreachable", "stopped")


# --------------------------------------------------------------------------- learners
# Every learner: (w, lengths, base, goal, eta, y_end, dE_dw) -> the change to add to w.
def delta_rule(w, lengths, base, goal, eta, y_end, dE_dw):
    """One gradient-descent epoch (the delta rule): the change ``-eta * dE/dw`` for every angle.

    Works on one arm ``(n,)`` or a batch ``(B, n)``; ``w + delta`` is bit for
    bit the post's ``w - eta*dE_dw``.
    """
    return (-eta) * dE_dw          # == -(eta * dE_dw) bit for bit: IEEE products are sign-symmetric


def hot_and_cold(w, lengths, base, goal, eta, y_end, dE_dw):
    """One "hot and cold" epoch (seed 004): try each angle ``eta`` radians up and down.

    Every joint is probed with the others held; each moves toward whichever of
    its two probes gives the smaller error (not at all on a tie). It knows only
    the direction, never the amount, so near the goal it rocks back and forth.
    """
    n = w.shape[-1]
    probes = w + eta * np.concatenate((np.eye(n), -np.eye(n)))          # (2n, n): up..., down...
    e = error(lateral(probes, lengths, base)[:, -1], goal)
    up, down = e[:n], e[n:]
    return np.where(down < up, -eta, np.where(up < down, eta, 0.0))


LEARNER_STEPS: dict[str, Callable] = {"gradient": delta_rule, "hotcold": hot_and_cold}


# --------------------------------------------------------------------------- records
class Epoch(NamedTuple):
    """The arm after ``index`` updates, and the update that brought it there.

    An immutable record (a named tuple: cheap enough to make 100,000 a second).
    ``angles`` (radians), ``y`` and ``error`` describe the pose after the update.
    The chain-rule quantities ``dE_dY``, ``dY_dw``, ``dE_dw`` were evaluated at
    ``before``, the pose the update started from, and ``delta`` is the change
    applied. Epoch 0 is the start pose and has no update (those fields are None).
    ``status`` and ``reason`` are set on the last record of a run only.
    """

    index: int
    angles: np.ndarray
    y: np.ndarray
    error: float
    eta: float | None = None
    before: np.ndarray | None = None
    dE_dY: float | None = None
    dY_dw: np.ndarray | None = None
    dE_dw: np.ndarray | None = None
    delta: np.ndarray | None = None
    status: str | None = None
    reason: str = ""

    @property
    def angles_deg(self) -> np.ndarray:
        return np.degrees(self.angles)

    @property
    def grad_norm(self) -> float:
        """Euclidean length of ``dE/dw`` (NaN for epoch 0)."""
        return float(np.sqrt(np.sum(self.dE_dw ** 2))) if self.dE_dw is not None else math.nan


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)          # one call; going through a.flags builds a flags object first
    return a


# Epoch(...) runs a generated Python __new__ that re-binds all twelve fields; making the
# tuple directly gives the same record for two thirds of the cost, and it runs every epoch.
_tuple_new = tuple.__new__
_NO_UPDATE = tuple(Epoch._field_defaults.values())     # epoch 0 has no update: eta .. reason at their defaults


def _update(step: Callable, lengths: np.ndarray | None, base: float, goal: float, w: np.ndarray, y_end,
            eta: float, index: int) -> Epoch:
    """Apply one epoch of the learner ``step`` to ``w`` (whose end point is ``y_end``) and describe it."""
    dE_dY, dY_dw, dE_dw = gradient(w, lengths, y_end, goal)
    delta = step(w, lengths, base, goal, eta, y_end, dE_dw)
    new = w + delta
    y = lateral(new, lengths, base)
    # Arrays in a record are fresh and never written again; marking each read-only
    # would cost a fifth of an epoch, so records are immutable by convention below the tuple.
    return _tuple_new(Epoch, (index, new, y, error(y.item(-1), goal), eta, w, dE_dY, dY_dw, dE_dw, delta, None, ""))


def _lengths(params: Params) -> np.ndarray | None:
    """The link lengths as kinematics takes them: None for the post's unit links."""
    unit = params.lengths.count(1.0) == len(params.lengths)     # all(v == 1.0 ...) in C, no generator
    return None if unit else np.asarray(params.lengths, dtype=float)


def start_epoch(params: Params) -> Epoch:
    """Epoch 0: the start pose, with no update."""
    return _start(params, _lengths(params))


def _start(params: Params, lengths: np.ndarray | None) -> Epoch:
    w = np.radians(params.angles_deg)          # the tuple of floats converts to float64 inside: one call less
    y = lateral(w, lengths, params.base)
    return _tuple_new(Epoch, (0, w, y, error(y.item(-1), params.goal)) + _NO_UPDATE)


def least_error(params: Params) -> float:
    """The smallest error the arm can reach: 0, or for an unreachable target the fully stretched arm's."""
    gap = abs(params.goal - params.base) - params.reach
    return 0.5 * gap * gap if gap > 0 else 0.0


def iter_epochs(params: Params, eta: float | Callable[[int], float] | None = None) -> Iterator[Epoch]:
    """Run the params' learner, yielding epoch 0 (the start) and then one record per update.

    Parameters
    ----------
    params : Params
        The run. Its ``eta`` is used unless ``eta`` is given.
    eta : float or callable, optional
        A fixed learning rate, or ``eta(epoch_index)`` read before every update, so a
        caller (the window) can change it mid-run. Invalid values raise ParamError.

    Yields
    ------
    Epoch
        The last one carries ``status`` (and ``reason``).
    """
    fixed_eta = None if callable(eta) else _finite("eta", params.eta if eta is None else eta, positive=True)
    lengths = _lengths(params)
    step, base, goal = LEARNER_STEPS[params.learner], params.base, params.goal   # looked up once, not per epoch
    rec = _start(params, lengths)
    start_error, floor = rec.error, least_error(params)
    unreachable = not params.reachable
    rises = 0
    for j in range(1, params.epochs + 2):
        status, reason = _verdict(params, rec, j - 1, start_error, floor, unreachable, rises)
        if status:
            yield _with_status(rec, status, reason)
            return
        yield rec
        step_eta = fixed_eta or _finite("eta", eta(j), positive=True)
        nxt = _update(step, lengths, base, goal, rec.angles, rec.y.item(-1), step_eta, j)
        rises = rises + 1 if nxt.error > rec.error else 0
        rec = nxt


def _verdict(params, rec, done, start_error, floor, unreachable, rises):
    """Why the run should stop after ``rec`` (``(None, "")`` to go on)."""
    if rec.delta is not None:
        turn = max(map(abs, rec.delta.tolist()))
        if not turn <= math.pi:        # also true for NaN: a non-finite step is divergence too
            joint = [abs(d) for d in rec.delta.tolist()].index(turn) + 1
            return "diverged", f"joint {joint} turned {math.degrees(turn):,.0f} degrees in one epoch"
    if rises >= RISES_TO_DIVERGE and rec.error > start_error:
        return "diverged", f"the error rose {rises} epochs in a row, above the start error"
    if unreachable and rec.error - floor <= 1e-9 * floor:
        return "unreachable", (f"the target is {abs(params.goal - params.base):g} from the base "
                               f"but the arm reaches only {params.reach:g}")
    if rec.error < params.tol:
        return "converged", f"the error fell below tol = {params.tol:g}"
    if done >= params.epochs:
        if unreachable:
            return "unreachable", (f"the target is {abs(params.goal - params.base):g} from the base "
                                   f"but the arm reaches only {params.reach:g}")
        return "max_epochs", f"all {params.epochs} epochs ran"
    return None, ""


def _with_status(rec: Epoch, status: str, reason: str) -> Epoch:
    return _tuple_new(Epoch, rec[:-2] + (status, reason))   # _replace maps keywords in Python: 4x the cost


# --------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class Result:
    """A finished run: the whole history as arrays, compact enough for 1e6 epochs.

    ``angles[j]`` (radians) and ``errors[j]`` are the pose and error after ``j``
    updates; ``etas[j-1]`` is the rate epoch ``j`` used. Any epoch's full record
    is rebuilt on demand by :meth:`epoch`, bit for bit as the run produced it.
    """

    params: Params
    status: str
    reason: str
    angles: np.ndarray
    errors: np.ndarray
    etas: np.ndarray

    @property
    def epochs_run(self) -> int:
        return len(self.errors) - 1

    @property
    def final_angles_deg(self) -> np.ndarray:
        return np.degrees(self.angles[-1])

    def positions(self, j: int = -1) -> tuple[np.ndarray, np.ndarray]:
        """Joint positions ``(x, y)`` of joints 1..n after ``j`` updates."""
        return forward(self.angles[j], _lengths(self.params), self.params.base)

    def epoch(self, j: int) -> Epoch:
        """The record of epoch ``j`` (0 = start), recomputed from the stored angles."""
        j = range(self.epochs_run + 1)[j]
        if j == 0:
            return start_epoch(self.params)
        p, lengths = self.params, _lengths(self.params)
        w = self.angles[j - 1]
        return _update(LEARNER_STEPS[p.learner], lengths, p.base, p.goal, w, lateral(w, lengths, p.base).item(-1),
                       self.etas[j - 1], j)


class History:
    """Collects an epoch stream into a :class:`Result` without per-epoch Python objects."""

    def __init__(self, params: Params):
        self.params = params
        self._angles = np.empty((params.epochs + 1, params.n_links))
        self._errors = np.empty(params.epochs + 1)
        self._etas = np.empty(params.epochs)
        self.count = 0
        self.status, self.reason = "", ""

    def add(self, rec: Epoch) -> None:
        i = self.count
        self._angles[i] = rec.angles
        self._errors[i] = rec.error
        if rec.eta is not None:
            self._etas[i - 1] = rec.eta
        self.count = i + 1
        if rec.status:
            self.status, self.reason = rec.status, rec.reason

    def result(self, status: str | None = None, reason: str = "") -> Result:
        """Freeze what was collected; ``status`` overrides the stream's (e.g. ``stopped``)."""
        k = self.count
        if k == len(self._errors):
            # Full: add() can write nothing more, so the buffers themselves become the result's
            # (read-only from now on) and a run that used every epoch skips three copies.
            angles, errors, etas = self._angles, self._errors, self._etas
        else:
            angles, errors, etas = self._angles[:k].copy(), self._errors[:k].copy(), self._etas[:max(k - 1, 0)].copy()
        return Result(self.params, status or self.status or "stopped", reason or self.reason,
                      _frozen(angles), _frozen(errors), _frozen(etas))


def solve(params: Params) -> Result:
    """Run ``params`` to the end and return the whole history."""
    history = History(params)
    for rec in iter_epochs(params):
        history.add(rec)
    return history.result()


# --------------------------------------------------------------------------- batch
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
                lengths=None) -> BatchResult:
    """Gradient descent for many arms at once, vectorised over arms.

    Parameters
    ----------
    angles_deg : array_like, shape (B, n)
        Start angles in degrees, one row per arm.
    eta, epochs, base, target, lengths
        As in :class:`~armsim.core.params.Params`, shared by every arm.

    Returns
    -------
    BatchResult
        ``(angles_deg (B, n), errors (B, epochs + 1))``. Row ``b`` equals
        ``solve(Params(angles_deg[b], ...))`` bit for bit while that run lasts;
        the batch applies no early stop, so every row runs every epoch.

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
            raise ParamError("lengths", f"needs one length per link: {n} links but {L.size} lengths")
    eta = _finite("eta", eta, positive=True)
    epochs = _whole("epochs", epochs, 0, MAX_EPOCHS)
    base = _finite("base", base)
    goal = base if target is None else _finite("target", target)
    errors = np.empty((w.shape[0], epochs + 1))

    def run_block(rows: slice) -> None:
        # Fortran order makes each link's column one contiguous run: the per-link sum in
        # lateral_end and every elementwise step then stream through memory.
        wb = np.asfortranarray(w[rows])
        eb = np.empty((epochs + 1, wb.shape[0]))   # a contiguous row per epoch; transposed into errors once
        for j in range(epochs + 1):
            y_end = lateral_end(wb, L, base)       # only the end point: the batch keeps no joint positions
            eb[j] = error(y_end, goal)
            if j < epochs:
                # in place: the same bits as wb + delta, without a new array every epoch
                wb += delta_rule(wb, L, base, goal, eta, y_end, gradient(wb, L, y_end, goal)[2])
        w[rows] = wb
        errors[rows] = eb.T

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
        from concurrent.futures import ThreadPoolExecutor     # here: the one-arm solver and the window need no pool
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run_block, blocks))
    return BatchResult(np.degrees(w), errors)
