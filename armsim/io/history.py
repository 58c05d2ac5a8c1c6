"""A run's history as data files: CSV for spreadsheets, strict JSON for programs.

This module owns the export layout. One row (or JSON object) per epoch
``j = 0 .. epochs_run``: the rate and error, every joint's angle (the learner's
own parameter: with relative joints each link's angle to the previous one) and
position after ``j`` updates, and the chain-rule gradient of the update that
produced epoch ``j`` (empty for epoch 0, which is the start pose). The reach
task adds ``dE_dX``; a run whose target moved (follow mode) adds the target each
epoch aimed at (``target``, or ``target_x`` and ``target_y``). The numbers are
the core's own: they equal :meth:`armsim.core.run.Result.epoch` bit for bit,
written with ``repr`` so they read back exactly. A value that is not finite is
written as an empty cell / ``null``, so every number in a file is finite.

The history is rebuilt from :class:`~armsim.core.run.Result` arrays in blocks,
vectorised over epochs, and streamed to disk through
:func:`armsim.io.atomic.atomic_open`, so a 1,000,000-epoch run needs neither a
Python object per epoch at once nor one giant string. The writers do not go
through Python floats at all: :class:`Decimals` writes ``repr``'s text of a
whole block of numbers with numpy (the shortest decimal that reads back as the
same float, found with integer arithmetic as in the Schubfach algorithm), five
times as fast as ``csv.writer``, to the same bytes. Writers report progress
and can be cancelled between blocks; :func:`estimate_bytes` tells the size of a
file before it is written. Qt-free.
"""
from __future__ import annotations

import json
import os
from typing import Callable, Iterator

import numpy as np

from armsim.core.kinematics import Task, forward
from armsim.core.run import Result
from armsim.io.atomic import atomic_open
from armsim.io.float_text import NKEYS, WIDTH, Decimals

__all__ = ["BLOCK", "Cancelled", "estimate_bytes", "history_header", "history_rows", "write_csv", "write_json"]

FORMAT = "armsim-history"
VERSION = 1
BLOCK = 4096   # epochs per block of a 3-link arm (fewer for more links): bounds the memory alive at once
_BLOCK_CELLS = 16    # numbers per epoch of a 3-link arm, the unit BLOCK is counted in
_CHUNK = 16384       # numbers written at once (a block is written in chunks)


class Cancelled(Exception):
    """The export was cancelled by its ``cancel()`` callback; no file was written, an old one is unchanged."""


def tail_columns(result: Result) -> list[str]:
    """The columns after the joints': ``dE_dY``; ``dE_dX`` for the reach task; the target if it moved."""
    reach = result.params.reach is not None
    cols = ["dE_dY", "dE_dX"] if reach else ["dE_dY"]
    if result.moves:
        cols += ["target_x", "target_y"] if reach else ["target"]
    return cols


def history_header(n_links: int, tail: list[str] | tuple[str, ...] = ("dE_dY",)) -> list[str]:
    """Column names: ``epoch, eta, error``, per joint i (from 1) ``angle_deg_i, x_i, y_i, dE_dw_i``, then
    ``tail`` (the post's ``dE_dY``; a result's are :func:`tail_columns`)."""
    cols = ["epoch", "eta", "error"]
    for i in range(1, n_links + 1):
        cols += [f"angle_deg_{i}", f"x_{i}", f"y_{i}", f"dE_dw_{i}"]
    return cols + list(tail)


def _header(result: Result) -> list[str]:
    return history_header(result.params.n_links, tail_columns(result))


