"""A joint free on one side beside limited joints: None in Params, null in JSON, "free" in files and on the
command line (no stand-in number such as -1e6 that a file or a printout would show as a limit)."""
import json
import math
import tomllib

import pytest

from armsim import Params, solve
from armsim.core.params import ParamError
from armsim.io import scenario
from tests.core.reference_2d import ref_run
from tests.helpers import GOOD, good, run_cli, write

MIXED = Params(angles_deg=(30.0, -20.0, 40.0), reach=(-0.5, 1.2), relative=True, eta=0.2, epochs=200, tol=1e-8,
               min_angles_deg=(None, -60.0, None), max_angles_deg=(90.0, None, 60.0))


def test_params_hold_a_free_side_as_none_and_all_free_as_no_limits():
    assert MIXED.min_angles_deg == (None, -60.0, None) and MIXED.limited
    assert MIXED.limits_deg == ((-math.inf, -60.0, -math.inf), (90.0, math.inf, 60.0))
    assert Params(min_angles_deg=(None, None, None)) == Params() and Params(min_angles_deg=(None,) * 3).is_post
    with pytest.raises(ParamError, match=r"min_angles\[2\]: must be a finite number"):
        Params(min_angles_deg=(None, math.inf, None))
    with pytest.raises(ParamError, match="one limit per link"):
        Params(min_angles_deg=(None, None))


def test_a_run_with_free_sides_is_the_references():
    result = solve(MIXED)
    poses, errors, status = ref_run(MIXED.angles_deg, MIXED.lengths, MIXED.base, ("reach", *MIXED.reach), True,
                                    MIXED.min_angles_deg, MIXED.max_angles_deg, "gradient", MIXED.eta, MIXED.epochs,
                                    MIXED.tol)
    assert result.status == status and result.epochs_run == len(poses) - 1
    assert max(abs(a - b) for row, ref in zip(result.angles.tolist(), poses) for a, b in zip(row, ref)) <= 1e-12


def test_the_command_line_takes_free_and_prints_null(capsys):
    code, out, err = run_cli(capsys, "solve", "--json", "--angles", "30", "-20", "40", "--relative", "--reach",
                             "-0.5", "1.2", "--min-angles", "free", "-60", "FREE", "--max-angles", "90", "free", "60",
                             "--eta", "0.2", "--epochs", "200", "--tol", "1e-8")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["params"]["min_angles_deg"] == [None, -60.0, None]
    assert doc["params"]["max_angles_deg"] == [90.0, None, 60.0]
    assert doc["epochs_run"] == solve(MIXED).epochs_run


@pytest.mark.parametrize("word", ["fre", "none", "inf"])
def test_a_wrong_word_for_a_limit_is_one_line_naming_the_flag(capsys, word):
    code, out, err = run_cli(capsys, "solve", "--min-angles", word, "-60", "0")
    assert code == 2 and out == ""
    last = err.strip().splitlines()[-1]          # under argparse's usage lines
    assert last.startswith("armsim solve: error: argument --min-angles: ") and "or 'free' for none" in last


def test_scenario_files_write_free_and_read_it_back(tmp_path):
    text = scenario.dumps(MIXED)
    doc = tomllib.loads(text)["params"]
    assert doc["min_angles_deg"] == ["free", -60.0, "free"] and doc["max_angles_deg"] == [90.0, "free", 60.0]
    assert scenario.load(scenario.save(tmp_path / "m.toml", MIXED)).params == MIXED


@pytest.mark.parametrize("value, key, words", [
    ('["frei", -90, -90]', "params.min_angles_deg[1]", 'must be a number or "free"'),
    ('[-90, true, -90]', "params.min_angles_deg[2]", 'must be a number or "free"'),
    ('"free"', "params.min_angles_deg", "must be an array"),
])
def test_a_bad_limit_in_a_file_is_named(tmp_path, value, key, words):
    with pytest.raises(scenario.ScenarioError) as caught:
        scenario.load(write(tmp_path, good(min_angles_deg=value)))
    assert caught.value.key == key and words in str(caught.value)
    assert GOOD                                                    # the file the others start from
