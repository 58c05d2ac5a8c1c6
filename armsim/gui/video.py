"""Videos of a run: every frame drawn by :class:`~armsim.gui.figure.RunFigure`, encoded to GIF or MP4.

This module owns the encoding. The frames and their count come from
:mod:`armsim.media` (``K * epochs_run + 1`` animated frames, in-between poses
interpolated, then ``round(fps * hold)`` copies of the last); :func:`iter_frames`
yields them as RGB arrays, and :func:`export_video` feeds them to

``.mp4``  ffmpeg through imageio-ffmpeg: libx264, ``yuv420p`` (plays everywhere),
          ``macro_block_size=1`` (the size stays exactly as asked; it must be even).
``.gif``  Pillow, called directly rather than through imageio's plugin (which
          takes RGB frames and has Pillow median-cut a palette for each, 25
          times slower than mapping all frames to one palette of the whole
          video, :class:`Palette`), looping forever. GIF delays are in
          1/100 s, so each frame's delay is 30 or 40 ms at 30 fps such that
          frame ``i`` starts within 5 ms of ``i / fps``
          (:func:`armsim.media.gif_delays_ms`). Pillow stores a run of
          identical frames once with their delays added, so the hold is the
          last frame's longer delay: a decoder sees ``K * epochs_run + 1``
          frames, playing exactly as long as ``K * epochs_run + 1 + held``.

The file is written under a temporary name in the destination's directory and
renamed over the destination only when complete (:func:`armsim.atomic.atomic_path`),
so a failure or a cancel never leaves a partial video.
"""
from __future__ import annotations

import os
import time
from contextlib import suppress
from typing import Callable, Iterator, NamedTuple

import numpy as np

from ..atomic import atomic_path
from ..media import (DEFAULT_SIZE, check_gif_memory, check_total_frames, check_video, gif_delays_ms, pose_at,
                     schedule)
from ..solvers import Result
from .figure import RunFigure, ensure_app
from .style import LIGHT, Theme

# imageio-ffmpeg turns quality q into x264 -crf int((1 - q/10) * 51). Its default, 5 (crf 25), visibly
# smears the faint trail lines of a 1080p frame; 6.5 (crf 17) keeps them clean for about 1.8x the bytes
# (a mostly white figure: at most about 0.2 MB a second at 1080p).
MP4_QUALITY = 6.5
PALETTE_SAMPLES = 8     # frames a GIF's palette is taken from
EXACT_COLOURS = 160     # of a GIF's 256: the most frequent colours, kept exactly (background, text, pure lines)


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
    encode_seconds: float       #: wall time spent handing frames to the encoder and finishing the file


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
        As for :class:`~armsim.gui.figure.RunFigure`.
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
        for i in range(frames_per_epoch * result.epochs_run + 1):
            angles, t = pose_at(result.angles, i, frames_per_epoch)
            figure.show_frame(result, angles, t)
            frame = figure.grab_rgb()
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
        As for :class:`~armsim.gui.figure.RunFigure`.

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
    frames = iter_frames(result, size=size, frames_per_epoch=k, held=plan.held, theme=theme, log_error=log_error)
    render = encode = 0.0
    with atomic_path(path) as tmp:
        writer = _mp4_writer(tmp, fps) if ext == ".mp4" else _GifWriter(tmp, fps, plan.animated, plan.held)
        try:
            for done in range(1, plan.total + 1):
                if cancel is not None and cancel():
                    raise Cancelled(f"export of {os.fspath(path)!r} cancelled after {done - 1} of {plan.total} "
                                    f"frames; nothing was written")
                t0 = time.perf_counter()
                frame = next(frames)
                t1 = time.perf_counter()
                writer.append_data(frame)
                render += t1 - t0
                encode += time.perf_counter() - t1
                if progress is not None:
                    progress(done, plan.total)
        except BaseException:
            with suppress(Exception):     # the first failure is the one to report
                _abandon(writer)
            raise
        finally:
            frames.close()
        t1 = time.perf_counter()
        writer.close()
        encode += time.perf_counter() - t1
    return VideoInfo(os.fspath(path), plan.total, size, fps, plan.total / fps, render, encode)


def _mp4_writer(tmp: str, fps: int):
    import imageio.v2 as iio      # imported here: figures and the window never need the encoders
    return iio.get_writer(tmp, format="FFMPEG", mode="I", fps=fps, codec="libx264", pixelformat="yuv420p",
                          quality=MP4_QUALITY, macro_block_size=1, ffmpeg_log_level="error")


