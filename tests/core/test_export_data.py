"""History exports: CSV and strict JSON that carry the core's own numbers, written atomically."""
import csv
import io
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from armsim.core.params import Params
from armsim.core.run import History, Result, Run, iter_epochs, solve
from armsim.io import history as export_data
from armsim.io.atomic import atomic_open, atomic_write
from armsim.io.float_text import Decimals
from armsim.io.history import Cancelled, estimate_bytes, history_header, history_rows, write_csv, write_json

RUNS = {
    "post": Params(),
    "diverged": Params(eta=50),
    "lengths-target-hotcold": Params(angles_deg=(10, 80, -45), lengths=(0.5, 2.0, 1.5), base=0.3, target=0.7,
                                     learner="hotcold", epochs=60),
    "one-link": Params(angles_deg=(33.0,), eta=0.5, epochs=15),
    "twelve-links": Params(angles_deg=tuple(range(-55, 65, 10)), lengths=tuple(0.1 * k for k in range(1, 13)),
                           epochs=40),
    "no-epochs": Params(epochs=0),
    "converged": Params(tol=1e-4, epochs=1000),
}


def reject_constant(name):
    raise AssertionError(f"non-strict JSON constant {name}")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def check_row_against_core(cells, result, j):
    """Every value of epoch j's row is the core's record of epoch j, bit for bit."""
    rec, n = result.epoch(j), result.params.n_links
    x, y = result.positions(j)
    num = [None if c in ("", None) else float(c) for c in cells]
    assert int(cells[0]) == rec.index == j
    assert num[2] == rec.error == result.errors[j]
    assert num[3:3 + 4 * n:4] == rec.angles_deg.tolist()
    assert num[4:4 + 4 * n:4] == x.tolist()
    assert num[5:5 + 4 * n:4] == y.tolist() == rec.y.tolist()
    if j == 0:
        assert num[1] is None and num[-1] is None and num[6:6 + 4 * n:4] == [None] * n
    else:
        assert num[1] == rec.eta
        assert num[6:6 + 4 * n:4] == rec.dE_dw.tolist()
        assert num[-1] == rec.dE_dY


@pytest.mark.parametrize("params", RUNS.values(), ids=RUNS.keys())
def test_csv_parses_back_to_the_core_records(tmp_path, params):
    result = solve(params)
    write_csv(tmp_path / "h.csv", result)
    table = read_csv(tmp_path / "h.csv")
    assert table[0] == history_header(params.n_links)
    assert len(table) == result.epochs_run + 2
    assert {len(row) for row in table} == {4 + 4 * params.n_links}
    for j, cells in enumerate(table[1:]):
        check_row_against_core(cells, result, j)


def test_header_names_every_joint():
    assert history_header(2) == ["epoch", "eta", "error", "angle_deg_1", "x_1", "y_1", "dE_dw_1",
                                 "angle_deg_2", "x_2", "y_2", "dE_dw_2", "dE_dY"]


def test_rows_are_lazy_and_match_across_block_boundaries(monkeypatch):
    monkeypatch.setattr(export_data, "BLOCK", 7)       # many small blocks: every boundary case in 50 epochs
    result = solve(RUNS["lengths-target-hotcold"].with_(epochs=50, learner="gradient"))
    header, rows = history_rows(result)
    assert iter(rows) is rows
    rows = list(rows)
    assert len(rows) == 51 and all(len(r) == len(header) for r in rows)
    for j, row in enumerate(rows):
        check_row_against_core(row, result, j)


def test_long_run_spans_real_blocks(tmp_path):
    result = solve(Params(epochs=3 * export_data.BLOCK + 5))
    write_csv(tmp_path / "h.csv", result)
    table = read_csv(tmp_path / "h.csv")
    assert len(table) == result.epochs_run + 2
    B = export_data.BLOCK
    for j in (0, 1, B - 1, B, B + 1, 2 * B, 3 * B + 5):
        check_row_against_core(table[j + 1], result, j)


