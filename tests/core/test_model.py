import math

import pytest

from armsim.core.params import MAX_EPOCHS, ParamError, Params


def test_defaults_are_the_posts_run():
    p = Params()
    assert p.angles_deg == (22.0, -20.0, 14.0)
    assert p.lengths == (1.0, 1.0, 1.0)
    assert (p.base, p.goal, p.eta, p.epochs, p.tol) == (0.0, 0.0, 0.075, 20, 0.0)


def test_round_trip_through_dict_is_exact():
    p = Params(angles_deg=(0.1, -179.5), lengths=(0.3, 2.5), base=0.7, target=-1.25, eta=1e-4, epochs=7,
               tol=1e-9, learner="hotcold")
    assert Params.from_dict(p.to_dict()) == p


@pytest.mark.parametrize("changes, field", [
    ({"angles_deg": ()}, "angles"),
    ({"angles_deg": (1.0, math.nan)}, "angles[2]"),
    ({"angles_deg": "22 -20"}, "angles"),
    ({"lengths": (1.0, 1.0)}, "lengths"),
    ({"lengths": (1.0, -1.0, 1.0)}, "lengths[2]"),
    ({"eta": 0.0}, "eta"),
    ({"eta": math.inf}, "eta"),
    ({"eta": True}, "eta"),
    ({"epochs": -1}, "epochs"),
    ({"epochs": 2.5}, "epochs"),
    ({"epochs": MAX_EPOCHS + 1}, "epochs"),
    ({"tol": -1e-3}, "tol"),
    ({"base": 1e300}, "base"),
    ({"target": "high"}, "target"),
    ({"eta": "0.5"}, "eta"),                      # text that float() would parse is still text
    ({"angles_deg": (22.0, "-20", 14.0)}, "angles[2]"),
    ({"base": b"0"}, "base"),
    ({"learner": "newton"}, "learner"),
])
def test_bad_values_name_their_field(changes, field):
    with pytest.raises(ParamError) as err:
        Params(**changes)
    assert err.value.field == field
    assert field in str(err.value)


def test_history_size_is_bounded():
    with pytest.raises(ParamError, match="epochs x links"):
        Params(angles_deg=(1.0,) * 1000, epochs=MAX_EPOCHS)


def test_from_dict_rejects_unknown_keys_and_non_tables():
    with pytest.raises(ParamError, match="unknown setting"):
        Params.from_dict({"angles_deg": [1.0], "speed": 3})
    with pytest.raises(ParamError, match="table"):
        Params.from_dict([1, 2])


def test_reachability():
    assert Params(angles_deg=(0, 0), target=2.0).reachable
    assert not Params(angles_deg=(0, 0), target=2.5).reachable
