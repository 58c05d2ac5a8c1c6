"""The plots' shared look and long curves: axes read real values after any theme change, and an error
curve of up to a million epochs is drawn at screen resolution with every spike and its last epoch."""
import math

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter, QPicture

from armsim.core.params import Params
from armsim.core.run import solve
from armsim.gui.landscape_view import LandscapeView
from armsim.gui.run_overlay import RunOverlay
from armsim.render.arm_plot import ArmView
from armsim.render.error_plot import FIRST_SPAN, ErrorPlot
from armsim.render.theme import LIGHT, LOG_FLOOR, theme_for
from tests.helpers import show_alone

SMALL = Params(angles_deg=(1.0, -1.0, 0.5))                                # every error below 4e-5
TINY_ARM = Params(lengths=(0.01, 0.01, 0.01), angles_deg=(30.0, -20.0, 10.0))   # 3 cm of arm, errors below 6e-6
THEMES = [theme_for(True, True), theme_for(False, False), theme_for(True, False)]


def drawn_labels(axis) -> list[str]:
    """The tick labels the axis paints now (what AxisItem.paint draws)."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in specs[2]]


SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def label_value(text: str) -> float:
    """A tick label as a number: ``0.002``, ``-0.01``, or a log axis's ``10⁻⁸`` and ``2·10⁻⁸``."""
    text = text.replace("\u2212", "-")
    if text.translate(SUPERSCRIPTS) == text:
        return float(text)
    mantissa, _, power = text.rpartition("10")
    return float(mantissa.rstrip("·") or 1.0) * 10.0 ** int(power.translate(SUPERSCRIPTS))


def assert_reads_real_values(axis):
    """Every tick label, read as a number, lies in the range the axis shows: no hidden SI scale."""
    labels = drawn_labels(axis)
    assert labels
    lo, hi = sorted(axis.range)
    if axis.logMode:
        lo, hi = 10.0 ** lo, 10.0 ** hi
    span = hi - lo
    for text in labels:
        value = label_value(text)
        assert lo - 1e-9 * span <= value <= hi + 1e-9 * span, (text, lo, hi)
    assert axis.autoSIPrefixScale == 1.0 and "(x" not in axis.labelString()


def test_compare_axes_read_real_values_after_a_theme_change(qtbot, qapp):
    """The Compare overlay's own axis styling froze pyqtgraph's SI scale when the theme changed: an error
    axis over 1e-9 .. 4e-5 read in millionths with no unit to say so, the arm axes of a 3 cm arm in thousandths."""
    overlay = show_alone(qtbot, RunOverlay(), 900, 500)
    overlay.add_runs([("small", solve(SMALL)), ("tiny arm", solve(TINY_ARM))])
    overlay.set_params(TINY_ARM)
    assert max(float(r.errors.max()) for _, r in overlay.runs) < 0.01
    for log in (True, False):
        overlay.set_log(log)
        overlay.grab()                                  # the views take their auto ranges as they paint
        for theme in THEMES:
            overlay.apply_theme(theme)
            overlay.grab()
            for plot in (overlay.error_plot, overlay.arm_plot):
                for name in ("left", "bottom"):
                    assert_reads_real_values(plot.getPlotItem().getAxis(name))


def _error_plot(theme):
    plot = ErrorPlot(theme=theme)
    plot.set_history(solve(SMALL.with_(epochs=200)).errors)
    return [plot]


def _arm_view(theme):
    view = ArmView(theme=theme)
    view.set_params(TINY_ARM)
    return [view]


def _overlay(theme):
    overlay = RunOverlay(theme=theme)
    overlay.add_runs([("tiny arm", solve(TINY_ARM))])
    overlay.set_params(TINY_ARM)
    return [overlay, overlay.error_plot, overlay.arm_plot]


def _landscape(theme):
    view = LandscapeView(theme=theme)
    view.set_params(Params())
    return [view, view.plot]


@pytest.mark.parametrize("make", [_error_plot, _arm_view, _overlay, _landscape])
def test_every_plot_takes_the_themes_axes_with_plain_numbers(qtbot, qapp, make):
    widget, *plots = make(LIGHT)
    plots = plots or [widget]
    show_alone(qtbot, widget, 800, 500)
    for theme in THEMES:
        widget.apply_theme(theme)
        widget.grab()
        axes = [p.getPlotItem().getAxis(name) for p in plots for name in ("left", "bottom")]
        if isinstance(widget, LandscapeView):
            axes.append(widget.bar.axis)
        for axis in axes:
            assert axis.style["tickFont"].pixelSize() == theme.font_px
            assert axis.pen().color().name() == theme.foreground
            assert axis.autoSIPrefixScale == 1.0 and not axis.autoSIPrefix


