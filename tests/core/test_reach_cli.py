"""The model's options on the command line: ``--reach X Y``, ``--relative``, ``--min-angles``, ``--max-angles``.

``armsim solve --json`` is checked against the plain-Python reference of the model's
options (tests/core/reference_2d.py, which calls no armsim code).

The JSON prints the start and final poses (angles, x, y) and every epoch's error;
each agrees with the reference to 1e-12. When the run ends is the core's rule
(tested in test_reach.py): the reference runs as many epochs as the JSON says ran.
"""
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from armsim import Params, solve
from armsim.cli import build_parser, params_from
from armsim.core.verdict import eta_verdict, verdict_for
from tests.core.reference_2d import joints, updates
from tests.helpers import POST_FINAL, POST_START, run_cli

TOL = 1e-12


def close(a, b) -> bool:
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


def flag_values(values):
    return [repr(float(v)) for v in values]


# --------------------------------------------------------------------------- cases
@st.composite
def cases(draw):
    n = draw(st.integers(1, 5))
    angle = st.floats(-150, 150, allow_nan=False)
    angles = draw(st.lists(angle, min_size=n, max_size=n))
    lengths = draw(st.lists(st.floats(0.25, 2.0), min_size=n, max_size=n))
    relative = draw(st.booleans())
    span = sum(lengths)
    task = draw(st.sampled_from(["lateral", "reach"]))
    base = draw(st.floats(-1.0, 1.0))
    if task == "reach":
        aim = ("reach", draw(st.floats(-1.2 * span, 1.2 * span)), draw(st.floats(-1.2 * span, 1.2 * span)))
    else:
        aim = ("lateral", draw(st.none() | st.floats(-1.2 * span, 1.2 * span)))
    lo = draw(st.none() | st.tuples(*[st.floats(-180, a) for a in angles]))
    hi = draw(st.none() | st.tuples(*[st.floats(a, 180) for a in angles]))
    # below the verdict's 2/lambda_max <= 2/span^2 mostly, beyond it sometimes: a diverging run is a result too
    eta = draw(st.floats(1e-3, 3.0 / span ** 2))
    epochs = draw(st.integers(0, 40))
    return angles, lengths, base, aim, relative, lo, hi, eta, epochs


def cli_args(angles, lengths, base, aim, relative, lo, hi, eta, epochs):
    args = ["solve", "--json", "--angles", *flag_values(angles), "--lengths", *flag_values(lengths),
            "--base", repr(base), "--eta", repr(eta), "--epochs", str(epochs)]
    if aim[0] == "reach":
        args += ["--reach", repr(aim[1]), repr(aim[2])]
    elif aim[1] is not None:
        args += ["--target", repr(aim[1])]
    if relative:
        args.append("--relative")
    if lo is not None:
        args += ["--min-angles", *flag_values(lo)]
    if hi is not None:
        args += ["--max-angles", *flag_values(hi)]
    return args


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_solve_json_with_the_options_agrees_with_a_plain_python_implementation(capsys, case):
    angles, lengths, base, aim, relative, lo, hi, eta, epochs = case
    code, out, err = run_cli(capsys, *cli_args(*case))
    assert code == 0 and err == "", err
    doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    ran = doc["epochs_run"]
    assert 0 <= ran <= epochs and len(doc["errors"]) == ran + 1
    assert doc["status"] != "max_epochs" or ran == epochs
    aim = ("lateral", base) if aim == ("lateral", None) else aim        # no --target: the base's height
    poses, errors = updates(angles, lengths, base, aim, relative, eta, ran, lo, hi)
    assert all(close(a, b) for a, b in zip(doc["errors"], errors)), (doc["errors"], errors)
    for key, p in (("start", poses[0]), ("final", poses[-1])):
        xs, ys = joints(p, lengths, base, relative)
        shown = doc[key]
        assert len(shown["x"]) == len(shown["y"]) == len(shown["angles_deg"]) == len(angles)
        assert all(close(a, b) for a, b in zip(shown["x"], xs)), (key, shown["x"], xs)
        assert all(close(a, b) for a, b in zip(shown["y"], ys)), (key, shown["y"], ys)
        assert all(close(a, math.degrees(b)) for a, b in zip(shown["angles_deg"], p)), (key, shown["angles_deg"])
    # and within the limits (to the degrees-radians round trip: 12 degrees prints back as 12.000000000000002)
    final = doc["final"]["angles_deg"]
    assert all(a >= v or close(a, v) for a, v in zip(final, lo or ())) and \
        all(a <= v or close(a, v) for a, v in zip(final, hi or ()))


