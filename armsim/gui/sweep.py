"""The Compare tab's thread: solves one sweep (a plan of runs) off the GUI thread.

:class:`SweepRunner` is the GUI-thread side, built like the solver's
:class:`~armsim.gui.worker.RunController`: one :class:`SweepWorker` moved to one
QThread per sweep, its signals connected only to the runner's slots (a QObject
in the GUI thread; PLATFORM.md: a lambda would run in the worker) and re-emitted
from there. Stop sets a ``threading.Event``, which the solver reads between
runs and every few hundred epochs within one (:func:`armsim.core.sweeps.run_plan`),
then ``quit()`` and ``wait()``; never ``terminate()``. Each thread sits in
``RunController.live_threads`` until joined, so the tests' leak check covers it.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

from armsim.core.sweeps import Plan, run_plan
from armsim.gui.worker import RunController


class SweepWorker(QObject):
    """Solves one plan in the sweep thread; emits the labelled results, or nothing if stopped."""

    progress = Signal(int, int)     # runs done, runs in the plan
    done = Signal(object)           # list of (label, Result)
    failed = Signal(str)

    def __init__(self, plan: Plan, stop: threading.Event):
        super().__init__()
        self.plan, self.stop = plan, stop

    @Slot()
    def run(self) -> None:
        try:
            runs = run_plan(self.plan, self.stop, self.progress.emit)
        except Exception as exc:        # a bug must not take the window down: report it instead
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        if runs is not None:
            self.done.emit(runs)


class SweepRunner(QObject):
    """Owns at most one sweep thread. All methods are called from the GUI thread.

    Signals
    -------
    progress(int, int)
        Runs done so far and runs in the sweep.
    finished(object)
        The sweep's ``[(label, Result), ...]``; the thread is already joined.
    failed(str)
        The sweep raised; the message. The thread is already joined.
    busyChanged(bool)
        A sweep started (True) or ended in any way (False).
    """

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: SweepWorker | None = None
        self._stop = threading.Event()

    @property
    def busy(self) -> bool:
        """True while a sweep is being computed."""
        return self._thread is not None

    def start(self, plan: Plan) -> None:
        """Solve ``plan`` in a new thread (stopping any sweep still running first)."""
        self.stop()
        self._stop = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName("armsim-compare")
        self._worker = SweepWorker(plan, self._stop)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        RunController.live_threads.add(self._thread)
        self.busyChanged.emit(True)

    def stop(self) -> None:
        """Stop the sweep, discarding its runs, and join its thread. Does nothing when idle."""
        if self._thread is not None:
            self._stop.set()
            self._join()

    # -- from the worker (queued into the GUI thread) -------------------------------------
    def _current(self) -> bool:
        """True when the signal comes from the live sweep (not one already stopped)."""
        return self._worker is not None and self.sender() is self._worker

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self._current():
            self.progress.emit(done, total)

    @Slot(object)
    def _on_done(self, runs) -> None:
        if self._current():
            self._join()
            self.finished.emit(runs)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._current():
            self._join()
            self.failed.emit(message)

    def _join(self) -> None:
        thread, worker = self._thread, self._worker
        thread.quit()
        thread.wait()
        RunController.live_threads.discard(thread)
        worker.deleteLater()
        thread.deleteLater()
        self._thread = self._worker = None
        self.busyChanged.emit(False)
