"""Atomic file writes: a file is either wholly replaced or left exactly as it was.

Every file armsim writes for the user (scenarios, history exports, figures,
videos) goes through :func:`atomic_open` or :func:`atomic_write`, or, for a
writer that opens the file by name itself (ffmpeg), :func:`atomic_path`. The
data goes to a hidden temporary file in the same directory, named
``.<name>.armsim-unfinished.<pid>.<random>.tmp`` so that anyone who finds one
knows what it is, is flushed and fsynced, and only then renamed over the destination with :func:`os.replace`,
which is atomic on POSIX and Windows when both names are on one file system
(hence the same directory). On any failure, including Ctrl-C, the temporary
file is removed and the old file is untouched. A process killed mid-write
cannot remove its own: the next write to the same destination removes those
whose process has ended. Qt-free.
"""
from __future__ import annotations

import os
import secrets
import stat
from contextlib import contextmanager, suppress
from typing import IO, Iterator

__all__ = ["atomic_open", "atomic_path", "atomic_write"]

# A long destination name plus our prefix and suffix must stay under the usual 255-byte limit.
_NAME_KEEP = 100


_MARK = ".armsim-unfinished."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True                     # someone else's process, or a platform that cannot tell: keep it
    return True


def _remove_stale(directory: str, name: str) -> None:
    """Remove temporary files of earlier writes to this destination whose process has ended."""
    prefix = f".{name[:_NAME_KEEP]}{_MARK}"
    with suppress(OSError):
        for entry in os.scandir(directory):
            if not entry.name.startswith(prefix):
                continue
            pid = entry.name[len(prefix):].split(".", 1)[0]
            if pid.isdigit() and not _alive(int(pid)) and entry.is_file(follow_symlinks=False):
                with suppress(OSError):
                    os.remove(entry.path)


def _create_temp(directory: str, name: str, suffix: str = "") -> tuple[int, str]:
    """A new, exclusively created temporary file next to the destination (its name ends ``.tmp`` + ``suffix``)."""
    _remove_stale(directory, name)
    for _ in range(100):
        tmp = os.path.join(directory,
                           f".{name[:_NAME_KEEP]}{_MARK}{os.getpid()}.{secrets.token_hex(6)}.tmp{suffix[:20]}")
        try:
            # 0o666 lets the umask decide the permissions, as for any new file; O_EXCL never follows
            # a planted symlink and never clobbers another writer's temporary file.
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file in {directory!r}")


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a directory, and there
    # the rename is already as durable as the file system makes it.
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "wb", *, encoding: str = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file that replaces ``path`` when the ``with`` block succeeds.

    Parameters
    ----------
    path : str or path-like
        The destination. A symlink is followed, so the link stays and its target is replaced.
    mode : {"wb", "w"}
        Binary or text.
    encoding, newline
        As for :func:`open`, text mode only (``newline=""`` for the csv module).

    Yields
    ------
    file object
        Write to it; do not close it.

    Raises
    ------
    OSError
        If the directory is not writable or the disk is full; the destination is then unchanged.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    target = os.path.realpath(os.fspath(path))
    directory, name = os.path.split(target)
    fd, tmp = _create_temp(directory, name)
    try:
        try:
            f = os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": encoding, "newline": newline}))
        except BaseException:
            os.close(fd)
            raise
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def _replace(tmp: str, target: str) -> None:
    with suppress(OSError):
        # Replacing a file should not change who may read it.
        os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
    os.replace(tmp, target)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """A temporary file name that replaces ``path`` when the ``with`` block succeeds.

    For writers that open the file themselves (an ffmpeg subprocess, a plugin that
    takes a name). The temporary name keeps the destination's extension, so a
    writer that picks its format from the name picks the right one.

    Parameters
    ----------
    path : str or path-like
        The destination. A symlink is followed, so the link stays and its target is replaced.

    Yields
    ------
    str
        The temporary file's path: an empty file, created exclusively, in the
        destination's directory. Overwrite it (do not delete or rename it).

    Raises
    ------
    OSError
        If the directory is not writable or the disk is full; the destination is then
        unchanged and the temporary file removed, as on any exception in the block.
    """
    target = os.path.realpath(os.fspath(path))
    directory, name = os.path.split(target)
    fd, tmp = _create_temp(directory, name, os.path.splitext(name)[1])
    os.close(fd)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)       # the writer closed the file; make its data durable before the rename
        finally:
            os.close(fd)
        _replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def atomic_write(path: str | os.PathLike, data: bytes | str) -> None:
    """Replace the file at ``path`` with ``data`` atomically (``str`` is written as UTF-8).

    Parameters
    ----------
    path : str or path-like
        The destination file.
    data : bytes or str
        The whole new content.

    Raises
    ------
    TypeError
        If ``data`` is neither bytes nor str (nothing is written).
    OSError
        If writing fails; the old file, if any, is unchanged and no temporary file is left.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes or str, got {type(data).__name__}")
    with atomic_open(path, "wb") as f:
        f.write(data)
