"""Undo and redo of setup changes (armsim.gui.undo through AppState), and reset to the defaults."""
import pytest
from PySide6.QtCore import Qt

from armsim.core.params import ParamError, Params
from armsim.gui.state import AppState
from armsim.gui.undo import MERGE_SECONDS, History
from tests.helpers import focused, press_in_menu


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def state():
    s = AppState(Params())
    s.history = History(clock := Clock())
    s.clock = clock
    return s


def test_each_change_undoes_and_redoes_in_order(state):
    a = state.params
    state.update(eta=0.2)
    state.clock.now += 5
    state.update(angles_deg=(10.0, 20.0, 30.0))
    b, c = a.with_(eta=0.2), a.with_(eta=0.2, angles_deg=(10.0, 20.0, 30.0))
    assert state.params == c
    assert state.undo() and state.params == b
    assert state.undo() and state.params == a
    assert not state.undo() and state.params == a
    assert state.redo() and state.params == b
    assert state.redo() and state.params == c
    assert not state.redo()


def test_a_quick_run_of_changes_to_the_same_field_is_one_step(state):
    for k in range(1, 30):                   # a slider dragged: 29 changes 10 ms apart
        state.update(eta=0.01 * k)
        state.clock.now += 0.01
    assert state.undo() and state.params == Params()
    assert not state.history.can_undo


def test_changes_apart_in_time_or_sealed_or_of_other_fields_are_separate_steps(state):
    state.update(eta=0.1)
    state.clock.now += MERGE_SECONDS + 0.01
    state.update(eta=0.2)
    state.history.seal()
    state.update(eta=0.3)
    state.update(base=0.5)
    for eta, base in ((0.3, 0.0), (0.2, 0.0), (0.1, 0.0), (0.075, 0.0)):
        assert state.undo() and (state.params.eta, state.params.base) == (eta, base)


def test_a_new_change_drops_the_redo_steps(state):
    state.update(eta=0.2)
    state.undo()
    state.update(base=1.0)
    assert not state.history.can_redo and not state.redo()


def test_undo_emits_the_setup_and_eta_signals_and_history_state(state, qtbot):
    state.update(angles_deg=(1.0, 2.0, 3.0))
    seen = []
    state.setupChanged.connect(lambda p: seen.append(("setup", p.angles_deg)))
    state.historyChanged.connect(lambda u, r: seen.append(("history", u, r)))
    state.undo()
    assert seen == [("setup", Params().angles_deg), ("history", False, True)]


def test_a_refused_change_is_not_recorded(state):
    with pytest.raises(ParamError):
        state.update(eta=-1.0)
    assert not state.history.can_undo


def test_reset_to_defaults_is_one_undoable_step(state):
    custom = Params(angles_deg=(5.0, 6.0), eta=0.3, reach=(1.0, 1.0))
    state.set_params(custom)
    state.reset_to_defaults()
    assert state.params == Params()
    assert state.undo() and state.params == custom


# --------------------------------------------------------------------------- in the window
@pytest.fixture
def window(qtbot, make_window):
    return focused(qtbot, make_window(Params(epochs=50)))


def test_a_new_window_has_nothing_to_undo(window):
    assert not window.state.history.can_undo
    assert not window.actions.undo.isEnabled() and not window.actions.redo.isEnabled()


def test_ctrl_z_undoes_a_typed_eta_and_ctrl_shift_z_redoes_it(qtbot, window):
    entry = window.controls.eta_entry
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClicks(entry, "0.3")
    qtbot.keyClick(entry, Qt.Key_Return)
    assert window.state.eta == 0.3 and window.actions.undo.isEnabled()
    window.arm_view.setFocus()
    qtbot.keyClick(window.arm_view, Qt.Key_Z, Qt.ControlModifier)
    assert window.state.eta == 0.075 and entry.text() == "0.075"
    qtbot.keyClick(window.arm_view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.state.eta == 0.3 and entry.text() == "0.3"


def test_edit_menu_undoes_a_lesson_and_resets_to_the_defaults(qtbot, window):
    from armsim.core.lessons import PRESETS
    before = window.state.params
    window.load_preset(PRESETS[3])
    assert window.state.params == PRESETS[3].params
    press_in_menu(qtbot, window, "Edit", "Undo setup change")
    assert window.state.params == before
    press_in_menu(qtbot, window, "Edit", "Reset to the defaults (the post's setup)")
    assert window.state.params == Params()
    # the controls show it (one source of truth: they follow the state)
    assert [float(r.angle.text()) for r in window.controls.rows[:3]] == list(Params().angles_deg)


def test_whole_setups_in_quick_succession_are_a_step_each(state):
    """Tour steps and lessons come a key press apart and change the same fields: each is its own undo step."""
    first, second = Params(angles_deg=(10.0, 15.0, 10.0)), Params(angles_deg=(-20.0, -30.0, -10.0))
    state.set_params(first)
    state.set_params(second)               # no time passes on the fake clock
    state.update(eta=0.2)
    state.update(eta=0.3)                  # a control's quick changes still merge, apart from the setups
    assert state.undo() and state.params == second
    assert state.undo() and state.params == first
    assert state.undo() and state.params == Params()
