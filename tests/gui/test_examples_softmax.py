"""The examples tab's views of several classes: one example's C arms, its probability bars, the decision regions
and the confusion matrices, each compared with the core's numbers (arm_points, TrainResult.probabilities,
class_regions, TrainResult.confusion) at the shown epoch; the offset + softmax note and the switch to the input
model. Lessons, fields, the probe and the slider are driven with keys and clicks, as a user would.
"""
import numpy as np
from PySide6.QtCore import Qt

from armsim.core.training import OFFSET_SOFTMAX_WORDS, arm_points, class_regions
from armsim.render.theme import PALETTE
from tests.gui.test_examples_view import examples_view, pick, trained, type_into


def headers(table, horizontal=True):
    count = table.columnCount() if horizontal else table.rowCount()
    item = table.horizontalHeaderItem if horizontal else table.verticalHeaderItem
    return [item(k).text() for k in range(count)]


def assert_shown_like_the_core(view, result, epoch, x):
    """Bars, the C bold arms, the regions and both matrices at ``epoch`` for the shown example ``x``."""
    setup, p = result.setup, result.params_at(epoch)
    np.testing.assert_array_equal(view.bars.heights, result.probabilities(x, epoch)[:, 0])
    for c in range(p.shape[0]):
        want = arm_points(setup.model, setup.lengths, p, np.array([x]), c)
        got = view.arms.chosen[c].getData()
        np.testing.assert_array_equal(got[0], want[0][0])
        np.testing.assert_array_equal(got[1], want[1][0])
    xs = view.model_plot.curves[0].getData()[0]             # the plot's x range, the regions' too
    want = [(a, b, PALETTE[c].lower()) for a, b, c in class_regions(result, xs[0], xs[-1], epoch)]
    assert view.model_plot.shown_regions() == want
    np.testing.assert_array_equal(view.confusion.counts(), result.confusion(result.train_set, epoch))
    np.testing.assert_array_equal(view.test_confusion.counts(), result.confusion(result.test_set, epoch))


def test_three_classes_show_an_examples_arms_its_probabilities_the_regions_and_both_matrices(qtbot, make_window):
    view = examples_view(make_window())
    pick(qtbot, view.lesson, Qt.Key_End)
    pick(qtbot, view.lesson, Qt.Key_Up)                  # the softmax lesson with the input model
    type_into(qtbot, view.fields["test_fraction"], "0.25")
    type_into(qtbot, view.probe_edit, "4")
    assert view.state.setup.test_fraction == 0.25 and view.state.probe == 4.0
    result = trained(qtbot, view)
    assert result.classes == 3 and len(result.test_set) == 4
    epoch = view.state.epoch
    assert_shown_like_the_core(view, result, epoch, 4.0)
    assert len(view.arms.chosen) == 3 and len(view.model_plot.shown_regions()) == 3
    assert view.bars.plot.isVisible() and "x = 4" in view.bars.plot.getPlotItem().titleLabel.text
    ticks = view.bars.plot.getPlotItem().getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == ["bird", "mammal", "insect"]
    for table in (view.confusion, view.test_confusion):
        assert table.isVisible() and headers(table) == headers(table, False) == ["bird", "mammal", "insect"]
    assert view.confusion.counts().sum() == 12 and view.test_confusion.counts().sum() == 4

    pick(qtbot, view.slider, Qt.Key_Home)               # the bars, arms, regions and matrices follow the slider
    assert view.state.epoch == 0
    assert_shown_like_the_core(view, result, 0, 4.0)
    assert not np.array_equal(view.bars.heights, result.probabilities(4.0, epoch)[:, 0])
    qtbot.keyClick(view.slider, Qt.Key_PageUp)
    assert view.state.epoch == view.slider.pageStep() > 0
    assert_shown_like_the_core(view, result, view.state.epoch, 4.0)

    view.probe_edit.setFocus()                          # no probe: the first training row is shown
    view.probe_edit.selectAll()
    qtbot.keyClick(view.probe_edit, Qt.Key_Backspace)
    qtbot.keyClick(view.probe_edit, Qt.Key_Return)
    assert view.state.probe is None
    first = result.train_set
    assert_shown_like_the_core(view, result, view.state.epoch, float(first.x[0]))
    assert first.names[0] in view.arms.plot.getPlotItem().titleLabel.text


