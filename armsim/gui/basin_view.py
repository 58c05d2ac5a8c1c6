"""The Basin map tab: from which starts of two joints the current learner and eta reach the tolerance.

This module owns the tab's controls and picture. The map itself is
:func:`armsim.core.basin.basin_map`'s (every start at once on the batch core),
computed as a job of the window's :class:`~armsim.gui.jobs.Jobs` with progress
and Cancel, on demand (Compute): a map costs seconds, so it is not recomputed
on every change of the setup, which marks it out of date instead. Colours and
the stability line are :mod:`armsim.render.map_figure`'s, as ``armsim map``
draws them. A click on a pixel emits :attr:`BasinView.startPicked` with that
start; the window loads it and runs it, so its run replays there.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from armsim.core.basin import Basin, basin_map, check_basin, critical_eta_grid
from armsim.core.params import ParamError, Params
from armsim.gui.jobs import Job, JobContext, Jobs
from armsim.render.map_figure import basin_rgb
from armsim.render.theme import LIGHT, Theme, style_axes

GRIDS = (32, 64, 128, 256)
DEFAULT_GRID = 64


def _compute(ctx: JobContext, params: Params, i: int, j: int, n: int):
    return basin_map(params, i, j, n, stop=ctx.stop_event, progress=ctx.progress)


def _same_map(basin: Basin, params: Params) -> bool:
    """``params`` is the mapped setup but for the two mapped joints' start angles (a start picked from it)."""
    if params.n_links != basin.params.n_links:
        return False
    angles = list(params.angles_deg)
    angles[basin.i], angles[basin.j] = basin.params.angles_deg[basin.i], basin.params.angles_deg[basin.j]
    try:
        return params.with_(angles_deg=tuple(angles)) == basin.params
    except ParamError:
        return False


