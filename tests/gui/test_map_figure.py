"""`armsim map --out FILE.png|.svg`: the basin map as a picture, black where a start diverged."""
import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image

from armsim import Params
from armsim.core.basin import basin_map
from tests.helpers import run_cli


def test_a_basin_png_shows_diverged_starts_black_and_the_stability_line(qapp, capsys, tmp_path):
    out = tmp_path / "b.png"
    args = ["map", "--angles", "0", "0", "--eta", "1.4", "--epochs", "60", "--tol", "1e-8", "--grid", "61",
            "--out", str(out)]
    code, text, err = run_cli(capsys, *args)
    assert code == 0, err
    rgb = np.asarray(Image.open(out).convert("RGB"))
    assert rgb.shape == (900, 1100, 3)
    basin = basin_map(Params(angles_deg=(0.0, 0.0), eta=1.4, epochs=60, tol=1e-8), 0, 1, 61)
    share = basin.diverged.mean()
    black = np.all(rgb < 10, axis=-1).mean()
    assert share > 0.01 and black > 0.5 * share              # the map fills most of the picture
    white = np.all(rgb > 245, axis=-1)
    inside = white[100:800, 150:1000]                        # white inside the map: the eta = eta_crit line
    assert inside.mean() > 0.002
    assert f"{np.count_nonzero(basin.diverged)} diverged" in text


def test_a_landscape_svg_parses(qapp, capsys, tmp_path):
    out = tmp_path / "l.svg"
    code, _, err = run_cli(capsys, "map", "--kind", "landscape", "--grid", "20", "--out", str(out))
    assert code == 0, err
    assert ET.parse(out).getroot().tag.endswith("svg")
