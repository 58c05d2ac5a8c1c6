"""A leading-and-trailing throttle for slider drags: the first move acts at once, the last one always lands.

superqt's ``qthrottled`` does the same, but importing superqt costs about 0.2 s of
a 1.1 s launch here (its package imports every widget it has, and qtpy), so the
window keeps this small equivalent instead.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """Calls ``func`` at most once per ``interval_ms``: at once when idle, then with the latest arguments."""

    def __init__(self, func: Callable[..., Any], interval_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self._func = func
        self._pending: tuple | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._flush)

    def __call__(self, *args) -> None:
        if self._timer.isActive():
            self._pending = args            # the latest position wins
            return
        self._func(*args)
        self._timer.start()

    def cancel(self) -> None:
        """Drop a call still waiting (what it would set has been replaced)."""
        self._pending = None

    def _flush(self) -> None:
        if self._pending is not None:
            args, self._pending = self._pending, None
            self._func(*args)
            self._timer.start()
