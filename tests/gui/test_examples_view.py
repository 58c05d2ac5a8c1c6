"""The "Learn from examples" tab: trained off the GUI thread, drawn as the core computes it, every bad value refused.

Each plot's data is compared with the core's numbers (arm_points, scores and
sigmoid, the losses), the chain-rule table's sum row with the core's gradient;
files and typed values go in as a user's would (keys, clicks, a file dialog).
"""
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from armsim.core.example_lessons import EXAMPLE_LESSONS
from armsim.core.training import arm_points, gradient, per_example, scores, sigmoid, softmax
from armsim.gui.examples_plots import broken
from armsim.gui.examples_view import OPEN_FILE
from armsim.gui.jobs import THREAD_PREFIX

WAVE_INPUT = EXAMPLE_LESSONS[3]


def examples_view(window):
    window.docks.examples_dock.raise_()
    return window.docks.examples_dock.view


def trained(qtbot, view):
    """Click Train and wait for the state's result."""
    with qtbot.waitSignal(view.state.resultChanged, timeout=60_000, check_params_cb=lambda r: r is not None):
        qtbot.mouseClick(view.train_button, Qt.LeftButton)
    return view.state.result


def pick(qtbot, combo, key):
    """Choose an item of a combo box from the keyboard (Home: the first, End: the last, Down: the next)."""
    combo.setFocus()
    qtbot.keyClick(combo, key)


def type_into(qtbot, edit, text):
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key_Return)


def arm_data(view, c):
    x, y = view.arms.arms[c].getData()
    return x, y


def assert_arms_at(view, result, epoch):
    setup, train = result.setup, result.train_set
    p = result.params_at(epoch)
    for c in (0, 1):
        xs, ys = arm_points(setup.model, setup.lengths, p, train.x[train.y == c])
        want_x, want_y = broken(xs, ys)
        got_x, got_y = arm_data(view, c)
        np.testing.assert_array_equal(got_x, want_x)
        np.testing.assert_array_equal(got_y, want_y)
        ex, ey = view.arms.ends[c].getData()
        np.testing.assert_array_equal(ey, ys[:, -1])


def sum_row(view):
    t = view.table
    last = t.rowCount() - 1
    assert t.verticalHeaderItem(last).text() == "sum = batch gradient"
    return np.array([t.item(last, c).data(Qt.UserRole) for c in range(t.columnCount()) if t.item(last, c)])


def test_the_default_lesson_trains_and_every_plot_and_the_table_show_the_cores_numbers(qtbot, make_window):
    window = make_window()
    view = examples_view(window)
    assert view.state.setup == EXAMPLE_LESSONS[1].setup and view.lesson_text.text() == EXAMPLE_LESSONS[1].text
    result = trained(qtbot, view)
    setup, train = result.setup, result.train_set
    epoch = view.state.epoch
    assert epoch == result.epochs_run == 2000 and view.slider.value() == 2000
    p = result.params_at(epoch)
    want = gradient(setup.model, setup.loss, setup.lengths, p, train.x, train.y)[0]
    np.testing.assert_allclose(sum_row(view), want, rtol=0, atol=1e-12)
    assert view.table.rowCount() == len(train) + 1 and view.table.columnCount() == 4 + setup.n_links
    assert "(p - y)/K" in view.table_note.text()
    assert_arms_at(view, result, epoch)
    xs, ys = view.model_plot.curve.getData()
    np.testing.assert_array_equal(ys, sigmoid(scores(setup.model, setup.lengths, p, xs)[0]))
    lines = [line for line in view.model_plot.lines if line.isVisible()]
    assert len(lines) == 1 and 4 < lines[0].value() < 6        # between the 4-legged mammals and the insects
    np.testing.assert_array_equal(view.loss_plot.train.yData, result.loss)
    assert view.loss_plot.at.value() == epoch
    assert "train 100.0%" in view.accuracy.text()


