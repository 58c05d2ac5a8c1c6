"""Solver speed, measured side by side in one run (on demand, never in tests).

    python benchmarks/bench_solver.py [--quick]

1. One arm, n = 3, 20 epochs per run, repeated: the seed post's own plain-Python
   loop against armsim's ``solve()`` (full epoch records, packed into a Result)
   and bare ``iter_epochs()``. Target: >= 100,000 epochs/s with full records.
2. ``solve_batch`` for B = 100,000 arms, n = 3, 20 epochs, in arm-epochs/s, with
   random start angles in [-90, 90] degrees (glibc's sin/cos take a slower path
   for larger angles, so the post's small angles would flatter the number) and
   with the post's angles tiled. Target: >= 15 million arm-epochs/s.
Each figure is the best of 40 repeats spread over about half a minute (the least disturbed
by other work on the machine: on this shared VM one run can be 1.5 times slower than the next).
The repeats of the loops compared with each other take turns, round by round, so
a burst of load elsewhere on the machine hits them alike and the ratio stays fair.
"""
from __future__ import annotations

import argparse
import os
import time
from math import cos, radians, sin

import numpy as np

import armsim
import armsim.core.run


# The seed post's program, verbatim in substance (three links, unit lengths).
def calculate_pose(Y0, w1, w2, w3):
    Y1 = Y0 + sin(w1)
    Y2 = Y1 + sin(w2)
    Y3 = Y2 + sin(w3)
    return Y1, Y2, Y3


def update_weights(Y0, w1, w2, w3):
    Y1, Y2, Y3 = calculate_pose(Y0, w1, w2, w3)
    dE_dY3 = -(Y0 - Y3)
    eta = .075
    return w1 - eta * dE_dY3 * cos(w1), w2 - eta * dE_dY3 * cos(w2), w3 - eta * dE_dY3 * cos(w3)


def post_run():
    w1, w2, w3 = radians(22), radians(-20), radians(14)
    for _ in range(20):
        w1, w2, w3 = update_weights(0, w1, w2, w3)
    return calculate_pose(0, w1, w2, w3)


def best_rate(work, units: float, repeats: int) -> float:
    """Units per second of the fastest of ``repeats`` timings of ``work()``."""
    return best_rates({"": work}, units, repeats)[""]


def best_rates(works: dict, units: float, repeats: int) -> dict:
    """Like :func:`best_rate` for several works, timed in turn within each round."""
    best = dict.fromkeys(works, float("inf"))
    for _ in range(repeats):
        for name, work in works.items():
            t = time.perf_counter()
            work()
            best[name] = min(best[name], time.perf_counter() - t)
    return {name: units / seconds for name, seconds in best.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = ap.parse_args()
    # Many short samples rather than a few long ones: on a shared machine a short sample is more
    # likely to fall in a quiet moment, and the best one is the code's own speed.
    runs, repeats = (200, 2) if args.quick else (500, 40)
    params = armsim.Params()            # the post's arm, 20 epochs

    rates = best_rates({"post": lambda: [post_run() for _ in range(runs)],
                        "full": lambda: [armsim.solve(params) for _ in range(runs)],
                        "bare": lambda: [list(armsim.iter_epochs(params)) for _ in range(runs)]},
                       runs * 20, repeats)
    post, full, bare = rates["post"], rates["full"], rates["bare"]
    long_params = params.with_(epochs=200_000)
    long = best_rate(lambda: armsim.solve(long_params), 200_000, max(1, repeats // 4))
    print("one arm, n = 3 (epochs per second)")
    print(f"  post's plain-Python loop          {post:>12,.0f}")
    print(f"  solve(), 20-epoch runs            {full:>12,.0f}   ratio to post {full / post:.3f}   target >= 100,000")
    print(f"  iter_epochs(), 20-epoch runs      {bare:>12,.0f}")
    print(f"  solve(), one 200,000-epoch run    {long:>12,.0f}")

    B, epochs = 100_000, 20
    rng = np.random.default_rng(0)
    random_angles = rng.uniform(-90, 90, (B, 3))
    post_angles = np.tile(params.angles_deg, (B, 1))
    print(f"solve_batch, B = {B:,}, n = 3, {epochs} epochs (million arm-epochs per second; target >= 15; "
          f"{os.cpu_count()} cores, blocks of at most {armsim.core.run.BATCH_CHUNK:,} arms)")
    cases = {"random angles in [-90, 90]": random_angles, "the post's angles, tiled": post_angles}
    rates = best_rates({name: (lambda a=angles: armsim.solve_batch(a, eta=0.075, epochs=epochs))
                        for name, angles in cases.items()}, B * epochs, repeats)
    for name, rate in rates.items():
        print(f"  {name:32s}  {rate / 1e6:10.2f}")


if __name__ == "__main__":
    main()
