"""Video export speed, hand-written scene painter against ``QWidget.render`` (on demand, never in tests).

    python benchmarks/bench_video.py [--seconds 10] [--size 1920x1080] [--fps 30] [--repeats 5]

Exports the same video (the post's arm with ``epochs = seconds * fps - 1`` and
one frame per epoch: 300 frames of 1920x1080 at 30 fps by default) once per
repeat with each way of painting a frame into its QImage, taken in turns (the
first of each pair alternates, so a drift in the machine's load hits both),
and prints the medians side by side with their ratio and the project's rule
beside them: the hand-written painter stays only if it makes the whole export
more than 20 % faster. The switch is ``armsim.render.figure._SCENE_PAINTER``
when the painter exists; without it every frame goes through ``QWidget.render``
and only that column is measured.

Per export: wall time; drawing per frame (setting the plots' data and painting;
for GIF also the RGB copy); encoding per frame (the time the drawing thread
spends handing frames to the encoder: for MP4 waiting while ffmpeg, a separate
process fed by a thread of its own, is behind, and finishing the file); the CPU
time of this process (all its threads) and of ffmpeg. Then the paint alone,
without encoding: every frame of the run painted into one reused image, the
``paint_into`` call timed by itself (and beside it ``show_frame``, setting the
plots' data, which both ways share). On a busy machine the wall times swing
with the other load, the CPU times much less. Files go to a temporary directory
and are deleted.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time

from armsim import Params, solve
from armsim.cli import _size

PAINTER, RENDER = "scene painter", "QWidget.render"
RULE = 1.20             # the painter stays only if QWidget.render takes more than 1.2 times as long


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="video length (default 10)")
    ap.add_argument("--size", type=_size, default=(1920, 1080), help="WxH (default 1920x1080)")
    ap.add_argument("--fps", type=int, default=30, help="frames per second (default 30)")
    ap.add_argument("--format", choices=("mp4", "gif"), default="mp4")
    ap.add_argument("--repeats", type=int, default=5, help="exports per way of painting (default 5)")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from armsim.render import figure as figure_module
    from armsim.render.figure import ensure_app
    ensure_app()

    ways = [PAINTER, RENDER] if hasattr(figure_module, "_SCENE_PAINTER") else [RENDER]
    frames = round(args.seconds * args.fps)
    result = solve(Params(epochs=frames - 1))
    exports = {way: [] for way in ways}
    paints = {way: [] for way in ways}
    data = {way: [] for way in ways}
    last_frames = {}
    for r in range(args.repeats):
        order = ways if r % 2 == 0 else ways[::-1]
        for way in order:
            use(figure_module, way)
            exports[way].append(export_once(result, args))
        for way in order:
            use(figure_module, way)
            per_frame, per_data, last_frames[way] = paint_alone(result, args.size)
            paints[way].append(per_frame)
            data[way].append(per_data)
    use(figure_module, PAINTER)

    info = exports[ways[0]][0]["info"]
    w, h = info.size
    print(f"{args.format.upper()} of {info.frames} frames, {w}x{h} at {info.fps} fps ({info.seconds:g} s of video), "
          f"{os.cpu_count()} cores; medians of {args.repeats} runs each, the two ways taken in turns")
    print(f"  {'':28}" + "".join(f"{way:>16}" for way in ways) + ("    ratio (render / painter)" if len(ways) == 2
                                                                    else ""))

    def row(label, values, unit, scale=1.0, fmt="8.2f"):
        medians = [statistics.median(v) * scale for v in values]
        line = f"  {label:28}" + "".join(f"{m:{fmt}} {unit:<6}".rjust(16) for m in medians)
        if len(medians) == 2:
            line += f"    {medians[1] / medians[0]:.2f}"
        print(line)
        return medians

    per = info.frames
    wall = row("export wall time", [[e["wall"] for e in exports[way]] for way in ways], "s")
    for way in ways:
        print(f"      {way + ', each run':26}" + " ".join(f"{e['wall']:.2f}" for e in exports[way]) + " s")
    row("  drawing per frame", [[e["info"].render_seconds / per for e in exports[way]] for way in ways], "ms", 1e3,
        "8.1f")
    row("  encoding per frame", [[e["info"].encode_seconds / per for e in exports[way]] for way in ways], "ms", 1e3,
        "8.1f")
    row("  CPU, this process", [[e["cpu"] for e in exports[way]] for way in ways], "s")
    row("  CPU, ffmpeg", [[e["encoder_cpu"] for e in exports[way]] for way in ways], "s")
    row("  real time factor", [[e["wall"] / info.seconds for e in exports[way]] for way in ways], "x")
    print(f"  {'size of the file':28}" + "".join(f"{exports[way][0]['mb']:8.1f} {'MB':<6}".rjust(16) for way in ways))
    row("paint alone per frame", [paints[way] for way in ways], "ms", 1e3, "8.1f")
    row("  setting the data per frame", [data[way] for way in ways], "ms", 1e3, "8.1f")
    if len(ways) == 2:
        ratio = wall[1] / wall[0]
        verdict = "keep the painter" if ratio > RULE else "remove the painter"
        print(f"  whole export: QWidget.render / painter = {ratio:.2f} (the painter's export takes "
              f"{abs(1 - 1 / ratio):.0%} {'less' if ratio >= 1 else 'more'} time); "
              f"rule: > {RULE:.2f} (more than 20 % faster) -> {verdict}")
        same = last_frames[PAINTER] == last_frames[RENDER]
        print(f"  last frame identical in both ways: {'yes' if same else 'NO'}")
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"  load average                {load}   (other work on the machine skews all of the above)")


def use(figure_module, way: str) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent
    # The figures of earlier runs were deleteLater()'d; with no event loop running, delete them now.
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    if hasattr(figure_module, "_SCENE_PAINTER"):
        figure_module._SCENE_PAINTER = way == PAINTER


def export_once(result, args) -> dict:
    from armsim.render.video import export_video
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"bench.{args.format}")
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        info = export_video(result, path, size=args.size, fps=args.fps)
        wall = time.perf_counter() - start
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)    # ffmpeg, waited for when the file is done
        mb = os.path.getsize(path) / 1e6
    return dict(info=info, wall=wall, cpu=cpu(own, own_after), encoder_cpu=cpu(children, children_after), mb=mb)


def paint_alone(result, size) -> tuple[float, float, object]:
    """Seconds per frame of ``paint_into`` alone and of ``show_frame`` (the data) over every frame of ``result``,
    and the last image."""
    from PySide6.QtGui import QImage

    from armsim.io.media import pose_at
    from armsim.render.figure import RunFigure
    figure = RunFigure(size)
    image = QImage(size[0], size[1], QImage.Format_RGB32)
    image.setDevicePixelRatio(1.0)
    total = data = 0.0
    n = result.epochs_run + 1
    try:
        for i in range(n):
            t0 = time.perf_counter()
            figure.show_frame(result, *pose_at(result.angles, i, 1))
            t1 = time.perf_counter()
            figure.paint_into(image)
            total += time.perf_counter() - t1
            data += t1 - t0
    finally:
        figure.deleteLater()
    return total / n, data / n, image.copy()


def cpu(before, after) -> float:
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


if __name__ == "__main__":
    main()
