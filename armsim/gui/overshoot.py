"""Overshoot made visible: the signed residual under the error curve, and marks where eta changed mid-run.

This module owns the window's :class:`Overshoot`: each epoch's residual and
eta (a run's frames carry them, computed by the runner from the run's stored
angles with :mod:`armsim.core.residuals`; a finished run's come from its
Result, so a replay, a followed target and an eta turned during the run all
show as they happened), the :class:`~armsim.render.residual_plot.ResidualPlot`
that View > Signed residual shows under the error curve (built the first time
it shows: most windows never need it), and the error curve's eta marks.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from armsim.core.residuals import eta_changes, residuals


class Overshoot:
    """The residuals, the eta marks and the residual plot of one window."""

    def __init__(self, window, splitter: QSplitter):
        self.window = window
        self.plot = None                 # the ResidualPlot, once shown
        self._theme = None
        index = splitter.indexOf(window.error_plot)
        self.column = QSplitter(Qt.Vertical)
        self.column.addWidget(window.error_plot)        # moves the curve out of the row into the column
        splitter.insertWidget(index, self.column)
        splitter.setStretchFactor(index, 2)
        self.values = np.empty((0, 1))
        self.count = self.current = self.span = 0
        self.marks: list[tuple[int, float]] = []
        self._last_eta = math.nan

    @property
    def shown(self) -> bool:
        return self.plot is not None and not self.plot.isHidden()

    def set_shown(self, on: bool) -> None:
        if on and self.plot is None:
            from armsim.render.residual_plot import ResidualPlot
            self.plot = ResidualPlot(theme=self._theme or self.window.theme())
            self.column.addWidget(self.plot)
            self.column.setStretchFactor(0, 3)
            self.column.setStretchFactor(1, 2)
        if self.plot is not None:
            self.plot.setVisible(bool(on))
        self.redraw()

    def apply_theme(self, theme) -> None:
        self._theme = theme
        if self.plot is not None:
            self.plot.apply_theme(theme)

    def redraw(self) -> None:
        if self.shown and self.count:
            self.plot.draw(self.values[:self.count], self.current, self.span)

    def _keep(self, first: int, rows: np.ndarray) -> None:
        end = first + len(rows)
        if end > len(self.values):          # a longer run than reset() made room for: grow
            grown = np.full((max(end, 2 * len(self.values)), self.values.shape[1]), np.nan)
            grown[:len(self.values)] = self.values
            self.values = grown
        self.values[first:end] = rows
        self.count = max(self.count, end)
        self.current = end - 1

    def reset(self, params) -> None:
        """A new setup or run: the start pose's residual only, no marks."""
        self.values = np.full((params.epochs + 1, 1 if params.reach is None else 2), np.nan)
        self.count, self.span = 0, params.epochs
        self._keep(0, residuals(params, np.radians([params.angles_deg])))
        self.marks, self._last_eta = [], math.nan
        self.window.error_plot.mark_etas([])
        self.redraw()

    def frame(self, frame) -> None:
        """Keep a frame's residuals and note where its etas changed."""
        if frame.residuals is not None:
            self._keep(frame.first, frame.residuals)
        if frame.etas is not None and len(frame.etas):
            etas = np.concatenate(([self._last_eta], frame.etas))
            changed = np.flatnonzero((etas[1:] != etas[:-1]) & np.isfinite(etas[:-1]) & np.isfinite(etas[1:]))
            if changed.size:
                self.marks += [(frame.first + int(i), float(etas[i + 1])) for i in changed]
                self.window.error_plot.mark_etas(self.marks)
            self._last_eta = float(etas[-1])
        self.redraw()

    def result(self, result) -> None:
        """A finished run: its whole history, as it happened."""
        self.values = residuals(result.params, result.angles, result.moves)
        self.count = len(self.values)
        self.current = self.span = self.count - 1
        self.marks = eta_changes(result.etas)
        self.window.error_plot.mark_etas(self.marks)
        self.redraw()

    def show_epoch(self, j: int) -> None:
        """A replay at epoch ``j``: the cursor moves there."""
        self.current = j
        if self.shown:
            self.plot.cursor.setValue(j)