def test_the_json_params_carry_the_options_as_to_dict_does(capsys):
    code, out, _ = run_cli(capsys, "solve", "--json", "--reach", "-1.5", "0.25", "--relative",
                           "--min-angles", "-90", "-90", "-90", "--max-angles", "90", "90", "90")
    params = json.loads(out)["params"]
    expected = Params(reach=(-1.5, 0.25), relative=True, min_angles_deg=(-90, -90, -90),
                      max_angles_deg=(90, 90, 90))
    assert code == 0 and params == expected.to_dict() and Params.from_dict(params) == expected
    assert params["reach"] == [-1.5, 0.25] and params["relative"] is True


@pytest.mark.parametrize("args, expected", [
    (["--min-angles", "-90", "-90", "-90"], Params(min_angles_deg=(-90, -90, -90))),       # either side alone
    (["--max-angles", "1e2", "90", "90"], Params(max_angles_deg=(100, 90, 90))),
    (["--reach", "-1e-3", "-.5"], Params(reach=(-0.001, -0.5))),                           # negative numbers
    (["--relative"], Params(relative=True)),
    (["--angles", "-10", "5", "--min-angles", "-10", "-5", "--max-angles", "-10", "5"],
     Params(angles_deg=(-10, 5), min_angles_deg=(-10, -5), max_angles_deg=(-10, 5))),  # a start on its limits
])
def test_each_option_parses_alone_and_with_negative_numbers(capsys, args, expected):
    code, out, err = run_cli(capsys, "solve", "--json", *args)
    assert code == 0 and err == "" and Params.from_dict(json.loads(out)["params"]) == expected


@pytest.mark.parametrize("command", ["gui", "render"])
def test_the_window_and_render_take_the_options_too(command):
    """(Parsed only: opening a window or drawing is the GUI's and the renderer's tests' business.)"""
    parser = build_parser()
    argv = [command, *(["--out", "x.png"] if command == "render" else []), "--reach", "1", "-2", "--relative",
            "--min-angles", "-90", "-90", "-90", "--max-angles", "90", "90", "90"]
    args = parser.parse_args(argv)
    assert params_from(args, args.parser) == Params(reach=(1.0, -2.0), relative=True, min_angles_deg=(-90,) * 3,
                                                    max_angles_deg=(90,) * 3)


def test_without_the_options_the_posts_output_is_unchanged(capsys):
    code, out, _ = run_cli(capsys, "solve")
    assert code == 0 and out.splitlines()[:2] == [repr(POST_START), repr(POST_FINAL)]
    doc = json.loads(run_cli(capsys, "solve", "--json")[1])
    assert list(doc["params"]) == ["angles_deg", "lengths", "base", "eta", "epochs", "tol", "learner"]


