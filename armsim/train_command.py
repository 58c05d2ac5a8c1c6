"""``armsim train``: the arm trained on a data set, headless (the post's closing step).

The command line's front for :mod:`armsim.core.training`: ``--data FILE.csv`` or
``--dataset NAME`` the rows, ``--model``, ``--loss``, the arm (``--angles``,
``--lengths``), the run (``--eta``, ``--epochs``, ``--batch``, ``--learner``) and
the split (``--test-fraction``, ``--seed``). Plain output: the losses at the start
and the end, the final weights and, for the logistic loss, the accuracy;
``--json`` one strict JSON object. Bad flags exit 2 (argparse's usage, then one
line); a bad data file exits 2 with one line naming the file, the line and the
rule; a run that diverges is a result (exit 0). Qt-free.
"""
from __future__ import annotations

import argparse
import json
import math
import sys

from armsim.core.datasets import BUILT_IN, BUILT_IN_WORDS, DataError, built_in
from armsim.core.params import MAX_EPOCHS, POST_ANGLES_DEG, ParamError
from armsim.core.training import (
    LOSSES,
    MODELS,
    OFFSET_SOFTMAX_WORDS,
    TRAIN_DIVERGENCE,
    TRAIN_LEARNERS,
    SplitError,
    TrainResult,
    TrainSetup,
    train,
)

DEFAULT_ETA, DEFAULT_EPOCHS = 0.1, 200
TRAIN_FLAGS = {"angles": "--angles", "lengths": "--lengths", "eta": "--eta", "epochs": "--epochs",
               "batch": "--batch", "test_fraction": "--test-fraction", "seed": "--seed", "momentum": "--momentum",
               "model": "--model", "loss": "--loss", "learner": "--learner"}


def add_train_parser(sub, number, count) -> argparse.ArgumentParser:
    sets = "; ".join(f"{k}: {v}" for k, v in BUILT_IN_WORDS.items())
    p = sub.add_parser("train", help="train the arm on a data set of (x, label) rows (no window)",
                       description="Every example's arm has its base at the input x; the same weights serve "
                                   "every example and the end point Y(x) is the prediction. Full batch by "
                                   f"default: p <- p - eta grad E. Divergence: {TRAIN_DIVERGENCE}.")
    data = p.add_mutually_exclusive_group(required=True)
    data.add_argument("--data", metavar="FILE.csv", help="a CSV file with a header row x,label")
    data.add_argument("--dataset", choices=tuple(BUILT_IN), metavar="NAME", help=f"a built-in set ({sets})")
    m = p.add_argument_group("the model")
    m.add_argument("--model", choices=MODELS,
                   help="offset (the post: Y(x) = x + sum L sin w) or input (theta_i = a_i x + b_i); default "
                        "offset, or input for softmax (offset's scores all carry the same x, which softmax cancels)")
    m.add_argument("--loss", choices=LOSSES,
                   help="squared (mean of 0.5 (y - Y)^2), logistic (labels 0/1, p = sigmoid(Y)) or softmax (one "
                        "arm per class, p = softmax of their end points); default: softmax for more than two "
                        "named classes, logistic for two, else squared")
    m.add_argument("--angles", nargs="+", type=number, metavar="DEG", default=list(POST_ANGLES_DEG),
                   help="start angles in degrees from horizontal (input: b's start; a starts at 0); default 22 -20 14")
    m.add_argument("--lengths", nargs="+", type=number, metavar="L", help="link lengths (default: 1 each)")
    r = p.add_argument_group("the run")
    r.add_argument("--eta", type=number, default=DEFAULT_ETA, help=f"learning rate (default {DEFAULT_ETA:g})")
    r.add_argument("--epochs", type=count, default=DEFAULT_EPOCHS, metavar="N",
                   help=f"passes over the training set, 0 to {MAX_EPOCHS:,} (default {DEFAULT_EPOCHS})")
    r.add_argument("--batch", type=count, metavar="N",
                   help="rows per update, shuffled each epoch (1: stochastic); default: all of them (full batch)")
    r.add_argument("--learner", choices=TRAIN_LEARNERS, default="gradient", help="default gradient")
    r.add_argument("--momentum", type=number, default=0.9, metavar="BETA", help="momentum's beta (default 0.9)")
    r.add_argument("--test-fraction", type=number, default=0.0, metavar="F",
                   help="share of the rows held out as a test set, 0 to below 1 (default 0)")
    r.add_argument("--seed", type=count, default=0, metavar="S", help="the split's and the shuffle's seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one strict JSON object")
    p.set_defaults(parser=p)
    return p


