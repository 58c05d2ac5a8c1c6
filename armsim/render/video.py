"""Videos of a run: every frame drawn by :class:`~armsim.render.figure.RunFigure`, encoded to GIF or MP4.

This module owns a video export: the frame loop, progress, cancel, the atomic
file, and the MP4 encoder (the GIF one is :mod:`armsim.render.gif`). The frames
and their count come from :mod:`armsim.io.media` (``K * epochs_run + 1``
animated frames, in-between poses interpolated, then ``round(fps * hold)``
copies of the last); :func:`iter_frames` yields them as RGB arrays, and
:func:`export_video` draws the very same frames and feeds them to

``.mp4``  ffmpeg through imageio-ffmpeg: libx264, ``yuv420p`` (plays everywhere),
          ``macro_block_size=1`` (the size stays exactly as asked; it must be even),
          preset :data:`MP4_PRESET`. The frames go to ffmpeg as Qt paints them
          (no RGB copy), from a thread of its own while the next frame is drawn
          (:class:`_Mp4Writer`).
``.gif``  Pillow, all frames mapped to one palette of the whole video, looping
          forever, the hold as the last frame's longer delay
          (:class:`~armsim.render.gif.GifWriter`).

The file is written under a temporary name in the destination's directory and
renamed over the destination only when complete (:func:`armsim.io.atomic.atomic_path`),
so a failure or a cancel never leaves a partial video.

Speed (``benchmarks/bench_video.py``; 2 cores): a 10 s 1080p MP4 at 30 fps is
300 frames in about 4 s of wall time, shared between drawing (about 12.5 ms a
frame beside ffmpeg; :meth:`RunFigure.paint_into` alone about 5 ms on an idle
core, the rest setting the plots' data) and ffmpeg (about 13 ms of CPU a frame at
preset ``ultrafast``: reading the pipe, converting to yuv420p, x264), which run
side by side.
"""
from __future__ import annotations

import os
import queue
import sys
import threading
import time
from contextlib import suppress
from typing import Callable, Iterator, NamedTuple

import numpy as np
from PySide6.QtGui import QImage

from armsim.core.run import Result
from armsim.io.atomic import atomic_path
from armsim.io.media import DEFAULT_SIZE, check_gif_memory, check_total_frames, check_video, pose_at, schedule
from armsim.render.figure import RunFigure, ensure_app, rgb_array
from armsim.render.gif import GifWriter
from armsim.render.theme import LIGHT, Theme

# imageio-ffmpeg turns quality q into x264 -crf int((1 - q/10) * 51). Its default, 5 (crf 25), visibly
# smears the faint trail lines of a 1080p frame; 6.5 (crf 17) keeps them clean.
MP4_QUALITY = 6.5
# x264's default preset, medium, alone took 16 CPU seconds for 10 s of 1080p: more than real time on
# 2 cores before a frame is drawn. ultrafast takes about 7 (a third of it x264, the rest ffmpeg reading
# and converting the frames) and, at the same crf, keeps more detail (PSNR against the frames 64.7 dB,
# medium 56.9 dB; both far beyond visible) in 3.5 times the bytes: about 0.15 MB a second of a mostly
# white 1080p figure. ultrafast streams (no B-frames, no CABAC) also decode on anything.
MP4_PRESET = "ultrafast"
# Frames are fed to ffmpeg as Qt paints them, 4 bytes a pixel (Format_RGB32: 0xffRRGGBB words), so
# no RGB copy is made; ffmpeg's own conversion to yuv420p then gives the very YUV that RGB input gave.
MP4_PIX_FMT_IN = "bgr0" if sys.byteorder == "little" else "0rgb"
FEED_BUFFERS = 3        # frame images circulating between drawing and the ffmpeg feed thread


class Cancelled(Exception):
    """The export was cancelled by its ``cancel()`` callback; no file was written."""


class VideoInfo(NamedTuple):
    """What :func:`export_video` wrote."""

    path: str
    frames: int                 #: frames shown (animated + held)
    size: tuple[int, int]
    fps: int
    seconds: float              #: playing time
    render_seconds: float       #: wall time spent drawing frames
    encode_seconds: float       #: wall time spent handing frames to the encoder (waiting while it is behind)
                                #: and finishing the file


