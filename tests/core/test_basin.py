"""Basin maps: every start run at once by the batch, each pixel what `armsim solve` says from that start."""
import json

import numpy as np
import pytest

from armsim import Params, solve
from armsim.core.basin import basin_map, critical_eta_grid
from armsim.core.params import ParamError
from tests.helpers import run_cli

SETUPS = {
    "post-gradient": Params(angles_deg=(30.0, -10.0, 50.0), eta=0.6, epochs=120, tol=1e-8),
    "reach-relative-momentum": Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), relative=True,
                                      learner="momentum", momentum=0.6, eta=0.2, epochs=150, tol=1e-8),
    "reach-lm-limits": Params(angles_deg=(30.0, -10.0, 50.0), reach=(-0.5, 1.6), learner="lm", eta=1.0,
                              epochs=60, tol=1e-10, min_angles_deg=(-120.0, None, -170.0),
                              max_angles_deg=(160.0, None, 170.0)),
    "diverging": Params(angles_deg=(0.0, 0.0), eta=1.4, epochs=60, tol=1e-8),
}


def expected(p, result):
    return result.epochs_run if result.status == "converged" else -1 if result.status == "diverged" else p.epochs + 1


@pytest.mark.parametrize("p", SETUPS.values(), ids=SETUPS.keys())
def test_sampled_pixels_equal_solve_from_those_starts(p):
    basin = basin_map(p, 0, 1, 41)
    assert basin.epochs.shape == (41, 41)
    rng = np.random.default_rng(1)
    for r, c in [(0, 0), (40, 40), (20, 7)] + [tuple(v) for v in rng.integers(0, 41, (25, 2))]:
        angles = list(p.angles_deg)
        angles[0], angles[1] = basin.w_i[c], basin.w_j[r]
        one = solve(p.with_(angles_deg=tuple(angles)))
        assert basin.epochs[r, c] == expected(p, one), (r, c, one.status, one.reason)


def test_the_diverging_map_has_diverged_starts_and_converged_ones():
    basin = basin_map(SETUPS["diverging"], 0, 1, 61)
    assert basin.diverged.any() and (basin.epochs >= 0).any()


def test_axes_follow_the_joint_limits():
    basin = basin_map(SETUPS["reach-lm-limits"], 0, 2, 9)
    assert (basin.w_i[0], basin.w_i[-1]) == (-120.0, 160.0) and (basin.w_j[0], basin.w_j[-1]) == (-170.0, 170.0)


def test_the_stability_line_is_the_meters_eta_crit():
    from armsim.core.verdict import verdict_for
    p = SETUPS["post-gradient"]
    basin = basin_map(p, 0, 1, 11)
    crit = critical_eta_grid(basin)
    for r, c in ((0, 0), (5, 3), (10, 10)):
        angles = list(p.angles_deg)
        angles[0], angles[1] = basin.w_i[c], basin.w_j[r]
        assert crit[r, c] == pytest.approx(verdict_for(p.with_(angles_deg=tuple(angles))).eta_crit, rel=1e-12)
    assert critical_eta_grid(basin_map(p.with_(learner="adam", eta=0.05), 0, 1, 5)) is None


@pytest.mark.parametrize("kw, field, words", [
    (dict(i=0, j=0), "j", "must differ"), (dict(i=0, j=5), "j", "from 1 to 3"), (dict(n=1), "grid", "from 2"),
    (dict(n=5000), "grid", "from 2"), (dict(params=Params(tol=0.0)), "tol", "greater than 0"),
    (dict(params=Params(epochs=100_000, tol=1e-6), n=1000), "grid", "arm-epochs"),
])
def test_bad_maps_are_refused_by_name(kw, field, words):
    params = kw.pop("params", Params(tol=1e-6))
    args = dict(i=0, j=1, n=8) | kw
    with pytest.raises(ParamError) as caught:
        basin_map(params, args["i"], args["j"], args["n"])
    assert caught.value.field == field and words in caught.value.rule


def test_armsim_map_writes_the_npz_the_issue_names(capsys, tmp_path):
    out = tmp_path / "b.npz"
    code, text, err = run_cli(capsys, "map", "--kind", "basin", "--joints", "1", "3", "--grid", "16", "--angles",
                              "30", "-10", "50", "--eta", "0.6", "--epochs", "120", "--tol", "1e-8", "--out", str(out))
    assert code == 0, err
    assert text.startswith(f"wrote {out}: basin map of joints 1 and 3, 16 x 16")
    with np.load(out) as f:
        assert sorted(f.files) == ["epochs", "w_i", "w_j"]
        w_i, w_j, epochs = f["w_i"], f["w_j"], f["epochs"]
    assert epochs.shape == (len(w_j), len(w_i)) == (16, 16)
    p = SETUPS["post-gradient"]
    for r, c in ((0, 0), (3, 11), (15, 8)):
        code, doc, _ = run_cli(capsys, "solve", "--json", "--angles", str(w_i[c]), "-10", str(w_j[r]), "--eta",
                               "0.6", "--epochs", "120", "--tol", "1e-8")
        one = json.loads(doc)
        want = one["epochs_run"] if one["status"] == "converged" else -1 if one["status"] == "diverged" \
            else p.epochs + 1
        assert epochs[r, c] == want


def test_armsim_map_landscape_npz(capsys, tmp_path):
    out = tmp_path / "l.npz"
    code, _, err = run_cli(capsys, "map", "--kind", "landscape", "--reach", "1.5", "1.2", "--grid", "12",
                           "--out", str(out))
    assert code == 0, err
    with np.load(out) as f:
        assert f["errors"].shape == (12, 12)
        from armsim.core.landscape import landscape_for
        land = landscape_for(Params(reach=(1.5, 1.2)), 0, 1, n=12)
        assert np.array_equal(f["errors"], land.errors.T) and np.array_equal(f["w_i"], land.wi_deg)


@pytest.mark.parametrize("args, flag, words", [
    (["--tol", "1e-6", "--out", "m.txt"], "--out", "must end in .npz"),
    (["--out", "m.npz"], "--tol", "greater than 0"),
    (["--tol", "1e-6", "--joints", "2", "2", "--out", "m.npz"], "--joints", "must differ"),
    (["--tol", "1e-6", "--joints", "1", "7", "--out", "m.npz"], "--joints", "from 1 to 3"),
    (["--tol", "1e-6", "--grid", "1", "--out", "m.npz"], "--grid", "from 2"),
    (["--tol", "1e-6", "--kind", "maze", "--out", "m.npz"], "--kind", "invalid choice"),
    (["--tol", "1e-6"], "--out", "required"),
])
def test_bad_map_input_exits_2_with_one_line(capsys, tmp_path, monkeypatch, args, flag, words):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "map", *args)
    last = err.strip().splitlines()[-1]
    assert code == 2 and out == "" and words in last and (flag in last or "required" in last), last
    assert list(tmp_path.iterdir()) == []
