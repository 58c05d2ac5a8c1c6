"""The learners' update rules: one epoch as a numpy function, its :class:`Epoch` record, and a fast kernel.

Every learner is a pure function ``(w, task, eta, dE_dw) -> delta``, the change
the learner adds to its parameters ``w`` (:data:`LEARNER_STEPS`), ``task`` the
:class:`~armsim.core.kinematics.Task` (what the arm is asked to do). The same
functions build any epoch's full record (the chain-rule numbers of one update,
:class:`Epoch`), run a batch of arms, and advance one arm with many links, the
hot and cold learner or the model's options (the reach task, relative joints,
joint limits).

**Joint limits** (projected gradient descent): after every update each
parameter is clipped into its range, ``p <- clip(p + delta, lo, hi)``. The
learners keep no state, so clipping changes nothing inside them: each proposes
its step from the clipped parameters (hot and cold probes ``p +- eta`` even
beyond a limit), and the clip comes after.

For one arm with few links numpy's per-call overhead dominates, so the
gradient rule for the post's task also comes as :func:`gradient_kernel`: the
same arithmetic on plain Python floats, operation for operation, many epochs
per call. Its results equal :func:`delta_rule` applied epoch by epoch bit for
bit (math's sin and cos match numpy's here, and every sum and product is taken
in the same order), which the tests check epoch by epoch.
"""
from __future__ import annotations

import math
from functools import lru_cache, partial
from itertools import accumulate
from math import cos, pi, sin
from typing import Callable, NamedTuple

import numpy as np

from armsim.core.kinematics import Task, error, forward, lateral
from armsim.core.params import POST_LEARNERS, Params
from armsim.core.rules import RULES


# --------------------------------------------------------------------------- one epoch, numpy
def delta_rule(w, task, eta, dE_dw):
    """One gradient-descent epoch (the delta rule): the change ``-eta * dE/dw`` for every parameter.

    Works on one arm ``(n,)`` or a batch ``(B, n)``; ``w + delta`` is bit for
    bit the post's ``w - eta*dE_dw``.
    """
    return (-eta) * dE_dw          # == -(eta * dE_dw) bit for bit: IEEE products are sign-symmetric


def hot_and_cold(w, task, eta, dE_dw):
    """One "hot and cold" epoch (seed 004): try each parameter ``eta`` radians up and down.

    Every joint is probed with the others held; each moves toward whichever of
    its two probes gives the smaller error (not at all on a tie). It knows only
    the direction, never the amount, so near the goal it rocks back and forth.
    """
    n = w.shape[-1]
    steps = eta * np.concatenate((np.eye(n), -np.eye(n)))               # (2n, n): up..., down...
    if w.ndim == 1:
        e = task.errors(w + steps)
    else:                           # a batch (B, n): (B, 2n, n) probes, each arm's target beside its probes
        column = {k: np.asarray(v)[:, None] for k, v in (("goal", task.goal), ("reach_x", task.reach_x))
                  if np.ndim(v) == 1}
        e = task._replace(**column).errors(w[:, None, :] + steps)
    up, down = e[..., :n], e[..., n:]
    return np.where(down < up, -eta, np.where(up < down, eta, 0.0))


LEARNER_STEPS: dict[str, Callable] = {"gradient": delta_rule, "hotcold": hot_and_cold}

