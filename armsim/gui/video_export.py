"""The window's video export: options asked, then a finished run drawn frame by frame into an MP4 or GIF.

The options come from :mod:`armsim.gui.video_dialog` (defaults that play the
run at the window's speed, then a 2 s hold). The frames are drawn on the GUI
thread (pyqtgraph scenes cannot be painted off it), with the events handled
between frames so the progress dialog and its Cancel stay alive. A close of the
window therefore arrives inside the export: while the dialog or the export runs,
:attr:`MainWindow.close_when_export_ends` is set, so the close rejects the
dialog or cancels the export (nothing is written, any old file stays) and the
window closes once the export has unwound.
"""
from __future__ import annotations

import html
import os
from contextlib import contextmanager
from typing import Callable, Iterator

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProgressDialog


def export_video(window, result, path: str, options=None) -> bool:
    """Render ``result`` to ``path`` with ``options`` (a :class:`~armsim.gui.video_dialog.VideoOptions`).

    Without ``options`` they are asked in the options dialog. Returns whether the
    file was written; a cancel (of the dialog or the export), a close of the
    window or a failure writes nothing and leaves any old file as it was.
    """
    from armsim.gui.video_dialog import VideoDialog
    from armsim.io.media import OptionError
    from armsim.render.video import Cancelled
    from armsim.render.video import export_video as render_video

    if options is None:
        dialog = VideoDialog(path, result.epochs_run, window.state.speed, window)
        try:
            with _close_deferred(window, dialog.reject) as closing:
                accepted = dialog.exec() == VideoDialog.Accepted
            if not accepted or closing:
                return False
            options = dialog.options
        finally:
            dialog.deleteLater()

    name = os.path.basename(path)
    progress = QProgressDialog(window)
    progress.setWindowTitle("Video export")
    label = QLabel(f"Rendering {name}…")
    label.setTextFormat(Qt.PlainText)       # a file name is not markup
    progress.setLabel(label)
    progress.setCancelButtonText("Cancel")
    progress.setRange(0, 1)
    progress.setMinimumWidth(progress.fontMetrics().averageCharWidth() * 50)
    # Not modal: Qt drops a window manager's close of a window a modal dialog blocks, so the window's close
    # button would do nothing during an export. The window's input is switched off instead (_input_off).
    progress.setWindowModality(Qt.NonModal)
    progress.setMinimumDuration(0)

    def step(done: int, total: int) -> None:
        label.setText(f"Rendering {name}: frame {done:,} of {total:,}")
        progress.setMaximum(total)
        progress.setValue(done)
        QApplication.processEvents()        # keep the window alive; frames are drawn on this thread

    try:
        with _close_deferred(window, progress.cancel) as closing, _input_off(window):
            info = render_video(result, path, size=options.size, fps=options.fps,
                                frames_per_epoch=options.frames_per_epoch, hold=options.hold,
                                progress=step, cancel=progress.wasCanceled,
                                theme=window.arm_view.theme, log_error=window.error_plot.log)
    except Cancelled:
        window.say("Video export cancelled; no file was written.")
        return False
    except (OSError, ValueError, OptionError) as e:
        if closing:         # the window is closing: no box to answer; the status line says it meanwhile
            window.say(f"Video export failed: {html.escape(str(e))}. No file was written.")
        else:
            QMessageBox.warning(window, "Export failed", f"{path}: {e}\n\nNo file was written.")
        return False
    finally:
        progress.close()
        progress.deleteLater()
    window.say(f"Exported <b>{html.escape(path)}</b>: {info.seconds:.1f} s, {info.frames} frames at "
               f"{info.size[0]}x{info.size[1]}.")
    return True


@contextmanager
def _input_off(window) -> Iterator[None]:
    """While inside: the window's controls, plots, docks, menus and shortcuts are off, but not Quit or its
    close button (both cancel the export, then close): a modal dialog's effect without blocking the close."""
    from PySide6.QtWidgets import QDockWidget, QToolBar, QWidget

    widgets = [window.centralWidget(), window.menuBar(), *window.findChildren(QDockWidget),
               *window.findChildren(QToolBar)]
    actions = [a for a in QWidget.actions(window) if a is not window.actions.quit]   # .actions is armsim's
    was = [(item, item.isEnabled()) for item in (*widgets, *actions)]
    for item, _ in was:
        item.setEnabled(False)
    try:
        yield
    finally:
        for item, enabled in was:
            item.setEnabled(enabled)
        window.actions.update_enabled()      # the run's state may have changed meanwhile


@contextmanager
def _close_deferred(window, stop: Callable[[], None]) -> Iterator[list]:
    """While inside: a close of ``window`` calls ``stop()`` and the window closes once this block has exited.

    Yields a list that is non-empty once a close was asked for.
    """
    asked: list = []

    def close_when_ends() -> None:
        if not asked:
            asked.append(True)
            stop()
    window.close_when_export_ends = close_when_ends
    try:
        yield asked
    finally:
        window.close_when_export_ends = None
        if asked:               # from the event loop, once the export's frames are off the stack
            QTimer.singleShot(0, window.close)
