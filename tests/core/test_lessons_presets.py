import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from armsim import solve
from armsim.core.kinematics import curvature, lateral
from armsim.core.lessons import PRESETS, Preset, by_name
from armsim.core.params import ParamError, Params
from armsim.core.verdict import SLOW_FRACTION, eta_verdict

POST_POSE = np.radians([22.0, -20.0, 14.0])


def run_of(name):
    preset = by_name(name)
    return preset, solve(preset.params)


def start_verdict(params):
    return eta_verdict(params.eta, np.radians(params.angles_deg), params.lengths)


def residuals(result):
    p = result.params
    return np.array([p.goal - lateral(w, np.asarray(p.lengths), p.base)[-1] for w in result.angles])


# --------------------------------------------------------------------------- the meter
def test_the_posts_rate_is_good_and_its_numbers_are_the_linear_model():
    v = eta_verdict(0.075, POST_POSE, None)
    s = float(curvature(POST_POSE, None))
    assert v.kind == "good" and v.curvature == s
    assert v.eta_ideal == 1 / s and v.eta_crit == 2 / s
    assert v.residual_factor == pytest.approx(1 - 0.075 * s) and v.error_factor == pytest.approx(v.residual_factor ** 2)
    assert "0.075" in v.words and "0.373" in v.words and "36%" in v.words


@pytest.mark.parametrize("boundary, below, above", [("eta_ideal", "good", "oscillating"),
                                                    ("eta_crit", "oscillating", "diverging")])
def test_verdict_changes_exactly_at_one_over_s_and_two_over_s(boundary, below, above):
    edge = getattr(eta_verdict(0.1, POST_POSE), boundary)
    for eta, kind in ((edge * (1 - 1e-9), below), (edge, below), (np.nextafter(edge, np.inf), above),
                      (edge * (1 + 1e-9), above)):
        assert eta_verdict(eta, POST_POSE).kind == kind, eta


def test_the_residual_factor_says_what_each_kind_means():
    s = float(curvature(POST_POSE, None))
    ideal = 1 / s
    assert eta_verdict(SLOW_FRACTION * ideal * (1 - 1e-9), POST_POSE).kind == "slow"
    assert eta_verdict(SLOW_FRACTION * ideal * (1 + 1e-9), POST_POSE).kind == "good"
    for eta in np.linspace(0.001, 3 * ideal, 301):
        v = eta_verdict(eta, POST_POSE)
        r = v.residual_factor
        expected = ("diverging" if r < -1 - 1e-12 else "oscillating" if r < -1e-12 else
                    "good" if r <= 1 - SLOW_FRACTION else "slow")
        assert v.kind == expected or abs(abs(r) - 1) < 1e-9 or abs(r) < 1e-9 or abs(r - 0.9) < 1e-9


def test_an_eta_between_the_boundaries_is_shown_with_enough_digits_to_see_the_side():
    crit = eta_verdict(0.1, POST_POSE).eta_crit
    v = eta_verdict(np.nextafter(crit, np.inf), POST_POSE)
    eta_text, crit_text = v.words.split(" is above 2/S = ")
    assert eta_text.removeprefix("eta = ") != crit_text.split(":")[0]


def test_zero_curvature_means_no_gradient_not_a_crash():
    # 1e-200 squared underflows, so S is exactly 0 while every input is valid.
    v = eta_verdict(0.5, [0.3, 1.0], [1e-200, 1e-200])
    assert v.curvature == 0.0 and v.kind == "slow"
    assert v.eta_crit == math.inf and v.eta_ideal == math.inf
    assert v.residual_factor == 1.0 and v.error_factor == 1.0
    assert "gradient is zero" in v.words


def test_lengths_count_and_near_vertical_links_are_slow():
    crit = eta_verdict(0.075, POST_POSE, [2.0, 2.0, 2.0]).eta_crit
    assert crit == pytest.approx(2 / (4 * curvature(POST_POSE, None)))
    assert eta_verdict(0.075, np.radians([89.0, 89.0, -89.0])).kind == "slow"


