"""The error curve: error per epoch, live, with a log-scale toggle, a current-epoch marker and a hover readout.

Errors arrive in frames and are stored in one preallocated array (its size is
the run's epoch budget), so a 100,000-epoch run costs one array, not a list of
floats. Storing is separate from drawing: the window redraws on its own clock,
and a long curve is drawn as a min/max envelope with one column per pixel of
the plot's width (at most MAX_DRAWN), so a frame costs the same at epoch 100
as at epoch 1,000,000, and no more than the screen can show.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from armsim.render.live_plot import LivePlot
from armsim.render.theme import LIGHT, Theme, style_axes

# Log axes cannot show 0; errors below this are drawn at it (an exact 0 happens when the arm hits the target).
LOG_FLOOR = 1e-300
MAX_DRAWN = 2000        # most columns of the min/max envelope of a long curve
MIN_DRAWN = 100         # fewest, for a plot not laid out yet
GROW = 1.25             # a linear error axis that must grow makes this much room above the largest error


def envelope(values: np.ndarray, columns: int = MAX_DRAWN) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` that draw like ``values`` at screen resolution: the min and max of each block of epochs.

    Every peak and dip survives (a divergence spike is never averaged away).
    """
    n = len(values)
    if n <= 2 * columns:
        return np.arange(n, dtype=float), values
    block = -(-n // columns)
    whole = n // block * block
    blocks = values[:whole].reshape(-1, block)
    starts = np.arange(0, whole, block, dtype=float)
    x = np.repeat(starts, 2) + np.tile([0.0, block / 2], len(starts))
    y = np.column_stack((blocks.min(axis=1), blocks.max(axis=1))).ravel()
    if whole < n:
        x = np.append(x, np.arange(whole, n, dtype=float))
        y = np.append(y, values[whole:])
    return x, y

class ErrorPlot(LivePlot):
    """Error against epoch for the current run."""

    def __init__(self, parent=None, theme: Theme = LIGHT):
        super().__init__(parent, background=theme.background)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("bottom", "epoch")
        item.setLabel("left", "error E")
        for name in ("bottom", "left"):
            item.getAxis(name).setStyle(maxTickLevel=0)               # major grid lines only: cheaper, cleaner
        self.curve = item.plot(antialias=True)
        self.marker = pg.ScatterPlotItem()
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        item.addItem(self.cursor)
        item.addItem(self.marker)
        self.readout = pg.TextItem(anchor=(1, 0))
        item.addItem(self.readout, ignoreBounds=True)
        self.errors = np.empty(0)
        self.count = 0
        self.current = 0
        self.log = False
        self.scene().sigMouseMoved.connect(self._hover)
        item.vb.sigResized.connect(self._resized)
        self.cache_still()
        self._drawn_columns = 0
        self._top = 0.0                 # top of a linear error axis (see _fit_y); 0 until the first error
        self._start_error = None
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        t = theme
        self.setBackground(t.background)
        self.curve.setPen(t.pen(t.error))
        self.marker.setPen(t.pen(t.final, 2))
        self.marker.setBrush(t.brush(t.final))
        self.marker.setSize(t.joint_size * 1.2)
        self.cursor.setPen(t.pen(t.foreground, 1, Qt.DotLine))
        self.readout.setColor(t.foreground)
        font = self.font()
        font.setPixelSize(t.font_px)
        self.readout.setFont(font)
        style_axes(self.getPlotItem(), t, self.font())

    # -- data ---------------------------------------------------------------------------
    def reset(self, capacity: int, start_error: float | None = None) -> None:
        """Empty the curve and make room for ``capacity`` epochs (plus the start).

        With the run's ``start_error`` a linear axis takes its range now, while the window
        is idle, rather than with the first frame of the run.
        """
        self.errors = np.empty(capacity + 1)
        self.count = self.current = 0
        self.curve.setData([], [])
        self.marker.setData([], [])
        self.cursor.setValue(0)
        self.readout.setText("")
        self.getPlotItem().setXRange(0, max(capacity, 1), padding=0.02)    # the epochs to come, not -10..10
        self._top = 0.0
        self._start_error = start_error if start_error is not None and np.isfinite(start_error) else None
        self._fit_idle()

    def store(self, first: int, errors: np.ndarray) -> None:
        """Keep the errors of epochs ``first .. first+len-1`` (a frame from the worker); draw later."""
        end = first + len(errors)
        self.errors[first:end] = errors
        self.count = max(self.count, end)
        self.current = end - 1

    def set_history(self, errors: np.ndarray) -> None:
        """Replace everything with a finished run's errors, and draw."""
        self.reset(len(errors) - 1, errors[0])
        self.store(0, np.asarray(errors, dtype=float))
        self.redraw()

    def show_upto(self, errors: np.ndarray, capacity: int, extra: tuple[float, float] | None = None) -> None:
        """Show exactly ``errors`` (epochs 0 .. n-1, n >= 1), the marker and cursor on the last.

        With ``extra = (x, error)`` the curve goes on to that point, where the marker and
        cursor then sit (a video frame between two epochs). The curve, marker and cursor
        of :meth:`reset`, :meth:`store` and :meth:`redraw`, each item's data set once; the
        view's range and the readout are left as they are (exported figures fix the range
        per run).
        """
        n = len(errors)
        self.errors = np.empty(max(capacity, n - 1) + 1)
        self.errors[:n] = errors
        self.count, self.current = n, n - 1
        x, y = envelope(self.errors[:n], self.columns())
        y = self._shown(y)
        if extra is None:
            mx, my = self.current, self.errors[n - 1:n]
        else:
            mx, e = extra
            x, y, my = np.append(x, mx), np.append(y, e), np.array([e])
        self.curve.setData(x, y)
        self.marker.setData([mx], self._marker_y(my))
        self.cursor.setValue(mx)

    def columns(self) -> int:
        """Envelope columns: one per device pixel across the plot area (a finer curve draws the same)."""
        pixels = self.getPlotItem().vb.width() * self.devicePixelRatioF()
        return int(min(MAX_DRAWN, max(MIN_DRAWN, pixels)))

    def set_log(self, on: bool) -> None:
        self.log = bool(on)
        self.getPlotItem().setLogMode(False, self.log)
        self._top = 0.0
        if self.count:
            self.getPlotItem().enableAutoRange(y=True)
            self.redraw()
        else:
            self._fit_idle()

    def _fit_idle(self) -> None:
        """The y range before any error is drawn: up to the start error, if known (6 decades on a log axis)."""
        item, e = self.getPlotItem(), self._start_error
        item.enableAutoRange(y=True)
        if e is not None and e > 0 and self.log:
            item.setYRange(np.log10(e) - 6.0, np.log10(e), padding=0.04)
        elif e is not None and e > 0:
            self._fit_y(float(e))

    def _fit_y(self, top: float) -> None:
        """A linear axis runs from 0 to a top that only grows: the start error, or GROW times an error above it.

        A falling error then never moves the axis (a moving axis repaints its ticks and lays
        the plot out again every frame). A log axis keeps pyqtgraph's auto range.
        """
        if self.log or not top > self._top:
            return
        self._top = top if self._top == 0.0 else top * GROW
        self.getPlotItem().setYRange(0.0, self._top, padding=0.04)

    def _shown(self, values: np.ndarray) -> np.ndarray:
        return np.maximum(values, LOG_FLOOR) if self.log else values

    def _marker_y(self, values: np.ndarray) -> np.ndarray:
        # The curve is a PlotDataItem and follows the plot's log mode; the marker (a ScatterPlotItem)
        # does not, so on a log axis it gets log10 values itself.
        return np.log10(self._shown(values)) if self.log else values

    def _resized(self) -> None:
        if self.count and self.columns() != self._drawn_columns:    # a wider plot shows a finer curve
            self.redraw()

    def redraw(self) -> None:
        n = self.count
        if n == 0:
            return
        self._drawn_columns = self.columns()
        x, y = envelope(self.errors[:n], self._drawn_columns)
        self._fit_y(float(y.max()))
        self.curve.setData(x, self._shown(y))
        self.marker.setData([self.current], self._marker_y(self.errors[self.current:self.current + 1]))
        self.cursor.setValue(self.current)

    # -- hover readout --------------------------------------------------------------------
    def _hover(self, pos) -> None:
        box = self.getPlotItem().vb
        if self.count == 0 or not self.sceneBoundingRect().contains(pos):
            self.readout.setText("")
            return
        x = box.mapSceneToView(pos).x()
        j = int(np.clip(round(x), 0, self.count - 1))
        self.readout.setText(f"epoch {j}\nE = {self.errors[j]:.6g}")
        (x0, x1), (y0, y1) = box.viewRange()
        self.readout.setPos(x1, y1)
