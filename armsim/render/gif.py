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

Memory. Pillow writes a GIF from all of its frames at once, so they wait in
memory; what they cost decides how big a GIF may be
(:func:`armsim.io.media.check_gif_memory`). The palette is taken first, from
:data:`PALETTE_SAMPLES` frames drawn before the others (drawing is
deterministic: a frame depends only on its epoch), so each frame is mapped to
palette indices as soon as it is drawn and waits as 1 byte a pixel, not as RGB.
Frames are read straight from Qt's 32-bit pixels and mapped a block of rows at a
time, so no frame-sized temporary is made; Pillow is handed the frames one by one
and each of ours is released once Pillow has its copy.
"""
from __future__ import annotations

import io
from collections import deque

import numpy as np
from PySide6.QtGui import QImage

from armsim.io.media import gif_delays_ms

PALETTE_SAMPLES = 8     # frames a GIF's palette is taken from
EXACT_COLOURS = 160     # of a GIF's 256: the most frequent colours, kept exactly (background, text, pure lines)
# Pixels handled at a time when counting or mapping colours: the temporaries are a few MB at any frame size.
BLOCK_PIXELS = 1 << 20
# Pillow's median cut sees the sample's colours as an image with the sample's colour counts; beyond
# this many pixels (8 samples of 1080p at every other pixel) the counts are scaled down to it.
MEDIAN_CUT_PIXELS = 1 << 22
_RGB_MASK = np.uint32(0xFFFFFF)     # Format_RGB32 pixels are 0xffRRGGBB words: the low 24 bits are the colour


def sample_frames(animated: int, samples: int = PALETTE_SAMPLES) -> list[int]:
    """The frames (of ``animated``) a palette is taken from: ``samples`` evenly spaced, first and last included."""
    return sorted({round(i * (animated - 1) / max(samples - 1, 1)) for i in range(min(samples, animated))})


class GifWriter:
    """Maps each frame to one palette as it is drawn; on close Pillow writes all of them as the GIF.

    First :meth:`add_sample` is given the frames :attr:`samples` (in any order),
    then :meth:`append` every frame in order. The held copies of the last frame are
    not stored: Pillow would merge them into one frame anyway, so the last frame's
    delay is lengthened by the hold instead (the same file).

    :attr:`frames_written` and :attr:`bytes_written` say how far :meth:`close`
    got, for an estimate of the space a failed write needed.
    """

    def __init__(self, tmp: str, size: tuple[int, int], fps: int, animated: int, held: int):
        delays = gif_delays_ms(animated + held, fps)
        self.tmp, self.size, self.animated = tmp, size, animated
        self.samples = sample_frames(animated)
        self.delays = delays[:animated - 1] + [sum(delays[animated - 1:])]
        self._image: QImage | None = None
        self._colours = ColourCount()
        self.palette: Palette | None = None
        self.frames: deque[np.ndarray] = deque()     # palette indices, (H, W) uint8, one per animated frame
        self._appended = 0
        self.frames_written = 0         # frames whose image data is wholly in the file
        self.bytes_written = 0

    def blank(self) -> QImage:
        """The image to paint the next frame into (always the same one: each is mapped on append)."""
        if self._image is None:
            self._image = QImage(self.size[0], self.size[1], QImage.Format_RGB32)
        return self._image

    def add_sample(self, image: QImage) -> None:
        """Count the colours of one of the :attr:`samples` frames (a ``Format_RGB32`` image)."""
        self._colours.add(_words(image)[::2, ::2])      # every other pixel covers a frame's colours

    def append(self, image: QImage) -> None:
        """Map the next frame (a ``Format_RGB32`` image) to the palette and keep it; held copies are skipped."""
        if self._appended >= self.animated:
            return
        if self.palette is None:
            self.palette = Palette(self._colours)
            self._colours = None
        self.frames.append(self.palette.indices(_words(image)))
        self._appended += 1

    def close(self) -> None:
        """Write the GIF to the temporary file (raises ``OSError``, e.g. ENOSPC, from the writes themselves)."""
        from PIL import Image
        self._image = None
        frames, rgb = self.frames, self.palette.rgb

        def images():
            while frames:       # each of ours is released once Pillow has copied it (it asks for the next)
                image = Image.fromarray(frames.popleft())
                image.putpalette(rgb)
                yield image

        sequence = images()
        first = next(sequence)
        with _CountingFile(self.tmp) as f:
            try:
                first.save(f, format="GIF", save_all=True, append_images=sequence, duration=self.delays, loop=0)
            finally:
                self.frames_written, self.bytes_written = f.frames, f.written
                sequence.close()
                frames.clear()

    def abandon(self) -> None:
        self.frames.clear()
        self._image = None


class _CountingFile(io.RawIOBase):
    """The temporary file for Pillow, written through unbuffered: every error is the write's own
    ``OSError`` (ENOSPC on a full disk), and the bytes written and frames finished are counted.

    It has no ``fileno``, so Pillow hands it the encoded data rather than writing to the
    descriptor itself (where a short write on a full disk would go unnoticed).
    """

    def __init__(self, path: str):
        super().__init__()
        self._file = io.FileIO(path, "w")
        self.written = 0
        self.frames = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        n = len(view)
        while view:
            done = self._file.write(view)
            self.written += done
            view = view[done:]
        if n == 1 and data[0:1] == b"\0":     # Pillow ends each frame's image data with this one byte
            self.frames += 1
        return n

    def fileno(self) -> int:
        raise io.UnsupportedOperation("fileno")

    def close(self) -> None:
        try:
            self._file.close()
        finally:
            super().close()


class ColourCount:
    """How often each 24-bit colour occurs in the palette's sample (counted a block of pixels at a time)."""

    def __init__(self):
        self.colours = np.empty(0, np.uint32)     # sorted
        self.counts = np.empty(0, np.int64)

    def add(self, words: np.ndarray) -> None:
        """Count the colours of ``(H, W)`` uint32 ``0xffRRGGBB`` words (any strides)."""
        rows = max(1, BLOCK_PIXELS // max(words.shape[1], 1))
        for r in range(0, words.shape[0], rows):
            colours, counts = np.unique(np.bitwise_and(words[r:r + rows], _RGB_MASK), return_counts=True)
            self._merge(colours, counts)

    def _merge(self, colours: np.ndarray, counts: np.ndarray) -> None:
        both, inverse = np.unique(np.concatenate((self.colours, colours)), return_inverse=True)
        self.counts = np.bincount(inverse, np.concatenate((self.counts, counts)), len(both)).astype(np.int64)
        self.colours = both


class Palette:
    """One 256-colour palette for a whole video, and the exact nearest-colour mapping onto it.

    Every frame draws with the same few colours and their antialiased blends, so
    :data:`PALETTE_SAMPLES` evenly spaced frames at every other pixel cover them. The
    :data:`EXACT_COLOURS` most frequent colours go in as they are (a median cut
    alone averages the white background into a grey), the rest is Pillow's median
    cut of the sample. One palette keeps colours from flickering between frames.

    The mapping is exact (Pillow's own maps through a coarse colour cube, which
    also greyed the white) and fast: a video has a few thousand distinct colours,
    so each one's nearest palette entry is found once and kept in a table
    indexed by the 24-bit colour (32 MB); a frame then costs one lookup a pixel,
    about 25 times less than Pillow's median cut of every frame (which is what
    imageio's GIF plugin does with RGB frames, and which dominated GIF export).
    """

    def __init__(self, sample: ColourCount):
        from PIL import Image
        colours, counts = sample.colours, sample.counts
        rgb = _rgb(colours)
        # The most frequent first; of equally frequent ones, the lower B * 65536 + G * 256 + R first (as always).
        exact = np.lexsort((rgb[:, 0] | rgb[:, 1] << 8 | rgb[:, 2] << 16, -counts))[:EXACT_COLOURS]
        table = rgb[exact]
        if len(colours) > EXACT_COLOURS:
            rest = 256 - EXACT_COLOURS
            total = int(counts.sum())
            if total > MEDIAN_CUT_PIXELS:       # the same proportions in fewer pixels; every colour kept
                counts = np.maximum(counts * MEDIAN_CUT_PIXELS // total, 1)
            pixels = _rgb(np.repeat(colours, counts)).astype(np.uint8)[None]
            cut = Image.fromarray(pixels).quantize(rest, method=Image.Quantize.MEDIANCUT).getpalette()[:3 * rest]
            del pixels
            table = np.concatenate((table, np.reshape(cut, (-1, 3))))
        self.table = table.astype(np.int32)                 # (<= 256, 3)
        self.rgb = self.table.astype(np.uint8).ravel().tolist()
        self._lut = np.full(1 << 24, -1, dtype=np.int16)     # 24-bit colour -> palette index, filled on demand

    def indices(self, words: np.ndarray) -> np.ndarray:
        """``(H, W)`` uint32 ``0xffRRGGBB`` words as palette indices, ``(H, W)`` uint8: each pixel's nearest colour."""
        h, w = words.shape
        out = np.empty((h, w), np.uint8)
        rows = max(1, BLOCK_PIXELS // w)
        keys = np.empty(rows * w, np.uint32)
        for r in range(0, h, rows):
            block = words[r:r + rows]
            k = np.bitwise_and(block, _RGB_MASK, out=keys[:block.size].reshape(block.shape))
            found = self._lut[k]
            if (found < 0).any():
                self._learn(np.unique(k[found < 0]))
                found = self._lut[k]
            out[r:r + rows] = found
        return out

    def _learn(self, new: np.ndarray, chunk: int = 1024) -> None:
        """Enter the nearest palette entry of each colour in ``new`` into the table."""
        for i in range(0, len(new), chunk):
            part = new[i:i + chunk]
            distance = ((_rgb(part)[:, None, :] - self.table[None, :, :]) ** 2).sum(axis=2)
            self._lut[part] = distance.argmin(axis=1)        # the first of equals: deterministic


def _words(image: QImage) -> np.ndarray:
    """A ``Format_RGB32`` image's pixels as ``(H, W)`` uint32 ``0xffRRGGBB`` words (a view, no copy: keep ``image``).

    Its rows are 4 bytes a pixel, so never padded.
    """
    w, h = image.width(), image.height()
    return np.frombuffer(image.constBits(), np.uint32, count=w * h).reshape(h, w)


def _rgb(keys: np.ndarray) -> np.ndarray:
    """The ``(n, 3)`` int32 colours (R, G, B) of 24-bit ``0xRRGGBB`` numbers."""
    keys = keys.astype(np.int32)
    return np.stack([(keys >> 16) & 255, (keys >> 8) & 255, keys & 255], axis=1)

