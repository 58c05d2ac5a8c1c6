"""Every keyboard shortcut and every menu action, through real key presses, each with what it must do."""
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from armsim import Params
from armsim.core.lessons import PRESETS
from armsim.io import scenario
from tests.helpers import empty, finished, focused, press_in_menu


@pytest.fixture
def window(qtbot, make_window):
    return focused(qtbot, make_window(Params(epochs=200), speed=50))


def key(qtbot, window, k, modifier=Qt.NoModifier):
    qtbot.keyClick(window.focusWidget() or window, k, modifier)


def test_space_runs_pauses_and_resumes(qtbot, window):
    key(qtbot, window, Qt.Key_Space)
    assert window.state.run_state == "running"
    key(qtbot, window, Qt.Key_Space)
    assert window.state.run_state == "paused"
    key(qtbot, window, Qt.Key_Space)
    assert window.state.run_state == "running"


@pytest.mark.parametrize("k", [Qt.Key_Right, Qt.Key_S])
def test_right_and_s_step_exactly_one_epoch(qtbot, window, k):
    for j in (1, 2):
        key(qtbot, window, k)
        qtbot.waitUntil(lambda j=j: window.epoch_shown == j, timeout=5000)
    assert window.state.run_state == "paused" and window.error_plot.count == 3


def test_p_pauses_and_resumes(qtbot, window):
    key(qtbot, window, Qt.Key_P)
    assert window.state.run_state == "idle"            # nothing to pause
    key(qtbot, window, Qt.Key_Space)
    key(qtbot, window, Qt.Key_P)
    assert window.state.run_state == "paused"
    key(qtbot, window, Qt.Key_P)
    assert window.state.run_state == "running"


def test_r_resets_to_the_start_pose(qtbot, window):
    window.state.set_speed(math.inf)
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished):
        key(qtbot, window, Qt.Key_Space)
    key(qtbot, window, Qt.Key_R)
    assert window.state.result is None and empty(window.arm_view.final_curve) and window.error_plot.count == 0


def test_l_toggles_the_log_scale(qtbot, window):
    key(qtbot, window, Qt.Key_L)
    assert window.actions.log.isChecked() and window.error_plot.log
    key(qtbot, window, Qt.Key_L)
    assert not window.error_plot.log


def test_f11_presents_and_escape_leaves(qtbot, window):
    key(qtbot, window, Qt.Key_F11)
    assert window.isFullScreen() and window.arm_view.theme.font_px >= 28
    key(qtbot, window, Qt.Key_Escape)
    assert not window.isFullScreen() and window.arm_view.theme.font_px < 28


def test_ctrl_s_saves_and_ctrl_o_opens(qtbot, window, tmp_path, monkeypatch):
    path = str(tmp_path / "keys.toml")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (path, ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (path, ""))
    window.state.update(eta=0.0421)
    key(qtbot, window, Qt.Key_S, Qt.ControlModifier)
    assert scenario.load(path).params == window.state.params
    window.state.update(eta=0.5, angles_deg=(1.0, 2.0, 3.0))
    key(qtbot, window, Qt.Key_O, Qt.ControlModifier)
    assert window.state.params == scenario.load(path).params and window.state.eta == 0.0421


def test_ctrl_q_closes_the_window(qtbot, window):
    key(qtbot, window, Qt.Key_Space)
    key(qtbot, window, Qt.Key_Q, Qt.ControlModifier)
    assert not window.isVisible() and window.state.run_state == "idle"


def test_a_focused_input_keeps_its_keys(qtbot, window):
    """Right on a focused slider moves the slider; Space on a focused check box toggles it; S typed in an
    entry is a letter. None of them runs or steps."""
    c = window.controls
    slider = c.rows[0].slider
    slider.setFocus()
    before = slider.value()
    qtbot.keyClick(slider, Qt.Key_Right)
    assert window.state.run_state == "idle" and slider.value() > before
    box = c.target_is_base
    box.setFocus()
    qtbot.keyClick(box, Qt.Key_Space)
    assert window.state.run_state == "idle" and window.state.params.target is not None
    c.epochs.setFocus()
    qtbot.keyClick(c.epochs, Qt.Key_S)
    assert window.state.run_state == "idle" and "s" in c.epochs.text()
    window.arm_view.setFocus()                           # and elsewhere the keys run again
    key(qtbot, window, Qt.Key_S)
    qtbot.waitUntil(lambda: window.epoch_shown == 1, timeout=5000)


def test_every_run_menu_item(qtbot, window):
    press_in_menu(qtbot, window, "Run", "Run")
    assert window.state.run_state == "running"
    press_in_menu(qtbot, window, "Run", "Pause")
    assert window.state.run_state == "paused"
    press_in_menu(qtbot, window, "Run", "Step")
    held = window.epoch_shown
    qtbot.waitUntil(lambda: window.epoch_shown == held + 1, timeout=5000)
    press_in_menu(qtbot, window, "Run", "Run / pause / resume")
    assert window.state.run_state == "running"
    press_in_menu(qtbot, window, "Run", "Reset")
    assert window.state.run_state == "idle" and empty(window.arm_view.final_curve)


def test_every_lesson_menu_item_sets_up_its_lesson(qtbot, window):
    for preset in PRESETS:
        press_in_menu(qtbot, window, "Lessons", preset.name)
        assert window.state.params == preset.params and preset.name in window.readout.text()


def test_every_view_menu_item(qtbot, window):
    press_in_menu(qtbot, window, "View", "Colour-blind-safe colours")
    assert window.arm_view.start_curve.opts["pen"].color().name() == "#d55e00"
    press_in_menu(qtbot, window, "View", "Log-scale error")
    assert window.error_plot.log
    for dock in window.docks.docks:                    # the controls dock stays: its toggle is disabled
        press_in_menu(qtbot, window, "View", dock.windowTitle())
        assert not dock.isVisible()
        press_in_menu(qtbot, window, "View", dock.windowTitle())
        assert dock.isVisible()
    press_in_menu(qtbot, window, "View", "Presentation mode")
    assert window.isFullScreen()
    key(qtbot, window, Qt.Key_Escape)


def test_every_file_and_help_menu_item(qtbot, window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(title))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(title))
    path = str(tmp_path / "menu.toml")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (path, ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (path, ""))
    press_in_menu(qtbot, window, "File", "Save scenario as…")
    assert scenario.load(path).params == window.state.params
    window.state.update(angles_deg=(5.0, 6.0, 7.0))
    press_in_menu(qtbot, window, "File", "Open scenario…")
    assert window.state.params == scenario.load(path).params
    press_in_menu(qtbot, window, "Help", "Keyboard shortcuts")
    assert shown == ["Keyboard shortcuts"]
    exported = {}
    for label in window.actions.exports:          # before a run: each says there is nothing to export
        ext = label.split(" as ")[1].split("…")[0].lower()
        exported[label] = str(tmp_path / f"out.{ext}")
    window.state.set_speed(math.inf)
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished):
        key(qtbot, window, Qt.Key_Space)
    for label in ("Figure as PNG…", "History as CSV…", "History as JSON…"):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=exported[label], **k: (p, ""))
        press_in_menu(qtbot, window, "Export", label)
        assert (tmp_path / exported[label].split("/")[-1]).stat().st_size > 0
    assert np.isfinite(window.state.result.errors).all()
    press_in_menu(qtbot, window, "File", "Quit")
    assert not window.isVisible()