# --------------------------------------------------------------------------- long curves
def drawn(curve):
    """Every point an error curve paints: pyqtgraph's downsampled curve and the raw tail after it."""
    parts = [curve.getData(), curve.tail.getData()]
    x = np.concatenate([np.asarray(px, float) for px, _ in parts if px is not None])
    y = np.concatenate([np.asarray(py, float) for px, py in parts if px is not None])
    return x, y


@pytest.fixture
def error_plot(qtbot, qapp):
    return show_alone(qtbot, ErrorPlot(), 900, 450)


def million_errors():
    """1e6 epochs of a slow descent with a spike, a zero, and the largest error in the very last epoch."""
    e = np.linspace(0.06, 0.001, 1_000_001)
    e[777_777] = 0.5
    e[999_990] = 0.0
    e[-1] = 0.9
    return e


@pytest.mark.parametrize("log", [False, True])
def test_a_million_epochs_draw_at_screen_resolution_with_every_spike(error_plot, log):
    error_plot.set_log(log)
    errors = million_errors()
    error_plot.set_history(errors)
    error_plot.grab()
    x, y = drawn(error_plot.curve)
    shown = np.log10(np.maximum(errors, LOG_FLOOR)) if log else errors
    width = error_plot.getPlotItem().vb.width()
    assert len(x) <= 4 * width                      # a min and a max per pixel column, and a short tail
    assert x.max() == 1_000_000 and y[x == 1_000_000].max() == shown[-1]      # the last epoch, drawn
    assert y.max() == shown.max() and y.min() == shown.min()                 # the spike and the zero
    assert 0.5 in (10.0 ** y if log else y)
    bottom, top = error_plot.getPlotItem().vb.viewRange()[1]
    assert bottom <= shown.min() and shown.max() <= top       # and the view shows them


def test_a_short_run_in_a_long_budget_is_drawn_frame_by_frame(error_plot):
    """pyqtgraph alone drew nothing of a run shorter than its downsampling block (~1,200 epochs here)."""
    errors = million_errors()
    error_plot.reset(1_000_000, errors[0])
    for end in (1, 2, 30, 1000, 5000, 250_000, 1_000_001):
        first = error_plot.count
        error_plot.store(first, errors[first:end])
        error_plot.redraw()
        x, y = drawn(error_plot.curve)
        assert x.max() == end - 1 and y[x == end - 1].max() == errors[end - 1]
        assert y.max() == errors[:end].max()
        if end <= 1000:                               # each epoch of a short run, exactly
            np.testing.assert_array_equal(np.unique(x), np.arange(end))


def test_a_log_axis_draws_zeros_at_the_floor(error_plot):
    errors = solve(Params(eta=0.3, epochs=60)).errors       # exactly 0 from epoch 22 on
    error_plot.set_log(True)
    error_plot.set_history(errors)
    x, y = drawn(error_plot.curve)
    np.testing.assert_allclose(y, np.log10(np.maximum(errors, LOG_FLOOR)), rtol=1e-15)
    assert y.min() == np.log10(LOG_FLOOR) < np.log10(errors[errors > 0].min())


def test_compare_draws_a_short_run_beside_a_long_one(qtbot, qapp):
    overlay = show_alone(qtbot, RunOverlay(), 900, 500)
    long, short = solve(Params(epochs=200_000, eta=0.001)), solve(Params(epochs=200_000, eta=0.82))
    assert short.epochs_run < 10                          # diverged at once
    overlay.add_runs([("long", long), ("short", short)])
    for log in (True, False):
        overlay.set_log(log)
        overlay.grab()
        for curve, result in zip(overlay.curves, (long, short)):
            shown = np.log10(result.errors) if log else result.errors
            x, y = drawn(curve)
            assert x.max() == result.epochs_run and y.max() == pytest.approx(shown.max(), rel=1e-12)
        bottom, top = overlay.error_plot.getPlotItem().vb.viewRange()[1]
        assert top >= np.log10(short.errors.max()) if log else top >= short.errors.max()


