"""Solver speed, measured side by side in one run (on demand, never in tests).

    python benchmarks/bench_solver.py [--quick]

1. One arm, n = 3 (the post's arm): the seed post's own plain-Python loop against
   the engine, ``Run.advance`` in chunks of 256 (what the window's worker calls) and
   ``solve()``, over one 200,000-epoch run each and over 20-epoch runs repeated;
   and ``iter_epochs()``, which also builds every epoch's full record. Targets: the
   window plays >= 100,000 epochs/s while its GUI thread holds the GIL ~40% of the
   time, so the engine alone should run >= 400,000 epochs/s.
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
from math import cos, radians, sin

import numpy as np
from timing import best_times

import armsim
import armsim.core.batch

WINDOW_TARGET = 100_000      # epochs/s the window should play
ENGINE_TARGET = 400_000      # epochs/s the engine should reach headless, to leave the GUI its share of the GIL
CHUNK = 256                  # epochs per Run.advance call, as the window's worker
LONG = 200_000               # epochs of the long runs


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


def post_run(epochs=20):
    w1, w2, w3 = radians(22), radians(-20), radians(14)
    for _ in range(epochs):
        w1, w2, w3 = update_weights(0, w1, w2, w3)
    return calculate_pose(0, w1, w2, w3)


def advance_in_chunks(params):
    run = armsim.Run(params)
    while run.advance(CHUNK):
        pass
    return run.result()


def best_rate(work, units: float, repeats: int) -> float:
    """Units per second of the fastest of ``repeats`` timings of ``work()``."""
    return best_rates({"": work}, units, repeats)[""]


def best_rates(works: dict, units: float, repeats: int) -> dict:
    """Like :func:`best_rate` for several works, timed in turn within each round."""
    return {name: units / seconds for name, seconds in best_times(works, repeats).items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = ap.parse_args()
    # Many short samples rather than a few long ones: on a shared machine a short sample is more
    # likely to fall in a quiet moment, and the best one is the code's own speed.
    runs, repeats = (200, 2) if args.quick else (500, 40)
    params = armsim.Params()            # the post's arm, 20 epochs

    long_params = params.with_(epochs=LONG)
    rates = best_rates({"post": lambda: post_run(LONG),
                        "advance": lambda: advance_in_chunks(long_params),
                        "solve": lambda: armsim.solve(long_params)}, LONG, max(1, repeats // 4))
    short = best_rates({"post": lambda: [post_run() for _ in range(runs)],
                        "advance": lambda: [advance_in_chunks(params) for _ in range(runs)],
                        "solve": lambda: [armsim.solve(params) for _ in range(runs)],
                        "iter": lambda: [list(armsim.iter_epochs(params)) for _ in range(runs)]},
                       runs * 20, repeats)

    def line(label, rate, post, target=None):
        aim = f"   target >= {target:,}" if target else ""
        print(f"  {label:34s}{rate:>12,.0f}   ratio to post {rate / post:5.2f}{aim}")

    print(f"one arm, n = 3, the post's arm (epochs per second; window target {WINDOW_TARGET:,}, "
          f"engine target {ENGINE_TARGET:,})")
    print(f"  one {LONG:,}-epoch run")
    line("post's plain-Python loop", rates["post"], rates["post"])
    line(f"Run.advance({CHUNK}) until the end", rates["advance"], rates["post"], ENGINE_TARGET)
    line("solve()", rates["solve"], rates["post"], ENGINE_TARGET)
    print(f"  {runs} runs of 20 epochs (a new run each time)")
    line("post's plain-Python loop", short["post"], short["post"])
    line(f"Run.advance({CHUNK})", short["advance"], short["post"])
    line("solve()", short["solve"], short["post"])
    line("iter_epochs(), full records", short["iter"], short["post"], WINDOW_TARGET)

    B, epochs = 100_000, 20
    rng = np.random.default_rng(0)
    random_angles = rng.uniform(-90, 90, (B, 3))
    post_angles = np.tile(params.angles_deg, (B, 1))
    print(f"solve_batch, B = {B:,}, n = 3, {epochs} epochs (million arm-epochs per second; target >= 15; "
          f"{os.cpu_count()} cores, blocks of at most {armsim.core.batch.BATCH_CHUNK:,} arms)")
    cases = {"random angles in [-90, 90]": random_angles, "the post's angles, tiled": post_angles}
    rates = best_rates({name: (lambda a=angles: armsim.solve_batch(a, eta=0.075, epochs=epochs))
                        for name, angles in cases.items()}, B * epochs, repeats)
    for name, rate in rates.items():
        print(f"  {name:32s}  {rate / 1e6:10.2f}")


if __name__ == "__main__":
    main()
