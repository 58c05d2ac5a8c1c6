"""Presentation mode for a projector: no menu bar or toolbar, the banner of eta, epoch, error and verdict, the
eta keys, the run keys in full screen, and every line and text of the plots read from the live items."""
import math
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt

from armsim import Params
from armsim.core.params import MAX_MAGNITUDE
from armsim.core.run import solve
from armsim.core.verdict import verdict_for
from armsim.gui.presentation import BANNER_PX, ETA_STEPS, stepped_eta
from tests.helpers import empty, finished, focused

MIN_TEXT_PX = 28            # the floor, read from the back of a room at 1920x1080
MIN_LINE_PX = 6


@pytest.fixture
def window(qtbot, make_window):
    return focused(qtbot, make_window(Params(epochs=200), speed=50))


def key(qtbot, window, k, modifier=Qt.NoModifier):
    """A real key press where the keyboard's focus is (the canvas, or the window itself)."""
    qtbot.keyClick(window.focusWidget() or window, k, modifier)


def present(qtbot, window):
    key(qtbot, window, Qt.Key_F11)
    assert window.isFullScreen()
    window.arm_view.setFocus()


def banner_words(window) -> str:
    """The banner's line as plain words (its rich text without tags and spaces)."""
    return " ".join(re.sub(r"<[^>]*>", "", window.banner.line.text()).replace("&nbsp;", " ").split())


def test_entering_hides_the_menu_bar_and_toolbar_and_shows_the_banner_leaving_restores_them(qtbot, window):
    assert window.menuBar().isVisible() and window.actions.toolbar.isVisible() and not window.banner.isVisible()
    present(qtbot, window)
    assert not window.menuBar().isVisible() and not window.actions.toolbar.isVisible()
    assert window.banner.isVisible() and banner_words(window).startswith("eta 0.075 · epoch 0 / 200 · error ")
    key(qtbot, window, Qt.Key_Escape)
    assert not window.isFullScreen() and not window.banner.isVisible()
    assert window.menuBar().isVisible() and window.actions.toolbar.isVisible() and window.dock.isVisible()
    present(qtbot, window)
    key(qtbot, window, Qt.Key_F11)                       # F11 leaves too
    assert not window.isFullScreen() and window.menuBar().isVisible() and window.actions.toolbar.isVisible()


def test_plus_and_minus_change_the_states_eta_and_the_banner_follows(qtbot, window):
    present(qtbot, window)
    key(qtbot, window, Qt.Key_Plus)
    assert window.state.eta == 0.08 and banner_words(window).startswith("eta 0.08 ·")     # the post's 0.075 up
    key(qtbot, window, Qt.Key_Equal)                     # the + key without Shift
    assert window.state.eta == 0.1 and banner_words(window).startswith("eta 0.1 ·")
    key(qtbot, window, Qt.Key_Minus)
    key(qtbot, window, Qt.Key_Minus)
    assert window.state.eta == 0.063 and banner_words(window).startswith("eta 0.063 ·")
    assert window.controls.eta_entry.text() == "0.063"        # every view of eta follows the state's


def test_an_eta_the_core_refuses_is_said_in_the_banner_and_changes_nothing(qtbot, window):
    window.state.update(eta=MAX_MAGNITUDE)
    present(qtbot, window)
    params = window.state.params
    key(qtbot, window, Qt.Key_Plus)
    assert window.state.params is params                 # nothing changed
    message = window.banner.message
    assert message.isVisible() and "refused" in message.text() and "eta stays 1e+06" in message.text()
    assert len(message.text()) < 200
    key(qtbot, window, Qt.Key_Minus)                     # an eta taken: the refusal goes
    assert window.state.eta == 8e5 and not message.isVisible()


def test_space_s_and_r_work_in_full_screen_with_the_menus_hidden(qtbot, window):
    present(qtbot, window)
    assert not window.menuBar().isVisible() and not window.actions.toolbar.isVisible()
    key(qtbot, window, Qt.Key_Space)
    assert window.state.run_state == "running"
    key(qtbot, window, Qt.Key_Space)
    assert window.state.run_state == "paused"
    window.reset()
    for j in (1, 2):
        key(qtbot, window, Qt.Key_S)
        qtbot.waitUntil(lambda j=j: window.epoch_shown == j, timeout=5000)
    key(qtbot, window, Qt.Key_Right)
    qtbot.waitUntil(lambda: window.epoch_shown == 3, timeout=5000)
    assert banner_words(window).startswith("eta 0.075 · epoch 3 / 200 ·")
    key(qtbot, window, Qt.Key_R)
    assert window.state.run_state == "idle" and window.epoch_shown == 0 and empty(window.arm_view.final_curve)
    assert window.isFullScreen() and banner_words(window).startswith("eta 0.075 · epoch 0 / 200 ·")


def test_plus_and_minus_typed_into_a_focused_entry_are_not_stolen(qtbot, window):
    entry = window.controls.eta_entry
    entry.setFocus()
    entry.selectAll()
    for k, modifier in ((Qt.Key_1, Qt.NoModifier), (Qt.Key_E, Qt.NoModifier), (Qt.Key_Plus, Qt.ShiftModifier),
                        (Qt.Key_Minus, Qt.NoModifier), (Qt.Key_Equal, Qt.NoModifier), (Qt.Key_Plus, Qt.NoModifier)):
        qtbot.keyClick(entry, k, modifier)
    assert window.state.eta == 0.075 and entry.text() == "1e+-=+"
    window.arm_view.setFocus()                           # and elsewhere the keys change eta
    key(qtbot, window, Qt.Key_Plus)
    assert window.state.eta == 0.08
    learner = window.controls.learner                    # a list chooses by letter: + and - are not its keys
    learner.setFocus()
    qtbot.keyClick(learner, Qt.Key_Minus)
    assert window.state.eta == 0.063 and window.state.params.learner == "gradient"


