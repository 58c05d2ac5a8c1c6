"""A figure's unchanging pixels, painted once per run, and each frame painted over them.

This module owns :class:`Backdrop`, the fast path of
:meth:`~armsim.render.figure.RunFigure.paint_into`: everything that stays put
for a run (axes, grid, start pose, legend) is painted once, and a frame repaints
just the boxes around the moving items, in paint order, with
:class:`~armsim.render.scene_painter.ScenePainter`, drawing static items there
from cached layers where that is exact. What it gains over ``QWidget.render``,
and the rule it is kept by: :mod:`armsim.render.scene_painter`.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPainter, QRegion
from PySide6.QtWidgets import QLabel, QWidget

from armsim.render.scene_painter import PAINT, ScenePainter, image_pixels


class Backdrop:
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
    boxes' union and :data:`~armsim.render.scene_painter.DIRTY_MARGIN`), where it is ``below`` with all the items
    from the first moving one on painted over it, in order, clipped to the box. As
    every item is painted in order wherever it can show, the pixels are exactly
    those of painting the whole scene (tested against ``QWidget.render``).
    """

    def __init__(self, figure: QWidget, views: list, moving: set):
        self.below = QImage(figure.width(), figure.height(), QImage.Format_RGB32)
        self.below.setDevicePixelRatio(1.0)
        self.below.fill(QColor(figure.theme.background))
        self.views: list[tuple[ScenePainter, QPoint, QRect]] = []      # (painter, origin, data area)
        for view, origin in views:
            painter = ScenePainter(view, moving)
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
        self._static_bits, self._below_px = self.static.constBits(), image_pixels(self.below)
        self._static_px = image_pixels(self.static)
        self.frames = 0
        self._last: dict[int, tuple[int, QRegion]] = {}     # id(image) -> (its cacheKey, region painted)
        # Taken after painting: painting an axis may have made its picture anew.
        self.key = Backdrop.key_of(figure, views)

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
                above = [item for step, item in painter.steps if step == PAINT and item in painter.static
                         and item not in painter.below]
                painter.plan_layers(area, origin, above)
        self.frames += 1
        boxes = [painter.moving_box(origin) & area for painter, origin, area in self.views]
        last = self._last.pop(id(image), None)
        if last is not None and last[0] == image.cacheKey():
            pixels = image_pixels(image)
            stale = last[1]
            for box in boxes:           # repainted from ``below`` just after
                stale -= box
            for rect in stale:
                _copy_rect(pixels, self._static_px, rect)
        else:
            image.bits()[:] = self._static_bits          # same size and format: one memcpy
            pixels = image_pixels(image)
        painted = QRegion(title.geometry())
        for (painter, origin, _area), box in zip(self.views, boxes):
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
    def key_of(figure: QWidget, views: list) -> tuple:
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

    def valid_for(self, figure: QWidget, views: list) -> bool:
        return Backdrop.key_of(figure, views) == self.key


class _Identity:
    """Compares equal only to a wrapper of the very same object (which it keeps alive, so ids are not reused)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other) -> bool:
        return isinstance(other, _Identity) and other.obj is self.obj

    __hash__ = None


def _copy_rect(target: np.ndarray, source: np.ndarray, rect: QRect) -> None:
    """``source``'s pixels in ``rect`` into ``target`` (two :func:`image_pixels` arrays of one size)."""
    rows, cols = slice(rect.top(), rect.bottom() + 1), slice(rect.left(), rect.right() + 1)
    target[rows, cols] = source[rows, cols]
