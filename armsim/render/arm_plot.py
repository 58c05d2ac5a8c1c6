"""The arm canvas: base, the target (a dashed line, or a point to reach), red start pose, green current pose,
fading trail, and each limited joint's range.

Every plot item is created once and fed with ``setData``, never cleared and
re-added per frame. The trail keeps the last TRAIL_LENGTH poses, drawn as a
few line items of rising opacity (one path per group, NaN-separated), so what is
drawn stays bounded however long the run and a repaint stays cheap.
"""
from __future__ import annotations

from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from armsim.core.kinematics import forward
from armsim.core.params import Params
from armsim.render.live_plot import LivePlot
from armsim.render.theme import LIGHT, Theme, style_axes

TRAIL_LENGTH = 16
TRAIL_GROUPS = 4                 # opacity steps of the trail; each group is one path (cheap to paint)
RANGE_RADIUS = 0.4              # of a link's length: how far a joint's drawn range reaches along it
LEGEND_COLUMNS = 3               # start pose, current pose, base: one row where the width allows
LEGEND_MAX_SHARE = 0.2          # of the plot's height: a legend taller than this hides (the colours are the key)
LEGEND_SPACING = 28              # pixels between a legend entry's parts and the next entry
LEGEND_GAP = 5                   # pixels between the columns of the legend's layout (pyqtgraph's horSpacing)
SAMPLE_HALF = 10                 # pyqtgraph draws a legend sample's symbol centred this far into its 20 px box


