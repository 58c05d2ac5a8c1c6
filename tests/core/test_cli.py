import json
import subprocess
import sys

import pytest

from armsim import Params, solve
from tests.helpers import POST_FINAL, POST_START, run_cli


def test_solve_prints_the_posts_two_lines_first(capsys):
    code, out, _ = run_cli(capsys, "solve")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "(0.374606593415912, 0.0325864500902433, 0.274508345689911)"
    assert lines[1] == "(0.2852955778665301, -0.14244640527322044, 0.0029191436234602963)"
    assert lines[2].startswith("final error 4.2607e-06 after 20 epochs: max_epochs")


def test_json_is_strict_and_complete(capsys):
    code, out, _ = run_cli(capsys, "solve", "--json")
    doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    assert code == 0 and doc["status"] == "max_epochs" and doc["epochs_run"] == 20
    assert tuple(doc["start"]["y"]) == POST_START and tuple(doc["final"]["y"]) == POST_FINAL
    assert doc["errors"] == solve(Params()).errors.tolist()
    assert doc["start"]["angles_deg"] == [22.0, -20.0, 14.0]
    assert Params.from_dict(doc["params"]) == Params()


def test_diverging_eta_is_a_result_not_an_error(capsys):
    code, out, err = run_cli(capsys, "solve", "--eta", "50", "--json")
    doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    assert code == 0 and err == ""
    assert doc["status"] == "diverged" and doc["epochs_run"] == len(doc["errors"]) - 1 == 1


def test_every_flag_reaches_the_run(capsys):
    args = ["solve", "--json", "--angles", "10", "-1e1", "--lengths", "2", ".5", "--base", "-0.25", "--target",
            "0.5", "--eta", "0.2", "--epochs", "7", "--tol", "1e-30", "--learner", "hotcold"]
    doc = json.loads(run_cli(capsys, *args)[1])
    assert doc["params"] == Params(angles_deg=(10, -10), lengths=(2, 0.5), base=-0.25, target=0.5, eta=0.2,
                                   epochs=7, tol=1e-30, learner="hotcold").to_dict()


BAD = [
    (["--eta", "abc"], "--eta"), (["--eta", "nan"], "--eta"), (["--eta", "inf"], "--eta"),
    (["--eta", "-inf"], "--eta"), (["--eta", "0"], "--eta"), (["--eta", "-0.5"], "--eta"),
    (["--eta"], "--eta"), (["--epochs", "-1"], "--epochs"), (["--epochs", "2.5"], "--epochs"),
    (["--epochs", "1e3"], "--epochs"), (["--epochs", "10000000000"], "--epochs"), (["--epochs", "x"], "--epochs"),
    (["--angles"], "--angles"), (["--angles", "1", "two"], "--angles"), (["--angles", "NaN"], "--angles"),
    (["--angles", "1e400"], "--angles"), (["--lengths", "1", "1"], "--lengths"),
    (["--lengths", "1", "0", "1"], "--lengths"), (["--lengths", "1", "-2", "1"], "--lengths"),
    (["--base", "1e9"], "--base"), (["--base", "--eta"], "--base"), (["--target", "inf"], "--target"),
    (["--tol", "-1"], "--tol"), (["--learner", "newton"], "--learner"), (["--bogus"], "--bogus"),
    (["--angles", *["1"] * 1001], "--angles"), (["--angles", *["1"] * 100, "--epochs", "1000000"], "--epochs"),
]


@pytest.mark.parametrize("args, names", BAD, ids=[" ".join(a)[:40] for a, _ in BAD])
def test_bad_input_exits_2_with_one_line_naming_the_argument(capsys, args, names):
    code, out, err = run_cli(capsys, "solve", *args)
    last = err.strip().splitlines()[-1]
    assert code == 2 and out == ""
    assert last.startswith("armsim solve: error: ") and names in last
    assert "Traceback" not in err and all(ln.startswith(("usage:", " ")) for ln in err.strip().splitlines()[:-1])


def test_bad_input_in_a_real_process_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "armsim", "solve", "--eta", "nan"], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last == "armsim solve: error: argument --eta: must be a finite number, got 'nan'"


def test_core_and_solve_import_no_qt():
    code = ("import sys, armsim, armsim.cli, armsim.core.kinematics, armsim.core.run, armsim.core.params;"
            "armsim.cli.main(['solve', '--json']);"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')];"
            "assert not bad, bad")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "max_epochs"