@pytest.mark.parametrize("eta", [0.0, -0.1, math.nan, math.inf, "fast"])
def test_bad_eta_is_refused_by_name(eta):
    with pytest.raises(ParamError, match="eta"):
        eta_verdict(eta, POST_POSE)


def test_the_four_regimes_are_told_apart_by_colour():
    """An eta from each regime at the post's pose: four verdicts, four colours (the meter's only cue
    besides the words)."""
    s = 2.0 / eta_verdict(0.075, POST_POSE).eta_crit         # S at the pose
    verdicts = [eta_verdict(f / s, POST_POSE) for f in (0.05, 0.8, 1.5, 2.5)]
    assert [v.kind for v in verdicts] == ["slow", "good", "oscillating", "diverging"]
    assert len({v.colour for v in verdicts}) == 4


# --------------------------------------------------------------------------- the presets
def test_presets_are_valid_named_uniquely_and_found_by_name():
    names = [p.name for p in PRESETS]
    assert len(names) == len(set(names)) >= 11
    for preset in PRESETS:
        assert isinstance(preset, Preset) and isinstance(preset.params, Params) and preset.description
        assert Params.from_dict(preset.params.to_dict()) == preset.params
        assert by_name(preset.name) is preset
    with pytest.raises(KeyError, match="known"):
        by_name("no such lesson")


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_preset_ends_as_it_promises(preset):
    assert preset.expect is not None
    assert solve(preset.params).status == preset.expect


def test_the_worked_example_is_the_posts_run():
    preset, result = run_of("The post's worked example")
    assert preset.params == Params()
    assert result.positions(-1)[1][-1] == 0.0029191436234602963


def test_eta_too_small_is_slow_and_far_from_done():
    preset, result = run_of("eta too small (0.01)")
    assert start_verdict(preset.params).kind == "slow"
    assert result.status == "max_epochs"
    assert result.errors[-1] > 0.25 * result.errors[0] and result.errors[-1] > 1e-2


def test_eta_good_is_good_and_converges():
    preset, result = run_of("eta good (0.3)")
    assert start_verdict(preset.params).kind == "good"
    assert eta_verdict(preset.params.eta, result.angles[-1]).kind == "good"
    assert result.errors[-1] < 1e-20
    assert np.all(residuals(result)[:-1] < 0)       # the end point comes down from one side only


def test_eta_oscillating_flips_side_every_epoch_and_still_converges():
    preset, result = run_of("eta oscillating (0.6)")
    assert start_verdict(preset.params).kind == "oscillating"
    assert eta_verdict(preset.params.eta, result.angles[-1]).kind == "oscillating"
    r = residuals(result)
    assert np.all(np.sign(r[-10:-1]) == -np.sign(r[-9:]))
    assert np.all(np.abs(r[-9:]) < np.abs(r[-10:-1]))
    assert result.errors[-1] < 1e-8


def test_eta_diverging_is_diverging_and_the_run_diverges():
    preset, result = run_of("eta diverging (0.82)")
    assert start_verdict(preset.params).kind == "diverging"
    assert result.status == "diverged"
    assert result.errors[-1] > result.errors[0]


def test_the_eta_lessons_share_the_posts_start():
    for name in ("eta too small (0.01)", "eta good (0.3)", "eta oscillating (0.6)", "eta diverging (0.82)"):
        assert by_name(name).params == Params(eta=by_name(name).params.eta)


def test_near_ninety_degrees_crawls():
    preset, result = run_of("Near 90 degrees: 87, 89, -85")
    e = result.errors
    drops = 1 - e[1:] / e[:-1]
    assert np.all(drops > 0) and drops.max() < 0.01      # it does learn, by under 1% an epoch
    assert e[-1] > 0.9 * e[0]
    assert start_verdict(preset.params).kind == "slow"
    assert solve(preset.params.with_(epochs=200)).errors[-1] < 1e-6   # as the description promises


def test_needs_more_than_twenty_epochs():
    preset, result = run_of("Needs more than 20 epochs: -75, 50, 80")
    assert solve(preset.params.with_(epochs=20)).errors[-1] > 1e-3
    assert result.status == "converged" and 20 < result.epochs_run <= preset.params.epochs
    assert result.errors[-1] < 1e-6


