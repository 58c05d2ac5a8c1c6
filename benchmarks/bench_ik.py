"""Inverse kinematics against a robotics library (on demand, never in tests).

    pip install -e '.[bench]'        # ikpy, the reference solver
    python benchmarks/bench_ik.py [--quick]

1,000 random reachable targets for a 3-link planar arm with unit links and relative joints,
every learner from the same start (30, 60, 60 degrees). Success: the end point within 1e-9 of
the target within 100 epochs (``tol`` = 0.5e-18 on E = half the squared distance). Per learner:
the success rate, the median epochs of the successes, the median time of one ``solve()`` per
target, and the time per target of one ``solve_batch`` over all of them; then ikpy (scipy's
least squares on a URDF-style chain) on the same targets in the same run, its success by the
same rule. Targets: lm 100% success, ``solve()`` median <= 100 us, ``solve_batch`` <= 15 us
per target.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from armsim import Params, solve, solve_batch

START = (30.0, 60.0, 60.0)
TOL = 0.5e-18            # E < tol  <=>  distance < 1e-9
EPOCHS = 100
LEARNERS = {"lm": 1.0, "gradient": 0.3, "momentum": 0.1, "adam": 0.05, "ccd": 1.0, "fabrik": 1.0}


def targets(count: int, seed: int = 0) -> np.ndarray:
    """Points uniform over the reachable disc of three unit links, less the last 5% of its radius."""
    rng = np.random.default_rng(seed)
    r = np.sqrt(rng.uniform(0.0, (0.95 * 3.0) ** 2, count))
    a = rng.uniform(-np.pi, np.pi, count)
    return np.stack((r * np.cos(a), r * np.sin(a)), axis=1)


def one_by_one(learner: str, eta: float, points: np.ndarray):
    times, epochs, ok = [], [], 0
    for x, y in points:
        p = Params(angles_deg=START, reach=(float(x), float(y)), relative=True, learner=learner, eta=eta,
                   epochs=EPOCHS, tol=TOL)
        t = time.perf_counter()
        result = solve(p)
        times.append(time.perf_counter() - t)
        if result.status == "converged":
            ok += 1
            epochs.append(result.epochs_run)
    return ok / len(points), (statistics.median(epochs) if epochs else float("nan")), statistics.median(times)


def batched(learner: str, eta: float, points: np.ndarray) -> float:
    t = time.perf_counter()
    batch = solve_batch(np.tile(START, (len(points), 1)), eta=eta, epochs=EPOCHS, reach=points, relative=True,
                        learner=learner, tol=TOL)
    per = (time.perf_counter() - t) / len(points)
    assert (batch.status == "converged").mean() >= 0 and batch.errors.shape[0] == len(points)
    return per


def ikpy_run(points: np.ndarray):
    try:
        from ikpy.chain import Chain
        from ikpy.link import OriginLink, URDFLink
    except ImportError:
        return None
    links = [OriginLink()] + [URDFLink(name=f"joint{k}", origin_translation=[0 if k == 1 else 1, 0, 0],
                                       origin_orientation=[0, 0, 0], rotation=[0, 0, 1]) for k in (1, 2, 3)]
    links.append(URDFLink(name="tip", origin_translation=[1, 0, 0], origin_orientation=[0, 0, 0],
                          rotation=None, joint_type="fixed"))
    chain = Chain(links, active_links_mask=[False, True, True, True, False])
    start = [0.0] + list(np.radians(START)) + [0.0]
    times, ok = [], 0
    for x, y in points:
        t = time.perf_counter()
        q = chain.inverse_kinematics(target_position=[x, y, 0.0], initial_position=start)
        times.append(time.perf_counter() - t)
        tip = chain.forward_kinematics(q)[:3, 3]
        ok += float(np.hypot(tip[0] - x, tip[1] - y)) <= 1e-9
    return ok / len(points), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 targets")
    args = ap.parse_args()
    points = targets(200 if args.quick else 1000)
    print(f"IK, {len(points)} random reachable targets, 3 unit links, relative joints, start {START}, "
          f"success = within 1e-9 in {EPOCHS} epochs")
    print(f"  {'learner':9} {'eta':>5} {'success':>8} {'median epochs':>14} {'solve() median':>15} "
          f"{'solve_batch per target':>23}")
    for learner, eta in LEARNERS.items():
        success, epochs, median = one_by_one(learner, eta, points)
        per = batched(learner, eta, points)
        mark = "   targets: 100%, <= 100 us, <= 15 us" if learner == "lm" else ""
        print(f"  {learner:9} {eta:5g} {success:8.1%} {epochs:14g} {median * 1e6:12.1f} us {per * 1e6:20.1f} us"
              + mark)
    reference = ikpy_run(points)
    if reference is None:
        print("  ikpy: not installed (pip install -e '.[bench]')")
    else:
        success, median = reference
        print(f"  {'ikpy':9} {'':>5} {success:8.1%} {'':>14} {median * 1e6:12.1f} us   (scipy least squares)")


if __name__ == "__main__":
    main()
