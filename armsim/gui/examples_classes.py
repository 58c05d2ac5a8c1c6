"""The examples tab's views of a classifier's classes: one example's probability vector as bars, and the
confusion matrices of the training and test sets.

Both show a classifier only (logistic: two classes, p = (1 - p, p); softmax: one per arm) and hide
for a regression set. The bars are one ``BarGraphItem`` made once and updated with ``setOpts``;
each bar is in its class's colour (:func:`~armsim.gui.examples_plots.colour`). The matrix's counts
are :meth:`~armsim.core.training.TrainResult.confusion`'s, at the shown epoch.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from armsim.core.training import scores, sigmoid, softmax
from armsim.gui.examples_plots import _Plot, _plot, colour
from armsim.render.theme import Theme

BAR_WIDTH = 0.7
DIAGONAL_ALPHA = 60         # the right answers' cells, tinted in their class's colour


def class_probabilities(setup, p: np.ndarray, x: float) -> np.ndarray:
    """``p`` of each class for the input ``x`` at parameters ``p`` ``(C, P)``: softmax's C, logistic's (1 - p, p)."""
    Y = scores(setup.model, setup.lengths, p, np.array([float(x)]))
    if setup.loss == "softmax":
        return softmax(Y)[:, 0]
    one = sigmoid(Y[0])[0]
    return np.array([1.0 - one, one])


class ProbabilityBars(_Plot):
    """One bar per class: the shown example's p, the class names along x and p from 0 to 1 up."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self.plot = _plot("p of each class", "", "")         # the title says p: the names need the width
        item = self.plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=False, y=True, alpha=0.15)
        self.bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        item.addItem(self.bars)
        self.values: list[pg.TextItem] = []

    def show(self, setup, data, p, x: float | None) -> None:
        """The bars of input ``x`` (None or a regression set: hidden)."""
        shown = setup.loss != "squared" and x is not None
        self.plot.setVisible(shown)
        if not shown:
            return
        heights = class_probabilities(setup, p, x)
        C = len(heights)
        cols = [colour(setup, c, self.theme) for c in range(C)]
        self.bars.setOpts(x=np.arange(C), height=heights, width=BAR_WIDTH,
                          brushes=[self.theme.brush(col) for col in cols], pens=[pg.mkPen(col) for col in cols])
        item = self.plot.getPlotItem()
        item.getAxis("bottom").setTicks([[(c, data.class_name(c)) for c in range(C)]])
        item.setXRange(-0.5, C - 0.5, padding=0)
        item.setYRange(0.0, 1.12, padding=0)         # room for the numbers above a bar at 1
        while len(self.values) < C:
            self.values.append(pg.TextItem(anchor=(0.5, 1.0)))
            item.addItem(self.values[-1])
        for c, text in enumerate(self.values):
            text.setVisible(c < C)
            if c < C:
                text.setText(f"{heights[c]:.2f}", color=self.theme.foreground)
                text.setPos(c, heights[c])

    @property
    def heights(self) -> np.ndarray:
        """The bars' heights as drawn."""
        return np.asarray(self.bars.opts["height"], float)


class ConfusionTable(QTableWidget):
    """Counts: row the true class, column the predicted one, class names as headers; the diagonal tinted."""

    def __init__(self):
        super().__init__()
        self.setEditTriggers(QTableWidget.NoEditTriggers)
        self.setSelectionMode(QTableWidget.NoSelection)
        self.setFocusPolicy(Qt.NoFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSizeAdjustPolicy(QAbstractScrollArea.AdjustToContents)   # as small as its counts
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeToContents)

    def fill(self, counts: np.ndarray, names: list[str], theme: Theme, setup) -> None:
        C = len(names)
        self.setRowCount(C)
        self.setColumnCount(C)
        self.setHorizontalHeaderLabels(names)
        self.setVerticalHeaderLabels(names)
        for r in range(C):
            for c in range(C):
                cell = QTableWidgetItem(str(int(counts[r, c])))
                cell.setData(Qt.UserRole, int(counts[r, c]))
                cell.setTextAlignment(Qt.AlignCenter)
                if r == c:
                    tint = QColor(colour(setup, c, theme))
                    tint.setAlpha(DIAGONAL_ALPHA)
                    cell.setBackground(tint)
                    font = QFont(self.font())
                    font.setBold(True)
                    cell.setFont(font)
                self.setItem(r, c, cell)
        self.resizeColumnsToContents()
        self.resizeRowsToContents()
        # exactly its cells: a few counts need no scroll bars, and a squeezed layout must not clip a class
        frame = 2 * self.frameWidth()
        self.setFixedSize(self.verticalHeader().width() + self.horizontalHeader().length() + frame,
                          self.horizontalHeader().height() + self.verticalHeader().length() + frame)

    def counts(self) -> np.ndarray:
        """The counts as shown, ``(C, C)``."""
        return np.array([[self.item(r, c).data(Qt.UserRole) for c in range(self.columnCount())]
                         for r in range(self.rowCount())], dtype=int)


class ClassesPanel(QWidget):
    """The accuracy (``accuracy``, a label the tab writes) over the train and test confusion matrices."""

    def __init__(self, accuracy: QLabel):
        super().__init__()
        self.train, self.test = ConfusionTable(), ConfusionTable()
        caption = QLabel("Confusion: rows the true class, columns the predicted")
        caption.setWordWrap(True)
        matrices = QHBoxLayout()
        self.boxes = []
        for name, table in (("train", self.train), ("test", self.test)):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(QLabel(name))
            column.addWidget(table)
            column.addStretch(1)
            matrices.addWidget(box)
            self.boxes.append(box)
        matrices.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (accuracy, caption):
            layout.addWidget(widget)
        layout.addLayout(matrices, 1)

    def fill(self, result, data, train_set, test_set, epoch: int, theme: Theme) -> None:
        """The matrices at ``epoch``: a classifier's result only, the test one when there is a test set."""
        shown = result is not None and result.setup.loss != "squared"
        self.setVisible(shown)
        if not shown:
            return
        for table, box, rows in ((self.train, self.boxes[0], train_set), (self.test, self.boxes[1], test_set)):
            box.setVisible(len(rows) > 0)
            if len(rows):
                counts = result.confusion(rows, epoch)
                table.fill(counts, [data.class_name(c) for c in range(len(counts))], theme, result.setup)


def accuracy_words(result, train, test, epoch: int) -> str:
    """A classifier's accuracy at ``epoch``, training and test sets ("" for a regression or no result)."""
    if result is None or result.setup.loss == "squared":
        return ""
    words = f"accuracy: train {result.accuracy(train, epoch):.1%}"
    return words + (f", test {result.accuracy(test, epoch):.1%}" if len(test) else "")
