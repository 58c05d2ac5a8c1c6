"""Error-landscape speed (on demand, never in tests).

    python benchmarks/bench_landscape.py [--quick]

Times :func:`armsim.core.landscape.error_grid` for a 200 x 200 grid of joints 0 and 1
of the post's arm (22, -20, 14 degrees), target under 0.2 s, beside the plain
way: every cell's full pose as one (n*n, links) batch through
``kinematics.lateral``. Both must agree to 1e-12. Each figure is the best of
several repeats (the least disturbed by the machine).
"""
from __future__ import annotations

import argparse

import numpy as np
from timing import best_time

from armsim.core.kinematics import error, lateral
from armsim.core.landscape import error_grid

POSE = np.radians([22.0, -20.0, 14.0])


def batch_grid(n: int) -> np.ndarray:
    """The same map through the full forward pass on an (n*n, links) batch."""
    axis = np.linspace(-np.pi, np.pi, n)
    poses = np.tile(POSE, (n * n, 1))
    poses[:, 0] = np.repeat(axis, n)
    poses[:, 1] = np.tile(axis, n)
    return error(lateral(poses, None, 0.0)[:, -1], 0.0).reshape(n, n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = ap.parse_args()
    repeats, n = (3, 200) if args.quick else (20, 200)
    grid = best_time(lambda: error_grid(POSE, None, 0.0, 0.0, 0, 1, n=n), repeats)
    batch = best_time(lambda: batch_grid(n), repeats)
    gap = np.abs(error_grid(POSE, None, 0.0, 0.0, 0, 1, n=n).errors - batch_grid(n)).max()
    print(f"error landscape, {n} x {n}, joints 0 and 1 of the post's arm (best of {repeats})")
    print(f"  error_grid()                        {grid * 1e3:9.3f} ms   target < 200 ms")
    print(f"  full (n*n, links) batch, for scale  {batch * 1e3:9.3f} ms")
    print(f"  largest difference between them     {gap:9.2e}   (must be < 1e-12)")


if __name__ == "__main__":
    main()
