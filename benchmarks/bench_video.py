"""Video export speed (on demand, never in tests).

    python benchmarks/bench_video.py [--seconds 10] [--size 1920x1080] [--fps 30] [--format mp4]

Exports a video of ``seconds * fps`` frames (the post's arm with
``epochs = seconds * fps - 1`` and one frame per epoch: 300 frames of 1920x1080
at 30 fps by default) and prints the wall time against the video's own length,
then the split per frame: drawing (RunFigure, pyqtgraph, Qt's raster engine and
the RGB copy) and encoding (the time spent handing the frame to the encoder,
which for MP4 includes waiting for ffmpeg, a separate process running
alongside, and finishing the file). The file goes to a temporary directory
and is deleted.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

from armsim import Params, solve
from armsim.cli import _size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="video length (default 10)")
    ap.add_argument("--size", type=_size, default=(1920, 1080), help="WxH (default 1920x1080)")
    ap.add_argument("--fps", type=int, default=30, help="frames per second (default 30)")
    ap.add_argument("--format", choices=("mp4", "gif"), default="mp4")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from armsim.gui.figure import ensure_app
    from armsim.gui.video import export_video
    ensure_app()

    frames = round(args.seconds * args.fps)
    result = solve(Params(epochs=frames - 1))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"bench.{args.format}")
        start = time.perf_counter()
        info = export_video(result, path, size=args.size, fps=args.fps)
        wall = time.perf_counter() - start
        size_mb = os.path.getsize(path) / 1e6
    w, h = info.size
    print(f"{args.format.upper()} of {info.frames} frames, {w}x{h} at {info.fps} fps "
          f"({info.seconds:g} s of video), {size_mb:.1f} MB, {os.cpu_count()} cores")
    print(f"  wall time            {wall:8.2f} s   = {wall / info.seconds:.2f} x real time "
          f"({info.frames / wall:.1f} frames/s)")
    print(f"  drawing per frame    {info.render_seconds / info.frames * 1e3:8.1f} ms  "
          f"({info.render_seconds:.2f} s in all)")
    print(f"  encoding per frame   {info.encode_seconds / info.frames * 1e3:8.1f} ms  "
          f"({info.encode_seconds:.2f} s in all, including finishing the file)")
    rest = wall - info.render_seconds - info.encode_seconds
    print(f"  the rest             {rest:8.2f} s   (setting up the figure; solving is not timed)")
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"  load average         {load}   (other work on the machine skews all of the above)")


if __name__ == "__main__":
    main()
