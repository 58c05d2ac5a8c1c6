"""A basin map or an error landscape as a picture (``armsim map --out FILE.png|.svg``).

This module owns how a map looks outside the window: the grid as an image over
the two joints' start angles (pyqtgraph's ``ImageItem``), a colour bar, and for a
basin map the diverged starts in black, the starts that never reached the
tolerance in grey, and the meter's stability line (``eta = eta_crit`` of each
start, pyqtgraph's ``IsocurveItem``) where the learner has one. Written atomically.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF

from armsim.core.basin import Basin, critical_eta_grid
from armsim.core.params import Params
from armsim.core.sweeps import LEARNER_NAMES
from armsim.io.atomic import atomic_write
from armsim.render.qt_app import make_app
from armsim.render.theme import LIGHT, style_axes

COLORMAP = "viridis"                 # perceptually uniform, readable in grey and with colour blindness
DIVERGED, NOT_REACHED = (0, 0, 0), (170, 170, 170)
MAP_SIZE = (1100, 900)


def basin_rgb(epochs: np.ndarray, budget: int) -> tuple[np.ndarray, int]:
    """Colours (rows w_j, columns w_i, 3): epochs to the tolerance on the colour map, black, grey."""
    reached = (epochs >= 0) & (epochs <= budget)
    top = int(epochs[reached].max()) if reached.any() else 1
    rgb = np.empty(epochs.shape + (3,), np.uint8)
    lut = pg.colormap.get(COLORMAP).getLookupTable(nPts=256, alpha=False)
    rgb[reached] = lut[np.clip((epochs[reached] / max(top, 1) * 255).astype(int), 0, 255)]
    rgb[epochs == -1] = DIVERGED
    rgb[~reached & (epochs != -1)] = NOT_REACHED
    return rgb, top


def map_plot(params: Params, kind: str, arrays: dict, joints: tuple[int, int], size=MAP_SIZE) -> pg.PlotWidget:
    """The map drawn on a plot of ``size`` pixels (not shown)."""
    make_app()
    t = LIGHT
    i, j = joints
    w_i, w_j = arrays["w_i"], arrays["w_j"]
    symbol = "q" if params.relative else "w"
    plot = pg.PlotWidget()
    plot.resize(*size)
    plot.setBackground(t.background)
    item = plot.getPlotItem()
    item.setLabel("bottom", f"{symbol}{i + 1} start (°)")
    item.setLabel("left", f"{symbol}{j + 1} start (°)")
    style_axes(item, t, plot.font())
    if kind == "basin":
        rgb, top = basin_rgb(arrays["epochs"], params.epochs)
        image = pg.ImageItem(rgb.transpose(1, 0, 2), levels=(0, 255))    # image[x, y]; the colours as given
        title = (f"epochs to tol {params.tol:g}: {LEARNER_NAMES[params.learner]}, eta {params.eta:g}<br>"
                 f"dark: few, yellow: {top}; black: diverged; grey: not reached in {params.epochs}")
    else:
        values = np.log10(np.maximum(arrays["errors"], 1e-12))
        image = pg.ImageItem(values.T)
        image.setColorMap(pg.colormap.get(COLORMAP))
        title = "log10 of the error E over the two joints, the others at their start"
    cell_i = (w_i[-1] - w_i[0]) / max(len(w_i) - 1, 1)
    cell_j = (w_j[-1] - w_j[0]) / max(len(w_j) - 1, 1)
    image.setRect(QRectF(w_i[0] - cell_i / 2, w_j[0] - cell_j / 2, w_i[-1] - w_i[0] + cell_i,
                         w_j[-1] - w_j[0] + cell_j))
    item.addItem(image)
    if kind == "basin":
        crit = critical_eta_grid(Basin(params, i, j, w_i, w_j, arrays["epochs"]))
        if crit is not None and np.nanmin(crit) < params.eta < np.nanmax(crit):     # the line crosses the map
            line = pg.IsocurveItem(data=np.nan_to_num(crit, posinf=1e300).T, level=params.eta,
                                   pen=pg.mkPen("#ffffff", width=3))
            line.setParentItem(image)       # in the image's cells, so the line sits on the map's axes
            title += "; white: eta = eta_crit"
    item.setTitle(title, color=t.foreground, size=f"{max(12, t.font_px - 4)}px")
    item.setRange(xRange=(w_i[0], w_i[-1]), yRange=(w_j[0], w_j[-1]), padding=0.02)
    return plot


def export_map(params: Params, kind: str, arrays: dict, joints: tuple[int, int], path: str,
               size=MAP_SIZE) -> None:
    """Write the map to ``path`` (``.png`` or ``.svg``), replacing it only once the whole file is written."""
    plot = map_plot(params, kind, arrays, joints, size)
    if str(path).lower().endswith(".svg"):
        from pyqtgraph.exporters import SVGExporter
        plot.grab()                      # lay the plot out as the picture would
        atomic_write(path, SVGExporter(plot.getPlotItem()).export(toBytes=True))
        return
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    if not plot.grab().toImage().save(buffer, "PNG"):
        raise OSError("Qt could not encode the PNG")
    buffer.close()
    atomic_write(path, bytes(data))