@pytest.mark.parametrize("params", RUNS.values(), ids=RUNS.keys())
def test_json_is_strict_and_carries_the_core_records(tmp_path, params):
    result = solve(params)
    write_json(tmp_path / "h.json", result)
    doc = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"), parse_constant=reject_constant)
    assert doc["format"] == "armsim-history" and doc["version"] == 1
    assert doc["params"] == params.to_dict() and Params.from_dict(doc["params"]) == params
    assert (doc["status"], doc["reason"], doc["epochs_run"]) == (result.status, result.reason, result.epochs_run)
    assert len(doc["epochs"]) == result.epochs_run + 1
    n = params.n_links
    for j, e in enumerate(doc["epochs"]):
        assert set(e) == {"epoch", "eta", "error", "angles_deg", "x", "y", "dE_dw", "dE_dY"}
        flat = [e["epoch"], e["eta"], e["error"]]
        for i in range(n):
            flat += [e["angles_deg"][i], e["x"][i], e["y"][i], None if j == 0 else e["dE_dw"][i]]
        check_row_against_core(flat + [e["dE_dY"]], result, j)
        assert (e["dE_dw"] is None) == (j == 0)


def test_diverged_run_exports_only_finite_numbers(tmp_path):
    result = solve(Params(eta=50))
    assert result.status == "diverged"
    write_csv(tmp_path / "h.csv", result)
    write_json(tmp_path / "h.json", result)
    cells = [c for row in read_csv(tmp_path / "h.csv")[1:] for c in row if c]
    assert cells and all(math.isfinite(float(c)) for c in cells)
    assert max(abs(float(c)) for c in cells) > 100      # the wild angles are there, just finite
    text = (tmp_path / "h.json").read_text()
    json.loads(text, parse_constant=reject_constant)
    assert "NaN" not in text and "Infinity" not in text


def test_non_finite_values_become_empty_cells_and_null(tmp_path):
    # The solver stops before any value overflows, but an export must stay valid whatever it is given.
    p = Params(angles_deg=(10.0, 20.0), epochs=2)
    angles = np.array([[0.1, 0.2], [np.inf, 0.3], [np.nan, 1e308]])
    result = Result(p, "diverged", "test", angles, np.array([0.5, np.inf, np.nan]), np.array([1.0, np.inf]))
    write_csv(tmp_path / "h.csv", result)
    write_json(tmp_path / "h.json", result)
    rows = read_csv(tmp_path / "h.csv")[1:]
    assert rows[1][2] == "" and rows[1][3] == "" and rows[2][1] == "" and rows[2][2] == ""
    assert all(math.isfinite(float(c)) for row in rows for c in row if c)
    doc = json.loads((tmp_path / "h.json").read_text(), parse_constant=reject_constant)
    assert doc["epochs"][1]["error"] is None and doc["epochs"][1]["angles_deg"][0] is None
    assert doc["epochs"][2]["eta"] is None


def test_a_stopped_partial_run_exports_what_ran(tmp_path):
    params = Params(epochs=100)
    run = Run(params)                 # the engine advanced in chunks, eta changed between them, as the window does
    run.advance(3)
    run.advance(4, eta=0.1)
    result = run.stop()
    history = History(params)         # the same run as a stream of records collected one by one
    for rec, _ in zip(iter_epochs(params, eta=lambda j: 0.075 if j <= 3 else 0.1), range(8)):
        history.add(rec)
    streamed = history.result("stopped", "stopped by the user")
    for name in ("angles", "errors", "etas"):
        np.testing.assert_array_equal(getattr(result, name), getattr(streamed, name))
    write_json(tmp_path / "h.json", result)
    doc = json.loads((tmp_path / "h.json").read_text(), parse_constant=reject_constant)
    assert (doc["status"], doc["reason"], doc["epochs_run"], len(doc["epochs"])) == \
        ("stopped", "stopped by the user", 7, 8)
    assert [e["eta"] for e in doc["epochs"]] == [None, 0.075, 0.075, 0.075, 0.1, 0.1, 0.1, 0.1]


# --------------------------------------------------------------------------- the fast writers' bytes
def reference_csv(result) -> bytes:
    """What csv.writer makes of history_rows: the layout the fast writer must match byte for byte."""
    header, rows = history_rows(result)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def reference_json(result) -> bytes:
    """json.dumps of each epoch object, one a line, as the text-mode writer wrote them."""
    head = {"format": "armsim-history", "version": 1, "params": result.params.to_dict(), "status": result.status,
            "reason": result.reason, "epochs_run": result.epochs_run}
    n, tail = result.params.n_links, export_data.tail_columns(result)
    parts = [json.dumps(head, allow_nan=False)[:-1] + ', "epochs": [\n']
    for j, row in enumerate(history_rows(result)[1]):
        parts.append(("" if j == 0 else ",\n") + json.dumps(export_data._epoch_object(row, n, tail), allow_nan=False))
    parts.append("\n]}\n")
    return "".join(parts).replace("\n", os.linesep).encode("utf-8")


