"""One picture of a run at a fixed pixel size, and the PNG and SVG figure exports.

This module owns :class:`RunFigure`, the composition every export draws: a
title line, the arm canvas (:class:`~armsim.render.arm_plot.ArmView`) on the left
and the error curve (:class:`~armsim.render.error_plot.ErrorPlot`) on the right,
with fonts, lines and joints scaled to the pixel size so a 1080p video frame
reads from the back of a classroom. Video frames (:mod:`armsim.render.video`)
are drawn by the same class, so a PNG of epoch ``j`` is pixel for pixel the
video's frame of epoch ``j``.

Determinism: what a frame shows depends only on ``(result, epoch position)``.
The views are framed once per result from every pose the run will show (not
grown frame by frame), and each frame rebuilds the trail from the result
instead of remembering earlier frames, so frames may be drawn in any order.

Speed: a video draws 30 frames a second of video, so :meth:`RunFigure.paint_into`
does not go through ``QWidget.render`` (about 20 ms a 1080p frame, half of
it Qt's widget and scene machinery). It paints the plot items itself, as
``QGraphicsView`` would (:class:`_ScenePainter`), and only what can change:
everything that stays put for a run (axes, grid, start pose, legend) is painted
once (:class:`_Backdrop`), and a frame repaints just the boxes around the moving
items, in paint order, drawing static items there from cached layers where that
is exact. About 9 ms a frame on an idle core, and the very pixels of
``QWidget.render`` (the tests compare them), so PNGs and videos look as before.

Figure formats (:func:`export_figure`)
---------------------------------------
``.png``  the whole RunFigure rendered into an image. pyqtgraph's
          ``ImageExporter`` sees one plot item only, and the figure is two
          plots and a title; rendering the widget also gives exactly the
          pixels of the video frames.
``.svg``  pyqtgraph's ``SVGExporter`` on each of the two plot items, combined
          into one document of the figure's size: each plot's drawing is a
          group translated to where the plot sits in the figure (its ids
          prefixed ``arm_`` / ``error_`` so the two clip paths cannot
          collide), plus the title as ``<text>``.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import replace
from xml.sax.saxutils import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QEvent, QIODevice, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPicture, QRegion, QTransform
from PySide6.QtWidgets import (QApplication, QGraphicsItem, QGraphicsSimpleTextItem, QGraphicsTextItem,
                               QGraphicsView, QGraphicsWidget, QHBoxLayout, QLabel, QStyle,
                               QStyleOptionGraphicsItem, QVBoxLayout, QWidget)

from armsim.io.atomic import atomic_write
from armsim.core.kinematics import forward
from armsim.io.media import DEFAULT_SIZE, FIGURE_FORMATS, OptionError, check_format, check_size
from armsim.core.run import Result
from armsim.render.arm_plot import TRAIL_LENGTH, ArmView
from armsim.render.error_plot import LOG_FLOOR, ErrorPlot
from armsim.render.qt_app import make_app
from armsim.render.theme import LIGHT, Theme

REFERENCE_SIZE = (1920, 1080)      # the size the sizes below are chosen for; others scale with the smaller ratio
# At 1080p: a 28 px axis font is legible on a projector from the back row, and a 6 px line
# survives video compression and downscaling to 720p.
VIDEO_SCALE = dict(line_width=6.0, joint_size=20.0, font_px=28)
TITLE_SCALE = 1.3                  # title font relative to the axis font
ARM_STRETCH, ERROR_STRETCH = 3, 2  # the arm is the subject; the curve its commentary
MAX_STEP = 0.5                     # radians: steps larger than this get in-between poses in the framing
IN_BETWEEN = 7                     # parts per large step: pi / 7 < MAX_STEP
STATUS_WORDS = {"converged": "converged", "diverged": "diverged", "unreachable": "target out of reach",
                "stopped": "stopped"}


def ensure_app() -> QApplication:
    """The QApplication, configured as the window configures it (:func:`armsim.render.qt_app.make_app`)."""
    return QApplication.instance() or make_app()


def scaled_theme(theme: Theme, size: tuple[int, int]) -> Theme:
    """``theme`` with fonts, line widths and joint sizes scaled for a picture of ``size`` pixels."""
    s = min(size[0] / REFERENCE_SIZE[0], size[1] / REFERENCE_SIZE[1])
    return replace(theme, line_width=max(1.0, VIDEO_SCALE["line_width"] * s),
                   joint_size=max(4.0, VIDEO_SCALE["joint_size"] * s),
                   font_px=max(8, round(VIDEO_SCALE["font_px"] * s)))


def framing_points(result: Result) -> tuple[np.ndarray, np.ndarray]:
    """Every point the arm will occupy in any frame of ``result``, for a fixed view.

    The epoch poses, plus poses along the linear interpolation between
    consecutive epochs (what video frames with several frames per epoch show)
    wherever a joint turns more than :data:`MAX_STEP` radians in one epoch,
    sampled less than that apart, so no frame falls outside the view's margin
    whatever the frames per epoch. A step of more than half a turn can swing a
    link anywhere, so such a run is framed to the whole reachable disc.
    """
    p = result.params
    w = result.angles
    steps = np.abs(np.diff(w, axis=0)).max(axis=1, initial=0.0)
    x, y = _points(w[np.isfinite(w).all(axis=1)], p)
    if not steps.size or steps.max() <= MAX_STEP:
        return x, y
    if not steps.max() <= math.pi:
        r = p.reach
        return np.append(x, [-r, r, 0.0, 0.0]), np.append(y, [p.base, p.base, p.base - r, p.base + r])
    big = np.flatnonzero(steps > MAX_STEP)
    # A step is at most pi here, so IN_BETWEEN equal parts are each under MAX_STEP.
    f = (np.arange(1, IN_BETWEEN) / IN_BETWEEN)[None, :, None]
    between = ((1.0 - f) * w[big][:, None, :] + f * w[big + 1][:, None, :]).reshape(-1, w.shape[1])
    bx, by = _points(between, p)
    return np.append(x, bx), np.append(y, by)


def _points(w: np.ndarray, params) -> tuple[np.ndarray, np.ndarray]:
    """Base and joint positions of a batch of poses ``(B, n)``, flattened."""
    x, y = forward(w, np.asarray(params.lengths), params.base)
    return np.append(x.ravel(), 0.0), np.append(y.ravel(), params.base)


MIN_LEGEND_WIDTH = 640     # narrower (thumbnails) the legend would cover the poses; the colours are the key


class RunFigure(QWidget):
    """A title, the arm and the error curve of one run, at a fixed pixel size, renderable offscreen.

    Parameters
    ----------
    size : (int, int)
        Width and height in pixels (16 to 7680 each).
    theme : Theme
        Colours; its sizes are replaced by ones scaled to ``size`` (:func:`scaled_theme`).
    log_error : bool
        Draw the error on a log scale.
    """

    def __init__(self, size: tuple[int, int] = DEFAULT_SIZE, theme: Theme = LIGHT, *, log_error: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        w, h = check_size(size)
        self.setFixedSize(w, h)
        # Never mapped on a real display either: the figure only ever renders into images.
        self.setAttribute(Qt.WA_DontShowOnScreen)
        self.theme = t = scaled_theme(theme, (w, h))
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor(t.background))
        self.setPalette(palette)
        margin = max(2, round(t.font_px * 0.6))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(margin, margin // 2, margin, margin)
        layout.setSpacing(margin // 2)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignCenter)
        font = self.title.font()
        font.setPixelSize(round(t.font_px * TITLE_SCALE))
        self.title.setFont(font)
        self.title.setStyleSheet(f"color: {t.foreground}; background: {t.background};")
        self.title.setFixedHeight(round(t.font_px * TITLE_SCALE * 1.6))
        layout.addWidget(self.title)
        row = QHBoxLayout()
        row.setSpacing(margin)
        self.arm = ArmView(theme=t)
        self.errors = ErrorPlot(theme=t)
        for view, stretch in ((self.arm, ARM_STRETCH), (self.errors, ERROR_STRETCH)):
            view.setMouseEnabled(x=False, y=False)
            view.set_still_cached(False)          # the figure paints its static layers itself
            row.addWidget(view, stretch)
        layout.addLayout(row, 1)
        # The corner the run's poses cover least (ArmView.frame_to), this far from the edges.
        self.arm.legend_margin = margin
        legend = self.arm.getPlotItem().legend
        for _, label in legend.items:     # setLabelTextSize only stores the size; a label takes it when set anew
            label.setText(label.text)
        legend.setVisible(w >= MIN_LEGEND_WIDTH)
        if log_error:
            self.errors.set_log(True)
        self._result: Result | None = None
        self._backdrop: _Backdrop | None = None

    # -- content ----------------------------------------------------------------------------
    def prepare(self, result: Result) -> None:
        """Take a new run: draw its start pose and fix both views' ranges for all of its frames."""
        if result is self._result:
            return
        self._result = result
        self.arm.set_params(result.params)
        self.arm.frame_to(*framing_points(result))
        self.errors.reset(result.epochs_run)
        e = result.errors[np.isfinite(result.errors)]
        top = float(e.max()) if e.size else 1.0
        x_range = (0.0, float(max(result.epochs_run, 1)))
        if self.errors.log:
            positive = e[e > 0]
            low = float(positive.min()) if positive.size else LOG_FLOOR
            top = max(top, low)
            y_range = (math.log10(low), math.log10(top) if top > low else math.log10(low) + 1.0)
        else:
            y_range = (0.0, top if top > 0 else 1.0)
        self.errors.getPlotItem().setRange(xRange=x_range, yRange=y_range, padding=0.04)
        self._settle()

    def _settle(self) -> None:
        """Let the axes take the room their tick labels need before the first frame counts.

        An axis measures its tick labels while it paints and then asks its layout for
        more room (a posted LayoutRequest), so the very first paint differs from every
        later one. One throwaway render and the layout requests it posted fix the
        layout; the ranges are fixed per result, so it stays fixed for all frames.
        """
        for _ in range(2):
            self.render_image(reference=True)
            QCoreApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        self._backdrop = None

    def show_epoch(self, result: Result, j: int = -1) -> None:
        """Draw epoch ``j`` (0 = start, negative counts from the end) of ``result``.

        Red dashed start pose, green pose after ``j`` updates, the poses of the
        previous epochs as a fading trail, the error curve up to ``j`` with the
        marker at ``j``, and the title.
        """
        j = range(result.epochs_run + 1)[j]
        self.show_frame(result, result.angles[j], float(j))

    def show_frame(self, result: Result, angles: np.ndarray, t: float) -> None:
        """Draw the arm at ``angles``, which it has at epoch position ``t`` (between whole epochs in videos).

        The trail holds the whole epochs before ``t``; the error curve is drawn to
        ``t``, its last segment interpolated as the curve itself draws it.
        """
        self.prepare(result)
        j = int(math.floor(t))
        f = t - j
        last = j if f > 0 else j - 1
        trail = [a for a in result.angles[max(0, last - TRAIL_LENGTH + 1):last + 1] if np.isfinite(a).all()]
        # Each item's data is set once per frame (not cleared, then set): a video draws 30 a second.
        self.arm.show_pose_with_trail(np.asarray(angles, dtype=float), tuple(trail))
        self._show_error(result, j, f)
        title = self.title_text(result, j)
        if title != self.title.text():
            self.title.setText(title)

    def _show_error(self, result: Result, j: int, f: float) -> None:
        extra = None
        if f > 0:
            a, b = result.errors[j], result.errors[j + 1]
            if self.errors.log:     # the log plot draws straight segments between log values
                a, b = max(a, LOG_FLOOR), max(b, LOG_FLOOR)
                e = a * (b / a) ** f
            else:
                e = a + f * (b - a)
            extra = (j + f, e)
        self.errors.show_upto(result.errors[:j + 1], result.epochs_run, extra)

    @staticmethod
    def title_text(result: Result, j: int) -> str:
        """``eta 0.075 · epoch 12 / 20 · error 3.1e-05`` (and on the last epoch why the run ended)."""
        p = result.params
        eta = float(result.etas[j - 1]) if j > 0 else p.eta
        parts = ["hot and cold" if p.learner == "hotcold" else None, f"eta {eta:g}",
                 f"epoch {j} / {result.epochs_run}", f"error {result.errors[j]:.2g}"]
        if j == result.epochs_run:
            parts.append(STATUS_WORDS.get(result.status))
        return " \N{MIDDLE DOT} ".join(s for s in parts if s)

    # -- pixels -----------------------------------------------------------------------------
    def render_image(self, *, reference: bool = False) -> QImage:
        """The figure as a QImage of exactly its pixel size (device pixel ratio 1, even on a HiDPI screen).

        ``reference=True`` renders through ``QWidget.render`` (Qt's own widget and
        scene painting, the slow path the fast one is tested against); the default
        is :meth:`paint_into`, the same pixels, about twice as fast from the second
        frame of a run on (the first also paints what stays put).
        """
        image = QImage(self.width(), self.height(), QImage.Format_RGB32)
        image.setDevicePixelRatio(1.0)
        if reference:
            image.fill(QColor(self.theme.background))
            self.render(image, QPoint(0, 0))
        else:
            self.paint_into(image)
        return image

    def paint_into(self, image: QImage) -> None:
        """Draw the figure into ``image`` (``Format_RGB32``, the figure's size), every pixel.

        Exactly the pixels of ``render_image(reference=True)``, from a backdrop painted
        once per run and the boxes around the moving items painted afresh (see the
        module docstring, :class:`_Backdrop`). Pass the same few images again and
        again (a video does): an image this figure painted last, unchanged since, only
        has those boxes put back rather than all of it rewritten. If the scene uses
        something the fast path does not reproduce, Qt renders the frame instead.

        Raises
        ------
        ValueError
            ``image`` is not ``Format_RGB32`` of the figure's size.
        """
        if image.size() != self.size() or image.format() != QImage.Format_RGB32:
            raise ValueError(f"paint_into needs a {self.width()}x{self.height()} Format_RGB32 image")
        try:
            self._paint_fast(image)
        except _Unsupported:        # a scene feature the fast path does not reproduce: Qt's own way
            self._backdrop = None
            image.fill(QColor(self.theme.background))
            self.render(image, QPoint(0, 0))

    def _paint_fast(self, image: QImage) -> None:
        views = [(view, view.viewport().mapTo(self, QPoint(0, 0))) for view in (self.arm, self.errors)]
        for view, _ in views:
            view.scene().prepareForPaint()     # what GraphicsView.paintEvent does first (ranges, text anchors)
        backdrop = self._backdrop
        if backdrop is None or not backdrop.valid_for(self, views):
            self._backdrop = None
            backdrop = self._backdrop = _Backdrop(self, views, self._moving_items())
        backdrop.paint_frame(image, self.title)

    def _moving_items(self) -> set:
        """The plot items :meth:`show_frame` changes (with their children); the rest is fixed per run."""
        arm, errors = self.arm, self.errors
        return {*arm.trail_items, arm.final_curve, errors.curve, errors.marker, errors.cursor, errors.readout}

    def grab_rgb(self) -> np.ndarray:
        """The figure's pixels as an ``(H, W, 3)`` uint8 RGB array (a copy)."""
        return rgb_array(self.render_image())

    def png_bytes(self) -> bytes:
        """The figure as PNG file content."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.WriteOnly)
        if not self.render_image().save(buffer, "PNG"):
            raise OSError("Qt could not encode the PNG")
        buffer.close()
        return bytes(data)

    def svg_text(self) -> str:
        """The figure as one SVG document: both plots (pyqtgraph's SVGExporter) and the title."""
        from pyqtgraph.exporters import SVGExporter
        self.render_image()             # lays out and ranges the views exactly as a PNG would
        w, h, t = self.width(), self.height(), self.theme
        title = self.title.geometry()
        font_px = self.title.font().pixelSize()
        out = [f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
               f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
               f'version="1.2" baseProfile="tiny" width="{w}" height="{h}" viewBox="0 0 {w} {h}">\n'
               f'<title>armsim: {escape(self.title.text())}</title>\n'
               f'<rect width="100%" height="100%" fill="{t.background}"/>\n'
               f'<text x="{title.center().x()}" y="{title.y() + title.height() / 2 + 0.35 * font_px:.1f}" '
               f'text-anchor="middle" font-family="sans-serif" font-size="{font_px}" '
               f'fill="{t.foreground}">{escape(self.title.text())}</text>\n']
        for prefix, view in (("arm", self.arm), ("error", self.errors)):
            item = view.getPlotItem()
            svg = SVGExporter(item).export(toBytes=True).decode("utf-8")
            rect = item.sceneBoundingRect()
            corner = view.mapTo(self, view.mapFromScene(rect.topLeft()))
            out.append(f'<g id="{prefix}" transform="translate({corner.x()},{corner.y()})">\n'
                       f'{_svg_body(svg, prefix, rect.width(), rect.height())}</g>\n')
        out.append("</svg>\n")
        return "".join(out)


def _svg_body(svg: str, prefix: str, width: float, height: float) -> str:
    """The drawing inside one of pyqtgraph's SVG documents, ready to sit in a ``<g>`` of another.

    A group rather than a nested ``<svg>``: SVG Tiny 1.2 (which the exporter declares,
    and which Qt's own SVG renderer follows) has no nested ``<svg>`` elements.
    """
    body = svg[svg.index(">", svg.index("<svg")) + 1:svg.rindex("</svg>")]
    body = re.sub(r"<(title|desc|style)>.*?</\1>", "", body, flags=re.S)
    # The background rect says 100 %, which inside a group would mean the whole figure.
    body = body.replace('<rect width="100%" height="100%"', f'<rect width="{width:g}" height="{height:g}"', 1)
    # Two exports number their ids alike (ViewBox_1_clip): keep each plot's clip path its own.
    body = re.sub(r'\bid="', f'id="{prefix}_', body)
    return body.replace("url(#", f"url(#{prefix}_")


def rgb_array(image: QImage) -> np.ndarray:
    """A ``Format_RGB32`` image's pixels as an ``(H, W, 3)`` uint8 RGB array (a copy)."""
    image = image.convertToFormat(QImage.Format_RGB888)   # byte order R, G, B on any endianness
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return rows[:, :3 * w].reshape(h, w, 3).copy()      # rows are padded to 4 bytes: cut the padding


# -- painting a figure without QWidget.render -------------------------------------------------
# What QGraphicsView::paintEvent and QGraphicsScenePrivate::drawSubtreeRecursive do, for the
# item features these plots use. Anything else (children stacked behind their parent, items
# clipping themselves, graphics effects, item-coordinate caches, items added or removed after
# planning) raises _Unsupported, and the figure falls back to QWidget.render.
_UNSUPPORTED_FLAGS = (QGraphicsItem.ItemStacksBehindParent | QGraphicsItem.ItemClipsToShape
                      | QGraphicsItem.ItemContainsChildrenInShape)
_PAINT, _CLIP, _UNCLIP = range(3)
DIRTY_MARGIN = 2        # pixels around the moving items' bounding boxes repainted with them (antialiasing)


class _Unsupported(Exception):
    """The scene uses a feature :class:`_ScenePainter` does not reproduce."""


class _ScenePainter:
    """Paints one plot widget's scene into part of an image, as its QGraphicsView would.

    The order is planned once (the items and their nesting do not change while a
    figure draws a run; the item count is checked): ``steps`` lists the items to
    paint and where the clip of an item that clips its children begins and ends.
    Each paint still asks the items for their visibility, opacity and transform.
    Items in ``moving`` (and their children) are the ones that change from frame
    to frame; ``below`` are the others painted before the first of them.
    """

    def __init__(self, view: QGraphicsView, moving: set):
        self.view = view
        self.steps: list[tuple[int, QGraphicsItem]] = []
        self.moving: set = set()
        self.item_count = len(view.scene().items())
        self.lines: dict = {}           # axis -> its picture without labels (plan_axis_lines)
        self.bounds: dict = {}          # static item -> where it paints in the image (plan_layers)
        self.layers: dict = {}          # static item -> (its pixels alone, their top left) (plan_layers)
        for item in view.scene().items(Qt.AscendingOrder):     # top-level items in stacking order
            if item.parentItem() is None:
                self._plan(item, item in moving, moving)
        painted = [item for step, item in self.steps if step == _PAINT]
        first = next((i for i, item in enumerate(painted) if item in self.moving), len(painted))
        self.below = set(painted[:first])
        self.static = set(painted) - self.moving

    def _plan(self, item: QGraphicsItem, moves: bool, moving: set) -> None:
        flags = item.flags()
        if flags & _UNSUPPORTED_FLAGS or item.graphicsEffect() is not None \
                or item.cacheMode() == QGraphicsItem.ItemCoordinateCache:
            raise _Unsupported(type(item).__name__)
        children = item.childItems()        # sorted by stacking order
        if any(c.flags() & QGraphicsItem.ItemIgnoresParentOpacity for c in children):
            raise _Unsupported("a child ignoring its parent's opacity")
        if not flags & QGraphicsItem.ItemHasNoContents:
            self.steps.append((_PAINT, item))
            if moves:
                self.moving.add(item)
        if children:
            clips = bool(flags & QGraphicsItem.ItemClipsChildrenToShape)
            if clips:
                self.steps.append((_CLIP, item))
            for child in children:
                self._plan(child, moves or child in moving, moving)
            if clips:
                self.steps.append((_UNCLIP, item))

    def base(self, origin: QPoint) -> QTransform:
        """Scene to image coordinates, the viewport's top left at ``origin``."""
        return self.view.viewportTransform() * QTransform.fromTranslate(origin.x(), origin.y())

    def plan_axis_lines(self, area: QRect, origin: QPoint) -> None:
        """Give each axis a second picture without its tick labels, to paint inside ``area``.

        An axis draws its line, ticks, grid lines and tick labels as one QPicture.
        Inside a data area only the lines show (the labels sit beside it), but
        replaying the labels there still lays each of them out, every frame. An axis
        whose labels reach into the area keeps its whole picture.
        """
        self.lines = {}
        base = self.base(origin)
        for _, item in self.steps:
            if not isinstance(item, pg.AxisItem) or type(item).paint is not pg.AxisItem.paint \
                    or not item.isVisible():
                continue
            picture = QPicture()
            painter = QPainter(picture)
            own = item.picture
            try:        # as AxisItem.paint makes its picture
                if item.style["tickFont"]:
                    painter.setFont(item.style["tickFont"])
                specs = item.generateDrawSpecs(painter)
                # generateDrawSpecs re-measures the labels and so drops the axis's picture, which
                # AxisItem.paint then replaces; the axis is unchanged, so its picture stands.
                item.picture = own
                if specs is None:
                    continue
                axis_spec, tick_specs, text_specs = specs
                to_device = item.deviceTransform(base)
                if any(to_device.mapRect(rect).intersects(QRectF(area)) for rect, _, _ in text_specs):
                    continue
                item.drawPicture(painter, axis_spec, tick_specs, [])
            finally:
                painter.end()
            self.lines[item] = picture

    def plan_layers(self, area: QRect, origin: QPoint, items: list) -> None:
        """Note where each static item of ``items`` paints, and keep its pixels alone as a layer if exact.

        A layer is the item painted by itself onto transparent pixels (with the clips
        and transform it has in the scene); drawn over a frame it gives what painting
        the item there gives when Qt blends each of the item's pixels once, by
        source-over (``s + (1 - alpha_s) d`` in Qt's integer steps), whatever lies
        beneath. Fills, paths, cosmetic lines and pixmaps blend so, if the item's
        pieces do not overlap each other. Text does not: Qt blends glyphs by
        interpolating with the pixel beneath, which rounds differently for some
        backgrounds, so text items never get a layer (nor does an axis still drawing
        its labels). As a check, a layer is kept only if it gives exactly the item's
        own pixels over each of :data:`LAYER_TESTS` backgrounds (white, black,
        noise): a legend sample, a line under a symbol, fails it. Items without a
        layer are painted each time they are needed.
        """
        base = self.base(origin)
        for item in items:
            if not item.isVisible():
                continue
            rect = item.boundingRect()
            box = item.deviceTransform(base).mapRect(rect).toAlignedRect() if not rect.isNull() else QRect()
            box = box.adjusted(-DIRTY_MARGIN, -DIRTY_MARGIN, DIRTY_MARGIN, DIRTY_MARGIN) & area
            self.bounds[item] = box
            if box.isEmpty():
                continue
            layer = QImage(box.size(), QImage.Format_ARGB32_Premultiplied)
            layer.setDevicePixelRatio(1.0)
            layer.fill(Qt.transparent)
            self.paint(layer, layer.rect(), origin - box.topLeft(), only={item}, axes_lines_only=True)
            used = _opaque_box(layer)       # the part the item does paint (a border with no pen: none)
            self.bounds[item] = box = used.translated(box.topLeft())
            if box.isEmpty():
                continue
            layer = layer.copy(used)
            at = origin - box.topLeft()
            text = isinstance(item, (QGraphicsTextItem, QGraphicsSimpleTextItem)) \
                or isinstance(item, pg.AxisItem) and item not in self.lines
            if not text and all(self._layer_is_exact(item, layer, at, background)
                                for background in _layer_tests(box.size())):
                self.layers[item] = (layer, box.topLeft())

    def _layer_is_exact(self, item, layer: QImage, at: QPoint, background: QImage) -> bool:
        painted, drawn = background.copy(), background.copy()
        self.paint(painted, painted.rect(), at, only={item}, axes_lines_only=True)
        painter = QPainter(drawn)
        try:
            painter.drawImage(0, 0, layer)
        finally:
            painter.end()
        return painted == drawn

    def moving_box(self, origin: QPoint) -> QRect:
        """Where the moving items paint now: their bounding boxes' union in the image, with a margin.

        One rectangle, not a region hugging the items: Qt paints under a clip of
        several rectangles more slowly than the pixels spared save (measured with
        the error curve boxed stretch by stretch).
        """
        base, box = self.base(origin), QRectF()
        for item in self.moving:
            if item.isVisible():
                rect = item.boundingRect()
                if not rect.isNull():
                    box = box.united(item.deviceTransform(base).mapRect(rect))
        if box.isNull():
            return QRect()
        return box.toAlignedRect().adjusted(-DIRTY_MARGIN, -DIRTY_MARGIN, DIRTY_MARGIN, DIRTY_MARGIN)

    def paint(self, image: QImage, clip: QRect | QRegion, origin: QPoint, *, only: set | None = None,
              axes_lines_only: bool = False, use_layers: bool = False) -> None:
        """Paint the view's items (``only`` these, if given) into the part ``clip`` of ``image``.

        The viewport's top left is at ``origin``. ``clip`` bounds the painting as a
        widget's own region does, as the paint engine's system clip, not as a painter
        clip: an axis's picture sets a clip of its own, which replaces a painter's
        clip (the axis labels came out painted once per band of a painter-clipped
        region). The painter starts as QGraphicsView sets it up for a paint event:
        the viewport's font and pen, exactly the view's render hints, the view's
        transform. The view's background is not painted (:meth:`paint_background`).
        With ``use_layers``, static items are skipped where they do not reach and
        drawn from their layers where they have one (:meth:`plan_layers`).
        """
        if len(self.view.scene().items()) != self.item_count:
            raise _Unsupported("items were added or removed")
        region = QRegion(clip) & QRegion(image.rect())
        if region.isEmpty():
            return
        view, viewport = self.view, self.view.viewport()
        engine = image.paintEngine()        # the image's own engine, which the painter below will use
        engine.setSystemClip(region)
        painter = QPainter(image)
        try:
            painter.setFont(viewport.font())
            painter.setPen(QPen(viewport.palette().color(viewport.foregroundRole())))
            painter.setRenderHints(painter.renderHints(), False)
            painter.setRenderHints(view.renderHints(), True)
            base = self.base(origin)
            option = QStyleOptionGraphicsItem()
            lines = self.lines if axes_lines_only else {}
            bounds, layers = (self.bounds, self.layers) if use_layers else ({}, {})
            for step, item in self.steps:
                if step == _PAINT:
                    if only is not None and item not in only or not item.isVisible():   # hidden ancestors too
                        continue
                    if item in bounds and not region.intersects(bounds[item]):
                        continue                    # as Qt: only items meeting the exposed region
                    if item in layers:
                        layer, corner = layers[item]
                        painter.save()
                        painter.resetTransform()
                        painter.drawImage(corner, layer)
                        painter.restore()
                        continue
                    opacity = item.effectiveOpacity()
                    if opacity < 0.001:             # as Qt: a fully transparent item is not painted
                        continue
                    painter.save()
                    painter.setTransform(item.deviceTransform(base))
                    painter.setOpacity(opacity)
                    if item in lines:
                        lines[item].play(painter)
                    else:
                        _paint_item(painter, item, option, viewport)
                    painter.restore()
                elif step == _CLIP:
                    painter.save()
                    painter.setTransform(item.deviceTransform(base))
                    shape = item.shape()
                    box = shape.boundingRect()
                    as_rect = QPainterPath()
                    as_rect.addRect(box)
                    if shape == as_rect:            # as Qt: a rectangular shape clips with setClipRect
                        painter.setClipRect(box, Qt.IntersectClip)
                    else:
                        painter.setClipPath(shape, Qt.IntersectClip)
                else:
                    painter.restore()
        finally:
            painter.end()
            engine.setSystemClip(QRegion())     # the engine outlives the painter: later painters get all of it

    def paint_background(self, image: QImage, origin: QPoint) -> None:
        """The view's background brush over its viewport (what QGraphicsView.drawBackground paints)."""
        brush = self.view.backgroundBrush()
        if brush.style() != Qt.NoBrush:
            painter = QPainter(image)
            try:
                painter.fillRect(QRect(origin, self.view.viewport().size()), brush)
            finally:
                painter.end()


def _paint_item(painter: QPainter, item: QGraphicsItem, option: QStyleOptionGraphicsItem, widget: QWidget) -> None:
    """``item.paint`` with the style option Qt gives an item whose view exposes all of it."""
    rect = item.boundingRect()
    option.rect = rect.toRect()
    option.exposedRect = rect
    option.state = QStyle.State_Enabled if item.isEnabled() else QStyle.State_None
    if isinstance(item, QGraphicsWidget) and item.autoFillBackground():
        painter.fillRect(rect, item.palette().window())
    # A DeviceCoordinateCache (the legend's veil) only spares a screen repaints; painted
    # directly the item gives the same pixels.
    item.paint(painter, option, widget)


LAYER_TESTS = 3     # backgrounds a layer must reproduce its item's own painting over: white, black, noise


def _layer_tests(size) -> list[QImage]:
    """White, black and (seeded, so the choice of layers is deterministic) noise, ``Format_RGB32``."""
    images = []
    for fill in (QColor("white"), QColor("black"), None):
        image = QImage(size, QImage.Format_RGB32)
        image.setDevicePixelRatio(1.0)
        if fill is not None:
            image.fill(fill)
        else:
            noise = np.random.default_rng(0).integers(0, 1 << 24, (size.height(), size.width()), dtype=np.uint32)
            _pixels(image)[:] = noise | np.uint32(0xFF000000)
        images.append(image)
    return images[:LAYER_TESTS]


def _opaque_box(layer: QImage) -> QRect:
    """The smallest rectangle holding every pixel of a premultiplied image that is not fully transparent."""
    alpha = _pixels(layer) >> np.uint32(24)
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if not rows.size:
        return QRect()
    return QRect(int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1))


