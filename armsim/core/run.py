"""One arm's run: the engine that advances it, the rules that end it, its records and its result.

:class:`Run` advances a run by many epochs per call and stores only arrays
(angles, errors, etas); :func:`solve`, :func:`iter_epochs` and the window all
drive it, so there is one implementation of the update and of the stopping
rules. Any epoch's full :class:`Epoch` record (the chain-rule numbers) is
rebuilt on demand from the stored angles, bit for bit as the run computed it.
The update rules and the :class:`~armsim.core.learners.Epoch` record of one
update live in :mod:`armsim.core.learners` (both importable from here too);
many arms at once in :mod:`armsim.core.batch`.

When a run ends (its ``status``)
--------------------------------
``converged``   the error fell below ``tol``.
``max_epochs``  every requested epoch ran.
``diverged``    see :data:`DIVERGENCE_RULE`.
``unreachable`` the target lies where no pose can put the end point: for the
                lateral task farther from the base than the arm reaches, for the
                reach task farther than the arm reaches (``span``, the sum of the
                lengths) or nearer than its inner radius (``max(0, 2 max L -
                sum L)``). The arm is moved toward it until the error is within a
                relative 1e-9 of the least it can be, or the epochs run out.
                With joint limits also: the error stopped falling (it changed by
                at most a relative :data:`STALL` in an epoch) while the update
                pushed a joint past its limit (by more than :data:`HOLD` radians);
                the reason names the joint ("joint 2 is held at its limit of 90
                degrees"). That is as close as the arm gets within its limits
                from where it went, a statement about this run, not every pose.
``stopped``     the consumer stopped early (the window's Stop/Reset); set by it.

Follow mode
-----------
A run's target may move while it goes on (:meth:`Run.retarget`: the window's
target dragged during a run). The epochs from then on aim at the new target;
the result records each move (:attr:`Result.moves`) and rebuilds every epoch
against the target it had. A move starts the divergence rule afresh (the error
against a new target may well rise at first). While :attr:`Run.holding` is
set (the mouse holds the target) the run does not end for reaching the target
or getting as close as it can: only divergence and the last epoch end it.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from armsim.core.batch import BatchResult, solve_batch  # noqa: F401  (public here too)
from armsim.core.kinematics import Task, error, forward, gradient, lateral_end
from armsim.core.learners import (  # noqa: F401
    KERNEL_MAX_LINKS,
    LEARNER_STEPS,
    Epoch,
    Setup,
    _lengths,
    _post_update,
    _start,
    _update,
    _with_status,
    delta_rule,
    fast_path,
    gradient_kernel,
    hot_and_cold,
    setup,
    start_epoch,
    start_state,
    update,
)
from armsim.core.lm_kernel import lm_kernel
from armsim.core.params import ParamError, Params, _finite
from armsim.core.rules import RULES, turn_limit

RISES_TO_DIVERGE = 5
DIVERGENCE_RULE = ("a run diverges when one epoch turns any joint by more than 180 degrees (no learning "
                   "happens in such a step; damped least squares, whose whole Gauss-Newton step may, only "
                   "when its step is not a finite number), or when the error has risen in each of the last "
                   f"{RISES_TO_DIVERGE} epochs and is above the start error")
STATUSES = ("converged", "max_epochs", "diverged", "unreachable", "stopped")
#: How people read each status (the window and the figures); the JSON keeps the codes.
STATUS_WORDS = {"converged": "reached the tolerance", "max_epochs": "done", "diverged": "diverged",
                "unreachable": "target out of reach", "stopped": "stopped"}
CHUNK = 2048        # most epochs the kernel runs between two writes into the arrays (bounds its lists)
ITER_AHEAD = 32     # epochs iter_epochs computes ahead of the record it yields, at a fixed eta
#: With joint limits, an epoch that changes the error by at most this relative amount has "stopped falling".
STALL = 1e-12
#: Radians an update must push a joint past its limit for the joint to count as held there: less is
#: rounding (an arm that has reached its target still leans on a limit by ~1e-16).
HOLD = 1e-12


# --------------------------------------------------------------------------- records rebuilt
def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)          # one call; going through a.flags builds a flags object first
    return a


def _rebuild(params: Params, moves, angles: np.ndarray, etas: np.ndarray, j: int, states=None) -> Epoch:
    """The record of epoch ``j`` recomputed from stored angles, etas, target moves and a stateful
    learner's states (j already checked)."""
    if j == 0:
        return _start(params, _lengths(params), setup(params))
    s = setup(aimed(params, moves, j))
    w = angles[j - 1]
    return update(s.step, s, w, s.task.end(w), etas[j - 1], j, None if states is None else states[j - 1])


