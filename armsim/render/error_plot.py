"""The error curve: error per epoch, live, with a log-scale toggle, a current-epoch marker and a hover readout.

This module owns :class:`ErrorPlot` (the window's and the exported figures' curve)
and :class:`ErrorCurve`, the item that draws any long error curve (the Compare
overlay's too) at screen resolution.

Errors arrive in frames and are stored in one preallocated array (its size is
the run's epoch budget), so a 100,000-epoch run costs one array, not a list of
floats. Storing is separate from drawing: the window redraws on its own clock.
A long curve is drawn by pyqtgraph's own peak downsampling and clipping,
so a frame draws about as many points at epoch 1,000,000 as at
epoch 1,000, and every spike and dip survives.
"""
from __future__ import annotations

import bisect

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from armsim.render.live_plot import LivePlot
from armsim.render.theme import LIGHT, LOG_FLOOR, Theme, style_axes

# LOG_FLOOR is theme's, named here too for the figures that draw this plot (figure.py imports it from here).
__all__ = ["ErrorCurve", "ErrorPlot", "LOG_FLOOR", "epoch_axes", "epochs", "for_long_curves"]

GROW = 1.25             # a linear error axis that must grow makes this much room above the largest error
#: Epochs the epoch axis shows at first; a longer run doubles it as it goes (a run of 100,000 epochs that a
#: user steers by hand would otherwise be a vertical line at the left edge).
FIRST_SPAN = 200
MAX_ETA_MARKS = 50

_EPOCHS = np.arange(0)


def epochs(n: int) -> np.ndarray:
    """``0 .. n-1`` as a read-only integer array, shared: a frame's x data costs no allocation.

    Integers, because pyqtgraph then knows without a pass over a million values
    that they are finite (``PlotDataset``).
    """
    global _EPOCHS
    if len(_EPOCHS) < n:
        _EPOCHS = np.arange(max(n, 2 * len(_EPOCHS)))
        _EPOCHS.flags.writeable = False
    return _EPOCHS[:n]


def for_long_curves(plot_item) -> None:
    """Make ``plot_item`` draw every curve added to it downsampled by peaks and clipped to the view.

    A mode of the plot, not of each curve: ``PlotItem.addItem`` gives every curve the
    plot's modes (those of its context menu), overriding what the curve had.
    """
    plot_item.setDownsampling(auto=True, mode="peak")
    plot_item.setClipToView(True)


def epoch_axes(plot_item, left: str) -> None:
    """A plot of one value per epoch: no context menu or auto-range button, a light grid, the axes named."""
    plot_item.setMenuEnabled(False)
    plot_item.hideButtons()
    plot_item.showGrid(x=True, y=True, alpha=0.25)
    plot_item.setLabel("bottom", "epoch")
    plot_item.setLabel("left", left)


