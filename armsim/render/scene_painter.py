"""Painting a plot widget's scene into part of a QImage by hand, as its QGraphicsView would.

This module owns :class:`ScenePainter`: what ``QGraphicsView::paintEvent`` and
``QGraphicsScenePrivate::drawSubtreeRecursive`` do, redone for the item features
armsim's plots use (paint order, the clips of items that clip their children,
opacity, device transforms, the style option of a fully exposed item), so a video
frame can repaint only the boxes around the items that move
(:mod:`armsim.render.backdrop`) instead of the whole figure through
``QWidget.render``. Anything else (children stacked behind their parent, items
clipping themselves, graphics effects, item-coordinate caches, items added or
removed after planning) raises :class:`Unsupported`, and the figure falls back to
``QWidget.render``. The pixels are exactly ``QWidget.render``'s
(``tests/gui/test_export.py`` compares them frame by frame).

Why it exists, measured by ``benchmarks/bench_video.py`` on this project's 2-core
machine (offscreen; a 10 s 1920x1080 MP4 at 30 fps of the post's arm, 300 frames;
medians of 5 exports each way, the two ways taken in turns in one run): the whole
export takes 3.96 s with this painter against 6.69 s with every frame through
``QWidget.render``, 1.69 times as fast (1.31 to 1.78 in four runs, the lowest
with other work on both cores; the CPU time of this process 1.9 times less in
all), and painting alone 5.2 ms a frame against 15.3 ms. The project keeps this hand-written painter only
while it makes video export more than 20 % faster than ``QWidget.render``
(``armsim.render.figure._SCENE_PAINTER = False`` switches it off): re-run the
benchmark when Qt, pyqtgraph or the plots change. The gain needs frames to pay
for the backdrop painted once per run: a 1 s video exports only about 10 % faster.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPicture, QRegion, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QGraphicsView,
    QGraphicsWidget,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

_UNSUPPORTED_FLAGS = (QGraphicsItem.ItemStacksBehindParent | QGraphicsItem.ItemClipsToShape
                      | QGraphicsItem.ItemContainsChildrenInShape)
PAINT, CLIP, UNCLIP = range(3)      # the steps of a painting plan: paint an item, begin / end its children's clip
DIRTY_MARGIN = 2        # pixels around the moving items' bounding boxes repainted with them (antialiasing)


class Unsupported(Exception):
    """The scene uses a feature :class:`ScenePainter` does not reproduce."""


class ScenePainter:
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
        painted = [item for step, item in self.steps if step == PAINT]
        first = next((i for i, item in enumerate(painted) if item in self.moving), len(painted))
        self.below = set(painted[:first])
        self.static = set(painted) - self.moving

    def _plan(self, item: QGraphicsItem, moves: bool, moving: set) -> None:
        flags = item.flags()
        if flags & _UNSUPPORTED_FLAGS or item.graphicsEffect() is not None \
                or item.cacheMode() == QGraphicsItem.ItemCoordinateCache:
            raise Unsupported(type(item).__name__)
        children = item.childItems()        # sorted by stacking order
        if any(c.flags() & QGraphicsItem.ItemIgnoresParentOpacity for c in children):
            raise Unsupported("a child ignoring its parent's opacity")
        if not flags & QGraphicsItem.ItemHasNoContents:
            self.steps.append((PAINT, item))
            if moves:
                self.moving.add(item)
        if children:
            clips = bool(flags & QGraphicsItem.ItemClipsChildrenToShape)
            if clips:
                self.steps.append((CLIP, item))
            for child in children:
                self._plan(child, moves or child in moving, moving)
            if clips:
                self.steps.append((UNCLIP, item))

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
            raise Unsupported("items were added or removed")
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
                if step == PAINT:
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
                elif step == CLIP:
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
            image_pixels(image)[:] = noise | np.uint32(0xFF000000)
        images.append(image)
    return images[:LAYER_TESTS]


def _opaque_box(layer: QImage) -> QRect:
    """The smallest rectangle holding every pixel of a premultiplied image that is not fully transparent."""
    alpha = image_pixels(layer) >> np.uint32(24)
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if not rows.size:
        return QRect()
    return QRect(int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1))


def image_pixels(image: QImage) -> np.ndarray:
    """A 32-bit image's pixels as an ``(H, W)`` uint32 array sharing its memory."""
    rows = np.frombuffer(image.bits(), np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    return rows[:, :image.width()]