class BasinView(QWidget):
    """The tab. Signals: ``startPicked(i, j, deg_i, deg_j)`` (a pixel clicked), ``mapReady(object)`` (a Basin)."""

    startPicked = Signal(int, int, float, float)
    mapReady = Signal(object)

    def __init__(self, jobs: Jobs, parent=None, theme: Theme = LIGHT):
        super().__init__(parent)
        self.jobs, self.theme = jobs, theme
        self.params: Params | None = None
        self.basin: Basin | None = None
        self._job: Job | None = None
        self.joint_i, self.joint_j, self.grid = QComboBox(), QComboBox(), QComboBox()
        for n in GRIDS:
            self.grid.addItem(f"{n} x {n}", n)
        self.grid.setCurrentIndex(GRIDS.index(DEFAULT_GRID))
        self.compute_button = QPushButton("Compute")
        self.compute_button.setToolTip("run every start of the grid with the current learner, eta and tolerance")
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.stop)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m starts")
        row = QHBoxLayout()
        for widget in (QLabel("Starts of"), self.joint_i, QLabel("against"), self.joint_j, self.grid,
                       self.compute_button, self.progress, self.cancel_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        self.image = pg.ImageItem()
        item.addItem(self.image)
        self.line = pg.IsocurveItem(pen=pg.mkPen("#ffffff", width=3))
        self.line.setParentItem(self.image)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 1)
        self.apply_theme(theme)
        self._set_busy(False)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.plot.setBackground(theme.background)
        style_axes(self.plot.getPlotItem(), theme, self.font())

    # -- inputs ---------------------------------------------------------------------------
    def set_params(self, params: Params) -> None:
        """The current setup: the joints offered follow its links; a map of another setup is marked out of date."""
        self.params = params
        n = params.n_links
        if self.joint_i.count() != n:
            for box, pick in ((self.joint_i, 0), (self.joint_j, 1)):
                box.blockSignals(True)
                box.clear()
                for k in range(n):
                    box.addItem(f"joint {k + 1}", k)
                box.setCurrentIndex(min(pick, n - 1))
                box.blockSignals(False)
        if self.basin is not None and not _same_map(self.basin, params):
            self._say("This map is of the setup before: Compute to map the current one.")
        elif self.basin is None:
            self._say("Compute maps the epochs the current learner and eta need from each start of two joints "
                      "(black: diverged, grey: not reached); click a start to run it.")
        self._set_busy(self.busy)

    # -- the job --------------------------------------------------------------------------
    def compute(self, *_args, n: int | None = None) -> None:
        if self.busy or self.params is None:
            return
        i, j = self.joint_i.currentData(), self.joint_j.currentData()
        n = self.grid.currentData() if n is None else n
        try:
            if i == j:
                raise ParamError("joints", "pick two different joints")
            if not self.params.tol > 0:
                raise ParamError("tol", "set 'stop below' (the tolerance) above 0: the map counts the epochs to it")
            check_basin(self.params, i, j, n)
        except ParamError as e:
            self._say(f"<b>Cannot map</b>: {e.rule}.", error=True)
            return
        self.progress.setRange(0, n * n)
        self.progress.setValue(0)
        self._job = job = self.jobs.start("basin", _compute, self.params, i, j, n)
        job.progress.connect(lambda done, total: self.progress.setValue(done))
        job.finished.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self._set_busy(True)
        self._say(f"Computing {n * n:,} runs...")

    def stop(self) -> None:
        if self._job is not None:
            self._job.stop()
            self._job = None
            self._set_busy(False)
            self._say("Map cancelled.")

    @property
    def busy(self) -> bool:
        return self._job is not None

    @Slot(object)
    def _on_done(self, basin) -> None:
        self._job = None
        self._set_busy(False)
        if basin is None:
            return
        self.show_basin(basin)
        self.mapReady.emit(basin)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._job = None
        self._set_busy(False)
        self._say(f"The map failed: {message}", error=True)

    # -- drawing --------------------------------------------------------------------------
    def show_basin(self, basin: Basin) -> None:
        self.basin = basin
        p = basin.params
        rgb, top = basin_rgb(basin.epochs, p.epochs)
        self.image.setImage(rgb.transpose(1, 0, 2), levels=(0, 255))
        w_i, w_j = basin.w_i, basin.w_j
        ci, cj = (w_i[-1] - w_i[0]) / (len(w_i) - 1), (w_j[-1] - w_j[0]) / (len(w_j) - 1)
        self.image.setRect(QRectF(w_i[0] - ci / 2, w_j[0] - cj / 2, w_i[-1] - w_i[0] + ci, w_j[-1] - w_j[0] + cj))
        crit = critical_eta_grid(basin)
        crosses = crit is not None and np.nanmin(crit) < p.eta < np.nanmax(crit)
        self.line.setData(np.nan_to_num(crit, posinf=1e300).T if crosses else None, level=p.eta)
        symbol = "q" if p.relative else "w"
        item = self.plot.getPlotItem()
        item.setLabel("bottom", f"{symbol}{basin.i + 1} start (°)")
        item.setLabel("left", f"{symbol}{basin.j + 1} start (°)")
        item.setRange(xRange=(w_i[0], w_i[-1]), yRange=(w_j[0], w_j[-1]), padding=0.02)
        e = basin.epochs
        self._say(f"{np.count_nonzero((e >= 0) & (e <= p.epochs)):,} starts reached the tolerance (dark: few epochs, "
                  f"yellow: {top}), {np.count_nonzero(e == -1):,} diverged (black), "
                  f"{np.count_nonzero(e == p.epochs + 1):,} did not get there (grey)"
                  + ("; white: eta = eta_crit" if crosses else "") + ". Click a start to run it.")

    def start_at(self, x: float, y: float) -> tuple[float, float] | None:
        """The grid's start nearest the map point ``(x, y)`` (degrees), or None off the map."""
        b = self.basin
        if b is None:
            return None
        ci, cj = (b.w_i[-1] - b.w_i[0]) / (len(b.w_i) - 1), (b.w_j[-1] - b.w_j[0]) / (len(b.w_j) - 1)
        c, r = round((x - b.w_i[0]) / ci), round((y - b.w_j[0]) / cj)
        if not (0 <= c < len(b.w_i) and 0 <= r < len(b.w_j)):
            return None
        return float(b.w_i[c]), float(b.w_j[r])

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or self.basin is None:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        start = self.start_at(point.x(), point.y())
        if start is not None:
            self.startPicked.emit(self.basin.i, self.basin.j, *start)

    def _set_busy(self, busy: bool) -> None:
        self.compute_button.setEnabled(not busy and self.params is not None)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)
