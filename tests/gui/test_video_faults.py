"""A video export on a full disk: a real tmpfs of 200 kB, through export_video and `armsim render`.

The disk is a file system of its own mounted for the test (root only; skipped
elsewhere, saying why). Each failure must be one line naming the folder and about
how much was needed, and leave nothing behind: the old file whole, no temporary
file, ffmpeg reaped, no descriptor left open, no encoder thread running.
"""
import errno
import os
import re
import subprocess
import sys
import threading

import pytest

from armsim import Params, solve
from armsim.io.media import NoSpaceError, min_video_bytes, size_text
from armsim.render import video
from armsim.render.video import export_video
from tests.helpers import run_cli

DISK = 200 * 1024
OLD = b"the old video"
# The arm sweeps across the canvas, so every frame differs: a 640x360 MP4 of it is about 330 kB.
MOVING = dict(angles_deg=(80, -60, 120), target=-1.5, eta=0.05)
MOVING_FLAGS = ["--angles", "80", "-60", "120", "--target", "-1.5", "--eta", "0.05"]


@pytest.fixture
def disk(tmp_path):
    """A folder on a tmpfs of :data:`DISK` bytes, unmounted afterwards."""
    if not sys.platform.startswith("linux"):
        pytest.skip("a tmpfs of a fixed size needs Linux")
    folder = tmp_path / "disk"
    folder.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(folder)],
                              capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("no mount command to make a small disk with")
    if done.returncode != 0:
        pytest.skip(f"mounting a small tmpfs is not permitted here (needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True, timeout=30)


def open_descriptors() -> set:
    return set(os.listdir("/proc/self/fd"))


def children() -> list:
    """This process's child processes, zombies (ended, not reaped) included: (pid, state)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.append((int(pid), fields[0]))
    return found


def encoder_threads() -> list:
    return [t.name for t in threading.enumerate() if t.name.startswith("armsim-mp4")]


def state() -> tuple:
    return open_descriptors(), children(), encoder_threads()


def needed_bytes(message: str) -> float:
    """The ``about N MB needed`` of a message, in bytes."""
    m = re.search(r"about ([\d,.]+) (bytes|kB|MB) needed", message)
    assert m, message
    return float(m.group(1).replace(",", "")) * {"bytes": 1, "kB": 1e3, "MB": 1e6}[m.group(2)]


@pytest.mark.parametrize("name, size", [("run.mp4", (640, 360)), ("run.gif", (960, 540))])
def test_a_full_disk_is_one_line_with_the_space_needed_and_leaves_nothing(qapp, tmp_path, disk, name, size):
    result = solve(Params(**MOVING, epochs=40))
    whole = tmp_path / name         # the same video where there is room: how big it really is (and Qt warmed up)
    export_video(result, whole, size=size, fps=10)
    assert whole.stat().st_size > DISK
    out = disk / name
    out.write_bytes(OLD)
    before = state()
    with pytest.raises(OSError) as e:
        export_video(result, out, size=size, fps=10)
    message = str(e.value)
    assert isinstance(e.value, NoSpaceError) and e.value.errno == errno.ENOSPC
    assert "\n" not in message and message.startswith(f"no space left on '{disk}' (about "), message
    assert 0.5 <= needed_bytes(message) / whole.stat().st_size <= 2, message      # an honest estimate
    assert state() == before            # descriptors, child processes (ffmpeg reaped), encoder threads
    assert os.listdir(disk) == [name] and out.read_bytes() == OLD


def test_a_disk_too_full_for_any_such_video_is_refused_before_drawing(qapp, disk, monkeypatch):
    drawn = count_frames(monkeypatch)
    (disk / "filler").write_bytes(b"x" * (DISK - 8192))
    with pytest.raises(NoSpaceError, match=rf"^no space left on '{disk}' \(more than 2\d kB needed, 8 kB was free\)$"):
        export_video(solve(Params()), disk / "run.mp4", size=(1920, 1080))
    assert drawn == [] and sorted(os.listdir(disk)) == ["filler"]


def count_frames(monkeypatch) -> list:
    """A list that grows by one with each frame drawn."""
    drawn = []
    draw = video._draw_frame

    def counting(*args):
        drawn.append(1)
        return draw(*args)
    monkeypatch.setattr(video, "_draw_frame", counting)
    return drawn


def test_render_stops_soon_after_the_disk_fills_with_one_line_and_exit_1(qapp, capsys, tmp_path, disk, monkeypatch):
    # Qt opens a few descriptors (eventfds) for good the first time it renders: let it, before counting.
    assert run_cli(capsys, "render", "--out", str(tmp_path / "warm.mp4"), "--size", "64x64", "--epochs", "2")[0] == 0
    drawn = count_frames(monkeypatch)
    out = disk / "run.mp4"
    out.write_bytes(OLD)
    before = state()
    code, stdout, err = run_cli(capsys, "render", "--out", str(out), "--size", "640x360", "--fps", "10",
                                "--epochs", "400", *MOVING_FLAGS)
    assert code == 1 and stdout == "" and "Traceback" not in err
    assert re.fullmatch(rf"armsim render: error: could not write {out}: no space left on '{disk}' "
                        r"\(about [\d.,]+ MB needed, [\d.,]+ kB was free\)\n", err), err
    assert len(drawn) < 100             # of 401: it stopped once ffmpeg could not write, not at the end
    assert state() == before and os.listdir(disk) == ["run.mp4"] and out.read_bytes() == OLD


def test_render_refuses_a_disk_too_full_before_drawing_with_exit_2(qapp, capsys, disk, monkeypatch):
    drawn = count_frames(monkeypatch)
    (disk / "filler").write_bytes(b"x" * (DISK - 8192))
    for name in ("run.mp4", "run.gif"):
        code, stdout, err = run_cli(capsys, "render", "--out", str(disk / name), "--size", "1920x1080")
        lines = [line for line in err.splitlines() if not line.startswith(("usage:", " "))]
        least = size_text(min_video_bytes(name[-4:], (1920, 1080), 21))
        assert code == 2 and stdout == "" and "Traceback" not in err
        assert lines == [f"armsim render: error: argument --out: not enough space on '{disk}': a 1920x1080 "
                         f"{name[-3:].upper()} of 21 frames takes at least {least}, 8 kB is free"], err
    assert drawn == [] and sorted(os.listdir(disk)) == ["filler"]
