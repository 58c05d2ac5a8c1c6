"""The export rules and the frame schedule (armsim.io.media): pure, no Qt."""
import subprocess
import sys

import numpy as np
import pytest

from armsim import Params, solve
from armsim.io.media import (
    GIF_FIXED_BYTES,
    GIF_FRAME_BYTES,
    MAX_FRAMES,
    MAX_GIF_BYTES,
    OptionError,
    check_format,
    check_gif_memory,
    check_size,
    check_total_frames,
    check_video,
    gif_delays_ms,
    gif_memory,
    pose_at,
    schedule,
)


def test_frame_count_is_k_epochs_plus_one_plus_the_hold():
    assert schedule(20, 1, 30, 0.0) == (21, 0)
    assert schedule(20, 4, 30, 1.5).total == 4 * 20 + 1 + 45
    assert schedule(0, 7, 10, 0.0).total == 1                    # a run of no epochs is its start pose


def test_whole_epochs_are_the_runs_own_angles_and_in_between_is_linear():
    result = solve(Params())
    for j in range(result.epochs_run + 1):
        angles, t = pose_at(result.angles, 3 * j, 3)
        assert np.array_equal(angles, result.angles[j]) and np.shares_memory(angles, result.angles) and t == j
    angles, t = pose_at(result.angles, 4, 3)                       # a third of the way from epoch 1 to 2
    assert t == pytest.approx(4 / 3)
    np.testing.assert_allclose(angles, result.angles[1] + (result.angles[2] - result.angles[1]) / 3, rtol=1e-15)


@pytest.mark.parametrize("fps", [1, 7, 24, 25, 30, 50])
def test_gif_delays_are_centiseconds_that_keep_time(fps):
    delays = gif_delays_ms(301, fps)
    assert all(d % 10 == 0 and d >= 20 for d in delays)
    starts = np.cumsum([0] + delays)
    assert np.abs(starts - np.arange(302) * 1000 / fps).max() <= 5


@pytest.mark.parametrize("call, option", [
    (lambda: check_format("a.txt"), "path"), (lambda: check_format("noext"), "path"),
    (lambda: check_size((15, 100)), "size"), (lambda: check_size((100, 7681)), "size"),
    (lambda: check_size((100.0, 100)), "size"), (lambda: check_size((True, 100)), "size"),
    (lambda: check_size((101, 100), even=True), "size"), (lambda: check_size("1920x1080"), "size"),
    (lambda: check_video("a.gif", (100, 100), 51, 1, 0), "fps"),
    (lambda: check_video("a.mp4", (100, 100), 0, 1, 0), "fps"),
    (lambda: check_video("a.mp4", (100, 100), 30, 101, 0), "frames_per_epoch"),
    (lambda: check_video("a.mp4", (100, 100), 30, 1, -0.1), "hold"),
    (lambda: check_video("a.mp4", (100, 100), 30, 1, float("inf")), "hold"),
    (lambda: check_video("a.png", (100, 100), 30, 1, 0), "path"),
    (lambda: check_gif_memory(1001, (1920, 1080)), "size"), (lambda: check_total_frames(MAX_FRAMES + 1, 30), "epochs"),
])
def test_each_rule_names_its_option(call, option):
    with pytest.raises(OptionError) as e:
        call()
    assert isinstance(e.value, ValueError) and e.value.option == option and str(e.value).startswith(option)


def most_gif_frames(size) -> int:
    """The most frames gif_memory allows at ``size``, from its formula (fixed + per frame pixel + per frame)."""
    pixels = size[0] * size[1]
    per_frame = pixels + GIF_FRAME_BYTES
    return (MAX_GIF_BYTES - gif_memory(0, size)) // per_frame


@pytest.mark.parametrize("size", [(16, 16), (480, 360), (1920, 1080), (7680, 7680)])
def test_a_gif_is_refused_exactly_when_its_memory_would_pass_the_limit(size):
    n = most_gif_frames(size)
    assert n >= 1 and gif_memory(n, size) <= MAX_GIF_BYTES < gif_memory(n + 1, size)
    check_gif_memory(n, size)
    with pytest.raises(OptionError) as e:
        check_gif_memory(n + 1, size)
    assert e.value.option == "size" and f"{n + 1:,} frames of {size[0]}x{size[1]}" in e.value.rule
    # what the painter draws takes more than Qt's render, never less
    assert gif_memory(n, size, painter=True) > gif_memory(n, size) > GIF_FIXED_BYTES


def test_a_gif_just_over_the_limit_states_a_need_above_the_limit():
    """The need and the limit rounded alike read "about 1.6 GB (at most 1.6 GB)"."""
    import re
    size = (160, 90)
    n = most_gif_frames(size) + 1
    assert 0 < gif_memory(n, size) - MAX_GIF_BYTES < 10 ** 5         # a few kB over
    with pytest.raises(OptionError) as e:
        check_gif_memory(n, size)
    need, limit = re.search(r"about ([\d,]+) MB \(at most ([\d,]+) MB\)", str(e.value)).groups()
    assert int(need.replace(",", "")) > int(limit.replace(",", "")) == MAX_GIF_BYTES // 10 ** 6
    assert "\n" not in str(e.value)


def test_good_options_come_back_normalised():
    assert check_video("A.MP4", (np.int64(640), 360), np.int32(24), 2, 1) == (".mp4", (640, 360), 24, 2, 1.0)
    assert check_size((321, 17)) == (321, 17)
    assert check_format("fig.SVG") == ".svg"


def test_media_rules_load_no_qt():
    code = ("import sys, armsim.io.media, armsim.cli\n"
            "print(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
