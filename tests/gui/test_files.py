"""Scenario files, recent files, drag and drop, settings and exports, driven through the window."""
import math
import os

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from armsim import Params
from armsim.gui import exports, files, settings
from armsim.gui.main_window import MainWindow
from armsim.io import scenario
from tests.helpers import finished, shown_setup

ODD = Params(angles_deg=(12.5, -33.25, 7.0, 91.0), lengths=(1.0, 0.75, 1.5, 0.5), base=0.35, target=-0.8, eta=0.0421,
             epochs=37, tol=1e-9, learner="hotcold")


@pytest.fixture
def warnings(monkeypatch):
    """Message boxes are recorded instead of shown (a modal box would block the test)."""
    seen = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: seen.append((title, text)))
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: seen.append((title, text)))
    return seen


def test_save_then_open_reproduces_every_parameter(qtbot, make_window, tmp_path, monkeypatch, warnings):
    path = str(tmp_path / "setup.toml")
    window = make_window(ODD)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (path, ""))
    assert files.save_scenario(window) and not warnings
    other = make_window(Params())
    assert files.open_scenario(other, path)
    assert other.params == ODD == scenario.load(path).params
    assert files.recent_files()[0] == os.path.abspath(path)


BAD_FILES = {
    "not toml": b"this is = = not toml",
    "binary": b"\x00\x01\x02\xff",
    "not utf-8": b'format = "armsim-scenario"\nnote = "\xff\xfe"\n',
    "empty": b"",
    "wrong format": b'format = "something-else"\nversion = 1\n[params]\n',
    "no format": b'version = 1\n',
    "future version": b'format = "armsim-scenario"\nversion = 99\n',
    "no params": b'format = "armsim-scenario"\nversion = 1\n',
    "unknown key": b'format = "armsim-scenario"\nversion = 1\n[params]\nangles_deg=[1.0]\nbase=0.0\neta=0.1\n'
                   b'epochs=5\ntol=0.0\nlearner="gradient"\nexec="rm -rf /"\n',
    "eta as text": b'format = "armsim-scenario"\nversion = 1\n[params]\nangles_deg=[1.0]\nbase=0.0\neta="fast"\n'
                   b'epochs=5\ntol=0.0\nlearner="gradient"\n',
    "nan angle": b'format = "armsim-scenario"\nversion = 1\n[params]\nangles_deg=[nan]\nbase=0.0\neta=0.1\n'
                 b'epochs=5\ntol=0.0\nlearner="gradient"\n',
    "negative eta": b'format = "armsim-scenario"\nversion = 1\n[params]\nangles_deg=[1.0]\nbase=0.0\neta=-1.0\n'
                    b'epochs=5\ntol=0.0\nlearner="gradient"\n',
    "absurd epochs": b'format = "armsim-scenario"\nversion = 1\n[params]\nangles_deg=[1.0]\nbase=0.0\neta=0.1\n'
                     b'epochs=99999999999\ntol=0.0\nlearner="gradient"\n',
    "length mismatch": b'format = "armsim-scenario"\nversion = 1\n[params]\nangles_deg=[1.0, 2.0]\nlengths=[1.0]\n'
                       b'base=0.0\neta=0.1\nepochs=5\ntol=0.0\nlearner="gradient"\n',
    "zero length": b'format = "armsim-scenario"\nversion = 1\n[params]\nangles_deg=[1.0]\nlengths=[0.0]\nbase=0.0\n'
                   b'eta=0.1\nepochs=5\ntol=0.0\nlearner="gradient"\n',
    "no angles": b'format = "armsim-scenario"\nversion = 1\n[params]\nangles_deg=[]\nbase=0.0\neta=0.1\nepochs=5\n'
                 b'tol=0.0\nlearner="gradient"\n',
    "date value": b'format = "armsim-scenario"\nversion = 1\n[params]\nangles_deg=[1.0]\nbase=1979-05-27\n'
                  b'eta=0.1\nepochs=5\ntol=0.0\nlearner="gradient"\n',
    "huge file": b"# " + b"x" * (2 * 1024 * 1024),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_scenario_file_is_refused_and_changes_nothing(qtbot, make_window, tmp_path, warnings, kind):
    path = tmp_path / "bad.toml"
    path.write_bytes(BAD_FILES[kind])
    window = make_window(ODD)
    before = (window.params, shown_setup(window.controls), window.state.eta)
    assert not files.open_scenario(window, str(path))
    assert (window.params, shown_setup(window.controls), window.state.eta) == before
    assert len(warnings) == 1 and "bad.toml" in warnings[0][1] and "unchanged" in warnings[0][1]


def test_missing_file_and_directory_are_refused(qtbot, make_window, tmp_path, warnings):
    window = make_window(ODD)
    assert not files.open_scenario(window, str(tmp_path / "nope.toml"))
    assert not files.open_scenario(window, str(tmp_path))
    assert window.params == ODD and len(warnings) == 2


def test_dropping_a_scenario_file_opens_it(qtbot, make_window, tmp_path):
    path = tmp_path / "dropped.toml"
    scenario.save(path, ODD)
    window = make_window(Params())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(event)
    assert window.params == ODD


def test_corrupt_settings_are_survived(qtbot, make_window):
    s = QSettings()
    s.setValue("geometry", "not a geometry")
    s.setValue("window_state", 12345)
    s.setValue("colour_safe", "perhaps")
    s.setValue("last_setup", "format = broken")
    s.setValue("recent_files", {"a": 1})
    s.sync()
    window = make_window(Params())
    assert settings.last_params() is None and files.recent_files() == []
    assert not window.actions.colour_safe.isChecked()
    window.close()
    assert settings.last_params() == Params()           # closing stored a valid setup again
    s.setValue("recent_files", ["/a.toml", 7, None, "/b.toml"])
    assert files.recent_files() == ["/a.toml", "/b.toml"]


def test_window_remembers_palette_log_scale_and_setup(qtbot, make_window):
    window = make_window(ODD)
    window.actions.colour_safe.setChecked(True)
    window.actions.log.setChecked(True)
    window.close()
    again = MainWindow(settings.last_params())
    qtbot.addWidget(again)
    assert again.params == ODD and again.actions.colour_safe.isChecked() and again.actions.log.isChecked()
    again.actions.colour_safe.setChecked(False)
    again.actions.log.setChecked(False)
    again.close()


def test_presentation_mode_is_large_and_thick_and_hides_controls(qtbot, make_window):
    window = make_window(Params())
    window.actions.presentation.setChecked(True)
    theme = window.arm_view.theme
    assert window.isFullScreen() and not window.dock.isVisible() and not window.docks.inspector_dock.isVisible()
    assert theme.font_px >= 24 and theme.line_width >= 4
    assert window.arm_view.final_curve.opts["pen"].width() >= 4
    window.actions.presentation.setChecked(False)
    assert not window.isFullScreen() and window.dock.isVisible()
    assert window.arm_view.theme.font_px < 24


def test_colour_blind_palette_swaps_red_green_and_keeps_dashed_start(qtbot, make_window):
    window = make_window(Params())
    window.actions.colour_safe.setChecked(True)
    start_pen = window.arm_view.start_curve.opts["pen"]
    final_pen = window.arm_view.final_curve.opts["pen"]
    assert start_pen.style() == Qt.DashLine and final_pen.style() == Qt.SolidLine
    assert start_pen.color().name() == "#d55e00" and final_pen.color().name() == "#0072b2"
    window.actions.colour_safe.setChecked(False)


def test_exports_of_a_finished_run(qtbot, make_window, tmp_path, warnings):
    window = make_window(Params())
    assert not exports.export(window, "Figure as PNG…", str(tmp_path / "none.png"))     # no run yet
    window.state.set_speed(math.inf)
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished):
        window.run_or_pause()
    assert exports.export(window, "Figure as PNG…", str(tmp_path / "fig.png"))
    assert not QImage(str(tmp_path / "fig.png")).isNull()
    assert exports.export(window, "History as CSV…", str(tmp_path / "h"))               # extension added
    lines = (tmp_path / "h.csv").read_text().splitlines()
    assert len(lines) == 1 + 21 and lines[0].startswith("epoch,eta,error")
    assert exports.export(window, "Figure as SVG…", str(tmp_path / "fig.svg"))
    assert (tmp_path / "fig.svg").read_text().lstrip().startswith(("<?xml", "<svg"))


@pytest.mark.parametrize("x, y, w, h", [(-50_000, -50_000, 800, 600), (90_000, 10, 800, 600), (0, 0, 60_000, 40_000),
                                        (-300, 200, 900, 700)])
def test_a_window_remembered_off_screen_comes_back_onto_the_screen(qtbot, x, y, w, h):
    first = MainWindow(Params())           # never shown: a 60,000 px window is only ever a stored geometry
    qtbot.addWidget(first)
    first.setGeometry(x, y, w, h)
    QSettings().setValue("geometry", first.saveGeometry())
    again = MainWindow(Params())
    qtbot.addWidget(again)
    area = again.screen().availableGeometry()
    assert area.contains(again.geometry()), (again.geometry(), area)
    again.close()
