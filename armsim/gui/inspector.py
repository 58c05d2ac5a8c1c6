"""The chain-rule inspector: one epoch's update, joint by joint, with the numbers a student can check by hand.

For the post's task (a height, absolute angles) it lists, per joint, w_i before
the update (degrees), dY_n/dw_i = L_i cos w_i, dE/dY_n, dE/dw_i = dE/dY_n *
dY_n/dw_i, the change -eta dE/dw_i and the new w_i, and writes the update out
with those numbers. The model's options change the columns and the text:

- the reach task: dE/dx_n = -(X - x_n) and dE/dy_n = -(Y - y_n), and per joint
  dE/dtheta_i = dE/dx_n * dx_n/dtheta_i + dE/dy_n * dy_n/dtheta_i;
- relative joints q_j: dE/dq_j = sum over i >= j of dE/dtheta_i, written out;
- joint limits: a joint whose step the clip changed says so on its row.

Every number comes from the core's :class:`~armsim.core.run.Epoch` record,
except, with relative joints, dx_n/dtheta_i and dy_n/dtheta_i (the record
holds their sums over i >= j): those come from the core's own Jacobian at the
record's pose, the same floats the core's gradient used. The sums written out
are the only arithmetic done here, for checking.
"""
from __future__ import annotations

import html
import math
from typing import NamedTuple

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

from armsim.core.kinematics import absolute
from armsim.core.learners import setup
from armsim.core.params import POST_LEARNERS, Params
from armsim.core.run import Epoch
from armsim.gui.inspector_learners import change_title, learner_lines, num, term

COLUMNS = ("joint", "w_i before\n(°)", "dY_n/dw_i\n= L_i cos w_i", "dE/dY_n", "dE/dw_i", "change\n-eta dE/dw_i (rad)",
           "w_i after\n(°)")       # two-line titles: the table fits beside the worked update


# num() prints no wider than these: a sign, 6 significant digits, and 4 leading zeros or an
# exponent (3 digits: a run aimed at the base can reach 1e-150).
WIDEST_NUMBERS = ("-0.000888888", "-8.88888e-188")
#: The widest note of the limit column (a limit is a finite number of degrees, at most 1e6 in magnitude).
WIDEST_NOTE = "clipped at its limit of -888888°"
MAX_TERMS = 4           # a sum of more terms is written with its first two and last: a line stays readable
SHOWN_JOINTS = 6        # the worked update writes out this many joints; the table has them all


class Layout(NamedTuple):
    """What an epoch's update is made of, which sets the columns and the worked text.

    ``reach``: the task is a point (X, Y); ``relative``: the parameters are relative
    joint angles q; ``limited``: the joints have limits (a column says where the clip acted).
    """

    reach: bool = False
    relative: bool = False
    limited: bool = False

    @property
    def post(self) -> bool:
        """The post's task and convention: its table and text, exactly as the post writes them."""
        return not (self.reach or self.relative)

    @property
    def p(self) -> str:
        """The name of the learner's parameter: w (the post's), theta (absolute angles), q (relative)."""
        return "q" if self.relative else "w" if self.post else "theta"

    @property
    def a(self) -> str:
        """The name of an absolute angle."""
        return "w" if self.post else "theta"


def layout(rec: Epoch, params: Params | None = None) -> Layout:
    """The :class:`Layout` of ``rec``: from ``params`` when given, else read off the record.

    Without params, the lateral task's records carry ``dE_dX == 0.0`` exactly, absolute
    angles' ``dE_dtheta`` is ``dE_dw`` itself, and a joint was clipped where ``angles``
    differs from ``before + delta``.
    """
    if params is not None:
        return Layout(params.reach is not None, params.relative, params.limited)
    reach = rec.dE_dX is not None and rec.dE_dX != 0.0
    relative = (rec.dE_dtheta is not None and rec.dE_dtheta is not rec.dE_dw
                and not np.array_equal(rec.dE_dtheta, rec.dE_dw))
    return Layout(reach, relative, bool(np.any(_clipped(rec))))


POST = Layout()


