"""Sweeps for the Compare tab: exactly solve()'s runs, labels with their numbers, a budget, a stop flag, no Qt."""
import subprocess
import sys
import threading
from dataclasses import replace

import numpy as np
import pytest

from armsim.core.params import Params
from armsim.core.run import solve
from armsim.core.sweeps import (
    FALLBACK_ETAS,
    LESSON_FACTORS,
    MAX_SWEEP_COST,
    SweepTooLarge,
    check_budget,
    default_etas,
    default_starts,
    eta_plan,
    eta_sweep,
    learner_comparison,
    run_cost,
    run_label,
    run_plan,
    solve_stoppable,
    start_sweep,
)
from armsim.core.verdict import eta_verdict, verdict_for


def same_result(a, b):
    assert (a.status, a.reason, a.params) == (b.status, b.reason, b.params)
    for name in ("angles", "errors", "etas"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_eta_sweep_is_solve_per_eta_with_verdict_labels():
    p = Params()
    runs = eta_sweep(p)
    etas = default_etas(p)
    assert [label for label, _ in runs] == ["eta 0.019 (slow)", "eta 0.075 (good, current)", "eta 0.3 (good)",
                                            "eta 0.6 (oscillating)", "eta 0.82 (diverging), diverged"]
    for eta, (_, result) in zip(etas, runs):
        same_result(result, solve(p.with_(eta=eta)))


@pytest.mark.parametrize("angles", [(22.0, -20.0, 14.0), (87.0, 89.0, -85.0), (-75.0, 50.0, 80.0), (5.0,)])
def test_default_etas_land_one_in_each_regime(angles):
    p = Params(angles_deg=angles, eta=0.075)
    w = np.radians(angles)
    kinds = [eta_verdict(e, w).kind for e in default_etas(p) if e != p.eta]
    assert kinds == list(LESSON_FACTORS)


def test_default_etas_when_every_link_is_vertical_fall_back_to_the_lessons():
    assert set(FALLBACK_ETAS) <= set(default_etas(Params(angles_deg=(90.0, -90.0))))


def test_hot_and_cold_eta_sweep_is_a_ladder_around_its_eta():
    p = Params(learner="hotcold", eta=0.1)
    assert default_etas(p) == pytest.approx((0.025, 0.05, 0.1, 0.2, 0.4))
    assert eta_plan(p)[2][0] == "eta 0.1 (hot and cold)"


def test_start_sweep_is_seeded_and_starts_from_the_setup():
    p = Params(angles_deg=(10.0, 20.0, 30.0, 40.0, 50.0), eta=0.1)
    starts = default_starts(p)
    assert starts == default_starts(p) and len(starts) == 5
    assert starts[0] == p.angles_deg and len(set(starts)) == 5
    assert all(-150 <= a <= 150 and a == round(a) for s in starts[1:] for a in s)
    runs = start_sweep(p)
    assert runs[0][0] == "start 10, 20, 30, 40, ... (5 links)"
    for s, (_, result) in zip(starts, runs):
        same_result(result, solve(p.with_(angles_deg=s)))


def test_the_race_runs_every_learner_that_applies_from_the_same_start():
    p = Params(epochs=50)
    runs = learner_comparison(p)
    assert [label for label, _ in runs] == ["gradient descent (eta 0.075)", "hot and cold (eta 0.075)",
                                            "momentum (eta 0.075)", "Adam (eta 0.075)",
                                            "damped least squares (eta 1)", "CCD (eta 0.075)"]   # no FABRIK: a height
    for (_, result), learner in zip(runs, ("gradient", "hotcold", "momentum", "adam", "lm", "ccd")):
        same_result(result, solve(p.with_(learner=learner, eta=1.0 if learner == "lm" else 0.075)))
    reach = Params(reach=(1.5, 1.2), learner="lm", eta=1.0, epochs=30)
    labels = [label for label, _ in learner_comparison(reach)]
    assert labels[-1].startswith("FABRIK") and labels[0] == "gradient descent (eta 0.075)"   # lm's 1 not inherited


def test_a_set_stop_flag_ends_a_run_and_a_plan():
    stop = threading.Event()
    stop.set()
    assert solve_stoppable(Params(epochs=100_000), stop) is None
    assert run_plan(eta_plan(Params()), stop) is None
    same_result(solve_stoppable(Params(), threading.Event()), solve(Params()))


def test_progress_is_reported_after_each_run():
    calls = []
    run_plan(eta_plan(Params(), (0.1, 0.2)), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]


def test_budget():
    check_budget(eta_plan(Params(epochs=100_000)))
    with pytest.raises(SweepTooLarge, match="Lower the epochs"):
        check_budget(eta_plan(Params(epochs=1_000_000)))
    assert run_cost(Params(learner="hotcold")) > 5 * run_cost(Params())
    # short arms cost like three links: per-epoch overhead, not the links, sets their time
    assert run_cost(Params(angles_deg=(1.0,), epochs=1000)) == run_cost(Params(epochs=1000))


def test_the_budget_limit_is_inclusive_and_counts_every_run():
    p = Params(epochs=1000)
    one = run_cost(p)
    at_limit = [("run", p)] * int(MAX_SWEEP_COST // one)
    check_budget(at_limit)
    with pytest.raises(SweepTooLarge, match=f"{len(at_limit) + 1} runs of 1,000 epochs"):
        check_budget(at_limit + [("one more", p)])


def test_run_label():
    result = solve(Params(eta=0.2))
    assert run_label(result) == "run: eta 0.2"
    assert run_label(solve(Params(eta=0.82))) == "run: eta 0.82, diverged"
    assert run_label(solve(Params(learner="hotcold"))) == "run: eta 0.075, hot and cold"
    varied = replace(result, etas=np.linspace(0.1, 0.3, len(result.etas)))
    assert run_label(varied) == "run: eta 0.1 to 0.3"


def test_compare_imports_no_qt():
    code = "import sys, armsim.core.sweeps; sys.exit(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --------------------------------------------------------------------------- the model's options
LIMITED = [
    Params(angles_deg=(0.0, 10.0, -5.0), min_angles_deg=(-10.0, 0.0, -90.0), max_angles_deg=(10.0, 45.0, 0.0)),
    Params(angles_deg=(20.0, 0.0), min_angles_deg=(15.0, -1.0), relative=True, reach=(1.0, 1.0)),    # one side
    Params(angles_deg=(0.0, 10.5), max_angles_deg=(3.0, 10.7), min_angles_deg=(-3.0, 10.2)),   # no whole degree
    Params(angles_deg=(165.0, -300.0, 400.0), min_angles_deg=(160.0, -1e6, 399.5),
           max_angles_deg=(170.0, -299.0, 1e6)),                                  # limits beyond +-150 degrees
]


@pytest.mark.parametrize("p", LIMITED)
def test_random_starts_keep_within_the_joint_limits_and_the_sweep_runs(p):
    starts = default_starts(p)
    lo = p.min_angles_deg or (-np.inf,) * p.n_links
    hi = p.max_angles_deg or (np.inf,) * p.n_links
    assert starts == default_starts(p) and len(starts) == 5 and starts[0] == p.angles_deg
    assert all(lo[i] <= a <= hi[i] for s in starts for i, a in enumerate(s))
    assert all(a == round(a) for s in starts[1:] for a, lo_i, hi_i in zip(s, lo, hi) if np.ceil(lo_i) <= hi_i)
    assert len(set(starts)) == 5
    for s, (_, result) in zip(starts, start_sweep(p.with_(epochs=30))):
        same_result(result, solve(p.with_(angles_deg=s, epochs=30)))


def test_random_starts_without_limits_are_the_ones_before_limits_existed():
    p = Params(angles_deg=(10.0, 20.0, 30.0, 40.0, 50.0), relative=True, reach=(1.0, 2.0))
    old = np.round(np.random.default_rng(0).uniform(-150.0, 150.0, size=(4, 5)))
    assert [list(s) for s in default_starts(p)[1:]] == old.tolist()


@pytest.mark.parametrize("changes", [{"reach": (1.5, 1.0)}, {"relative": True},
                                     {"reach": (-2.0, 0.5), "relative": True}])
def test_the_eta_sweep_judges_the_setups_own_task(changes):
    """One eta in each regime of the verdict for the task (2/lambda_max), and labels that say so."""
    p = Params(angles_deg=(80.0, 85.0, -88.0), **changes)      # nearly upright: S is small, lambda_max is not
    w = np.radians(p.angles_deg)
    etas = [e for e in default_etas(p) if e != p.eta]
    assert [verdict_for(p, e).kind for e in etas] == list(LESSON_FACTORS)
    assert [eta_verdict(e, w).kind for e in etas] != list(LESSON_FACTORS)       # the lateral verdict's would not
    for label, q in eta_plan(p):
        assert label.startswith(f"eta {q.eta:.3g} ({verdict_for(p, q.eta).kind}")


def test_the_options_cost_more_per_epoch_in_the_budget():
    """Gradient descent with the options steps in numpy, not the post's kernel: about 10x at 3 links."""
    post = Params(epochs=100_000)
    assert run_cost(post.with_(reach=(1.0, 1.0))) >= 10 * run_cost(post)
    assert run_cost(post.with_(max_angles_deg=(90.0,) * 3)) == run_cost(post.with_(relative=True)) > run_cost(post)
    with pytest.raises(SweepTooLarge):
        check_budget(eta_plan(post.with_(reach=(1.0, 1.0))))
    check_budget(eta_plan(post))
