"""Learning from examples: the arm's models of an input, their losses, and training over a data set.

The post's closing step. Every example ``k`` has its own arm whose base sits at
the input ``x_k``; the same weights serve every example, and the end point
``Y(x_k)`` is the model's output for it.

Models (:data:`MODELS`), on links ``L_i``:

``offset``  the post: shared angles ``w``, ``Y(x) = x + sum_i L_i sin w_i``; the
            input only shifts the arm, so ``dY/dw_i = L_i cos w_i`` for every example.
``input``   the post's "upgrade": each angle depends on the input,
            ``theta_i(x) = a_i x + b_i``, ``Y(x) = x + sum_i L_i sin theta_i(x)``, a
            one-hidden-layer network of sine units; the chain rule gains the factor
            ``x``: ``dY/da_i = L_i cos theta_i(x) x``, ``dY/db_i = L_i cos theta_i(x)``.
            ``a`` starts at 0 and ``b`` at the start angles.

Losses (:data:`LOSSES`), over the K examples of a batch:

``squared``   the mean of ``0.5 (y_k - Y_k)^2``; ``dE/dY_k = -(y_k - Y_k) / K``.
``logistic``  labels 0 or 1; ``p_k = sigmoid(Y_k)``, the mean of
              ``-(y ln p + (1 - y) ln(1 - p))``. Its slope ``dE/dp = (p - y) / (p (1 - p)) / K``
              meets the sigmoid's ``dp/dY = p (1 - p)``, which cancels:
              ``dE/dY_k = (p_k - y_k) / K``.
``softmax``   C classes (seed 002), one arm per class sharing the input: arm c's end
              point ``Y_c(x)`` is class c's score; ``p_c = exp(Y_c) / sum_j exp(Y_j)``
              (the largest score subtracted first, so scores of +-1000 stay finite), the
              mean of ``-ln p_label``, and ``dE/dY_ck = (p_ck - [c = label_k]) / K``. With
              the ``offset`` model every score carries the same x, which softmax cancels:
              it can learn only the class frequencies (:data:`OFFSET_SOFTMAX_WORDS`).

Parameters are held as an array ``(C, P)``: C arms (one but for softmax), P = n
for ``offset`` and 2n for ``input`` (``a`` then ``b``), radians. Every arm starts
at the start angles.

Training (:func:`train`): ``p <- p - eta grad E`` from the mean gradient over the
training set (full batch, the default), or per shuffled mini-batch of ``batch``
rows (``batch = 1``: stochastic), with the learners that apply to a gradient
(:data:`TRAIN_LEARNERS`). ``loss[0]`` is the training loss at the start and
``loss[j]`` after epoch j (one pass over the training set). A run **diverges**
(:data:`TRAIN_DIVERGENCE`) as the arm's does, each example's arm counted: one
update turns any example's joint by more than 180 degrees, or the loss has
risen in each of the last 5 epochs and is above the start loss (or is no
longer a finite number). It stops there, a result like any other.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Iterator

import numpy as np

from armsim.core.datasets import MAX_CLASSES, DataError, DataSet
from armsim.core.params import (
    DEFAULT_MOMENTUM,
    MAX_EPOCHS,
    POST_ANGLES_DEG,
    ParamError,
    _finite,
    _vector,
    _whole,
)
from armsim.core.rules import adam_step, momentum_step

MODELS = ("offset", "input")
LOSSES = ("squared", "logistic", "softmax")
TRAIN_LEARNERS = ("gradient", "momentum", "adam")
RISES_TO_DIVERGE = 5
#: Most work one training run may ask for, in two parts: the arithmetic, epochs x rows x parameters x arms
#: (about 4e7 a second here: 10 s at the bound), and the updates, epochs x batches per epoch (each about
#: 80 us of numpy calls whatever its size: 80 s at the bound, the most epochs a full batch takes). The
#: window trains off its thread with Cancel; these refuse what no one would wait for.
MAX_TRAIN_COST = 400_000_000
MAX_UPDATES = 1_000_000
#: Most values in one gradient's arrays, rows x parameters x arms (each array 8 bytes a value).
MAX_GRADIENT_SIZE = 10_000_000
#: Most parameter values a run keeps for its history (epochs x arms x parameters), as Params' bound.
MAX_TRAIN_HISTORY = 20_000_000
OFFSET_SOFTMAX_WORDS = ("with the offset model every class's score carries the same x, which softmax cancels: "
                        "it can learn only how often each class occurs (use the input model)")
TRAIN_DIVERGENCE = ("a training run diverges when one update turns any example's joint by more than 180 degrees, "
                    f"or when the loss has risen in each of the last {RISES_TO_DIVERGE} epochs and is above the "
                    "start loss (or is no longer a finite number)")


@dataclass(frozen=True)
class TrainSetup:
    """Everything a training run depends on besides the data; validated on creation (ParamError).

    ``batch`` None (or at least the training rows) is full batch; ``test_fraction`` of the rows
    are held out by a shuffle seeded with ``seed``, which also shuffles the mini-batches.
    """

    model: str = "offset"
    loss: str = "squared"
    angles_deg: tuple = POST_ANGLES_DEG
    lengths: tuple | None = None
    eta: float = 0.1
    epochs: int = 200
    batch: int | None = None
    test_fraction: float = 0.0
    seed: int = 0
    learner: str = "gradient"
    momentum: float = DEFAULT_MOMENTUM

    def __post_init__(self):
        for name, choices in (("model", MODELS), ("loss", LOSSES), ("learner", TRAIN_LEARNERS)):
            if getattr(self, name) not in choices:
                raise ParamError(name, f"must be one of {', '.join(choices)}, got {getattr(self, name)!r}")
        angles = _vector("angles", self.angles_deg)
        n = len(angles)
        lengths = (1.0,) * n if self.lengths is None else _vector("lengths", self.lengths, positive=True)
        if len(lengths) != n:
            raise ParamError("lengths", f"one per link: {n} angles but {len(lengths)} lengths")
        set_ = object.__setattr__
        set_(self, "angles_deg", angles)
        set_(self, "lengths", lengths)
        set_(self, "eta", _finite("eta", self.eta, positive=True))
        set_(self, "epochs", _whole("epochs", self.epochs, 0, MAX_EPOCHS))
        if self.batch is not None:
            set_(self, "batch", _whole("batch", self.batch, 1, 10 ** 9))
        fraction = _finite("test_fraction", self.test_fraction)
        if not 0.0 <= fraction < 1.0:
            raise ParamError("test_fraction", f"must be at least 0 and below 1, got {fraction:g}")
        set_(self, "test_fraction", fraction)
        set_(self, "seed", _whole("seed", self.seed, 0, 2 ** 32 - 1))
        momentum = _finite("momentum", self.momentum)
        if not 0.0 <= momentum < 1.0:
            raise ParamError("momentum", f"must be at least 0 and below 1, got {momentum:g}")
        set_(self, "momentum", momentum)

    @property
    def n_links(self) -> int:
        return len(self.angles_deg)

    def with_(self, **changes) -> "TrainSetup":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return {"model": self.model, "loss": self.loss, "angles_deg": list(self.angles_deg),
                "lengths": list(self.lengths), "eta": self.eta, "epochs": self.epochs, "batch": self.batch,
                "test_fraction": self.test_fraction, "seed": self.seed, "learner": self.learner,
                **({"momentum": self.momentum} if self.learner == "momentum" else {})}


# --------------------------------------------------------------------------- the models
def start_params(setup: TrainSetup, arms: int = 1) -> np.ndarray:
    """The parameters before training, ``(arms, P)``: the start angles (``input``: a = 0, then b = them)."""
    w = np.radians(setup.angles_deg)
    row = w if setup.model == "offset" else np.concatenate((np.zeros_like(w), w))
    return np.tile(row, (arms, 1))


def joint_angles(model: str, p: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Each example's absolute angles ``theta``, shape ``(C, K, n)`` (``offset``: the same for every k)."""
    x = np.asarray(x, dtype=float)
    if model == "offset":
        return np.broadcast_to(p[:, None, :], (p.shape[0], x.size, p.shape[1]))
    n = p.shape[1] // 2
    return p[:, None, :n] * x[None, :, None] + p[:, None, n:]