def test_three_classes_train_an_arm_each_and_the_table_sums_every_arms_gradient(qtbot, make_window):
    view = examples_view(make_window())
    pick(qtbot, view.lesson, Qt.Key_End)
    pick(qtbot, view.lesson, Qt.Key_Up)                  # the softmax lesson with the input model
    assert view.state.setup.loss == "softmax" and view.state.data.name == "legs3"
    result = trained(qtbot, view)
    setup, train, p = result.setup, result.train_set, result.params_at(view.state.epoch)
    assert p.shape[0] == 3
    want = gradient(setup.model, setup.loss, setup.lengths, p, train.x, train.y)
    np.testing.assert_allclose(sum_row(view), want.ravel(), rtol=0, atol=1e-12)
    xs, _ = view.model_plot.curves[0].getData()
    probabilities = softmax(scores(setup.model, setup.lengths, p, xs))
    for c in range(3):
        np.testing.assert_array_equal(view.model_plot.curves[c].getData()[1], probabilities[c])
        xs_c, ys_c = arm_points(setup.model, setup.lengths, p, train.x[train.y == c], c)
        np.testing.assert_array_equal(view.arms.arms[c].getData()[1], broken(xs_c, ys_c)[1])
    dE_dY, _, rows = per_example(setup.model, setup.loss, setup.lengths, p, train.x, train.y)
    Y = scores(setup.model, setup.lengths, p, train.x)
    for k in (0, len(train) - 1):
        want_row = [train.x[k], train.y[k], *Y[:, k], *dE_dY[:, k], *rows[:, k].ravel()]
        assert [view.table.item(k, c).data(Qt.UserRole) for c in range(view.table.columnCount())] == want_row
    assert len([line for line in view.model_plot.lines if line.isVisible()]) == 2     # three regions
    assert f"train {result.accuracy(train):.1%}" in view.accuracy.text()
    assert "[c = label]" in view.table_note.text()


def test_the_epoch_slider_shows_that_epochs_arms(qtbot, make_window):
    view = examples_view(make_window())
    result = trained(qtbot, view)
    before = arm_data(view, 0)[1].copy()
    pick(qtbot, view.slider, Qt.Key_Home)
    assert view.state.epoch == 0 and "epoch 0 of 2000" in view.epoch_label.text()
    assert_arms_at(view, result, 0)
    assert not np.array_equal(np.nan_to_num(arm_data(view, 0)[1]), np.nan_to_num(before))
    qtbot.keyClick(view.slider, Qt.Key_PageUp)
    assert view.state.epoch == view.slider.pageStep() > 0
    assert_arms_at(view, result, view.state.epoch)
    assert view.loss_plot.at.value() == view.state.epoch


@pytest.mark.parametrize("index, accuracy", [(0, "below"), (1, "all")])
def test_three_links_are_too_short_for_the_legs_and_six_separate_them(qtbot, make_window, index, accuracy):
    view = examples_view(make_window())
    pick(qtbot, view.lesson, Qt.Key_End)                 # away from the default lesson, then to the one wanted
    pick(qtbot, view.lesson, Qt.Key_Home)
    if index == 1:
        pick(qtbot, view.lesson, Qt.Key_Down)
    assert view.state.setup == EXAMPLE_LESSONS[index].setup
    assert view.lesson_text.text() == EXAMPLE_LESSONS[index].text and view.links.value() == (3, 6)[index]
    result = trained(qtbot, view)
    share = result.accuracy(result.train_set)
    if accuracy == "below":
        assert share < 1 and "train 100.0%" not in view.accuracy.text()
    else:
        assert share == 1.0 and "train 100.0%" in view.accuracy.text()
    assert f"train {share:.1%}" in view.accuracy.text()


@pytest.mark.parametrize("text", ["1,0\n2,1\n", "x,label\nnan,1\n2,0\n", "x,label\nabc,1\n2,0\n",
                                  "x,label\n1,0\n"])
def test_a_bad_data_file_is_refused_with_a_warning_and_nothing_changes(qtbot, make_window, tmp_path, monkeypatch,
                                                                       text):
    view = examples_view(make_window())
    path = tmp_path / "bad.csv"
    path.write_text(text)
    warnings = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: warnings.append(a)))
    data, setup = view.state.data, view.state.setup
    pick(qtbot, view.data_box, Qt.Key_End)
    assert view.data_box.itemText(view.data_box.count() - 1) == OPEN_FILE
    assert len(warnings) == 1 and warnings[0][1] == "Cannot open data file"
    assert warnings[0][2].endswith("\n\nThe data set is unchanged.") and "\n" not in warnings[0][2].split("\n\n")[0]
    assert view.state.data is data and view.state.setup == setup
    assert view.data_box.currentText() == "legs"


