"""Teaching panels: the chain-rule inspector follows Step; the eta meter agrees with what the lesson runs do."""
import math

import pytest

from armsim import Params, iter_epochs, solve
from armsim.core.lessons import PRESETS
from armsim.gui.inspector import num
from tests.helpers import click, run_to_end


def table(inspector):
    model = inspector.table.model()          # what the view shows, read through Qt's model interface
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_inspector_shows_every_number_of_each_stepped_epoch(qtbot, make_window):
    params = Params(angles_deg=(22, -20, 14), lengths=(1.0, 0.7, 1.3), base=0.1, target=0.4, eta=0.2)
    window = make_window(params)
    records = list(iter_epochs(params))
    for j in (1, 2, 3):
        click(qtbot, window, window.actions.step)
        qtbot.waitUntil(lambda j=j: window.epoch_shown == j, timeout=5000)
        rec = records[j]
        rows = table(window.docks.inspector)
        assert len(rows) == 3 and window.docks.inspector.record.index == j
        for i, row in enumerate(rows):
            expected = [i + 1, math.degrees(rec.before[i]), rec.dY_dw[i], rec.dE_dY, rec.dE_dw[i], rec.delta[i],
                        math.degrees(rec.angles[i])]
            assert row == [str(i + 1)] + [num(v) for v in expected[1:]]
            # and each shown number is the record's to 6 significant digits, checkable by hand
            for text, value in zip(row[1:], expected[1:]):
                assert float(text) == pytest.approx(value, rel=1e-5, abs=1e-12)
            # the chain rule holds in the shown numbers themselves
            assert float(row[4]) == pytest.approx(float(row[3]) * float(row[2]), rel=1e-5)
            assert float(row[5]) == pytest.approx(-rec.eta * float(row[4]), rel=1e-5)
        worked = window.docks.inspector.worked.text()
        assert f"= {num(rec.dE_dY)}" in worked and num(rec.angles[0]) in worked
        title = window.docks.inspector.title.text()
        assert f"Epoch {j}" in title and num(rec.error) in title


def test_inspector_shows_the_next_update_while_idle(qtbot, make_window):
    window = make_window(Params())
    first = list(iter_epochs(Params(epochs=1)))[1]
    assert "Next update" in window.docks.inspector.title.text()
    assert table(window.docks.inspector)[0][4] == num(first.dE_dw[0])


@pytest.mark.parametrize("name, kind, status", [
    ("eta too small", "slow", "max_epochs"),
    ("eta good", "good", "max_epochs"),
    ("eta oscillating", "oscillating", "max_epochs"),
    ("eta diverging", "diverging", "diverged"),
])
def test_eta_lessons_meter_and_run_agree(qtbot, make_window, name, kind, status):
    preset = next(p for p in PRESETS if p.name.lower().startswith(name))
    window = make_window(Params())
    window.state.set_speed(math.inf)
    window.load_preset(preset)
    assert window.params == preset.params
    assert window.controls.meter.verdict.kind == kind
    assert kind in window.controls.meter.text()
    result = run_to_end(qtbot, window)
    assert result.status == status == solve(preset.params).status
    if kind == "oscillating":        # the residual really alternates in sign
        residuals = [result.positions(j)[1][-1] - preset.params.goal for j in range(result.epochs_run + 1)]
        assert all(a * b < 0 for a, b in zip(residuals[-6:], residuals[-5:]))
    if kind == "slow":
        assert result.errors[-1] > 0.1 * result.errors[0]


def test_every_preset_loads_and_runs_as_it_says(qtbot, make_window):
    window = make_window(Params())
    window.state.set_speed(math.inf)
    for preset in PRESETS:
        window.load_preset(preset)
        assert window.params == preset.params and preset.name in window.readout.text()
        if preset.expect:
            assert run_to_end(qtbot, window, timeout=20_000).status == preset.expect


def test_compare_and_landscape_follow_the_window(qtbot, make_window):
    window = make_window(Params(angles_deg=(22, -20), epochs=30))
    window.state.set_speed(math.inf)
    # Tabs behind the chain-rule tab are not built at start-up (three plots: ~120 ms of a launch) ...
    assert not window.docks.compare_dock.built and not window.docks.landscape_dock.built
    result = run_to_end(qtbot, window)
    window.actions.presentation.setChecked(True)          # thick lines, which a tab built later must take
    window.actions.presentation.setChecked(False)
    window.actions.colour_safe.setChecked(True)
    window.docks.landscape_dock.raise_()            # ... and built when one first shows, with the window's state
    qtbot.waitUntil(lambda: window.docks.landscape_dock.built, timeout=3000)
    assert not window.docks.compare_dock.built
    assert window.landscape_view.params == window.params and window.landscape_view.theme == window.theme()
    qtbot.waitUntil(lambda: window.landscape_view.path.xData is not None, timeout=3000)    # the run just made
    assert len(window.landscape_view.path.xData) == result.epochs_run + 1
    assert window.landscape_view.landscape is not None
    window.compare_view.add_last_run()
    assert len(window.compare_view.runs) == 1 and window.compare_view.runs[0][1] is result
    window.landscape_view.startAnglesPicked.emit(0, 1, 40.0, -35.5)     # as a click on the map does
    assert window.params.angles_deg == (40.0, -35.5) and window.state.result is None


def test_a_hidden_chain_rule_tab_is_not_filled_but_shows_the_last_epoch_when_raised(qtbot, make_window):
    """While another tab covers it the table is left alone (no GUI time spent); raised, it catches up."""
    params = Params(epochs=30)
    window = make_window(params)
    window.docks.compare_dock.raise_()
    qtbot.waitUntil(lambda: window.docks.inspector.visibleRegion().isEmpty(), timeout=3000)
    before = window.docks.inspector.record
    assert before is not None and before.index == 1           # idle: the next update (epoch 1)
    result = run_to_end(qtbot, window)
    assert window.docks.inspector.record is before                  # covered through the whole run
    window.docks.inspector_dock.raise_()
    qtbot.waitUntil(lambda: window.docks.inspector.record is not before, timeout=3000)
    assert window.docks.inspector.record.index == result.epochs_run == 30
    assert table(window.docks.inspector)[0][6] == num(math.degrees(result.angles[-1][0]))


def test_the_inspector_shows_hot_and_colds_own_update(qtbot, make_window):
    params = Params(learner="hotcold", eta=0.05, epochs=10)
    window = make_window(params)
    records = list(iter_epochs(params))
    for j in (1, 2):
        click(qtbot, window, window.actions.step)
        qtbot.waitUntil(lambda j=j: window.docks.inspector.record.index == j, timeout=5000)
        worked = window.docks.inspector.worked.text()
        rec = records[j]
        assert "hot and cold" in window.docks.inspector.title.text() and "eta · dE/dY_n" not in worked
        for i, d in enumerate(rec.delta):          # each joint moved by exactly +-eta or not at all, as said
            assert abs(d) in (0.0, 0.05) and num(rec.angles[i]) in worked
        assert table(window.docks.inspector)[0][5] == num(rec.delta[0])
    header = window.docks.inspector.table.horizontalHeaderItem(5).text()
    assert "eta dE/dw" not in header
