"""Window responsiveness, drawing rate, memory and start-up, measured on demand (never in tests).

    python benchmarks/bench_gui.py [--epochs 100000] [--links 20] [--launches 9] [--size 1600x900]

1. The post's 3-link arm at "as fast as possible" in the window, --post-epochs epochs:
   epochs per second in the window (target >= 100,000) beside ``armsim.solve`` of the
   same setup headless in the same process (the reference), and the largest gap
   between ticks of a 16 ms QTimer on the GUI thread meanwhile (target < 50 ms).
2. A run of --epochs epochs at full speed with --links links in the real window
   (offscreen unless QT_QPA_PLATFORM says otherwise): the largest gap between
   ticks of a 16 ms QTimer on the GUI thread (target < 50 ms), frames drawn per
   second (the arm canvas's paint events; target >= 30), the run's wall time,
   and memory: the process's peak RSS before and after the run, against the size
   of the run's history (tracemalloc is not used: it slows the solver tenfold).
3. Time from launch to the first painted window, armsim against a bare PySide6 +
   pyqtgraph window with two PlotWidgets (median of --launches process starts, in turn;
   target: armsim <= 1.5 x bare).
4. Closing the window during a long run: seconds from close() to the end of the
   event loop (target < 1 s).
5. Quitting an idle window: seconds from closing it (a second after its first paint)
   to the end of the process, armsim beside the bare window of 3 (median of
   --launches; target: armsim < 0.5 s).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A first launch every time: no window layout or setup remembered from earlier use (QSettings lives
# under XDG_CONFIG_HOME on Linux); the launches below inherit it.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="armsim-bench-")

FIRST_PAINT = textwrap.dedent("""
    import sys, time
    t_start = float(sys.argv[2])
    then_quit = len(sys.argv) > 3
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    class FirstPaint(QObject):
        done = False
        def eventFilter(self, obj, event):
            if not self.done and event.type() == QEvent.Paint and obj.isWidgetType() and obj.window().isVisible():
                self.done = True
                print(f"{time.time() - t_start:.4f}")
                if then_quit:       # idle for a second, then closed as a user would: the process ends
                    QTimer.singleShot(1000, lambda: (print(f"close {time.time():.4f}", flush=True),
                                                     QApplication.instance().closeAllWindows()))
                else:
                    QTimer.singleShot(0, QApplication.instance().quit)
            return False
    if sys.argv[1] == "armsim":
        from armsim.gui.app import main
        from armsim.render.qt_app import make_app
        app = make_app()
        watcher = FirstPaint(); app.installEventFilter(watcher)
        main()
    else:
        import pyqtgraph as pg
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMainWindow, QSplitter
        app = QApplication(sys.argv[:1])
        watcher = FirstPaint(); app.installEventFilter(watcher)
        w = QMainWindow(); s = QSplitter(Qt.Horizontal)
        s.addWidget(pg.PlotWidget()); s.addWidget(pg.PlotWidget()); w.setCentralWidget(s)
        w.resize(1500, 850); w.show(); app.exec()