def aimed(params: Params, moves, j: int) -> Params:
    """``params`` aimed at the target epoch ``j`` used: the last of ``moves`` ``(epoch, aim)`` at or before it."""
    aim = None
    for epoch, to in moves:
        if epoch > j:
            break
        aim = to
    return params if aim is None else params.aimed_at(aim)


def least_error(params: Params) -> float:
    """The smallest error the arm can reach (joint limits aside): 0 within reach, else the nearest pose's.

    Lateral task: the fully stretched arm's. Reach task: stretched toward a point beyond
    ``span``, or for a point inside the inner radius the longest link toward it and the
    others folded back.
    """
    gap = _gap(params)
    return 0.5 * gap * gap if gap > 0 else 0.0


def _gap(params: Params) -> float:
    """How far the target lies outside the arm's reach (joint limits aside): > 0 exactly when it is unreachable."""
    if params.reach is None:
        return abs(params.goal - params.base) - params.span
    d = params.distance
    return max(d - params.span, params.inner_radius - d)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class Result:
    """A finished run: the whole history as arrays, compact enough for 1e6 epochs.

    ``angles[j]`` (radians) and ``errors[j]`` are the pose and error after ``j``
    updates; ``etas[j-1]`` is the rate epoch ``j`` used. Any epoch's full record
    is rebuilt on demand by :meth:`epoch`, bit for bit as the run produced it.
    ``params`` is the setup the run started from; ``moves`` lists the target's moves
    during the run (follow mode), ``(epoch, aim)``: epochs from ``epoch`` on aimed at
    ``aim`` (a height, or a point for the reach task); empty when it never moved.
    ``states[j]`` is a stateful learner's state after ``j`` updates (momentum's ``[v]``,
    Adam's ``[m, s]``, zeros at the start), None for the other learners.
    """

    params: Params
    status: str
    reason: str
    angles: np.ndarray
    errors: np.ndarray
    etas: np.ndarray
    moves: tuple = ()
    states: np.ndarray | None = None

    @property
    def epochs_run(self) -> int:
        return len(self.errors) - 1

    @property
    def final_angles_deg(self) -> np.ndarray:
        return np.degrees(self.angles[-1])

    def positions(self, j: int = -1) -> tuple[np.ndarray, np.ndarray]:
        """Joint positions ``(x, y)`` of joints 1..n after ``j`` updates."""
        return forward(self.angles[j], _lengths(self.params), self.params.base, self.params.relative)

    def epoch(self, j: int) -> Epoch:
        """The record of epoch ``j`` (0 = start), recomputed from the stored angles."""
        return _rebuild(self.params, self.moves, self.angles, self.etas, range(self.epochs_run + 1)[j], self.states)

    def params_at(self, j: int = -1) -> Params:
        """The setup aimed at the target epoch ``j`` used (``params`` itself unless the target moved)."""
        return aimed(self.params, self.moves, range(self.epochs_run + 1)[j])


def _result(params, angles, errors, etas, k, status, reason, moves=(), states=None) -> Result:
    if k == len(errors):
        # Full: nothing more can be written, so the buffers themselves become the result's
        # (read-only from now on) and a run that used every epoch skips three copies.
        parts = angles, errors, etas
    else:
        parts = angles[:k].copy(), errors[:k].copy(), etas[:max(k - 1, 0)].copy()
        states = None if states is None else states[:k].copy()
    return Result(params, status, reason, *map(_frozen, parts), tuple(moves),
                  None if states is None else _frozen(states))


class History:
    """Collects a stream of :class:`Epoch` records (from :func:`iter_epochs`) into a :class:`Result`."""

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
        return _result(self.params, self._angles, self._errors, self._etas, self.count,
                       status or self.status or "stopped", reason or self.reason)


