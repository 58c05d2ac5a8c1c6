"""The Guided tour dock: opened from the Lessons menu, walked with the clicker keys, its waits, bad lesson files."""
import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox

from armsim.core.example_lessons import EXAMPLE_LESSONS
from armsim.core.params import Params
from armsim.io.lesson_files import built_in_tour
from tests.helpers import focused


@pytest.fixture
def window(qtbot, make_window):
    return focused(qtbot, make_window(Params(), speed=math.inf))


def key(qtbot, window, k):
    """A real key press where the keyboard's focus is (the canvas, or the window itself)."""
    qtbot.keyClick(window.focusWidget() or window, k)


def test_walk_the_whole_tour_with_the_clicker_keys(qtbot, window):
    tour = built_in_tour()
    panel = window.tour_panel
    assert panel.dock.isHidden()
    window.actions.tour.trigger()             # Lessons > Guided tour
    assert not panel.dock.isHidden()
    expected = Params()                       # the setup before the tour
    for k, step in enumerate(tour.steps):
        if k:
            key(qtbot, window, Qt.Key_PageDown)
        if step.setup is not None:
            expected = step.setup             # a step without a setup keeps the current one
        assert panel.index == k
        assert window.state.params == expected, step.title
        assert panel.title.text() == step.title
        assert panel.counter.text() == f"step {k + 1} of {len(tour)}"
        if step.tab is not None:
            dock = window.findChild(type(panel.dock), step.tab)
            assert dock is not None and not dock.isHidden()
    key(qtbot, window, Qt.Key_PageDown)       # past the last step: it stays there
    assert panel.index == len(tour) - 1
    window.arm_view.setFocus()
    key(qtbot, window, Qt.Key_PageUp)
    assert panel.index == len(tour) - 2 and panel.title.text() == tour.steps[-2].title
    assert tour.steps[-2].setup is not None and window.state.params == tour.steps[-2].setup


def test_a_text_field_keeps_page_down(qtbot, window):
    window.actions.tour.trigger()
    entry = window.controls.eta_entry
    entry.setFocus()
    qtbot.waitUntil(entry.hasFocus, timeout=3000)
    qtbot.keyClick(entry, Qt.Key_PageDown)
    assert window.tour_panel.index == 0


def test_closed_tour_leaves_page_down_alone(qtbot, window):
    window.actions.tour.trigger()
    window.tour_panel.dock.close()
    key(qtbot, window, Qt.Key_PageDown)
    assert window.tour_panel.index == 0


def _go_to(panel, wait):
    k = next(k for k, s in enumerate(panel.tour.steps) if s.wait == wait)
    panel.go(k)
    return panel.step


def test_the_eta_crit_step_waits_for_eta_and_the_divergence_step_for_the_run(qtbot, window):
    window.actions.tour.trigger()
    panel = window.tour_panel
    step = _go_to(panel, "eta_above_crit")
    assert panel.status.text() == "waiting for: eta above eta_crit"
    window.state.update(eta=0.5)              # below 2/S = 0.745: not yet
    assert not panel.met and panel.status.text().startswith("waiting for")
    window.state.update(eta=0.9)
    qtbot.waitUntil(lambda: panel.met, timeout=3000)
    assert panel.status.text() == f"eta is above eta_crit: {step.done_text}"
    step = _go_to(panel, "diverged")
    assert panel.status.text() == "waiting for: the run to diverge"
    key(qtbot, window, Qt.Key_Space)          # run
    qtbot.waitUntil(lambda: panel.status.text().startswith("it diverged"), timeout=10000)
    assert panel.status.text() == f"it diverged: {step.done_text}"
    assert window.state.result.status == "diverged"


