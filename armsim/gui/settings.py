"""What the window remembers between launches (QSettings): geometry, palette, log scale and the last setup.

Stored values may be corrupt (hand-edited, from an older version, another
machine): every read checks its type and falls back to the default, and the
last setup is stored as scenario TOML text and validated like any file.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication

from armsim.core.params import Params


def _bool(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def _bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def last_params() -> Params | None:
    """The setup of the last session, or None when absent or not valid."""
    text = QSettings().value("last_setup")
    if not isinstance(text, str):
        return None
    from armsim.io import scenario  # only when there is a setup to read: TOML costs start-up time
    if len(text) > scenario.MAX_BYTES:
        return None
    try:
        params = scenario.parse(text).params
    except scenario.ScenarioError:
        return None
    from armsim.gui.state import window_problem
    return None if window_problem(params) else params


def fit_on_screen(window) -> None:
    """Bring a window restored off-screen, or larger than the screen, back onto the screen it is nearest.

    Settings from another monitor layout, or edited by hand, can hold any geometry.
    """
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = window.geometry()
    w, h = min(max(frame.width(), window.minimumWidth()), area.width()), min(frame.height(), area.height())
    x = min(max(frame.x(), area.left()), area.right() - w + 1)
    y = min(max(frame.y(), area.top()), area.bottom() - h + 1)
    if (x, y, w, h) != (frame.x(), frame.y(), frame.width(), frame.height()):
        window.setGeometry(x, y, w, h)


def restore(window) -> None:
    """Apply stored geometry, dock layout, palette and log scale to ``window`` (each only if valid)."""
    s = QSettings()
    geometry = _bytes(s, "geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
        fit_on_screen(window)
    state = _bytes(s, "window_state")
    if state is not None:
        window.restoreState(state)
    window.actions.colour_safe.setChecked(_bool(s, "colour_safe", False))
    window.actions.log.setChecked(_bool(s, "log_error", False))


def store(window) -> None:
    s = QSettings()
    s.setValue("geometry", window.saveGeometry())
    s.setValue("window_state", window.saveState())
    s.setValue("colour_safe", window.actions.colour_safe.isChecked())
    s.setValue("log_error", window.actions.log.isChecked())
    from armsim.io import scenario
    s.setValue("last_setup", scenario.dumps(window.state.params))
    s.sync()
