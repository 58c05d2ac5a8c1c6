"""Maps as data files: a basin or landscape grid written as a numpy ``.npz``, atomically.

Qt-free. The arrays' names and layout are the command line's contract (``armsim map``):
``w_i`` and ``w_j`` the grid's angles in degrees (columns and rows), and ``epochs`` (a basin
map) or ``errors`` (a landscape) shaped ``(len(w_j), len(w_i))``.
"""
from __future__ import annotations

import io
import os

import numpy as np

from armsim.io.atomic import atomic_write


def write_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """``np.savez_compressed`` of ``arrays`` into ``path``, replacing it only once the whole file is written."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    atomic_write(path, buffer.getvalue())