def test_a_run_and_a_moved_target_meet_their_waits(qtbot, window):
    window.actions.tour.trigger()
    panel = window.tour_panel
    _go_to(panel, "run")
    key(qtbot, window, Qt.Key_S)              # one epoch: a paused run starts
    qtbot.waitUntil(lambda: panel.met, timeout=5000)
    assert panel.status.text().startswith("a run started: ")
    window.set_setup(Params(angles_deg=(30.0, 40.0, 50.0), reach=(1.5, 1.2)))      # a point to reach
    _go_to(panel, "target_moved")
    assert not panel.met
    window.state.undo()                      # not the class's move: the whole setup goes back
    assert not panel.met
    window.state.redo()
    assert not panel.met
    window.state.update(reach=(1.0, 1.0))    # the point dragged: only the target moved
    assert panel.met and panel.status.text().startswith("the target moved: ")


def test_an_examples_lesson_step_loads_it_when_the_tab_exists(qtbot, window):
    window.actions.tour.trigger()
    panel = window.tour_panel
    k, step = next((k, s) for k, s in enumerate(panel.tour.steps) if s.examples_lesson)
    panel.go(k)
    dock = getattr(window.docks, "examples_dock", None)
    if dock is None:
        pytest.skip("this window has no examples tab yet")
    lesson = next(e for e in EXAMPLE_LESSONS if e.title == step.examples_lesson)
    assert dock.view.state.setup == lesson.setup and not dock.isHidden()


def test_a_bad_lesson_file_changes_nothing(qtbot, window, tmp_path, monkeypatch):
    window.state.update(eta=0.3)
    before = window.state.params
    path = tmp_path / "bad.toml"
    path.write_text('title = "Mine"\n[[step]]\ntitle = "S"\ntext = "x"\nwait = "explode"\n', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a))
    window.actions.open_lesson.trigger()
    assert len(warnings) == 1
    _parent, title, message = warnings[0][:3]
    assert title == "Cannot open lesson"
    assert "step 1: wait" in message and message.endswith("\n\nNothing was changed.")
    assert window.state.params == before and window.tour_panel.dock.isHidden() and window.tour_panel.tour is None


def test_a_good_lesson_file_opens(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "mine.toml"
    path.write_text('title = "Mine"\n[[step]]\ntitle = "One"\ntext = "x"\n[step.params]\neta = 0.2\n'
                    '[[step]]\ntitle = "Two"\ntext = "y"\n', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions.open_lesson.trigger()
    panel = window.tour_panel
    assert panel.title.text() == "One" and window.state.eta == 0.2 and panel.counter.text() == "step 1 of 2"
    window.arm_view.setFocus()
    key(qtbot, window, Qt.Key_PageDown)
    assert panel.title.text() == "Two" and window.state.eta == 0.2


def test_a_lesson_the_window_cannot_show_is_refused_when_opened(qtbot, window, tmp_path, monkeypatch):
    """201 links is a setup the model takes but the window does not: refused at once, not at every step."""
    before = window.state.params
    angles = ", ".join(["1"] * 201)
    path = tmp_path / "wide.toml"
    path.write_text(f'title = "Wide"\n[[step]]\ntitle = "A"\ntext = "x"\n[[step]]\ntitle = "B"\ntext = "y"\n'
                    f'[step.params]\nangles_deg = [{angles}]\n', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a))
    window.actions.open_lesson.trigger()
    assert len(warnings) == 1 and "wide.toml: step 2: " in warnings[0][2] and "at most 200 links" in warnings[0][2]
    assert window.state.params == before and window.tour_panel.tour is None


def test_in_presentation_mode_the_tour_reads_from_the_back_of_the_room(qtbot, window):
    window.actions.tour.trigger()
    panel = window.tour_panel
    _go_to(panel, "diverged")
    window.actions.presentation.setChecked(True)
    labels = (panel.tour_title, panel.title, panel.text, panel.try_line, panel.predict_line, panel.status,
              panel.counter, panel.back, panel.next)
    for widget in labels:
        widget.ensurePolished()
        assert widget.font().pixelSize() >= 28, widget.objectName() or widget.text()
    k = next(i for i, s in enumerate(panel.tour.steps) if s.tab)      # a step's tab stays hidden in full screen
    panel.go(k)
    assert window.findChild(QDockWidget, panel.tour.steps[k].tab).isHidden()
    window.actions.presentation.setChecked(False)
    panel.status.ensurePolished()
    assert panel.text.font().pixelSize() < 28
