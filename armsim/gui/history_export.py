"""The window's history export: a finished run's epochs written as CSV or JSON."""
from __future__ import annotations

import html
import os

from PySide6.QtWidgets import QMessageBox


def export_history(window, result, path: str) -> bool:
    """Write ``result``'s history to ``path`` (.csv or .json); say what happened."""
    from armsim.io import history

    write = history.write_csv if os.path.splitext(path)[1].lower() == ".csv" else history.write_json
    try:
        write(path, result)
    except (OSError, ValueError) as e:
        QMessageBox.warning(window, "Export failed", f"{path}: {e}\n\nNo file was written.")
        return False
    window.say(f"Exported <b>{html.escape(path)}</b>.")
    return True