def every_kind_of_double(count: int, seed: int = 0) -> np.ndarray:
    """Random bit patterns (every exponent, subnormals, inf, nan) and the awkward cases of float formatting."""
    rng = np.random.default_rng(seed)
    powers = 2.0 ** np.arange(-1074, 1024)
    tens = 10.0 ** np.arange(-323, 309)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
               1e15, 1e16, 1e-4, 1e-5, 0.1, 0.2, 0.3, 1 / 3, 9007199254740993.0, 123456789012345678.0, 22.0, 0.075]
    values = np.concatenate([rng.integers(0, 2**64 - 1, count, dtype=np.uint64, endpoint=True).view(float),
                             rng.standard_normal(count) * 10.0 ** rng.integers(-30, 30, count),
                             np.round(rng.standard_normal(count) * 1e8) / 10.0 ** rng.integers(0, 6, count),
                             np.arange(1, 3000, dtype=np.uint64).view(float),          # the smallest subnormals
                             powers, np.nextafter(powers, 0), tens, np.nextafter(tens, 0), np.nextafter(tens, np.inf),
                             np.arange(0, 5000.0), special])
    return np.concatenate([values, -values])


def test_numbers_are_written_as_repr_writes_them():
    values = every_kind_of_double(20_000)
    decimals = Decimals(len(values), "csv")
    cells = decimals.cells(values, np.zeros(len(values), np.intp))
    texts = [bytes(cell[cell != 0]).decode() for cell in cells]
    assert texts == ["" if not math.isfinite(v) else repr(v) for v in values.tolist()]


def test_the_epoch_column_is_written_as_integers():
    epochs = np.array([0, 1, 9, 10, 99, 100, 101, 1000, 12300, 999_999, 1_000_000], float)
    decimals = Decimals(len(epochs), "json")
    cells = decimals.cells(epochs, np.zeros(len(epochs), np.intp), slice(None))
    assert [bytes(cell[cell != 0]).decode() for cell in cells] == [str(int(e)) for e in epochs]


def random_result(epochs: int, n_links: int, seed: int) -> Result:
    """A result whose stored arrays hold every kind of double (the writers must take whatever they are given)."""
    rng = np.random.default_rng(seed)
    p = Params(angles_deg=(10.0,) * n_links, epochs=epochs)
    angles = rng.standard_normal((epochs + 1, n_links)) * 10.0 ** rng.integers(-200, 20, (epochs + 1, n_links))
    kinds = every_kind_of_double(epochs, seed)
    return Result(p, "stopped", "test", angles, rng.choice(kinds, epochs + 1), rng.choice(kinds, epochs))


@pytest.mark.parametrize("params", RUNS.values(), ids=RUNS.keys())
def test_files_are_byte_for_byte_what_csv_and_json_modules_write(tmp_path, params):
    result = solve(params)
    write_csv(tmp_path / "h.csv", result)
    write_json(tmp_path / "h.json", result)
    assert (tmp_path / "h.csv").read_bytes() == reference_csv(result)
    assert (tmp_path / "h.json").read_bytes() == reference_json(result)


@pytest.mark.parametrize("epochs, n_links", [(5000, 3), (700, 1), (300, 40)])
def test_files_of_any_numbers_match_csv_and_json_modules(tmp_path, monkeypatch, epochs, n_links):
    monkeypatch.setattr(export_data, "BLOCK", 300)      # several blocks, and chunks within them
    result = random_result(epochs, n_links, seed=epochs)
    write_csv(tmp_path / "h.csv", result)
    write_json(tmp_path / "h.json", result)
    assert (tmp_path / "h.csv").read_bytes() == reference_csv(result)
    assert (tmp_path / "h.json").read_bytes() == reference_json(result)


# --------------------------------------------------------------------------- progress, cancel, size
@pytest.mark.parametrize("writer", [write_csv, write_json], ids=["csv", "json"])
def test_progress_counts_epochs_block_by_block(tmp_path, monkeypatch, writer):
    monkeypatch.setattr(export_data, "BLOCK", 100)
    result = solve(Params(epochs=1000))
    seen = []
    writer(tmp_path / "h.out", result, progress=lambda done, total: seen.append((done, total)))
    assert {total for _, total in seen} == {1001}
    dones = [done for done, _ in seen]
    assert dones[0] == 0 and dones[-1] == 1001 and dones == sorted(dones) and len(dones) >= 11