BAD = [
    (["--reach"], "argument --reach: expected two numbers X Y (the point to reach), got 0"),
    (["--reach", "1"], "argument --reach: expected two numbers X Y (the point to reach), got 1"),
    (["--reach", "1", "2", "3"], "argument --reach: expected two numbers X Y (the point to reach), got 3"),
    (["--reach", "nan", "1"], "argument --reach: must be a finite number, got 'nan'"),
    (["--reach", "1", "-inf"], "argument --reach: must be a finite number, got '-inf'"),
    (["--reach", "1", "x"], "argument --reach: expected a number, got 'x'"),
    (["--reach", "1e7", "0"], "argument --reach value 1: must be between -1e+06 and 1e+06"),
    (["--reach", "1", "1", "--target", "0.5"], "argument --reach: not allowed with --target"),
    (["--target", "0.5", "--reach", "1", "1"], "argument --reach: not allowed with --target"),
    (["--min-angles", "-90", "-90"], "argument --min-angles: needs one limit per link: 3 links but 2"),
    (["--max-angles", "90", "90", "90", "90"], "argument --max-angles: needs one limit per link: 3 links but 4"),
    (["--min-angles"], "argument --min-angles: expected at least one argument"),
    (["--max-angles", "inf", "90", "90"], "argument --max-angles: must be a finite number, got 'inf'"),
    (["--min-angles", "-90", "NaN", "-90"], "argument --min-angles: must be a finite number, got 'NaN'"),
    (["--min-angles", "-90", "-90", "0", "--max-angles", "90", "90", "-10"],
     "argument --min-angles value 3: joint 3's minimum 0 degrees is above its maximum -10"),
    (["--max-angles", "90", "-30", "90"], "argument --angles value 2: joint 2 starts at -20 degrees, above its "
                                          "maximum of -30"),
    (["--min-angles", "30", "-90", "-90"], "argument --angles value 1: joint 1 starts at 22 degrees, below its "
                                           "minimum of 30"),
    (["--relative", "--relative"], "argument --relative: given more than once"),
    (["--reach", "1", "1", "--reach", "2", "2"], "argument --reach: given more than once"),
    (["--relative=yes"], "argument --relative: ignored explicit argument 'yes'"),
    (["--min-angle", "-90", "-90", "-90"], "unrecognized arguments: --min-angle"),        # no abbreviations
    (["--rel"], "unrecognized arguments: --rel"),
]


@pytest.mark.parametrize("command", ["solve", "gui", "render", ""])
@pytest.mark.parametrize("args, words", BAD, ids=[" ".join(a)[:40] for a, _ in BAD])
def test_bad_options_exit_2_with_one_line_naming_the_problem(capsys, tmp_path, command, args, words):
    """The same for solve, gui, render and the bare ``armsim --flags`` (the window's); nothing is written."""
    before = ["render", "--out", str(tmp_path / "x.png")] if command == "render" else [command] if command else []
    code, out, err = run_cli(capsys, *before, *args)
    lines = err.strip().splitlines()
    assert code == 2 and out == "" and "Traceback" not in err
    assert lines[-1].startswith(f"armsim {command or 'gui'}: error: ") and words in lines[-1], lines[-1]
    assert len(lines[-1]) < 250 and all(ln.startswith(("usage:", " ")) for ln in lines[:-1])
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- the eta meter (no window needed)
def test_the_eta_meter_reads_a_reach_setup_through_its_verdict():
    from armsim.gui.eta_meter import reading
    p = Params(reach=(1.0, 1.5), relative=True, eta=0.05)
    w = np.radians([30.0, -10.0, 40.0])
    verdict, text, tip = reading(p.eta, w, p.lengths, p.learner, p)
    assert verdict == verdict_for(p, p.eta, w) != eta_verdict(p.eta, w, p.lengths)   # not the lateral one
    assert f"eta_crit = 2/\u03bb = {verdict.eta_crit:.4g}" in text and "2/S" not in text
    assert verdict.kind in text and tip == verdict.words


def test_the_eta_meter_reads_the_posts_task_as_before():
    from armsim.gui.eta_meter import reading
    w = np.radians(Params().angles_deg)
    for p in (Params(), Params(min_angles_deg=(-90,) * 3), Params(lengths=(1.0, 0.5, 2.0), eta=0.4)):
        verdict, text, tip = reading(p.eta, w, p.lengths, p.learner, p)
        assert (verdict, text, tip) == reading(p.eta, w, p.lengths, p.learner)      # the meter without params
        assert verdict == eta_verdict(p.eta, w, p.lengths) and f"eta_crit = 2/S = {verdict.eta_crit:.4g}" in text
    assert reading(0.1, w, None, "hotcold", Params(reach=(1.0, 1.0)))[0] is None


def test_the_json_start_and_final_poses_are_the_runs(capsys):
    """The positions the JSON prints are the run's (a check on what the reference is compared with)."""
    p = Params(reach=(-1.0, 0.5), relative=True, eta=0.05, epochs=30, max_angles_deg=(60, 60, 60))
    doc = json.loads(run_cli(capsys, "solve", "--json", "--reach", "-1", "0.5", "--relative", "--eta", "0.05",
                             "--epochs", "30", "--max-angles", "60", "60", "60")[1])
    r = solve(p)
    assert doc["errors"] == r.errors.tolist() and doc["final"]["x"] == r.positions(-1)[0].tolist()
