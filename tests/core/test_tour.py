"""The tour's wait logic, and the built-in tour's words against headless runs of its setups."""
import math
import re

import numpy as np
import pytest

from armsim.core.params import Params
from armsim.core.run import solve
from armsim.core.tour import (
    STATUS_WAITS,
    WAITS,
    Event,
    Tour,
    TourStep,
    done_words,
    wait_met,
    waiting_words,
)
from armsim.core.verdict import verdict_for
from armsim.io.lesson_files import built_in_tour

TOUR = built_in_tour()

EVENTS = [Event("run"), Event("target"), Event("eta", eta=0.8, eta_crit=0.745), Event("eta", eta=0.7, eta_crit=0.745),
          Event("eta", eta=5.0, eta_crit=math.inf), Event("eta", eta=5.0, eta_crit=None),
          *(Event("ended", status=s) for s in ("converged", "max_epochs", "diverged", "unreachable", "stopped"))]
# what each wait is met by, as indexes into EVENTS
MET_BY = {"run": {0}, "target_moved": {1}, "eta_above_crit": {2}, "converged": {6}, "max_epochs": {7},
          "diverged": {8}, "unreachable": {9}}


@pytest.mark.parametrize("wait", WAITS)
def test_each_wait_is_met_by_its_event_only(wait):
    met = {i for i, event in enumerate(EVENTS) if wait_met(wait, event)}
    assert met == MET_BY[wait]


def test_no_wait_is_never_met_and_bad_ones_are_refused():
    assert not any(wait_met(None, event) for event in EVENTS)
    with pytest.raises(ValueError, match="wait must be one of"):
        wait_met("explode", Event("run"))
    with pytest.raises(ValueError, match="event kind"):
        Event("exploded")
    with pytest.raises(ValueError, match="wait must be one of"):
        TourStep("t", "x", wait="explode")
    with pytest.raises(ValueError, match="tab must be one of"):
        TourStep("t", "x", tab="kitchen")
    with pytest.raises(ValueError, match="at least one step"):
        Tour("t", ())


def test_status_words():
    step = TourStep("t", "x", wait="diverged", done_text="every overshoot was larger")
    assert waiting_words(step) == "waiting for: the run to diverge"
    assert done_words(step) == "it diverged: every overshoot was larger"
    assert waiting_words(TourStep("t", "x")) == ""


def _effective(k: int) -> Params:
    """The setup step ``k`` runs: its own, or the last one set before it (the tour starts from the post's)."""
    for s in reversed(TOUR.steps[:k + 1]):
        if s.setup is not None:
            return s.setup
    return Params()


STATUS_STEPS = [(k, s) for k, s in enumerate(TOUR.steps) if s.wait in STATUS_WAITS]


@pytest.mark.parametrize("k, step", STATUS_STEPS, ids=[s.title for _, s in STATUS_STEPS])
def test_each_built_in_wait_happens_when_its_setup_runs(k, step):
    result = solve(_effective(k))
    assert result.status == step.wait
    # "after 76 epochs", "34 epochs.": a step that counts the epochs of a run that ends early counts them right
    counted = re.search(r"(\d+) epochs", step.done_text)
    if counted and step.wait in ("converged", "diverged"):
        assert result.epochs_run == int(counted.group(1))


def test_the_eta_crit_step_starts_below_and_its_numbers_hold():
    k, step = next((k, s) for k, s in enumerate(TOUR.steps) if s.wait == "eta_above_crit")
    v = verdict_for(_effective(k))
    assert v.eta < v.eta_crit and f"{v.eta_crit:.3g}" in step.text         # not met before the class acts


def test_the_built_in_numbers_the_runs_show():
    by_title = {s.title: (k, s) for k, s in enumerate(TOUR.steps)}
    post = solve(_effective(by_title["The post's program"][0]))
    assert np.round(post.positions(-1)[1], 4).tolist() == [0.2853, -0.1424, 0.0029]     # the post's printout
    assert np.round(post.positions(0)[1], 3).tolist() == [0.375, 0.033, 0.275]
    hot = solve(_effective(by_title["Hot and cold"][0]))
    assert np.argmin(hot.errors) == 10 and f"{hot.errors.min():.2g}" == "5.1e-05"
    assert "after 10 epochs" in by_title["Hot and cold"][1].done_text
    rocking = solve(_effective(by_title["Hot and cold: too big a step"][0]))
    assert f"{rocking.errors[0]:.2g}" == "0.038" and f"{rocking.errors[1]:.1g}" == "5e-05"
    assert np.array_equal(rocking.errors[::2], np.full(len(rocking.errors[::2]), rocking.errors[0]))
    small = solve(_effective(by_title["The learning rate: too small"][0]))
    assert f"{small.errors[-1]:.3g}" == "0.0126" and f"{small.errors[0]:.3g}" == "0.0377"
    near90 = solve(_effective(by_title["Near 90 degrees: 87, 89, -85"][0]))
    assert round(100 * (1 - near90.errors[-1] / near90.errors[0])) == 6
    scaled = _effective(by_title["Scaling: out of control"][0])
    assert f"{verdict_for(scaled).eta_crit:.3g}" == "0.331" and verdict_for(scaled.with_(lengths=None)).kind != \
        "diverging"
