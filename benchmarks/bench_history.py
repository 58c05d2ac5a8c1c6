"""History export speed, measured side by side in one run (on demand, never in tests).

    python benchmarks/bench_history.py [--quick]

One 1,000,000-epoch run of the post's arm (tolerance 0, so every epoch runs; a CSV of
about 305 MB, a JSON of about 397 MB) written with ``write_csv`` and ``write_json``, and
with the row-by-row writers they replaced, the reference: ``csv.writer`` over
``history_rows()`` and ``json.dumps`` per epoch, the same bytes (checked here).
Target: the CSV in under 5 s (it took about 25 s). Also ``estimate_bytes``, which the
window calls before it writes, with how far its estimate is from the real size.
Each figure is the best of a few repeats (the least disturbed by other work on the
machine), the fast writer and the reference taking turns round by round so a burst of
load elsewhere hits them alike and the ratio stays fair. ``--quick`` uses 200,000 epochs.
"""
from __future__ import annotations

import argparse
import csv
import filecmp
import json
import os
import tempfile

from timing import best_times

import armsim
from armsim.io import history

TARGET_S = 5.0          # the 1,000,000-epoch CSV
EPOCHS = 1_000_000


def reference_csv(path: str, result) -> None:
    """The writer before: csv.writer over the row lists of history_rows()."""
    header, rows = history.history_rows(result)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def reference_json(path: str, result) -> None:
    """The writer before: one json.dumps per epoch object."""
    head = {"format": history.FORMAT, "version": history.VERSION, "params": result.params.to_dict(),
            "status": result.status, "reason": result.reason, "epochs_run": result.epochs_run}
    n, tail = result.params.n_links, history.tail_columns(result)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(head, allow_nan=False)[:-1] + ', "epochs": [\n')
        for j, row in enumerate(history.history_rows(result)[1]):
            f.write(("" if j == 0 else ",\n") + json.dumps(history._epoch_object(row, n, tail), allow_nan=False))
        f.write("\n]}\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200,000 epochs, fewer repeats (a smoke run)")
    args = ap.parse_args()
    epochs, repeats = (200_000, 1) if args.quick else (EPOCHS, 3)
    result = armsim.solve(armsim.Params(epochs=epochs))
    assert result.epochs_run == epochs, result.status     # every epoch ran: the file has epochs + 1 rows

    with tempfile.TemporaryDirectory() as folder:
        files = {name: os.path.join(folder, name) for name in ("fast.csv", "ref.csv", "fast.json", "ref.json")}
        t = best_times({"fast.csv": lambda: history.write_csv(files["fast.csv"], result),
                        "ref.csv": lambda: reference_csv(files["ref.csv"], result)}, repeats)
        t.update(best_times({"fast.json": lambda: history.write_json(files["fast.json"], result),
                             "ref.json": lambda: reference_json(files["ref.json"], result)}, repeats))
        sizes = {name: os.path.getsize(path) for name, path in files.items()}
        same = {kind: filecmp.cmp(files[f"fast.{kind}"], files[f"ref.{kind}"], shallow=False)
                for kind in ("csv", "json")}
        t.update(best_times({f"estimate.{kind}": (lambda k=kind: history.estimate_bytes(result, k))
                             for kind in ("csv", "json")}, 5))
        estimates = {kind: history.estimate_bytes(result, kind) for kind in ("csv", "json")}

    print(f"history export of one {epochs:,}-epoch run, 3 links ({os.cpu_count()} cores; best of {repeats})")
    for kind in ("csv", "json"):
        fast, ref = t[f"fast.{kind}"], t[f"ref.{kind}"]
        aim = f"   target < {TARGET_S:.0f} s" + ("" if epochs == EPOCHS else " at 1,000,000 epochs") \
            if kind == "csv" else ""
        print(f"  {kind.upper():4s} {sizes[f'fast.{kind}'] / 1e6:7.1f} MB  write_{kind} {fast:6.2f} s   "
              f"row-by-row reference {ref:6.2f} s   ratio {ref / fast:5.1f}x faster   "
              f"{'same bytes' if same[kind] else 'BYTES DIFFER'}{aim}")
    for kind in ("csv", "json"):
        real = sizes[f"fast.{kind}"]
        print(f"  estimate_bytes({kind!r}) {t[f'estimate.{kind}'] * 1e3:6.1f} ms: {estimates[kind]:,} bytes, "
              f"{(estimates[kind] - real) / real:+.2%} of the real size")


if __name__ == "__main__":
    main()
