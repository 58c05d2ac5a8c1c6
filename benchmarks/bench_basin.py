"""Basin-map speed (on demand, never in tests).

    python benchmarks/bench_basin.py [--quick]

Times :func:`armsim.core.basin.basin_map`, a 256 x 256 grid of starts of joints 1 and 2 of
a 3-link arm, 200 epochs of gradient descent with a tolerance (every start ends as ``solve``
would end it), beside a plain numpy loop doing the same arithmetic for every start and
epoch with no end rules and no bookkeeping. Target: the map takes at most about twice the
plain loop. Each figure is the best of several repeats (the least disturbed by the machine).
"""
from __future__ import annotations

import argparse

import numpy as np
from timing import best_times

from armsim import Params
from armsim.core.basin import basin_map

SETUP = Params(angles_deg=(30.0, -10.0, 50.0), eta=0.3, epochs=200, tol=1e-8)


def plain_loop(n: int, epochs: int) -> np.ndarray:
    """Every start's gradient descent for all epochs: w <- w + eta (T - Y_n) cos w, in numpy, nothing else."""
    axis = np.linspace(-180.0, 180.0, n)
    w = np.radians(np.tile(SETUP.angles_deg, (n * n, 1)))
    w[:, 0] = np.radians(np.tile(axis, n))
    w[:, 1] = np.radians(np.repeat(axis, n))
    errors = np.empty((epochs + 1, n * n))
    for j in range(epochs + 1):
        gap = SETUP.goal - (SETUP.base + np.sin(w).sum(axis=1))
        errors[j] = 0.5 * gap * gap
        if j < epochs:
            w += SETUP.eta * gap[:, None] * np.cos(w)
    return errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a 96 x 96 grid and fewer repeats")
    args = ap.parse_args()
    n, repeats = (96, 2) if args.quick else (256, 3)
    # tol 1e-300: no start ends early, so the map does every epoch of every start, as the plain loop does
    t = best_times({"plain": lambda: plain_loop(n, SETUP.epochs), "mapped": lambda: basin_map(SETUP, 0, 1, n),
                    "full": lambda: basin_map(SETUP.with_(tol=1e-300), 0, 1, n)}, repeats)
    plain, mapped, full = t["plain"], t["mapped"], t["full"]
    print(f"basin map, {n} x {n} starts, 3 links, {SETUP.epochs} epochs, 2 cores (best of {repeats})")
    print(f"  plain numpy loop (no end rules, one thread)  {plain:7.2f} s")
    print(f"  basin_map, tol 1e-8 (arms end, blocks stop)  {mapped:7.2f} s   ratio {mapped / plain:4.2f}   "
          "target <= about 2")
    print(f"  basin_map, tol 1e-300 (every epoch runs)     {full:7.2f} s   ratio {full / plain:4.2f}   "
          "target <= about 2")


if __name__ == "__main__":
    main()