class _GifWriter:
    """Collects the animated frames; on close maps them all to one palette and writes the GIF with Pillow.

    Pillow writes a GIF from all of its frames at once, so they wait in memory
    (bounded by :data:`armsim.media.MAX_GIF_PIXELS`). The held copies of the
    last frame are not stored: Pillow would merge them into one frame anyway,
    so the last frame's delay is lengthened by the hold instead (the same file).
    """

    def __init__(self, tmp: str, fps: int, animated: int, held: int):
        delays = gif_delays_ms(animated + held, fps)
        self.tmp, self.animated = tmp, animated
        self.delays = delays[:animated - 1] + [sum(delays[animated - 1:])]
        self.frames: list[np.ndarray] = []

    def append_data(self, frame: np.ndarray) -> None:
        if len(self.frames) < self.animated:
            self.frames.append(frame)

    def close(self) -> None:
        from PIL import Image
        palette = Palette(self.frames)
        images = []
        while self.frames:        # each RGB frame is released once its palette image exists
            image = Image.fromarray(palette.indices(self.frames.pop(0)))
            image.putpalette(palette.rgb)
            images.append(image)
        images[0].save(self.tmp, format="GIF", save_all=True, append_images=images[1:], duration=self.delays,
                       loop=0)

    def abandon(self) -> None:
        self.frames.clear()


class Palette:
    """One 256-colour palette for a whole video, and the exact nearest-colour mapping onto it.

    Every frame draws with the same few colours and their antialiased blends, so
    ``samples`` evenly spaced frames at every other pixel cover them. The
    :data:`EXACT_COLOURS` most frequent colours go in as they are (a median cut
    alone averages the white background into a grey), the rest is a median cut
    of the sample. One palette keeps colours from flickering between frames.

    The mapping is exact (Pillow's own maps through a coarse colour cube, which
    also greyed the white) and fast: a video has a few thousand distinct colours,
    so each one's nearest palette entry is found once and kept in a table
    indexed by the 24-bit colour (32 MB); a frame then costs one lookup a pixel,
    about 25 times less than Pillow's median cut of every frame (which is what
    imageio's GIF plugin does with RGB frames, and which dominated GIF export).
    """

    def __init__(self, frames: list[np.ndarray], samples: int = PALETTE_SAMPLES):
        from PIL import Image
        n = len(frames)
        picks = sorted({round(i * (n - 1) / max(samples - 1, 1)) for i in range(min(samples, n))})
        sample = np.concatenate([frames[i][::2, ::2] for i in picks])
        colours, counts = np.unique(_keys(sample), return_counts=True)
        exact = colours[np.argsort(-counts, kind="stable")[:EXACT_COLOURS]]
        table = _rgb(exact)
        if len(colours) > EXACT_COLOURS:
            rest = 256 - EXACT_COLOURS
            cut = Image.fromarray(sample).quantize(rest, method=Image.Quantize.MEDIANCUT).getpalette()[:3 * rest]
            table = np.concatenate((table, np.reshape(cut, (-1, 3))))
        self.table = table.astype(np.int64)                 # (<= 256, 3)
        self.rgb = self.table.astype(np.uint8).ravel().tolist()
        self._lut = np.full(1 << 24, -1, dtype=np.int16)     # 24-bit colour -> palette index, filled on demand

    def indices(self, frame: np.ndarray) -> np.ndarray:
        """The frame as palette indices, ``(H, W)`` uint8: each pixel's nearest palette colour."""
        keys = _keys(frame)
        found = self._lut[keys]
        if (found < 0).any():
            new = np.unique(keys[found < 0])
            distance = ((_rgb(new)[:, None, :] - self.table[None, :, :]) ** 2).sum(axis=2)
            self._lut[new] = distance.argmin(axis=1)        # the first of equals: deterministic
            found = self._lut[keys]
        return found.astype(np.uint8)


def _keys(rgb: np.ndarray) -> np.ndarray:
    """24-bit colour numbers ``R + 256 G + 65536 B`` of an ``(..., 3)`` uint8 array."""
    u = np.uint32
    return rgb[..., 0].astype(u) | (rgb[..., 1].astype(u) << u(8)) | (rgb[..., 2].astype(u) << u(16))


def _rgb(keys: np.ndarray) -> np.ndarray:
    """The ``(n, 3)`` colours of :func:`_keys` numbers."""
    keys = keys.astype(np.int64)
    return np.stack([keys & 255, (keys >> 8) & 255, (keys >> 16) & 255], axis=1)


def _abandon(writer) -> None:
    """Stop a writer after a failure or cancel, without finishing a file that is about to be removed."""
    if isinstance(writer, _GifWriter):
        writer.abandon()
    else:
        writer.close()      # ffmpeg must exit (it holds the temporary file); the file is then deleted
