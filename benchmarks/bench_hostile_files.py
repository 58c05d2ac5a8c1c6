"""Hostile scenario and settings files, refused: each one's time and peak memory beside its target.

    python benchmarks/bench_hostile_files.py [--repeats 5]

1. Every kind of ``tests/core/test_hostile_files.py`` (its ``HOSTILE`` table: devices,
   FIFOs, links, bytes that are not UTF-8, nesting, too many keys or values, long
   tokens, wrong types...) is made in a temporary folder and given to
   ``scenario.load``. Per kind: the best of N loads (untraced), then the peak of
   what one more load allocates (tracemalloc). References in the same run: the
   load of the post's scenario and of the largest valid one (1,000 links with
   lengths, ~50 KB), and each refusal's time as a ratio of the largest valid load.
2. Every hostile settings file of ``tests/gui/test_hostile_settings.py`` through
   ``settings.check_file`` (what the window runs at start-up, before QSettings
   opens anything), against the check of a settings file as armsim writes it.
Targets: each refusal in < 1 s, with a peak under the file's size limit + 4 MiB
(64 KiB + 4 MiB for a scenario, 256 KiB + 4 MiB for settings). The exit status is
1 if any target is missed.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))           # the kinds are the tests' own: tests/ is a package of the repository

import pytest  # noqa: E402

from armsim.core.params import MAX_LINKS, Params  # noqa: E402
from armsim.io import scenario  # noqa: E402
from tests.core.test_hostile_files import GOOD, HOSTILE, MEMORY_BOUND  # noqa: E402

TIME_TARGET = 1.0                       # seconds for one refusal
MiB = 1024 * 1024


def measure(call, repeats: int) -> tuple[float, int, object]:
    """(best time of ``repeats`` calls, traced peak of one more, what it returned or raised)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        outcome = _call(call)
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    try:
        _call(call)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return best, peak, outcome


def _call(call):
    try:
        return call()
    except Exception as e:                  # a refusal is the expected outcome here
        return e


def largest_valid(folder: Path) -> Path:
    rng = random.Random(7)
    p = Params(angles_deg=tuple(rng.uniform(-1e6, 1e6) / 7 for _ in range(MAX_LINKS)),
               lengths=tuple(rng.uniform(1, 2) / 3 for _ in range(MAX_LINKS)), epochs=20_000)
    return scenario.save(folder / "largest.toml", p, {"name": "largest", "note": "x" * 1000})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="timed loads per kind (the best counts)")
    args = ap.parse_args()
    missed = []
    with tempfile.TemporaryDirectory(prefix="armsim-bench-hostile-") as tmp:
        tmp = Path(tmp)
        post = tmp / "post.toml"
        post.write_text(GOOD)
        t_post, m_post, _ = measure(lambda: scenario.load(post), args.repeats)
        big = largest_valid(tmp)
        t_ref, m_ref, loaded = measure(lambda: scenario.load(big), args.repeats)
        assert isinstance(loaded, scenario.Scenario), loaded
        print(f"1. scenario files (targets: < {TIME_TARGET:g} s, peak < {MEMORY_BOUND / MiB:.2f} MB)")
        print(f"   reference: the post's scenario   {t_post * 1e3:8.2f} ms  peak {m_post / MiB:6.2f} MB")
        print(f"   reference: largest valid ({os.path.getsize(big):,} bytes) {t_ref * 1e3:8.2f} ms  peak "
              f"{m_ref / MiB:6.2f} MB")
        print(f"   {'kind':34s} {'time':>10s} {'x largest':>10s} {'peak':>9s}")
        worst_t = worst_m = 0.0
        for i, kind in enumerate(HOSTILE.values()):
            if kind.skip:
                print(f"   {kind.name:34s} skipped: {kind.skip}")
                continue
            folder = tmp / f"k{i}"
            folder.mkdir()
            path = kind.make(folder)
            t, m, outcome = measure(lambda path=path: scenario.load(path), args.repeats)
            refused = isinstance(outcome, scenario.ScenarioError)
            ok = refused and t < TIME_TARGET and m < MEMORY_BOUND
            worst_t, worst_m = max(worst_t, t), max(worst_m, m)
            if not ok:
                missed.append(kind.name)
            print(f"   {kind.name:34s} {t * 1e3:7.2f} ms {t / t_ref:9.2f}x {m / MiB:6.2f} MB"
                  f"{'' if ok else '   MISSED' + ('' if refused else ' (not refused: ' + repr(outcome)[:60] + ')')}")
        n = sum(1 for k in HOSTILE.values() if not k.skip)
        print(f"   {n} kinds: slowest {worst_t * 1e3:.2f} ms ({worst_t / t_ref:.2f}x the largest valid load; target "
              f"< {TIME_TARGET:g} s), largest peak {worst_m / MiB:.2f} MB (target < {MEMORY_BOUND / MiB:.2f} MB)")

        from armsim.gui import settings
        from tests.gui.test_hostile_settings import HOSTILE_FILES
        bound = settings.MAX_FILE_BYTES + 4 * MiB
        good = tmp / "good.conf"
        good.write_text('[General]\ncolour_safe=true\nlog_error=false\ngeometry=@ByteArray(\\x1\\xd9\\xd0\\xcb)\n'
                        'last_setup="' + scenario.dumps(Params(angles_deg=(1.0,) * 200)).replace("\n", "\\n")
                        .replace('"', '\\"') + '"\nrecent_files=/a/b.toml, /c/d.toml\n')
        t_good, m_good, verdict = measure(lambda: settings.check_file(str(good)), args.repeats)
        assert verdict is None, verdict
        print(f"\n2. settings files through settings.check_file (targets: < {TIME_TARGET:g} s, peak < "
              f"{bound / MiB:.2f} MB)")
        print(f"   reference: what armsim writes ({os.path.getsize(good):,} bytes) {t_good * 1e3:8.3f} ms  peak "
              f"{m_good / MiB:6.2f} MB")
        for i, (name, (where, make, _words)) in enumerate(HOSTILE_FILES.items()):
            path = tmp / f"s{i}" / where
            path.parent.mkdir(parents=True)
            try:
                named = make(path)
            except pytest.skip.Exception as e:         # a device node needs root
                print(f"   {name:34s} skipped: {e}")
                continue
            t, m, problem = measure(lambda named=named: settings.check_file(str(named)), args.repeats)
            ok = isinstance(problem, str) and t < TIME_TARGET and m < bound
            if not ok:
                missed.append(f"settings: {name}")
            print(f"   {name:34s} {t * 1e3:7.3f} ms {t / t_good:9.1f}x {m / MiB:6.2f} MB"
                  f"{'' if ok else '   MISSED (' + repr(problem)[:60] + ')'}")
    print(f"\n{'every target met' if not missed else 'MISSED: ' + ', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