# --------------------------------------------------------------------------- the record of one epoch
class Epoch(NamedTuple):
    """The arm after ``index`` updates, and the update that brought it there.

    An immutable record (a named tuple: cheap enough to make 100,000 a second).
    Epoch 0 is the start pose and has no update (every field from ``eta`` on is None).
    ``status`` and ``reason`` are set on the last record of a run only.

    The pose after the update:

    ``angles``      the learner's own parameters, radians: the absolute angles ``w``, or with
                    relative joints each link's angle ``q`` to the previous link.
    ``y``           the joints' lateral positions ``Y_1..Y_n`` (the post prints them).
    ``error``       ``E`` of the pose: ``0.5 (T - Y_n)^2``, or for the reach task
                    ``0.5 ((X - x_n)^2 + (Y - y_n)^2)``.

    The update, evaluated at ``before`` (the parameters it started from):

    ``eta``         the learning rate used.
    ``dE_dY``       ``dE/dY_n = -(T - Y_n)``; for the reach task ``-(Y - y_n)``, the residual's
                    y part (so ``Y_n`` is ``dE_dY + params.goal`` in both tasks, up to rounding).
    ``dY_dw``       ``dY_n/dp_j``: ``L_j cos w_j``; with relative joints ``sum_{i>=j} L_i cos theta_i``.
    ``dE_dw``       the gradient the learner used, ``dE/dp_j``: ``dE_dY * dY_dw`` for the post's task
                    (bit for bit), ``dE_dX * dX_dw + dE_dY * dY_dw`` for the reach task, and with
                    relative joints ``sum_{i>=j} dE_dtheta_i`` (equal to those up to rounding).
    ``delta``       the learner's step; ``angles = before + delta``, clipped into the joint
                    limits when there are limits (then ``angles`` may differ from it).
    ``dE_dX``       ``dE/dx_n``: ``-(X - x_n)`` for the reach task (so ``x_n`` is ``dE_dX + X``, up to
                    rounding); 0.0 for the lateral task, whose error ignores ``x_n``.
    ``dX_dw``       ``dx_n/dp_j``: ``-L_j sin w_j``; with relative joints ``-sum_{i>=j} L_i sin theta_i``.
    ``dE_dtheta``   the gradient for the absolute angles ``theta``; with absolute angles it is
                    ``dE_dw`` itself.
    ``state``       a stateful learner's state after the update (momentum: ``[v]``; Adam:
                    ``[m, s]``), shape ``(rows, n)``; None for the others.
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
    dE_dX: float | None = None
    dX_dw: np.ndarray | None = None
    dE_dtheta: np.ndarray | None = None
    state: np.ndarray | None = None
    status: str | None = None
    reason: str = ""

    @property
    def angles_deg(self) -> np.ndarray:
        return np.degrees(self.angles)

    @property
    def grad_norm(self) -> float:
        """Euclidean length of ``dE/dw`` (NaN for epoch 0)."""
        return float(np.sqrt(np.sum(self.dE_dw ** 2))) if self.dE_dw is not None else math.nan


# Epoch(...) runs a generated Python __new__ that re-binds all fifteen fields; making the
# tuple directly gives the same record for two thirds of the cost.
_tuple_new = tuple.__new__
_NO_UPDATE = tuple(Epoch._field_defaults.values())     # epoch 0 has no update: eta .. reason at their defaults


class Setup(NamedTuple):
    """What one arm's updates depend on besides the pose, made once per run from its Params.

    ``lengths`` as kinematics takes them (None for unit links); ``task`` the
    :class:`~armsim.core.kinematics.Task`; ``lo``, ``hi`` the joint limits in radians
    (``-inf``/``inf`` where a side is free) or both None without limits; ``post`` True
    for the post's task and convention without limits and one of the post's learners
    (the fast paths' case); ``step`` the learner's update with its options bound
    (see :mod:`armsim.core.rules`) and ``state_rows`` the rows of its state (0: none).
    """

    lengths: np.ndarray | None
    task: Task
    lo: np.ndarray | None
    hi: np.ndarray | None
    post: bool
    step: Callable
    state_rows: int = 0


def setup(params: Params) -> Setup:
    """The :class:`Setup` of ``params``."""
    lengths, reach = _lengths(params), params.reach
    task = Task(lengths, params.base, params.goal, None if reach is None else reach[0], params.relative)
    lo, hi = limits(params)
    rule = RULES.get(params.learner)
    if rule is None:
        return Setup(lengths, task, lo, hi, params.is_post, LEARNER_STEPS[params.learner])
    options = {}
    for name in rule.options:
        if name == "limits":
            options.update(lo=lo, hi=hi)
        else:
            options[{"momentum": "beta"}.get(name, name)] = getattr(params, name)
    return Setup(lengths, task, lo, hi, False, partial(rule.step, **options), rule.state_rows)


def start_state(s: Setup, n: int) -> np.ndarray | None:
    """A stateful learner's state before its first epoch: zeros, ``(rows, n)``; None for the others."""
    return np.zeros((s.state_rows, n)) if s.state_rows else None


def limits(params: Params) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The joint limits in radians, ``(lo, hi)``, a free side as -inf or inf; ``(None, None)`` without limits."""
    if not params.limited:
        return None, None
    lo, hi = params.limits_deg
    return np.radians(lo), np.radians(hi)


def _update(step: Callable, task: Task, w: np.ndarray, y_end, eta: float, index: int) -> Epoch:
    """The record of one epoch of the learner ``step`` on the post's task from ``w`` (end point ``y_end``)."""
    return _post_update(step, task, w, y_end, None, eta, index)[0]


def _post_update(step: Callable, task: Task, w: np.ndarray, y_end: float, rise, eta: float, index: int):
    """:func:`_update`, and what the next record needs of the new pose: ``(record, Y_n, L_i sin w_i)``.

    ``rise`` is ``L_i sin w_i`` of ``w`` when the caller has it (the record before made it),
    else None. The post's arithmetic of :func:`~armsim.core.kinematics.gradient`,
    :func:`~armsim.core.kinematics.lateral` and :func:`~armsim.core.kinematics.error`, inlined:
    the window's stream makes one record per epoch, and the calls cost a tenth of it.
    """
    lengths, goal = task.lengths, task.goal
    dE_dY = -(goal - y_end)
    dY_dw = np.cos(w) if lengths is None else lengths * np.cos(w)
    dE_dw = dE_dY * dY_dw
    delta = (-eta) * dE_dw if step is delta_rule else step(w, task, eta, dE_dw)     # delta_rule inlined
    new = w + delta
    if rise is None:
        rise = np.sin(w) if lengths is None else lengths * np.sin(w)
    new_rise = np.sin(new) if lengths is None else lengths * np.sin(new)
    ys = new_rise.tolist()                     # kinematics.chain from the base, left to right
    ys[0] = task.base + ys[0]
    y = np.fromiter(accumulate(ys), float, len(ys))
    y_new = y.item(-1)
    gap = goal - y_new
    # Arrays in a record are fresh and never written again; marking each read-only
    # would cost a fifth of an epoch, so records are immutable by convention below the tuple.
    return _tuple_new(Epoch, (index, new, y, 0.5 * (gap * gap), eta, w, dE_dY, dY_dw, dE_dw, delta,
                              0.0, -rise, dE_dw, None, None, "")), y_new, new_rise


def update(step: Callable, s: Setup, w: np.ndarray, ends, eta: float, index: int, state=None) -> Epoch:
    """The record of one epoch of the learner ``step`` from ``w`` (whose end point is ``ends``), any options.

    ``state`` is a stateful learner's state before the epoch (:func:`start_state` before the first).
    """
    if s.post:
        return _update(step, s.task, w, ends[1], eta, index)
    g = s.task.gradient(w, *ends)
    if s.state_rows:
        delta, state = step(w, s.task, eta, g.dE_dw, state, index)
    else:
        delta, state = step(w, s.task, eta, g.dE_dw), None
    new = w + delta
    if s.lo is not None:
        new = np.clip(new, s.lo, s.hi)
    x, y = forward(new, s.lengths, s.task.base, s.task.relative)
    e = s.task.error(None if s.task.reach_x is None else x.item(-1), y.item(-1))
    return _tuple_new(Epoch, (index, new, y, e, eta, w, g.dE_dY, g.dY_dw, g.dE_dw, delta,
                              g.dE_dX, g.dX_dw, g.dE_dtheta, state, None, ""))


def _lengths(params: Params) -> np.ndarray | None:
    """The link lengths as kinematics takes them: None for the post's unit links."""
    unit = params.lengths.count(1.0) == len(params.lengths)     # all(v == 1.0 ...) in C, no generator
    return None if unit else np.asarray(params.lengths, dtype=float)


def start_epoch(params: Params) -> Epoch:
    """Epoch 0: the start pose, with no update."""
    return _start(params, _lengths(params), None if fast_path(params) else setup(params))


def fast_path(params: Params) -> bool:
    """The post's task and convention without limits, with one of the post's learners: no Setup needed."""
    return params.is_post and params.learner in POST_LEARNERS


def _start(params: Params, lengths: np.ndarray | None, s: Setup | None) -> Epoch:
    """Epoch 0 of ``params``: ``s`` is its Setup, or None for the post's task (which needs none)."""
    w = np.radians(params.angles_deg)          # the tuple of floats converts to float64 inside: one call less
    if s is None or s.post:
        y = lateral(w, lengths, params.base)
        return _tuple_new(Epoch, (0, w, y, error(y.item(-1), params.goal)) + _NO_UPDATE)
    x, y = forward(w, lengths, params.base, params.relative)
    e = s.task.error(None if s.task.reach_x is None else x.item(-1), y.item(-1))
    return _tuple_new(Epoch, (0, w, y, e) + _NO_UPDATE)


def _with_status(rec: Epoch, status: str, reason: str) -> Epoch:
    return _tuple_new(Epoch, rec[:-2] + (status, reason))   # _replace maps keywords in Python: 4x the cost


# --------------------------------------------------------------------------- many epochs, Python floats
#: Most links the Python-float kernel is used for. Run.advance measured here, epochs/s of one
#: arm with unequal links (kernel / numpy epoch by epoch): n = 3: 1.39 M / 0.13 M; 12: 0.45 M /
#: 0.11 M; 50: 114 k / 72 k; 128: 42 k / 41 k; 200: 28 k / 30 k. Beyond it numpy wins.
KERNEL_MAX_LINKS = 128
#: The kernel's bound ``eta * longest * |dE/dY|`` on every turn is rounded differently from the
#: turns themselves (a few ulps either way); compared with pi less this margin it never misses one.
TURN_LIMIT = pi * (1 - 1e-9)


@lru_cache(maxsize=None)
def gradient_kernel(n: int, unit: bool) -> Callable:
    """The delta rule for one arm of ``n`` links on Python floats, unrolled over the links.

    Parameters
    ----------
    n : int
        Number of links (at most :data:`KERNEL_MAX_LINKS` is worth it).
    unit : bool
        All links of length 1: the kernel then skips the multiplications by 1.0,
        as the numpy rule does (they would change no bit, only cost time).

    Returns
    -------
    callable
        ``kernel(w, y, e, rises, k, eta, angles, errors, stop, consts) -> (w, y, e, rises)``
        applies up to ``k`` epochs to the angles ``w`` (a list, radians) whose end point is
        ``y`` and error ``e``; ``rises`` counts the epochs in a row the error rose. Each
        epoch's angles are appended to the flat list ``angles`` and its error to
        ``errors``. ``consts`` is ``(base, goal, tol, floor, floor_gap, start_error,
        rises_limit, longest[, L1, ..., Ln])``, ``longest`` the longest link. After an
        epoch that might end the run, the kernel calls ``stop(deltas, e, rises)``, the
        caller's rules, and returns at once if it answers True.

    Notes
    -----
    The test before ``stop`` lets through every epoch a rule could end and almost no
    other: the error below ``tol``, within ``floor_gap`` of ``floor``, rising
    ``rises_limit`` times above the start error, or ``eta * longest * |dE/dY|``, which
    bounds every joint's turn, above :data:`TURN_LIMIT`.
    Generated source rather than a loop over the links: unrolled, n = 3 ran
    1.5 M epochs/s here against 0.57 M for list comprehensions over the links.
    """
    r = range(1, n + 1)
    ws, ts = ", ".join(f"w{i}" for i in r), ", ".join(f"t{i}" for i in r)
    lengths = "" if unit else ", " + ", ".join(f"L{i}" for i in r)
    slope = [f"cos(w{i})" if unit else f"(L{i} * cos(w{i}))" for i in r]      # dY/dw_i = L_i cos w_i
    rise = [f"sin(w{i})" if unit else f"L{i} * sin(w{i})" for i in r]         # L_i sin w_i, as lengths * sin(w)
    # Y_n summed left to right from the base, as kinematics.chain: one statement per link
    # (not one nested expression, which the parser refuses beyond 200 parentheses).
    pose = [f"        y = base + {rise[0]}", *(f"        y = y + {term}" for term in rise[1:])]
    src = "\n".join([
        "def kernel(w, y, e, rises, k, eta, angles, errors, stop, consts):",
        f"    {ws}, = w",
        f"    base, goal, tol, floor, floor_gap, start_error, rises_limit, longest{lengths} = consts",
        "    neg_eta, eta_reach = -eta, eta * longest",
        "    sin, cos, turn_limit = SIN, COS, TURN_LIMIT",          # locals: read every epoch
        "    put, note = angles.extend, errors.append",
        "    for _ in range(k):",
        "        dE_dY = -(goal - y)",
        *(f"        t{i} = neg_eta * (dE_dY * {s})" for i, s in zip(r, slope)),   # delta_rule: (-eta) * dE_dw
        *(f"        w{i} = w{i} + t{i}" for i in r),
        *pose,
        "        gap = goal - y",
        "        f = 0.5 * (gap * gap)",
        "        rises = rises + 1 if f > e else 0",
        "        e = f",
        f"        put(({ws},))",
        "        note(e)",
        "        if (e < tol or e - floor <= floor_gap or (rises >= rises_limit and e > start_error)",
        "                or not eta_reach * abs(dE_dY) <= turn_limit):",
        f"            if stop(({ts},), e, rises):",
        "                break",
        f"    return [{ws}], y, e, rises",
    ])
    namespace = {"SIN": sin, "COS": cos, "TURN_LIMIT": TURN_LIMIT}
    exec(compile(src, f"<gradient kernel n={n}{' unit' if unit else ''}>", "exec"), namespace)
    return namespace["kernel"]


