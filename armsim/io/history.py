"""A run's history as data files: CSV for spreadsheets, strict JSON for programs.

This module owns the export layout. One row (or JSON object) per epoch
``j = 0 .. epochs_run``: the rate and error, every joint's angle and position
after ``j`` updates, and the chain-rule gradient of the update that produced
epoch ``j`` (empty for epoch 0, which is the start pose). The numbers are the
core's own: they equal :meth:`armsim.core.run.Result.epoch` bit for bit, written
with ``repr`` so they read back exactly. A value that is not finite is written
as an empty cell / ``null``, so every number in a file is finite.

The history is rebuilt from :class:`~armsim.core.run.Result` arrays in blocks,
vectorised over epochs, and streamed to disk through
:func:`armsim.io.atomic.atomic_open`, so a 200,000-epoch run needs neither a
Python object per epoch at once nor one giant string. Qt-free.
"""
from __future__ import annotations

import csv
import json
import os
from typing import Iterator

import numpy as np

from armsim.core.kinematics import chain, gradient, lateral
from armsim.core.run import Result
from armsim.io.atomic import atomic_open

FORMAT = "armsim-history"
VERSION = 1
BLOCK = 4096   # epochs per block: bounds the memory of the Python rows alive at once


def history_header(n_links: int) -> list[str]:
    """Column names: ``epoch, eta, error``, per joint i (from 1) ``angle_deg_i, x_i, y_i, dE_dw_i``, ``dE_dY``."""
    cols = ["epoch", "eta", "error"]
    for i in range(1, n_links + 1):
        cols += [f"angle_deg_{i}", f"x_{i}", f"y_{i}", f"dE_dw_{i}"]
    return cols + ["dE_dY"]


def _block(result: Result, lengths: np.ndarray, a: int, b: int) -> list[list]:
    """Rows for epochs ``a .. b-1``, laid out as :func:`history_header`, non-finite values as None."""
    p, n = result.params, result.params.n_links
    lo = max(a - 1, 0)                 # the pose before epoch a, where its gradient was taken
    now = slice(a - lo, b - lo)        # rows of w that are epochs a..b-1
    w = result.angles[lo:b]
    with np.errstate(all="ignore"):    # a non-finite value is expected here and becomes an empty cell
        dY_dw = lengths * np.cos(w)    # the x steps and the gradient's dY/dw are one product
        x, y = chain(0.0, dY_dw), lateral(w, lengths, p.base)
        dE_dY, _, dE_dw = gradient(w, lengths, y[:, -1], p.goal)
        degrees = np.degrees(w[now])
    out = np.full((b - a, 4 + 4 * n), np.nan)
    out[:, 0] = np.arange(a, b)
    before = slice(0, b - 1 - lo)          # rows of w that preceded epochs max(a, 1)..b-1
    first = 1 if a == 0 else 0             # epoch 0 has no update: its eta and gradient stay NaN
    out[first:, 1] = result.etas[a - 1 + first:b - 1]
    out[:, 2] = result.errors[a:b]
    out[:, 3:3 + 4 * n:4] = degrees
    out[:, 4:4 + 4 * n:4] = x[now]
    out[:, 5:5 + 4 * n:4] = y[now]
    out[first:, 6:6 + 4 * n:4] = dE_dw[before]
    out[first:, -1] = dE_dY[before]
    bad = ~np.isfinite(out)
    if not bad.any():
        rows = out.tolist()
    else:
        cells = out.astype(object)      # Python floats, so None can stand in for the bad ones
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
        See :func:`history_header`.
    rows : iterator of list
        One list per epoch ``j = 0 .. epochs_run``: ``int`` epoch, then floats, with ``None``
        for epoch 0's eta and gradient and for any value that is not finite. Lazy, so
        a long run is produced in blocks.
    """
    lengths = np.asarray(result.params.lengths, dtype=float)   # times 1.0 changes no bit for unit links
    total = result.epochs_run + 1

    def rows() -> Iterator[list]:
        for a in range(0, total, BLOCK):
            yield from _block(result, lengths, a, min(a + BLOCK, total))

    return history_header(result.params.n_links), rows()


def write_csv(path: str | os.PathLike, result: Result) -> None:
    """Write the history table (:func:`history_rows`) as CSV, atomically.

    Parameters
    ----------
    path : str or path-like
        Destination; replaced only once the whole file is written.
    result : Result
        The run to export.
    """
    header, rows = history_rows(result)
    with atomic_open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def _epoch_object(row: list, n: int) -> dict:
    grads = row[6:6 + 4 * n:4]
    return {"epoch": row[0], "eta": row[1], "error": row[2], "angles_deg": row[3:3 + 4 * n:4],
            "x": row[4:4 + 4 * n:4], "y": row[5:5 + 4 * n:4],
            "dE_dw": None if row[0] == 0 else grads, "dE_dY": row[-1]}


def write_json(path: str | os.PathLike, result: Result) -> None:
    """Write the run as one strict JSON object (no NaN or Infinity), atomically.

    Parameters
    ----------
    path : str or path-like
        Destination; replaced only once the whole file is written.
    result : Result
        The run to export.

    Notes
    -----
    The object is ``{"format": "armsim-history", "version": 1, "params": {...},
    "status": ..., "reason": ..., "epochs_run": k, "epochs": [...]}``; each epoch is
    ``{"epoch", "eta", "error", "angles_deg": [...], "x": [...], "y": [...],
    "dE_dw": [...], "dE_dY"}`` with ``null`` for epoch 0's eta and gradient (and
    for any value that is not finite). ``x``, ``y`` are joints 1..n.
    """
    head = {"format": FORMAT, "version": VERSION, "params": result.params.to_dict(), "status": result.status,
            "reason": result.reason, "epochs_run": result.epochs_run}
    n = result.params.n_links
    _, rows = history_rows(result)
    with atomic_open(path, "w", encoding="utf-8") as f:
        # Streamed: the head object without its closing brace, then the epochs one per line.
        f.write(json.dumps(head, allow_nan=False)[:-1] + ', "epochs": [\n')
        for j, row in enumerate(rows):
            f.write(("" if j == 0 else ",\n") + json.dumps(_epoch_object(row, n), allow_nan=False))
        f.write("\n]}\n")
