"""The window's video export: a finished run drawn frame by frame into an MP4 or GIF, with progress and Cancel."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog


def export_video(window, result, path: str) -> bool:
    """Render ``result`` to ``path``; frames are drawn on this (the GUI) thread, events kept flowing."""
    from armsim.io.media import OptionError
    from armsim.render.video import Cancelled
    from armsim.render.video import export_video as render_video

    progress = QProgressDialog("Rendering video…", "Cancel", 0, 1, window)
    progress.setWindowModality(Qt.WindowModal)
    progress.setMinimumDuration(0)

    def step(done: int, total: int) -> None:
        progress.setMaximum(total)
        progress.setValue(done)
        QApplication.processEvents()        # keep the window alive; frames are drawn on this thread

    try:
        info = render_video(result, path, progress=step, cancel=progress.wasCanceled,
                            theme=window.arm_view.theme, log_error=window.error_plot.log)
    except Cancelled:
        window.say("Video export cancelled; no file was written.")
        return False
    except (OSError, ValueError, OptionError) as e:
        QMessageBox.warning(window, "Export failed", f"{path}: {e}\n\nNo file was written.")
        return False
    finally:
        progress.close()
    window.say(f"Exported <b>{html.escape(path)}</b>: {info.frames} frames at {info.size[0]}x{info.size[1]}.")
    return True
