"""Learning from examples: the models, losses and training against tests/core/reference_train.py (plain
Python), gradients against finite differences, the split, mini-batches, divergence and ``armsim train``."""
import contextlib
import io
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim.cli import main
from armsim.core import training
from armsim.core.datasets import BUILT_IN, DataError, DataSet, built_in
from armsim.core.example_lessons import EXAMPLE_LESSONS
from armsim.core.params import ParamError
from armsim.core.training import TrainSetup, train
from tests.core import reference_train
from tests.core.data_file_cases import BAD as BAD_FILES
from tests.helpers import run_cli


@st.composite
def problems(draw, learners=("gradient",)):
    loss = draw(st.sampled_from(["squared", "logistic"]))
    model = draw(st.sampled_from(["offset", "input"]))
    n = draw(st.integers(1, 5))
    K = draw(st.integers(2, 12))
    xs = draw(st.lists(st.floats(-4, 4).map(lambda v: round(v, 3)), min_size=K, max_size=K))
    ys = draw(st.lists(st.sampled_from([0.0, 1.0]) if loss == "logistic" else st.floats(-4, 4), min_size=K,
                       max_size=K))
    angles = tuple(draw(st.lists(st.floats(-90, 90), min_size=n, max_size=n)))
    lengths = tuple(draw(st.lists(st.floats(0.2, 2.0), min_size=n, max_size=n)))
    setup = TrainSetup(model=model, loss=loss, angles_deg=angles, lengths=lengths,
                       eta=draw(st.floats(0.005, 0.3)), epochs=draw(st.integers(0, 30)),
                       learner=draw(st.sampled_from(learners)), momentum=0.8)
    return setup, DataSet("drawn", xs, ys)


def reference(setup, data):
    return reference_train.run(setup.loss, setup.model, setup.angles_deg, setup.lengths, setup.eta, setup.epochs,
                               data.x.tolist(), data.y.tolist(), setup.learner, setup.momentum)


def run_flags(setup):
    return ["--angles", *map(repr, setup.angles_deg), "--lengths", *map(repr, setup.lengths),
            "--eta", repr(setup.eta), "--epochs", str(setup.epochs)]