def columns(lay: Layout = POST, learner: str = "gradient") -> tuple[str, ...]:
    """The table's column titles for an update of layout ``lay`` made by ``learner``."""
    p, a = lay.p, lay.a
    change = change_title(learner, p)
    if lay.post and learner in POST_LEARNERS:
        titles = list(COLUMNS[:5]) + [change, COLUMNS[6]]
    else:
        titles = ["joint", f"{p}_i before\n(°)"]
        if lay.reach:
            titles += [f"dx_n/d{a}_i\n= −L_i sin {a}_i", f"dy_n/d{a}_i\n= L_i cos {a}_i",
                       f"dE/d{a}_i\n= x term + y term"]
        else:
            titles += [f"dY_n/d{a}_i\n= L_i cos {a}_i", "dE/dY_n", f"dE/d{a}_i\n= dE/dY_n dY_n/d{a}_i"]
        if lay.relative:
            titles.append(f"dE/dq_i\n= Σ_(k≥i) dE/d{a}_k")
        titles += [change, f"{p}_i after\n(°)"]
    if lay.limited:
        titles.append("joint limit")
    return tuple(titles)


class Parts(NamedTuple):
    """The numbers of one update, per joint where they are arrays, as the inspector shows them."""

    dX_dtheta: np.ndarray | None        # dx_n/dtheta_i (None for the lateral task)
    dY_dtheta: np.ndarray               # dY_n/dtheta_i
    dE_dtheta: np.ndarray
    clipped: np.ndarray                 # bool: the clip changed this joint's step
    limits: list[str]                   # the limit each clipped joint was held at ("90"), "" elsewhere


def _clipped(rec: Epoch) -> np.ndarray:
    # angles = clip(before + delta): the same float sum, so any difference is the clip's (NaN is no clip)
    moved = rec.before + rec.delta
    return (rec.angles != moved) & np.isfinite(moved)


def _parts(rec: Epoch, lay: Layout, params: Params | None) -> Parts:
    if not lay.relative:
        dX, dY = (rec.dX_dw if lay.reach else None), rec.dY_dw
    elif params is not None:
        # The record holds dx_n/dq_j = sum over i >= j of dx_n/dtheta_i; the terms are the core's
        # Jacobian for the absolute angles at the record's pose (the floats its gradient used).
        task = setup(params).task._replace(relative=False)
        J = task.jacobian(absolute(rec.before))
        dX, dY = (J[0], J[1]) if lay.reach else (None, J[0])
    else:
        # no lengths to hand: the terms are the differences of the record's sums (up to rounding)
        def terms(s):
            return np.append(-np.diff(s), s[-1])
        dX, dY = (terms(rec.dX_dw) if lay.reach else None), terms(rec.dY_dw)
    clipped = _clipped(rec) if lay.limited else np.zeros(len(rec.angles), bool)
    limits = []
    for i, c in enumerate(clipped.tolist()):
        if not c:
            limits.append("")
        elif params is not None:
            high = rec.angles[i] < rec.before[i] + rec.delta[i]
            side = params.max_angles_deg if high else params.min_angles_deg
            side = side if side is not None else params.max_angles_deg or params.min_angles_deg
            limits.append(f"{side[i]:g}")
        else:
            limits.append(num(math.degrees(rec.angles[i])))
    return Parts(dX, dY, rec.dE_dtheta if rec.dE_dtheta is not None else rec.dE_dw, clipped, limits)


def _note(limit: str) -> str:
    return f"clipped at its limit of {limit}°" if limit else ""


def cells(rec: Epoch, params: Params | None = None) -> list[list[str]]:
    """The table's text, one row per joint, for an epoch record that has an update (index >= 1).

    ``params``, the run's, sets the task and convention (read off the record without it);
    the columns are :func:`columns` of the same layout.
    """
    lay = layout(rec, params)
    before = np.degrees(rec.before)
    after = np.degrees(rec.angles)
    if lay.post and not lay.limited:
        return [[str(i + 1), num(before[i]), num(rec.dY_dw[i]), num(rec.dE_dY), num(rec.dE_dw[i]), num(rec.delta[i]),
                 num(after[i])] for i in range(len(rec.angles))]
    parts = _parts(rec, lay, params)
    rows = []
    for i in range(len(rec.angles)):
        row = [str(i + 1), num(before[i])]
        if lay.post:
            row += [num(rec.dY_dw[i]), num(rec.dE_dY), num(rec.dE_dw[i])]
        elif lay.reach:
            row += [num(parts.dX_dtheta[i]), num(parts.dY_dtheta[i]), num(parts.dE_dtheta[i])]
        else:
            row += [num(parts.dY_dtheta[i]), num(rec.dE_dY), num(parts.dE_dtheta[i])]
        if lay.relative:
            row.append(num(rec.dE_dw[i]))
        row += [num(rec.delta[i]), num(after[i])]
        if lay.limited:
            row.append(_note(parts.limits[i]))
        rows.append(row)
    return rows


