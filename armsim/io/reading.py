"""Reading a file that may be hostile: never blocking, never more than a stated size.

``open()`` on a FIFO waits for a writer and a read of ``/proc/kmsg`` waits for the
kernel, forever; a stat before opening can be raced. :func:`read_bounded` opens
without blocking, checks what it opened (``fstat``: a regular file, small enough)
and reads at most the limit, so every reader of scenario, settings or data files
gets the bytes or one clear exception at once.
"""
from __future__ import annotations

import errno
import os
import stat


class NotAFile(OSError):
    """The path is not a regular file of the allowed size; ``str()`` says what it is instead."""


def read_bounded(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file ``path``, if it holds at most ``limit`` bytes.

    Raises
    ------
    FileNotFoundError
        No such file.
    NotAFile
        A directory, FIFO, device or socket; a file larger than ``limit``; or one that would block.
    OSError
        Any other reason it cannot be read (permissions, I/O).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except IsADirectoryError:
        raise NotAFile("is a directory, not a file") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NotAFile("is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
            raise NotAFile(f"is {kind}, not a regular file (reading it could wait forever)")
        if info.st_size > limit:
            raise NotAFile(f"file too large ({info.st_size:,} bytes; at most {limit:,})")
        chunks, size = [], 0
        while size <= limit:
            try:
                chunk = os.read(fd, limit + 1 - size)
            except BlockingIOError:      # a "regular" file that waits (/proc/kmsg)
                raise NotAFile("would block: not an ordinary file (a kernel or device file?)") from None
            except OSError as e:
                if e.errno == errno.EAGAIN:
                    raise NotAFile("would block: not an ordinary file") from None
                raise
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NotAFile(f"file too large (over {limit:,} bytes)")
        return b"".join(chunks)
    finally:
        os.close(fd)