def iter_frames(result: Result, *, size: tuple[int, int] = DEFAULT_SIZE, frames_per_epoch: int = 1,
                held: int = 0, theme: Theme = LIGHT, log_error: bool = False,
                figure: RunFigure | None = None) -> Iterator[np.ndarray]:
    """Yield a video's frames as ``(H, W, 3)`` uint8 RGB arrays, exactly as they are encoded.

    Parameters
    ----------
    result : Result
        The run.
    size : (int, int)
        Width and height in pixels.
    frames_per_epoch : int
        ``K``: frames per epoch; the ``K - 1`` between two epochs interpolate the angles.
    held : int
        Copies of the last frame appended (the same array object, repeated).
    theme, log_error
        As for :class:`~armsim.render.figure.RunFigure`.
    figure : RunFigure, optional
        Draw with this figure (its size and theme win) instead of a new one.

    Yields
    ------
    ndarray
        ``K * result.epochs_run + 1 + held`` frames.
    """
    ensure_app()
    own = figure is None
    figure = RunFigure(size, theme, log_error=log_error) if own else figure
    try:
        frame = None
        image = _frame_image(figure)
        for i in range(frames_per_epoch * result.epochs_run + 1):
            _draw_frame(figure, result, i, frames_per_epoch, image)
            frame = rgb_array(image)
            yield frame
        for _ in range(held):
            yield frame
    finally:
        if own:
            figure.deleteLater()


def export_video(result: Result, path: str | os.PathLike, *, size: tuple[int, int] = DEFAULT_SIZE, fps: int = 30,
                 frames_per_epoch: int = 1, hold: float = 0.0,
                 progress: Callable[[int, int], None] | None = None, cancel: Callable[[], bool] | None = None,
                 theme: Theme = LIGHT, log_error: bool = False) -> VideoInfo:
    """Write a video of ``result`` to ``path`` (``.gif`` or ``.mp4``), atomically.

    Parameters
    ----------
    result : Result
        The run.
    path : str or path-like
        The file; its extension picks the format.
    size : (int, int)
        Width and height in pixels, 16 to 7680 each, even for MP4.
    fps : int
        Frames per second, 1 to 120 (1 to 50 for GIF).
    frames_per_epoch : int
        1 to 100; the in-between frames interpolate the angles linearly (smooth motion).
    hold : float
        Seconds (0 to 60) the last frame stays: ``round(fps * hold)`` extra frames.
    progress : callable, optional
        ``progress(done, total)`` after each frame.
    cancel : callable, optional
        Polled before each frame; when it returns true the export stops, the
        partial file is removed and :class:`Cancelled` is raised.
    theme, log_error
        As for :class:`~armsim.render.figure.RunFigure`.

    Returns
    -------
    VideoInfo

    Raises
    ------
    OptionError
        A bad option (a ``ValueError`` naming it); nothing is written.
    Cancelled
        ``cancel()`` returned true; nothing is written and any old file is unchanged.
    OSError
        The file could not be written; any old file is unchanged.
    """
    ext, size, fps, k, hold = check_video(path, size, fps, frames_per_epoch, hold)
    plan = schedule(result.epochs_run, k, fps, hold)
    check_total_frames(plan.total, fps)
    if ext == ".gif":
        check_gif_memory(plan.animated, size)
    ensure_app()
    figure = RunFigure(size, theme, log_error=log_error)
    render = encode = 0.0
    with atomic_path(path) as tmp:
        writer = _Mp4Writer(tmp, size, fps) if ext == ".mp4" else GifWriter(tmp, size, fps, plan.animated, plan.held)
        try:
            image = None
            for done in range(1, plan.total + 1):
                if cancel is not None and cancel():
                    raise Cancelled(f"export of {os.fspath(path)!r} cancelled after {done - 1} of {plan.total} "
                                    f"frames; nothing was written")
                t0 = time.perf_counter()
                if done <= plan.animated:       # the held frames are the last image again
                    image = writer.blank()      # waits while the encoder is FEED_BUFFERS frames behind
                    t1 = time.perf_counter()
                    _draw_frame(figure, result, done - 1, k, image)
                    t2 = time.perf_counter()
                    encode += t1 - t0
                    render += t2 - t1
                t2 = time.perf_counter()
                writer.append(image)
                encode += time.perf_counter() - t2
                if progress is not None:
                    progress(done, plan.total)
        except BaseException:
            with suppress(Exception):     # the first failure is the one to report
                writer.abandon()
            raise
        finally:
            figure.deleteLater()
        t1 = time.perf_counter()
        writer.close()
        encode += time.perf_counter() - t1
    return VideoInfo(os.fspath(path), plan.total, size, fps, plan.total / fps, render, encode)


