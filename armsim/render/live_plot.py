"""The base of the plots a run redraws frame by frame: each says when its repaint is done.

The solver thread waits after each frame until every live plot on screen has
painted it (worker.py): pyqtgraph paints through Python, so a plot painting
while the solver computes waits for the GIL at each of its many Python/C++
crossings. Waiting for one plot only let the other paint against the solver,
at 15 to 25 ms a repaint instead of 8.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QGraphicsItem

MIN_AREA = 12          # pixels: a plot's data area narrower or lower than this is not counted as shown


def on_screen(widget) -> bool:
    """True when some of ``widget`` can be seen: shown, and not wholly covered (isVisible() alone
    is true for a dock tabbed behind another, or a plot squeezed to nothing by a splitter)."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


class LivePlot(pg.PlotWidget):
    """A PlotWidget whose ``painted`` signal fires, with the plot, after each repaint of its viewport."""

    painted = Signal(object)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._still: tuple = ()           # items cache_still() cached

    def viewportEvent(self, event) -> bool:
        # The viewport's paint events arrive here (QAbstractScrollArea). An override, not an event
        # filter object: a Python QObject parented to the viewport crashed the cyclic GC (PySide6).
        handled = super().viewportEvent(event)
        if event.type() == QEvent.Paint:
            self.painted.emit(self)
        return handled

    def on_screen(self) -> bool:
        """True when some of the plot area is visible, so a change to the plot will be painted.

        A plot squeezed by a splitter to its least width keeps a data area of ~8 pixels
        and then repaints nothing when its items change; below MIN_AREA it counts as hidden.
        """
        box = self.getPlotItem().vb
        return (on_screen(self.viewport())      # the viewport covers the view: the view's own region is empty
                and box.width() >= MIN_AREA and box.height() >= MIN_AREA)

    def cache_still(self, *items) -> None:
        """Paint ``items`` and the axes with their grid once into pixmaps, then only copy them.

        For what stays put while a run plays; Qt paints an item afresh when it changes or
        the view's scale does. On a software-rendered screen this saves about 1.5 ms per
        repaint for the axes with grid and tick text, and as much for a dashed antialiased pose.
        """
        axes = (self.getPlotItem().getAxis(name) for name in ("left", "bottom"))
        self._still += (*items, *axes)
        self.set_still_cached(True)

    def set_still_cached(self, on: bool) -> None:
        """Switch the caches of :meth:`cache_still` on or off.

        Off for exported figures, which keep layers of their own: a cached antialiased
        item can land a fraction of a pixel away from where Qt paints it directly.
        """
        mode = QGraphicsItem.DeviceCoordinateCache if on else QGraphicsItem.NoCache
        for item in self._still:
            item.setCacheMode(mode)
