"""What a figure or video export may be asked for, and which pose each video frame shows. Qt-free.

This module owns the rules of ``armsim render`` and of
:func:`armsim.render.video.export_video` / :func:`armsim.render.figure.export_figure`:
the formats, the limits on size, frame rate, frames per epoch and hold, the
memory a GIF takes (:func:`gif_memory`), the least room a video file takes
(:func:`check_space`) and the one-line error of a full disk
(:class:`NoSpaceError`), and the frame schedule (how many frames, and the
angles of each). It imports neither
Qt nor an encoder, so the command line checks its flags before it solves and
before Qt loads, and the schedule is testable on its own.

Frame schedule
--------------
A run of ``E`` epochs with ``K`` frames per epoch has ``K * E + 1`` animated
frames: frame ``i`` shows the arm at epoch position ``t = i / K``. When ``t`` is
between epochs ``j`` and ``j + 1`` the angles are interpolated linearly between
the two poses (smooth motion); at whole epochs they are the run's own angles,
bit for bit. Then ``round(fps * hold)`` copies of the last frame follow.
"""
from __future__ import annotations

import errno
import os
import shutil
from typing import NamedTuple

import numpy as np

FIGURE_FORMATS = (".png", ".svg")
VIDEO_FORMATS = (".gif", ".mp4")
FORMATS = FIGURE_FORMATS + VIDEO_FORMATS
DEFAULT_SIZE = (1920, 1080)
MIN_SIDE, MAX_SIDE = 16, 7680          # 16 px still shows an arm; 7680 is 8K UHD
MIN_FPS, MAX_FPS = 1, 120
MAX_GIF_FPS = 50                       # GIF delays are 1/100 s; browsers slow delays under 2/100 s to 1/10 s
MAX_FRAMES_PER_EPOCH = 100
MAX_HOLD = 60.0                        # seconds
# A GIF is written by Pillow from all its frames at once, so they wait in memory, each as palette
# indices, 1 byte a pixel, and a few kB of Python and Pillow objects (armsim.render.gif). Beside them
# an export holds, per pixel of one frame, what drawing a frame takes (the frame's image, Qt's own
# buffer; with the scene painter its backdrop and layers too) and the transients of mapping a frame
# and of Pillow writing (its copy of the frame it is given, the difference of two frames), and a part
# of fixed size (Qt's fonts and plots, the colour table of 2**24 entries, the palette's sample).
# gif_memory counts all of it: the peak of the process's memory over what it held before the export.
# Measured (benchmarks/bench_gif_memory.py, 16x16 to 7680x7680, 1 to 20,000 frames): a fixed part of
# 53 to 60 MB; per pixel of a frame 9 to 16 bytes drawn by Qt, 25 to 31 by the painter; about 6 kB a
# frame. The figures below are those with some 10 % more.
MAX_GIF_BYTES = 3 * 2 ** 29             # 1,610,612,736 bytes: about 1.6 GB
GIF_STORED_BYTES_PER_PIXEL = 1          # each animated frame, waiting as palette indices
GIF_FRAME_BYTES = 8 * 2 ** 10           # each animated frame's objects
GIF_DRAW_BYTES_PER_PIXEL = 16           # of one frame, drawn by Qt's QWidget.render, and the transients
GIF_PAINTER_BYTES_PER_PIXEL = 36        # the same, drawn by the scene painter
GIF_FIXED_BYTES = 80 * 2 ** 20

# The least space a video file takes, for the check before any frame is drawn (check_space): the files
# measured were several times larger (a 1920x1080 MP4's first frame about 40 kB and each further one
# about 5 kB, a held copy about 100 bytes; a 1920x1080 GIF's first frame about 27 kB, and a frame the same
# as the one before costs a GIF nothing).
MIN_VIDEO_BYTES = {".mp4": 1000, ".gif": 100}               # the container (x264 writes its settings too)
MIN_FIRST_FRAME_BYTES_PER_PIXEL = {".mp4": 0.01, ".gif": 0.005}
MIN_FRAME_BYTES = {".mp4": 8, ".gif": 0}                    # each further frame (an MP4 indexes every frame)
# Beyond this a video is a mistake (an hour of 30 fps; days to render), not a lesson.
MAX_FRAMES = 108_000


class OptionError(ValueError):
    """An export option broke a rule. ``option`` names it (``path``, ``size``, ``fps``,
    ``frames_per_epoch``, ``hold``, ``epoch``, or ``epochs`` for a video too long),
    ``rule`` states the rule, ``str()`` both."""

    def __init__(self, option: str, rule: str):
        super().__init__(f"{option}: {rule}")
        self.option = option
        self.rule = rule


class NoSpaceError(OSError):
    """The disk (or the user's quota) is full: ``errno`` is ENOSPC, ``str()`` the one-line message alone."""

    def __str__(self) -> str:
        return str(self.strerror)


