"""Video export speed (on demand, never in tests).

    python benchmarks/bench_video.py [--seconds 10] [--size 1920x1080] [--fps 30] [--format mp4]

Exports a video of ``seconds * fps`` frames (the post's arm with
``epochs = seconds * fps - 1`` and one frame per epoch: 300 frames of 1920x1080
at 30 fps by default) and prints the wall time against the video's own length,
then the split per frame: drawing (setting the plots' data and painting the
figure: RunFigure, pyqtgraph, Qt's raster engine; for GIF also the RGB copy)
and encoding (the time the drawing thread spends handing frames to the encoder:
for MP4 waiting while ffmpeg, a separate process fed by a thread of its own, is
behind, and finishing the file). Then the CPU time of this process (all its
threads) and of ffmpeg: on a busy machine the wall times swing with the other
load, the CPU times much less. The file goes to a temporary directory and is
deleted.
"""
from __future__ import annotations

import argparse
import os
import resource
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
    from armsim.render.figure import ensure_app
    from armsim.render.video import export_video
    ensure_app()

    frames = round(args.seconds * args.fps)
    result = solve(Params(epochs=frames - 1))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"bench.{args.format}")
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        info = export_video(result, path, size=args.size, fps=args.fps)
        wall = time.perf_counter() - start
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)    # ffmpeg, waited for when the file is done
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

    def cpu(before, after):
        return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    mine, encoder = cpu(own, own_after), cpu(children, children_after)
    print(f"  CPU time             {mine + encoder:8.2f} s   = this process {mine:.2f} s "
          f"({mine / info.frames * 1e3:.1f} ms a frame) + the encoder {encoder:.2f} s "
          f"({encoder / info.frames * 1e3:.1f} ms a frame)")
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"  load average         {load}   (other work on the machine skews all of the above)")


if __name__ == "__main__":
    main()