@pytest.mark.parametrize("writer", [write_csv, write_json], ids=["csv", "json"])
def test_cancel_writes_nothing_and_keeps_the_old_file(tmp_path, monkeypatch, writer):
    monkeypatch.setattr(export_data, "BLOCK", 100)
    path = tmp_path / "h.out"
    path.write_text("old export")
    seen = []
    with pytest.raises(Cancelled, match=r"cancelled after 30\d of 1,001 epochs; nothing was written"):
        writer(path, solve(Params(epochs=1000)), progress=lambda done, total: seen.append(done),
               cancel=lambda: seen[-1] >= 300)
    assert path.read_text() == "old export" and os.listdir(tmp_path) == ["h.out"]
    with pytest.raises(Cancelled):
        writer(tmp_path / "new.out", solve(Params()), cancel=lambda: True)
    assert os.listdir(tmp_path) == ["h.out"]


@pytest.mark.parametrize("style", ["csv", "json"])
def test_estimated_size_is_exact_for_short_runs_and_close_for_long(tmp_path, style):
    writer = write_csv if style == "csv" else write_json
    for params in list(RUNS.values()) + [Params(epochs=30_000, eta=1e-3), Params(epochs=20_000, learner="hotcold")]:
        result = solve(params)
        writer(tmp_path / "h.out", result)
        size = os.path.getsize(tmp_path / "h.out")
        estimate = estimate_bytes(result, style)
        if result.epochs_run < export_data.SAMPLE_CELLS // (4 + 4 * result.params.n_links):
            assert estimate == size, params
        else:
            assert abs(estimate - size) < 0.01 * size, params
    with pytest.raises(ValueError, match="'csv' or 'json'"):
        estimate_bytes(result, "xml")


# --------------------------------------------------------------------------- atomic writes
@pytest.mark.parametrize("writer", [write_csv, write_json], ids=["csv", "json"])
def test_failed_replace_keeps_the_old_export(tmp_path, monkeypatch, writer):
    path = tmp_path / "h.out"
    path.write_text("old export")

    def crash(*args):
        raise PermissionError(13, "file is locked")
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(PermissionError):
        writer(path, solve(Params()))
    assert path.read_text() == "old export" and os.listdir(tmp_path) == ["h.out"]


@pytest.mark.parametrize("writer", [write_csv, write_json], ids=["csv", "json"])
def test_error_halfway_through_the_rows_keeps_the_old_export(tmp_path, monkeypatch, writer):
    monkeypatch.setattr(export_data, "BLOCK", 5)
    real, calls = export_data._block, []

    def third_block_fails(*args):
        calls.append(args)
        if len(calls) == 3:
            raise MemoryError("out of memory mid-export")
        return real(*args)
    monkeypatch.setattr(export_data, "_block", third_block_fails)
    path = tmp_path / "h.out"
    path.write_text("old export")
    with pytest.raises(MemoryError):
        writer(path, solve(Params()))
    assert path.read_text() == "old export" and os.listdir(tmp_path) == ["h.out"]


def test_interrupt_inside_atomic_open_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with atomic_open(tmp_path / "new.txt", "w") as f:
            f.write("half")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_atomic_write_text_and_bytes(tmp_path):
    atomic_write(tmp_path / "a.txt", "π ≈ 3.14\n")
    assert (tmp_path / "a.txt").read_bytes() == "π ≈ 3.14\n".encode("utf-8")
    atomic_write(tmp_path / "a.txt", b"\x00\xff")
    assert (tmp_path / "a.txt").read_bytes() == b"\x00\xff"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_atomic_write_refuses_other_types_and_modes(tmp_path):
    with pytest.raises(TypeError, match="bytes or str"):
        atomic_write(tmp_path / "a.txt", 42)
    with pytest.raises(ValueError, match="mode"):
        with atomic_open(tmp_path / "a.txt", "a"):
            pass
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and symlinks")
def test_replacing_keeps_permissions_and_symlinks(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_csv(link, solve(Params()))
    assert link.is_symlink() and real.read_text().startswith("epoch,eta,error")
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(os.listdir(tmp_path)) == ["link.csv", "real.csv"]


def test_temp_names_stay_short_for_long_file_names(tmp_path):
    name = "x" * 200 + ".csv"
    atomic_write(tmp_path / name, "ok")
    assert os.listdir(tmp_path) == [name]


def test_modules_never_import_qt():
    code = ("import sys, armsim.io.scenario, armsim.io.history, armsim.io.atomic; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'PyQt'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def moved_run(params, moves):
    run = Run(params)
    for wait, aim in moves:
        run.advance(wait)
        run.retarget(aim)
    run.advance(params.epochs)
    return run.result()


OPTION_RUNS = {
    "reach": lambda: solve(Params(angles_deg=(30.0, -10.0, 50.0), lengths=(1.2, 0.8, 0.5), reach=(1.1, 1.3),
                                  eta=0.1, epochs=40)),
    "reach-relative-limits": lambda: solve(Params(angles_deg=(20.0, 30.0, -40.0), reach=(-0.5, 1.4), relative=True,
                                                  eta=0.05, epochs=40, min_angles_deg=(-90.0, -45.0, -90.0),
                                                  max_angles_deg=(90.0, 45.0, 90.0))),
    "lateral-relative": lambda: solve(Params(angles_deg=(10.0, 20.0), target=0.8, relative=True, eta=0.2, epochs=30)),
    "post-followed": lambda: moved_run(Params(epochs=40), [(7, -1.2), (10, 0.6)]),
    "reach-followed": lambda: moved_run(Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), relative=True,
                                               eta=0.1, epochs=40), [(5, (0.2, -1.5)), (0, (0.3, -1.4)),
                                                                     (12, (-1.0, 1.0))]),
}