class Schedule(NamedTuple):
    """How many frames a video has: ``animated`` (``K * E + 1``) then ``held`` copies of the last."""

    animated: int
    held: int

    @property
    def total(self) -> int:
        return self.animated + self.held


def check_format(path: str | os.PathLike, allowed: tuple[str, ...] = FORMATS) -> str:
    """The export format of ``path`` from its extension (lower case, with the dot).

    Raises
    ------
    OptionError
        ``path``: the extension is not one of ``allowed``.
    """
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in allowed:
        raise OptionError("path", f"the format comes from the extension, which must be one of "
                                  f"{' '.join(allowed)}; got {ext or 'none'!r}")
    return ext


def check_size(size, *, even: bool = False) -> tuple[int, int]:
    """``(width, height)`` in pixels, each a whole number from 16 to 7680 (even, if ``even``).

    Raises
    ------
    OptionError
        ``size``: not two whole numbers, out of range, or odd where even is needed.
    """
    try:
        w, h = size
    except (TypeError, ValueError):
        raise OptionError("size", f"must be (width, height), got {size!r}") from None
    for side in (w, h):
        if isinstance(side, bool) or not isinstance(side, (int, np.integer)):
            raise OptionError("size", f"width and height must be whole numbers, got {w!r}x{h!r}")
    w, h = int(w), int(h)
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        raise OptionError("size", f"width and height must each be {MIN_SIDE} to {MAX_SIDE} pixels, got {w}x{h}")
    if even and (w % 2 or h % 2):
        raise OptionError("size", f"an MP4 (yuv420p) needs an even width and height, got {w}x{h}")
    return w, h


def check_video(path, size, fps, frames_per_epoch, hold) -> tuple[str, tuple[int, int], int, int, float]:
    """Validate a video export's options; returns ``(ext, (w, h), fps, frames_per_epoch, hold)``.

    Raises
    ------
    OptionError
        Naming the first option that breaks its rule.
    """
    ext = check_format(path, VIDEO_FORMATS)
    w, h = check_size(size, even=ext == ".mp4")
    fps = _whole("fps", fps, MIN_FPS, MAX_GIF_FPS if ext == ".gif" else MAX_FPS,
                 " for a GIF (its delays are in 1/100 s; use .mp4 for more)" if ext == ".gif" else "")
    k = _whole("frames_per_epoch", frames_per_epoch, 1, MAX_FRAMES_PER_EPOCH)
    if isinstance(hold, bool) or not isinstance(hold, (int, float, np.integer, np.floating)) \
            or not (0.0 <= float(hold) <= MAX_HOLD):        # also rejects NaN
        raise OptionError("hold", f"must be 0 to {MAX_HOLD:g} seconds, got {hold!r}")
    return ext, (w, h), fps, k, float(hold)


