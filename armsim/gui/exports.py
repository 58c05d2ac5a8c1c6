"""The window's Export menu: which formats it offers, and the dispatch of the last finished run to them.

Figures are drawn here; the history (:mod:`armsim.gui.history_export`) and
videos (:mod:`armsim.gui.video_export`) have modules of their own, since each
runs long and shows progress with Cancel. Every file is written atomically by
the io and render modules these call; a problem is said in a message box
naming the file, and no file is changed.
"""
from __future__ import annotations

import html
import os

from PySide6.QtWidgets import QFileDialog, QMessageBox

EXPORTS = {   # label: (file filter, default name)
    "Figure as PNG…": ("PNG image (*.png)", "armsim.png"),
    "Figure as SVG…": ("SVG drawing (*.svg)", "armsim.svg"),
    "History as CSV…": ("CSV table (*.csv)", "armsim-history.csv"),
    "History as JSON…": ("JSON (*.json)", "armsim-history.json"),
    "Video as MP4…": ("MP4 video (*.mp4)", "armsim.mp4"),
    "Video as GIF…": ("Animated GIF (*.gif)", "armsim.gif"),
}


def export(window, label: str, path: str | None = None):
    """Export the last finished run in the format ``label`` names (asks for the path unless given).

    Returns whether the file was written, or, for a history large enough to be written in the
    background, the running :class:`~armsim.gui.jobs.Job` (see :mod:`armsim.gui.history_export`).
    """
    result = window.state.result
    if result is None:
        QMessageBox.information(window, "Nothing to export", "Run the arm first: exports show a finished run.")
        return False
    filt, default = EXPORTS[label]
    if path is None:
        path, _ = QFileDialog.getSaveFileName(window, label.rstrip("…"), default, filt)
        if not path:
            return False
    ext = os.path.splitext(default)[1]
    if not path.lower().endswith(ext):
        path += ext
    if ext in (".csv", ".json"):
        from armsim.gui import history_export
        return history_export.export_history(window, result, path)
    if ext in (".mp4", ".gif"):
        from armsim.gui import video_export
        return video_export.export_video(window, result, path)
    return _export_figure(window, result, path)


def _export_figure(window, result, path: str) -> bool:
    # Imported on first export, not at start-up: figures bring a second set of plots.
    from armsim.io.media import OptionError
    from armsim.render.figure import export_figure

    try:
        export_figure(result, path, theme=window.arm_view.theme, log_error=window.error_plot.log)
    except (OSError, ValueError, OptionError) as e:
        QMessageBox.warning(window, "Export failed", f"{path}: {e}\n\nNo file was written.")
        return False
    window.say(f"Exported <b>{html.escape(path)}</b>.")
    return True
