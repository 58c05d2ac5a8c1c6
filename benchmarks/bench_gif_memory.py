"""GIF export memory: the bound the export rules state beside the peak measured (on demand, never in tests).

    python benchmarks/bench_gif_memory.py [--quick] [--case WxH:FRAMES ...]

A GIF is held in memory while Pillow writes it, so ``armsim.io.media.check_gif_memory``
refuses one whose :func:`~armsim.io.media.gif_memory` is over ``MAX_GIF_BYTES``
(about 1.6 GB), and that figure is what its message states. This exports GIFs
at the largest frame counts the rule allows (near the limit) at 7680x7680,
1920x1080 and 480x360, and at the largest the scene painter is used for (a
little fewer frames: past it the frames are drawn by Qt, in less memory), each
in a fresh process, and measures the peak of that process's memory (VmHWM, reset
with ``/proc/self/clear_refs`` once Qt is up and the run is solved; elsewhere
``ru_maxrss``) over its memory just before the export. It prints the stated
bound beside the measured peak and their ratio, and exits 1 if a peak is over
its stated bound or a stated bound over the limit. ``--quick`` leaves out the
painter's cases (the longest). Takes several minutes and up to 1.6 GB; files go
to a temporary directory and are deleted.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

SIZES = ((7680, 7680), (1920, 1080), (480, 360))


def largest_frames(size: tuple[int, int], painter: bool) -> int:
    """The most animated frames of ``size`` that the rule allows (``painter``: that the painter draws)."""
    from armsim.io.media import MAX_GIF_BYTES, gif_memory
    low, high = 0, 10 ** 7                  # gif_memory grows with the frames: bisect
    while low < high:
        mid = (low + high + 1) // 2
        if gif_memory(mid, size, painter=painter) <= MAX_GIF_BYTES:
            low = mid
        else:
            high = mid - 1
    return low


def child(w: int, h: int, frames: int) -> None:
    """In a fresh process: export one GIF and print its memory figures as JSON."""
    import gc
    import resource
    import time
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from armsim import Params, solve
    from armsim.io.media import MAX_GIF_BYTES, gif_memory
    from armsim.render.figure import ensure_app
    from armsim.render.video import export_video
    ensure_app()
    result = solve(Params(epochs=frames - 1))       # tol 0: every epoch runs, one frame each
    assert result.epochs_run + 1 == frames, result.reason
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")                # resets VmHWM to the memory held now
        reset = True
    except OSError:
        reset = False
    base = _status("VmRSS") or 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "bench.gif")
        export_video(result, path, size=(w, h), fps=30)
        megabytes = os.path.getsize(path) / 1e6
    peak = _status("VmHWM") if reset else None
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024     # since start: an overestimate
    painter = gif_memory(frames, (w, h), painter=True) <= MAX_GIF_BYTES     # the export's own choice
    print(json.dumps({"base": base, "peak": peak - base, "stated": gif_memory(frames, (w, h), painter=painter),
                      "painter": painter, "seconds": time.perf_counter() - start, "file_mb": megabytes}))


def _status(key: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="leave out the scene painter's cases")
    ap.add_argument("--case", action="append", metavar="WxH:FRAMES", help="only this case (repeatable)")
    ap.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    from armsim.io.media import MAX_GIF_BYTES
    if args.case:
        cases = []
        for text in args.case:
            dims, frames = text.split(":")
            w, h = map(int, dims.lower().split("x"))
            cases.append(((w, h), int(frames), "as asked"))
    else:
        cases = []
        for size in SIZES:
            cases.append((size, largest_frames(size, False), "near the limit"))
            if not args.quick and (n := largest_frames(size, True)) > 0:
                cases.append((size, n, "the painter's most"))
    print(f"GIF export memory: peak over the process's memory before the export, beside the bound stated "
          f"(limit {MAX_GIF_BYTES / 1e6:,.1f} MB); {os.cpu_count()} cores")
    print(f"  {'case':34}{'frames':>8}  {'drawn by':10}{'stated':>12}{'measured':>12}{'ratio':>8}  {'time':>7}")
    broken = []
    for (w, h), frames, what in cases:
        done = subprocess.run([sys.executable, __file__, "--child", str(w), str(h), str(frames)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"  {w}x{h}, {what}: the export failed: {done.stderr.strip().splitlines()[-1:]}")
            broken.append(f"{w}x{h}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        ratio = r["peak"] / r["stated"]
        label = f"{w}x{h}, {what}"
        print(f"  {label:34}{frames:>8,}  {'painter' if r['painter'] else 'Qt':10}{r['stated'] / 1e6:>9,.1f} MB"
              f"{r['peak'] / 1e6:>9,.1f} MB{ratio:>8.2f}  {r['seconds']:>6.1f}s", flush=True)
        if r["peak"] > r["stated"] or r["stated"] > MAX_GIF_BYTES:
            broken.append(label)
    print("  rule: measured <= stated <= limit (ratio at most 1.00): "
          + ("kept" if not broken else f"BROKEN by {', '.join(broken)}"))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
