"""The command line: ``armsim`` (window), ``armsim gui``, ``armsim solve``, ``armsim render``, ``map``, ``train``.

Only the window's and ``render``'s paths import Qt (on demand), so
``armsim solve`` runs on a machine with no display and prints the seed post's
numbers. Every bad input ends with exit status 2 and one line on stderr naming
the argument and the rule; a run that diverges is a result, not an error.

The model's options are flags of every run: ``--reach X Y`` (a point to reach
instead of the post's height), ``--relative`` (each angle to the previous
link) and ``--min-angles`` / ``--max-angles`` (joint limits, one per link,
either alone). Without them every output is the post's, byte for byte;
``solve --json`` carries them in ``params`` as :meth:`Params.to_dict` does.

``armsim render --out FILE`` solves headless, then draws the run offscreen
(``QT_QPA_PLATFORM=offscreen`` when no display is set): a figure of one epoch
(``.png``, ``.svg``) or a video of the whole run (``.gif``, ``.mp4``). Its
options are checked before the run is solved (exit 2, naming the flag; an
``--out`` whose directory is missing or not writable is bad input too); a
video's length, a GIF's memory and whether its folder has room for the smallest
such file are checked once the run is solved, before any frame is drawn (exit 2
too). A write that still fails (the disk fills, a file system gone read-only,
the encoder fails) stops at once, prints one line and exits 1, leaving no
partial file and the old one as it was.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
from typing import Sequence

from armsim import __version__
from armsim.core.params import (
    DEFAULT_DAMPING,
    DEFAULT_MOMENTUM,
    LEARNERS,
    MAX_EPOCHS,
    POST_ANGLES_DEG,
    POST_EPOCHS,
    POST_ETA,
    ParamError,
    Params,
    shown,
)
from armsim.core.run import DIVERGENCE_RULE, Result, solve
from armsim.io import media
from armsim.map_command import add_map_parser, headless_qt, run_map
from armsim.train_command import add_train_parser, run_train

# Which flag each Params field comes from, to phrase the model's errors in the user's words.
FLAGS = {"angles": "--angles", "lengths": "--lengths", "base": "--base", "target": "--target", "eta": "--eta",
         "epochs": "--epochs", "tol": "--tol", "learner": "--learner", "reach": "--reach", "relative": "--relative",
         "min_angles": "--min-angles", "max_angles": "--max-angles", "momentum": "--momentum",
         "damping": "--damping"}


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {shown(text)}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {shown(text)}")
    if value == 0.0 and re.search(r"[1-9]", text.lower().split("e")[0]):
        raise argparse.ArgumentTypeError(f"{shown(text)} is too small to represent (it would round to 0)")
    return value


def _limit(text: str) -> float | None:
    """A joint limit: a number, or ``free`` for a joint without a limit on that side."""
    if text.strip().lower() == "free":
        return None
    try:
        return _number(text)
    except argparse.ArgumentTypeError as e:
        raise argparse.ArgumentTypeError(f"{e} (a limit is a number of degrees, or 'free' for none)") from None


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {shown(text)}") from None


def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX\u00d7]\s*(\d+)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels such as 1920x1080, got {shown(text)}")
    try:
        return int(m.group(1)), int(m.group(2))
    except ValueError:            # more digits than int() takes
        raise argparse.ArgumentTypeError(f"width and height must be 16 to 7680 pixels, got {shown(text)}") from None


class _Formatter(argparse.HelpFormatter):
    """Usage and help that show ``--reach X Y``: a tuple metavar on ``nargs="*"`` names the values wanted
    (their count is checked later, in words), where argparse would print ``[X [Y ...]]``."""

    def _format_args(self, action, default_metavar):
        if action.nargs == "*" and isinstance(action.metavar, tuple):
            return " ".join(action.metavar)
        return super()._format_args(action, default_metavar)


class _Parser(argparse.ArgumentParser):
    """argparse that reads ``-1e-3`` and ``-inf`` as values, takes no abbreviated flag (``--et``) and no
    flag twice (argparse would silently keep the last value)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        # -1e-3 and -inf are values; so is -1920x1080 (a bad --size, said as such, not "expected one argument")
        self._negative_number_matcher = re.compile(
            r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$|^-\d+\s*[xX\u00d7]\s*\d+$", re.IGNORECASE)

    def parse_known_args(self, args=None, namespace=None):
        seen = set()
        for token in args or ():
            if token == "--":
                break
            flag = token.split("=", 1)[0]
            action = self._option_string_actions.get(flag)
            if action is None or isinstance(action, argparse._SubParsersAction):
                continue
            if action.dest in seen:
                self.error(f"argument {'/'.join(action.option_strings)}: given more than once; give each flag once")
            seen.add(action.dest)
        return super().parse_known_args(args, namespace)


def add_param_flags(p: argparse.ArgumentParser) -> None:
    """The flags that describe one run, shared by ``gui``, ``solve`` and ``render``."""
    g = p.add_argument_group("the arm and the run (defaults reproduce the post)")
    g.add_argument("--angles", nargs="+", type=_number, metavar="DEG", default=list(POST_ANGLES_DEG),
                   help="start angle of each link in degrees, from horizontal (with --relative: from the "
                        "previous link); default 22 -20 14")
    g.add_argument("--lengths", nargs="+", type=_number, metavar="L",
                   help="length of each link (default: 1 for every link)")
    g.add_argument("--base", type=_number, default=0.0, metavar="Y0", help="lateral position of the base (default 0)")
    g.add_argument("--target", type=_number, metavar="Y",
                   help="the height the end point should go to (default: the base's); not with --reach")
    g.add_argument("--eta", type=_number, default=POST_ETA, help=f"learning rate (default {POST_ETA})")
    g.add_argument("--epochs", type=_count, default=POST_EPOCHS, metavar="N",
                   help=f"most updates to run, 0 to {MAX_EPOCHS:,} (default {POST_EPOCHS})")
    g.add_argument("--tol", type=_number, default=0.0, help="stop once the error is below this (default 0: never)")
    g.add_argument("--learner", choices=LEARNERS, default="gradient",
                   help="gradient descent (the post), hot-and-cold (seed 004), momentum (heavy ball), adam, "
                        "lm (damped least squares), ccd (cyclic coordinate descent) or fabrik (a point to reach "
                        "only); default gradient")
    g.add_argument("--momentum", type=_number, default=DEFAULT_MOMENTUM, metavar="BETA",
                   help=f"momentum's beta, 0 to below 1 (default {DEFAULT_MOMENTUM:g})")
    g.add_argument("--damping", type=_number, default=DEFAULT_DAMPING, metavar="LAMBDA",
                   help=f"lm's damping lambda, 0 (Gauss-Newton) or more (default {DEFAULT_DAMPING:g})")
    o = p.add_argument_group("the model's options (default: none, the post's task)")
    # nargs="*", not 2: none, one or three numbers are then said as such ("--reach: ... got 3"), not as
    # argparse's "expected 2 arguments" or a stray "unrecognized arguments: 3" that names no flag.
    o.add_argument("--reach", nargs="*", type=_number, metavar=("X", "Y"),
                   help="reach the point (X, Y) instead of a height: the error is half the squared distance "
                        "from the end point (the base is at (0, Y0)); not with --target")
    o.add_argument("--relative", action="store_true",
                   help="each angle (--angles, the limits) is the link's angle to the previous link, the "
                        "first one's to horizontal (a robot's joints); default: every angle from horizontal")
    o.add_argument("--min-angles", nargs="+", type=_limit, metavar="DEG",
                   help="joint limits: each angle's least value in degrees, one per link, 'free' for a joint "
                        "without one (default: none)")
    o.add_argument("--max-angles", nargs="+", type=_limit, metavar="DEG",
                   help="joint limits: each angle's greatest value in degrees, one per link, 'free' for a "
                        "joint without one (default: none)")


def _tuple(values: list | None) -> tuple | None:
    return None if values is None else tuple(values)


def params_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Params:
    """Validated Params from parsed flags; a broken rule exits 2 naming the flag."""
    if args.reach is not None and len(args.reach) != 2:
        parser.error(f"argument --reach: expected two numbers X Y (the point to reach), got {len(args.reach)}")
    if args.reach is not None and args.target is not None:
        parser.error("argument --reach: not allowed with --target: --target is the height of the post's task, "
                     "--reach a point X Y to reach instead; give one of them")
    try:
        return Params(angles_deg=tuple(args.angles), lengths=_tuple(args.lengths), base=args.base,
                      target=args.target, eta=args.eta, epochs=args.epochs, tol=args.tol, learner=args.learner,
                      momentum=args.momentum, damping=args.damping,
                      reach=_tuple(args.reach), relative=args.relative, min_angles_deg=_tuple(args.min_angles),
                      max_angles_deg=_tuple(args.max_angles))
    except ParamError as e:
        name = e.field.split("[")[0]
        where = e.field[len(name):]
        parser.error(f"argument {FLAGS.get(name, name)}{' value ' + where.strip('[]') if where else ''}: {e.rule}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="armsim", description="An n-link arm learns to reach its target by gradient descent.")
    parser.add_argument("--version", action="version", version=f"armsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{gui,solve,render,map,train}", parser_class=_Parser)

    solve_p = sub.add_parser("solve", help="run the solver and print the poses (no window)",
                             description="Run the solver headless. Line 1: the start pose's lateral positions, "
                                         "line 2: the final pose's, as the post prints them; line 3: the final "
                                         f"error and why the run stopped. Divergence: {DIVERGENCE_RULE}.")
    add_param_flags(solve_p)
    solve_p.add_argument("--json", action="store_true", help="print one strict JSON object instead")
    solve_p.add_argument("--out", metavar="FILE", help="also write the history, every epoch, as the window "
                                                       "exports it: FILE.csv or FILE.json")
    solve_p.set_defaults(parser=solve_p)

    render_p = sub.add_parser("render", help="write a figure (.png .svg) or a video (.gif .mp4) of a run",
                              description="Solve the run headless, then draw it offscreen: a figure of one epoch "
                                          "(.png, .svg) or a video of the whole run (.gif, .mp4), the format "
                                          "taken from --out's extension. The arm (red dashed start pose, green "
                                          "pose, fading trail, dashed target line) beside the error curve, "
                                          "under a title line. Prints one line: what was written.")
    add_param_flags(render_p)
    out = render_p.add_argument_group("the picture")
    out.add_argument("--out", required=True, metavar="FILE", help="the file to write: .png, .svg, .gif or .mp4")
    out.add_argument("--size", type=_size, metavar="WxH",
                     help="width x height in pixels, each 16 to 7680, even for .mp4 (default 1920x1080)")
    out.add_argument("--epoch", type=_count, metavar="J",
                     help="figures: the epoch shown, 0 (the start) to the last (default: the last)")
    out.add_argument("--fps", type=_count, metavar="N",
                     help=f"videos: frames per second, 1 to {media.MAX_FPS} (.gif: to {media.MAX_GIF_FPS}); "
                          "default 30")
    out.add_argument("--frames-per-epoch", type=_count, metavar="K",
                     help=f"videos: frames per epoch, 1 to {media.MAX_FRAMES_PER_EPOCH}; those between two epochs "
                          "interpolate the pose (default 1)")
    out.add_argument("--hold", type=_number, metavar="SECONDS",
                     help=f"videos: show the last frame this much longer, 0 to {media.MAX_HOLD:g} (default 0)")
    render_p.set_defaults(parser=render_p)

    add_map_parser(sub, add_param_flags, _count)
    add_train_parser(sub, _number, _count)

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


HISTORY_FORMATS = (".csv", ".json")


def run_solve(params: Params, as_json: bool, out: str | None = None) -> None:
    result = solve(params)
    if out is not None:
        from armsim.io import history  # written atomically: the old file stays whole if this fails
        (history.write_csv if out.lower().endswith(".csv") else history.write_json)(out, result)
    if as_json:
        print(json.dumps(result_json(result), allow_nan=False))
        return
    print(tuple(result.positions(0)[1].tolist()))
    print(tuple(result.positions(-1)[1].tolist()))
    print(f"final error {result.errors[-1]:.6g} after {result.epochs_run} epochs: {result.status} ({result.reason})")


# Which flag each export option comes from (armsim.io.media.OptionError.option).
RENDER_FLAGS = {"path": "--out", "size": "--size", "epoch": "--epoch", "fps": "--fps",
                "frames_per_epoch": "--frames-per-epoch", "hold": "--hold", "epochs": "--epochs"}
VIDEO_ONLY = ("fps", "frames_per_epoch", "hold")


def check_out_path(path: str) -> None:
    """Refuse, before any work, a file that cannot be written: no folder, a folder, not writable, a name too long."""
    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        why = "is not a directory" if os.path.exists(folder) else "does not exist"
        raise media.OptionError("path", f"{shown(folder)} {why}")
    if os.path.isdir(target):
        raise media.OptionError("path", f"{shown(target)} is a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise media.OptionError("path", f"the directory {shown(folder)} is not writable")
    name_max = os.pathconf(folder, "PC_NAME_MAX") if hasattr(os, "pathconf") else 255
    if len(os.fsencode(os.path.basename(target))) > name_max:
        raise media.OptionError("path", f"the file name is too long ({len(os.path.basename(target)):,} "
                                        f"characters; at most {name_max})")


def _render_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict:
    """The checked export options of ``armsim render``; a broken rule exits 2 naming the flag."""
    try:
        ext = media.check_format(args.out)
        check_out_path(args.out)
        size = args.size or media.DEFAULT_SIZE
        if ext in media.FIGURE_FORMATS:
            given = [name for name in VIDEO_ONLY if getattr(args, name) is not None]
            if given:
                raise media.OptionError(given[0], "only for videos (.gif, .mp4); a figure shows one epoch")
            return {"ext": ext, "size": media.check_size(size), "epoch": -1 if args.epoch is None else args.epoch}
        if args.epoch is not None:
            raise media.OptionError("epoch", "only for figures (.png, .svg); a video shows every epoch")
        fps = 30 if args.fps is None else args.fps
        k = 1 if args.frames_per_epoch is None else args.frames_per_epoch
        hold = 0.0 if args.hold is None else args.hold
        ext, size, fps, k, hold = media.check_video(args.out, size, fps, k, hold)
        return {"ext": ext, "size": size, "fps": fps, "frames_per_epoch": k, "hold": hold}
    except media.OptionError as e:
        parser.error(f"argument {RENDER_FLAGS.get(e.option, e.option)}: {e.rule}")


def run_render(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """``armsim render``: check the options, solve, draw offscreen, write atomically, print one line."""
    options = _render_options(args, parser)
    result = solve(params_from(args, parser))
    if options["ext"] in media.VIDEO_FORMATS:
        _check_video_room(args.out, result, options, parser)
    headless_qt()
    from armsim.render.figure import export_figure  # Qt is imported here, only on this path
    from armsim.render.video import Cancelled, export_video
    started = time.perf_counter()
    w, h = options["size"]
    stop, restore = _stop_on_signals()
    try:
        if options["ext"] in media.FIGURE_FORMATS:
            j = export_figure(result, args.out, options["size"], options["epoch"])
            line = f"1 frame (epoch {j} of {result.epochs_run}), {w}x{h}"
        else:
            info = export_video(result, args.out, size=options["size"], fps=options["fps"],
                                frames_per_epoch=options["frames_per_epoch"], hold=options["hold"],
                                progress=_progress_meter() if sys.stderr.isatty() else None, cancel=stop.is_set)
            line = f"{info.frames} frames, {w}x{h}, {info.seconds:.2f} s at {info.fps} fps"
    except Cancelled:
        print(f"armsim render: stopped by {signal.Signals(stop.signum).name}; {args.out} is as it was",
              file=sys.stderr)
        return 128 + stop.signum
    except media.OptionError as e:          # rules that need the solved run: --epoch's range, a video's length
        parser.error(f"argument {RENDER_FLAGS.get(e.option, e.option)}: {e.rule}")
    except OSError as e:
        print(f"armsim render: error: could not write {args.out}: {e.strerror or e}", file=sys.stderr)
        return 1
    finally:
        restore()
    print(f"wrote {args.out}: {line}; took {time.perf_counter() - started:.2f} s")
    return 0


def _check_video_room(out: str, result: Result, options: dict, parser: argparse.ArgumentParser) -> None:
    """Before Qt loads and any frame is drawn: the rules that need the solved run (a video's length, a
    GIF's memory) and room for the file (at least what the smallest such video takes); exits 2."""
    plan = media.schedule(result.epochs_run, options["frames_per_epoch"], options["fps"], options["hold"])
    try:
        media.check_total_frames(plan.total, options["fps"])
        if options["ext"] == ".gif":
            media.check_gif_memory(plan.animated, options["size"])
        media.check_space(out, options["size"], plan.total)
    except media.OptionError as e:
        parser.error(f"argument {RENDER_FLAGS.get(e.option, e.option)}: {e.rule}")


def _stop_on_signals():
    """While rendering, Ctrl-C and SIGTERM only set a flag that the frame loop reads between frames.

    An exception raised from a signal handler can land inside a pyqtgraph paint, which catches
    and prints it ("Ignored exception") and renders on; a flag cannot be lost. Returns the flag
    (its ``signum`` says which signal) and the undo.
    """
    stop = threading.Event()
    stop.signum = 0
    if threading.current_thread() is not threading.main_thread():
        return stop, lambda: None

    def handler(signum, _frame):
        stop.signum = signum
        stop.set()
    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    return stop, lambda: [signal.signal(s, h) for s, h in previous.items()]


def _progress_meter():
    """``progress(done, total)`` that redraws one status line on a terminal's stderr."""
    def progress(done: int, total: int) -> None:
        print(f"\rframe {done} / {total}", end="\n" if done == total else "", file=sys.stderr, flush=True)
    return progress


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "gui")           # `armsim --eta 0.1` is the window's flags: `armsim gui --eta 0.1`
    args, extra = parser.parse_known_args(argv)
    if extra:   # reported by the subcommand's parser, so the message names the subcommand
        getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
    command = args.command or "gui"
    try:
        if command == "solve":
            params = params_from(args, args.parser)
            if args.out is not None:
                try:
                    if not args.out.lower().endswith(HISTORY_FORMATS):
                        raise media.OptionError("path", f"must end in .csv or .json, got {shown(args.out)}")
                    check_out_path(args.out)
                except media.OptionError as e:
                    args.parser.error(f"argument --out: {e.rule}")
            try:
                run_solve(params, args.json, args.out)
            except BrokenPipeError:
                # The reader went away (`armsim solve | head`), as a shell tool's reader may: no message,
                # and stdout pointed at nothing so the interpreter's own flush at exit stays quiet too.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return 1
            except OSError as e:
                where = args.out if args.out is not None else "the standard output"
                print(f"armsim solve: error: could not write {where}: {e.strerror or e}", file=sys.stderr)
                return 1
            return 0
        if command == "render":
            return run_render(args, args.parser)
        if command == "map":
            return run_map(args, args.parser, params_from, check_out_path)
        if command == "train":
            return run_train(args, args.parser)
        params = params_from(args, args.parser) if args.command else None   # None: the last session's setup
        if getattr(args, "scenario", None):
            from armsim.io.scenario import ScenarioError, load
            try:
                load(args.scenario)          # checked here, Qt-free, so a bad file exits 2 before any window
            except ScenarioError as e:
                args.parser.error(f"argument --scenario: {e}")
        from armsim.gui.state import window_problem  # Qt is imported here and only here
        problem = None if params is None else window_problem(params)
        if problem is not None:
            name = problem.field.split("[")[0]
            args.parser.error(f"argument {FLAGS.get(name, '--angles')}: {problem.rule}")
        from armsim.gui.app import main as gui_main
        return gui_main(params, run=getattr(args, "run", False), scenario=getattr(args, "scenario", None))
    except BrokenPipeError:          # `armsim solve | head`: the reader left; not our error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