def scores(model: str, lengths, p: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The end points ``Y_c(x_k) = x_k + sum_i L_i sin theta_i``, shape ``(C, K)``."""
    theta = joint_angles(model, p, x)
    return np.asarray(x, dtype=float)[None, :] + np.sum(np.asarray(lengths) * np.sin(theta), axis=-1)


def arm_points(model: str, lengths, p: np.ndarray, x: np.ndarray, arm: int = 0):
    """Every example's arm as joint positions ``(xs, ys)``, each ``(K, n + 1)``: the base ``(0, x_k)`` first.

    The arms hang in the post's picture: links along the horizontal axis, the input as the base's height.
    """
    theta = joint_angles(model, p, x)[arm]
    L = np.asarray(lengths)
    zeros = np.zeros((theta.shape[0], 1))
    xs = np.concatenate((zeros, np.cumsum(L * np.cos(theta), axis=-1)), axis=-1)
    ys = np.concatenate((np.asarray(x, float)[:, None], np.asarray(x, float)[:, None]
                         + np.cumsum(L * np.sin(theta), axis=-1)), axis=-1)
    return xs, ys


def sigmoid(Y):
    """``1 / (1 + exp(-Y))`` without overflow for any Y."""
    Y = np.asarray(Y, dtype=float)
    e = np.exp(-np.abs(Y))
    return np.where(Y >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# --------------------------------------------------------------------------- the losses
def softmax(Y: np.ndarray) -> np.ndarray:
    """``p_c = exp(Y_c) / sum_j exp(Y_j)`` over the classes (axis 0) of scores ``(C, K)``, the largest first
    subtracted (exp never overflows)."""
    e = np.exp(Y - np.max(Y, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def _label_rows(y: np.ndarray) -> np.ndarray:
    return np.asarray(y, dtype=float).astype(int)


def loss_value(loss: str, Y: np.ndarray, y: np.ndarray) -> float:
    """The mean loss of the scores ``Y`` ``(C, K)`` against the labels ``y`` ``(K,)`` (nan for no rows)."""
    if y.size == 0:
        return math.nan
    if loss == "softmax":
        top = np.max(Y, axis=0)
        log_sum = top + np.log(np.sum(np.exp(Y - top), axis=0))         # ln sum_j exp(Y_j), stably
        return float(np.mean(log_sum - Y[_label_rows(y), np.arange(y.size)]))
    Y0 = Y[0]
    if loss == "squared":
        gap = y - Y0
        return float(np.mean(0.5 * (gap * gap)))
    # -(y ln p + (1 - y) ln(1 - p)) = ln(1 + e^Y) - y Y, exact for y in {0, 1}, finite for any Y
    return float(np.mean(np.logaddexp(0.0, Y0) - y * Y0))


def loss_slopes(loss: str, Y: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``dE/dY_k`` of the mean loss, shape ``(C, K)`` (the 1/K of the mean included)."""
    K = y.size
    if loss == "softmax":
        slopes = softmax(Y)
        slopes[_label_rows(y), np.arange(K)] -= 1.0
        return slopes / K
    if loss == "squared":
        return (-(y - Y[0]) / K)[None, :]
    return ((sigmoid(Y[0]) - y) / K)[None, :]


def slopes_dY_dp(model: str, lengths, p: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``dY_c(x_k)/dp``, shape ``(C, K, P)``: ``L cos theta`` (and ``input``'s ``L cos theta x`` for a)."""
    theta = joint_angles(model, p, x)
    lc = np.asarray(lengths) * np.cos(theta)
    if model == "offset":
        return lc
    return np.concatenate((lc * np.asarray(x, float)[None, :, None], lc), axis=-1)


def per_example(model: str, loss: str, lengths, p, x, y):
    """The chain rule per example: ``(dE_dY (C, K), dY_dp (C, K, P), rows (C, K, P))``.

    ``rows[c, k] = dE/dY_ck * dY_ck/dp``; their sum over k is the batch gradient.
    """
    Y = scores(model, lengths, p, x)
    dE_dY = loss_slopes(loss, Y, np.asarray(y, float))
    dY_dp = slopes_dY_dp(model, lengths, p, x)
    return dE_dY, dY_dp, dE_dY[:, :, None] * dY_dp


def gradient(model: str, loss: str, lengths, p, x, y) -> np.ndarray:
    """``dE/dp`` of the mean loss over the rows ``(x, y)``, shape ``(C, P)``."""
    return per_example(model, loss, lengths, p, x, y)[2].sum(axis=1)


# --------------------------------------------------------------------------- training
@dataclass(frozen=True, eq=False)
class TrainResult:
    """A training run: the parameters after each epoch and the losses; see :func:`train`.

    ``params`` ``(epochs_run + 1, C, P)``; ``loss`` the training loss and ``test_loss`` the
    test set's (None without one), each ``(epochs_run + 1,)``. ``status`` is ``max_epochs``,
    ``diverged`` or ``stopped``.
    """

    setup: TrainSetup
    train_set: DataSet
    test_set: DataSet
    params: np.ndarray
    loss: np.ndarray
    test_loss: np.ndarray | None
    status: str
    reason: str = ""
    classes: int = 1

    @property
    def epochs_run(self) -> int:
        return len(self.loss) - 1

    def params_at(self, j: int = -1) -> np.ndarray:
        return self.params[j]

    def predict(self, x, j: int = -1) -> np.ndarray:
        """``Y(x)`` of epoch j's weights, shape ``(C, K)``."""
        return scores(self.setup.model, self.setup.lengths, self.params[j], np.atleast_1d(np.asarray(x, float)))

    def probabilities(self, x, j: int = -1) -> np.ndarray:
        """``p`` of each class, ``(C, K)``: softmax of the scores, or for one arm ``sigmoid(Y)`` (class 1)."""
        Y = self.predict(x, j)
        return softmax(Y) if self.setup.loss == "softmax" else sigmoid(Y)

    def predicted(self, x, j: int = -1) -> np.ndarray:
        """The class each input is given: the largest p (softmax), else 1 where ``Y > 0`` (p > 1/2)."""
        Y = self.predict(x, j)
        return np.argmax(Y, axis=0) if self.setup.loss == "softmax" else (Y[0] > 0).astype(int)

    def accuracy(self, data: DataSet, j: int = -1) -> float:
        """The share of ``data``'s rows given their own class (nan: no rows)."""
        if len(data) == 0:
            return math.nan
        return float(np.mean(self.predicted(data.x, j) == _label_rows(data.y)))

    def confusion(self, data: DataSet, j: int = -1) -> np.ndarray:
        """Counts ``(C, C)``: row the true class, column the predicted one."""
        C = max(self.classes, 2)
        counts = np.zeros((C, C), dtype=int)
        np.add.at(counts, (_label_rows(data.y), self.predicted(data.x, j)), 1)
        return counts


class SplitError(DataError):
    """The data set is fine but the rows the split leaves for training are not (name the test fraction)."""


def check_data(setup: TrainSetup, data: DataSet) -> None:
    """Refuse data the loss cannot take (DataError, one line)."""
    if len(data) < 2:
        raise DataError(f"{data.name}: at least 2 rows are needed, got {len(data)}")
    if setup.loss == "softmax":
        if not data.integer_labels:
            bad = next(v for v in data.y.tolist() if v < 0 or v != round(v))
            raise DataError(f"{data.name}: softmax needs class names or whole-number labels 0..C-1, got {bad:g}")
        C, present = data.class_count, np.unique(data.y).astype(int)
        if len(present) < 2:
            raise DataError(f"{data.name}: softmax needs at least 2 classes, every row is class "
                            f"{data.class_name(int(data.y[0]))}")
        if C > MAX_CLASSES:
            raise DataError(f"{data.name}: at most {MAX_CLASSES} classes (labels 0 to {MAX_CLASSES - 1}), got "
                            f"label {C - 1}")
        if len(present) < C:
            missing = next(c for c in range(C) if c not in set(present.tolist()))
            raise DataError(f"{data.name}: class {data.class_name(missing)} has no rows (labels must be 0..C-1 "
                            "with every class present)")
    elif setup.loss == "logistic":
        if not data.binary:
            bad = next(v for v in data.y.tolist() if v not in (0.0, 1.0))
            raise DataError(f"{data.name}: the logistic loss needs labels 0 or 1 (two classes), got {bad:g}")
    elif data.classes is not None and len(data.classes) > 2:
        raise DataError(f"{data.name}: the squared loss needs numeric labels, got {len(data.classes)} classes")
    arms, P = arms_for(setup, data), start_params(setup).shape[1]
    each = f"{len(data):,} rows x {P} parameters" + ("" if arms == 1 else f" x {arms} arms")
    if len(data) * P * arms > MAX_GRADIENT_SIZE:
        raise DataError(f"{data.name}: {each} is too large a gradient (at most {MAX_GRADIENT_SIZE:,} values)")
    if setup.epochs * len(data) * P * arms > MAX_TRAIN_COST:
        raise DataError(f"{data.name}: {setup.epochs:,} epochs x {each} is too much work "
                        f"(at most {MAX_TRAIN_COST:,})")
    batch = len(data) if setup.batch is None else min(setup.batch, len(data))
    updates = setup.epochs * -(-len(data) // batch)
    if updates > MAX_UPDATES:
        raise DataError(f"{data.name}: {setup.epochs:,} epochs of {-(-len(data) // batch):,} batches of {batch} rows "
                        f"is {updates:,} updates, too many (at most {MAX_UPDATES:,}: a larger batch or fewer epochs)")
    size = (setup.epochs + 1) * start_params(setup, arms_for(setup, data)).size
    if size > MAX_TRAIN_HISTORY:
        raise DataError(f"{data.name}: {setup.epochs:,} epochs of {size // (setup.epochs + 1)} parameters is too "
                        f"long a history (at most {MAX_TRAIN_HISTORY:,} values)")


def arms_for(setup: TrainSetup, data: DataSet) -> int:
    """C, the arms the setup trains on ``data``: one per class for softmax, else one."""
    return max(data.class_count, 2) if setup.loss == "softmax" else 1


def _learner_step(setup: TrainSetup) -> Callable:
    """``step(p, g, state, t) -> (delta, state)`` for the setup's learner (momentum and Adam from rules.py)."""
    eta = setup.eta
    if setup.learner == "gradient":
        return lambda p, g, state, t: (-(eta * g), state)
    if setup.learner == "momentum":
        return lambda p, g, state, t: momentum_step(p, None, eta, g, state, t, beta=setup.momentum)
    return lambda p, g, state, t: adam_step(p, None, eta, g, state, t)


def iter_training(setup: TrainSetup, train_set: DataSet, test_set: DataSet,
                  stop: Callable[[], bool] | None = None, arms: int = 1
                  ) -> Iterator[tuple[int, np.ndarray, float, float, float]]:
    """Yield ``(epoch, params, loss, test_loss, turn)`` for epoch 0 (the start) and after each epoch.

    ``turn`` is the most one of the epoch's updates turned any example's joint (radians).

    It ends after the last epoch, or before an epoch when ``stop()`` answers True; the
    divergence rule is :func:`train`'s (a consumer that animates epochs applies it there).
    """
    model, loss, lengths = setup.model, setup.loss, np.asarray(setup.lengths)
    x, y = train_set.x, train_set.y
    # a joint's angle is linear in x (input model): its largest turn is at the smallest or largest input
    every = np.concatenate((x, test_set.x))
    extremes = np.array([every.min(), every.max()])
    p = start_params(setup, arms)
    step = _learner_step(setup)
    rows = {"gradient": 0, "momentum": 1, "adam": 2}[setup.learner]
    state = np.zeros((rows,) + p.shape) if rows else None
    K = len(x)
    batch = K if setup.batch is None else min(setup.batch, K)
    shuffle = np.random.default_rng((setup.seed, 1)) if batch < K else None

    def losses(p):
        return (loss_value(loss, scores(model, lengths, p, x), y),
                loss_value(loss, scores(model, lengths, p, test_set.x), test_set.y))

    t = 0
    yield (0, p, *losses(p), 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, setup.epochs + 1):
            if stop is not None and stop():
                return
            order = None if shuffle is None else shuffle.permutation(K)
            turn = 0.0
            for start in range(0, K, batch):
                idx = None if order is None else order[start:start + batch]
                bx, by = (x, y) if idx is None else (x[idx], y[idx])
                g = gradient(model, loss, lengths, p, bx, by)
                t += 1
                delta, state = step(p, g, state, t)
                p = p + delta
                turn = max(turn, largest_turn(model, delta, extremes))
            yield (epoch, p, *losses(p), turn)


def largest_turn(model: str, delta: np.ndarray, x: np.ndarray) -> float:
    """The most one update turns the joint of an example at any of the inputs ``x``, radians: ``|delta w|``,
    or ``|delta a x + delta b|`` (linear in x: the inputs' smallest and largest are enough)."""
    if model == "offset":
        return float(np.max(np.abs(delta)))
    n = delta.shape[1] // 2
    return float(np.max(np.abs(delta[:, None, :n] * x[None, :, None] + delta[:, None, n:])))


def train(setup: TrainSetup, data: DataSet, stop: Callable[[], bool] | None = None,
          progress: Callable[[int, int], None] | None = None) -> TrainResult:
    """Train ``setup`` on ``data`` to the last epoch, or until it diverges or ``stop()`` answers True.

    Raises DataError for data the setup cannot take (:func:`check_data`, the split).
    """
    check_data(setup, data)
    train_set, test_set = data.split(setup.test_fraction, setup.seed)
    try:
        check_data(setup, train_set)
    except DataError as e:
        why = str(e).removeprefix(f"{data.name}: ")
        raise SplitError(f"a test fraction of {setup.test_fraction:g} (seed {setup.seed}) leaves "
                         f"{len(train_set)} of {len(data)} rows for training: {why}") from None
    params, losses, tests = [], [], []
    status, reason, rises = "max_epochs", f"all {setup.epochs} epochs ran", 0
    arms = arms_for(setup, data)
    for epoch, p, e, te, turn in iter_training(setup, train_set, test_set, stop, arms):
        if not (math.isfinite(e) and np.all(np.isfinite(p))):
            status, reason = "diverged", f"the loss is no longer a finite number after epoch {epoch}"
            break
        rises = rises + 1 if losses and e > losses[-1] else 0
        params.append(p)
        losses.append(e)
        tests.append(te)
        if progress is not None and epoch % 256 == 0:
            progress(epoch, setup.epochs)
        if not turn <= math.pi:
            status, reason = "diverged", f"one update turned an example's joint by {math.degrees(turn):,.0f} degrees"
            break
        if rises >= RISES_TO_DIVERGE and e > losses[0]:
            status, reason = "diverged", f"the loss rose {rises} epochs in a row, above the start loss"
            break
    else:
        if len(losses) < setup.epochs + 1:
            status, reason = "stopped", "stopped by the user"
    return TrainResult(setup, train_set, test_set, np.array(params), np.array(losses),
                       np.array(tests) if len(test_set) else None, status, reason, arms)


def decision_points(result: TrainResult, lo: float, hi: float, j: int = -1, samples: int = 2001) -> list[float]:
    """Where ``Y(x)`` crosses 0 (``p(x)`` crosses 1/2) over ``[lo, hi]``: linear between ``samples`` points."""
    xs = np.linspace(lo, hi, samples)
    Y = result.predict(xs, j)[0]
    s = np.sign(Y)
    out = []
    for i in np.flatnonzero(s[:-1] * s[1:] < 0).tolist():
        out.append(float(xs[i] - Y[i] * (xs[i + 1] - xs[i]) / (Y[i + 1] - Y[i])))
    out += [float(v) for v in xs[Y == 0]]
    return sorted(out)


def class_regions(result: TrainResult, lo: float, hi: float, j: int = -1, samples: int = 2001):
    """The decision regions over ``[lo, hi]``: ``[(start, end, class), ...]``, the class of the largest p."""
    xs = np.linspace(lo, hi, samples)
    chosen = result.predicted(xs, j)
    cuts = np.flatnonzero(np.diff(chosen)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [samples]))
    return [(float(xs[a]), float(xs[b - 1]), int(chosen[a])) for a, b in zip(starts.tolist(), ends.tolist())]
