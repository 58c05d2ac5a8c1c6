"""Overshoot made visible: the signed residual under the error curve, and marks where eta changed mid-run.

This module owns the window's :class:`Overshoot`: the
:class:`~armsim.render.residual_plot.ResidualPlot` (shown with View > Signed
residual) and the error curve's eta marks. It follows the run as the error curve
does: a run's frames carry each epoch's residual and eta (the runner computes
them from the run's stored angles, :mod:`armsim.core.residuals`); a finished
run's come from its Result, so a replay, a followed target and an eta turned
during the run all show as they happened.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from armsim.core.residuals import eta_changes, residuals
from armsim.render.residual_plot import ResidualPlot


class Overshoot:
    """The residual plot and the eta marks of one window."""

    def __init__(self, window, splitter: QSplitter):
        self.window = window
        self.plot = ResidualPlot()           # styled with the rest by the window's apply_theme
        index = splitter.indexOf(window.error_plot)
        column = QSplitter(Qt.Vertical)
        column.addWidget(window.error_plot)          # moves the curve out of the row into the column
        column.addWidget(self.plot)
        column.setStretchFactor(0, 3)
        column.setStretchFactor(1, 2)
        splitter.insertWidget(index, column)
        splitter.setStretchFactor(index, 2)
        self.plot.hide()
        self.marks: list[tuple[int, float]] = []
        self._last_eta = math.nan

    @property
    def shown(self) -> bool:
        return not self.plot.isHidden()

    def set_shown(self, on: bool) -> None:
        self.plot.setVisible(bool(on))
        if on:
            self.plot.redraw()

    def apply_theme(self, theme) -> None:
        self.plot.apply_theme(theme)

    def reset(self, params) -> None:
        """A new setup or run: no residuals yet but the start pose's, no marks."""
        self.plot.reset(params.epochs, 1 if params.reach is None else 2)
        self.plot.store(0, residuals(params, np.radians([params.angles_deg])))
        self.plot.redraw()
        self.marks, self._last_eta = [], math.nan
        self.window.error_plot.mark_etas([])

    def frame(self, frame) -> None:
        """Keep a frame's residuals and note where its etas changed (drawn with the error curve)."""
        if frame.residuals is not None:
            self.plot.store(frame.first, frame.residuals)
        if frame.etas is not None and len(frame.etas):
            etas = np.concatenate(([self._last_eta], frame.etas))
            changed = np.flatnonzero((etas[1:] != etas[:-1]) & np.isfinite(etas[:-1]) & np.isfinite(etas[1:]))
            if changed.size:
                self.marks += [(frame.first + int(i), float(etas[i + 1])) for i in changed]
                self.window.error_plot.mark_etas(self.marks)
            self._last_eta = float(etas[-1])
        if self.shown:
            self.plot.redraw()

    def result(self, result) -> None:
        """A finished run: its whole history, as it happened."""
        self.plot.set_history(residuals(result.params, result.angles, result.moves))
        self.marks = eta_changes(result.etas)
        self.window.error_plot.mark_etas(self.marks)

    def show_epoch(self, j: int) -> None:
        self.plot.show_epoch(j)