def _whole(option: str, value, low: int, high: int, why: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise OptionError(option, f"must be a whole number from {low} to {high}{why}, got {value!r}")
    return int(value)


def schedule(epochs_run: int, frames_per_epoch: int, fps: int, hold: float) -> Schedule:
    """The frame counts of a video of a run with ``epochs_run`` epochs."""
    return Schedule(frames_per_epoch * epochs_run + 1, round(fps * hold))


def gif_memory(frames: int, size: tuple[int, int], *, painter: bool = False) -> int:
    """Bytes a GIF export of ``frames`` animated frames of ``size`` takes at most beyond what the process held.

    ``painter``: the frames are drawn by the scene painter (faster, more memory),
    else by Qt's ``QWidget.render`` (see the constants above).
    """
    pixels = size[0] * size[1]
    per_frame = GIF_PAINTER_BYTES_PER_PIXEL if painter else GIF_DRAW_BYTES_PER_PIXEL
    return GIF_FIXED_BYTES + pixels * per_frame + frames * (pixels * GIF_STORED_BYTES_PER_PIXEL + GIF_FRAME_BYTES)


def check_gif_memory(frames: int, size: tuple[int, int]) -> None:
    """Refuse a GIF whose export would take more than :data:`MAX_GIF_BYTES` (:func:`gif_memory`).

    Raises
    ------
    OptionError
        ``size``, with the numbers and the ways out. The need is rounded up and
        the limit down, so a need just over the limit never reads as the limit.
    """
    need = gif_memory(frames, size)
    if need > MAX_GIF_BYTES:
        raise OptionError("size", f"a GIF is held in memory while it is written: {frames:,} frames of "
                                  f"{size[0]}x{size[1]} would need about {-(-need // 10 ** 6):,} MB "
                                  f"(at most {MAX_GIF_BYTES // 10 ** 6:,} MB); "
                                  f"use .mp4, a smaller size or fewer frames")


def check_total_frames(frames: int, fps: int) -> None:
    """Refuse a video of more than :data:`MAX_FRAMES` frames.

    Raises
    ------
    OptionError
        ``epochs`` (the usual cause), with the length the video would have.
    """
    if frames > MAX_FRAMES:
        raise OptionError("epochs", f"the video would have {frames:,} frames ({frames / fps / 3600:.1f} hours "
                                    f"at {fps} fps), more than {MAX_FRAMES:,}; render fewer epochs or fewer "
                                    f"frames per epoch")


def pose_at(angles: np.ndarray, i: int, frames_per_epoch: int) -> tuple[np.ndarray, float]:
    """The angles shown by animated frame ``i``, and its epoch position ``t = i / K``.

    Parameters
    ----------
    angles : ndarray, shape (E + 1, n)
        A run's angles per epoch (:attr:`armsim.core.run.Result.angles`).
    i : int
        Frame index, 0 to ``K * E``.
    frames_per_epoch : int
        ``K``.

    Returns
    -------
    (ndarray, float)
        At whole epochs the run's own angles (not a copy); in between, the linear
        interpolation ``(1 - f) * w_j + f * w_(j+1)`` with ``f = (i mod K) / K``.
    """
    j, r = divmod(i, frames_per_epoch)
    if r == 0:
        return angles[j], float(j)
    f = r / frames_per_epoch
    return (1.0 - f) * angles[j] + f * angles[j + 1], j + f


def gif_delays_ms(frames: int, fps: int) -> list[int]:
    """Per-frame GIF delays in ms, multiples of 10 that add up to ``frames / fps`` seconds.

    A GIF stores delays in 1/100 s, so 1/30 s cannot be stored exactly; Pillow
    would truncate every 33.3 ms to 30 ms (a 10 % fast film). Instead the
    rounding error is carried from frame to frame (30, 30, 40, 30, ...), so
    frame ``i`` starts within 5 ms of ``i / fps``.
    """
    edges = [round(i * 100 / fps) for i in range(frames + 1)]      # frame starts, in 1/100 s
    return [10 * (b - a) for a, b in zip(edges, edges[1:])]


def min_video_bytes(ext: str, size: tuple[int, int], frames: int) -> int:
    """A lower bound of the size of a video file (``.gif`` or ``.mp4``) of ``frames`` frames of ``size``."""
    first = MIN_FIRST_FRAME_BYTES_PER_PIXEL[ext] * size[0] * size[1]
    return int(MIN_VIDEO_BYTES[ext] + first + MIN_FRAME_BYTES[ext] * max(frames - 1, 0))


def free_space(folder: str | os.PathLike) -> int | None:
    """Bytes free for this user on the file system of ``folder``, or None when it cannot be told."""
    try:
        return shutil.disk_usage(folder).free
    except (OSError, ValueError):
        return None


def size_text(n: float) -> str:
    """A byte count for a message: ``850 bytes``, ``12 kB``, ``3.4 MB``, ``1,610.6 MB``."""
    if n < 1000:
        return f"{n:.0f} bytes"
    if n < 10 ** 6:
        return f"{n / 1000:.0f} kB"
    return f"{n / 10 ** 6:,.1f} MB"


def path_text(path: str | os.PathLike, keep: int = 150) -> str:
    """A path for a message, quoted; a very long one keeps its end (the part that tells it apart)."""
    text = os.fspath(path)
    return repr(text) if len(text) <= keep else repr("..." + text[-keep:])


def no_space_error(folder: str | os.PathLike, needed: int, free: int | None, *, at_least: bool = False) \
        -> NoSpaceError:
    """The one-line ENOSPC error of a write to ``folder`` that needed about (``at_least``: more than) ``needed``."""
    about = "more than" if at_least else "about"
    had = f", {size_text(free)} was free" if free is not None else ""
    return NoSpaceError(errno.ENOSPC, f"no space left on {path_text(folder)} "
                                      f"({about} {size_text(needed)} needed{had})")


def is_no_space(error: BaseException) -> bool:
    """Whether ``error`` is a full disk or a full quota."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def check_space(path: str | os.PathLike, size: tuple[int, int], frames: int) -> None:
    """Refuse a video whose folder has less space free than the smallest such file takes.

    Raises
    ------
    OptionError
        ``path``, naming the folder, the least the video needs and what is free.
    """
    ext = check_format(path, VIDEO_FORMATS)
    folder = os.path.dirname(os.path.realpath(os.fspath(path)))
    free = free_space(folder)
    least = min_video_bytes(ext, size, frames)
    if free is not None and free < least:
        raise OptionError("path", f"not enough space on {path_text(folder)}: a {size[0]}x{size[1]} {ext[1:].upper()} "
                                  f"of {frames:,} frames takes at least {size_text(least)}, "
                                  f"{size_text(free)} is free")
