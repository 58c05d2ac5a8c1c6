"""Videos of a run: every frame drawn by :class:`~armsim.render.figure.RunFigure`, encoded to GIF or MP4.

This module owns a video export: the frame loop, progress, cancel, the atomic
file, and the choice of encoder (:mod:`armsim.render.mp4`, :mod:`armsim.render.gif`). The frames
and their count come from :mod:`armsim.io.media` (``K * epochs_run + 1``
animated frames, in-between poses interpolated, then ``round(fps * hold)``
copies of the last); :func:`iter_frames` yields them as RGB arrays, and
:func:`export_video` draws the very same frames and feeds them to

``.mp4``  the ffmpeg imageio-ffmpeg ships: libx264, ``yuv420p`` (plays everywhere),
          the size exactly as asked (it must be even), preset :data:`armsim.render.mp4.MP4_PRESET`.
          The frames go to ffmpeg as Qt paints them (no RGB copy), from a thread
          of its own while the next frame is drawn (:class:`~armsim.render.mp4.Mp4Writer`).
``.gif``  Pillow, all frames mapped to one palette of the whole video, looping
          forever, the hold as the last frame's longer delay
          (:class:`~armsim.render.gif.GifWriter`). The palette's sample frames
          are drawn first; a GIF near its memory limit is drawn by Qt's own
          rendering rather than the scene painter, which keeps more
          (:func:`armsim.io.media.gif_memory`).

The file is written under a temporary name in the destination's directory and
renamed over the destination only when complete (:func:`armsim.io.atomic.atomic_path`),
so a failure or a cancel never leaves a partial video. A full disk is one line
(:class:`~armsim.io.media.NoSpaceError`: the folder, about how much was needed
from what was written per frame, what was free), found before any frame is drawn
when the folder lacks even the smallest such video's room, else as soon as a
write fails: an MP4 stops at the next frame after ffmpeg could not write.

Speed (``benchmarks/bench_video.py``; 2 cores): a 10 s 1080p MP4 at 30 fps is
300 frames in about 4 s of wall time, shared between drawing (about 12.5 ms a
frame beside ffmpeg; :meth:`RunFigure.paint_into` alone about 5 ms on an idle
core, the rest setting the plots' data) and ffmpeg (about 13 ms of CPU a frame at
preset ``ultrafast``: reading the pipe, converting to yuv420p, x264), which run
side by side.
"""
from __future__ import annotations

import os
import time
from contextlib import suppress
from typing import Callable, Iterator, NamedTuple

import numpy as np
from PySide6.QtGui import QImage

