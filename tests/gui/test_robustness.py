"""A hurried user: random clicks, extreme sliders, garbage entries; and closing mid-run."""
import math
import random
import subprocess
import sys
import textwrap

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from armsim import Params, solve
from armsim.gui.entries import parse_number
from armsim.render.arm_plot import pose_points
from tests.helpers import curve, empty, run_to_end, type_into

GARBAGE = ["", "abc", "-1", "0", "1e999", "nan", "5", "1e-9", "10", "0.075", "  3 ", "1,5", "∞", "999", "-5",
           "400", "79.955", "1e6", "1000000.0000001", "12", "0.01", "250", "x" * 500]


def check_invariants(window):
    """What a user sees equals the app state: every control, the start pose, the meter, the run's pose."""
    state, c = window.state, window.controls
    p = state.params
    assert len(c.rows) == p.n_links
    shown = {c.links: p.n_links, c.epochs: p.epochs, c.tol: p.tol, c.base: p.base, c.eta_entry: p.eta}
    for row, angle, length in zip(c.rows, p.angles_deg, p.lengths):
        shown[row.angle], shown[row.length] = angle, length
        off = (row.slider.value() / 10 - angle) % 360.0       # the slider shows the angle modulo 360
        assert min(off, 360.0 - off) <= 0.05 + 1e-6
    if p.target is not None:
        shown[c.target] = p.target
    for entry, value in shown.items():
        if not entry.has_problem:         # a refused entry keeps what was typed, and the state is as it was
            assert parse_number(entry.text(), entry.integer) == value, entry.name
    assert c.target_is_base.isChecked() == (p.target is None) and c.learner.currentData() == p.learner
    x, y = curve(window.arm_view.start_curve)
    ex, ey = pose_points(np.radians(p.angles_deg), p)
    assert np.array_equal(x, ex) and np.array_equal(y, ey)
    assert c.meter.verdict is None or c.meter.verdict.eta == p.eta
    result = state.result
    if state.run_state == "idle" and result is not None:
        fx, fy = curve(window.arm_view.final_curve)
        rx, ry = pose_points(result.angles[-1], result.params)
        assert np.array_equal(fy[np.isfinite(fy)], ry[np.isfinite(ry)])
    elif state.run_state == "idle":
        assert empty(window.arm_view.final_curve)


def test_a_thousand_random_actions_keep_the_window_equal_to_its_state(qtbot, make_window):
    window = make_window(Params(epochs=300))
    c = window.controls
    rng = random.Random(20261201)

    def entries():
        return [c.links, c.epochs, c.tol, c.base, c.target, c.eta_entry,
                *[r.angle for r in c.rows], *[r.length for r in c.rows]]

    def slide():
        s = rng.choice([c.eta_slider, *[r.slider for r in c.rows]])
        s.setValue(rng.choice([s.minimum(), s.maximum(), rng.randint(s.minimum(), s.maximum())]))
        qtbot.wait(40)                    # a dragged slider writes through a 30 ms throttle

    def type_garbage():
        type_into(qtbot, rng.choice(entries()), rng.choice(GARBAGE))

    def press():
        qtbot.keyClick(window.arm_view, rng.choice([Qt.Key_Space, Qt.Key_Right, Qt.Key_S, Qt.Key_R, Qt.Key_P]))

    actions = [press, press, slide, type_garbage, type_garbage, type_garbage,
               lambda: c.target_is_base.toggle(), lambda: window.actions.log.toggle(),
               lambda: c.learner.setCurrentIndex(rng.randrange(c.learner.count())),
               lambda: c.speed.setValue(rng.randrange(c.speed.maximum() + 1)),
               lambda: qtbot.wait(rng.choice([1, 10, 30]))]
    for _ in range(1000):
        rng.choice(actions)()
        QApplication.processEvents()
        if window.state.params.epochs > 2000 or window.state.params.n_links > 30:
            window.state.update(epochs=min(window.state.params.epochs, 2000),
                                angles_deg=window.state.params.angles_deg[:30],
                                lengths=window.state.params.lengths[:30])   # keep the test quick
        if window.state.run_state == "idle":
            check_invariants(window)
    # Still alive and consistent: a run from a known setup finishes and equals the core.
    window.state.set_params(Params(epochs=30))
    window.state.set_speed(math.inf)
    result = run_to_end(qtbot, window)
    assert np.array_equal(result.errors, solve(Params(epochs=30)).errors)
    check_invariants(window)


CLOSE_DURING_RUN = textwrap.dedent("""
    import math, sys, time
    from PySide6.QtCore import QTimer
    from armsim import Params
    from armsim.render.qt_app import make_app
    from armsim.gui.main_window import MainWindow
    app = make_app()
    window = MainWindow(Params(epochs=1_000_000, eta=0.001))
    window.state.set_speed(math.inf)
    window.show()
    window.run_or_pause()
    def close():
        assert window.state.run_state == "running", window.state.run_state
        global t0
        t0 = time.perf_counter()
        window.close()
    QTimer.singleShot(700, close)
    code = app.exec()
    print(f"closed in {time.perf_counter() - t0:.3f} s, epoch {window.epoch_shown}")
    sys.exit(code)
""")


def test_closing_during_a_long_run_exits_cleanly():
    """Exit status 0, no thread warning, and really mid-run. How fast is the benchmark's job (no timing here)."""
    proc = subprocess.run([sys.executable, "-c", CLOSE_DURING_RUN], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Fatal" not in proc.stderr
    epoch = int(proc.stdout.split("epoch ")[1])
    assert 0 < epoch < 1_000_000
