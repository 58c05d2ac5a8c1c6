"""``armsim map``: a basin map or an error landscape over two joints, headless, to .npz, .png or .svg.

The command line's front for :mod:`armsim.core.basin` and :mod:`armsim.core.landscape`: the
solve flags set the run, ``--kind`` the map, ``--joints I J`` the two joints (numbered from 1),
``--grid N`` its size, ``--out`` the file (its extension the format). Bad input exits 2 with
one line; Qt loads only for a picture.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from armsim.core.params import ParamError, shown

MAP_FORMATS = (".npz", ".png", ".svg")
MAP_FLAGS = {"i": "--joints", "j": "--joints", "grid": "--grid", "n": "--grid", "tol": "--tol"}


def headless_qt() -> None:
    """Without a display, Qt draws offscreen (set before Qt loads: no window system is looked for)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def add_map_parser(sub, add_param_flags, count_type) -> argparse.ArgumentParser:
    map_p = sub.add_parser("map", help="write a basin map or an error landscape over two joints",
                           description="Over a grid of two joints' start angles (the others at their start): "
                                       "a basin map colours each start by the epochs the learner and eta need "
                                       "to reach --tol (-1 in the .npz where it diverged, epochs + 1 where it "
                                       "did not get there); a landscape shows the error of each pose.")
    add_param_flags(map_p)
    m = map_p.add_argument_group("the map")
    m.add_argument("--kind", choices=("basin", "landscape"), default="basin", help="default basin")
    m.add_argument("--joints", nargs=2, type=count_type, default=[1, 2], metavar=("I", "J"),
                   help="the two joints, numbered from 1 (default 1 2)")
    m.add_argument("--grid", type=count_type, default=128, metavar="N", help="starts per axis (default 128)")
    m.add_argument("--out", required=True, metavar="FILE", help="the file: .npz (the numbers), .png or .svg")
    map_p.set_defaults(parser=map_p)
    return map_p


def run_map(args: argparse.Namespace, parser: argparse.ArgumentParser, params_from, check_out_path) -> int:
    """Compute the map, write it atomically, print one line."""
    from armsim.io import media
    out = args.out
    ext = os.path.splitext(out)[1].lower()
    if ext not in MAP_FORMATS:
        parser.error(f"argument --out: must end in {', '.join(MAP_FORMATS)}, got {shown(out)}")
    try:
        check_out_path(out)
    except media.OptionError as e:
        parser.error(f"argument --out: {e.rule}")
    params = params_from(args, parser)
    i, j = (k - 1 for k in args.joints)
    started = time.perf_counter()
    try:
        if args.kind == "basin":
            from armsim.core.basin import basin_map
            grid = basin_map(params, i, j, args.grid)
            arrays = {"w_i": grid.w_i, "w_j": grid.w_j, "epochs": grid.epochs}
        else:
            from armsim.core.landscape import landscape_for
            grid = landscape_for(params, i, j, n=args.grid)
            arrays = {"w_i": grid.wi_deg, "w_j": grid.wj_deg, "errors": grid.errors.T}
    except ParamError as e:
        parser.error(f"argument {MAP_FLAGS.get(e.field, e.field)}: {e.rule}")
    try:
        if ext == ".npz":
            from armsim.io.maps import write_npz
            write_npz(out, **arrays)
        else:
            headless_qt()
            from armsim.render.map_figure import export_map  # Qt is imported here, only on this path
            export_map(params, args.kind, arrays, (i, j), out)
    except OSError as e:
        print(f"armsim map: error: could not write {out}: {e.strerror or e}", file=sys.stderr)
        return 1
    n = len(arrays["w_i"])
    what = f"{args.kind} map of joints {i + 1} and {j + 1}, {n} x {n}"
    if args.kind == "basin":
        e = arrays["epochs"]
        what += (f": {np.count_nonzero((e >= 0) & (e <= params.epochs))} reached the tolerance, "
                 f"{np.count_nonzero(e == -1)} diverged, {np.count_nonzero(e == params.epochs + 1)} did not get there")
    print(f"wrote {out}: {what}; took {time.perf_counter() - started:.2f} s")
    return 0
