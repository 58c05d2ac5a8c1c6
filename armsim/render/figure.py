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

Pixels: :meth:`RunFigure.paint_into` paints a frame with the hand-written painter
(:mod:`armsim.render.backdrop` on :mod:`armsim.render.scene_painter`, where its
measured gain is): what stays put for a run is painted once and a frame repaints
only the boxes around the moving items, the very pixels of ``QWidget.render``
(:meth:`RunFigure.render_image` with ``reference=True``), which the tests compare.

Figure formats (:func:`export_figure`)
---------------------------------------
``.png``  the whole RunFigure rendered into an image. pyqtgraph's
          ``ImageExporter`` sees one plot item only, and the figure is two
          plots and a title; rendering the widget also gives exactly the
          pixels of the video frames.
``.svg``  pyqtgraph's ``SVGExporter`` on each of the two plot items, combined
          into one document of the figure's size with the title as ``<text>``
          (:mod:`armsim.render.svg`).
"""
from __future__ import annotations

import math
import os
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QEvent, QIODevice, QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from armsim.core.kinematics import forward
from armsim.core.run import STATUS_WORDS, Result
from armsim.core.sweeps import LEARNER_NAMES
from armsim.io.atomic import atomic_write
from armsim.io.media import DEFAULT_SIZE, FIGURE_FORMATS, OptionError, check_format, check_size
from armsim.render.arm_plot import TRAIL_LENGTH, ArmView
from armsim.render.backdrop import Backdrop
from armsim.render.error_plot import LOG_FLOOR, ErrorPlot
from armsim.render.qt_app import make_app
from armsim.render.scene_painter import Unsupported
from armsim.render.svg import figure_svg
from armsim.render.theme import LIGHT, Theme

REFERENCE_SIZE = (1920, 1080)      # the size the sizes below are chosen for; others scale with the smaller ratio
# At 1080p: a 28 px axis font is legible on a projector from the back row, and a 6 px line
# survives video compression and downscaling to 720p.
VIDEO_SCALE = dict(line_width=6.0, joint_size=20.0, font_px=28)
TITLE_SCALE = 1.3                  # title font relative to the axis font
ARM_STRETCH, ERROR_STRETCH = 3, 2  # the arm is the subject; the curve its commentary
MAX_STEP = 0.5                     # radians: steps larger than this get in-between poses in the framing
IN_BETWEEN = 7                     # parts per large step: pi / 7 < MAX_STEP


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
    if result.moves:                    # a followed run's targets show in every frame's view
        aims = np.array([aim for _, aim in result.moves], dtype=float)
        x, y = (np.append(x, aims[:, 0]), np.append(y, aims[:, 1])) if p.reach else (x, np.append(y, aims))
    if not steps.size or steps.max() <= MAX_STEP:
        return x, y
    if not steps.max() <= math.pi:
        r = p.span
        return np.append(x, [-r, r, 0.0, 0.0]), np.append(y, [p.base, p.base, p.base - r, p.base + r])
    big = np.flatnonzero(steps > MAX_STEP)
    # A step is at most pi here, so IN_BETWEEN equal parts are each under MAX_STEP.
    f = (np.arange(1, IN_BETWEEN) / IN_BETWEEN)[None, :, None]
    between = ((1.0 - f) * w[big][:, None, :] + f * w[big + 1][:, None, :]).reshape(-1, w.shape[1])
    bx, by = _points(between, p)
    return np.append(x, bx), np.append(y, by)


def _points(w: np.ndarray, params) -> tuple[np.ndarray, np.ndarray]:
    """Base and joint positions of a batch of poses ``(B, n)``, flattened."""
    x, y = forward(w, np.asarray(params.lengths), params.base, params.relative)
    return np.append(x.ravel(), 0.0), np.append(y.ravel(), params.base)


# False paints every frame through QWidget.render instead of the hand-written painter: the switch
# benchmarks/bench_video.py measures the painter's gain by, which decides whether it stays.
_SCENE_PAINTER = True

MIN_LEGEND_WIDTH = 640     # narrower (thumbnails) the legend's row would not fit; the colours are the key


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
        legend = self.arm.getPlotItem().legend
        for _, label in legend.items:     # setLabelTextSize only stores the size; a label takes it when set anew
            label.setText(label.text)
        self.arm.show_legend = w >= MIN_LEGEND_WIDTH
        self.arm.fit_legend_row()
        if log_error:
            self.errors.set_log(True)
        self._result: Result | None = None
        self._backdrop: Backdrop | None = None

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
        if result.moves:                # follow mode: the target this epoch aimed at
            self.arm.set_aim(result.params_at(min(j + (f > 0), result.epochs_run)))
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
        parts = [None if p.learner == "gradient" else LEARNER_NAMES[p.learner], f"eta {eta:g}",
                 f"epoch {j} / {result.epochs_run}", f"error {result.errors[j]:.2g}"]
        if j == result.epochs_run:
            parts.append(STATUS_WORDS[result.status] if result.status != "max_epochs" else None)
        return " \N{MIDDLE DOT} ".join(s for s in parts if s)

    # -- pixels -----------------------------------------------------------------------------
    def render_image(self, *, reference: bool = False) -> QImage:
        """The figure as a QImage of exactly its pixel size (device pixel ratio 1, even on a HiDPI screen).

        ``reference=True`` renders through ``QWidget.render`` (Qt's own widget and
        scene painting, the slow path the fast one is tested against); the default
        is :meth:`paint_into`, the same pixels, faster from the second frame of a run
        on (the first also paints what stays put; gain: :mod:`~armsim.render.scene_painter`).
        """
        image = QImage(self.width(), self.height(), QImage.Format_RGB32)
        image.setDevicePixelRatio(1.0)
        if reference:
            self._render_qt(image)
        else:
            self.paint_into(image)
        return image

    def paint_into(self, image: QImage) -> None:
        """Draw the figure into ``image`` (``Format_RGB32``, the figure's size), every pixel.

        Exactly the pixels of ``render_image(reference=True)``, from a backdrop painted
        once per run and the boxes around the moving items painted afresh
        (:class:`~armsim.render.backdrop.Backdrop`). Pass the same few images again and
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
        if not _SCENE_PAINTER:
            self._render_qt(image)
            return
        try:
            self._paint_fast(image)
        except Unsupported:         # a scene feature the fast path does not reproduce: Qt's own way
            self._backdrop = None
            self._render_qt(image)

    def _render_qt(self, image: QImage) -> None:
        image.fill(QColor(self.theme.background))
        self.render(image, QPoint(0, 0))

    def _paint_fast(self, image: QImage) -> None:
        views = [(view, view.viewport().mapTo(self, QPoint(0, 0))) for view in (self.arm, self.errors)]
        for view, _ in views:
            view.scene().prepareForPaint()     # what GraphicsView.paintEvent does first (ranges, text anchors)
        backdrop = self._backdrop
        if backdrop is None or not backdrop.valid_for(self, views):
            self._backdrop = None
            backdrop = self._backdrop = Backdrop(self, views, self._moving_items())
        backdrop.paint_frame(image, self.title)

    def _moving_items(self) -> set:
        """The plot items :meth:`show_frame` changes (with their children); the rest is fixed per run."""
        arm, errors = self.arm, self.errors
        moved = (arm.target_line, arm.target_point, arm.target_label) if self._result and self._result.moves else ()
        return {*arm.trail_items, arm.final_curve, arm.limits, *moved,
                errors.curve, errors.marker, errors.cursor, errors.readout}

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
        return figure_svg(self)


def rgb_array(image: QImage) -> np.ndarray:
    """A ``Format_RGB32`` image's pixels as an ``(H, W, 3)`` uint8 RGB array (a copy)."""
    image = image.convertToFormat(QImage.Format_RGB888)   # byte order R, G, B on any endianness
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return rows[:, :3 * w].reshape(h, w, 3).copy()      # rows are padded to 4 bytes: cut the padding


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