def test_shifted_base_aims_at_the_base():
    preset, result = run_of("-75, -55, 0 with Y0 = 0.7")
    assert preset.params.base == preset.params.goal == 0.7
    assert result.errors[-1] < 0.01 * result.errors[0]


def test_negative_error_starts_below_the_target():
    preset, result = run_of("Negative error: -20, -30, -10")
    assert residuals(result)[0] > 0.5                 # the end point is below: goal - Y_n > 0
    assert result.errors[-1] < 1e-3 * result.errors[0]


def test_unreachable_target_ends_unreachable():
    preset, result = run_of("Unreachable target (3.5)")
    assert not preset.params.reachable
    assert result.status == "unreachable"
    assert np.allclose(np.degrees(result.angles[-1]), 90.0, atol=0.1)


def test_the_teaching_modules_do_not_import_qt():
    code = ("import sys, armsim.core.verdict, armsim.core.lessons, armsim.core.landscape; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- reaching a point
def end_of(result, j=-1):
    x, y = result.positions(j)
    return x[-1], y[-1]


def test_reach_a_point_converges_in_the_epochs_it_says():
    preset, result = run_of("Reach a point: (1.5, 1.2)")
    assert preset.params.reach == (1.5, 1.2) and result.status == "converged" and result.epochs_run == 34
    assert math.dist(end_of(result), (1.5, 1.2)) < 2e-4


def test_a_point_out_of_reach_stretches_the_arm_toward_it():
    preset, result = run_of("A point out of reach: (3, 1.5)")
    assert result.status == "unreachable"
    assert math.hypot(3.0, 1.5) == pytest.approx(3.354, abs=1e-3)
    np.testing.assert_allclose(result.final_angles_deg, math.degrees(math.atan2(1.5, 3.0)), atol=0.05)
    assert math.dist(end_of(result), (3.0, 1.5)) == pytest.approx(0.354, abs=1e-3)


def test_near_the_base_the_arm_folds():
    preset, result = run_of("Near the base: fold to (0.4, 0.3)")
    assert result.status == "converged" and result.epochs_run == 44
    assert round(result.final_angles_deg[0]) == 116 and round(result.final_angles_deg[2]) in (-94, -95)
    assert result.errors[0] == pytest.approx(3.15, abs=0.01)


def test_limits_make_a_reachable_point_unreachable():
    preset, result = run_of("Limits make (-0.5, 1.2) unreachable")
    p = preset.params
    assert result.status == "unreachable" and "joints 2 and 3 are held at their limits of 60 and 60" in result.reason
    free = solve(p.with_(min_angles_deg=None, max_angles_deg=None))
    assert free.status == "converged" and free.epochs_run == 30
    # Within the limits no pose comes nearer the base than 2 (the point is 1.3 away).
    q = np.radians(np.stack(np.meshgrid(np.linspace(-90, 90, 61), np.linspace(-60, 60, 61),
                                        np.linspace(-60, 60, 61)), -1).reshape(-1, 3))
    t = np.cumsum(q, axis=1)
    distance = np.hypot(np.cos(t).sum(1), np.sin(t).sum(1))
    assert distance.min() == pytest.approx(2.0, abs=1e-9) and math.hypot(-0.5, 1.2) == pytest.approx(1.3)


def test_the_same_numbers_as_absolute_and_relative_joints():
    a, absolute = run_of("60, 30, -20 as absolute angles")
    r, relative = run_of("60, 30, -20 as relative joints")
    assert a.params.angles_deg == r.params.angles_deg and a.params.reach == r.params.reach
    assert not a.params.relative and r.params.relative
    assert np.round(end_of(absolute, 0), 2).tolist() == [2.31, 1.02]
    assert np.round(end_of(relative, 0), 2).tolist() == [0.84, 2.81]
    assert (absolute.status, absolute.epochs_run) == ("converged", 29)
    assert (relative.status, relative.epochs_run) == ("converged", 72)
