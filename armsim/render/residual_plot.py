"""The signed residual curve: ``target - end point`` per epoch, where overshooting shows as alternating signs.

This module owns :class:`ResidualPlot`, shown under the error curve when the
View menu's "Signed residual" is on. The error is the residual's square, so a
run whose end point jumps from one side of the target to the other draws a
smooth falling error but a residual that flips sign every epoch. One curve for
the post's task (``T - Y_n``), two for a point to reach (``X - x_n`` and
``Y - y_n``), drawn as the error curve is (peak downsampling, clipped to view),
with the zero line and the shown epoch's cursor.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from armsim.render.error_plot import ErrorCurve, epochs, for_long_curves
from armsim.render.live_plot import LivePlot
from armsim.render.theme import LIGHT, Theme, style_axes

NAMES = (("T - Y_n",), ("X - x_n", "Y - y_n"))      # the curves' names: lateral, reach


class ResidualPlot(LivePlot):
    """Residual against epoch for the current run; :meth:`store` frames, :meth:`redraw` on the window's clock."""

    def __init__(self, parent=None, theme: Theme = LIGHT):
        super().__init__(parent, background=theme.background)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("bottom", "epoch")
        item.setLabel("left", "residual")
        for_long_curves(item)
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        self.curves = [ErrorCurve(premapped=True, name=name) for name in NAMES[1]]
        self.legend = item.addLegend(offset=(-8, 8))
        for curve in self.curves:
            item.addItem(curve)
        item.addItem(self.zero)
        item.addItem(self.cursor)
        self.values = np.empty((0, 1))
        self.count = self.current = 0
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = t = theme
        self.setBackground(t.background)
        self.curves[0].setPen(t.pen(t.error))
        self.curves[1].setPen(t.pen(t.final, style=Qt.DashLine))
        self.zero.setPen(t.pen(t.foreground, t.detail_width))
        self.cursor.setPen(t.pen(t.foreground, t.detail_width, Qt.DotLine))
        style_axes(self.getPlotItem(), t, self.font())
        font = self.font()
        font.setPixelSize(t.font_px)
        for _, label in self.legend.items:
            label.setText(label.text, size=f"{t.font_px}px", color=t.foreground)

    def reset(self, capacity: int, columns: int) -> None:
        """Empty, with room for epochs 0 .. capacity of ``columns`` residuals (1: a height, 2: a point)."""
        self.values = np.full((capacity + 1, columns), np.nan)
        self.count = self.current = 0
        for curve in self.curves:
            curve.setData([], [])
        self.legend.clear()
        for curve, name in zip(self.curves[:columns], NAMES[columns - 1]):
            self.legend.addItem(curve, name)
        self.apply_theme(self.theme)
        self.getPlotItem().setXRange(0, max(capacity, 1), padding=0.02)

    def store(self, first: int, residuals: np.ndarray) -> None:
        """Keep the residuals ``(k, columns)`` of epochs ``first .. first + k - 1``; draw later."""
        end = first + len(residuals)
        if end > len(self.values):          # a longer run than reset() made room for: grow
            grown = np.full((max(end, 2 * len(self.values)), self.values.shape[1]), np.nan)
            grown[:len(self.values)] = self.values
            self.values = grown
        self.values[first:end] = residuals
        self.count = max(self.count, end)
        self.current = end - 1

    def set_history(self, residuals: np.ndarray) -> None:
        residuals = np.asarray(residuals, dtype=float)
        self.reset(len(residuals) - 1, residuals.shape[1])
        self.store(0, residuals)
        self.redraw()

    def show_epoch(self, j: int) -> None:
        """The cursor on epoch ``j`` (a replay)."""
        self.current = j
        self.cursor.setValue(j)

    def redraw(self) -> None:
        n = self.count
        if n == 0:
            return
        x = epochs(n)
        for c, curve in enumerate(self.curves):
            if c < self.values.shape[1]:
                curve.setData(x, self.values[:n, c])
            else:
                curve.setData([], [])
        self.cursor.setValue(self.current)
