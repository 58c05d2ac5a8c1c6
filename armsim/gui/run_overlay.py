"""Several finished runs drawn together: error curves on one plot, ghost final poses on one arm, one legend.

This module owns the drawing half of the Compare tab (:mod:`armsim.gui.compare_view`
owns the buttons and the sweeps). Plot items are made once: :data:`MAX_RUNS`
curve slots and as many ghost-pose slots, fed with ``setData``; only the
legend's entries are rebuilt when the runs change. The legend is a list under
the plots rather than a pyqtgraph legend inside one: twelve labels inside a
plot hide the curves, and one list names both a run's curve and its ghost.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from armsim.core.params import Params
from armsim.core.run import Result
from armsim.render.arm_plot import pose_points
from armsim.render.error_plot import ErrorCurve, epochs, for_long_curves
from armsim.render.theme import GHOST_ALPHA, LIGHT, LOG_FLOOR, Theme, run_style, style_axes

MAX_RUNS = 12               # theme.PALETTE against theme.STYLES: any 12 runs in a row differ
LEGEND_ROWS = 3             # labels per legend column: twelve runs take four columns
SWATCH_WIDTH = 48


def _plot(bottom: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setLabel("bottom", bottom)
    item.setLabel("left", left)
    for name in ("bottom", "left"):
        item.getAxis(name).setStyle(maxTickLevel=0)       # major grid lines only
    return plot


def _pose_style(curve, t: Theme, colour: str, style, alpha: int = 255, size: float = 1.0) -> None:
    curve.setPen(t.pen(colour, style=style, alpha=alpha))
    curve.setSymbol("o")
    curve.setSymbolSize(t.joint_size * size)
    curve.setSymbolBrush(t.brush(colour, alpha))
    curve.setSymbolPen(None)


class RunOverlay(QWidget):
    """Error curves and ghost final poses of up to :data:`MAX_RUNS` runs, and the current start pose in red."""

    def __init__(self, parent=None, theme: Theme = LIGHT):
        super().__init__(parent)
        self.params: Params | None = None
        self.log = True                 # rates of convergence differ by decades: linear shows only "down"
        self._runs: list[tuple[str, Result, int]] = []     # (label, result, style index)
        self._added = 0
        self.error_plot, self.arm_plot = _plot("epoch", "error E"), _plot("x", "lateral position Y")
        e, a = self.error_plot.getPlotItem(), self.arm_plot.getPlotItem()
        a.setAspectLocked(True, 1.0)
        for_long_curves(e)                                    # a 1e6-epoch curve draws at screen resolution
        self.curves = [ErrorCurve() for _ in range(MAX_RUNS)]
        for curve in self.curves:
            e.addItem(curve)
        self.target_line = pg.InfiniteLine(angle=0, movable=False)       # the lateral task's height
        a.addItem(self.target_line)
        self.target_point = pg.ScatterPlotItem()                          # the reach task's point
        a.addItem(self.target_point)
        self.ghosts = [a.plot(antialias=True) for _ in range(MAX_RUNS)]
        self.start_curve = a.plot(antialias=True)             # on top: the reference every ghost left from
        self.base_marker = a.plot()
        self.legend = QListWidget()
        self.legend.setFlow(QListView.TopToBottom)
        self.legend.setWrapping(True)                         # columns of LEGEND_ROWS labels, side by side
        self.legend.setResizeMode(QListView.Adjust)
        self.legend.setSelectionMode(QAbstractItemView.NoSelection)
        self.legend.setFocusPolicy(Qt.NoFocus)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.error_plot)
        splitter.addWidget(self.arm_plot)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.legend)
        e.setLogMode(False, self.log)
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        """Pens, sizes and fonts from ``theme`` (fonts at ``theme.font_px``, legible on a projector)."""
        self.theme = t = theme
        for plot, title in ((self.error_plot, "error per epoch"), (self.arm_plot, "final poses; red: start")):
            plot.setBackground(t.background)
            plot.getPlotItem().setTitle(title, color=t.foreground, size=f"{t.font_px}px")
            style_axes(plot.getPlotItem(), t, self.font())
        self.legend.setIconSize(QSize(SWATCH_WIDTH, t.font_px))
        self.legend.setFixedHeight(LEGEND_ROWS * (max(t.font_px, self.legend.fontMetrics().height()) + 8) + 8)
        self.target_line.setPen(t.pen(t.target, max(2.0, t.line_width * 0.7), Qt.DashLine))
        self.target_point.setSymbol("+")
        self.target_point.setSize(t.joint_size * 2.2)
        self.target_point.setPen(t.pen(t.target, max(2.0, t.line_width * 0.7)))
        self.target_point.setBrush(t.brush(t.target))
        _pose_style(self.start_curve, t, t.start, t.start_style)
        self.base_marker.setPen(None)
        self.base_marker.setSymbol("s")
        self.base_marker.setSymbolSize(t.joint_size * 1.6)
        self.base_marker.setSymbolBrush(t.brush(t.base))
        self.redraw()

    def set_log(self, on: bool) -> None:
        """Error axis logarithmic (the default) or linear."""
        self.log = bool(on)
        self.error_plot.getPlotItem().setLogMode(False, self.log)
        self.redraw()

    def set_params(self, params: Params | None) -> None:
        """Draw the start pose, base and target (a height's line, or the point to reach) of the current setup
        (None: hide them)."""
        self.params = params
        reach = None if params is None else params.reach
        self.target_point.setData([reach[0]] if reach else [], [reach[1]] if reach else [])
        self.target_line.setVisible(params is not None and reach is None)
        self.arm_plot.getPlotItem().setLabel("left", "y" if reach else "lateral position Y")
        if params is None:
            self.start_curve.setData([], [])
            self.base_marker.setData([], [])
        else:
            self.start_curve.setData(*pose_points(np.radians(params.angles_deg), params))
            self.base_marker.setData([0.0], [params.base])
            self.target_line.setValue(params.goal)
        self._frame_arm()

    # -- runs ---------------------------------------------------------------------------
    @property
    def runs(self) -> list[tuple[str, Result]]:
        """The runs shown, oldest first."""
        return [(label, result) for label, result, _ in self._runs]

    def add_runs(self, runs) -> None:
        """Overlay ``(label, Result)`` runs; the oldest go once there are more than :data:`MAX_RUNS`."""
        for label, result in runs:
            self._runs.append((label, result, self._added))
            self._added += 1
        del self._runs[:-MAX_RUNS]
        self.redraw()

    def clear(self) -> None:
        """Remove every run (the plot items stay, empty, for the next ones)."""
        self._runs.clear()
        self._added = 0
        self.redraw()

    def redraw(self) -> None:
        """Feed every slot from the runs (at most 12 setData calls per plot: cheap)."""
        t = self.theme
        self.legend.clear()
        for k, (curve, ghost) in enumerate(zip(self.curves, self.ghosts)):
            if k >= len(self._runs):
                curve.setData([], [])
                ghost.setData([], [])
                curve.hide()
                ghost.hide()
                continue
            label, result, style_index = self._runs[k]
            colour, style = run_style(style_index)
            errors = np.maximum(result.errors, LOG_FLOOR) if self.log else result.errors
            curve.setPen(t.pen(colour, style=style))
            curve.setData(epochs(len(errors)), errors)
            _pose_style(ghost, t, colour, style, GHOST_ALPHA, 0.8)
            x, y = pose_points(result.angles[-1], result.params)
            finite = bool(np.isfinite(x).all() and np.isfinite(y).all())
            ghost.setData(x if finite else [], y if finite else [])
            curve.show()
            ghost.show()
            self.legend.addItem(QListWidgetItem(self._swatch(colour, style), label))
        self.legend.setVisible(bool(self._runs))
        if self._runs:
            self.error_plot.getPlotItem().enableAutoRange()
        else:                       # an empty log axis spanning under a decade labels 2, 3, ... 9
            self.error_plot.getPlotItem().setRange(xRange=(0, 20), yRange=(-6, 0) if self.log else (0, 1))
        self._frame_arm()

    def _swatch(self, colour: str, style: Qt.PenStyle) -> QIcon:
        """A short line in the run's colour and style: its legend entry."""
        size = self.legend.iconSize()
        pixmap = QPixmap(size)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setPen(self.theme.pen(colour, style=style))
        painter.drawLine(2, size.height() // 2, size.width() - 2, size.height() // 2)
        painter.end()
        return QIcon(pixmap)

    def _frame_arm(self) -> None:
        """Fit the arm view to the start pose, every ghost and the target."""
        xs, ys = [], []
        for item in [self.start_curve, *self.ghosts]:
            x, y = item.getData()
            if x is not None and len(x):
                xs.append(x)
                ys.append(y)
        if not xs:
            return
        x, y = np.concatenate(xs), np.concatenate(ys)
        if self.params is not None:
            y = np.append(y, self.params.goal)
            if self.params.reach is not None:
                x = np.append(x, self.params.reach[0])
        pad = 0.1 * max(np.ptp(x), np.ptp(y), 0.5)
        self.arm_plot.getPlotItem().setRange(xRange=(x.min() - pad, x.max() + pad),
                                             yRange=(y.min() - pad, y.max() + pad), padding=0)
