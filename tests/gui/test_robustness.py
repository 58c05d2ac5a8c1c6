"""A hurried user: random clicks, extreme sliders, garbage entries; and closing mid-run."""
import random
import subprocess
import sys
import textwrap

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from armsim import Params


def test_a_few_hundred_random_actions_never_break_the_window(qtbot, make_window):
    window = make_window(Params(epochs=500))
    c = window.controls
    rng = random.Random(20261122)
    garbage = ["", "abc", "-1", "0", "1e999", "nan", "5", "1e-9", "10", "0.075", "  3 ", "1,5", "∞"]

    def slider_extreme():
        s = rng.choice([c.eta_slider, c.speed, *[r.slider for r in c.rows]])
        s.setValue(rng.choice([s.minimum(), s.maximum(), rng.randint(s.minimum(), s.maximum())]))

    def spin_extreme():
        s = rng.choice([c.links, c.epochs, c.base, c.target, *[r.spin for r in c.rows], *[r.length for r in c.rows]])
        s.setValue(rng.choice([s.minimum(), s.maximum()]))

    def type_eta():
        c.eta_entry.setText(rng.choice(garbage))
        c.eta_entry.editingFinished.emit()

    actions = [window.run_or_pause, window.pause_or_resume, window.step, window.reset, slider_extreme,
               spin_extreme, type_eta, lambda: c.target_is_base.toggle(), lambda: window.log_action.toggle(),
               lambda: c.learner.setCurrentIndex(rng.randrange(2)),
               lambda: qtbot.keyClick(window, rng.choice([Qt.Key_Space, Qt.Key_Right, Qt.Key_S, Qt.Key_R]))]
    for _ in range(300):
        rng.choice(actions)()
        QApplication.processEvents()
        if rng.random() < 0.1:
            qtbot.wait(rng.choice([1, 5, 20]))
        if c.epochs.value() > 20_000:         # keep runs short enough that the test ends
            c.epochs.setValue(rng.randint(0, 2000))
    # Still alive and consistent: a run from a known setup finishes and matches the core.
    window.reset()
    c.set_params(Params(epochs=30))
    c.speed.setValue(c.speed.maximum())
    with qtbot.waitSignal(window.controller.finished, timeout=20_000) as blocker:
        window.run_or_pause()
    assert blocker.args[0].epochs_run == 30
    assert all(np.isfinite(window.arm_view.final_curve.getData()[1]))


CLOSE_DURING_RUN = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QTimer
    from armsim import Params
    from armsim.render.qt_app import make_app
    from armsim.gui.main_window import MainWindow
    app = make_app()
    window = MainWindow(Params(epochs=1_000_000, eta=0.001))
    window.controls.speed.setValue(window.controls.speed.maximum())
    app.aboutToQuit.connect(window.controller.stop)
    window.show()
    window.run_or_pause()
    def close():
        assert window.controller.state == "running", window.controller.state
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
    assert "QThread" not in proc.stderr and "Traceback" not in proc.stderr
    epoch = int(proc.stdout.split("epoch ")[1])
    assert 0 < epoch < 1_000_000
