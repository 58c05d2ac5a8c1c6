"""The window's one source of truth: the setup (eta included), playback speed, the run's state and its results.

:class:`AppState` is the only writer of each of these facts. Widgets never
hold a copy that matters: they show what the state holds (updating themselves
inside a ``QSignalBlocker`` when it changes) and write through it. A change is
validated by the core (:class:`~armsim.core.params.Params`) before it is taken,
so the state always holds a valid setup, and a rejected change leaves it exactly
as it was (the caller shows the :class:`~armsim.core.params.ParamError`).

Signals
-------
setupChanged(Params)
    Anything but eta changed (angles, lengths, links, base, target, epochs, tol,
    learner): the start pose and any run of the old setup are out of date.
aimChanged(Params)
    Only the target moved (the same task) while a run plays or is paused: the
    run aims at it from its next epoch ("follow" mode) and goes on. Idle, a
    moved target is a setupChanged like any other change.
etaChanged(float)
    Eta changed; a run in progress uses it from its next epoch.
speedChanged(float)
    Playback speed in epochs per second (``inf``: as fast as possible).
runStateChanged(str)
    ``"idle"``, ``"running"`` or ``"paused"``.
resultChanged(object)
    The current run's :class:`~armsim.core.run.Result` (or None when cleared).
    The last finished result (:attr:`AppState.last_result`) outlives a reset.
historyChanged(bool, bool)
    Whether there is a setup change to undo and one to redo (see :mod:`armsim.gui.undo`).
"""
from __future__ import annotations

import math
from dataclasses import fields

from PySide6.QtCore import QObject, Signal

from armsim.core.params import ParamError, Params
from armsim.core.run import Result
from armsim.gui.undo import History

RUN_STATES = ("idle", "running", "paused")
DEFAULT_SPEED = 10.0                      # epochs per second: a run a class can follow
#: The most links the control panel lays out (a row of widgets each). The core takes more;
#: the window refuses those by name rather than showing part of the arm.
WINDOW_MAX_LINKS = 200


def window_problem(params: Params) -> ParamError | None:
    """Why the window cannot show ``params`` exactly (None when it can)."""
    if params.n_links > WINDOW_MAX_LINKS:
        return ParamError("angles", f"the window shows at most {WINDOW_MAX_LINKS} links, "
                                    f"this setup has {params.n_links}")
    return None


def _setup_key(p: Params) -> tuple:
    """Every field but eta: equal keys mean the same start pose and the same run shape."""
    return tuple(getattr(p, f.name) for f in fields(p) if f.name != "eta")


def _moved_only(old: Params, new: Params) -> bool:
    """``new`` is ``old`` with its target moved, the task kept (what a running run can follow)."""
    if old.task != new.task:
        return False
    # equal aims too ("same as base" unticked: the height stays, only how it is held changes)
    return _setup_key(old.aimed_at(new.aim)) == _setup_key(new.aimed_at(new.aim))


class AppState(QObject):
    """The current setup, speed, run state and results; see the module docstring for the signals."""

    setupChanged = Signal(object)
    aimChanged = Signal(object)
    etaChanged = Signal(float)
    speedChanged = Signal(float)
    runStateChanged = Signal(str)
    resultChanged = Signal(object)
    historyChanged = Signal(bool, bool)

    def __init__(self, params: Params | None = None, parent: QObject | None = None):
        super().__init__(parent)
        params = params or Params()
        problem = window_problem(params)
        if problem is not None:
            raise problem
        self._params = params
        self._speed = DEFAULT_SPEED
        self._run_state = "idle"
        self._result: Result | None = None
        self._last_result: Result | None = None
        self.history = History()

    # -- the setup ------------------------------------------------------------------------
    @property
    def params(self) -> Params:
        """The current, valid setup (eta included)."""
        return self._params

    @property
    def eta(self) -> float:
        return self._params.eta

    def set_params(self, params: Params) -> None:
        """Take a whole new setup (a file, a lesson, a tour step, the landscape's click): one undo step
        of its own, never merged with the changes around it.

        Raises
        ------
        ParamError
            When the window cannot show it (:func:`window_problem`); nothing changes then.
        """
        self.history.seal()
        self._take(params, record=True)
        self.history.seal()

    def undo(self) -> bool:
        """Go back to the setup before the last change (False: there is none)."""
        return self._step(self.history.undo(self._params))

    def redo(self) -> bool:
        """Go forward to the setup an undo left (False: there is none)."""
        return self._step(self.history.redo(self._params))

    def reset_to_defaults(self) -> None:
        """The post's setup (:class:`Params`' defaults), as one undoable change."""
        self.set_params(Params())

    def _step(self, params: Params | None) -> bool:
        if params is None:
            return False
        self._take(params, record=False)
        self.historyChanged.emit(self.history.can_undo, self.history.can_redo)
        return True

    def _take(self, params: Params, record: bool) -> None:
        if not isinstance(params, Params):
            raise TypeError(f"expected Params, got {type(params).__name__}")
        problem = window_problem(params)
        if problem is not None:
            raise problem
        old, self._params = self._params, params
        if record and old != params:
            self.history.record(old, params)
            self.historyChanged.emit(self.history.can_undo, self.history.can_redo)
        if self._run_state != "idle" and _moved_only(old, params) and _setup_key(old) != _setup_key(params):
            self.aimChanged.emit(params)
        elif _setup_key(old) != _setup_key(params):
            self.setupChanged.emit(params)
        if old.eta != params.eta:
            self.etaChanged.emit(params.eta)

    def update(self, **changes) -> Params:
        """Change some fields of the setup, validated as a whole; returns the new setup.

        Raises
        ------
        ParamError
            The change breaks a rule of the model or of the window; the setup is unchanged.
        """
        new = self._params.with_(**changes)
        self._take(new, record=True)        # a control's change: quick ones to the same field merge
        return new

    # -- playback speed -------------------------------------------------------------------
    @property
    def speed(self) -> float:
        """Epochs per second while a run plays (``inf``: as fast as possible)."""
        return self._speed

    def set_speed(self, epochs_per_second: float) -> None:
        speed = float(epochs_per_second)
        if not (speed > 0 or math.isinf(speed)) or math.isnan(speed):
            raise ParamError("speed", f"must be a positive number of epochs per second, got {epochs_per_second!r}")
        if speed != self._speed:
            self._speed = speed
            self.speedChanged.emit(speed)

    # -- the run --------------------------------------------------------------------------
    @property
    def run_state(self) -> str:
        return self._run_state

    def set_run_state(self, state: str) -> None:
        if state not in RUN_STATES:
            raise ValueError(f"run state must be one of {RUN_STATES}, got {state!r}")
        if state != self._run_state:
            self._run_state = state
            self.runStateChanged.emit(state)

    @property
    def result(self) -> Result | None:
        """The finished run of the current setup, or None (idle before a run, or during one)."""
        return self._result

    @property
    def last_result(self) -> Result | None:
        """The last run that ended, kept across resets and setup changes (Compare's "add last run")."""
        return self._last_result

    def set_result(self, result: Result | None) -> None:
        if result is self._result:
            return
        self._result = result
        if result is not None:
            self._last_result = result
        self.resultChanged.emit(result)