# --------------------------------------------------------------------------- the engine
class Run:
    """One arm's run, advanced by as many epochs per call as the caller likes; arrays only.

    Parameters
    ----------
    params : Params
        The run. Epoch 0 (the start pose) is stored at once, and the run may
        already be over (no epochs, a solved start, ...).

    Attributes
    ----------
    params : Params
    count : int
        Records stored: the epochs applied plus one for the start.
    status : str or None
        None while the run goes on, else one of :data:`STATUSES`.
    reason : str
        Why it ended, in words ("" while it goes on).
    angles, errors, etas : ndarray
        Read-only views of what is stored so far (see the properties).
    holding : bool
        While True (the window's mouse holds the target) only divergence and the
        last epoch end the run; see "Follow mode" in the module docstring.
    """

    def __init__(self, params: Params):
        self.params = params
        n, epochs = params.n_links, params.epochs
        self._lengths = _lengths(params)
        self._setup = None if fast_path(params) else setup(params)     # the options' Setup; the post's needs none
        self._angles = np.empty((epochs + 1, n))       # untouched rows cost no memory until written
        self._flat = self._angles.reshape(-1)
        self._errors = np.empty(epochs + 1)
        self._etas = np.empty(epochs)
        rec = _start(params, self._lengths, self._setup)
        self._angles[0] = rec.angles
        self._errors[0] = self._e = self._start_error = rec.error
        self._y = rec.y.item(-1)
        self._xy = None if self._setup is None else self._setup.task.end(rec.angles)   # for the model's options
        self._rises, self.count = 0, 1
        self.status, self.reason = None, ""
        self._aimed, self._moves, self.holding = params, [], False
        self._goal = params.goal                # the post's task's target (its numpy path)
        self._aim_floor(params)
        self._step = LEARNER_STEPS[params.learner] if self._setup is None else self._setup.step
        # Hot and cold, CCD and FABRIK need no gradient (a record still shows it).
        self._grad = params.learner == "gradient" or getattr(RULES.get(params.learner), "gradient", False)
        rows = 0 if self._setup is None else self._setup.state_rows
        self._state = start_state(self._setup, n) if rows else None
        self._states = np.empty((epochs + 1, rows, n)) if rows else None
        if rows:
            self._states[0] = self._state
        self._turn_limit = turn_limit(params.learner)
        self._kernel = self._lm = None
        if n <= KERNEL_MAX_LINKS:
            self._kernels(params)
        self._w = rec.angles.tolist() if self._kernel or self._lm else rec.angles
        self._ends(None, rec.error, 0, 0)

    def _kernels(self, params: Params) -> None:
        """Pick a Python-float kernel where one applies: the post's gradient rule, or lm without limits."""
        # For a reachable target no error is within a negative gap of the floor 0: that test never fires.
        gap = 1e-9 * self._floor if self._unreachable else -1.0
        ends = (params.tol, self._floor, gap, self._start_error, RISES_TO_DIVERGE)
        lengths = () if self._lengths is None else params.lengths
        if self._step is delta_rule and self._setup is None:
            self._kernel = gradient_kernel(params.n_links, self._lengths is None)
            self._consts = (params.base, params.goal, *ends, max(params.lengths), *lengths)
        elif params.learner == "lm" and self._setup.lo is None:
            reach = params.reach is not None
            self._lm = lm_kernel(params.n_links, self._lengths is None, reach, params.relative)
            self._consts = (params.base, params.reach[0] if reach else 0.0, params.goal, params.damping,
                            *ends, *lengths)

    def _aim_floor(self, params: Params) -> None:
        gap = _gap(params)          # one computation for both: gap > 0 is "not params.reachable"
        self._floor, self._unreachable = (0.5 * gap * gap if gap > 0 else 0.0), gap > 0

    @property
    def aimed(self) -> Params:
        """The setup aimed at the current target: ``params`` until the first :meth:`retarget`."""
        return self._aimed

    @property
    def moves(self) -> tuple:
        """The target's moves so far, ``(epoch, aim)``, as :attr:`Result.moves` lists them."""
        return tuple(self._moves)

    def params_at(self, j: int = -1) -> Params:
        """The setup aimed at the target epoch ``j`` used, as :meth:`Result.params_at`."""
        return aimed(self.params, self._moves, range(self.count)[j])

    def retarget(self, aim, force: bool = False) -> bool:
        """Aim the epochs from the next one on at ``aim``: a height, or for the reach task a point (X, Y).

        Returns False (and changes nothing) once the run has ended. Raises ParamError
        for an aim the task cannot take. The pose stays; the divergence rule starts
        afresh from its error against the new target. A move to the target in force
        changes nothing unless ``force`` (a replay of :attr:`moves`: a recorded move
        restarted the rule even when a second move between two epochs went back).
        """
        if self.status is not None:
            return False
        new = self._aimed.aimed_at(aim)
        if new.aim == self._aimed.aim and not force:
            return True
        self._aimed = new
        if self._moves and self._moves[-1][0] == self.count:       # two moves between epochs: the last counts
            # (even one back to the target before: the rule was restarted, and a replay must do so too)
            self._moves[-1] = (self.count, new.aim)
        else:
            self._moves.append((self.count, new.aim))
        if self._kernel or self._lm:        # a kernel holds the target in its constants: numpy from now on
            self._kernel = self._lm = None
            self._w = np.array(self._w)
        if self._setup is None:
            self._goal = new.goal
            self._e = error(self._y, self._goal)
        else:
            self._setup = setup(new)
            self._e = self._setup.task.error(*self._xy)
        self._start_error, self._rises = self._e, 0
        self._aim_floor(new)
        return True

    @property
    def angles(self) -> np.ndarray:
        """The stored angles so far (radians), shape ``(count, n)``: a read-only view."""
        return _frozen(self._angles[:self.count])

    @property
    def errors(self) -> np.ndarray:
        """The error after each stored epoch, shape ``(count,)``: a read-only view."""
        return _frozen(self._errors[:self.count])

    @property
    def etas(self) -> np.ndarray:
        """The learning rate each epoch used, shape ``(count - 1,)``: a read-only view."""
        return _frozen(self._etas[:self.count - 1])

    def advance(self, count: int, eta: float | None = None) -> int:
        """Apply up to ``count`` epochs at the learning rate ``eta``, fewer if the run ends first.

        Parameters
        ----------
        count : int
            Most epochs to apply (0 or more).
        eta : float, optional
            The learning rate of these epochs; ``params.eta`` when omitted. It must be a
            finite number > 0 (ParamError otherwise).

        Returns
        -------
        int
            The epochs applied: ``count`` unless the run ended (then see ``status``),
            and 0 once it has ended.
        """
        count = operator.index(count)
        if count < 0:
            raise ParamError("count", f"must be 0 or more, got {count}")
        return self._advance(count, self.params.eta if eta is None else _finite("eta", eta, positive=True))

    def _advance(self, count: int, eta: float) -> int:
        first, epochs = self.count, self.params.epochs
        while self.status is None and count > 0:
            k = min(count, epochs + 1 - self.count, CHUNK)
            count -= (self._python(k, eta) if self._kernel else self._lm_python(k, eta) if self._lm else
                      self._numpy(k, eta) if self._setup is None else self._options(k, eta))
            if self.status is None and self.count > epochs:
                # The kernel let every rule but the epoch count pass (or never tested them).
                self._ends(None, self._e, self._rises, epochs)
        return self.count - first

    def _python(self, k: int, eta: float) -> int:
        angles, errors = [], []
        self._w, self._y, self._e, self._rises = self._kernel(
            self._w, self._y, self._e, self._rises, k, eta, angles, errors, self._ends, self._consts)
        a, b = self.count, self.count + len(errors)
        if b - a == 1:      # one epoch (iter_epochs, Step): item writes measured 2.6 us a call against 3.3 for slices
            self._angles[a], self._errors[a], self._etas[a - 1] = angles, errors[0], eta
        else:
            n = len(self._w)
            self._flat[a * n:b * n] = angles
            self._errors[a:b] = errors
            self._etas[a - 1:b - 1] = eta
        self.count = b
        return b - a

    def _lm_python(self, k: int, eta: float) -> int:
        angles, errors = [], []
        (x0, y), a = self._xy, self.count
        w, x, y, self._e, self._rises, singular = self._lm(
            self._w, 0.0 if x0 is None else x0, y, self._e, self._rises, k, eta, angles, errors, self._ends,
            self._consts)
        self._xy = (None if x0 is None else x, y)          # the lateral task has no x (the kernel's is a dummy)
        b = a + len(errors)
        n = len(w)
        self._flat[a * n:b * n] = angles
        self._errors[a:b] = errors
        self._etas[a - 1:b - 1] = eta
        self.count = b
        self._w = w
        if singular:            # the pseudo-inverse's epoch: numpy from now on
            self._lm, self._w = None, np.array(w)
        return b - a

    def _numpy(self, k: int, eta: float) -> int:
        """Epochs one at a time in numpy, the post's task: hot and cold, or more links than the kernel takes."""
        step, lengths, base, goal = self._step, self._lengths, self.params.base, self._goal
        task = Task(lengths, base, goal)               # for hot and cold's probes
        w, y, e, rises, j = self._w, self._y, self._e, self._rises, self.count
        grad = self._grad
        for j in range(self.count, self.count + k):
            delta = step(w, task, eta, gradient(w, lengths, y, goal)[2] if grad else None)
            w = w + delta
            y = lateral_end(w, lengths, base).item()
            f = error(y, goal)
            rises, e = (rises + 1 if f > e else 0), f
            self._angles[j], self._errors[j], self._etas[j - 1] = w, e, eta
            if self._ends(delta.tolist(), e, rises, j):
                break
        self._w, self._y, self._e, self._rises = w, y, e, rises
        applied, self.count = j + 1 - self.count, j + 1
        return applied

    def _options(self, k: int, eta: float) -> int:
        """Epochs one at a time in numpy with the model's options: the reach task, relative joints, limits.

        The same steps as :func:`~armsim.core.learners.update` makes a record of: the
        learner's step from the parameters, then the clip into the limits.
        """
        step, task, lo, hi = self._step, self._setup.task, self._setup.lo, self._setup.hi
        w, xy, e, rises, j = self._w, self._xy, self._e, self._rises, self.count
        grad, states, state = self._grad, self._states, self._state
        for j in range(self.count, self.count + k):
            g = task.gradient(w, *xy).dE_dw if grad else None
            if states is None:
                delta = step(w, task, eta, g)
            else:
                delta, state = step(w, task, eta, g, state, j)
                states[j] = state
            w = moved = w + delta
            if lo is not None:
                w = np.clip(moved, lo, hi)
            xy = task.end(w)
            f = task.error(*xy)
            # A joint held at a limit only matters once the error stops falling (see STALL).
            held = self._held(moved) if lo is not None and f > 0 and abs(e - f) <= STALL * e else ()
            rises, e = (rises + 1 if f > e else 0), f
            self._angles[j], self._errors[j], self._etas[j - 1] = w, e, eta
            if self._ends(delta.tolist(), e, rises, j, held):
                break
        self._w, self._xy, self._e, self._rises, self._state = w, xy, e, rises, state
        applied, self.count = j + 1 - self.count, j + 1
        return applied

    def _held(self, moved: np.ndarray) -> list[tuple[int, float]]:
        """Joints the update pushed past a limit by more than :data:`HOLD`: (joint from 1, limit in degrees)."""
        s, p = self._setup, self.params
        held = []
        for i in np.flatnonzero((s.lo - moved > HOLD) | (moved - s.hi > HOLD)).tolist():
            held.append((i + 1, p.min_angles_deg[i] if moved[i] < s.lo[i] else p.max_angles_deg[i]))
        return held

    def _ends(self, deltas, err: float, rises: int, done: int | None = None, held=()) -> bool:
        """The stopping rules, applied to the epoch just stored: True (and status set) if the run ends.

        ``deltas`` None skips the turn rule, ``done`` None the epoch count (the kernel asks so);
        ``held`` lists the joints held at a limit when the error stopped falling (see :data:`STALL`).
        """
        p = self.params
        if deltas is not None:
            turn = max(map(abs, deltas))
            if not turn <= self._turn_limit:        # also true for NaN: a non-finite step is divergence too
                joint = [abs(d) for d in deltas].index(turn) + 1
                return self._end("diverged", f"joint {joint} turned {math.degrees(turn):,.0f} degrees in one epoch")
        if rises >= RISES_TO_DIVERGE and err > self._start_error:
            return self._end("diverged", f"the error rose {rises} epochs in a row, above the start error")
        if not self.holding:
            if self._unreachable and err - self._floor <= 1e-9 * self._floor:
                return self._end("unreachable")
            if err < p.tol:
                return self._end("converged", f"the error fell below tol = {p.tol:g}")
            if held:
                return self._end("unreachable", "the error stopped falling: " + _held_words(held))
        if done is not None and done >= p.epochs:
            return self._end("unreachable") if self._unreachable else \
                self._end("max_epochs", f"all {p.epochs} epochs ran")
        return False

    def _end(self, status: str, reason: str = "") -> bool:
        if status == "unreachable" and not reason:      # worded here: formatting it on every epoch tested costs time
            reason = _out_of_reach(self._aimed)
        self.status, self.reason = status, reason
        return True

    def epoch(self, j: int) -> Epoch:
        """The full record of epoch ``j`` (0 = start), rebuilt as :meth:`Result.epoch` does."""
        return _rebuild(self.params, self._moves, self._angles, self._etas, range(self.count)[j], self._states)

    def result(self, status: str | None = None, reason: str = "") -> Result:
        """The run so far as a :class:`Result`; ``status``/``reason`` override the run's own.

        A run still going gets status ``stopped`` unless one is given; it is not ended
        by this and may be advanced further (its arrays are then copied).
        """
        return _result(self.params, self._angles, self._errors, self._etas, self.count,
                       status or self.status or "stopped", reason or self.reason, self._moves, self._states)

    def stop(self, reason: str = "stopped by the user") -> Result:
        """End a run still going as ``stopped`` and return its :class:`Result` (a finished run's as it is)."""
        if self.status is None:
            self._end("stopped", reason)
        return self.result()


