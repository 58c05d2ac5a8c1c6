"""The one owner of the window's worker threads: the run, the Compare sweeps and the background exports.

A :class:`Job` runs a plain function on a thread of its own (a named
``threading.Thread``, ``armsim-<name>``) and reports through Qt signals that
are always delivered in the GUI thread: the worker emits private signals of
the Job, a QObject living in the GUI thread, whose own slots re-emit them as
the public ones. In PySide6 6.9 to 6.12 a worker signal connected to a plain
function or lambda runs that function in the worker thread; a QObject's slot is
queued to the thread the object lives in. Connect the public signals only to
methods of QObjects in the GUI thread.

Stopping is cooperative and prompt: :meth:`Job.stop` sets the job's
``threading.Event`` (the function checks :attr:`JobContext.stopped` at least
every few milliseconds) and joins the thread; signals the stopped job had
already queued are dropped, so a stopped job says nothing more. Nothing is
ever killed. :meth:`Jobs.stop_all` runs from the window's ``closeEvent``.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, Slot

THREAD_PREFIX = "armsim-"


class Stopped(Exception):
    """Raised inside a job's function by :meth:`JobContext.check` once the job was asked to stop."""


class JobContext:
    """What a job's function gets: the stop flag, a progress report and a way to send values.

    All methods may be called from the worker thread.
    """

    def __init__(self, job: "Job"):
        self._job = job
        self.stop_event = threading.Event()

    @property
    def stopped(self) -> bool:
        return self.stop_event.is_set()

    def check(self) -> None:
        """Raise :class:`Stopped` if the job was asked to stop."""
        if self.stop_event.is_set():
            raise Stopped

    def progress(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` (the Job's ``progress`` signal, in the GUI thread)."""
        self._job._progress.emit(int(done), int(total))

    def send(self, value: Any) -> None:
        """Send an intermediate value (the Job's ``yielded`` signal, in the GUI thread)."""
        self._job._yielded.emit(value)


class Job(QObject):
    """One function on one thread. Create with :meth:`Jobs.start`.

    Signals (GUI thread)
    --------------------
    progress(int, int)
        Done and total, as the function reports them.
    yielded(object)
        A value the function sent with :meth:`JobContext.send`.
    finished(object)
        The function's return value; the thread is joined.
    failed(str)
        The function raised; the message. The thread is joined.
    ended()
        After finished or failed, or when stopped: the job is over either way.
    """

    progress = Signal(int, int)
    yielded = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    ended = Signal()

    _progress = Signal(int, int)
    _yielded = Signal(object)
    _returned = Signal(object)
    _raised = Signal(str)

    def __init__(self, name: str, fn: Callable[..., Any], args: tuple, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.context = JobContext(self)
        self._dropped = False
        self._over = False
        self._progress.connect(self._on_progress)
        self._yielded.connect(self._on_yielded)
        self._returned.connect(self._on_returned)
        self._raised.connect(self._on_raised)
        self._thread = threading.Thread(target=self._main, args=(fn, args), name=THREAD_PREFIX + name, daemon=True)

    def _main(self, fn, args) -> None:
        try:
            value = fn(self.context, *args)
        except Stopped:
            return
        except Exception as exc:         # a bug must not take the window down: report it instead
            self._raised.emit(f"{type(exc).__name__}: {exc}")
            return
        self._returned.emit(value)

    def start(self) -> None:
        self._thread.start()

    @property
    def running(self) -> bool:
        """True until the job has ended (finished, failed or stopped)."""
        return not self._over

    def stop(self) -> None:
        """Ask the function to stop, wait for its thread, and drop whatever it still had to say."""
        if self._over:
            return
        self._dropped = True
        self.context.stop_event.set()
        self._join()
        self._end()

    def _join(self) -> None:
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _end(self) -> None:
        if not self._over:
            self._over = True
            self.ended.emit()

    # -- from the worker, queued into the GUI thread -------------------------------------------
    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if not self._dropped:
            self.progress.emit(done, total)

    @Slot(object)
    def _on_yielded(self, value) -> None:
        if not self._dropped:
            self.yielded.emit(value)

    @Slot(object)
    def _on_returned(self, value) -> None:
        if not self._dropped:
            self._join()
            self._over = True
            self.finished.emit(value)
            self.ended.emit()

    @Slot(str)
    def _on_raised(self, message: str) -> None:
        if not self._dropped:
            self._join()
            self._over = True
            self.failed.emit(message)
            self.ended.emit()


class Jobs(QObject):
    """Starts jobs and knows every one still running, so the window can stop them all on close."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._jobs: list[Job] = []

    def start(self, name: str, fn: Callable[..., Any], *args) -> Job:
        """Run ``fn(context, *args)`` on a new thread; returns the running :class:`Job`.

        Every report reaches the GUI thread in a later turn of its event loop, so signals
        connected right after this call miss nothing.
        """
        job = Job(name, fn, args, self)
        job.ended.connect(self._forget)
        self._jobs.append(job)
        job.start()
        return job

    @Slot()
    def _forget(self) -> None:
        job = self.sender()
        if job in self._jobs:
            self._jobs.remove(job)
            job.deleteLater()

    def running(self) -> list[Job]:
        return [job for job in self._jobs if job.running]

    def stop_all(self) -> None:
        """Stop every job and join its thread (the window is closing)."""
        for job in list(self._jobs):
            job.stop()

