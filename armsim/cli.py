"""The command line: ``armsim`` (window), ``armsim gui``, ``armsim solve``, ``armsim render``.

Only the window's path imports Qt (inside :func:`main`, on demand), so
``armsim solve`` runs on a machine with no display and prints the seed post's
numbers. Every bad input ends with exit status 2 and one line on stderr naming
the argument and the rule; a run that diverges is a result, not an error.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Sequence

from . import __version__
from .model import MAX_EPOCHS, POST_ANGLES_DEG, POST_EPOCHS, POST_ETA, Params, ParamError
from .solvers import DIVERGENCE_RULE, Result, solve

# Which flag each Params field comes from, to phrase the model's errors in the user's words.
FLAGS = {"angles": "--angles", "lengths": "--lengths", "base": "--base", "target": "--target", "eta": "--eta",
         "epochs": "--epochs", "tol": "--tol", "learner": "--learner"}


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


class _Parser(argparse.ArgumentParser):
    """argparse that also reads ``-1e-3`` and ``-inf`` as values, not as unknown options."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$",
                                                   re.IGNORECASE)


def add_param_flags(p: argparse.ArgumentParser) -> None:
    """The flags that describe one run, shared by ``gui``, ``solve`` and ``render``."""
    g = p.add_argument_group("the arm and the run (defaults reproduce the post)")
    g.add_argument("--angles", nargs="+", type=_number, metavar="DEG", default=list(POST_ANGLES_DEG),
                   help="start angle of each link in degrees, from horizontal (default: 22 -20 14)")
    g.add_argument("--lengths", nargs="+", type=_number, metavar="L",
                   help="length of each link (default: 1 for every link)")
    g.add_argument("--base", type=_number, default=0.0, metavar="Y0", help="lateral position of the base (default 0)")
    g.add_argument("--target", type=_number, metavar="Y", help="where the end point should go (default: the base)")
    g.add_argument("--eta", type=_number, default=POST_ETA, help=f"learning rate (default {POST_ETA})")
    g.add_argument("--epochs", type=_count, default=POST_EPOCHS, metavar="N",
                   help=f"most updates to run, 0 to {MAX_EPOCHS:,} (default {POST_EPOCHS})")
    g.add_argument("--tol", type=_number, default=0.0, help="stop once the error is below this (default 0: never)")
    g.add_argument("--learner", choices=("gradient", "hotcold"), default="gradient",
                   help="gradient descent (the post) or hot-and-cold (seed 004); default gradient")


def params_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Params:
    """Validated Params from parsed flags; a broken rule exits 2 naming the flag."""
    try:
        return Params(angles_deg=tuple(args.angles), lengths=None if args.lengths is None else tuple(args.lengths),
                      base=args.base, target=args.target, eta=args.eta, epochs=args.epochs, tol=args.tol,
                      learner=args.learner)
    except ParamError as e:
        name = e.field.split("[")[0]
        where = e.field[len(name):]
        parser.error(f"argument {FLAGS.get(name, name)}{' value ' + where.strip('[]') if where else ''}: {e.rule}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="armsim", description="An n-link arm learns to reach its target by gradient descent.")
    parser.add_argument("--version", action="version", version=f"armsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{gui,solve,render}", parser_class=_Parser)

    solve_p = sub.add_parser("solve", help="run the solver and print the poses (no window)",
                             description="Run the solver headless. Line 1: the start pose's lateral positions, "
                                         "line 2: the final pose's, as the post prints them; line 3: the final "
                                         f"error and why the run stopped. Divergence: {DIVERGENCE_RULE}.")
    add_param_flags(solve_p)
    solve_p.add_argument("--json", action="store_true", help="print one strict JSON object instead")
    solve_p.set_defaults(parser=solve_p)

    gui_p = sub.add_parser("gui", help="open the window (the default)")
    add_param_flags(gui_p)
    gui_p.add_argument("--run", action="store_true", help="start the run at once")
    gui_p.add_argument("--scenario", metavar="FILE", help="open a scenario file (.toml)")
    gui_p.set_defaults(parser=gui_p)
    return parser


def _pose(result: Result, j: int) -> dict:
    x, y = result.positions(j)
    return {"angles_deg": result.epoch(j).angles_deg.tolist(), "x": x.tolist(), "y": y.tolist()}


def result_json(result: Result) -> dict:
    """The ``--json`` document: params, start and final poses, every error, status."""
    return {"params": result.params.to_dict(), "start": _pose(result, 0), "final": _pose(result, -1),
            "errors": result.errors.tolist(), "epochs_run": result.epochs_run, "status": result.status,
            "reason": result.reason}


def run_solve(params: Params, as_json: bool) -> None:
    result = solve(params)
    if as_json:
        print(json.dumps(result_json(result), allow_nan=False))
        return
    print(tuple(result.positions(0)[1].tolist()))
    print(tuple(result.positions(-1)[1].tolist()))
    print(f"final error {result.errors[-1]:.6g} after {result.epochs_run} epochs: {result.status} ({result.reason})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if extra:   # reported by the subcommand's parser, so the message names the subcommand
        getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
    command = args.command or "gui"
    try:
        if command == "solve":
            run_solve(params_from(args, args.parser), args.json)
            return 0
        params = params_from(args, args.parser) if args.command else Params()
        from .gui.app import main as gui_main     # Qt is imported here and only here
        return gui_main(params, run=getattr(args, "run", False), scenario=getattr(args, "scenario", None))
    except BrokenPipeError:          # `armsim solve | head`: the reader left; not our error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
