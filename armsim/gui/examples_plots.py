"""The examples tab's three plots (every example's arm, the data with the model's curve, the loss curves) and its
chain-rule table.

Each plot creates its items once and updates them with ``setData`` (one
``PlotDataItem`` per class holds every arm of that class, NaN breaks between
them, so a slider drag redraws a few items, not one per example). Colours come
from :mod:`armsim.render.theme`: class 0 and class 1 are the palette's first
two (then on round the palette), a regression set is drawn in the theme's foreground;
training rows are filled dots, test rows hollow ones. One example is shown in full
(:func:`shown_example`: the probe, else the first training row): softmax's C arms of it overlaid
in bold, and its probability bars (:mod:`armsim.gui.examples_classes`). The data plot shades x by
the predicted class (the decision regions of :func:`~armsim.core.training.class_regions`), behind
the points.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from armsim.core.training import arm_points, class_regions, decision_points, per_example, scores, sigmoid, softmax
from armsim.render.theme import LOG_FLOOR, PALETTE, Theme, style_axes

ARM_ALPHA = 110             # the arms are many and overlap: faint, so the end points and the probe stand out
# The probe (a typed x) is drawn in the theme's start colour: the one colour no class and no curve uses here.
CURVE_SAMPLES = 400
REGION_ALPHA = 40           # the decision regions are a backdrop: the points and curves must read over them
SHOWN_WIDTH = 4             # the shown example's arms: bold over the faint ones
DOT_SIZE = 9
MAX_TABLE_ROWS = 200       # a 10,000-row set would take seconds to lay out; the sum row still covers all
NOTES = {"logistic": "dE/dY = (p - y)/K: the sigmoid's slope p(1 - p) cancels.",
         "squared": "dE/dY = -(y - Y)/K.",
         "softmax": "dE/dY_c = (p_c - [c = label])/K: one arm per class, softmax's slopes cancel as the sigmoid's."}


def groups(setup, p: np.ndarray) -> int:
    """How many colour groups the rows fall in: one per class (softmax: one per arm), one for a regression."""
    return 1 if setup.loss == "squared" else max(2, p.shape[0])


def colour(setup, c: int, theme: Theme) -> str:
    """Class ``c``'s colour (a regression set: the foreground)."""
    return theme.foreground if setup.loss == "squared" else PALETTE[c % len(PALETTE)]


def rows_of(setup, data, c: int) -> np.ndarray:
    """The rows of class ``c`` (a regression set: every row in group 0)."""
    return np.ones(len(data), bool) if setup.loss == "squared" else data.y == c


def shown_example(train, probe) -> tuple[float, str]:
    """The example drawn in full, ``(x, a short name for a title)``: the probe, or else the first training row."""
    if probe is not None:
        return float(probe), f"x = {probe:g}"
    return float(train.x[0]), train.names[0] if train.names else f"x = {train.x[0]:g}"


def grown(items: list, n: int, plot, **style) -> list:
    """``items`` with at least ``n`` PlotDataItems (added to ``plot`` as needed); the unused ones emptied."""
    while len(items) < n:
        items.append(pg.PlotDataItem(**style))
        plot.getPlotItem().addItem(items[-1])
    for it in items[n:]:
        it.setData([], [])
    return items


