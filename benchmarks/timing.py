"""The benchmarks' one way to time work: the fastest of several repeats, works timed in turn within each round
(so a machine that slows down for a while slows every work alike, and the ratios hold)."""
from __future__ import annotations

import time


def best_times(works: dict, repeats: int) -> dict:
    """Seconds of the fastest of ``repeats`` calls of each work, timed in turn within each round."""
    best = dict.fromkeys(works, float("inf"))
    for _ in range(repeats):
        for name, work in works.items():
            t = time.perf_counter()
            work()
            best[name] = min(best[name], time.perf_counter() - t)
    return best


def best_time(work, repeats: int) -> float:
    """Seconds taken by the fastest of ``repeats`` calls of ``work()``."""
    return best_times({"work": work}, repeats)["work"]
