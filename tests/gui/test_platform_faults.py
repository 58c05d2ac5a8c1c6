"""Regression tests for the two library faults behind the PySide6 pin in pyproject.toml."""
import math
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pyqtgraph.exporters

from armsim import Params
from tests.helpers import finished

EMITS = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

    class Emitter(QObject):
        ping = Signal(object)
        done = Signal()

        @Slot()
        def run(self):
            for i in range(5000):
                self.ping.emit(i)
            self.done.emit()

    class Receiver(QObject):
        count = 0

        @Slot(object)
        def on_ping(self, _value):
            self.count += 1

        @Slot()
        def on_done(self):
            QTimer.singleShot(0, app.quit)       # after the queued pings

    app = QCoreApplication([])
    before = sys.getrefcount(True)
    thread, emitter, receiver = QThread(), Emitter(), Receiver()
    emitter.moveToThread(thread)
    emitter.ping.connect(receiver.on_ping)
    emitter.done.connect(receiver.on_done)
    thread.started.connect(emitter.run)
    thread.finished.connect(emitter.deleteLater)
    thread.start()
    app.exec()
    thread.quit()
    thread.wait()
    print(receiver.count, sys.getrefcount(True) - before)
""")


def test_many_signals_from_a_worker_thread_keep_true_alive():
    """PySide6 6.12.0 drops a reference to True on every emit: after ~570 the interpreter aborts
    (exit 134, "bool_dealloc"). A fresh interpreter, so nothing else moves the count."""
    proc = subprocess.run([sys.executable, "-c", EMITS], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-500:]}"
    received, drift = map(int, proc.stdout.split())
    assert received == 5000
    assert abs(drift) < 100          # the fault loses one reference per emit: about -5000 here


def test_svg_export_of_the_canvas_parses(make_window, qtbot):
    """pyqtgraph 0.14.0's SVGExporter fails on PySide6 >= 6.11 (`Z` in path data)."""
    window = make_window(Params())
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished):
        window.state.set_speed(math.inf)
        window.run_or_pause()
    svg = pyqtgraph.exporters.SVGExporter(window.arm_view.getPlotItem()).export(toBytes=True)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = svg.decode()
    assert "#d62728" in text.lower() and "#2ca02c" in text.lower()      # the red and the green pose
