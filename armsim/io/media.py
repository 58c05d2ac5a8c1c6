"""What a figure or video export may be asked for, and which pose each video frame shows. Qt-free.

This module owns the rules of ``armsim render`` and of
:func:`armsim.render.video.export_video` / :func:`armsim.render.figure.export_figure`:
the formats, the limits on size, frame rate, frames per epoch and hold, and the
frame schedule (how many frames, and the angles of each). It imports neither
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

import os
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
# Pillow writes a GIF from all its frames at once: they wait as RGB (3 bytes a pixel), then as
# palette images (1 byte, and Pillow copies each while it writes). So a GIF is bounded by its
# pixel count: 2**29 pixels is about 1.6 GB, 258 frames of 1920x1080 or 3,106 frames of 480x360.
MAX_GIF_PIXELS = 2 ** 29
GIF_BYTES_PER_PIXEL = 3
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


def check_gif_memory(frames: int, size: tuple[int, int]) -> None:
    """Refuse a GIF too big to hold in memory while Pillow writes it.

    Raises
    ------
    OptionError
        ``size``, with the numbers and the ways out.
    """
    pixels = frames * size[0] * size[1]
    if pixels > MAX_GIF_PIXELS:
        raise OptionError("size", f"a GIF is held in memory while it is written: {frames:,} frames of "
                                  f"{size[0]}x{size[1]} would need about {GIF_BYTES_PER_PIXEL * pixels / 1e9:.1f} GB "
                                  f"(at most {GIF_BYTES_PER_PIXEL * MAX_GIF_PIXELS / 1e9:.1f} GB); "
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

