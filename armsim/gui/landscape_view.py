"""The Landscape tab: the error over two joints' parameters as a heat map, with the descent path on it.

This module owns the widget; the numbers are :mod:`armsim.core.landscape`'s
(:func:`~armsim.core.landscape.landscape_for`), for the setup's task (lateral or
reach) and over the learner's own parameters (absolute angles ``w``, or relative
ones ``q``). The map is computed for the setup's START pose (every other joint
held at its start), so during a run it is exact only at the start: the path and
the green marker show the run's two chosen parameters projected onto it.

With joint limits the part of the map the learner cannot reach is shaded (a
veil of the background colour over each joint's out-of-range band) and each
limit is a dashed line; a click there picks no start, as the setup would refuse it.

Orientation: ``Landscape.errors[a, b]`` has joint ``i`` on the rows. The image
item is made with ``axisOrder="col-major"`` (whatever the global option says),
so it reads ``image[x, y]``: handing it ``errors`` as is puts joint ``i`` on the
horizontal axis and joint ``j`` on the vertical one, and ``setRect`` centres
pixel ``(a, b)`` on ``(wi[a], wj[b])`` in degrees.

The colour is ``log10(E + tiny)`` (:func:`shade`): on a linear scale the valley
of solutions (E = 0) is a hair-thin line lost in the dark half of the map.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QGraphicsRectItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from armsim.core.landscape import Landscape, landscape_for, path_on
from armsim.core.params import Params
from armsim.render.theme import LIGHT, MAP_LINE, MAP_SHADOW, Theme, style_axes, style_axis

GRID_POINTS = 200                   # per axis: 1.8 degrees a cell, ~1 ms to compute
DECADES = 6                         # colours span this many decades below the map's largest error
COLORMAP = "viridis"                # perceptually uniform, readable in grey and with colour blindness
TICKS = (-180, -90, 0, 90, 180)
DOTS_UP_TO = 200                    # a short path also gets a dot per epoch
MAX_PATH_POINTS = 20_000            # a longer path is thinned: 1e6 points took 0.6 s to repaint
PATH_QUANTUM = 0.1                  # degrees; a cell of the map is 1.8
HINT = "Hover to read the error; click to start from there."
LIMITS_HINT = HINT + " Shaded: beyond the joint limits."
VEIL_ALPHA = 150                    # of the background colour over an out-of-range band: its colours still read
LIMIT_Z, PATH_Z = 5, 10             # the veil and limit lines over the image, under the path and the markers


def thin(x: np.ndarray, y: np.ndarray, connect: np.ndarray, quantum: float = PATH_QUANTUM,
         most: int = MAX_PATH_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Which points of a long path to draw so that it looks the same at screen resolution.

    Parameters
    ----------
    x, y, connect : ndarray, shape (k,)
        A :class:`~armsim.core.landscape.MapPath` in degrees, and its ``connect``.
    quantum : float
        A point in the same ``quantum``-degree square as the one before is dropped
        (a converging run sits still for most of its epochs). If more than ``most``
        remain (a run that rocks or jumps forever), every s-th point is kept instead.

    Returns
    -------
    index : ndarray of int
        The points kept (all of them when ``k <= most``): always the first, the last
        and both ends of every wrap.
    connect : ndarray of bool
        For the kept points: joined to the next kept one only if no wrap lies between.
    """
    k = len(x)
    if k <= most:
        return np.arange(k), connect
    cells = np.column_stack((np.floor(x / quantum), np.floor(y / quantum)))
    keep = np.ones(k, dtype=bool)
    keep[1:] = (cells[1:] != cells[:-1]).any(axis=1)
    if keep.sum() > most:
        keep[:] = False
        keep[::-(-k // most)] = True
    breaks = ~connect
    keep |= breaks
    keep[1:] |= breaks[:-1]
    keep[-1] = True
    idx = np.flatnonzero(keep)
    before = np.concatenate(([0], np.cumsum(breaks)))       # breaks among points 0 .. t-1
    return idx, np.append(before[idx[1:]] == before[idx[:-1]], False)


def shade(errors: np.ndarray) -> np.ndarray:
    """What the map colours: ``log10(E + tiny)``, ``tiny`` being :data:`DECADES` decades below ``max(E)``.

    A relative ``tiny`` keeps the contrast the same whatever the arm's size (E scales with length squared).
    """
    top = max(float(np.max(errors)), 1e-300)
    return np.log10(errors + top * 10.0 ** -DECADES)


def _map_key(p: Params) -> tuple:
    return p.angles_deg, p.lengths, p.base, p.goal, p.reach, p.relative, p.min_angles_deg, p.max_angles_deg


def param_symbol(params: Params | None) -> str:
    """The learner's parameter as the labels name it: ``w`` (absolute angles) or ``q`` (relative joints)."""
    return "q" if params is not None and params.relative else "w"


def within_limits(params: Params, k: int, deg: float) -> float | None:
    """The angle ``deg`` of joint ``k``, shifted by whole turns into its limits; None if no turn of it fits.

    The map shows each angle once (a joint turned a whole turn is the same pose), so a
    point of the map stands for every turn of its angle; the start takes the one allowed.
    """
    lo, hi = params.limits_deg[0][k], params.limits_deg[1][k]
    turns = np.ceil((lo - deg) / 360.0) if deg < lo else np.floor((hi - deg) / 360.0) if deg > hi else 0.0
    value = round(deg + 360.0 * float(turns), 1)
    return value if lo <= value <= hi else None


class LandscapeView(QWidget):
    """Heat map of the error over joints ``i`` and ``j``, the descent path, start and current markers.

    Signals
    -------
    startAnglesPicked(int, int, float, float)
        A click on the map: joint ``i``, joint ``j`` (0-based) and their new start
        angles in degrees (rounded to 0.1; a cell of the map spans 1.8 degrees).
    """

    startAnglesPicked = Signal(int, int, float, float)

    def __init__(self, parent=None, theme: Theme = LIGHT):
        super().__init__(parent)
        self.params: Params | None = None
        self.landscape: Landscape | None = None
        self._history: np.ndarray | None = None
        self._current: np.ndarray | None = None
        self._shown = True              # see set_shown
        self._path_stale = False
        self.combo_i, self.combo_j = QComboBox(), QComboBox()
        self.combo_i.activated.connect(self._joint_picked)
        self.combo_j.activated.connect(self._joint_picked)
        row = QHBoxLayout()
        self.joint_widgets = [QLabel("Error over"), self.combo_i, QLabel("against"), self.combo_j]
        for w in self.joint_widgets:
            row.addWidget(w)
        row.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)

        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setAspectLocked(True, 1.0)                 # degrees against degrees
        item.setMouseEnabled(False, False)              # a click picks a start; dragging must not pan
        item.setRange(xRange=(-180, 180), yRange=(-180, 180), padding=0.08)   # room for the ±180° labels
        self.image = pg.ImageItem(axisOrder="col-major")
        item.addItem(self.image)
        cmap = pg.colormap.get(COLORMAP)
        self.bar = pg.ColorBarItem(values=(-DECADES, 0), colorMap=cmap, label="log10 of error E",
                                   interactive=False, width=20)
        self.bar.setImageItem(self.image, insert_in=item)
        self.path = item.plot(antialias=True)
        self.path.setZValue(PATH_Z)
        self.limit_veils: list[QGraphicsRectItem] = []          # out-of-range bands, remade with the map
        self.limit_lines = item.plot(antialias=True)             # every limit on the map, one segment each
        self.limit_lines.setZValue(LIMIT_Z)
        # One spot each at the origin, moved with setPos: a tenth of the cost of setData, every frame.
        self.start_marker, self.current_marker = pg.ScatterPlotItem([0.0], [0.0]), pg.ScatterPlotItem([0.0], [0.0])
        for marker in (self.start_marker, self.current_marker):
            marker.setZValue(PATH_Z)
            item.addItem(marker)
        self.readout = QLabel(HINT)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.plot.scene().sigMouseClicked.connect(self._clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self.apply_theme(theme)
        self.set_params(None)

    # -- look ---------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        """Pens, sizes and fonts from ``theme``."""
        self.theme = t = theme
        self.plot.setBackground(t.background)
        item = self.plot.getPlotItem()
        font = self.font()
        style_axes(item, t, font)
        style_axis(self.bar.axis, t, font)
        for name in ("bottom", "left"):
            item.getAxis(name).setTicks([[(v, f"{v}°") for v in TICKS]])
        self.path.setPen(pg.mkPen(MAP_LINE, width=t.line_width))
        self.path.setShadowPen(pg.mkPen(MAP_SHADOW, width=t.line_width + 3))
        # Dashed, so a limit never reads as the (solid) path; white over a dark shadow, as the path is.
        self.limit_lines.setPen(pg.mkPen(MAP_LINE, width=t.line_width * 0.75, style=Qt.DashLine))
        self.limit_lines.setShadowPen(pg.mkPen(MAP_SHADOW, width=t.line_width * 0.75 + 2))
        for veil in self.limit_veils:
            veil.setBrush(t.brush(t.background, alpha=VEIL_ALPHA))
        # Two shapes as well as two colours: red and green alone fail the commonest colour blindness.
        for marker, colour, symbol, size in ((self.start_marker, t.start, "o", 1.5),
                                             (self.current_marker, t.final, "d", 2.2)):
            marker.setSymbol(symbol)
            marker.setSize(t.joint_size * size)
            marker.setBrush(t.brush(colour))
            marker.setPen(pg.mkPen(MAP_LINE, width=2.5))
        self._label_axes()

    def _label_axes(self) -> None:
        i, j = self.joints
        item = self.plot.getPlotItem()
        s = param_symbol(self.params)
        what = "relative angle" if s == "q" else "angle"
        item.setLabel("bottom", f"{s}{i + 1}, {what} of joint {i + 1}")
        item.setLabel("left", f"{s}{j + 1}, {what} of joint {j + 1}")

    # -- inputs from the window -----------------------------------------------------------
    @property
    def joints(self) -> tuple[int, int]:
        """The two joints mapped, 0-based: ``(i, j)``, ``i`` horizontal."""
        i, j = self.combo_i.currentIndex(), self.combo_j.currentIndex()
        return (i, j) if i >= 0 and j >= 0 else (0, 1)          # empty boxes (under two links): the first two

    def set_params(self, params: Params | None) -> None:
        """A new setup (None while it is invalid): recompute the map for its start pose and forget the run.

        A change that leaves the map as it is (eta, epochs, tol, learner) keeps the map and the run drawn.
        """
        old, self.params = self.params, params
        if old is not None and params is not None and _map_key(old) == _map_key(params):
            return
        self._history = self._current = None
        n = 0 if params is None else params.n_links
        if n != self.combo_i.count():
            i, j = self.joints
            for combo in (self.combo_i, self.combo_j):
                combo.clear()
                combo.addItems([f"joint {k + 1}" for k in range(n)])
            if n >= 2:
                i, j = (i, j) if max(i, j) < n and i != j else (0, 1)
                self.combo_i.setCurrentIndex(i)
                self.combo_j.setCurrentIndex(j)
        for w in self.joint_widgets:
            w.setVisible(n >= 2)
        self.plot.setVisible(n >= 2)
        self.readout.setVisible(n >= 2)
        self.readout.setText(self._hint())
        self.message.setVisible(n < 2)
        if params is None:
            self.message.setText("Fix the setup first: the map is drawn for its start pose.")
        elif n < 2:
            self.message.setText("The map needs two joints to vary, and this arm has one link. "
                                 "Add a link to see the error landscape.")
        self._recompute()

    def set_history(self, angles) -> None:
        """Draw a run's path: ``angles`` (radians, shape (epochs + 1, links), e.g. ``Result.angles``); None clears."""
        self._history = None if angles is None else np.asarray(angles, dtype=float)
        self._draw_path()
        if self._history is not None and len(self._history):
            self.set_current(self._history[-1])

    def set_current(self, angles) -> None:
        """Move the green marker to the pose ``angles`` (radians); cheap enough to call every frame."""
        self._current = None if angles is None else np.asarray(angles, dtype=float)
        land = self.landscape
        shown = land is not None and self._current is not None and self._current.shape == land.pose.shape
        self.current_marker.setVisible(shown)     # hidden without a map, or for a stale pose of another arm
        if shown:
            self.current_marker.setPos(*self._on_map(self._current[[land.i, land.j]]))

    def _on_map(self, w: np.ndarray) -> tuple[float, float]:
        """Two angles (radians) as the point of the map that shows them, in degrees (any whole turns off)."""
        land = self.landscape
        centre = 0.5 * (land.wi[0] + land.wi[-1])          # wrapped as landscape.path_on wraps
        w = np.degrees(w - 2 * np.pi * np.round((w - centre) / (2 * np.pi)))
        return float(w[0]), float(w[1])

    def clear_run(self) -> None:
        """Forget the path and the current marker (the map stays)."""
        self.set_history(None)
        self.set_current(None)

    # -- drawing ------------------------------------------------------------------------
    def _joint_picked(self, _index: int) -> None:
        i, j = self.combo_i.currentIndex(), self.combo_j.currentIndex()
        land = self.landscape
        if i == j and land is not None:
            # One joint against itself is no map: the other box takes the joint just given up. Which box
            # moved is read from the map drawn (sender() is None for a signal emitted from Python).
            other, old = (self.combo_j, land.i) if i != land.i else (self.combo_i, land.j)
            with QSignalBlocker(other):
                other.setCurrentIndex(old)
        self._recompute()

    def _recompute(self) -> None:
        p = self.params
        if p is None or p.n_links < 2:
            self.landscape = None
            self.image.clear()
            self.path.setData([], [])
            self.start_marker.hide()
            self.current_marker.hide()
            self._draw_limits()
            return
        i, j = self.joints
        land = landscape_for(p, i, j, n=GRID_POINTS)
        self.landscape = land
        values = shade(land.errors)
        top = float(values.max())
        self.image.setImage(values, autoLevels=False)
        self.bar.setLevels((top - DECADES, top))
        lo, hi = land.wi_deg[0], land.wi_deg[-1]
        cell = (hi - lo) / (GRID_POINTS - 1)
        # Cell (a, b) is centred on (wi[a], wj[b]): the grid includes both ends, so the image is one cell wider.
        self.image.setRect(QRectF(lo - cell / 2, land.wj_deg[0] - cell / 2, hi - lo + cell, hi - lo + cell))
        self.start_marker.setPos(*self._on_map(np.radians([p.angles_deg[i], p.angles_deg[j]])))
        self.start_marker.show()
        self._label_axes()
        self._draw_limits()
        self._draw_path()
        self.set_current(self._current)

    def _draw_limits(self) -> None:
        """Veil each joint's out-of-range bands across the whole map; a dashed line at each limit."""
        item = self.plot.getPlotItem()
        for veil in self.limit_veils:
            item.removeItem(veil)
        self.limit_veils = []
        land = self.landscape
        if land is None or land.lo is None:
            self.limit_lines.setData([], [])
            return
        half = 0.5 * (land.wi_deg[-1] - land.wi_deg[0]) / (GRID_POINTS - 1)
        # The image's rectangle, degrees: the cells are centred on the axes' points, so it is half a cell wider.
        box = {"x": (land.wi_deg[0] - half, land.wi_deg[-1] + half),
               "y": (land.wj_deg[0] - half, land.wj_deg[-1] + half)}
        x, y = [], []
        for axis, allowed, ends in (("x", land.allowed_i, land.wi_deg), ("y", land.allowed_j, land.wj_deg)):
            (first, last), across = box[axis], box["y" if axis == "x" else "x"]
            limits = [float(v) for span in np.degrees(allowed).reshape(-1, 2) for v in span]
            bounds = [first] + [first if v == ends[0] else last if v == ends[-1] else v for v in limits] + [last]
            for a, b in zip(bounds[::2], bounds[1::2]):          # the bands between the allowed spans
                if b > a:
                    self._veil(QRectF(a, across[0], b - a, across[1] - across[0]) if axis == "x"
                               else QRectF(across[0], a, across[1] - across[0], b - a))
            for v in limits:
                if ends[0] < v < ends[-1]:                      # a limit, not where the map's own edge cut a span
                    x += [v, v] if axis == "x" else list(across)
                    y += list(across) if axis == "x" else [v, v]
        self.limit_lines.setData(x, y, connect="pairs")

    def _veil(self, rect: QRectF) -> None:
        veil = QGraphicsRectItem(rect)
        veil.setPen(pg.mkPen(None))
        veil.setBrush(self.theme.brush(self.theme.background, alpha=VEIL_ALPHA))
        veil.setZValue(LIMIT_Z)
        self.plot.getPlotItem().addItem(veil, ignoreBounds=True)
        self.limit_veils.append(veil)

    def _hint(self) -> str:
        return LIMITS_HINT if self.params is not None and self.params.limited else HINT

    def set_shown(self, shown: bool) -> None:
        """Whether the map can be seen (a dock tabbed behind another cannot); the window tells it.

        Mapping a long run's path costs ~20 ms (100,000 epochs): a covered map waits
        to draw it until it shows.
        """
        self._shown = shown
        if shown and self._path_stale:
            self._draw_path()

    def _draw_path(self) -> None:
        if not self._shown:
            self._path_stale = True
            return
        self._path_stale = False
        land, h = self.landscape, self._history
        if land is None or h is None or h.ndim != 2 or h.shape[1] != land.pose.size or not len(h):
            self.path.setData([], [])
            return
        path = path_on(land, h)
        x, y = path.wi_deg, path.wj_deg
        idx, connect = thin(x, y, path.connect)
        self.path.setData(x[idx], y[idx], connect=connect, symbol="o" if len(h) <= DOTS_UP_TO else None,
                          symbolSize=5, symbolBrush=MAP_LINE, symbolPen=None)

    # -- mouse --------------------------------------------------------------------------
    def _map_point(self, scene_pos) -> tuple[float, float] | None:
        """Degrees ``(w_i, w_j)`` under a scene position, rounded to 0.1 (a cell spans 1.8), or None off the map.

        Hover and click share it, so the error read on hover is the error of the start a click picks.
        """
        box = self.plot.getPlotItem().vb
        if self.landscape is None or not box.sceneBoundingRect().contains(scene_pos):
            return None
        p = box.mapSceneToView(scene_pos)
        x, y = round(p.x(), 1), round(p.y(), 1)
        return (x, y) if -180.0 <= x <= 180.0 and -180.0 <= y <= 180.0 else None

    def _hover(self, scene_pos) -> None:
        point = self._map_point(scene_pos)
        if point is None:
            self.readout.setText(self._hint())
            return
        i, j = self.joints
        e = float(self.landscape.error_at(*np.radians(point)))
        s = param_symbol(self.params)
        text = f"{s}{i + 1} = {point[0]:.1f}°, {s}{j + 1} = {point[1]:.1f}°, E = {e:.4g}"
        out = [k + 1 for k, v in ((i, point[0]), (j, point[1])) if within_limits(self.params, k, v) is None]
        if out:
            joints = f"joint {out[0]}" if len(out) == 1 else f"joints {out[0]} and {out[1]}"
            text += f" (beyond the limits of {joints}: no start here)"
        self.readout.setText(text)

    def _clicked(self, event) -> None:
        point = self._map_point(event.scenePos())
        if event.button() != Qt.LeftButton or point is None:
            return
        i, j = self.joints
        deg_i, deg_j = within_limits(self.params, i, point[0]), within_limits(self.params, j, point[1])
        if deg_i is None or deg_j is None:
            return                  # beyond a joint's limits: the setup would refuse this start
        event.accept()
        self.startAnglesPicked.emit(i, j, deg_i, deg_j)
