"""Regression tests for the two library faults PLATFORM.md reports (see the pin in pyproject.toml)."""
import sys
import xml.etree.ElementTree as ET

import pyqtgraph.exporters
from PySide6.QtCore import QObject, QThread, Signal, Slot

from armsim import Params


class _Emitter(QObject):
    ping = Signal(object)
    done = Signal()

    @Slot()
    def run(self):
        for i in range(5000):
            self.ping.emit(i)
        self.done.emit()


class _Receiver(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    @Slot(object)
    def on_ping(self, _value):
        self.count += 1


def test_many_signals_from_a_worker_thread_keep_true_alive(qtbot):
    """PySide6 6.12.0 drops a reference to True on every emit; after ~570 the interpreter aborts."""
    before = sys.getrefcount(True)
    thread, emitter, receiver = QThread(), _Emitter(), _Receiver()
    emitter.moveToThread(thread)
    emitter.ping.connect(receiver.on_ping)
    thread.started.connect(emitter.run)
    with qtbot.waitSignal(emitter.done, timeout=20_000):
        thread.start()
    qtbot.waitUntil(lambda: receiver.count == 5000, timeout=20_000)
    thread.quit()
    thread.wait()
    assert abs(sys.getrefcount(True) - before) < 1000     # the fault loses one per emit: 5000 here


def test_svg_export_of_the_canvas_parses(make_window, qtbot):
    """pyqtgraph 0.14.0's SVGExporter fails on PySide6 >= 6.11 (`Z` in path data)."""
    window = make_window(Params())
    with qtbot.waitSignal(window.controller.finished, timeout=10_000):
        window.controls.speed.setValue(window.controls.speed.maximum())
        window.run_or_pause()
    svg = pyqtgraph.exporters.SVGExporter(window.arm_view.getPlotItem()).export(toBytes=True)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = svg.decode()
    assert "#d62728" in text.lower() and "#2ca02c" in text.lower()      # the red and the green pose
