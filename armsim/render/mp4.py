"""MP4 files of a video's frames: ffmpeg (libx264, yuv420p), fed from a thread of its own.

This module owns the ``.mp4`` format of :func:`armsim.render.video.export_video`:
the ffmpeg that imageio-ffmpeg ships, started here (not through imageio-ffmpeg's
writer, which lets ffmpeg print to our stderr, never checks its exit status and
leaves a dead ffmpeg's pipe open), its messages kept to say in one line why it
failed, and every way out reaping it and closing its pipes.
"""
from __future__ import annotations

import collections
import errno
import os
import queue
import re
import subprocess
import sys
import threading
from contextlib import suppress

from PySide6.QtGui import QImage

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
LOG_LINES = 20          # of ffmpeg's messages, the last this many are kept (to say why it failed)
MAX_LOG_LINE = 1000     # bytes kept of each
MAX_SHOWN_LOG = 200     # characters of ffmpeg's last message in ours


class Mp4Writer:
    """ffmpeg (libx264) fed by a thread of its own from a few reused images.

    Writing a 1080p frame into ffmpeg's pipe takes milliseconds and blocks whenever
    ffmpeg is behind; from a thread (the write releases the GIL) the caller draws
    the next frame meanwhile. :data:`FEED_BUFFERS` images circulate: :meth:`blank`
    hands out a free one (waiting while all are queued or being written), the
    caller paints it and :meth:`append` queues it; once written it is free again.
    The images go to ffmpeg as they are, no RGB copy (:data:`MP4_PIX_FMT_IN`).

    ffmpeg (the one imageio-ffmpeg ships, with the command line imageio-ffmpeg
    would give it) is run here rather than through imageio-ffmpeg's writer, which
    lets ffmpeg print to our stderr, never looks at its exit status and leaves the
    pipe of an ffmpeg that died open. Here ffmpeg's messages are kept (its first,
    which names the cause, and the last :data:`LOG_LINES`, which tell a full disk)
    to say in one line why it failed, a failure is found from
    the broken pipe or the exit status, and every way out (finished, failed,
    cancelled) ends with ffmpeg reaped, both pipes closed and both threads joined.
    ffmpeg runs in a process group of its own, so Ctrl-C at a terminal reaches
    only armsim, which stops between frames and then ends ffmpeg itself.

    ffmpeg starts with the first frame (a cancel before it starts nothing).
    """

    def __init__(self, tmp: str, size: tuple[int, int], fps: int):
        self.tmp, self.size, self.fps = tmp, size, fps
        self._process: subprocess.Popen | None = None
        self._free: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(FEED_BUFFERS):
            self._free.put(QImage(size[0], size[1], QImage.Format_RGB32))
        self._todo: queue.Queue = queue.Queue(maxsize=FEED_BUFFERS - 1)
        self._error: BaseException | None = None
        self._dropping = False          # after abandon: queued frames are not written
        self._thread: threading.Thread | None = None
        self._log: collections.deque = collections.deque(maxlen=LOG_LINES)
        self._log_thread: threading.Thread | None = None
        self._first: bytes | None = None    # ffmpeg's first message: the cause (what follows are its effects)
        self.frames_fed = 0             #: frames written into ffmpeg's pipe

    def blank(self) -> QImage:
        """A free image to paint the next frame into (waits while all are queued or being written)."""
        image = self._free.get()
        self._raise_feed_error()
        return image

    def append(self, image: QImage) -> None:
        """Queue a painted image (from :meth:`blank`, or the last one again for a held frame)."""
        self._raise_feed_error()
        if self._process is None:
            self._start()
        self._todo.put(image)

    def _command(self) -> list[str]:
        import imageio_ffmpeg  # imported here: figures and the window never need the encoder
        crf = int((1 - MP4_QUALITY / 10) * 51)          # as imageio-ffmpeg turns a quality into x264's crf
        return [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-f", "rawvideo", "-vcodec", "rawvideo",
                "-s", f"{self.size[0]}x{self.size[1]}", "-pix_fmt", MP4_PIX_FMT_IN, "-r", str(self.fps),
                "-i", "-", "-an", "-vcodec", "libx264", "-pix_fmt", "yuv420p", "-crf", str(crf),
                "-v", "error", "-preset", MP4_PRESET, self.tmp]

    def _start(self) -> None:
        if sys.platform.startswith("win"):      # a process group of its own, and no console window
            own_group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW}
        else:
            own_group = {"start_new_session": True}
        self._process = subprocess.Popen(self._command(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, **own_group)
        self._log_thread = threading.Thread(target=self._read_log, name="armsim-mp4-log", daemon=True)
        self._log_thread.start()
        self._thread = threading.Thread(target=self._feed, name="armsim-mp4-feed", daemon=True)
        self._thread.start()

    def _read_log(self) -> None:
        with self._process.stderr as log:       # ends when ffmpeg exits (or closes its stderr)
            for line in log:
                if self._first is None and line.strip():
                    self._first = line[:MAX_LOG_LINE]
                self._log.append(line[:MAX_LOG_LINE])

    def _feed(self) -> None:
        while (image := self._todo.get()) is not None:
            if self._error is None and not self._dropping:
                try:
                    self._process.stdin.write(image.constBits())      # 4 * width bytes a row: no padding
                    self.frames_fed += 1
                except BaseException as e:      # ffmpeg exited: reported by the caller's next blank/append/close
                    self._error = e
            self._free.put(image)

    def _raise_feed_error(self) -> None:
        if self._error is not None:
            raise self._failure(self._error)

    def _stop_feed(self) -> None:
        if self._thread is not None:
            self._todo.put(None)
            self._thread.join()
            self._thread = None

    def _end(self, *, kill: bool) -> int:
        """Close ffmpeg's input, end it (``kill``: at once, else once it has finished), reap it and
        join the log; ffmpeg's exit status."""
        process = self._process
        if kill and process.poll() is None:
            process.kill()
        with suppress(OSError):         # ffmpeg gone: what is still buffered cannot be written (the pipe closes)
            process.stdin.close()
        status = process.wait()
        if self._log_thread is not None:
            self._log_thread.join()
            self._log_thread = None
        return status

    def _failure(self, cause: BaseException | None) -> OSError:
        """What went wrong, once ffmpeg has exited: a full disk (errno ENOSPC) or ffmpeg's last message."""
        status = self._end(kill=False)
        text = b"".join([self._first or b"", *self._log]).decode("utf-8", "replace")
        for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)):
            if code is not None and (os.strerror(code) in text or f"code: -{code} " in text):
                return OSError(code, os.strerror(code))
        if isinstance(cause, OSError) and not isinstance(cause, BrokenPipeError):
            return cause
        # ffmpeg's first message, without the addresses it prints ("[libx264 @ 0x55d1...]")
        why = re.sub(r" @ 0x[0-9a-fA-F]+", "", (self._first or b"").decode("utf-8", "replace")).strip()
        why = why or f"exit status {status}"
        why = why if len(why) <= MAX_SHOWN_LOG else why[:MAX_SHOWN_LOG] + "..."
        return OSError(f"the MP4 encoder (ffmpeg) failed: {why}")

    def close(self) -> None:
        """Write what is queued, then let ffmpeg finish the file (and wait for it)."""
        self._stop_feed()
        self._raise_feed_error()
        if self._process is None:
            return
        try:
            self._process.stdin.close()         # ffmpeg finishes the file and exits
        except OSError as e:
            raise self._failure(e) from None
        status = self._end(kill=False)
        text = b"".join(self._log)
        if status != 0 or os.strerror(errno.ENOSPC).encode() in text:
            raise self._failure(None)

    def abandon(self) -> None:
        """Stop without writing what is queued; ffmpeg is ended and reaped (then its temporary file is deleted)."""
        self._dropping = True
        self._stop_feed()
        if self._process is not None:
            self._end(kill=True)
