"""The run in the window: a solver job that plays a Params snapshot at the chosen speed, and its controls.

The worker function (:func:`play`) drives the core's :class:`~armsim.core.run.Run`
in chunks, reading eta and the speed before each chunk, and sends the window
batched :class:`Frame` updates: always the last epoch, at once after a Step or
a pause. After each frame it waits, holding no GIL, until the window has
painted it (:meth:`Runner.frame_drawn`), then computes for what is left of a
FRAME_PERIOD after that drawing, between MIN_SLICE and MAX_SLICE: a large or
slow window gets the same frame rate as a small one, and the solver the rest.
Without the handshake a busy worker starves the GUI thread: a repaint makes
hundreds of Python/C++ crossings, each waiting up to the GIL's switch interval.

:class:`Runner` is the GUI-thread side: it starts the job through
:class:`~armsim.gui.jobs.Jobs`, passes on eta and speed changes from the
:class:`~armsim.gui.state.AppState`, and writes the run's state and result
back into it. Pause, step and stop reach the worker through :class:`_Control`,
which it checks before every chunk, and so does the target when it moves during
the run (follow mode: the state's ``aimChanged``; :meth:`Runner.hold` while the
mouse holds it, so the run does not end under the user's hand).
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from armsim.core.params import Params
from armsim.core.residuals import residuals
from armsim.core.run import Epoch, Run
from armsim.gui.jobs import Job, JobContext, Jobs
from armsim.gui.state import AppState

FRAME_PERIOD = 0.025            # seconds from one frame to the next that a fast run aims at (40 per second)
MIN_SLICE, MAX_SLICE = 0.004, 0.010     # least and most solver time between two frames
DRAW_WAIT = 0.25                # longest wait for the GUI to draw a frame (a minimised window may never paint)
TRAIL_PER_FRAME = 4             # intermediate poses sent per frame for the fading trail
CHUNK = 256                     # epochs per call into the core at full speed: ~1 ms, so pause and eta act promptly


@dataclass(frozen=True)
class Frame:
    """One update for the window: the errors new since the last frame, the latest record (pose
    and chain-rule numbers) and a few intermediate poses for the trail."""

    first: int                  # epoch index of errors[0]
    errors: np.ndarray          # errors of epochs first .. last.index
    last: Epoch
    trail: tuple                # angles (radians) of a few epochs inside this frame, oldest first
    aimed: Params               # the setup aimed at the target ``last`` used
    moves: tuple = ()           # the target's moves so far (Result.moves)
    residuals: np.ndarray | None = None     # target - end point of epochs first .. last.index, (k, 1 or 2)
    etas: np.ndarray | None = None          # the eta of each of those epochs' updates (epoch 0's: NaN)


class _Control:
    """Pause, single steps, stop, eta and speed, shared between the GUI thread and the worker."""

    def __init__(self, *, eta: float, speed: float, paused: bool, steps: int):
        self.halted = False
        self.drawn = threading.Event()      # the GUI has drawn the last frame sent
        self.eta = eta                      # floats: swapped atomically, read before every chunk
        self.speed = speed
        self.aim = None                     # the target to follow (a height or a point), None: unmoved
        self.holding = False                # the mouse holds the target
        self._cond = threading.Condition()
        self._paused, self._steps = paused, steps

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        with self._cond:
            self._paused = paused
            if not paused:
                self._steps = 0              # steps asked for while paused do not outlive the pause
            self._cond.notify_all()

    def add_step(self) -> None:
        with self._cond:
            self._steps += 1
            self._cond.notify_all()

    def halt(self) -> None:
        """Wake the worker wherever it waits, for good: it is being stopped."""
        self.halted = True
        self.drawn.set()
        with self._cond:
            self._cond.notify_all()

    def wait_turn(self, on_block) -> bool:
        """Block while paused with no step granted (``on_block`` runs once first); True for one step."""
        with self._cond:
            blocked = self._paused and self._steps == 0 and not self.halted
        if blocked:
            on_block()          # outside the lock: it waits for the window, which may be pausing or stepping
        with self._cond:
            while self._paused and self._steps == 0 and not self.halted:
                self._cond.wait(0.1)
            if self._paused and self._steps:
                self._steps -= 1
                return True
        return False


def _trail(angles: np.ndarray) -> tuple:
    """A few evenly spaced poses of ``angles`` (rows), ending with the newest, as copies."""
    k = len(angles)
    picks = np.linspace(0, k - 1, TRAIL_PER_FRAME).round().astype(int) if k > TRAIL_PER_FRAME else range(k)
    return tuple(angles[i].copy() for i in picks)


def play(ctx: JobContext, params: Params, control: _Control):
    """The worker: run ``params`` to its end (or a stop), sending frames; returns the Result."""
    run = Run(params)
    sent = 0                        # records already sent to the window
    slice_ = MAX_SLICE
    last_frame = time.perf_counter()
    pace = (last_frame, 0, control.speed)     # (since, epochs since, at speed) for a limited speed

    aim = None                      # the last target taken from the window

    def flush() -> None:
        nonlocal sent, slice_, last_frame
        count = run.count
        if count <= sent:
            return
        etas = run.etas[max(sent - 1, 0):count - 1]
        frame = Frame(sent, run.errors[sent:count].copy(), run.epoch(count - 1), _trail(run.angles[sent:count]),
                      run.params_at(count - 1), run.moves, residuals(params, run.angles[sent:count], run.moves, sent),
                      np.concatenate(([np.nan], etas)) if sent == 0 else etas.copy())
        sent = count
        control.drawn.clear()
        began = time.perf_counter()
        ctx.send(frame)
        drawn = control.drawn.wait(DRAW_WAIT)     # the GUI thread has the GIL to itself while it draws
        last_frame = time.perf_counter()
        # A window that did not draw in time is not drawing (hidden somehow): no frame rate to keep.
        slice_ = min(MAX_SLICE, max(MIN_SLICE, FRAME_PERIOD - (last_frame - began))) if drawn else MAX_SLICE

    while run.status is None:
        if ctx.stopped:                               # the window drops what a stopped run says
            return run.result("stopped", "stopped by the user")
        paused = control.paused
        stepped = control.wait_turn(on_block=flush) if paused else False
        if paused:
            pace = (time.perf_counter(), 0, control.speed)   # time spent paused is not time to catch up on
        if ctx.stopped:
            continue
        if control.paused and not stepped:
            continue                                  # resumed or woken: look again
        if control.aim is not aim:
            aim = control.aim
            run.retarget(aim)
        run.holding = control.holding
        speed = control.speed
        if stepped:
            n = 1
        elif math.isinf(speed):
            n = CHUNK
        else:
            now = time.perf_counter()
            if pace[2] != speed:
                pace = (now, 0, speed)
            n = min(CHUNK, int((now - pace[0]) * speed) - pace[1])
            if n <= 0:
                flush()
                ctx.stop_event.wait(min((pace[1] + 1) / speed - (now - pace[0]), FRAME_PERIOD))
                continue
        done = run.advance(n, control.eta)
        if not stepped and not math.isinf(speed):
            pace = (pace[0], pace[1] + done, pace[2])
        if run.status is not None or stepped or time.perf_counter() - last_frame >= slice_:
            flush()
    flush()
    return run.result()


class Runner(QObject):
    """Owns at most one run's job. All methods are called from the GUI thread.

    Signals
    -------
    frame(Frame)
        A frame of the run to draw; call :meth:`frame_drawn` once it is painted.
    failed(str)
        The solver raised (a bug); the message. The run is over.
    """

    frame = Signal(object)
    failed = Signal(str)

    def __init__(self, state: AppState, jobs: Jobs, parent: QObject | None = None):
        super().__init__(parent)
        self.state, self.jobs = state, jobs
        self._job: Job | None = None
        self._control: _Control | None = None
        self.params: Params | None = None       # the setup the current run started from
        state.etaChanged.connect(self._eta_changed)
        state.aimChanged.connect(self._aim_changed)
        state.speedChanged.connect(self._speed_changed)

    def start(self, *, paused: bool = False, steps: int = 0) -> None:
        """Start a run of the current setup (stopping any current one first)."""
        self.stop()
        self.params = params = self.state.params
        self.state.set_result(None)
        self._control = _Control(eta=params.eta, speed=self.state.speed, paused=paused, steps=steps)
        self._job = job = self.jobs.start("run", play, params, self._control)
        job.yielded.connect(self._on_frame)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        self.state.set_run_state("paused" if paused else "running")

    def pause(self) -> None:
        if self._control is not None and self.state.run_state == "running":
            self._control.set_paused(True)
            self.state.set_run_state("paused")

    def resume(self) -> None:
        if self._control is not None and self.state.run_state == "paused":
            self._control.set_paused(False)
            self.state.set_run_state("running")

    def step(self) -> None:
        """One more epoch of a paused run."""
        if self._control is not None and self.state.run_state == "paused":
            self._control.add_step()

    def stop(self) -> None:
        """Stop the run and join its thread (prompt: the worker checks every chunk); its result is dropped."""
        job, control = self._job, self._control
        if job is None:
            return
        control.halt()
        job.stop()
        self._job = self._control = None
        self.state.set_run_state("idle")

    def hold(self, on: bool) -> None:
        """The mouse holds the target (``on``) or let it go: held, the run does not end for reaching it."""
        if self._control is not None:
            self._control.holding = bool(on)

    def frame_drawn(self) -> None:
        """The window has painted the last frame: the worker may compute the next."""
        if self._control is not None:
            self._control.drawn.set()

    # -- from the job (GUI thread) ----------------------------------------------------------
    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        if self.sender() is self._job:
            self.frame.emit(frame)

    @Slot(object)
    def _on_finished(self, result) -> None:
        if self.sender() is self._job:
            self._job = self._control = None
            last = result.params_at(-1)
            if self.state.params.task == last.task and self.state.params.aim != last.aim:
                # The target moved after the worker's last epoch (its result was on its way): the setup
                # goes back to the target the run ended at, so the canvas, the controls and the result agree.
                self.state.set_params(self.state.params.aimed_at(last.aim))
            self.state.set_result(result)
            self.state.set_run_state("idle")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self.sender() is self._job:
            self._job = self._control = None
            self.state.set_run_state("idle")
            self.failed.emit(message)

    @Slot(float)
    def _eta_changed(self, eta: float) -> None:
        if self._control is not None:
            self._control.eta = eta

    @Slot(object)
    def _aim_changed(self, params: Params) -> None:
        if self._control is not None:
            self._control.aim = params.aim

    @Slot(float)
    def _speed_changed(self, speed: float) -> None:
        if self._control is not None:
            self._control.speed = speed