def test_the_offset_softmax_note_shows_for_that_setup_only_and_three_classes_switch_to_the_input_model(
        qtbot, make_window):
    view = examples_view(make_window())
    assert view.state.setup.loss == "logistic" and not view.offset_note.isVisible()
    pick(qtbot, view.lesson, Qt.Key_End)                 # legs3, softmax, offset model
    assert view.state.setup.model == "offset" and view.state.setup.loss == "softmax"
    assert view.offset_note.isVisible() and OFFSET_SOFTMAX_WORDS in view.offset_note.text()
    pick(qtbot, view.choices["model"], Qt.Key_Down)      # the input model: no note
    assert view.state.setup.model == "input" and not view.offset_note.isVisible()
    pick(qtbot, view.choices["model"], Qt.Key_Up)
    assert view.state.setup.model == "offset" and view.offset_note.isVisible()
    pick(qtbot, view.data_box, Qt.Key_Up)                # overlap: two classes, softmax and offset kept
    assert view.state.data.name == "overlap" and view.state.setup.loss == "softmax"
    assert view.state.setup.model == "offset" and view.offset_note.isVisible()
    pick(qtbot, view.data_box, Qt.Key_Down)              # back to three classes: the input model
    assert view.state.data.name == "legs3" and view.state.setup.model == "input"
    assert view.choices["model"].currentText() == "input" and not view.offset_note.isVisible()
    pick(qtbot, view.lesson, Qt.Key_Up)                  # the lessons: the input one, then the offset one again
    pick(qtbot, view.lesson, Qt.Key_Down)
    assert view.state.setup.model == "offset" and view.offset_note.isVisible()


def test_two_classes_show_two_bars_and_a_two_by_two_matrix(qtbot, make_window):
    view = examples_view(make_window())                  # the default lesson: legs, logistic
    type_into(qtbot, view.fields["test_fraction"], "0.25")
    result = trained(qtbot, view)
    epoch, train = view.state.epoch, result.train_set
    p = result.probabilities(train.x[0], epoch)[0, 0]
    np.testing.assert_array_equal(view.bars.heights, [1.0 - p, p])
    assert view.arms.chosen == []                        # one arm: no overlay
    for table, data in ((view.confusion, train), (view.test_confusion, result.test_set)):
        assert table.rowCount() == table.columnCount() == 2 and headers(table) == ["mammal", "insect"]
        np.testing.assert_array_equal(table.counts(), result.confusion(data, epoch))
    xs = view.model_plot.curves[0].getData()[0]
    want = [(a, b, PALETTE[c].lower()) for a, b, c in class_regions(result, xs[0], xs[-1], epoch)]
    assert view.model_plot.shown_regions() == want and len(want) == 2


def test_a_regression_set_hides_the_bars_the_matrices_and_the_regions(qtbot, make_window):
    view = examples_view(make_window())
    pick(qtbot, view.lesson, Qt.Key_Home)
    for _ in range(3):
        pick(qtbot, view.lesson, Qt.Key_Down)            # the wave, input model: a regression
    assert view.state.setup.loss == "squared"
    trained(qtbot, view)
    assert not view.bars.plot.isVisible() and not view.classes.isVisible()
    assert view.model_plot.shown_regions() == [] and view.accuracy.text() == ""
    pick(qtbot, view.lesson, Qt.Key_Down)                # three classes again: the bars come back
    assert view.bars.plot.isVisible() and len(view.bars.heights) == 3
