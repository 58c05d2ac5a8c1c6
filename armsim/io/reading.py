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


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "an unknown kind of file")


def _mode(path) -> int | None:
    try:
        return os.stat(path).st_mode
    except OSError:
        return None


def read_bounded(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file ``path``, if it holds at most ``limit`` bytes.

    Raises
    ------
    FileNotFoundError
        No such file.
    NotAFile
        A directory, FIFO, device or socket; a file larger than ``limit``; one that would block; or a
        name with a NUL character (which ``os.open`` refuses with a ValueError).
    OSError
        Any other reason it cannot be read (permissions, I/O).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except IsADirectoryError:
        raise NotAFile("is a directory, not a file") from None
    except ValueError:                   # os.open's refusal of a name no file system can hold
        raise NotAFile("the file name contains a NUL character") from None
    except OSError as e:
        if e.errno == errno.ENXIO:       # what open() says of a socket: say what it is instead
            mode = _mode(path)
            if mode is not None and not stat.S_ISREG(mode):
                raise NotAFile(f"is {_kind(mode)}, not a regular file") from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NotAFile("is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(f"is {_kind(info.st_mode)}, not a regular file (reading it could wait forever)")
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
