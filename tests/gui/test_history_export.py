"""The window's history export of a long run: in the background, with progress and Cancel, asked about when big.

The runs are 20,000 epochs (a 6 MB CSV), over the threshold for a background write;
the writer is slowed (a pause per block of 64 epochs) so that the write lasts long
enough to be watched, cancelled and interrupted. Nothing here times anything.
"""
import math
import os
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from armsim import Params
from armsim.core.run import solve
from armsim.gui import exports, history_export
from armsim.gui.jobs import THREAD_PREFIX
from armsim.io import history
from tests.helpers import run_to_end

LONG = Params(epochs=20_000)        # every epoch runs (tol 0): about 6 MB of CSV


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes are recorded instead of shown (a modal box would block the test); questions get No."""
    seen = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: seen.append((title, text)))

    def question(parent, title, text, *a):
        seen.append((title, text))
        return QMessageBox.No
    monkeypatch.setattr(QMessageBox, "question", question)
    return seen


@pytest.fixture
def slow_writer(monkeypatch):
    """Blocks of 64 epochs with a short pause each: a 20,000-epoch write lasts over a second."""
    real = history._block

    def slow(*args):
        time.sleep(0.005)
        return real(*args)
    monkeypatch.setattr(history, "BLOCK", 64)
    monkeypatch.setattr(history, "_block", slow)
    monkeypatch.setattr(history_export, "SHOW_AFTER_MS", 0, raising=False)     # the dialog shows at once


def progress_dialog(qtbot, window) -> QProgressDialog:
    """The export's progress dialog, once it shows some progress."""
    qtbot.waitUntil(lambda: any(d.isVisible() and d.value() > 0 for d in window.findChildren(QProgressDialog)),
                    timeout=10_000)
    return next(d for d in window.findChildren(QProgressDialog) if d.isVisible())


def export_threads():
    return [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX + "history")]


def test_progress_is_shown_and_cancel_leaves_the_old_file(qtbot, make_window, tmp_path, boxes, slow_writer):
    window = make_window(LONG, speed=math.inf)
    assert run_to_end(qtbot, window, timeout=30_000).epochs_run == 20_000
    path = tmp_path / "h.csv"
    path.write_text("old export")
    job = exports.export(window, "History as CSV…", str(path))
    dialog = progress_dialog(qtbot, window)
    assert 0 < dialog.value() < dialog.maximum() == 20_001 and "h.csv" in dialog.labelText()
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.LeftButton)       # its only button: Cancel
    assert not job.running and not export_threads()
    assert path.read_text() == "old export" and os.listdir(tmp_path) == ["h.csv"]       # no temporary file
    assert "cancelled" in window.readout.text() and not boxes
    qtbot.waitUntil(lambda: not any(d.isVisible() for d in window.findChildren(QProgressDialog)))


def test_a_big_file_is_asked_about_first_and_no_writes_nothing(qtbot, make_window, tmp_path, boxes):
    result = solve(Params(epochs=400_000))          # a real long run: about 120 MB of CSV
    window = make_window(Params())
    path = tmp_path / "big.csv"
    path.write_text("old export")
    assert history_export.export_history(window, result, str(path)) is False
    [(title, text)] = boxes
    assert "about 12" in text and " MB" in text and "400,000 epochs" in text and "big.csv" in text
    assert path.read_text() == "old export" and os.listdir(tmp_path) == ["big.csv"]
    assert not window.jobs.running() and "no file was written" in window.readout.text()


def test_yes_to_a_big_file_writes_it_in_the_background(qtbot, make_window, tmp_path, monkeypatch):
    monkeypatch.setattr(history_export, "WARN_BYTES", 1_000_000, raising=False)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or QMessageBox.Yes)
    result = solve(LONG)
    window = make_window(Params())
    path = tmp_path / "h.json"
    job = history_export.export_history(window, result, str(path))
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    assert len(asked) == 1 and "about 8 MB" in asked[0]
    history.write_json(tmp_path / "direct.json", result)
    assert path.read_bytes() == (tmp_path / "direct.json").read_bytes()
    assert "Exported" in window.readout.text() and sorted(os.listdir(tmp_path)) == ["direct.json", "h.json"]


def test_the_window_handles_events_while_the_file_is_written(qtbot, make_window, tmp_path, boxes, slow_writer):
    result = solve(LONG)
    window = make_window(Params())
    path = tmp_path / "h.csv"
    job = history_export.export_history(window, result, str(path))
    seen_while_writing = []
    QTimer.singleShot(0, lambda: seen_while_writing.append((job.running, path.exists())))
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    assert seen_while_writing == [(True, False)]        # a timer fired mid-write: the event loop ran
    history.write_csv(tmp_path / "direct.csv", result)
    assert path.read_bytes() == (tmp_path / "direct.csv").read_bytes() and not boxes


def test_closing_the_window_mid_export_stops_it(qtbot, make_window, tmp_path, boxes, slow_writer):
    result = solve(LONG)
    window = make_window(Params())
    path = tmp_path / "h.csv"
    path.write_text("old export")
    job = history_export.export_history(window, result, str(path))
    progress_dialog(qtbot, window)
    window.close()
    assert not job.running and not export_threads()           # stopped and joined by closeEvent
    assert path.read_text() == "old export" and os.listdir(tmp_path) == ["h.csv"]
    assert not boxes


def test_a_failed_background_write_names_the_file_and_keeps_the_old_one(qtbot, make_window, tmp_path, boxes,
                                                                        monkeypatch):
    def locked(*args):
        raise PermissionError(13, "file is locked")
    monkeypatch.setattr(os, "replace", locked)
    window = make_window(Params())
    path = tmp_path / "h.csv"
    path.write_text("old export")
    job = history_export.export_history(window, solve(LONG), str(path))
    with qtbot.waitSignal(job.ended, timeout=30_000):
        pass
    [(title, text)] = boxes
    assert title == "Export failed" and text.startswith(f"{path}: ") and "file is locked" in text
    assert "No file was written" in text
    assert path.read_text() == "old export" and os.listdir(tmp_path) == ["h.csv"]