def _block_rows(n_links: int) -> int:
    """Epochs per block: BLOCK for the post's 3 links, fewer for a longer arm (the same count of numbers)."""
    return max(1, BLOCK * _BLOCK_CELLS // (4 + 4 * n_links))


def _aims(result: Result, a: int, b: int) -> tuple[np.ndarray | None, np.ndarray]:
    """The target each of epochs ``a .. b-1`` aimed at: ``(X or None, Y or the height)``, one value per epoch."""
    p = result.params
    epochs = np.arange(a, b)
    starts = [0] + [e for e, _ in result.moves]
    aims = [p.aim] + [aim for _, aim in result.moves]
    which = np.searchsorted(np.array(starts), epochs, side="right") - 1
    if p.reach is None:
        return None, np.array(aims, dtype=float)[which]
    points = np.array(aims, dtype=float)
    return points[which, 0], points[which, 1]


def _block(result: Result, lengths: np.ndarray, tail: int, a: int, b: int) -> np.ndarray:
    """Epochs ``a .. b-1`` as a float table laid out as :func:`_header`; NaN where a cell is empty.

    The batch form of the core's one-epoch record (:func:`armsim.core.learners.update`):
    the same kinematics and chain rule, row by row the same operations, so the same bits.
    """
    p, n = result.params, result.params.n_links
    lo = max(a - 1, 0)                 # the pose before epoch a, where its gradient was taken
    now = slice(a - lo, b - lo)        # rows of w that are epochs a..b-1
    w = result.angles[lo:b]
    first = 1 if a == 0 else 0             # epoch 0 has no update: its eta and gradient stay NaN
    before = w[:b - 1 - lo]                # the poses that preceded epochs max(a, 1)..b-1
    gx, gy = _aims(result, a + first, b)   # the targets of those updates
    task = Task(lengths, p.base, gy, gx, p.relative)
    with np.errstate(all="ignore"):    # a non-finite value is expected here and becomes an empty cell
        x, y = forward(w[now], lengths, p.base, p.relative)
        g = task.gradient(before, *task.end(before))
        degrees = np.degrees(w[now])
    out = np.full((b - a, 3 + 4 * n + tail), np.nan)
    out[:, 0] = np.arange(a, b)
    out[first:, 1] = result.etas[a - 1 + first:b - 1]
    out[:, 2] = result.errors[a:b]
    out[:, 3:3 + 4 * n:4] = degrees
    out[:, 4:4 + 4 * n:4] = x
    out[:, 5:5 + 4 * n:4] = y
    out[first:, 6:6 + 4 * n:4] = g.dE_dw
    t = 3 + 4 * n                      # the tail: dE_dY[, dE_dX][, the target]
    out[first:, t] = g.dE_dY
    if gx is not None:
        out[first:, t + 1] = g.dE_dX
    if result.moves:
        ax, ay = _aims(result, a, b)
        out[:, -1] = ay
        if ax is not None:
            out[:, -2] = ax
    return out


def _blocks(result: Result, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """``(a, table)`` for the blocks of epochs ``start .. stop-1`` (default: to the last), in order."""
    lengths = np.asarray(result.params.lengths, dtype=float)   # times 1.0 changes no bit for unit links
    stop = result.epochs_run + 1 if stop is None else stop
    step = _block_rows(result.params.n_links)
    tail = len(tail_columns(result))
    for a in range(start, stop, step):
        yield a, _block(result, lengths, tail, a, min(a + step, stop))


def _python_rows(table: np.ndarray) -> list[list]:
    """A block's rows as Python lists: ``int`` epoch, floats, None where the table has a non-finite value."""
    bad = ~np.isfinite(table)
    if not bad.any():
        rows = table.tolist()
    else:
        cells = table.astype(object)      # Python floats, so None can stand in for the bad ones
        cells[bad] = None
        rows = cells.tolist()
    for row in rows:
        row[0] = int(row[0])
    return rows


def history_rows(result: Result) -> tuple[list[str], Iterator[list]]:
    """The run's history as a table.

    Parameters
    ----------
    result : Result
        A finished (or stopped) run.

    Returns
    -------
    header : list of str
        See :func:`history_header` and :func:`tail_columns`.
    rows : iterator of list
        One list per epoch ``j = 0 .. epochs_run``: ``int`` epoch, then floats, with ``None``
        for epoch 0's eta and gradient and for any value that is not finite. Lazy, so
        a long run is produced in blocks.
    """
    def rows() -> Iterator[list]:
        for _, table in _blocks(result):
            yield from _python_rows(table)

    return _header(result), rows()


# --------------------------------------------------------------------------- the files
_NL = os.linesep.encode()       # JSON is written as text was: "\n" as the platform writes it


def _json_order(n: int, tail: int) -> list[int]:
    """Table columns in the order of a JSON epoch: epoch, eta, error, the angles, x, y, dE_dw, then the tail."""
    return [0, 1, 2] + [c + 4 * i for c in (3, 4, 5, 6) for i in range(n)] + list(range(3 + 4 * n, 3 + 4 * n + tail))


def _json_prefixes(n: int, tail: list[str]) -> list[bytes]:
    """What goes before each value of :func:`_json_order` in an epoch's object (from the second epoch on)."""
    out = [b"," + _NL + b'{"epoch": ', b', "eta": ', b', "error": ']
    for opening in (b', "angles_deg": [', b'], "x": [', b'], "y": [', b'], "dE_dw": ['):
        out += [opening] + [b", "] * (n - 1)
    keys = [f', "{name}": '.encode("ascii") for name in tail]
    keys[0] = b"]" + keys[0]           # the gradient's list ends before the first
    return out + keys


class _Lines:
    """A block's table as the bytes of its CSV lines or JSON objects (buffers reused from block to block)."""

    def __init__(self, style: str, n_links: int, tail: list[str]):
        self.style, self.columns = style, 3 + 4 * n_links + len(tail)
        # A few numbers at a time: the buffers then stay in the processor's caches.
        self.rows = rows = max(1, _CHUNK // self.columns)
        self.decimals = Decimals(rows * self.columns, style)
        self.endings = np.zeros((rows, self.columns), np.intp)
        if style == "csv":
            self.endings[:, :-1] = NKEYS             # "," after a cell, CRLF after the last
            self.endings[:, -1] = 2 * NKEYS
            self.order = None
            self.mask = np.empty((rows * self.columns, WIDTH), bool)
        else:
            self.order = _json_order(n_links, len(tail))
            texts = _json_prefixes(n_links, tail) + [b"}"]
            self.lead = max(map(len, texts))
            template = np.zeros((self.columns + 1, self.lead + WIDTH), np.uint8)
            for j, text in enumerate(texts):
                template[j, :len(text)] = np.frombuffer(text, np.uint8)
            self.template = np.ascontiguousarray(np.broadcast_to(template, (rows,) + template.shape))
            self.mask = np.empty(self.template.shape, bool)

    def texts(self, table: np.ndarray) -> Iterator[np.ndarray]:
        """The lines of ``table``'s rows, as uint8 arrays of a few hundred kilobytes."""
        if self.order is not None:
            table = table[:, self.order]
        table = np.ascontiguousarray(table)
        for a in range(0, len(table), self.rows):
            part = table[a:a + self.rows]
            rows = len(part)
            cells = self.decimals.cells(part.reshape(-1), self.endings[:rows].reshape(-1),
                                        slice(0, None, self.columns))
            if self.order is None:
                out = cells
            else:
                out = self.template[:rows]
                out[:, :-1, self.lead:] = cells.reshape(rows, self.columns, WIDTH)
            mask = self.mask[:len(out)]
            np.not_equal(out, 0, out=mask)
            yield out[mask]


def _check(cancel, progress, done: int, total: int, path) -> None:
    if progress is not None:
        progress(done, total)
    if cancel is not None and cancel():
        raise Cancelled(f"export of {os.fspath(path)!r} cancelled after {done:,} of {total:,} epochs; "
                        "nothing was written")


def write_csv(path: str | os.PathLike, result: Result, *, progress: Callable[[int, int], None] | None = None,
              cancel: Callable[[], bool] | None = None) -> None:
    """Write the history table (:func:`history_rows`) as CSV, atomically.

    Byte for byte what :func:`csv.writer` writes for those rows (CRLF line ends).

    Parameters
    ----------
    path : str or path-like
        Destination; replaced only once the whole file is written.
    result : Result
        The run to export.
    progress : callable, optional
        ``progress(done, total)`` in epochs, before the first block and after each (a few
        thousand epochs, milliseconds apart).
    cancel : callable, optional
        Polled as often; when it returns true the write stops and :class:`Cancelled` is raised.

    Raises
    ------
    Cancelled
        ``cancel()`` returned true: no file was written and any old file is unchanged.
    OSError
        The file could not be written; any old file is unchanged.
    """
    total = result.epochs_run + 1
    lines = _Lines("csv", result.params.n_links, tail_columns(result))
    with atomic_open(path, "wb") as f:
        _check(cancel, progress, 0, total, path)
        f.write((",".join(_header(result)) + "\r\n").encode("ascii"))
        for a, table in _blocks(result):
            for text in lines.texts(table):
                f.write(text)
            _check(cancel, progress, a + len(table), total, path)


def _epoch_object(row: list, n: int, tail: list[str]) -> dict:
    grads = row[6:6 + 4 * n:4]
    epoch = {"epoch": row[0], "eta": row[1], "error": row[2], "angles_deg": row[3:3 + 4 * n:4],
             "x": row[4:4 + 4 * n:4], "y": row[5:5 + 4 * n:4], "dE_dw": None if row[0] == 0 else grads}
    return epoch | dict(zip(tail, row[3 + 4 * n:]))


def _json_head(result: Result) -> bytes:
    """The JSON text before the second epoch: the head object, without its closing brace, and epoch 0."""
    head = {"format": FORMAT, "version": VERSION, "params": result.params.to_dict(), "status": result.status,
            "reason": result.reason, "epochs_run": result.epochs_run}
    if result.moves:                   # follow mode: [epoch, target] pairs, the target a height or [X, Y]
        head["moves"] = [[epoch, list(aim) if isinstance(aim, tuple) else aim] for epoch, aim in result.moves]
    first = _python_rows(next(_blocks(result, 0, 1))[1])[0]
    text = (json.dumps(head, allow_nan=False)[:-1] + ', "epochs": [\n'
            + json.dumps(_epoch_object(first, result.params.n_links, tail_columns(result)), allow_nan=False))
    return text.encode("utf-8").replace(b"\n", _NL)


def write_json(path: str | os.PathLike, result: Result, *, progress: Callable[[int, int], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> None:
    """Write the run as one strict JSON object (no NaN or Infinity), atomically.

    Parameters
    ----------
    path : str or path-like
        Destination; replaced only once the whole file is written.
    result : Result
        The run to export.
    progress, cancel : callable, optional
        As for :func:`write_csv`.

    Raises
    ------
    Cancelled, OSError
        As for :func:`write_csv`.

    Notes
    -----
    The object is ``{"format": "armsim-history", "version": 1, "params": {...},
    "status": ..., "reason": ..., "epochs_run": k, "epochs": [...]}`` (with ``"moves"``,
    ``[[epoch, target], ...]``, after ``epochs_run`` when the target moved); each epoch is
    ``{"epoch", "eta", "error", "angles_deg": [...], "x": [...], "y": [...],
    "dE_dw": [...], "dE_dY"}`` (and the other :func:`tail_columns` as keys) with ``null``
    for epoch 0's eta and gradient (and for any value that is not finite). ``x``, ``y``
    are joints 1..n. One epoch a line, as :func:`json.dumps` writes each.
    """
    total = result.epochs_run + 1
    lines = _Lines("json", result.params.n_links, tail_columns(result))
    with atomic_open(path, "wb") as f:
        _check(cancel, progress, 0, total, path)
        f.write(_json_head(result))
        for a, table in _blocks(result, 1):
            for text in lines.texts(table):
                f.write(text)
            _check(cancel, progress, a + len(table), total, path)
        f.write(_NL + b"]}" + _NL)


SAMPLE_CELLS = 65536    # estimate_bytes formats this many numbers (4096 epochs of 3 links), in 16 stretches


def estimate_bytes(result: Result, style: str = "csv") -> int:
    """About how many bytes :func:`write_csv` (``"csv"``) or :func:`write_json` (``"json"``) will write.

    Exact for a run of up to about ``SAMPLE_CELLS // (4 + 4 * n_links)`` epochs; for a longer one the
    header and end are exact and the epochs are extrapolated from that many of them in 16
    stretches spread over the run (within a fraction of a percent for a real run). Milliseconds,
    whatever the run's length.
    """
    if style not in ("csv", "json"):
        raise ValueError(f"style must be 'csv' or 'json', got {style!r}")
    total, n = result.epochs_run + 1, result.params.n_links
    sample = max(16, SAMPLE_CELLS // (4 + 4 * n))
    lines = _Lines(style, n, tail_columns(result))
    if style == "csv":
        fixed, first = len(",".join(_header(result))) + 2, 0
    else:
        fixed, first = len(_json_head(result)) + 2 * len(_NL) + 2, 1
    if total - first <= sample:
        spans = [(first, total)]
    else:
        step = sample // 16
        starts = np.linspace(first, total - step, 16).astype(int)
        spans = [(int(a), int(a) + step) for a in starts]
    counted = sampled = 0
    for a, b in spans:
        for _, table in _blocks(result, a, b):
            counted += sum(len(text) for text in lines.texts(table))
        sampled += b - a
    return fixed + round(counted * (total - first) / sampled) if sampled else fixed