def broken(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of joint positions as one polyline with a NaN after each (``connect="finite"`` breaks there)."""
    pad = np.full((xs.shape[0], 1), np.nan)
    return np.hstack((xs, pad)).ravel(), np.hstack((ys, pad)).ravel()


class SparseLogAxis(pg.AxisItem):
    """A log axis that labels only 1, 2 and 5 times a power of ten (pyqtgraph labels every minor tick, overlapping)."""

    def logTickStrings(self, values, scale, spacing):
        strings = super().logTickStrings(values, scale, spacing)
        lead = [round(10 ** (v - np.floor(v)), 6) for v in np.asarray(values, float)]
        return [s if m in (1.0, 2.0, 5.0) else "" for s, m in zip(strings, lead)]


def _plot(title: str, bottom: str, left: str, log_y: bool = False) -> pg.PlotWidget:
    plot = pg.PlotWidget(axisItems={"left": SparseLogAxis("left")} if log_y else None)
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.setTitle(title)
    item.setLabel("bottom", bottom)
    item.setLabel("left", left)
    item.showGrid(x=True, y=True, alpha=0.15)
    return plot


class _Plot:
    """Shared theming: each plot's widget is ``self.plot``."""

    plot: pg.PlotWidget

    def set_title(self, text: str) -> None:
        """The plot's title in the theme's colour and size (kept when the theme changes)."""
        if text != self.plot.getPlotItem().titleLabel.text:
            self.plot.getPlotItem().setTitle(text, color=self.theme.foreground, size=f"{self.theme.font_px}px")

    def apply_theme(self, theme: Theme, font) -> None:
        self.theme = theme
        self.plot.setBackground(theme.background)
        style_axes(self.plot.getPlotItem(), theme, font)
        self.plot.getPlotItem().titleLabel.setText(self.plot.getPlotItem().titleLabel.text,
                                                   color=theme.foreground, size=f"{theme.font_px}px")


class ArmsPlot(_Plot):
    """Every training example's arm, base at ``(0, x_k)``, the end points, y = 0 and the probe's arm.

    With several arms (softmax) the shown example (:func:`shown_example`) has all C drawn, bold in
    their classes' colours: its C scores side by side.
    """

    def __init__(self, theme: Theme):
        self.theme = theme
        self.plot = _plot("Every example's arm", "along the arm", "height (base = x)")
        item = self.plot.getPlotItem()
        item.setAspectLocked(True)
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen(theme.foreground, width=1.5, style=Qt.DashLine))
        item.addItem(self.zero)
        self.arms: list = []
        self.ends: list = []
        self.test_ends: list = []
        self.chosen: list = []               # the shown example's C arms (softmax), over the faint ones
        self.probe = pg.PlotDataItem(symbol="o")
        item.addItem(self.probe)

    def show(self, setup, train, test, p, probe) -> None:
        """Arm c of each class-c example (one arm but for softmax), at parameters ``p`` ``(C, P)``."""
        n, lengths = groups(setup, p), setup.lengths
        grown(self.arms, n, self.plot, connect="finite")
        grown(self.ends, n, self.plot, pen=None, symbol="o")
        grown(self.test_ends, n, self.plot, pen=None, symbol="o")
        for c in range(n):
            arm, col = min(c, p.shape[0] - 1), colour(setup, c, self.theme)
            xs, ys = arm_points(setup.model, lengths, p, train.x[rows_of(setup, train, c)], arm)
            self.arms[c].setData(*broken(xs, ys), connect="finite",
                                 pen=self.theme.pen(col, width=2, alpha=ARM_ALPHA))
            self.ends[c].setData(xs[:, -1], ys[:, -1], symbolSize=DOT_SIZE, symbolPen=pg.mkPen(col),
                                 symbolBrush=self.theme.brush(col))
            txs, tys = arm_points(setup.model, lengths, p, test.x[rows_of(setup, test, c)], arm)
            self.test_ends[c].setData(txs[:, -1], tys[:, -1], symbolSize=DOT_SIZE + 2, symbolBrush=None,
                                      symbolPen=pg.mkPen(col, width=2))
        many = p.shape[0] > 1
        x, words = shown_example(train, probe)
        self.set_title(f"Arms; bold: {words}" if many else "Every example's arm")
        grown(self.chosen, p.shape[0] if many else 0, self.plot)
        for c in range(p.shape[0] if many else 0):
            col = colour(setup, c, self.theme)
            xs, ys = arm_points(setup.model, lengths, p, np.array([x]), c)
            self.chosen[c].setData(xs[0], ys[0], pen=self.theme.pen(col, width=SHOWN_WIDTH), symbol="o",
                                   symbolSize=DOT_SIZE, symbolPen=pg.mkPen(self.theme.foreground),
                                   symbolBrush=self.theme.brush(col))
            self.chosen[c].setZValue(5)
        if probe is None or many:            # several arms: the probe's are the bold ones
            self.probe.setData([], [])
        else:
            arm = int(np.argmax(scores(setup.model, lengths, p, np.array([probe]))[:, 0]))   # its class's arm
            xs, ys = arm_points(setup.model, lengths, p, np.array([probe]), arm)
            self.probe.setData(xs[0], ys[0], pen=self.theme.pen(self.theme.start), symbolSize=DOT_SIZE,
                               symbolBrush=self.theme.brush(self.theme.start), symbolPen=None)