def pose_points(angles: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """The polyline of a pose (``angles`` the learner's parameters, in radians): the base then joints 1..n."""
    x, y = forward(np.asarray(angles, dtype=float), np.asarray(params.lengths), params.base, params.relative)
    return np.concatenate(([0.0], x)), np.concatenate(([params.base], y))


def limit_marks(angles: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Each limited joint's range at the pose ``angles``, as one NaN-separated path.

    Joint i turns link i about the joint before it (the base for the first); its range is
    drawn there, at RANGE_RADIUS of the link's length: a spoke at each limit and, when both
    are set, the arc between them, the directions the link may take. Relative limits are
    measured from the previous link's direction at this pose, so they turn with the arm.
    """
    if not params.limited:
        return np.empty(0), np.empty(0)
    x, y = pose_points(angles, params)
    angles = np.asarray(angles, dtype=float)
    theta = np.cumsum(angles) if params.relative else angles
    n = len(angles)
    low = params.min_angles_deg or (None,) * n
    high = params.max_angles_deg or (None,) * n
    xs, ys = [], []
    for i in range(n):
        lo, hi = low[i], high[i]
        if lo is None and hi is None:
            continue
        zero = theta[i - 1] if params.relative and i > 0 else 0.0    # where the joint's own 0 points
        r = RANGE_RADIUS * params.lengths[i]
        ends = [np.radians(v) + zero for v in (lo, hi) if v is not None]
        if len(ends) == 2:
            t = np.linspace(ends[0], ends[1], max(2, int(abs(hi - lo) / 5) + 2))
            xs += [x[i], *(x[i] + r * np.cos(t)), x[i], np.nan]
            ys += [y[i], *(y[i] + r * np.sin(t)), y[i], np.nan]
        else:
            xs += [x[i], x[i] + r * np.cos(ends[0]), np.nan]
            ys += [y[i], y[i] + r * np.sin(ends[0]), np.nan]
    return np.array(xs), np.array(ys)


class ArmView(LivePlot):
    """Draws one arm; :meth:`set_params` frames it, :meth:`show_pose` moves the green pose."""

    def __init__(self, parent=None, theme: Theme = LIGHT):
        super().__init__(parent, background=theme.background)
        self.theme = theme
        self.params: Params | None = None
        self.show_legend = True          # figures too small for a legend turn it off
        self.frame_held = False          # while the mouse drags the setup: the view keeps its framing
        item = self.getPlotItem()
        item.setAspectLocked(True, 1.0)
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setLabel("bottom", "x")
        item.setLabel("left", "lateral position Y")
        # The legend is a row above the data, never over it: inside, wherever it sat, some pose or the
        # target came under it (and on a small or high-DPI screen it covered most of the arm).
        legend = item.legend = pg.LegendItem(colCount=LEGEND_COLUMNS, frame=False,      # plot(name=) fills it
                                             horSpacing=LEGEND_GAP)
        item.layout.removeItem(item.titleLabel)     # the title's cell (this plot has no title)
        item.titleLabel.hide()
        item.layout.addItem(legend, 0, 1)
        item.layout.setAlignment(legend, Qt.AlignHCenter | Qt.AlignBottom)
        legend.mouseDragEvent = lambda event: event.ignore()     # pyqtgraph lets a legend be dragged anywhere
        # Its width never holds the plot wider than the widget (fit_legend_row picks columns that fit):
        # a graphics layout takes the legend's inner layout as its least width, hidden or not.
        legend.setMinimumWidth(0)
        self.cache_still(legend)
        for name in ("bottom", "left"):
            item.getAxis(name).setStyle(maxTickLevel=0)               # major grid lines only
        self.target_line = pg.InfiniteLine(angle=0, movable=False)
        item.addItem(self.target_line)
        self.target_point = pg.ScatterPlotItem()                    # the reach task's target
        item.addItem(self.target_point)
        self.limits = pg.PlotCurveItem(connect="finite")             # joint ranges, at the pose shown
        item.addItem(self.limits)
        self.trail_items = [pg.PlotCurveItem(connect="finite") for _ in range(TRAIL_GROUPS)]
        for t in self.trail_items:
            item.addItem(t)
        self.trail: deque = deque(maxlen=TRAIL_LENGTH)               # (x, y) polylines, oldest first
        self.start_curve = item.plot(name="start pose", antialias=True)
        self.final_curve = item.plot(name="current / final pose", antialias=True)
        self.base_marker = item.plot(name="base")
        self.target_label = pg.TextItem(anchor=(1, 1))               # right end of the line: the base is left
        item.addItem(self.target_label)
        self._bounds = None
        self._shown = None          # angles of the green pose, pushed onto the trail when it moves
        self.cache_still(self.start_curve.curve, self.start_curve.scatter, self.base_marker.scatter,
                         self.target_line, self.target_label)
        self.apply_theme(theme)

    # -- look ---------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackground(theme.background)
        t = theme
        self.target_line.setPen(t.pen(t.target, max(2.0, t.line_width * 0.7), Qt.DashLine))
        self.target_point.setSymbol("+")
        self.target_point.setSize(t.joint_size * 2.2)
        self.target_point.setPen(t.pen(t.target, max(2.0, t.line_width * 0.7)))
        self.target_point.setBrush(t.brush(t.target))
        self.limits.setPen(t.pen(t.foreground, t.detail_width, alpha=140))
        self.start_curve.setPen(t.pen(t.start, style=t.start_style))
        self.start_curve.setSymbol("o")
        self.start_curve.setSymbolSize(t.joint_size)
        self.start_curve.setSymbolBrush(t.brush(t.start))
        self.start_curve.setSymbolPen(t.pen(t.start, 1))
        self.final_curve.setPen(t.pen(t.final))
        self.final_curve.setSymbol("o")
        self.final_curve.setSymbolSize(t.joint_size)
        self.final_curve.setSymbolBrush(t.brush(t.final))
        self.final_curve.setSymbolPen(t.pen(t.final, 1))
        self.base_marker.setPen(None)
        self.base_marker.setSymbol("s")
        self.base_marker.setSymbolSize(t.joint_size * 1.6)
        self.base_marker.setSymbolBrush(t.brush(t.base))
        self.target_label.setColor(t.target)
        font = self.target_label.textItem.font()
        font.setPixelSize(t.font_px)
        self.target_label.setFont(font)
        for i, item in enumerate(self.trail_items):       # oldest group faintest
            item.setPen(t.pen(t.final, t.detail_width, alpha=int(50 + 150 * i / (TRAIL_GROUPS - 1))))
        style_axes(self.getPlotItem(), t, self.font())
        legend = self.getPlotItem().legend
        legend.setLabelTextSize(f"{t.font_px}px")
        legend.setLabelTextColor(t.foreground)
        for _sample, label in legend.items:      # the two setters above only reach labels added later
            label.setText(label.text, size=f"{t.font_px}px", color=t.foreground)
        # A symbol wider than the sample's box (the base's square in presentation mode) ran over its label:
        # the columns move apart by what sticks out.
        legend.layout.setHorizontalSpacing(LEGEND_GAP + self._legend_overhang())
        self.fit_legend_row()

    def _legend_overhang(self) -> float:
        """Pixels the largest legend symbol sticks out of its sample's box on each side."""
        sizes = [c.opts["symbolSize"] for c in (self.start_curve, self.final_curve, self.base_marker)]
        return max(0.0, max(sizes) / 2 - SAMPLE_HALF)

    def fit_legend_row(self) -> None:
        """Lay the legend out above the data in as many columns as the plot's width holds (3, 2 or 1),
        hidden when not even one fits, when it would take over LEGEND_MAX_SHARE of the height, or when
        :attr:`show_legend` is off; its row gets the legend's height. Changes nothing that is already so
        (a resize must not re-lay the plot out needlessly)."""
        item = self.getPlotItem()
        legend, layout = item.legend, item.layout
        room = self.width() - item.getAxis("left").width()
        overhang = 2 * self._legend_overhang()
        entries = [(sample.width() + label.item.boundingRect().width() + LEGEND_SPACING + overhang,
                    max(sample.height(), label.item.boundingRect().height())) for sample, label in legend.items]
        widths = sorted((w for w, _ in entries), reverse=True)
        columns = next((c for c in range(LEGEND_COLUMNS, 0, -1) if sum(widths[:c]) <= room), 0)
        rows = -(-len(entries) // columns) if columns else 0
        height = float(rows * max((h for _, h in entries), default=0.0))
        shown = self.show_legend and columns > 0 and height <= LEGEND_MAX_SHARE * self.height()
        if not shown:
            height = 0.0
        if columns and columns != legend.columnCount:
            legend.setColumnCount(columns)
        # As wide as its columns (entry k in column k mod c), so the row is centred, not spread out.
        width = sum(max(w for w, _ in entries[c::columns]) for c in range(columns)) if columns else 0.0
        if (shown, height, width) != (legend.isVisible(), layout.rowMaximumHeight(0), legend.maximumWidth()):
            legend.setVisible(shown)
            legend.setMaximumHeight(height if shown else 0.0)     # a graphics layout keeps room for hidden items
            legend.setMaximumWidth(width)
            layout.setRowFixedHeight(0, height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if "show_legend" in self.__dict__:      # not while PlotWidget builds itself
            self.fit_legend_row()

    # -- content ------------------------------------------------------------------------
    def set_params(self, params: Params) -> None:
        """A new arm or start pose: draw the red start, clear the run, frame the view."""
        x, y = pose_points(np.radians(params.angles_deg), params)
        self.start_curve.setData(x, y)
        self.base_marker.setData([0.0], [params.base])
        self.getPlotItem().setLabel("left", "y" if params.reach else "lateral position Y")
        self._draw_aim(params)
        self.clear_run()
        if not self.frame_held:
            self._bounds = None
        tx, ty = self._target_points()
        self._include(np.append(x, tx), np.append(y, ty))
        self.limits.setData(*limit_marks(np.radians(params.angles_deg), params))

    def set_aim(self, params: Params) -> None:
        """The target moved (follow mode, or a replayed epoch of such a run): draw it there, the run kept.

        ``params`` is the shown setup aimed elsewhere (the same arm and task)."""
        self._draw_aim(params)
        if not self.frame_held:
            tx, ty = self._target_points()
            self._include(tx if len(tx) else np.array([0.0]), ty)
        if self._bounds is not None:
            self._place_label(self._bounds[1])

    def _draw_aim(self, params: Params) -> None:
        self.params = params
        reach = params.reach
        self.target_line.setVisible(reach is None)
        self.target_line.setValue(params.goal)
        self.target_point.setData([reach[0]] if reach else [], [reach[1]] if reach else [])
        self.target_label.setText(f"target ({reach[0]:g}, {reach[1]:g})" if reach else f"target {params.goal:g}")

    def reframe(self) -> None:
        """Frame the start pose, the target and the pose shown afresh (after a zoom with the wheel)."""
        self._bounds = None
        x, y = pose_points(np.radians(self.params.angles_deg), self.params)
        if self._shown is not None:
            gx, gy = pose_points(self._shown, self.params)
            x, y = np.append(x, gx), np.append(y, gy)
        tx, ty = self._target_points()
        self._include(np.append(x, tx), np.append(y, ty))

    def _target_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The points the view must hold for the target: the reach point, or none (the line is infinite)."""
        reach = self.params.reach
        return (np.array([reach[0]]), np.array([reach[1]])) if reach else (np.empty(0), np.array([self.params.goal]))

    def clear_run(self) -> None:
        self._shown = None
        self.final_curve.setData([], [])
        if self.params is not None:         # the ranges at the start pose again
            self.limits.setData(*limit_marks(np.radians(self.params.angles_deg), self.params))
        self.trail.clear()
        self._draw_trail()

    def show_pose(self, angles: np.ndarray, trail: tuple = ()) -> None:
        """Move the green pose to ``angles``; the pose it leaves and the frame's
        intermediate poses (``trail``, oldest first, ending with ``angles``) join the fading trail."""
        behind = ([self._shown] if self._shown is not None else []) + list(trail[:-1])
        self._remember(behind[-TRAIL_LENGTH:])
        if behind:
            self._draw_trail()
        self._set_green(angles)

    def show_pose_with_trail(self, angles: np.ndarray, trail: tuple = ()) -> None:
        """Show the green pose at ``angles`` and exactly the poses ``trail`` (oldest first) as the trail.

        What :meth:`clear_run` then ``show_pose(angles, trail + (angles,))`` show, whatever
        was shown before, with each item's data set once instead of twice (video frames).
        """
        self.trail.clear()
        self._remember(tuple(trail)[-TRAIL_LENGTH:])
        self._draw_trail()
        if not self._set_green(angles):
            self.final_curve.setData([], [])

    def _remember(self, poses) -> None:
        """Add the finite ones of ``poses`` to the trail (divergence never draws garbage)."""
        for a in poses:
            x, y = pose_points(a, self.params)
            if np.isfinite(x).all() and np.isfinite(y).all():
                self.trail.append((x, y))

    def _set_green(self, angles: np.ndarray) -> bool:
        """Draw the green pose at ``angles`` if it is finite; False (nothing drawn) otherwise."""
        self._shown = angles
        x, y = pose_points(angles, self.params)
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            return False
        self.final_curve.setData(x, y)
        if not self.frame_held:         # the view never moves under a mouse that drags the target
            self._include(x, y)
        if self.params.limited:
            self.limits.setData(*limit_marks(angles, self.params))
        return True

    def _draw_trail(self) -> None:
        """Split the remembered poses into TRAIL_GROUPS paths, newest in the most opaque."""
        poses = list(self.trail)
        size = -(-TRAIL_LENGTH // TRAIL_GROUPS)
        start = TRAIL_LENGTH - len(poses)          # a short trail fills the newest groups first
        for g, item in enumerate(self.trail_items):
            chunk = poses[max(0, g * size - start):max(0, (g + 1) * size - start)]
            if not chunk:
                item.setData([], [])
                continue
            gap = np.array([np.nan])
            item.setData(np.concatenate([np.concatenate((x, gap)) for x, _ in chunk]),
                         np.concatenate([np.concatenate((y, gap)) for _, y in chunk]))

    def frame_to(self, x: np.ndarray, y: np.ndarray) -> None:
        """Frame the view afresh around these points and the target line (after :meth:`set_params`).

        For a view that stays put over a whole run (exports): pass every point any
        pose will occupy, and no later pose moves the view.
        """
        self._bounds = None
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        tx, ty = self._target_points()
        self._include(np.append(x, tx), np.append(y, ty))

    def _place_label(self, hi: np.ndarray) -> None:
        """The target's label beside the point, or at the line's right end (``hi`` the view's top right)."""
        reach = self.params.reach
        self.target_label.setAnchor((0, 1) if reach else (1, 1))
        self.target_label.setPos(*(reach if reach else (hi[0], self.params.goal)))

    def _include(self, x: np.ndarray, y: np.ndarray) -> None:
        """Grow the view (never shrink it mid-run) so these points show, with a margin.

        Framing follows the poses rather than the whole reachable disc, so a near-horizontal
        arm fills the canvas; the view only moves when a pose would leave it.
        """
        lo = np.array([x.min(), y.min()])
        hi = np.array([x.max(), y.max()])
        pad = 0.12 * self.params.span
        if self._bounds is not None:
            old_lo, old_hi = self._bounds
            if (lo >= old_lo).all() and (hi <= old_hi).all():
                return
            lo, hi = np.minimum(lo - pad, old_lo), np.maximum(hi + pad, old_hi)
        else:
            r = self.params.span
            centre = (lo + hi) / 2
            half = np.maximum((hi - lo) / 2 + pad, 0.35 * r)     # never a sliver
            lo, hi = centre - half, centre + half
        self._bounds = (lo, hi)
        self._place_label(hi)
        self.getPlotItem().setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)
