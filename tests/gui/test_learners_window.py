"""The window with each learner beyond the post's: the inspector writes out its own update, the meter gives
its own reading, and picking damped least squares offers its whole step."""
import math

import numpy as np
import pytest

from armsim import Params
from armsim.core.verdict import learner_reading
from tests.helpers import column, line, lines

SETUP = Params(angles_deg=(30.0, -10.0, 50.0), lengths=(1.2, 1.0, 0.8), reach=(1.5, 1.2), eta=0.05, epochs=50)
CHANGE = {"momentum": "change v_i\n= β v_i − eta dE/dtheta_i", "adam": "change\n−eta m̂_i/(√ŝ_i + ε)",
          "lm": "change\neta (Jᵀ(JJᵀ+λI)⁻¹ r)_i", "ccd": "change\n(CCD's turn, rad)",
          "fabrik": "change\n(FABRIK's turn, rad)"}


def stepped(qtbot, make_window, learner, steps=2, **kw):
    window = make_window(SETUP.with_(learner=learner, eta=1.0 if learner == "lm" else 0.05, **kw))
    window.docks.inspector_dock.raise_()
    for k in range(1, steps + 1):
        window.step()
        qtbot.waitUntil(lambda k=k: window.record_shown is not None and window.record_shown.index == k)
    return window, window.record_shown


@pytest.mark.parametrize("learner", ["momentum", "adam", "lm", "ccd", "fabrik"])
def test_the_inspector_shows_each_learners_own_change(qtbot, make_window, learner):
    window, rec = stepped(qtbot, make_window, learner)
    panel = window.docks.inspector
    assert [float(v) for v in column(panel, CHANGE[learner])] == pytest.approx(rec.delta.tolist(), rel=1e-5)
    first = lines(panel)
    if learner == "momentum":
        v = line(panel, "v1 = ")
        assert f"= {rec.state[0][0]:.6g};" in v
    elif learner == "adam":
        assert line(panel, "theta1: g = ").count("m̂ = ") == 1 and any("Adam, epoch t = 2" in t for t in first)
    elif learner == "lm":
        assert any(text.startswith("J Jᵀ + λI = [") for text in first)
        assert any(text.startswith("(J Jᵀ + λI)⁻¹ r = (") for text in first)
    else:
        assert any("do not use it" in text for text in first)


def test_the_meter_reads_momentum_and_lm_by_their_own_rules(qtbot, make_window):
    window, rec = stepped(qtbot, make_window, "momentum", 1)
    text = window.controls.meter.text()
    r = learner_reading(window.params, window.params.eta, rec.angles)
    assert "eta_crit = (2 + 2β)/λ" in text and f"= {r.eta_crit:.4g}" in text
    window.controls.pick_learner("lm")
    assert window.params.eta == 1.0 and window.params.learner == "lm"      # lm's whole step
    assert "eta_crit = 2(λ + damping)/λ" in window.controls.meter.text()
    window.controls.pick_learner("adam")
    assert window.params.eta == 0.075 and "no eta_crit for Adam" in window.controls.meter.text()
    window.controls.pick_learner("fabrik")
    assert window.params.eta == 0.075 and "no eta for FABRIK" in window.controls.meter.text()


def test_momentums_eta_crit_is_where_a_run_near_the_solution_starts_to_diverge():
    """(2 + 2 beta) / lambda: a run started near the solution converges just below it and diverges just above."""
    from armsim import solve
    p = Params(angles_deg=(30.0, -10.0, 50.0), target=0.8, learner="momentum", momentum=0.5, epochs=3000)
    near = solve(p.with_(learner="gradient", eta=0.05, epochs=500)).angles[-1]
    start = p.with_(angles_deg=tuple(np.degrees(near) + [0.01, -0.01, 0.01]))
    crit = learner_reading(start).eta_crit
    below = solve(start.with_(eta=0.97 * crit))
    above = solve(start.with_(eta=1.03 * crit))
    assert below.status != "diverged" and below.errors[-1] < 1e-12
    assert above.status == "diverged" or above.errors[-1] > 1e3 * below.errors[-1]
    assert math.isclose(crit, 3.0 / learner_reading(start).stiffness)