def _sum_line(j: int, dE_dtheta: np.ndarray, total: float) -> str:
    """``dE/dq_2 = dE/dtheta_2 + dE/dtheta_3 = a + b = c``: joint ``j`` (from 0)'s sum over i >= j."""
    idx = list(range(j, len(dE_dtheta)))
    if len(idx) == 1:                   # the last joint: its sum is its own term
        return f"dE/dq_{j + 1} = dE/dtheta_{j + 1} = {num(total)}"
    if len(idx) > MAX_TERMS:
        idx = idx[:2] + [None] + idx[-1:]
    names = " + ".join("…" if i is None else f"dE/dtheta_{i + 1}" for i in idx)
    values = " + ".join("…" if i is None else num(dE_dtheta[i]) if k == 0 else term(dE_dtheta[i])
                        for k, i in enumerate(idx))
    return f"dE/dq_{j + 1} = {names} = {values} = {num(total)}"


class InspectorPanel(QWidget):
    """Shows :meth:`show_epoch`'s record; ``next_update`` marks the update about to be applied."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        # Qt's own item model: painting the table calls no Python (a Python model's data() ran
        # for every cell and role, ~10 ms a repaint for 20 joints).
        self.columns: tuple[str, ...] = COLUMNS
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
        """Each column as wide as its title or the widest text it holds, whichever is wider.

        A number column's widest text is the widest :func:`num` prints; the joint-limit column's the
        widest note.
        """
        metrics, header = self.table.fontMetrics(), self.table.horizontalHeader()
        widest = max(metrics.horizontalAdvance(t) for t in WIDEST_NUMBERS)
        note = metrics.horizontalAdvance(WIDEST_NOTE)
        pad = metrics.horizontalAdvance("00")                      # the cell's margins
        for c, title in enumerate(self.columns):
            title_width = max(header.fontMetrics().horizontalAdvance(line) for line in title.split("\n"))
            content = 0 if c == 0 else note if title == "joint limit" else widest
            self.table.setColumnWidth(c, pad + max(title_width, content))

    def _set_columns(self, titles: tuple[str, ...]) -> None:
        """The table's columns become ``titles`` (only the texts that changed are set: a refresh stays cheap)."""
        table = self.table
        if titles == self.columns:
            return
        if len(titles) != len(self.columns):
            table.setRowCount(0)                # _fill makes the items of the new shape
            table.setColumnCount(len(titles))
            table.setHorizontalHeaderLabels(titles)
        else:
            for c, title in enumerate(titles):
                item = table.horizontalHeaderItem(c)
                if item is not None and item.text() != title:
                    item.setText(title)
        self.columns = titles
        self.fit_columns()

    def _fill(self, rows: list[list[str]]) -> None:
        table = self.table
        if table.rowCount() != len(rows):
            table.setRowCount(len(rows))
            for r in range(len(rows)):
                for c in range(len(self.columns)):
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

    def _show_hot_and_cold(self, rec: Epoch, next_update: bool, lay: Layout, limits: list[str]) -> None:
        """Seed 004's update: each joint tried eta up and down, the better kept; the gradient shown beside it."""
        when = (f"<b>Next update (epoch {rec.index})</b>" if next_update
                else f"<b>Epoch {rec.index}</b>: the update that brought the arm here")
        self.title.setText(f"{when} · hot and cold · eta = {num(rec.eta)} · error after = {num(rec.error)}")
        lines = ["hot and cold: each joint is tried eta radians up and down, the others held,",
                 "and moves to the better try (not at all on a tie): the direction, never the amount.",
                 f"The table's dE/d{lay.p}_i is the gradient at the same pose, for comparison."]
        for i in range(min(len(rec.angles), SHOWN_JOINTS)):
            d = rec.delta[i]
            how = "up" if d > 0 else "down" if d < 0 else "stays (a tie)"
            if limits and limits[i]:
                lines.append(f"{lay.p}{i + 1}: {num(rec.before[i])} {'+' if d >= 0 else '−'} {num(abs(d))} = "
                             f"{num(rec.before[i] + d)}, {_note(limits[i])}: {num(rec.angles[i])} ({how})")
            else:
                lines.append(f"{lay.p}{i + 1}: {num(rec.before[i])} {'+' if d >= 0 else '−'} {num(abs(d))} = "
                             f"{num(rec.angles[i])} ({how})")
        if len(rec.angles) > SHOWN_JOINTS:
            lines.append(f"… and {len(rec.angles) - SHOWN_JOINTS} more joints in the table")
        self.worked.setText("<br>".join(html.escape(line) for line in lines))

    def show_no_update(self, start: Epoch) -> None:
        """The run would end at its start pose (``start`` carries why): there is no update to show."""
        self.record = start
        self._fill([])
        self.title.setText(f"<b>No update</b>: the run ends at its start pose · error = {num(start.error)}")
        self.worked.setText(html.escape(f"{start.status}: {start.reason}"))

    def show_epoch(self, rec: Epoch, goal: float, next_update: bool = False, learner: str = "gradient",
                   params: Params | None = None) -> None:
        """Fill the table and the worked update from ``rec`` (an epoch with an update), as ``learner`` made it.

        Parameters
        ----------
        rec : Epoch
            The update shown.
        goal : float
            The height aimed at (``params.goal``: for the reach task the point's Y).
        next_update : bool
            The update about to be applied (the window is idle), not the one applied.
        learner : str
            ``"gradient"`` or ``"hotcold"``.
        params : Params, optional
            The run's: its task, convention and limits set the columns and the text, and the
            reach point's X and the limits are written from it. Without it they are read off
            the record (the reach point's X and x_n are then not written out).
        """
        self.record = rec
        lay = layout(rec, params)
        self._set_columns(columns(lay, learner))
        self._fill(cells(rec, params))
        self.table.setToolTip(self._tooltip(lay))
        limits = _parts(rec, lay, params).limits if lay.limited else []
        if learner == "hotcold":
            self._show_hot_and_cold(rec, next_update, lay, limits)
            return
        when = (f"<b>Next update (epoch {rec.index})</b>, computed from the current pose" if next_update
                else f"<b>Epoch {rec.index}</b>: the update that brought the arm here")
        self.title.setText(f"{when} · eta = {num(rec.eta)} · error after = {num(rec.error)}")
        if lay.post and learner in POST_LEARNERS:
            lines = self._post_lines(rec, goal, limits)
        else:
            lines = self._option_lines(rec, goal, lay, params)
        self.worked.setText("<br>".join(lines))

    @staticmethod
    def _tooltip(lay: Layout) -> str:
        if lay.post:
            return "the chain rule for each joint: dE/dw_i = dE/dY_n × dY_n/dw_i"
        if lay.reach:
            rule = "dE/dtheta_i = dE/dx_n × dx_n/dtheta_i + dE/dy_n × dy_n/dtheta_i"
        else:
            rule = "dE/dtheta_i = dE/dY_n × dY_n/dtheta_i"
        if lay.relative:
            rule += "; relative joints: dE/dq_j = the sum over i ≥ j of dE/dtheta_i"
        return "the chain rule for each joint: " + rule

    @staticmethod
    def _post_lines(rec: Epoch, goal: float, limits: list[str]) -> list[str]:
        """The post's update written out (with a joint's clip when the joints have limits)."""
        y_end = rec.dE_dY + goal            # dE/dY_n = -(goal - Y_n), so Y_n = dE/dY_n + goal
        lines = [f"E = ½(target − Y_n)² ; Y_n = {num(y_end)}, target = {num(goal)}",
                 f"dE/dY_n = −(target − Y_n) = −({num(goal)} − {num(y_end)}) = {num(rec.dE_dY)}"]
        lines.append("w_i ← w_i − eta · dE/dY_n · L_i cos w_i   (radians)")
        for i in range(min(len(rec.angles), SHOWN_JOINTS)):
            line = f"w{i + 1}: {num(rec.before[i])} − {num(rec.eta)} × {num(rec.dE_dY)} × {num(rec.dY_dw[i])}"
            if limits and limits[i]:
                line += f" = {num(rec.before[i] + rec.delta[i])}, {_note(limits[i])}"
            lines.append(line + f" = {num(rec.angles[i])} ({num(math.degrees(rec.angles[i]))}°)")
        if len(rec.angles) > SHOWN_JOINTS:
            lines.append(f"… and {len(rec.angles) - SHOWN_JOINTS} more joints in the table")
        return lines

    @staticmethod
    def _option_lines(rec: Epoch, goal: float, lay: Layout, params: Params | None) -> list[str]:
        """The update of the reach task or relative joints written out, term by term."""
        parts = _parts(rec, lay, params)
        n, shown_joints = len(rec.angles), range(min(len(rec.angles), SHOWN_JOINTS))
        y_end = rec.dE_dY + goal            # dE/dy_n = -(Y - y_n), so y_n = dE/dy_n + Y
        if lay.reach:
            if params is not None:
                X = params.reach[0]
                x_end = rec.dE_dX + X
                lines = [f"E = ½((X − x_n)² + (Y − y_n)²) ; x_n = {num(x_end)}, y_n = {num(y_end)}, "
                         f"target (X, Y) = ({num(X)}, {num(goal)})",
                         f"dE/dx_n = −(X − x_n) = −({num(X)} − {num(x_end)}) = {num(rec.dE_dX)}"]
            else:
                lines = [f"E = ½((X − x_n)² + (Y − y_n)²) ; y_n = {num(y_end)}, Y = {num(goal)}",
                         f"dE/dx_n = −(X − x_n) = {num(rec.dE_dX)}"]
            lines += [f"dE/dy_n = −(Y − y_n) = −({num(goal)} − {num(y_end)}) = {num(rec.dE_dY)}",
                      "dE/dtheta_i = dE/dx_n · dx_n/dtheta_i + dE/dy_n · dy_n/dtheta_i,",
                      "  dx_n/dtheta_i = −L_i sin theta_i, dy_n/dtheta_i = L_i cos theta_i"]
            for i in shown_joints:
                lines.append(f"dE/dtheta_{i + 1} = {num(rec.dE_dX)} × {num(parts.dX_dtheta[i])} + "
                             f"{term(rec.dE_dY)} × {num(parts.dY_dtheta[i])} = {num(parts.dE_dtheta[i])}")
        else:
            lines = [f"E = ½(target − Y_n)² ; Y_n = {num(y_end)}, target = {num(goal)}",
                     f"dE/dY_n = −(target − Y_n) = −({num(goal)} − {num(y_end)}) = {num(rec.dE_dY)}",
                     "dE/dtheta_i = dE/dY_n · L_i cos theta_i"]
            for i in shown_joints:
                lines.append(f"dE/dtheta_{i + 1} = {num(rec.dE_dY)} × {num(parts.dY_dtheta[i])} = "
                             f"{num(parts.dE_dtheta[i])}")
        if n > SHOWN_JOINTS:
            lines.append(f"… and {n - SHOWN_JOINTS} more joints in the table")
        p = lay.p
        if lay.relative:
            lines.append("relative joints (theta_i = q_1 + … + q_i): dE/dq_j = sum over i ≥ j of dE/dtheta_i")
            lines += [_sum_line(j, parts.dE_dtheta, rec.dE_dw[j]) for j in shown_joints]
        if params is not None and params.learner not in POST_LEARNERS:
            return [html.escape(line) for line in lines + learner_lines(rec, params, p, parts.limits)]
        clip = ", then clipped into its limits" if lay.limited else ""
        lines.append(f"{p}_i ← {p}_i − eta · dE/d{p}_i   (radians){clip}")
        for i in shown_joints:
            line = f"{p}{i + 1}: {num(rec.before[i])} − {num(rec.eta)} × {num(rec.dE_dw[i])}"
            if parts.limits[i]:
                line += f" = {num(rec.before[i] + rec.delta[i])}, {_note(parts.limits[i])}"
            lines.append(line + f" = {num(rec.angles[i])} ({num(math.degrees(rec.angles[i]))}°)")
        if n > SHOWN_JOINTS:
            lines.append(f"… and {n - SHOWN_JOINTS} more joints in the table")
        return [html.escape(line) for line in lines]
