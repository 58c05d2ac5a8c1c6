"""The signed residual curve: ``target - end point`` per epoch, where overshooting shows as alternating signs.

This module owns :class:`ResidualPlot`, shown under the error curve when the
View menu's "Signed residual" is on. The error is the residual's square, so a
run whose end point jumps from one side of the target to the other draws a
smooth falling error but a residual that flips sign every epoch. One curve for
the post's task (``T - Y_n``), two for a point to reach (``X - x_n`` and
``Y - y_n``), drawn as the error curve is (peak downsampling, clipped to view),
with the zero line and the shown epoch's cursor. It draws what it is given; the
window's :mod:`armsim.gui.overshoot` keeps the numbers.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from armsim.render.error_plot import ErrorCurve, epoch_axes, epochs, for_long_curves
from armsim.render.live_plot import LivePlot
from armsim.render.theme import LIGHT, Theme, style_axes

NAMES = (("T - Y_n",), ("X - x_n", "Y - y_n"))      # the curves' names: lateral, reach


class ResidualPlot(LivePlot):
    """Residual against epoch: :meth:`draw` the first n rows of a ``(epochs, 1 or 2)`` array."""

    def __init__(self, parent=None, theme: Theme = LIGHT):
        super().__init__(parent, background=theme.background)
        item = self.getPlotItem()
        epoch_axes(item, "residual")
        for_long_curves(item)
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        self.curves = [ErrorCurve(premapped=True, name=name) for name in NAMES[1]]
        # The legend is a row above the data (as the arm's), never over the curve it names.
        self.legend = pg.LegendItem(colCount=2, frame=False)
        item.layout.addItem(self.legend, 0, 1)
        item.layout.setAlignment(self.legend, Qt.AlignHCenter | Qt.AlignBottom)
        self.setMinimumHeight(80)           # a small screen squeezes it rather than the window growing
        for curve in self.curves:
            item.addItem(curve)
        item.addItem(self.zero)
        item.addItem(self.cursor)
        self.columns = 0
        self.theme = theme
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = t = theme
        self.setBackground(t.background)
        self.curves[0].setPen(t.pen(t.error))
        self.curves[1].setPen(t.pen(t.final, style=Qt.DashLine))
        self.zero.setPen(t.pen(t.foreground, t.detail_width))
        self.cursor.setPen(t.pen(t.foreground, t.detail_width, Qt.DotLine))
        style_axes(self.getPlotItem(), t, self.font())
        for _, label in self.legend.items:
            label.setText(label.text, size=f"{t.font_px}px", color=t.foreground)

    def draw(self, values: np.ndarray, current: int, span: int) -> None:
        """Rows ``values`` ``(n, columns)`` as curves over epochs 0 .. n-1, the cursor on ``current``,
        the epoch axis from 0 to ``span``."""
        columns = values.shape[1]
        if columns != self.columns:         # the legend's items cost ~2 ms each: rebuilt when the task changes
            self.columns = columns
            self.legend.clear()
            for curve, name in zip(self.curves, NAMES[columns - 1]):
                self.legend.addItem(curve, name)
            self.apply_theme(self.theme)
        x = epochs(len(values))
        for c, curve in enumerate(self.curves):
            curve.setData(x, values[:, c]) if c < columns else curve.setData([], [])
        self.cursor.setValue(current)
        self.getPlotItem().setXRange(0, max(span, 1), padding=0.02)