def check_option_row(cells, result, j, header):
    """Epoch j's row of an options run is the core's record of epoch j, bit for bit, by column name."""
    rec, n = result.epoch(j), result.params.n_links
    x, y = result.positions(j)
    row = dict(zip(header, [None if c in ("", None) else float(c) for c in cells]))
    assert row["error"] == rec.error == result.errors[j]
    assert [row[f"angle_deg_{i}"] for i in range(1, n + 1)] == rec.angles_deg.tolist()
    assert [row[f"x_{i}"] for i in range(1, n + 1)] == x.tolist()
    assert [row[f"y_{i}"] for i in range(1, n + 1)] == y.tolist()
    grads = [row[f"dE_dw_{i}"] for i in range(1, n + 1)]
    if j == 0:
        assert grads == [None] * n and row["dE_dY"] is None and row.get("dE_dX") is None
    else:
        assert grads == rec.dE_dw.tolist() and row["dE_dY"] == rec.dE_dY
        if result.params.reach is not None:
            assert row["dE_dX"] == rec.dE_dX
    aim = result.params_at(j).aim
    if result.moves and result.params.reach is not None:
        assert (row["target_x"], row["target_y"]) == aim
    elif result.moves:
        assert row["target"] == aim


@pytest.mark.parametrize("make", OPTION_RUNS.values(), ids=OPTION_RUNS.keys())
def test_options_and_moved_targets_export_the_core_records(tmp_path, make, monkeypatch):
    """Relative joints' positions, the reach task's gradient and dE_dX, and a moved run's targets are the
    core's (the export once drew every arm with absolute angles and the lateral task's gradient)."""
    monkeypatch.setattr(export_data, "BLOCK", 9)          # block boundaries inside the moves
    result = make()
    write_csv(tmp_path / "h.csv", result)
    table = read_csv(tmp_path / "h.csv")
    header = table[0]
    assert ("dE_dX" in header) == (result.params.reach is not None)
    assert ("target" in header or "target_x" in header) == bool(result.moves)
    for j, cells in enumerate(table[1:]):
        check_option_row(cells, result, j, header)
    write_json(tmp_path / "h.json", result)
    doc = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"), parse_constant=reject_constant)
    assert doc.get("moves", []) == [[e, list(a) if isinstance(a, tuple) else a] for e, a in result.moves]
    n = result.params.n_links
    for j, e in enumerate(doc["epochs"]):
        flat = {"error": e["error"], "dE_dY": e["dE_dY"]} | {k: e[k] for k in ("dE_dX", "target", "target_x",
                                                                                 "target_y") if k in e}
        for i in range(n):
            flat |= {f"angle_deg_{i + 1}": e["angles_deg"][i], f"x_{i + 1}": e["x"][i], f"y_{i + 1}": e["y"][i],
                     f"dE_dw_{i + 1}": None if j == 0 else e["dE_dw"][i]}
        check_option_row(list(flat.values()), result, j, list(flat))
    assert estimate_bytes(result, "csv") == os.path.getsize(tmp_path / "h.csv")
    assert estimate_bytes(result, "json") == os.path.getsize(tmp_path / "h.json")