class DataPlot(_Plot):
    """x against the label, the prediction curve (Y or p = sigmoid(Y)), the decision regions and points, the probe."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self.plot = _plot("Data and model", "x", "label")
        item = self.plot.getPlotItem()
        self.dots: list = []
        self.test_dots: list = []
        self.curves: list = []
        self.probe = pg.PlotDataItem(pen=None, symbol="star")
        item.addItem(self.probe)
        self.lines: list[pg.InfiniteLine] = []
        self.bands: list[pg.LinearRegionItem] = []

    def show(self, setup, train, test, p, probe, result, epoch) -> None:
        n, loss = groups(setup, p), setup.loss
        self.plot.getPlotItem().setLabel("left", {"logistic": "label, p(x) = sigmoid(Y)", "squared": "label, Y(x)",
                                                  "softmax": "p_c(x); each row at 1"}[loss])
        grown(self.dots, n, self.plot, pen=None, symbol="o")
        grown(self.test_dots, n, self.plot, pen=None, symbol="o")
        for c in range(n):
            col = colour(setup, c, self.theme)
            for items, data, size, brush, width in ((self.dots, train, DOT_SIZE, self.theme.brush(col), 1),
                                                    (self.test_dots, test, DOT_SIZE + 2, None, 2)):
                rows = rows_of(setup, data, c)
                y = np.ones(int(rows.sum())) if loss == "softmax" else data.y[rows]   # its own class's p: 1
                items[c].setData(data.x[rows], y, symbolSize=size, symbolBrush=brush,
                                 symbolPen=pg.mkPen(col, width=width))
        every = np.concatenate((train.x, test.x))
        lo, hi = float(every.min()), float(every.max())
        if probe is not None:
            lo, hi = min(lo, probe), max(hi, probe)
        pad = 0.1 * (hi - lo) or 1.0
        xs = np.linspace(lo - pad, hi + pad, CURVE_SAMPLES)
        ys = self.model(setup, p, xs)
        grown(self.curves, len(ys), self.plot)
        for c, values in enumerate(ys):
            self.curves[c].setData(xs, values, pen=self.theme.pen(colour(setup, c, self.theme) if loss == "softmax"
                                                          else self.theme.final))
        if probe is None:
            self.probe.setData([], [])
        else:
            self.probe.setData([probe], [self.model(setup, p, np.array([probe])).max()], symbolSize=2 * DOT_SIZE,
                               symbolBrush=self.theme.brush(self.theme.start),
                               symbolPen=pg.mkPen(self.theme.foreground))
        regions = [] if result is None or loss == "squared" else class_regions(result, lo - pad, hi + pad, epoch)
        self._bands(setup, regions)
        self._lines([] if not regions else self.boundaries(result, lo - pad, hi + pad, epoch, regions))

    @property
    def curve(self) -> pg.PlotDataItem:
        """The (first) prediction curve."""
        return self.curves[0]

    @staticmethod
    def boundaries(result, lo: float, hi: float, epoch: int, regions: list) -> list[float]:
        """Where the predicted class changes: p = 1/2 (logistic), or between softmax's ``regions``."""
        if result.setup.loss == "logistic":
            return decision_points(result, lo, hi, epoch)
        return [(a[1] + b[0]) / 2 for a, b in zip(regions, regions[1:])]

    def _bands(self, setup, regions: list) -> None:
        """One translucent band per decision region ``(start, end, class)``, in the class's colour."""
        while len(self.bands) < len(regions):
            band = pg.LinearRegionItem(movable=False, pen=pg.mkPen(None))
            band.setZValue(-100)             # behind the points, the curves and the grid's lines
            self.plot.getPlotItem().addItem(band, ignoreBounds=True)
            self.bands.append(band)
        for k, band in enumerate(self.bands):
            band.setVisible(k < len(regions))
            if k < len(regions):
                start, end, c = regions[k]
                band.setRegion((start, end))
                band.setBrush(self.theme.brush(colour(setup, c, self.theme), alpha=REGION_ALPHA))

    def shown_regions(self) -> list[tuple[float, float, str]]:
        """The bands as drawn: ``(start, end, colour as #rrggbb)``."""
        return [(*band.getRegion(), band.brush.color().name()) for band in self.bands if band.isVisible()]

    def _lines(self, at: list[float]) -> None:
        while len(self.lines) < len(at):
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen(self.theme.target, width=2, style=Qt.DashLine))
            self.plot.getPlotItem().addItem(line)
            self.lines.append(line)
        for k, line in enumerate(self.lines):
            line.setVisible(k < len(at))
            if k < len(at):
                line.setValue(at[k])

    @staticmethod
    def model(setup, p, xs) -> np.ndarray:
        """The curves drawn, ``(curves, len(xs))``: Y(x) (squared), p(x) = sigmoid(Y(x)) (logistic), p_c(x)."""
        Y = scores(setup.model, setup.lengths, p, xs)
        if setup.loss == "softmax":
            return softmax(Y)
        return sigmoid(Y[:1]) if setup.loss == "logistic" else Y[:1]


