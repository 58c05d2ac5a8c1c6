"""The window's scenario files: open, save, recent files and drops (exports are :mod:`armsim.gui.exports`).

Functions take the main window and report problems in a message box naming the
file and the problem; nothing here changes the setup unless a file was read
and validated completely (``scenario.load`` either returns a whole Scenario or
raises). Every file is written atomically by the core modules it calls.
"""
from __future__ import annotations

import html
import math
import os

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

RECENT_KEY = "recent_files"
MAX_RECENT = 8
SCENARIO_FILTER = "armsim scenario (*.toml)"


# -- recent files ------------------------------------------------------------------------------
def recent_files() -> list[str]:
    """The remembered scenario paths, newest first (a corrupt stored value reads as none)."""
    value = QSettings().value(RECENT_KEY, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v][:MAX_RECENT]


def remember(path: str) -> None:
    path = os.path.abspath(path)
    QSettings().setValue(RECENT_KEY, [path] + [p for p in recent_files() if p != path][:MAX_RECENT - 1])


def fill_recent_menu(window, menu) -> None:
    """Rebuild the Open Recent menu (called each time it is about to show)."""
    menu.clear()
    paths = recent_files()
    for path in paths:
        menu.addAction(path, lambda p=path: open_scenario(window, p))
    if not paths:
        menu.addAction("(none yet)").setEnabled(False)


# -- scenarios ---------------------------------------------------------------------------------
def open_scenario(window, path: str | None = None) -> bool:
    """Load a scenario into the window; on any problem say what it is and change nothing."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "Open scenario", "", SCENARIO_FILTER)
        if not path:
            return False
    from armsim.io import scenario  # here, not at start-up: TOML and atomic writes cost launch time
    try:
        loaded = scenario.load(path)
    except scenario.ScenarioError as e:
        QMessageBox.warning(window, "Cannot open scenario", f"{e}\n\nThe current setup is unchanged.")
        return False
    if not window.set_setup(loaded.params):             # the window cannot show it: said, nothing changed
        return False
    speed = loaded.view.get("speed")
    if speed is not None:
        window.state.set_speed(math.inf if speed == "max" else float(speed))
    remember(path)
    title = loaded.view.get("name") or os.path.basename(path)
    # Text from a file is shown as text, never as markup (an <img> in a note would load a local image).
    window.say(f"Opened <b>{html.escape(str(title))}</b>. {html.escape(str(loaded.view.get('note', '')))}")
    return True


def save_scenario(window) -> bool:
    path, _ = QFileDialog.getSaveFileName(window, "Save scenario", "scenario.toml", SCENARIO_FILTER)
    if not path:
        return False
    if not path.lower().endswith(".toml"):
        path += ".toml"
    speed = window.state.speed
    from armsim.io import scenario
    try:
        scenario.save(path, window.state.params, {"speed": "max" if math.isinf(speed) else float(speed)})
    except (OSError, ValueError) as e:
        QMessageBox.warning(window, "Cannot save scenario", f"{path}: {e}\n\nNo file was changed.")
        return False
    remember(path)
    window.say(f"Saved the setup to <b>{html.escape(path)}</b>.")
    return True


def scenario_in_drop(event) -> str | None:
    """The .toml file a drag carries, if it carries exactly one local file."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    if len(urls) == 1 and urls[0].isLocalFile() and urls[0].toLocalFile().lower().endswith(".toml"):
        return urls[0].toLocalFile()
    return None