def _options_update(step: Callable, s: Setup, w: np.ndarray, y_end, rise, eta: float, index: int, state=None):
    """:func:`~armsim.core.learners.update` in :func:`~armsim.core.learners._post_update`'s form, for iter_epochs."""
    return update(step, s, w, s.task.end(w), eta, index, state), None, None


def _out_of_reach(p: Params) -> str:
    """Why the target is out of reach, in words."""
    if p.reach is None:
        return f"the target is {abs(p.goal - p.base):g} from the base but the arm reaches only {p.span:g}"
    where = f"the point ({p.reach[0]:g}, {p.reach[1]:g}) is {p.distance:g} from the base"
    if p.distance > p.span:
        return f"{where} but the arm reaches only {p.span:g}"
    return (f"{where} but the arm cannot come nearer than {p.inner_radius:g} "
            f"(its longest link is longer than all the others together)")


def _held_words(held: list[tuple[int, float]]) -> str:
    """``joint 2 is held at its limit of 90 degrees`` (or several joints)."""
    if len(held) == 1:
        (joint, limit), = held
        return f"joint {joint} is held at its limit of {limit:g} degrees"
    joints = ", ".join(str(j) for j, _ in held[:-1]) + f" and {held[-1][0]}"
    limits = ", ".join(f"{v:g}" for _, v in held[:-1]) + f" and {held[-1][1]:g}"
    return f"joints {joints} are held at their limits of {limits} degrees"


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
    run = Run(params)
    step, s = run._step, run._setup
    rec, step_eta = _start(params, run._lengths, s), fixed_eta
    if s is None:           # the post's task: records on its own arithmetic
        make, model = _post_update, Task(run._lengths, params.base, params.goal)
    else:
        make, model = _options_update, s
    j, w, y_end, rise = 0, rec.angles, rec.y.item(-1), None      # the pose the next record starts from
    while j < run.count - 1 or run.status is None:
        yield rec
        j += 1
        if j == run.count:
            # A fixed eta lets the engine run ahead a few epochs per call (a fifth less time
            # per record, measured); a callable one must be read before every update.
            step_eta = fixed_eta or _finite("eta", eta(j), positive=True)
            run._advance(ITER_AHEAD if fixed_eta else 1, step_eta)
        # The record rebuilt from the one before (the engine keeps no records): the same
        # numbers as Run.epoch(j), without recomputing the previous pose's end point.
        if run._states is None:
            rec, y_end, rise = make(step, model, w, y_end, rise, step_eta, j)
        else:
            rec, y_end, rise = make(step, model, w, y_end, rise, step_eta, j, run._states[j - 1])
        w = rec[1]
    yield _with_status(rec, run.status, run.reason)


def solve(params: Params) -> Result:
    """Run ``params`` to the end and return the whole history."""
    run = Run(params)
    run._advance(params.epochs, params.eta)
    return run.result()