def _copy_rect(target: np.ndarray, source: np.ndarray, rect: QRect) -> None:
    """``source``'s pixels in ``rect`` into ``target`` (two ``_pixels`` arrays of one size)."""
    rows, cols = slice(rect.top(), rect.bottom() + 1), slice(rect.left(), rect.right() + 1)
    target[rows, cols] = source[rows, cols]


def _pixels(image: QImage) -> np.ndarray:
    """A 32-bit image's pixels as an ``(H, W)`` uint32 array sharing its memory."""
    rows = np.frombuffer(image.bits(), np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    return rows[:, :image.width()]


class _Backdrop:
    """A figure's unchanging pixels, painted once per run, and what they depend on.

    A data area is a view box's rectangle widened to whole pixels. The moving items
    (poses, trail, curve, marker, cursor) sit in the view boxes, which clip them, so
    outside the data areas and the title a frame never changes: axes, tick labels,
    axis titles (which change only with the ranges, fixed for a run). Inside, most
    of it does not change either: the grid, the start pose, the base, the target,
    the legend. Two images hold these:

    ``static``  every item but the moving ones, each in its place in the paint order;
    ``below``   in the data areas, only what is painted before the first moving item
                (the background, the target line); elsewhere as ``static``.

    A frame is ``static`` except in the box around the moving items (their bounding
    boxes' union and :data:`DIRTY_MARGIN`), where it is ``below`` with all the items
    from the first moving one on painted over it, in order, clipped to the box. As
    every item is painted in order wherever it can show, the pixels are exactly
    those of painting the whole scene (tested against ``QWidget.render``).
    """

    def __init__(self, figure: "RunFigure", views: list, moving: set):
        self.below = QImage(figure.width(), figure.height(), QImage.Format_RGB32)
        self.below.setDevicePixelRatio(1.0)
        self.below.fill(QColor(figure.theme.background))
        self.views: list[tuple[_ScenePainter, QPoint, QRect]] = []      # (painter, origin, data area)
        for view, origin in views:
            painter = _ScenePainter(view, moving)
            viewport = QRect(origin, view.viewport().size())
            area = painter.base(origin).mapRect(view.getPlotItem().vb.sceneBoundingRect()).toAlignedRect() & viewport
            painter.paint_background(self.below, origin)
            painter.paint(self.below, QRegion(viewport) - QRegion(area), origin)
            painter.plan_axis_lines(area, origin)
            painter.paint(self.below, area, origin, only=painter.below)
            self.views.append((painter, origin, area))
        self.static = self.below.copy()
        for painter, origin, area in self.views:
            painter.paint(self.static, area, origin, only=painter.static - painter.below, axes_lines_only=True)
        self._static_bits, self._below_px = self.static.constBits(), _pixels(self.below)
        self._static_px = _pixels(self.static)
        self.frames = 0
        self._last: dict[int, tuple[int, QRegion]] = {}     # id(image) -> (its cacheKey, region painted)
        # Taken after painting: painting an axis may have made its picture anew.
        self.key = _Backdrop.key_of(figure, views)

    def paint_frame(self, image: QImage, title: QLabel) -> None:
        """The current frame into ``image`` (the figure's size, ``Format_RGB32``), ``title`` included.

        An image this backdrop painted last time and nobody has changed since (its
        ``cacheKey`` moves on with every change) only has the rectangles painted then
        put back; any other starts as a copy of ``static``. A video reuses a few
        images, so each frame writes a few hundred kB instead of 8 MB at 1080p.

        The layers are planned at the second frame: they pay off over many frames
        (a video), not for one picture (a PNG).
        """
        if self.frames == 1:
            for painter, origin, area in self.views:
                above = [item for step, item in painter.steps if step == _PAINT and item in painter.static
                         and item not in painter.below]
                painter.plan_layers(area, origin, above)
        self.frames += 1
        boxes = [painter.moving_box(origin) & area for painter, origin, area in self.views]
        last = self._last.pop(id(image), None)
        if last is not None and last[0] == image.cacheKey():
            pixels = _pixels(image)
            stale = last[1]
            for box in boxes:           # repainted from ``below`` just after
                stale -= box
            for rect in stale:
                _copy_rect(pixels, self._static_px, rect)
        else:
            image.bits()[:] = self._static_bits          # same size and format: one memcpy
            pixels = _pixels(image)
        painted = QRegion(title.geometry())
        for (painter, origin, area), box in zip(self.views, boxes):
            if box.isEmpty():
                continue
            _copy_rect(pixels, self._below_px, box)
            painter.paint(image, box, origin, only=painter.moving | painter.static - painter.below,
                          axes_lines_only=True, use_layers=True)
            painted += box
        del pixels                      # the array holds the image's memory: let it go before painting on
        qp = QPainter(image)
        try:
            title.render(qp, title.pos(), QRegion(), QWidget.RenderFlag.DrawChildren)
        finally:
            qp.end()
        self._last[id(image)] = (image.cacheKey(), painted)

    @staticmethod
    def key_of(figure: "RunFigure", views: list) -> tuple:
        """What the unchanging pixels depend on besides the run: sizes, places, ranges, the axes' drawings.

        The static items inside the views change only with the run, and a new run
        (:meth:`RunFigure.prepare`) drops the backdrop. An axis keeps its ticks,
        labels and grid as a QPicture that it throws away and makes anew whenever its
        range, size or style changes; the picture objects themselves (compared by
        identity) tell that nothing about the axes changed.
        """
        key = [figure.size().toTuple(), figure.title.geometry().getRect()]
        for view, origin in views:
            item = view.getPlotItem()
            key += [origin.toTuple(), view.viewport().size().toTuple(), view.viewportTransform(),
                    view.backgroundBrush(), item.vb.sceneBoundingRect().getRect(), str(item.vb.viewRange())]
            for name in ("top", "bottom", "left", "right"):
                axis = item.getAxis(name)
                key += [axis.isVisible(), axis.sceneBoundingRect().getRect(), _Identity(axis.picture)]
        return tuple(key)

    def valid_for(self, figure: "RunFigure", views: list) -> bool:
        return _Backdrop.key_of(figure, views) == self.key


class _Identity:
    """Compares equal only to a wrapper of the very same object (which it keeps alive, so ids are not reused)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other) -> bool:
        return isinstance(other, _Identity) and other.obj is self.obj

    __hash__ = None


def export_figure(result: Result, path: str | os.PathLike, size: tuple[int, int] = DEFAULT_SIZE, epoch: int = -1,
                  *, theme: Theme = LIGHT, log_error: bool = False) -> int:
    """Write one figure of ``result`` at epoch ``epoch`` to ``path`` (``.png`` or ``.svg``), atomically.

    Parameters
    ----------
    result : Result
        The run.
    path : str or path-like
        The file; its extension picks the format (see the module docstring).
    size : (int, int)
        Width and height in pixels.
    epoch : int
        The epoch shown, 0 (the start) to ``result.epochs_run``; negative counts from the end.
    theme : Theme
        Colours.
    log_error : bool
        Error curve on a log scale.

    Returns
    -------
    int
        The epoch shown (``epoch`` made non-negative).

    Raises
    ------
    OptionError
        A bad path extension, size or epoch (nothing is written).
    OSError
        The file could not be written; any old file is unchanged.
    """
    ext = check_format(path, FIGURE_FORMATS)
    size = check_size(size)
    k = result.epochs_run
    if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or not -(k + 1) <= epoch <= k:
        raise OptionError("epoch", f"must be 0 to {k} (the epochs this run has; negative counts from the end), "
                                   f"got {epoch!r}")
    j = range(k + 1)[epoch]
    ensure_app()
    figure = RunFigure(size, theme, log_error=log_error)
    try:
        figure.show_epoch(result, j)
        atomic_write(path, figure.png_bytes() if ext == ".png" else figure.svg_text())
    finally:
        figure.deleteLater()
    return j
