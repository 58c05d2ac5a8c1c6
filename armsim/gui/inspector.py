"""The chain-rule inspector: one epoch's update, joint by joint, with the numbers a student can check by hand.

For the epoch shown it lists, per joint, w_i before the update (degrees),
dY_n/dw_i = L_i cos w_i, dE/dY_n, dE/dw_i = dE/dY_n * dY_n/dw_i, the change
-eta dE/dw_i and the new w_i, and writes the update out with those numbers.
Every number comes from the core's :class:`~armsim.core.run.Epoch` record;
nothing is recomputed here.
"""
from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from armsim.core.run import Epoch

COLUMNS = ("joint", "w_i before\n(°)", "dY_n/dw_i\n= L_i cos w_i", "dE/dY_n", "dE/dw_i", "change\n-eta dE/dw_i (rad)",
           "w_i after\n(°)")       # two-line titles: the table fits beside the worked update


# num() prints no wider than these: a sign, 6 significant digits, and 4 leading zeros or an
# exponent (3 digits: a run aimed at the base can reach 1e-150).
WIDEST_NUMBERS = ("-0.000888888", "-8.88888e-188")


def num(x: float) -> str:
    """How the inspector prints a number: 6 significant digits, enough to check a step by hand."""
    return f"{x:.6g}"


def cells(rec: Epoch) -> list[list[str]]:
    """The table's text, one row per joint, for an epoch record that has an update (index >= 1)."""
    before = np.degrees(rec.before)
    after = np.degrees(rec.angles)
    return [[str(i + 1), num(before[i]), num(rec.dY_dw[i]), num(rec.dE_dY), num(rec.dE_dw[i]), num(rec.delta[i]),
             num(after[i])] for i in range(len(rec.angles))]