class LossPlot(_Plot):
    """The training and test losses over the epochs (log scale), with a line at the shown epoch."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self.plot = _plot("Loss", "epoch", "loss", log_y=True)
        item = self.plot.getPlotItem()
        item.setLogMode(y=True)
        self.legend = item.addLegend(offset=(-10, 10))      # the top right corner: the losses fall away from it
        self.train = item.plot(name="train")
        self.test = item.plot(name="test")
        self.at = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.foreground, width=1.5))
        item.addItem(self.at)

    def show(self, result, epoch) -> None:
        self.train.setPen(self.theme.pen(self.theme.error))
        self.test.setPen(self.theme.pen(PALETTE[1], style=Qt.DashLine))
        if result is None:
            self.train.setData([], [])
            self.test.setData([], [])
            self.at.setVisible(False)
            return
        epochs = np.arange(result.epochs_run + 1)
        self.train.setData(epochs, np.maximum(result.loss, LOG_FLOOR))
        if result.test_loss is None:
            self.test.setData([], [])
        else:
            self.test.setData(epochs, np.maximum(result.test_loss, LOG_FLOOR))
        self.legend.setVisible(result.test_loss is not None)
        self.at.setVisible(True)
        self.at.setValue(epoch)


def _cell(value: float) -> QTableWidgetItem:
    item = QTableWidgetItem(f"{value:.6g}")
    item.setData(Qt.UserRole, float(value))        # the exact number, behind the rounded text
    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return item


class ChainTable(QTableWidget):
    """The chain rule per training example: x, label, Y, dE/dY and dE/dY * dY/dp for each parameter p."""

    def __init__(self):
        super().__init__()
        self.setEditTriggers(QTableWidget.NoEditTriggers)

    def fill(self, setup, train_set, p) -> str:
        """One row per training example at parameters ``p`` ``(C, P)``, then their sums; returns the note.

        Columns: x, label, then each arm's ``Y_c`` and ``dE/dY_c``, then ``dE/dY_c * dY_c/dp`` for
        each arm's parameters (one arm but for softmax: no class subscripts then).
        """
        dE_dY, _dY_dp, rows = per_example(setup.model, setup.loss, setup.lengths, p, train_set.x, train_set.y)
        n, C = setup.n_links, p.shape[0]
        names = [f"w{i + 1}" for i in range(n)] if setup.model == "offset" else \
            [f"a{i + 1}" for i in range(n)] + [f"b{i + 1}" for i in range(n)]
        arm = [""] if C == 1 else [f"_{c}" for c in range(C)]
        K = len(train_set)
        shown_rows = min(K, MAX_TABLE_ROWS)
        Y = scores(setup.model, setup.lengths, p, train_set.x[:shown_rows])
        heads = ["x", "label"] + [f"Y{a}" for a in arm] + [f"dE/dY{a}" for a in arm]
        first = len(heads)
        heads += [f"dE/dY{a}·dY{a}/d{m}" for a in arm for m in names]
        self.clear()
        self.setColumnCount(len(heads))
        self.setRowCount(shown_rows + 1)
        self.setHorizontalHeaderLabels(heads)
        labels = [train_set.names[k] if train_set.names else str(k + 1) for k in range(shown_rows)]
        self.setVerticalHeaderLabels(labels + ["sum = batch gradient"])
        for k in range(shown_rows):
            values = (train_set.x[k], train_set.y[k], *Y[:, k], *dE_dY[:, k], *rows[:, k].ravel())
            for c, value in enumerate(values):
                self.setItem(k, c, _cell(value))
        for c, value in enumerate(rows.sum(axis=1).ravel()):
            self.setItem(shown_rows, first + c, _cell(value))
        notes = [NOTES[setup.loss], "Each row: one training example's share dE/dY · dY/dp; the last row sums them."]
        if K > shown_rows:
            notes.append(f"The first {shown_rows} of {K:,} rows are shown; the sum is over all {K:,}.")
        self.resizeColumnsToContents()
        return " ".join(notes)


def probe_words(setup, data, p, x: float) -> str:
    """What the model says of the input ``x``: ``Y(x)``, and for a classifier p and the class."""
    Y = scores(setup.model, setup.lengths, p, np.array([x]))[:, 0]
    if setup.loss == "squared":
        return f"Y({x:g}) = {Y[0]:.4g}"
    if setup.loss == "logistic":
        return f"Y({x:g}) = {Y[0]:.4g}, p = {float(sigmoid(Y[0])):.3g}, class {data.class_name(int(Y[0] > 0))}"
    c = int(np.argmax(Y))
    return f"Y_{c}({x:g}) = {Y[c]:.4g} is the largest, p = {float(softmax(Y[:, None])[c, 0]):.3g}, " \
           f"class {data.class_name(c)}"
