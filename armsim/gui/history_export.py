"""The window's history export: a finished run's epochs written as CSV or JSON, a long one in the background.

This module owns when the window writes, asks and reports. The file itself is
:mod:`armsim.io.history`'s (atomic: a file is replaced whole or not at all).
A history of under SYNC_BYTES is written at once: milliseconds. A bigger one
is written by a job of the window's :class:`~armsim.gui.jobs.Jobs` while a
progress dialog (not modal: the window stays usable) shows how far it is and
offers Cancel; at WARN_BYTES or more the user is asked first, since a
1,000,000-epoch run makes a file of about 305 MB. Cancel, a failure and
closing the window all leave any old file unchanged and no temporary file.
"""
from __future__ import annotations

import html
import os

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog

from armsim.gui.jobs import Job, JobContext, Stopped

WARN_BYTES = 100_000_000    # ask before writing a file this big
SYNC_BYTES = 2_000_000      # smaller files are written on the GUI thread (tens of milliseconds at most)
SHOW_AFTER_MS = 400         # the progress dialog appears only for a write that lasts longer


def export_history(window, result, path: str) -> bool | Job:
    """Write ``result``'s history to ``path`` (.csv or .json); say what happened.

    Returns
    -------
    bool or Job
        ``True`` when a small file was written before returning; ``False`` when nothing
        is written (the user said No to a big file, or writing failed, which was said);
        for a big file the running :class:`~armsim.gui.jobs.Job` writing it (truthy):
        its ``ended`` signal comes once the write is over, whichever way (written, failed,
        cancelled, or the window closed); what happened has been said by then.
    """
    from armsim.io import history

    style = "csv" if os.path.splitext(path)[1].lower() == ".csv" else "json"
    write = history.write_csv if style == "csv" else history.write_json
    size = history.estimate_bytes(result, style)
    if size >= WARN_BYTES:
        answer = QMessageBox.question(
            window, "Export a big file?",
            f"The history of this run ({result.epochs_run:,} epochs) makes a file of about {size / 1e6:,.0f} MB."
            f"\n\nWrite {os.path.basename(path)} anyway?",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            window.say("History export skipped; no file was written.")
            return False
    if size < SYNC_BYTES:
        try:
            write(path, result)
        except (OSError, ValueError) as e:
            _failed(window, path, str(e))
            return False
        _written(window, path)
        return True
    return _Export(window, result, path, write).job


def _written(window, path: str) -> None:
    window.say(f"Exported <b>{html.escape(path)}</b>.")


def _failed(window, path: str, message: str) -> None:
    QMessageBox.warning(window, "Export failed", f"{path}: {message}\n\nNo file was written.")


def _write(ctx: JobContext, write, path: str, result) -> str | None:
    """The export job: None once the file is written, or what went wrong (nothing was written then)."""
    from armsim.io.history import Cancelled

    try:
        write(path, result, progress=ctx.progress, cancel=ctx.stop_event.is_set)
    except Cancelled:
        raise Stopped from None         # the writer removed its temporary file; the job says nothing more
    except (OSError, ValueError) as e:
        return str(e)
    return None


class _Export(QObject):
    """One background history export: its job, its progress dialog and what it says at the end."""

    def __init__(self, window, result, path: str, write):
        super().__init__(window)          # kept alive by the window until the job has ended
        self.window, self.path = window, path
        total = result.epochs_run + 1
        self.dialog = dialog = QProgressDialog(window)
        label = QLabel(f"Writing {os.path.basename(path)}…")
        label.setTextFormat(Qt.PlainText)    # a file name is not markup
        dialog.setLabel(label)
        dialog.setWindowTitle("Export history")
        dialog.setRange(0, total)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.setValue(0)
        self.job = job = window.jobs.start("history-export", _write, write, path, result)
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.ended.connect(self._on_ended)
        dialog.canceled.connect(self.cancel)
        window.say(f"Writing <b>{html.escape(path)}</b>…")

    @Slot()
    def cancel(self) -> None:
        """Stop the write (its temporary file is removed before this returns) and say so."""
        if not self.job.running:
            return
        self._close_dialog()
        self.job.stop()                 # joins the thread: prompt, the writer checks between blocks
        self.window.say(f"History export cancelled; <b>{html.escape(self.path)}</b> was not written.")

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.setValue(done)

    @Slot(object)
    def _on_finished(self, problem) -> None:
        self._close_dialog()
        if problem is None:
            _written(self.window, self.path)
        else:
            _failed(self.window, self.path, problem)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._close_dialog()
        _failed(self.window, self.path, message)

    @Slot()
    def _on_ended(self) -> None:
        # Also the only signal when the window closes mid-export (Jobs.stop_all): then nothing is said.
        self._close_dialog()
        self.deleteLater()

    def _close_dialog(self) -> None:
        if self.dialog is None:
            return
        dialog, self.dialog = self.dialog, None
        dialog.canceled.disconnect(self.cancel)     # closing a progress dialog emits canceled
        dialog.reset()                              # also stops its timer that would show it later
        dialog.close()
        dialog.deleteLater()