def _frame_image(figure: RunFigure) -> QImage:
    """An image for :meth:`RunFigure.paint_into`: the figure's size, ``Format_RGB32``."""
    image = QImage(figure.width(), figure.height(), QImage.Format_RGB32)
    image.setDevicePixelRatio(1.0)
    return image


def _draw_frame(figure: RunFigure, result: Result, i: int, frames_per_epoch: int, image: QImage) -> None:
    """Animated frame ``i`` of ``result`` painted into ``image``."""
    angles, t = pose_at(result.angles, i, frames_per_epoch)
    figure.show_frame(result, angles, t)
    figure.paint_into(image)


class _Mp4Writer:
    """ffmpeg (libx264, through imageio-ffmpeg) fed by a thread of its own from a few reused images.

    Writing a 1080p frame into ffmpeg's pipe takes milliseconds and blocks whenever
    ffmpeg is behind; from a thread (the write releases the GIL) the caller draws
    the next frame meanwhile. :data:`FEED_BUFFERS` images circulate: :meth:`blank`
    hands out a free one (waiting while all are queued or being written), the
    caller paints it and :meth:`append` queues it; once written it is free again.
    The images go to ffmpeg as they are, no RGB copy (:data:`MP4_PIX_FMT_IN`).

    ffmpeg starts with the first frame (a cancel before it starts nothing).
    """

    def __init__(self, tmp: str, size: tuple[int, int], fps: int):
        self.tmp, self.size, self.fps = tmp, size, fps
        self._gen = None
        self._free: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(FEED_BUFFERS):
            self._free.put(QImage(size[0], size[1], QImage.Format_RGB32))
        self._todo: queue.Queue = queue.Queue(maxsize=FEED_BUFFERS - 1)
        self._error: BaseException | None = None
        self._dropping = False          # after abandon: queued frames are not written
        self._thread: threading.Thread | None = None

    def blank(self) -> QImage:
        """A free image to paint the next frame into (waits while all are queued or being written)."""
        image = self._free.get()
        self._raise_feed_error()
        return image

    def append(self, image: QImage) -> None:
        """Queue a painted image (from :meth:`blank`, or the last one again for a held frame)."""
        self._raise_feed_error()
        if self._gen is None:
            import imageio_ffmpeg  # imported here: figures and the window never need the encoders
            self._gen = imageio_ffmpeg.write_frames(
                self.tmp, self.size, pix_fmt_in=MP4_PIX_FMT_IN, pix_fmt_out="yuv420p", fps=self.fps,
                codec="libx264", quality=MP4_QUALITY, macro_block_size=1, ffmpeg_log_level="error",
                output_params=["-preset", MP4_PRESET])
            self._gen.send(None)        # starts ffmpeg
            self._thread = threading.Thread(target=self._feed, name="armsim-mp4-feed", daemon=True)
            self._thread.start()
        self._todo.put(image)

    def _feed(self) -> None:
        while (image := self._todo.get()) is not None:
            if self._error is None and not self._dropping:
                try:
                    self._gen.send(image.constBits())      # 4 * width bytes a row: no padding
                except BaseException as e:      # reported by the caller's next blank/append/close
                    self._error = e
            self._free.put(image)

    def _raise_feed_error(self) -> None:
        if self._error is not None:     # e.g. ffmpeg exited: imageio-ffmpeg's OSError with ffmpeg's command
            raise self._error

    def _stop_feed(self) -> None:
        if self._thread is not None:
            self._todo.put(None)
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        """Write what is queued, then let ffmpeg finish the file."""
        self._stop_feed()
        self._raise_feed_error()
        if self._gen is not None:
            self._gen.close()

    def abandon(self) -> None:
        """Stop without writing what is queued; ffmpeg exits (it holds the temporary file, deleted next)."""
        self._dropping = True
        self._stop_feed()
        if self._gen is not None:
            self._gen.close()