class InspectorPanel(QWidget):
    """Shows :meth:`show_epoch`'s record; ``next_update`` marks the update about to be applied."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        # Qt's own item model: painting the table calls no Python (a Python model's data() ran
        # for every cell and role, ~10 ms a repaint for 20 joints).
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.setToolTip("the chain rule for each joint: dE/dw_i = dE/dY_n × dY_n/dw_i")
        self.worked = QLabel()
        self.worked.setTextFormat(Qt.RichText)
        self.worked.setWordWrap(True)
        self.worked.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.worked.setTextInteractionFlags(Qt.TextSelectableByMouse)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.Monospace)
        self.worked.setFont(mono)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        body = QHBoxLayout()                # table beside the worked update: both stay readable in a low dock
        body.addWidget(self.table, 3)
        # In a low dock (a 768-pixel screen, a high-DPI scale) the worked update is longer than the room:
        # it scrolls instead of being cut off.
        self.worked_area = QScrollArea()
        self.worked_area.setWidget(self.worked)
        self.worked_area.setWidgetResizable(True)
        self.worked_area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)    # the text wraps
        self.worked_area.setFrameShape(QScrollArea.NoFrame)
        body.addWidget(self.worked_area, 2)
        layout.addLayout(body, 1)
        self.record: Epoch | None = None
        self.fit_columns()

    def wanted_height(self, rows: int) -> int:
        """Pixels the panel needs to show the title and ``rows`` table rows without scrolling."""
        table = self.table
        row = table.verticalHeader().defaultSectionSize()
        header = table.horizontalHeader().sizeHint().height()
        bar = table.horizontalScrollBar().sizeHint().height()
        margins = self.layout().contentsMargins()
        return (self.title.sizeHint().height() + self.layout().spacing() + header + rows * row + bar
                + 2 * table.frameWidth() + margins.top() + margins.bottom())

    def fit_columns(self) -> None:
        """Each column as wide as its title or the widest number :func:`num` prints, whichever is wider."""
        metrics, header = self.table.fontMetrics(), self.table.horizontalHeader()
        widest = max(metrics.horizontalAdvance(t) for t in WIDEST_NUMBERS)
        pad = metrics.horizontalAdvance("00")                      # the cell's margins
        for c, title in enumerate(COLUMNS):
            title_width = max(header.fontMetrics().horizontalAdvance(line) for line in title.split("\n"))
            self.table.setColumnWidth(c, pad + (title_width if c == 0 else max(title_width, widest)))

    def _fill(self, rows: list[list[str]]) -> None:
        table = self.table
        if table.rowCount() != len(rows):
            table.setRowCount(len(rows))
            for r in range(len(rows)):
                for c in range(len(COLUMNS)):
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    table.setItem(r, c, item)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.item(r, c).setText(text)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            self.fit_columns()

    def _show_hot_and_cold(self, rec: Epoch, next_update: bool) -> None:
        """Seed 004's update: each joint tried eta up and down, the better kept; the gradient shown beside it."""
        when = (f"<b>Next update (epoch {rec.index})</b>" if next_update
                else f"<b>Epoch {rec.index}</b>: the update that brought the arm here")
        self.title.setText(f"{when} · hot and cold · eta = {num(rec.eta)} · error after = {num(rec.error)}")
        lines = ["hot and cold: each joint is tried eta radians up and down, the others held,",
                 "and moves to the better try (not at all on a tie): the direction, never the amount.",
                 "The table's dE/dw_i is the gradient at the same pose, for comparison."]
        for i in range(min(len(rec.angles), 6)):
            d = rec.delta[i]
            how = "up" if d > 0 else "down" if d < 0 else "stays (a tie)"
            lines.append(f"w{i + 1}: {num(rec.before[i])} {'+' if d >= 0 else '−'} {num(abs(d))} = "
                         f"{num(rec.angles[i])} ({how})")
        if len(rec.angles) > 6:
            lines.append(f"… and {len(rec.angles) - 6} more joints in the table")
        self.worked.setText("<br>".join(html.escape(line) for line in lines))

    def show_no_update(self, start: Epoch) -> None:
        """The run would end at its start pose (``start`` carries why): there is no update to show."""
        self.record = start
        self._fill([])
        self.title.setText(f"<b>No update</b>: the run ends at its start pose · error = {num(start.error)}")
        self.worked.setText(html.escape(f"{start.status}: {start.reason}"))

    def show_epoch(self, rec: Epoch, goal: float, next_update: bool = False, learner: str = "gradient") -> None:
        """Fill the table and the worked update from ``rec`` (an epoch with an update), as ``learner`` made it."""
        self.record = rec
        self._fill(cells(rec))
        header = self.table.horizontalHeaderItem(5)
        change = "change\n-eta dE/dw_i (rad)" if learner == "gradient" else "change\n±eta or 0 (rad)"
        if header is not None and header.text() != change:
            header.setText(change)
        if learner == "hotcold":
            self._show_hot_and_cold(rec, next_update)
            return
        when = (f"<b>Next update (epoch {rec.index})</b>, computed from the current pose" if next_update
                else f"<b>Epoch {rec.index}</b>: the update that brought the arm here")
        y_end = rec.dE_dY + goal            # dE/dY_n = -(goal - Y_n), so Y_n = dE/dY_n + goal
        self.title.setText(f"{when} · eta = {num(rec.eta)} · error after = {num(rec.error)}")
        lines = [f"E = ½(target − Y_n)² ; Y_n = {num(y_end)}, target = {num(goal)}",
                 f"dE/dY_n = −(target − Y_n) = −({num(goal)} − {num(y_end)}) = {num(rec.dE_dY)}"]
        lines.append("w_i ← w_i − eta · dE/dY_n · L_i cos w_i   (radians)")
        for i in range(min(len(rec.angles), 6)):
            lines.append(f"w{i + 1}: {num(rec.before[i])} − {num(rec.eta)} × {num(rec.dE_dY)} × {num(rec.dY_dw[i])}"
                         f" = {num(rec.angles[i])} ({num(math.degrees(rec.angles[i]))}°)")
        if len(rec.angles) > 6:
            lines.append(f"… and {len(rec.angles) - 6} more joints in the table")
        self.worked.setText("<br>".join(lines))