from armsim.core.run import Result
from armsim.io.atomic import atomic_path
from armsim.io.media import (
    DEFAULT_SIZE,
    MAX_GIF_BYTES,
    NoSpaceError,
    check_gif_memory,
    check_total_frames,
    check_video,
    free_space,
    gif_memory,
    is_no_space,
    min_video_bytes,
    no_space_error,
    pose_at,
    schedule,
)
from armsim.render.figure import RunFigure, ensure_app, rgb_array
from armsim.render.gif import GifWriter
from armsim.render.mp4 import Mp4Writer
from armsim.render.theme import LIGHT, Theme


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
        A bad option (a ``ValueError`` naming it), or a GIF too big for memory
        (:func:`~armsim.io.media.check_gif_memory`); nothing is written.
    Cancelled
        ``cancel()`` returned true; nothing is written and any old file is unchanged.
    OSError
        The file could not be written; any old file is unchanged, the encoder has
        exited and no temporary file is left. A full disk (or quota) is a
        :class:`~armsim.io.media.NoSpaceError` (errno ENOSPC) naming the folder and
        about how much was needed, estimated from what was written per frame; it
        is raised before any frame is drawn when less is free than the smallest
        such video takes (:func:`~armsim.io.media.min_video_bytes`). An encoder
        failure is one line too.
    """
    ext, size, fps, k, hold = check_video(path, size, fps, frames_per_epoch, hold)
    plan = schedule(result.epochs_run, k, fps, hold)
    check_total_frames(plan.total, fps)
    painter = True
    if ext == ".gif":
        check_gif_memory(plan.animated, size)
        # The scene painter keeps a backdrop and layers; near the limit Qt draws the frames, in less memory.
        painter = gif_memory(plan.animated, size, painter=True) <= MAX_GIF_BYTES
    folder = os.path.dirname(os.path.realpath(os.fspath(path)))
    free = free_space(folder)
    least = min_video_bytes(ext, size, plan.total)
    if free is not None and free < least:
        raise no_space_error(folder, least, free, at_least=True)
    ensure_app()
    figure = RunFigure(size, theme, log_error=log_error)
    times = _Times()
    try:
        with atomic_path(path) as tmp:
            writer = Mp4Writer(tmp, size, fps) if ext == ".mp4" else GifWriter(tmp, size, fps, plan.animated,
                                                                                plan.held)
            try:
                try:
                    _write_frames(writer, figure, result, plan, k, painter, progress, cancel, path, times)
                finally:
                    figure.deleteLater()
                t0 = time.perf_counter()
                writer.close()
                _fsync(tmp)         # a disk that fills only as the data reaches it is reported here too
                times.encode += time.perf_counter() - t0
            except BaseException as e:
                with suppress(Exception):     # the first failure is the one to report
                    writer.abandon()
                if is_no_space(e):          # while the partial file tells how far it got
                    needed, at_least = _space_needed(writer, tmp, plan, least)
                    raise no_space_error(folder, needed, free, at_least=at_least) from e
                raise
    except OSError as e:
        if is_no_space(e) and not isinstance(e, NoSpaceError):      # making or renaming the temporary file
            raise no_space_error(folder, least, free, at_least=True) from e
        raise
    return VideoInfo(os.fspath(path), plan.total, size, fps, plan.total / fps, times.render, times.encode)


class _Times:
    render = encode = 0.0


def _write_frames(writer, figure: RunFigure, result: Result, plan, k: int, painter: bool,
                  progress, cancel, path, times: _Times) -> None:
    """Draw every frame and hand it to ``writer`` (a GIF's palette samples first); poll ``cancel``."""
    def check_cancel(done: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled(f"export of {os.fspath(path)!r} cancelled after {done} of {plan.total} "
                            f"frames; nothing was written")

    for i in getattr(writer, "samples", ()):        # a GIF's palette comes from these, drawn first
        check_cancel(0)
        t0 = time.perf_counter()
        writer.add_sample(_draw_frame(figure, result, i, k, writer.blank() if painter else None))
        times.render += time.perf_counter() - t0
    image = None
    for done in range(1, plan.total + 1):
        check_cancel(done - 1)
        t0 = time.perf_counter()
        if done <= plan.animated:       # the held frames are the last image again
            # the encoder's image to paint (an MP4's waits while the encoder is mp4.FEED_BUFFERS frames behind),
            # or, drawn by Qt, a new one (the last released first)
            image = writer.blank() if painter else None
            t1 = time.perf_counter()
            image = _draw_frame(figure, result, done - 1, k, image)
            t2 = time.perf_counter()
            times.encode += t1 - t0
            times.render += t2 - t1
        t2 = time.perf_counter()
        writer.append(image)
        times.encode += time.perf_counter() - t2
        if progress is not None:
            progress(done, plan.total)


def _space_needed(writer, tmp: str, plan, least: int) -> tuple[int, bool]:
    """About how big the file would have been: what was written per frame, times the frames
    (and whether that is only a lower bound: no frame was wholly written)."""
    if isinstance(writer, GifWriter):
        written, done, total = writer.bytes_written, writer.frames_written, plan.animated
    else:
        written, done, total = _file_size(tmp), writer.frames_fed, plan.total
    if done == 0 or written == 0:
        return max(written, least), True
    return max(round(written * total / done), written, least), False


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _frame_image(figure: RunFigure) -> QImage:
    """An image for :meth:`RunFigure.paint_into`: the figure's size, ``Format_RGB32``."""
    image = QImage(figure.width(), figure.height(), QImage.Format_RGB32)
    image.setDevicePixelRatio(1.0)
    return image


def _draw_frame(figure: RunFigure, result: Result, i: int, frames_per_epoch: int,
                image: QImage | None) -> QImage:
    """Animated frame ``i`` of ``result`` painted into ``image``, or with ``image`` None drawn by
    Qt's own rendering into a new image (less memory than the scene painter keeps; the same pixels)."""
    angles, t = pose_at(result.angles, i, frames_per_epoch)
    figure.show_frame(result, angles, t)
    if image is None:
        return figure.render_image(reference=True)
    figure.paint_into(image)
    return image
