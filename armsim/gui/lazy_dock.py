"""A dock whose content is built the first time it shows, so tabs nobody opens cost nothing at start-up.

The Compare and Landscape tabs sit behind the chain-rule tab; building their
three plots took ~120 ms of a ~1.1 s launch. The window asks for ``dock.view``
when it needs the content, which builds it then if it has not been built yet.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QDockWidget, QWidget


class LazyDock(QDockWidget):
    """A QDockWidget holding ``build()``'s widget once it has shown or :attr:`view` was asked for.

    ``shown`` follows ``visibilityChanged``: False while the dock is hidden or tabbed
    behind another, True while it is the tab in front (Qt's isVisible() stays True then).
    """

    def __init__(self, title: str, name: str, build: Callable[[], QWidget], parent=None):
        super().__init__(title, parent)
        self.setObjectName(name)            # saveState / restoreState find docks by name
        self._build = build
        self._view: QWidget | None = None
        self.shown = False
        self.setWidget(QWidget())           # an empty stand-in of no cost until then
        self.visibilityChanged.connect(self._visibility)

    def _visibility(self, shown: bool) -> None:
        self.shown = shown
        if shown:
            self.view                       # noqa: B018 (built on first access)

    @property
    def built(self) -> bool:
        return self._view is not None

    @property
    def view(self) -> QWidget:
        """The content, built now if this is the first time."""
        if self._view is None:
            self._view = self._build()
            self.setWidget(self._view)
        return self._view