def test_the_curve_shows_in_its_colour(error_plot):
    """A run that fell fast and stopped at epoch 29 of a million: a vertical line at the left, under the marker."""
    errors = np.geomspace(0.06, 0.001, 30)
    error_plot.reset(1_000_000, errors[0])
    error_plot.store(0, errors)
    error_plot.redraw()
    image = error_plot.grab().toImage().convertToFormat(QImage.Format_RGB32)
    left = error_plot.mapFromScene(error_plot.getPlotItem().vb.sceneBoundingRect().topLeft())
    pixels = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height()).reshape(
        image.height(), image.width()) & 0xFFFFFF
    strip = pixels[:, left.x():left.x() + 30]
    rgb = np.stack([(strip >> 16) & 255, (strip >> 8) & 255, strip & 255], axis=-1).astype(int)
    colour = np.array([int(LIGHT.error[k:k + 2], 16) for k in (1, 3, 5)])
    assert (np.abs(rgb - colour).max(axis=-1) < 40).sum() >= 3      # the curve's pixels (antialiased)


def assert_axes_hold_what_is_drawn(window):
    """The error plot's rule: the epoch axis spans the run's epochs (no -10..10 of an empty plot) and both
    axes contain every drawn point of the curve and the marker."""
    plot = window.error_plot
    (x0, x1), (y0, y1) = plot.getPlotItem().vb.viewRange()
    # a run's epochs to come (the first FIRST_SPAN of a longer one: its axis grows as it goes), or a result's
    epochs = window.state.result.epochs_run if plot.count and window.state.result else \
        min(window.state.params.epochs, FIRST_SPAN)
    span = max(epochs, plot.count - 1, 1)
    assert -0.05 * span <= x0 <= 0 and span <= x1 <= 1.05 * span, (x0, x1, span)
    for item in (plot.curve, plot.marker):
        x, y = item.getData()
        if x is None or len(x) == 0:
            continue
        finite = np.isfinite(y)
        assert x0 <= x.min() and x.max() <= x1
        assert y0 <= y[finite].min() and y[finite].max() <= y1, (y0, y1, y[finite].min(), y[finite].max())


def test_error_axes_hold_what_is_drawn_through_log_toggles_runs_and_resets(qtbot, make_window):
    """Turning the log scale on or off at idle set the epoch axis to -10..10 (or -104..104): pyqtgraph's
    setLogMode turns auto range on for both axes, and an empty plot auto-ranges to nothing."""
    from tests.helpers import click, run_to_end
    window = make_window(Params(epochs=200), speed=math.inf)
    log = window.actions.log
    steps = [lambda: log.setChecked(True), lambda: log.setChecked(False),
             lambda: window.state.update(eta=5.0), lambda: log.setChecked(True),       # diverges at once
             lambda: run_to_end(qtbot, window), lambda: log.setChecked(False), lambda: log.setChecked(True),
             lambda: click(qtbot, window, window.actions.reset), lambda: log.setChecked(False),
             lambda: window.state.update(eta=0.05, epochs=300), lambda: run_to_end(qtbot, window),
             lambda: log.setChecked(True), lambda: click(qtbot, window, window.actions.reset),
             lambda: log.setChecked(False), window.actions.colour_safe.toggle, window.actions.presentation.toggle,
             lambda: log.setChecked(True), window.actions.presentation.toggle, lambda: run_to_end(qtbot, window)]
    for step in steps:
        step()
        qtbot.wait(20)
        assert_axes_hold_what_is_drawn(window)


def test_the_epoch_axis_of_a_long_run_grows_with_it(qtbot):
    """A run of 100,000 epochs that a user steers (follow mode) would be a line at the left edge of an axis
    spanning all its epochs; the axis starts at FIRST_SPAN and doubles as the run passes its end."""
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    plot.reset(100_000, 1.0)
    spans = []
    for first in range(0, 1500, 50):
        plot.store(first, np.full(50, 0.5))
        plot.redraw()
        (x0, x1), _ = plot.getPlotItem().vb.viewRange()
        assert x1 >= plot.count - 1                           # the newest epoch shows
        spans.append(round(x1))
    assert spans[0] == round(FIRST_SPAN * 1.02)
    assert max(spans) < 4 * 1500                               # not the run's 100,000
    assert len(set(spans)) <= 5                                # a few jumps, not a move every frame
