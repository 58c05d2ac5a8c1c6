"""One source of truth: the window shows every setup the core accepts exactly, and everything follows eta.

Each test here names a fault the window had when its widgets held the setup:
a stale meter after a run, a stale eta in Compare, silent clamping of valid
values, a links box that passed through 1 link, spin boxes that dropped keys.
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from armsim import Params, solve
from armsim.core.lessons import PRESETS
from armsim.gui import files
from armsim.gui.controls import wrap_degrees
from armsim.gui.state import WINDOW_MAX_LINKS
from armsim.io import scenario
from tests.helpers import click, finished, run_to_end, show_alone, shown_setup, type_into

WIDE = Params(angles_deg=(400.0, 79.955, -20.125) + (12.345,) * 27, lengths=(0.01, 250.0) + (1.0,) * 28,
              base=150.0, target=300.0, eta=25.0, epochs=40, tol=1e-7)


@pytest.fixture
def dialogs(monkeypatch, tmp_path):
    """The file dialogs answer with paths the test chooses; message boxes are recorded, not shown."""
    answers, said = {}, []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (answers["open"], ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (answers["save"], ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: said.append(text))
    return answers, said


def open_and_save_back(window, params, tmp_path, dialogs, name="wide"):
    """Open ``params`` from a scenario file through File > Open, then save it through File > Save."""
    answers, said = dialogs
    answers["open"] = str(tmp_path / f"{name}.toml")
    answers["save"] = str(tmp_path / f"{name}-saved.toml")
    scenario.save(answers["open"], params)
    window.actions.open.trigger()
    assert not said, said
    window.actions.save.trigger()
    return scenario.load(answers["save"]).params


def test_a_wide_setup_from_a_file_is_shown_exactly_and_saved_back_unchanged(qtbot, make_window, tmp_path, dialogs):
    window = make_window(Params())
    saved = open_and_save_back(window, WIDE, tmp_path, dialogs)
    c = window.controls
    assert window.state.params == WIDE == saved == shown_setup(c)
    assert [r.angle.text() for r in c.rows[:3]] == ["400", "79.955", "-20.125"]
    assert [r.length.text() for r in c.rows[:2]] == ["0.01", "250"]
    assert (c.base.text(), c.target.text(), c.eta_entry.text(), c.tol.text()) == ("150", "300", "25", "1e-07")
    assert c.rows[0].slider.value() == 400               # tenths: 400 degrees is 40, modulo 360


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(angles=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12),
       length=st.floats(1e-6, 1e6, exclude_min=True), base=st.floats(-1e6, 1e6), target=st.floats(-1e6, 1e6),
       eta=st.floats(1e-12, 1e6), tol=st.floats(0.0, 1e6))
def test_any_setup_the_core_takes_is_shown_exactly(qtbot, make_window, angles, length, base, target, eta, tol):
    params = Params(angles_deg=tuple(angles), lengths=(length,) * len(angles), base=base, target=target, eta=eta,
                    epochs=7, tol=tol)
    window = make_window(params)
    assert shown_setup(window.controls) == params == window.state.params
    for row, angle in zip(window.controls.rows, params.angles_deg):
        assert abs(row.slider.value() / 10 - wrap_degrees(angle)) <= 0.05 + 1e-9
    window.close()


def test_a_setup_that_ends_at_its_start_is_shown_with_no_update(qtbot, make_window):
    window = make_window(Params(angles_deg=(90.0,), target=5.0))       # out of reach and stretched toward it
    assert "No update" in window.docks.inspector.title.text()
    assert "unreachable" in window.docks.inspector.worked.text()


def test_a_wide_setup_from_the_command_line_runs_as_armsim_solve(qtbot, make_window):
    params = WIDE.with_(eta=0.0001, epochs=25)
    window = make_window(params, speed=math.inf)
    result = run_to_end(qtbot, window)
    expected = solve(params)
    assert np.array_equal(result.angles, expected.angles) and np.array_equal(result.errors, expected.errors)
    assert result.status == expected.status


def test_more_links_than_the_window_lays_out_are_refused_by_name(qtbot, make_window, tmp_path, dialogs):
    window = make_window(Params(angles_deg=(1.0,) * 120))
    assert len(window.controls.rows) == 120                           # over 100 links: the panel scrolls
    answers, said = dialogs
    answers["open"] = str(tmp_path / "huge.toml")
    scenario.save(answers["open"], Params(angles_deg=(1.0,) * (WINDOW_MAX_LINKS + 1)))
    window.actions.open.trigger()
    assert len(said) == 1 and f"at most {WINDOW_MAX_LINKS} links" in said[0] and f"{WINDOW_MAX_LINKS + 1}" in said[0]
    assert window.state.params.n_links == 120


def test_typing_12_in_the_links_box_goes_straight_to_12_links(qtbot, make_window):
    window = make_window(Params(angles_deg=(22.0, -20.0, 14.0), lengths=(1.0, 2.0, 0.5)))
    seen = []
    window.state.setupChanged.connect(lambda p: seen.append(p.n_links))
    type_into(qtbot, window.controls.links, "12")
    assert seen == [12]                                               # never 1 link on the way
    p = window.state.params
    assert p.angles_deg[:3] == (22.0, -20.0, 14.0) and p.angles_deg[3:] == (14.0,) * 9
    assert p.lengths[:3] == (1.0, 2.0, 0.5)


@pytest.mark.parametrize("entry, text", [("links", "999"), ("links", "-5"), ("epochs", "-5"), ("epochs", "9999999"),
                                         ("eta_entry", "-0.5"), ("base", "1e7")])
def test_entries_keep_every_typed_character_and_say_why_they_refuse(qtbot, make_window, entry, text):
    window = make_window(Params())
    box = getattr(window.controls, entry)
    before = window.state.params
    type_into(qtbot, box, text)
    assert box.text() == text and box.has_problem                       # nothing dropped, marked
    assert window.state.params is before
    assert box.name in window.controls.problem.text() and "unchanged" in window.controls.problem.text()


def test_the_meter_follows_eta_after_a_run(qtbot, make_window):
    window = make_window(Params(), speed=math.inf)
    run_to_end(qtbot, window)
    meter = window.controls.meter
    assert meter.verdict.eta == 0.075
    type_into(qtbot, window.controls.eta_entry, "0.9")
    assert meter.verdict.eta == 0.9 and "0.9" in meter.toolTip()
    final = window.state.result.angles[-1]
    assert meter.verdict.curvature == pytest.approx(np.sum(np.cos(final) ** 2))   # judged at the pose shown


def test_compare_follows_eta_changed_after_a_run(qtbot, make_window):
    window = make_window(Params(), speed=math.inf)
    run_to_end(qtbot, window)
    window.docks.compare_dock.raise_()
    qtbot.waitUntil(lambda: window.docks.compare_dock.built, timeout=3000)
    type_into(qtbot, window.controls.eta_entry, "0.3")
    view = window.compare_view
    assert view.params.eta == 0.3
    with qtbot.waitSignal(view.sweepFinished, timeout=20_000):
        view.buttons["etas"].click()
    assert any(label.startswith("eta 0.3 (") and "current" in label for label, _ in view.runs)
    with qtbot.waitSignal(view.sweepFinished, timeout=20_000):
        view.buttons["starts"].click()
    assert all(result.params.eta == 0.3 for _, result in view.runs[-5:])


def test_eta_changed_mid_run_reaches_the_run_and_the_state(qtbot, make_window):
    window = make_window(Params(epochs=400), speed=200)
    click(qtbot, window, window.actions.run)
    qtbot.waitUntil(lambda: window.epoch_shown >= 3, timeout=5000)
    with qtbot.waitSignal(window.state.resultChanged, timeout=20_000, check_params_cb=finished) as blocker:
        type_into(qtbot, window.controls.eta_entry, "0.2")
        window.state.set_speed(math.inf)
    result = blocker.args[0]
    assert window.state.eta == 0.2 and result.etas[0] == 0.075 and result.etas[-1] == 0.2
    assert window.controls.meter.verdict.eta == 0.2


def test_a_scenario_speed_is_kept_exactly(qtbot, make_window, tmp_path, dialogs):
    answers, said = dialogs
    answers["open"] = str(tmp_path / "speed.toml")
    answers["save"] = str(tmp_path / "speed-saved.toml")
    scenario.save(answers["open"], Params(), {"speed": 37.0})
    window = make_window(Params())
    window.actions.open.trigger()
    window.actions.save.trigger()
    assert window.state.speed == 37.0 and "37 epochs/s" in window.controls.speed_label.text()
    assert scenario.load(answers["save"]).view["speed"] == 37.0


def test_dragging_a_slider_keeps_the_angles_whole_turns(qtbot, make_window):
    window = make_window(Params(angles_deg=(400.0, 0.0)))
    window.controls.rows[0].slider.setValue(410)
    qtbot.waitUntil(lambda: window.state.params.angles_deg[0] == 401.0, timeout=2000)
    assert window.controls.rows[0].angle.text() == "401"


def test_text_from_a_scenario_file_is_shown_as_text(qtbot, make_window, tmp_path):
    path = tmp_path / "note.toml"
    scenario.save(path, Params(), {"name": "<b>bold</b>", "note": "<img src='x.png' width=20000>"})
    window = make_window(Params())
    assert files.open_scenario(window, str(path))
    assert "&lt;img" in window.readout.text() and "<img" not in window.readout.text()


def test_eta_changed_while_paused_is_judged_at_once(qtbot, make_window):
    window = make_window(Params(epochs=100))
    for j in (1, 2):
        click(qtbot, window, window.actions.step)
        qtbot.waitUntil(lambda j=j: window.epoch_shown == j, timeout=5000)
    type_into(qtbot, window.controls.eta_entry, "2.5")
    assert window.state.run_state == "paused" and window.controls.meter.verdict.eta == 2.5


def test_reset_or_reopening_the_same_setup_clears_refused_text(qtbot, make_window, tmp_path, dialogs):
    window = make_window(Params())
    c = window.controls
    type_into(qtbot, c.rows[0].length, "-5")
    type_into(qtbot, c.base, "abc")
    assert c.rows[0].length.text() == "-5" and c.problem.isVisibleTo(c)
    open_and_save_back(window, Params(), tmp_path, dialogs, name="same")     # the very setup shown
    assert c.rows[0].length.text() == "1" and c.base.text() == "0" and not c.problem.isVisibleTo(c)
    type_into(qtbot, c.epochs, "-1")
    click(qtbot, window, window.actions.reset)
    assert c.epochs.text() == "20" and not c.epochs.has_problem


def test_a_lesson_loaded_during_a_slider_drag_is_not_overwritten(qtbot, make_window):
    window = make_window(Params(angles_deg=(10.0, 10.0, 10.0)))
    slider = window.controls.rows[0].slider
    slider.setValue(200)                     # the drag's first move acts at once ...
    slider.setValue(300)                     # ... the next waits in the throttle
    window.load_preset(PRESETS[0])
    qtbot.wait(80)                           # longer than the throttle: what it held would land now
    assert window.state.params == PRESETS[0].params


def test_time_spent_paused_is_not_played_back_after_resume(qtbot, make_window):
    window = make_window(Params(epochs=500), speed=20)
    click(qtbot, window, window.actions.run)
    qtbot.waitUntil(lambda: window.epoch_shown >= 2, timeout=5000)
    click(qtbot, window, window.actions.pause)
    qtbot.wait(1500)                         # a teacher talks for a moment
    held = window.epoch_shown
    click(qtbot, window, window.actions.pause)           # Resume
    qtbot.wait(300)
    assert window.epoch_shown - held <= 12   # about 6 at 20 epochs/s; catching up would be 30 or more


def test_steps_asked_for_while_paused_do_not_outlive_resume(qtbot, make_window):
    window = make_window(Params(epochs=500), speed=1)
    click(qtbot, window, window.actions.step)
    qtbot.waitUntil(lambda: window.epoch_shown == 1, timeout=5000)
    window.runner.pause()
    for _ in range(20):
        window.runner.step()
    window.runner.resume()
    window.runner.pause()
    qtbot.wait(300)
    assert window.epoch_shown <= 3


def test_the_end_key_on_an_angle_slider_at_180_stays_at_180(qtbot, make_window):
    window = make_window(Params(angles_deg=(170.0,)))
    slider = window.controls.rows[0].slider
    slider.setFocus()
    for _ in range(3):
        qtbot.keyClick(slider, Qt.Key_End)
        qtbot.wait(40)
    assert window.state.params.angles_deg[0] == 180.0


def test_the_landscape_marks_a_start_of_400_degrees_on_the_map(qtbot, make_window):
    window = make_window(Params(angles_deg=(400.0, -300.0)))
    window.docks.landscape_dock.raise_()
    qtbot.waitUntil(lambda: window.docks.landscape_dock.built, timeout=3000)
    marker = window.landscape_view.start_marker.pos()
    assert (marker.x(), marker.y()) == pytest.approx((40.0, 60.0))


def test_the_meter_gives_hot_and_cold_no_gradient_verdict(qtbot, make_window):
    window = make_window(Params(learner="hotcold"))
    meter = window.controls.meter
    assert meter.verdict is None and "hot and cold" in meter.text() and "eta_crit = 2/S" not in meter.text()
    window.controls.learner.setCurrentIndex(window.controls.learner.findData("gradient"))
    assert meter.verdict is not None and meter.verdict.eta == 0.075


def test_a_plot_with_no_height_takes_a_setup_without_raising(qtbot):
    from armsim.render.arm_plot import ArmView
    view = show_alone(qtbot, ArmView(), 500, 500)
    view.getPlotItem().vb.setFixedHeight(0)           # a bottom tab in front, at the least window size
    qtbot.waitUntil(lambda: view.getPlotItem().vb.height() == 0, timeout=3000)
    view.set_params(Params())
    view.set_params(Params(angles_deg=(-75.0, -55.0, 0.0), base=0.7))
    assert view.params.base == 0.7