def _fail(parser: argparse.ArgumentParser, message: str) -> int:
    """A bad data file: one line, exit 2 (no usage: the flags were right, the file is not)."""
    print(f"{parser.prog}: error: {message}", file=sys.stderr)
    return 2


def _arm(setup, p) -> dict:
    if setup.model == "offset":
        return {"angles_deg": [math.degrees(v) for v in p.tolist()]}
    n = setup.n_links
    return {"a": p[:n].tolist(), "b_deg": [math.degrees(v) for v in p[n:].tolist()]}


def _final(result: TrainResult, data) -> dict:
    """The last weights: one arm's lists, or for softmax each key a list per class (and the class names)."""
    arms = [_arm(result.setup, p) for p in result.params[-1]]
    if len(arms) == 1:
        return arms[0]
    final = {key: [arm[key] for arm in arms] for key in arms[0]}
    return {"classes": [data.class_name(c) for c in range(len(arms))], **final}


def _finite_list(values) -> list:
    return [v if math.isfinite(v) else None for v in values.tolist()]


def result_json(result: TrainResult, data) -> dict:
    out = {"setup": result.setup.to_dict(),
           "data": {"name": data.name, "rows": len(result.train_set) + len(result.test_set),
                    "train_rows": len(result.train_set), "test_rows": len(result.test_set)},
           "loss": _finite_list(result.loss)}
    if result.test_loss is not None:
        out["test_loss"] = _finite_list(result.test_loss)
    out["final"] = _final(result, data)
    if result.setup.loss != "squared":
        sets = {"train": result.train_set, **({"test": result.test_set} if len(result.test_set) else {})}
        out["accuracy"] = {name: result.accuracy(rows) for name, rows in sets.items()}
        out["confusion"] = {name: result.confusion(rows).tolist() for name, rows in sets.items()}
    out.update(epochs_run=result.epochs_run, status=result.status, reason=result.reason)
    return out


def run_train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Load the data, train, print; bad data exits 2 with one line."""
    try:
        if args.data is not None:
            from armsim.io.data_files import load_csv
            if not args.data.strip():
                raise DataError("the file name is empty")
            data = load_csv(args.data)
        else:
            data = built_in(args.dataset)
    except DataError as e:
        return _fail(parser, f"argument --data: {e}")
    named = 0 if data.classes is None else len(data.classes)
    loss = args.loss or ("softmax" if named > 2 else "logistic" if named == 2 else "squared")
    model = args.model or ("input" if loss == "softmax" else "offset")
    try:
        setup = TrainSetup(model=model, loss=loss, angles_deg=tuple(args.angles),
                           lengths=None if args.lengths is None else tuple(args.lengths), eta=args.eta,
                           epochs=args.epochs, batch=args.batch, test_fraction=args.test_fraction, seed=args.seed,
                           learner=args.learner, momentum=args.momentum)
    except ParamError as e:
        name = e.field.split("[")[0]
        parser.error(f"argument {TRAIN_FLAGS.get(name, name)}: {e.rule}")
    try:
        result = train(setup, data)
    except SplitError as e:
        return _fail(parser, f"argument --test-fraction: {e}")
    except DataError as e:
        return _fail(parser, f"argument {'--data' if args.data is not None else '--dataset'}: {e}")
    if args.json:
        print(json.dumps(result_json(result, data), allow_nan=False))
        return 0
    print(f"{data.name}: {len(result.train_set)} training rows, {len(result.test_set)} test rows; "
          f"model {setup.model}, loss {setup.loss}, {setup.n_links} links")
    test = "" if result.test_loss is None else f"; test loss {result.test_loss[0]:.6g} -> {result.test_loss[-1]:.6g}"
    print(f"loss {result.loss[0]:.6g} -> {result.loss[-1]:.6g} after {result.epochs_run} epochs{test}")
    for c, p in enumerate(result.params[-1]):
        words = "; ".join(f"{k} " + " ".join(f"{v:.6g}" for v in vals) for k, vals in _arm(setup, p).items())
        print(f"final {words}" if result.classes == 1 else f"final, {data.class_name(c)}'s arm: {words}")
    if setup.model == "offset" and setup.loss == "softmax":
        print(f"note: {OFFSET_SOFTMAX_WORDS}")
    if setup.loss != "squared":
        acc = f"accuracy {result.accuracy(result.train_set):.1%} (train)"
        if len(result.test_set):
            acc += f", {result.accuracy(result.test_set):.1%} (test)"
        print(acc)
    print(f"{result.status}: {result.reason}")
    return 0