def test_a_good_data_file_loads_and_trains(qtbot, make_window, tmp_path, monkeypatch):
    view = examples_view(make_window())
    path = tmp_path / "pets.csv"
    path.write_text("x,label\n2,mammal\n4,mammal\n4,mammal\n6,insect\n6,insect\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: pytest.fail(f"warned: {a[2]}")))
    pick(qtbot, view.data_box, Qt.Key_End)
    data = view.state.data
    assert len(data) == 5 and data.classes == ("mammal", "insect") and view.data_box.currentData() is data
    result = trained(qtbot, view)
    assert len(result.train_set) == 5 and result.accuracy(result.train_set) == 1.0
    type_into(qtbot, view.probe_edit, "5.5")
    assert view.state.probe == 5.5 and "class insect" in view.probe_label.text()


@pytest.mark.parametrize("text, words", [("abc", "must be a number"), ("nan", "eta"), ("-1", "eta"),
                                          ("1e400", "eta")])
def test_a_bad_eta_is_refused_and_named(qtbot, make_window, text, words):
    view = examples_view(make_window())
    setup = view.state.setup
    type_into(qtbot, view.fields["eta"], text)
    assert view.state.setup == setup and words in view.message.text() and "Refused" in view.message.text()
    assert view.fields["eta"].text() == repr(setup.eta)            # the field shows the state again
    type_into(qtbot, view.fields["eta"], "0.5")
    assert view.state.setup.eta == 0.5 and view.message.text() == ""


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "2e6"])
def test_a_bad_probe_is_refused_and_named(qtbot, make_window, text):
    view = examples_view(make_window())
    type_into(qtbot, view.probe_edit, "3")
    assert view.state.probe == 3.0 and view.arms.probe.getData()[0] is not None
    type_into(qtbot, view.probe_edit, text)
    assert view.state.probe == 3.0 and "new x" in view.message.text() and "Refused" in view.message.text()


def test_more_links_keep_the_first_angles_and_add_zeros(qtbot, make_window):
    view = examples_view(make_window())
    view.state.load_lesson(WAVE_INPUT)
    pick(qtbot, view.links, Qt.Key_Up)
    assert view.state.setup.angles_deg == (10.0, 20.0, -10.0, 0.0) and view.state.setup.lengths == (1.0,) * 4
    pick(qtbot, view.links, Qt.Key_Down)
    pick(qtbot, view.links, Qt.Key_Down)
    assert view.state.setup.angles_deg == (10.0, 20.0)


def long_training(qtbot, view):
    view.state.load_lesson(WAVE_INPUT)
    type_into(qtbot, view.fields["epochs"], "1000000")
    assert view.state.setup.epochs == 1_000_000
    qtbot.mouseClick(view.train_button, Qt.LeftButton)
    assert view.busy and view.cancel_button.isVisible()
    qtbot.waitUntil(lambda: view.progress.value() > 0, timeout=30_000)     # it is under way


def armsim_threads():
    return [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX) and t.is_alive()]


def test_cancel_and_a_setup_change_stop_a_long_training(qtbot, make_window):
    view = examples_view(make_window())
    long_training(qtbot, view)
    qtbot.mouseClick(view.cancel_button, Qt.LeftButton)
    assert not view.busy and view.state.result is None and "cancelled" in view.message.text()
    assert not armsim_threads()
    qtbot.mouseClick(view.train_button, Qt.LeftButton)
    assert view.busy
    type_into(qtbot, view.fields["seed"], "3")
    assert view.state.setup.seed == 3 and not view.busy and "setup changed" in view.message.text()
    assert not armsim_threads()


def test_closing_the_window_mid_training_leaves_no_thread(qtbot, make_window):
    window = make_window()
    view = examples_view(window)
    long_training(qtbot, view)
    window.close()
    assert not armsim_threads()


def test_the_tab_is_in_the_view_menu_and_follows_the_theme(qtbot, make_window):
    window = make_window()
    names = [a.text() for a in window.actions.menus["View"].actions()]
    assert "Learn from examples" in names
    view = examples_view(window)
    window.actions.presentation.setChecked(True)
    assert view.theme.font_px == window.theme().font_px > 18
    window.actions.presentation.setChecked(False)


def test_another_data_set_takes_a_loss_its_labels_fit(qtbot, make_window):
    view = examples_view(make_window())
    pick(qtbot, view.data_box, Qt.Key_Down)                 # legs -> wave: numbers, not two classes
    assert view.state.data.name == "wave" and view.state.setup.loss == "squared"
    assert view.choices["loss"].currentText() == "squared" and view.state.result is None
    pick(qtbot, view.data_box, Qt.Key_Down)                 # overlap: two named classes
    assert view.state.data.name == "overlap" and view.state.setup.loss == "logistic"
    pick(qtbot, view.data_box, Qt.Key_Down)                 # legs3: three classes
    assert view.state.setup.loss == "softmax" and view.state.setup.model == "input"
    assert view.choices["model"].currentText() == "input"
    view.choices["loss"].setFocus()
    qtbot.keyClick(view.choices["loss"], Qt.Key_Up)         # logistic cannot take three classes
    assert view.state.setup.loss == "softmax" and "logistic loss needs labels 0 or 1" in view.message.text()
    assert view.choices["loss"].currentText() == "softmax"