class ErrorCurve(pg.PlotDataItem):
    """A curve of one value per epoch, any length, drawn by pyqtgraph's peak downsampling and clipped to the view.

    Add it to a plot set up by :func:`for_long_curves`.

    pyqtgraph 0.14 downsamples in whole blocks of ``ds`` points (``ds`` grows with
    the epochs per pixel) and leaves off the ``len % ds`` points after the last
    block: a run that diverged at epoch 30 of a 1,000,000-epoch budget drew
    nothing, and the last epochs of any long curve, where a divergence spikes,
    were missing. The child :attr:`tail` draws the raw points from the end of
    what pyqtgraph drew to the right edge of the view (at most about 2 ``ds``
    points), with the curve's pen; it is a child so that it hides, moves and
    paints with the curve. Epochs must be increasing; x log mode is not handled.

    With ``premapped=True`` the owner gives y values already on the axis's scale
    (log10 on a log axis) and the curve ignores the plot's log mode.
    """

    tail = None                 # set in __init__; pyqtgraph draws once before that
    premapped = False

    def __init__(self, *args, premapped: bool = False, **kwargs):
        kwargs.setdefault("antialias", True)
        # One block (its min and max) per pixel column, all a screen can show of it. pyqtgraph's default
        # of 5 drew ~7,800 points across an 840-pixel plot, and a repaint took 4 to 5 times as long.
        kwargs.setdefault("autoDownsampleFactor", 1.0)
        super().__init__(*args, **kwargs)
        self.premapped = premapped
        # The limiter measures all of the data at every setData (2 of the 3.7 ms of a 1e6-epoch redraw)
        # to clip points a million view heights away, where an error curve's own axes never put any.
        self.setDynamicRangeLimit(None)
        self.tail = pg.PlotCurveItem()
        self.tail.setParentItem(self)

    def setLogMode(self, xState: bool, yState: bool):
        super().setLogMode(xState, yState and not self.premapped)

    def updateItems(self, styleUpdate: bool = True):
        super().updateItems(styleUpdate)
        if self.tail is not None:
            self._draw_tail()

    def _draw_tail(self) -> None:
        x, y = self.getOriginalDataset()
        if x is None or self.opts["pen"] is None:
            self.tail.setData([], [])
            return
        drawn = self.getData()[0]               # what pyqtgraph drew (cached by updateItems)
        start = bisect.bisect_left(x, drawn[-1]) if drawn is not None and len(drawn) else 0
        view = self.getViewBox()
        end = len(x) if view is None else min(len(x), bisect.bisect_right(x, view.viewRect().right()) + 1)
        if end - start < 2:                     # pyqtgraph drew the curve to its end (no downsampling)
            self.tail.setData([], [])
            return
        ty = y[start:end]
        if self.opts["logMode"][1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                ty = np.log10(ty)
            ty[~np.isfinite(ty)] = np.nan       # as pyqtgraph maps zeros: a gap
        self.tail.setData(x[start:end], ty, pen=self.opts["pen"], shadowPen=self.opts["shadowPen"],
                          antialias=self.opts["antialias"], connect="finite")

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        """The drawn curve's bounds and the tail's: an auto range must show a spike in the last epochs."""
        lo, hi = super().dataBounds(ax, frac, orthoRange)
        if self.tail is None or self.tail.getData()[0] is None or not len(self.tail.getData()[0]):
            return lo, hi
        tlo, thi = self.tail.dataBounds(ax, frac, orthoRange)
        finite = [v for v in (lo, hi, tlo, thi) if v is not None and np.isfinite(v)]
        return (min(finite), max(finite)) if finite else (lo, hi)


class ErrorPlot(LivePlot):
    """Error against epoch for the current run."""

    def __init__(self, parent=None, theme: Theme = LIGHT):
        super().__init__(parent, background=theme.background)
        item = self.getPlotItem()
        epoch_axes(item, "error E")
        for name in ("bottom", "left"):
            item.getAxis(name).setStyle(maxTickLevel=0)               # major grid lines only: cheaper, cleaner
        # log10 values on a log axis come from _log_errors, kept as errors arrive: the log of a million
        # errors took 8.7 ms, a third of a frame, when pyqtgraph's log mode redid it at every redraw.
        self.curve = ErrorCurve(premapped=True)
        for_long_curves(item)
        item.addItem(self.curve)
        self.marker = pg.ScatterPlotItem()
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        item.addItem(self.cursor)
        item.addItem(self.marker)
        self.readout = pg.TextItem(anchor=(1, 0))
        item.addItem(self.readout, ignoreBounds=True)
        self._eta_lines: list[pg.InfiniteLine] = []
        self.eta_marks: list[tuple[int, float]] = []
        self.theme = theme
        self._make_room(0)
        self._x_span = self._capacity = 1
        self.log = False
        self.scene().sigMouseMoved.connect(self._hover)
        item.vb.sigResized.connect(self._resized)
        self.cache_still()
        self._drawn_width = 0.0
        self._top = 0.0                 # top of a linear error axis (see _fit_y); 0 until the first error
        self._start_error = None
        self._idle_log_range = False    # a log axis shows the idle range of _fit_idle, not the errors
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        t = theme
        self.setBackground(t.background)
        self.curve.setPen(t.pen(t.error))
        self.marker.setPen(t.pen(t.final, 2))
        self.marker.setBrush(t.brush(t.final))
        self.marker.setSize(t.joint_size * 1.2)
        self.cursor.setPen(t.pen(t.foreground, t.detail_width, Qt.DotLine))
        self.readout.setColor(t.foreground)
        font = self.font()
        font.setPixelSize(t.font_px)
        self.readout.setFont(font)
        style_axes(self.getPlotItem(), t, self.font())
        self.mark_etas(self.eta_marks)

    # -- data ---------------------------------------------------------------------------
    def _make_room(self, capacity: int) -> None:
        """Empty buffers for epochs 0 .. capacity: the errors, and what a log axis draws of them."""
        self.errors = np.empty(capacity + 1)
        self._log_errors = np.empty(capacity + 1)
        self.count = self.current = 0
        self._peak = -np.inf            # the largest finite error stored
        epochs(capacity + 1)            # grown now, while idle: growing it mid-run cost a frame 25 ms (1e6 epochs)

    def reset(self, capacity: int, start_error: float | None = None) -> None:
        """Empty the curve and make room for ``capacity`` epochs (plus the start).

        With the run's ``start_error`` a linear axis takes its range now, while the window
        is idle, rather than with the first frame of the run.
        """
        self._make_room(capacity)
        self.curve.setData([], [])
        self.marker.setData([], [])
        self.cursor.setValue(0)
        self.readout.setText("")
        self.mark_etas([])
        self._capacity = max(capacity, 1)
        self._x_span = min(self._capacity, FIRST_SPAN)
        self._fit_x()
        self._top = 0.0
        self._start_error = start_error if start_error is not None and np.isfinite(start_error) else None
        self._fit_idle()

    def store(self, first: int, errors: np.ndarray) -> None:
        """Keep the errors of epochs ``first .. first+len-1`` (a frame from the worker); draw later."""
        end = first + len(errors)
        self.errors[first:end] = errors
        self._log_errors[first:end] = self._on_log_axis(self.errors[first:end])
        self._peak = max(self._peak, float(np.max(self.errors[first:end], initial=-np.inf,
                                                  where=np.isfinite(self.errors[first:end]))))
        self.count = max(self.count, end)
        self.current = end - 1

    def mark_etas(self, changes) -> None:
        """A dashed line at each epoch whose update took a new eta, labelled with it: ``[(epoch, eta), ...]``.

        Only the first :data:`MAX_ETA_MARKS` are drawn (a teacher turns eta a few times; a drag of its
        slider makes many changes, and the first ones say where it began).
        """
        self.eta_marks = list(changes)[:MAX_ETA_MARKS]
        item, t = self.getPlotItem(), self.theme
        while len(self._eta_lines) < len(self.eta_marks):
            line = pg.InfiniteLine(angle=90, movable=False, label="eta",
                                   labelOpts=dict(position=0.92, anchors=[(0, 0), (0, 0)]))
            item.addItem(line, ignoreBounds=True)
            self._eta_lines.append(line)
        for k, line in enumerate(self._eta_lines):
            if k < len(self.eta_marks):
                epoch, eta = self.eta_marks[k]
                line.setValue(epoch)
                line.setPen(t.pen(t.target, t.detail_width, Qt.DashLine))
                line.label.setFormat(f"eta {eta:g}")
                line.label.setColor(t.target)
                font = self.font()
                font.setPixelSize(t.font_px)
                line.label.setFont(font)
                line.show()
            else:
                line.hide()

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
        size = max(capacity, n - 1)
        if len(self.errors) != size + 1:        # a video shows many epochs of one run: keep the buffers
            self._make_room(size)
        self.count = 0
        self._peak = -np.inf
        self.store(0, np.asarray(errors, dtype=float))
        x, y = epochs(n), self._shown()[:n]
        if extra is None:
            mx, my = self.current, y[n - 1:n]
        else:
            mx, e = extra
            my = self._on_log_axis(np.array([e], dtype=float)) if self.log else np.array([e], dtype=float)
            x, y = np.append(x, mx), np.append(y, my)
        self.curve.setData(x, y)
        self.marker.setData([mx], my)
        self.cursor.setValue(mx)

    def _fit_x(self) -> None:
        """The epoch axis shows the run's epochs to come (or a finished run's), not pyqtgraph's -10..10 of no data."""
        self.getPlotItem().setXRange(0, self._x_span, padding=0.02)

    def set_log(self, on: bool) -> None:
        self.log = bool(on)
        self.getPlotItem().setLogMode(False, self.log)     # the axis; curve and marker get log10 values
        self._fit_x()           # setLogMode turns on auto range for both axes: x would fit no data at idle
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
        self._idle_log_range = False
        if e is not None and e > 0 and self.log:
            item.setYRange(np.log10(e) - 6.0, np.log10(e), padding=0.04)     # until the first redraw
            self._idle_log_range = True
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

    @staticmethod
    def _on_log_axis(values: np.ndarray) -> np.ndarray:
        """Where ``values`` sit on a log axis: log10, with errors below LOG_FLOOR (zeros) at the floor."""
        return np.log10(np.maximum(values, LOG_FLOOR))

    def _shown(self) -> np.ndarray:
        """The stored errors as the y axis draws them."""
        return self._log_errors if self.log else self.errors

    def _resized(self) -> None:
        # pyqtgraph picks its downsampling when the data or the view's range change, not the plot's size
        width = self.getPlotItem().vb.width()
        if self.count and width != self._drawn_width:
            self.redraw()

    def redraw(self) -> None:
        n = self.count
        if n == 0:
            return
        self._drawn_width = self.getPlotItem().vb.width()
        if self._idle_log_range:        # the errors are here: a log axis follows them (see _fit_y)
            self._idle_log_range = False
            self.getPlotItem().enableAutoRange(y=True)
        self._fit_y(self._peak)
        if n - 1 > self._x_span:        # the axis only grows, by doubling: its ticks move seldom
            self._x_span = min(self._capacity, max(2 * self._x_span, n - 1))
            self._fit_x()
        y = self._shown()
        self.curve.setData(epochs(n), y[:n])
        self.marker.setData([self.current], y[self.current:self.current + 1])
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