@pytest.mark.parametrize("args, words", [
    (("solve", "--et", "0.1"), "unrecognized arguments: --et"),            # no abbreviations
    (("solve", "--ang", "1"), "unrecognized arguments: --ang"),
    (("solve", "--eta", "0.1", "--eta", "0.2"), "argument --eta: given more than once"),
    (("solve", "--eta=0.1", "--eta", "0.3"), "argument --eta: given more than once"),
    (("solve", "--json", "--json"), "argument --json: given more than once"),
    (("render", "--out", "a.png", "--out", "b.png"), "argument --out: given more than once"),
    (("--eta", "abc"), "armsim gui: error: argument --eta: expected a number"),   # the window's flags
])
def test_abbreviated_and_repeated_flags_are_refused(capsys, args, words):
    code, out, err = run_cli(capsys, *args)
    assert code == 2 and not out and words in err.strip().splitlines()[-1]


@pytest.mark.parametrize("args, words", [
    (("solve", "--eta", "1e-400"), "'1e-400' is too small to represent"),
    (("solve", "--base", "1000000.0000001"), "got 1000000.0000001"),            # not "got 1e+06"
    (("solve", "--eta", "9" * 100_000 + "x"), "(100,001 characters)"),
    (("solve", "--epochs", "9" * 5000), "(5,000 characters)"),
    (("solve", "--angles", "1", "9" * 400), "must be a finite number"),      # 1e400 is inf as a float
    (("render", "--out", "x.png", "--size", "-1920x1080"), "expected WIDTHxHEIGHT"),
    (("render", "--out", "x.png", "--size", "9" * 5000 + "x1"), "(5,002 characters)"),
])
def test_messages_are_exact_and_short(capsys, args, words):
    code, out, err = run_cli(capsys, *args)
    last = err.strip().splitlines()[-1]
    assert code == 2 and words in last and len(last) < 250 and "_size" not in last


@pytest.mark.parametrize("ext", ["csv", "json"])
def test_solve_out_writes_the_history_as_the_window_exports_it(capsys, tmp_path, ext):
    from armsim.io import history
    args = ("--angles", "10", "-30", "--eta", "0.2", "--epochs", "15")
    code, out, _ = run_cli(capsys, "solve", *args, "--out", str(tmp_path / f"run.{ext}"))
    assert code == 0 and out.splitlines()[0].startswith("(")            # the usual lines still print
    (history.write_csv if ext == "csv" else history.write_json)(
        tmp_path / f"window.{ext}", solve(Params(angles_deg=(10.0, -30.0), eta=0.2, epochs=15)))
    assert (tmp_path / f"run.{ext}").read_bytes() == (tmp_path / f"window.{ext}").read_bytes()


@pytest.mark.parametrize("command, name, words", [
    ("solve", "run.txt", "must end in .csv or .json"),
    ("solve", "missing/run.csv", "does not exist"),
    ("solve", "a" * 300 + ".csv", "the file name is too long"),
    ("render", "a" * 300 + ".png", "the file name is too long"),
])
def test_an_out_file_that_cannot_be_written_is_refused_before_any_work(capsys, tmp_path, command, name, words):
    code, out, err = run_cli(capsys, command, "--out", str(tmp_path / name))
    assert code == 2 and not out and words in err.strip().splitlines()[-1]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("signum, code", [(2, 130), (15, 143)])
def test_a_signal_during_a_video_render_stops_it_and_leaves_the_target(tmp_path, signum, code):
    """Ctrl-C or SIGTERM mid-render: the exit status says which, the old file is untouched and no
    temporary file stays (a SystemExit raised inside a pyqtgraph paint used to be swallowed)."""
    import os
    import time
    target = tmp_path / "run.gif"
    target.write_bytes(b"old video")
    proc = subprocess.Popen([sys.executable, "-m", "armsim", "render", "--out", str(target), "--epochs", "400",
                             "--size", "320x180"], stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    deadline = time.monotonic() + 60
    while not any(".armsim-unfinished." in p.name for p in tmp_path.iterdir()):   # rendering has begun
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else ""
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code, err
    assert target.read_bytes() == b"old video"
    assert [p.name for p in tmp_path.iterdir()] == ["run.gif"]
    assert "Traceback" not in err and "Ignored exception" not in err