def test_the_banner_shows_the_verdict_and_error_of_the_shown_epoch(qtbot, window):
    p = Params(epochs=20, eta=1.2)             # diverging at the start, good at epoch 5, oscillating at the end
    window.set_setup(p)
    window.state.set_speed(math.inf)
    present(qtbot, window)
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished):
        key(qtbot, window, Qt.Key_Space)
    core = solve(p)                                       # the core's own run of the same setup
    for j in (core.epochs_run, 5, 0):
        if j != core.epochs_run:
            window.replay.show_epoch(j)
        kind = verdict_for(p, p.eta, core.angles[j]).kind
        assert banner_words(window) == (f"eta 1.2 · epoch {j} / 20 · error {core.errors[j]:.4g} · {kind}")
    assert [verdict_for(p, p.eta, core.angles[j]).kind for j in (0, 5, 20)] == ["diverging", "good", "oscillating"]
    window.replay.show_epoch(20)
    key(qtbot, window, Qt.Key_Minus)                      # a new eta, judged at the pose shown
    eta = stepped_eta(1.2, up=False)
    assert eta == 1.0
    assert banner_words(window).endswith(f"· {verdict_for(p, eta, core.angles[20]).kind}")
    assert banner_words(window).startswith(f"eta {eta:g} · epoch 20 / 20 · error {core.errors[20]:.4g}")


def px(size: str) -> float:
    """A CSS size such as ``'28px'`` in pixels."""
    assert size.endswith("px"), size
    return float(size[:-2])


def test_every_line_and_text_is_legible_from_the_back_of_the_room(qtbot, window):
    """Read from the live pyqtgraph items, in presentation mode: text >= 28 px, lines >= 6 px."""
    window.set_setup(Params(epochs=30, max_angles_deg=(90.0, 90.0, 90.0)))      # limits: the ranges drawn
    present(qtbot, window)
    for _ in range(3):
        key(qtbot, window, Qt.Key_S)
    qtbot.waitUntil(lambda: window.epoch_shown == 3, timeout=5000)
    arm, err = window.arm_view, window.error_plot
    assert not empty(arm.trail_items[-1])
    lines = {"start pose": arm.start_curve.opts["pen"], "final pose": arm.final_curve.opts["pen"],
             "target line": arm.target_line.pen, "target point": arm.target_point.opts["pen"],
             "joint ranges": arm.limits.opts["pen"], "error curve": err.curve.opts["pen"],
             "epoch cursor": err.cursor.pen,
             **{f"trail {i}": t.opts["pen"] for i, t in enumerate(arm.trail_items)}}
    thin = {name: pen.widthF() for name, pen in lines.items() if pen.widthF() < MIN_LINE_PX}
    assert not thin, f"lines under {MIN_LINE_PX} px: {thin}"
    texts = {}
    for name, plot in (("arm", arm), ("error", err)):
        for side in ("bottom", "left"):
            axis = plot.getPlotItem().getAxis(side)
            texts[f"{name} {side} ticks"] = axis.style["tickFont"].pixelSize()
            texts[f"{name} {side} label"] = axis.label.font().pixelSize()
            assert "font-size" not in axis.labelString()       # no size of its own over the font's
    legend = arm.getPlotItem().legend
    for sample, label in legend.items:
        texts[f"legend {label.text}"] = px(label.opts["size"])
        # pyqtgraph draws the symbol centred 10 px into the sample: a large one must not run over its words
        right = sample.mapToItem(legend, 10 + sample.item.opts["symbolSize"] / 2, 0).x()
        assert right <= label.mapToItem(legend, 0, 0).x(), f"the legend's symbol covers {label.text!r}"
    texts["target label"] = arm.target_label.textItem.font().pixelSize()
    texts["hover readout"] = err.readout.textItem.font().pixelSize()
    window.readout.ensurePolished()
    texts["readout"] = window.readout.font().pixelSize()
    for label in window.replay.findChildren(type(window.readout)):
        label.ensurePolished()
        texts[f"replay {label.text()!r}"] = label.font().pixelSize()
    small = {name: size for name, size in texts.items() if size < MIN_TEXT_PX}
    assert not small, f"text under {MIN_TEXT_PX} px: {small}"
    assert len(texts) == 16      # 8 of the axes, 3 legend entries, the target's label, hover, readout, 2 replay
    for label in (window.banner.line, window.banner.message):
        label.ensurePolished()
        assert label.font().pixelSize() >= BANNER_PX >= 40
    # and back: the window's own sizes again (nothing of presentation mode stays)
    key(qtbot, window, Qt.Key_Escape)
    assert arm.final_curve.opts["pen"].widthF() < MIN_LINE_PX and arm.theme.font_px < MIN_TEXT_PX


def test_stepped_eta_walks_ten_steps_a_decade_and_back_exactly():
    etas = [0.075]
    for _ in range(13):
        etas.append(stepped_eta(etas[-1], up=True))
    assert etas == [0.075, 0.08, 0.1, 0.125, 0.16, 0.2, 0.25, 0.315, 0.4, 0.5, 0.63, 0.8, 1.0, 1.25]
    assert np.allclose(np.diff(np.log10(etas[2:])), 0.1, atol=0.01)        # even on a log scale
    for eta in reversed(etas[1:-1]):
        assert stepped_eta(stepped_eta(eta, up=True), up=False) == eta
    assert stepped_eta(0.075, up=False) == 0.063 and stepped_eta(1e-5, up=False) == 8e-6
    assert stepped_eta(8e-6, up=True) == 1e-5 and stepped_eta(5e5, up=True) == 6.3e5
    assert len(ETA_STEPS) == 10
