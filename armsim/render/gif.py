"""GIF files of a video's frames: one palette for the whole video, written by Pillow.

This module owns the ``.gif`` format of :func:`armsim.render.video.export_video`.
Pillow is called directly rather than through imageio's plugin (which takes RGB
frames and has Pillow median-cut a palette for each, 25 times slower than
mapping all frames to one palette of the whole video, :class:`Palette`). The
GIF loops forever. GIF delays are in 1/100 s, so each frame's delay is 30 or 40 ms at
30 fps such that frame ``i`` starts within 5 ms of ``i / fps``
(:func:`armsim.io.media.gif_delays_ms`). Pillow stores a run of identical frames
once with their delays added, so the hold is the last frame's longer delay: a
decoder sees ``K * epochs_run + 1`` frames, playing exactly as long as
``K * epochs_run + 1 + held``.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from armsim.io.media import gif_delays_ms
from armsim.render.figure import rgb_array

PALETTE_SAMPLES = 8     # frames a GIF's palette is taken from
EXACT_COLOURS = 160     # of a GIF's 256: the most frequent colours, kept exactly (background, text, pure lines)


class GifWriter:
    """Collects the animated frames; on close maps them all to one palette and writes the GIF with Pillow.

    Pillow writes a GIF from all of its frames at once, so they wait in memory
    (bounded by :data:`armsim.io.media.MAX_GIF_PIXELS`). The held copies of the
    last frame are not stored: Pillow would merge them into one frame anyway,
    so the last frame's delay is lengthened by the hold instead (the same file).
    """

    def __init__(self, tmp: str, size: tuple[int, int], fps: int, animated: int, held: int):
        delays = gif_delays_ms(animated + held, fps)
        self.tmp, self.size, self.animated = tmp, size, animated
        self._image: QImage | None = None
        self.delays = delays[:animated - 1] + [sum(delays[animated - 1:])]
        self.frames: list[np.ndarray] = []

    def blank(self) -> QImage:
        """The image to paint the next frame into (always the same one: each is copied on append)."""
        if self._image is None:
            self._image = QImage(self.size[0], self.size[1], QImage.Format_RGB32)
        return self._image

    def append(self, image: QImage) -> None:
        if len(self.frames) < self.animated:
            self.frames.append(rgb_array(image))

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