def train_json(*args):
    """``armsim train --json ARGS`` in this process (hypothesis cannot take capsys): its parsed output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["train", "--json", *args])
    assert code == 0
    return json.loads(out.getvalue())


def write_csv(path, data):
    lines = ["x,label"] + [f"{x!r},{y!r}" for x, y in zip(data.x.tolist(), data.y.tolist())]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_train_json_equals_the_plain_python_rule_in_every_epoch(tmp_path_factory, problem):
    setup, data = problem
    path = write_csv(tmp_path_factory.mktemp("data") / "d.csv", data)
    got = train_json("--data", path, "--model", setup.model, "--loss", setup.loss, *run_flags(setup),
                     "--test-fraction", "0")
    losses, params = reference(setup, data)
    assert got["status"] in ("max_epochs", "diverged")
    k = got["epochs_run"]
    assert len(got["loss"]) == k + 1 and (k == setup.epochs or got["status"] == "diverged")
    assert np.allclose(got["loss"], losses[:k + 1], rtol=0, atol=1e-12)
    if k == setup.epochs:
        final = got["final"]
        mine = final["angles_deg"] if setup.model == "offset" else final["a"] + final["b_deg"]
        theirs = ([math.degrees(v) for v in params] if setup.model == "offset"
                  else params[:setup.n_links] + [math.degrees(v) for v in params[setup.n_links:]])
        assert np.allclose(mine, theirs, rtol=0, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(problems(learners=("momentum", "adam")))
def test_momentum_and_adam_train_as_the_plain_python_rules(problem):
    setup, data = problem
    result = train(setup, data)
    losses, _ = reference(setup, data)
    k = result.epochs_run
    assert k == setup.epochs or result.status == "diverged"
    assert np.allclose(result.loss, losses[:k + 1], rtol=0, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_gradients_equal_finite_differences(problem):
    setup, data = problem
    rng = np.random.default_rng(len(data))
    p = training.start_params(setup) + rng.normal(0, 0.3, training.start_params(setup).shape)
    g = training.gradient(setup.model, setup.loss, setup.lengths, p, data.x, data.y)

    def E(q):
        return training.loss_value(setup.loss, training.scores(setup.model, setup.lengths, q, data.x), data.y)
    h = 1e-6
    for i in range(p.shape[1]):
        up, down = p.copy(), p.copy()
        up[0, i] += h
        down[0, i] -= h
        assert g[0, i] == pytest.approx((E(up) - E(down)) / (2 * h), rel=1e-5, abs=1e-7)


def test_the_sigmoids_slope_cancels_in_the_logistic_gradient():
    Y = np.array([[-3.0, -0.2, 0.0, 1.5, 30.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    p = training.sigmoid(Y[0])
    dE_dp = (p - y) / (p * (1 - p)) / y.size          # -(y/p - (1-y)/(1-p)) / K
    dp_dY = p * (1 - p)
    assert np.allclose(training.loss_slopes("logistic", Y, y)[0], dE_dp * dp_dY, rtol=1e-12, atol=0)
    assert np.array_equal(training.loss_slopes("logistic", Y, y)[0], (p - y) / y.size)


def test_logistic_loss_and_sigmoid_stay_finite_for_huge_scores():
    Y = np.array([[-1000.0, 1000.0, -1000.0, 1000.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    assert training.loss_value("logistic", Y, y) == pytest.approx((1000.0 + 1000.0) / 4)
    assert np.all(np.isfinite(training.sigmoid(Y)))


def test_the_per_example_rows_add_up_to_the_batch_gradient():
    data = built_in("legs")
    setup = TrainSetup(model="input", loss="logistic", angles_deg=(10.0, -30.0, 50.0), lengths=(1.0, 0.5, 2.0))
    p = training.start_params(setup) + 0.1
    dE_dY, dY_dp, rows = training.per_example(setup.model, setup.loss, setup.lengths, p, data.x, data.y)
    assert rows.shape == (1, len(data), 6)
    ref = reference_train.gradient("logistic", "input", setup.lengths, p[0].tolist(), data.x.tolist(),
                                   data.y.tolist())
    assert np.allclose(rows[0].sum(axis=0), ref, rtol=0, atol=1e-15)


@pytest.mark.parametrize("lesson", EXAMPLE_LESSONS, ids=lambda lesson: lesson.title)
def test_each_example_lesson_shows_what_it_says(lesson):
    result = train(lesson.setup, built_in(lesson.dataset))
    assert result.status == "max_epochs"
    if lesson.dataset == "legs":
        accuracy = result.accuracy(result.train_set)
        (x_star,) = training.decision_points(result, 0.0, 8.0)
        if lesson.setup.n_links == 3:       # the end point moves at most 3 from the base: 4 legs end above 0
            assert accuracy < 1.0 and x_star < 4.0
        else:
            assert accuracy == 1.0 and 4.0 < x_star < 6.0


def test_the_input_model_fits_the_wave_the_offset_model_cannot():
    by = {lesson.setup.model: train(lesson.setup, built_in("wave")) for lesson in EXAMPLE_LESSONS
          if lesson.dataset == "wave"}
    assert by["input"].loss[-1] < 0.05 * by["offset"].loss[-1]
    # the offset model's best is a straight line Y = x + c: c the mean of (y - x); it gets there
    data = built_in("wave")
    c = np.mean(data.y - data.x)
    assert by["offset"].loss[-1] == pytest.approx(np.mean(0.5 * (data.y - data.x - c) ** 2), rel=1e-6)


def test_the_split_is_seeded_disjoint_and_complete():
    data = built_in("overlap")
    train_set, test_set = data.split(0.25, seed=3)
    assert (len(train_set), len(test_set)) == (45, 15)
    rows = sorted(zip(train_set.x.tolist() + test_set.x.tolist(), train_set.y.tolist() + test_set.y.tolist()))
    assert rows == sorted(zip(data.x.tolist(), data.y.tolist()))
    again = data.split(0.25, seed=3)[1]
    other = data.split(0.25, seed=4)[1]
    assert np.array_equal(again.x, test_set.x) and not np.array_equal(other.x, test_set.x)
    assert len(data.split(0.0)[1]) == 0
    with pytest.raises(DataError, match="no training row"):
        DataSet("two", [1.0, 2.0], [0.0, 1.0]).split(0.9)


def test_a_batch_of_every_row_is_full_batch_and_mini_batches_are_seeded():
    data = built_in("wave")
    setup = TrainSetup(model="input", loss="squared", angles_deg=(10.0, 20.0), eta=0.05, epochs=20)
    full = train(setup, data)
    assert np.array_equal(train(setup.with_(batch=len(data)), data).loss, full.loss)
    sgd = train(setup.with_(batch=4, seed=5), data)
    assert np.array_equal(train(setup.with_(batch=4, seed=5), data).loss, sgd.loss)
    assert not np.array_equal(train(setup.with_(batch=4, seed=6), data).loss, sgd.loss)
    assert len(sgd.loss) == 21 and sgd.loss[-1] < sgd.loss[0]
    # batch 1 (stochastic): one update per row per epoch, by hand for the first epoch
    one = train(setup.with_(batch=1, epochs=1), data)
    order = np.random.default_rng((0, 1)).permutation(len(data))
    p = training.start_params(setup)
    for k in order:
        p = p - setup.eta * training.gradient("input", "squared", setup.lengths, p, data.x[k:k + 1], data.y[k:k + 1])
    assert np.array_equal(one.params[-1], p)


def test_too_large_an_eta_diverges_and_is_a_result():
    data = built_in("wave")
    result = train(TrainSetup(model="input", loss="squared", angles_deg=(10.0, 20.0, -10.0), eta=10.0,
                              epochs=300), data)
    assert result.status == "diverged" and "turned" in result.reason
    assert result.epochs_run < 300 and np.all(np.isfinite(result.loss))


@pytest.mark.parametrize("kw, field", [(dict(model="deep"), "model"), (dict(loss="hinge"), "loss"),
                                       (dict(eta=0.0), "eta"), (dict(epochs=-1), "epochs"), (dict(batch=0), "batch"),
                                       (dict(test_fraction=1.0), "test_fraction"), (dict(seed=-1), "seed"),
                                       (dict(learner="lm"), "learner"), (dict(momentum=1.0), "momentum"),
                                       (dict(angles_deg=(1.0, 2.0), lengths=(1.0,)), "lengths")])
def test_bad_setups_are_refused_naming_the_field(kw, field):
    with pytest.raises(ParamError) as e:
        TrainSetup(**kw)
    assert e.value.field == field


def test_logistic_refuses_labels_other_than_0_and_1():
    with pytest.raises(DataError, match="labels 0 or 1"):
        train(TrainSetup(loss="logistic"), built_in("wave"))


def test_train_prints_the_losses_and_the_accuracy(capsys):
    code, out, err = run_cli(capsys, "train", "--dataset", "legs", "--angles", *["0"] * 6, "--eta", "1",
                             "--epochs", "2000")
    lines = out.splitlines()
    assert code == 0 and not err
    assert lines[0].startswith("legs: 14 training rows, 0 test rows; model offset, loss logistic, 6 links")
    assert lines[3] == "accuracy 100.0% (train)"
    assert lines[-1] == "max_epochs: all 2000 epochs ran"


def test_train_json_has_the_test_loss_and_accuracy(capsys):
    code, out, _ = run_cli(capsys, "train", "--dataset", "overlap", "--model", "input", "--test-fraction", "0.25",
                           "--seed", "2", "--epochs", "50", "--json")
    got = json.loads(out)
    assert code == 0 and set(got) >= {"setup", "data", "loss", "test_loss", "final", "accuracy", "status"}
    assert len(got["loss"]) == len(got["test_loss"]) == 51
    assert got["data"] == {"name": "overlap", "rows": 60, "train_rows": 45, "test_rows": 15}
    result = train(TrainSetup(model="input", loss="logistic", test_fraction=0.25, seed=2, epochs=50),
                   BUILT_IN["overlap"])
    assert got["test_loss"] == result.test_loss.tolist()
    assert got["accuracy"] == {"train": result.accuracy(result.train_set), "test": result.accuracy(result.test_set)}


@pytest.mark.parametrize("args, words", [
    (["--dataset", "legs", "--batch", "0"], "--batch"),
    (["--dataset", "legs", "--test-fraction", "1"], "--test-fraction"),
    (["--dataset", "legs", "--eta", "-1"], "--eta"),
    (["--dataset", "legs", "--eta", "nan"], "--eta"),
    (["--dataset", "legs", "--angles", "1", "2", "--lengths", "1"], "--lengths"),
    (["--dataset", "nope"], "--dataset"),
    (["--dataset", "legs", "--data", "x.csv"], "not allowed with"),
    ([], "one of the arguments --data --dataset is required"),
    (["--dataset", "wave", "--loss", "logistic"], "labels 0 or 1"),
    (["--dataset", "legs", "--epochs", "1000000", "--angles", *["1"] * 40], "too much work"),
])
def test_bad_train_flags_exit_2_with_one_line_naming_them(capsys, args, words):
    code, out, err = run_cli(capsys, "train", *args)
    assert code == 2 and not out
    last = err.strip().splitlines()[-1]
    assert last.startswith("armsim train: error:") and words in last and "Traceback" not in err


# --------------------------------------------------------------------------- several classes: softmax (seed 002)
@st.composite
def softmax_problems(draw):
    C = draw(st.integers(2, 5))
    K = draw(st.integers(C, 14))
    n = draw(st.integers(1, 4))
    xs = draw(st.lists(st.floats(-3, 3).map(lambda v: round(v, 3)), min_size=K, max_size=K))
    # every class has a row (labels 0..C-1), in any order
    labels = draw(st.permutations(list(range(C)) + draw(st.lists(st.integers(0, C - 1), min_size=K - C,
                                                                   max_size=K - C))))
    setup = TrainSetup(model=draw(st.sampled_from(["offset", "input"])), loss="softmax",
                       angles_deg=tuple(draw(st.lists(st.floats(-90, 90), min_size=n, max_size=n))),
                       lengths=tuple(draw(st.lists(st.floats(0.2, 2.0), min_size=n, max_size=n))),
                       eta=draw(st.floats(0.01, 0.3)), epochs=draw(st.integers(0, 25)))
    return setup, DataSet("drawn", xs, labels), C


@settings(max_examples=40, deadline=None)
@given(softmax_problems())
def test_softmax_training_equals_the_plain_python_rule_in_every_epoch(tmp_path_factory, problem):
    setup, data, C = problem
    path = write_csv(tmp_path_factory.mktemp("data") / "d.csv", DataSet("d", data.x, data.y.astype(int)))
    got = train_json("--data", path, "--model", setup.model, "--loss", "softmax", *run_flags(setup))
    losses, _ = reference_train.softmax_run(setup.model, setup.angles_deg, setup.lengths, setup.eta, setup.epochs,
                                            data.x.tolist(), data.y.tolist(), C)
    k = got["epochs_run"]
    assert k == setup.epochs or got["status"] == "diverged"
    assert np.allclose(got["loss"], losses[:k + 1], rtol=0, atol=1e-12)
    confusion = np.array(got["confusion"]["train"])
    assert confusion.shape == (C, C) and confusion.sum() == len(data)
    assert confusion.trace() / len(data) == pytest.approx(got["accuracy"]["train"])


@settings(max_examples=40, deadline=None)
@given(softmax_problems())
def test_softmax_gradients_equal_finite_differences(problem):
    setup, data, C = problem
    rng = np.random.default_rng(len(data))
    p = training.start_params(setup, C) + rng.normal(0, 0.3, training.start_params(setup, C).shape)
    g = training.gradient(setup.model, "softmax", setup.lengths, p, data.x, data.y)

    def E(q):
        return training.loss_value("softmax", training.scores(setup.model, setup.lengths, q, data.x), data.y)
    h = 1e-6
    for c in range(C):
        for i in range(p.shape[1]):
            up, down = p.copy(), p.copy()
            up[c, i] += h
            down[c, i] -= h
            assert g[c, i] == pytest.approx((E(up) - E(down)) / (2 * h), rel=1e-5, abs=1e-7)


def test_softmax_stays_finite_for_scores_of_plus_and_minus_1000():
    Y = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0], [999.0, 0.0, -1000.0]])
    y = np.array([0.0, 0.0, 2.0])
    p = training.softmax(Y)
    assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=0), 1.0)
    loss = training.loss_value("softmax", Y, y)
    # row by row: -ln p_label = logsumexp - Y_label: (1000 - 1000) + (1000 + ln(1 + e^-1) + 1000) + ... / 3
    expected = np.mean([np.logaddexp.reduce(Y[:, k]) - Y[int(y[k]), k] for k in range(3)])
    assert math.isfinite(loss) and loss == pytest.approx(expected, rel=1e-12)
    slopes = training.loss_slopes("softmax", Y, y)
    assert np.all(np.isfinite(slopes)) and np.allclose(slopes.sum(axis=0), 0.0, atol=1e-15)


def test_the_three_class_lesson_splits_x_into_three_regions_and_offset_learns_only_frequencies():
    by = {lesson.setup.model: train(lesson.setup, built_in(lesson.dataset)) for lesson in EXAMPLE_LESSONS
          if lesson.dataset == "legs3"}
    regions = training.class_regions(by["input"], 0.0, 8.0)
    assert [c for _, _, c in regions] == [0, 1, 2] and 2 < regions[0][1] < 4 < regions[1][1] < 6
    assert by["input"].accuracy(by["input"].train_set) == 1.0
    # offset: every score carries x, which cancels; the probabilities approach the class frequencies
    data = built_in("legs3")
    frequencies = np.bincount(data.y.astype(int)) / len(data)
    p = by["offset"].probabilities(data.x)
    assert np.allclose(p, frequencies[:, None], atol=0.02)
    assert np.allclose(p, p[:, :1], atol=1e-12)            # the same for every x
    assert set(by["offset"].predicted(data.x).tolist()) == {int(np.argmax(frequencies))}


@pytest.mark.parametrize("rows, words", [
    (["x,label", "1,cat", "2,cat", "3,cat"], "at least 2 classes"),
    (["x,label", "1,0", "2,0"], "at least 2 classes"),
    (["x,label"] + [f"{k},{k}" for k in range(12)], "at most 10 classes"),
    (["x,label", "1,0.5", "2,1"], "class names or whole-number labels"),
    (["x,label", "1,-1", "2,1"], "class names or whole-number labels"),
])
def test_bad_softmax_data_exits_2_with_one_line(capsys, tmp_path, rows, words):
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n")
    code, out, err = run_cli(capsys, "train", "--data", str(path), "--loss", "softmax")
    assert code == 2 and not out and len(err.strip().splitlines()) == 1
    assert err.startswith("armsim train: error: argument --data:") and words in err


def test_softmax_is_the_default_for_three_named_classes_with_the_input_model(capsys):
    code, out, _ = run_cli(capsys, "train", "--dataset", "legs3", "--epochs", "5", "--json")
    got = json.loads(out)
    assert (got["setup"]["loss"], got["setup"]["model"]) == ("softmax", "input")
    assert got["final"]["classes"] == ["bird", "mammal", "insect"] and len(got["final"]["a"]) == 3


@pytest.mark.parametrize(("make", "words"), [pytest.param(m, w, id=i) for i, m, w, _ in BAD_FILES])
def test_every_kind_of_bad_data_file_exits_2_with_one_line(capsys, tmp_path, make, words):
    code, out, err = run_cli(capsys, "train", "--data", str(make(tmp_path)))
    assert code == 2 and not out and len(err.strip().splitlines()) == 1, err
    assert err.startswith("armsim train: error: argument --data: ") and words in err


@pytest.mark.parametrize("args, flag, words", [
    (["--dataset", "legs", "--test-fraction", "0.9"], "--test-fraction", "leaves 1 of 14 rows for training"),
    (["--dataset", "legs", "--angles", "0", "--batch", "1", "--epochs", "100000"], "--dataset", "updates, too many"),
    (["--dataset", "legs", "--epochs", "9" * 500], "--epochs", "a number of 500 digits"),
    (["--data", ""], "--data", "the file name is empty"),
])
def test_train_names_the_flag_a_refusal_comes_from(capsys, args, flag, words):
    code, out, err = run_cli(capsys, "train", *args)
    last = err.strip().splitlines()[-1]
    assert code == 2 and not out and f"argument {flag}: " in last and words in last and len(last) < 300, last


@pytest.mark.parametrize("labels, words", [([0, 2, 0, 2], "class 1 has no rows"), ([1, 2, 2, 1], "class 0 has no rows"),
                                           ([0, 50, 0, 50], "at most 10 classes (labels 0 to 9), got label 50")])
def test_softmax_refuses_integer_labels_that_leave_a_class_empty(labels, words):
    with pytest.raises(DataError, match=re.escape(words)):
        train(TrainSetup(model="input", loss="softmax"), DataSet("gaps", [1.0, 2.0, 3.0, 4.0], labels))


def test_the_gradient_s_size_is_bounded_before_any_array_is_made():
    data = DataSet("wide", np.linspace(-1, 1, 10_000), np.arange(10_000) % 10)
    setup = TrainSetup(model="input", loss="softmax", angles_deg=(1.0,) * 60, epochs=1)
    with pytest.raises(DataError, match="too large a gradient"):
        train(setup, data)


def test_the_turn_rule_counts_every_inputs_arm_from_the_extremes():
    # delta a x + delta b at x = -3 and x = 5: the largest |.| of any x in between is at one of them
    delta = np.array([[0.4, -0.1, 0.2, 0.3]])
    xs = np.linspace(-3, 5, 101)
    brute = np.max(np.abs(delta[:, None, :2] * xs[None, :, None] + delta[:, None, 2:]))
    assert training.largest_turn("input", delta, np.array([-3.0, 5.0])) == pytest.approx(brute, rel=1e-15)
