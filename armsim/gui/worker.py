"""The solver thread: one worker per run on its own QThread, and the controller the window talks to.

The worker iterates :func:`armsim.core.run.iter_epochs` and sends the window
batched :class:`Frame` updates (always the last epoch, and at once after a
Step). After each frame it waits, holding no GIL, until the window has painted
it (:meth:`RunController.frame_drawn`; the window waits for both live plots),
then computes for what is left of a FRAME_PERIOD after that drawing, between
MIN_SLICE and MAX_SLICE: a large or slow window gets the same frame rate as a
small one, and the solver the rest of the time.

Without the handshake a busy worker starves the GUI thread: a repaint makes
hundreds of Python/C++ crossings, each waiting up to the GIL's switch interval.
So a fast run can neither flood the event queue nor freeze the window; it only
trades some speed for frames. The worker checks a ``threading.Event`` (stop)
before every epoch and waits on a condition while paused, so Stop and closing
the window take effect within one epoch. Only the controller, a QObject in the
GUI thread, receives the worker's signals (PLATFORM.md: signals connected to
plain callables would run in the worker).
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from armsim.core.params import Params
from armsim.core.run import Epoch, History, Result, iter_epochs

FRAME_PERIOD = 0.025            # seconds from one frame to the next that a fast run aims at (40 per second)
MIN_SLICE, MAX_SLICE = 0.004, 0.016     # least and most solver time between two frames
DRAW_WAIT = 0.25                # longest wait for the GUI to draw a frame (a minimised window may never paint)
TRAIL_PER_FRAME = 4             # intermediate poses sent per frame for the fading trail


@dataclass(frozen=True)
class Frame:
    """What the window needs to draw one update: new errors since the last frame, the latest
    record (pose and chain-rule numbers) and a few intermediate poses for the trail."""

    first: int                  # epoch index of errors[0]
    errors: np.ndarray          # errors of epochs first .. last.index
    last: Epoch
    trail: tuple                # angles (radians) of a few epochs inside this frame, oldest first


class _Gate:
    """Pause, resume, single steps and stop, shared between the GUI thread and the worker."""

    def __init__(self, paused: bool, steps: int):
        self.stop = threading.Event()
        self.drawn = threading.Event()      # the GUI has drawn the last frame sent
        self._cond = threading.Condition()
        self._paused, self._steps = paused, steps

    def set_paused(self, paused: bool) -> None:
        with self._cond:
            self._paused = paused
            self._cond.notify_all()

    def add_step(self) -> None:
        with self._cond:
            self._steps += 1
            self._cond.notify_all()

    def halt(self) -> None:
        self.stop.set()
        self.drawn.set()
        with self._cond:
            self._cond.notify_all()

    def wait_turn(self, on_block=None) -> bool:
        """Block while paused with no step granted; False once stopped.

        ``on_block`` runs once before blocking (the worker flushes what it has not shown yet).
        """
        with self._cond:
            while self._paused and self._steps == 0 and not self.stop.is_set():
                if on_block is not None:
                    on_block()
                    on_block = None
                self._cond.wait(0.1)
            if self._paused and self._steps:
                self._steps -= 1
        return not self.stop.is_set()

    @property
    def paused(self) -> bool:
        return self._paused


class SolverWorker(QObject):
    """Runs one Params snapshot to the end, stop or divergence. Lives in the solver thread."""

    frame = Signal(object)          # Frame
    finished = Signal(object)       # Result (status: converged/max_epochs/diverged/unreachable/stopped)
    failed = Signal(str)

    def __init__(self, params: Params, gate: _Gate, controller: "RunController"):
        super().__init__()
        self.params, self._gate, self._controller = params, gate, controller

    @Slot()
    def run(self) -> None:
        try:
            self.finished.emit(self._run())
        except Exception as exc:      # a bug must not take the window down: report it instead
            self.failed.emit(f"{type(exc).__name__}: {exc}")

    def _run(self) -> Result:
        history = History(self.params)
        controller, gate = self._controller, self._gate
        pending: list[Epoch] = []
        last_emit = time.perf_counter()
        slice_ = MAX_SLICE

        def flush() -> None:
            nonlocal pending, last_emit, slice_
            if pending:
                errors = np.fromiter((r.error for r in pending), float, len(pending))
                gate.drawn.clear()
                sent = time.perf_counter()
                self.frame.emit(Frame(pending[0].index, errors, pending[-1], _sample(pending)))
                pending = []
                drawn = gate.drawn.wait(DRAW_WAIT)     # the GUI thread has the GIL to itself while it draws
                last_emit = time.perf_counter()
                # A window that did not draw in time is not drawing (hidden somehow): no frame rate to keep.
                slice_ = min(MAX_SLICE, max(MIN_SLICE, FRAME_PERIOD - (last_emit - sent))) if drawn else MAX_SLICE

        stopped = lambda: history.result("stopped", "stopped by the user")  # noqa: E731
        for rec in iter_epochs(self.params, eta=lambda _j: controller.eta):
            history.add(rec)
            pending.append(rec)
            if rec.status or time.perf_counter() - last_emit >= slice_:
                flush()
            if rec.status:
                return history.result()
            if not gate.wait_turn(on_block=flush):      # a paused run shows every epoch it reached
                return stopped()
            if controller.delay and not gate.paused and gate.stop.wait(controller.delay):
                return stopped()
        return history.result()          # not reached: the stream's last record has a status


def _sample(records: list[Epoch]) -> tuple:
    """Angles of a few evenly spaced records of this frame, ending with the newest."""
    if len(records) > TRAIL_PER_FRAME:
        picks = np.linspace(0, len(records) - 1, TRAIL_PER_FRAME).round().astype(int)
        records = [records[i] for i in picks]
    return tuple(r.angles for r in records)


class RunController(QObject):
    """Owns at most one solver thread. All methods are called from the GUI thread.

    Signals are re-emitted here, in the GUI thread, so the window may touch widgets.
    """

    frame = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    stateChanged = Signal(str)       # "idle", "running", "paused"

    live_threads: set = set()       # every solver QThread not yet joined, across controllers (tests check it)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.eta = 0.075             # read by the worker before every epoch (a float: atomic to swap)
        self.delay = 0.0             # seconds between epochs; 0 = as fast as possible
        self._thread: QThread | None = None
        self._worker: SolverWorker | None = None
        self._gate: _Gate | None = None
        self.state = "idle"

    # -- commands -------------------------------------------------------------------------
    def start(self, params: Params, *, paused: bool = False, steps: int = 0) -> None:
        """Start a run of ``params`` (stopping any current one first)."""
        self.stop()
        self.eta = params.eta
        self._gate = _Gate(paused, steps)
        self._thread = QThread()
        self._thread.setObjectName("armsim-solver")
        self._worker = SolverWorker(params, self._gate, self)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.frame.connect(self._on_frame)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        RunController.live_threads.add(self._thread)
        self._set_state("paused" if paused else "running")

    def pause(self) -> None:
        if self._gate and self.state == "running":
            self._gate.set_paused(True)
            self._set_state("paused")

    def resume(self) -> None:
        if self._gate and self.state == "paused":
            self._gate.set_paused(False)
            self._set_state("running")

    def step(self) -> None:
        """One more epoch of a paused run."""
        if self._gate and self.state == "paused":
            self._gate.add_step()

    def set_speed(self, epochs_per_second: float) -> None:
        self.delay = 0.0 if math.isinf(epochs_per_second) else 1.0 / epochs_per_second

    def stop(self) -> None:
        """Stop the run and wait for its thread (quick: the worker checks every epoch)."""
        thread, gate = self._thread, self._gate
        if thread is None:
            return
        gate.halt()
        thread.quit()
        thread.wait()
        self._teardown()

    @property
    def active(self) -> bool:
        return self._thread is not None

    # -- from the worker (queued into the GUI thread) -------------------------------------
    def _current(self) -> bool:
        """True when the signal being handled comes from the live run (not one already stopped)."""
        return self._worker is not None and self.sender() is self._worker

    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        if self._current():
            self.frame.emit(frame)

    def frame_drawn(self) -> None:
        """The window has painted the last frame: the worker may compute the next."""
        if self._gate is not None:
            self._gate.drawn.set()

    @Slot(object)
    def _on_finished(self, result: Result) -> None:
        self._end_with(self.finished, result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end_with(self.failed, message)

    def _end_with(self, signal, value) -> None:
        """The run ended by itself: join its thread, then tell the window."""
        if not self._current():
            return
        self._thread.quit()
        self._thread.wait()
        self._teardown()
        signal.emit(value)

    def _teardown(self) -> None:
        RunController.live_threads.discard(self._thread)
        self._worker.deleteLater()
        self._thread.deleteLater()
        self._thread = self._worker = self._gate = None
        self._set_state("idle")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