""")


def first_paint(kind: str) -> float:
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", FIRST_PAINT, kind, repr(t0)], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return float(out.split()[-1])


def quit_time(kind: str) -> float:
    """Seconds from closing an idle window to the end of its process."""
    out = subprocess.run([sys.executable, "-c", FIRST_PAINT, kind, repr(time.time()), "quit"], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    end = time.time()
    closed = next(float(line.split()[1]) for line in out.splitlines() if line.startswith("close "))
    return end - closed


def long_run(params, size: tuple[int, int], close_test: bool = True) -> dict:
    import math
    import threading

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    from armsim.gui.jobs import THREAD_PREFIX
    from armsim.gui.main_window import MainWindow
    from armsim.render.qt_app import make_app

    make_app()                          # the QApplication, configured as armsim runs it
    window = MainWindow(params)
    window.state.set_speed(math.inf)
    window.resize(*size)
    window.show()
    settle = QEventLoop()               # as a user would: the window is up and drawn before Run is pressed
    QTimer.singleShot(500, settle.quit)
    settle.exec()

    class Paints(QObject):
        count = 0

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                self.count += 1
            return False

    paints = Paints()
    window.arm_view.viewport().installEventFilter(paints)
    ticks = []
    timer = QTimer()
    timer.setInterval(16)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    done = {}
    loop = QEventLoop()         # not app.exec()/quit(): Qt 6's quit() closes every window
    window.state.resultChanged.connect(lambda r: r is not None and (done.setdefault("result", r), loop.quit()))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timer.start()
    t0 = time.perf_counter()
    window.run_or_pause()
    loop.exec()
    wall = time.perf_counter() - t0
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    result = done["result"]
    out = dict(status=result.status, epochs=result.epochs_run, wall=wall, max_gap_ms=1e3 * max(gaps),
               p99_gap_ms=1e3 * sorted(gaps)[int(0.99 * (len(gaps) - 1))], paints_per_s=paints.count / wall,
               frames_per_s=window.frames_drawn / wall, rss_before_mb=rss_before,
               history_mb=(result.angles.nbytes + result.errors.nbytes + result.etas.nbytes) / 2**20,
               rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    if not close_test:
        window.close()
        return out
    # Closing during a long run.
    window.state.update(epochs=min(1_000_000, 20_000_000 // params.n_links))   # the most the history holds
    window.run_or_pause()
    closed = {}
    QTimer.singleShot(500, lambda: (closed.setdefault("state", window.state.run_state),
                                    closed.setdefault("t", time.perf_counter()), window.close(), loop.quit()))
    loop.exec()
    out["close_s"] = time.perf_counter() - closed["t"]
    out["close_state"] = closed["state"]
    out["threads_left"] = sum(t.name.startswith(THREAD_PREFIX) and t.is_alive() for t in threading.enumerate())
    return out


def headless_speed(params) -> float:
    """Epochs per second of ``armsim.solve`` on ``params``: the reference, in this process (best of 3)."""
    from armsim import solve
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        result = solve(params)
        best = max(best, result.epochs_run / (time.perf_counter() - t0))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--post-epochs", type=int, default=1_000_000, help="epochs of the post's arm (part 1)")
    ap.add_argument("--epochs", type=int, default=100_000)
    ap.add_argument("--links", type=int, default=20)
    ap.add_argument("--launches", type=int, default=9)   # each launch jitters by +-0.15 s here: a median of many
    ap.add_argument("--size", default="1600x900", help="window size in pixels, WxH (default: a laptop screen)")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))

    from armsim import Params
    post = Params(epochs=args.post_epochs, eta=0.001)      # the post's start; a small eta keeps it moving
    reference = headless_speed(post)
    p = long_run(post, size, close_test=False)
    print(f"the post's 3-link arm, {p['epochs']:,} epochs, as fast as possible, {size[0]}x{size[1]} window:")
    print(f"  in the window       {p['epochs'] / p['wall']:11,.0f} epochs/s   (target >= 100,000)")
    print(f"  headless solve()    {reference:11,.0f} epochs/s   (reference, same process; window/headless "
          f"{p['epochs'] / p['wall'] / reference:.2f})")
    print(f"  largest gap between 16 ms timer ticks meanwhile {p['max_gap_ms']:6.1f} ms   (99th percentile "
          f"{p['p99_gap_ms']:.1f} ms; target < 50)")
    params = Params(angles_deg=tuple(((-1) ** i) * (10 + 3 * i) for i in range(args.links)), epochs=args.epochs,
                    eta=0.001)
    r = long_run(params, size)
    print(f"run: {r['epochs']:,} epochs, {args.links} links, full speed, {size[0]}x{size[1]} window, platform "
          f"{os.environ['QT_QPA_PLATFORM']}"
          f" -> {r['status']} in {r['wall']:.2f} s ({r['epochs'] / r['wall']:,.0f} epochs/s)")
    print(f"  largest gap between 16 ms timer ticks  {r['max_gap_ms']:7.1f} ms   (99th percentile "
          f"{r['p99_gap_ms']:.1f} ms; target < 50)")
    print(f"  arm canvas paints per second           {r['paints_per_s']:7.1f}      (window redraws "
          f"{r['frames_per_s']:.1f}/s; target >= 30)")
    print(f"  peak RSS of the process                {r['rss_mb']:7.1f} MB   (before the run "
          f"{r['rss_before_mb']:.1f} MB; the run's history itself: {r['history_mb']:.1f} MB)")
    print(f"  close() during a long run              {r['close_s']:7.3f} s    (state at close: {r['close_state']};"
          f" threads left: {r['threads_left']}; target < 1 s)")
    armsim, bare = [], []
    for _ in range(args.launches):      # in turn, so a burst of load elsewhere hits both alike
        armsim.append(first_paint("armsim"))
        bare.append(first_paint("bare"))
    a, b = statistics.median(armsim), statistics.median(bare)
    print(f"launch to first paint (median of {args.launches}): armsim {a:.3f} s, bare PySide6 + pyqtgraph "
          f"{b:.3f} s, ratio {a / b:.2f} (target <= 1.5)")
    armsim, bare = [], []
    for _ in range(args.launches):
        armsim.append(quit_time("armsim"))
        bare.append(quit_time("bare"))
    a, b = statistics.median(armsim), statistics.median(bare)
    print(f"quit an idle window, close to process end (median of {args.launches}): armsim {a:.3f} s "
          f"(target < 0.5), bare PySide6 + pyqtgraph {b:.3f} s, ratio {a / b:.2f}")


if __name__ == "__main__":
    main()
