"""The control panel edits the 2-D model's options: the task, relative joints and joint limits.

Driven with real key presses. Each test names what the panel could not do before:
reach a point, switch to relative joints, limit a joint, or show such a setup loaded whole.
"""
import pytest
from PySide6.QtCore import Qt

from armsim import Params
from armsim.gui.controls import ControlPanel
from armsim.gui.state import AppState
from tests.helpers import show_alone, type_into

LIMITED = Params(angles_deg=(30.0, -20.0, 14.0), reach=(1.5, 0.75), relative=True,
                 min_angles_deg=(-45.0, None, -90.5), max_angles_deg=(60.0, 10.0, None))


@pytest.fixture
def panel(qtbot):
    """A control panel of its own over a fresh state (the post's setup), shown at the window's width."""
    state = AppState(Params())
    return show_alone(qtbot, ControlPanel(state), 330, 760)


def choose(qtbot, combo, data):
    """Move ``combo`` to the item holding ``data`` with the arrow keys."""
    key = Qt.Key_Down if combo.findData(data) > combo.currentIndex() else Qt.Key_Up
    for _ in range(combo.count()):
        if combo.currentData() == data:
            return
        qtbot.keyClick(combo, key)
    assert combo.currentData() == data


def empty_out(qtbot, entry):
    """Select what ``entry`` shows, delete it with Backspace and press Enter."""
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClick(entry, Qt.Key_Backspace)
    qtbot.keyClick(entry, Qt.Key_Return)


def test_the_point_task_reaches_the_typed_point_and_height_clears_it(qtbot, panel):
    state = panel.state
    assert not panel.reach_x.isVisible() and panel.target.isVisible()
    choose(qtbot, panel.task, "reach")
    p = state.params
    assert p.reach is not None and p.target is None and p.reachable
    assert panel.reach_x.isVisible() and panel.reach_y.isVisible() and not panel.target.isVisible()
    type_into(qtbot, panel.reach_x, "1.25")
    type_into(qtbot, panel.reach_y, "-0.5")
    assert state.params.reach == (1.25, -0.5)
    assert not panel.problem.isVisible()
    choose(qtbot, panel.task, "lateral")
    assert state.params.reach is None and state.params.task == "lateral"
    assert panel.target.isVisible() and not panel.reach_x.isVisible()


def test_choosing_the_point_task_clears_a_target_height(qtbot, panel):
    panel.state.update(target=0.5)
    panel.refresh()
    choose(qtbot, panel.task, "reach")
    assert panel.state.params.target is None and panel.state.params.reach is not None
    assert not panel.problem.isVisible()


def test_the_relative_checkbox_sets_relative_joints(qtbot, panel):
    panel.relative.setFocus()
    qtbot.keyClick(panel.relative, Qt.Key_Space)
    assert panel.state.params.relative is True
    qtbot.keyClick(panel.relative, Qt.Key_Space)
    assert panel.state.params.relative is False


def test_typed_limits_set_each_side_and_emptied_boxes_free_it(qtbot, panel):
    state = panel.state
    row = panel.rows[1]                                # starts at -20 degrees
    type_into(qtbot, row.low, "-30")
    assert state.params.min_angles_deg == (None, -30.0, None)       # the others free, no sentinel
    assert state.params.max_angles_deg is None         # the other side stays free
    type_into(qtbot, row.high, "5.5")
    assert state.params.max_angles_deg == (None, 5.5, None)
    assert [r.low.text() for r in panel.rows] == ["", "-30", ""]
    empty_out(qtbot, row.low)
    assert state.params.min_angles_deg is None and row.low.text() == ""
    empty_out(qtbot, row.high)
    assert state.params.min_angles_deg is None and state.params.max_angles_deg is None
    assert not panel.problem.isVisible()


@pytest.mark.parametrize("box, text, field", [("low", "-10", "w2 min"),       # a start of -20 below it
                                              ("high", "-25", "w2 max")])     # a start of -20 above it
def test_a_limit_the_start_breaks_is_refused_as_typed(qtbot, panel, box, text, field):
    before = panel.state.params
    entry = getattr(panel.rows[1], box)
    type_into(qtbot, entry, text)
    assert panel.state.params == before
    assert entry.text() == text and entry.has_problem
    message = panel.problem.text()
    assert panel.problem.isVisible() and message.startswith(f"{field}: joint 2 starts at -20 degrees")
    assert message.endswith("; the setup is unchanged")


def test_a_minimum_above_its_maximum_is_refused_as_typed(qtbot, panel):
    type_into(qtbot, panel.rows[0].low, "0")
    before = panel.state.params
    type_into(qtbot, panel.rows[0].high, "-5")
    assert panel.state.params == before
    assert panel.rows[0].high.text() == "-5" and panel.rows[0].high.has_problem
    assert panel.problem.text() == ("w1 max: joint 1's minimum 0 degrees is above its maximum -5; "
                                    "the setup is unchanged")


def test_more_links_keep_the_limits_one_per_link(qtbot, panel):
    type_into(qtbot, panel.rows[2].high, "20")
    type_into(qtbot, panel.links, "4")
    assert panel.state.params.max_angles_deg == (None, None, 20.0, 20.0)
    assert panel.rows[3].high.text() == "20"


def test_a_loaded_setup_with_options_is_shown_exactly(qtbot, panel):
    type_into(qtbot, panel.rows[0].low, "abc")            # refused text is dropped by a refresh
    panel.state.set_params(LIMITED)
    panel.refresh()
    assert panel.task.currentData() == "reach" and panel.relative.isChecked()
    assert (panel.reach_x.text(), panel.reach_y.text()) == ("1.5", "0.75")
    assert panel.reach_x.isVisible() and not panel.target.isVisible()
    assert [r.low.text() for r in panel.rows] == ["-45", "", "-90.5"]
    assert [r.high.text() for r in panel.rows] == ["60", "10", ""]
    assert not any(r.low.has_problem for r in panel.rows) and not panel.problem.isVisible()
    panel.state.set_params(Params())
    assert panel.task.currentData() == "lateral" and not panel.relative.isChecked()
    assert [r.low.text() for r in panel.rows] == ["", "", ""]


def test_relative_joints_are_called_q_in_the_rows_and_their_messages(qtbot, panel):
    """The landscape and inspector call relative parameters q_i; the rows say so too, and so do their messages."""
    assert [r.label.text() for r in panel.rows] == ["w1", "w2", "w3"]
    qtbot.keyClick(panel.relative, Qt.Key_Space)
    assert [r.label.text() for r in panel.rows] == ["q1", "q2", "q3"]
    assert "from link 1's direction" in panel.rows[1].slider.toolTip()
    type_into(qtbot, panel.rows[1].low, "-10")                 # q2 starts at -20: refused
    assert panel.problem.text().startswith("q2 min: joint 2 starts at -20 degrees")
