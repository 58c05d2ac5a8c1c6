"""Figures and videos: `armsim render`, export_figure, export_video, RunFigure (small sizes, to stay fast)."""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QImage

from armsim import Params, solve
from armsim.io.media import OptionError
from armsim.render.figure import RunFigure, export_figure, rgb_array
from armsim.render.video import Cancelled, export_video, iter_frames
from tests.helpers import run_cli

SIZE = (320, 180)
RED, GREEN = (0xD6, 0x27, 0x28), (0x2C, 0xA0, 0x2C)     # the theme's start and final colours




def count_near(rgb: np.ndarray, colour, tol: int = 40) -> int:
    """Pixels within ``tol`` of ``colour`` in every channel."""
    return int((np.abs(rgb[..., :3].astype(int) - colour) <= tol).all(axis=-1).sum())


def decode_mp4(path) -> np.ndarray:
    """Every frame of an MP4 as ``(N, H, W, 3)`` RGB, decoded by the bundled ffmpeg.

    Run directly: imageio's ffmpeg reader leaves a pipe to a finished ffmpeg unclosed
    (a ResourceWarning, which this suite treats as an error).
    """
    import re

    from imageio_ffmpeg import get_ffmpeg_exe
    done = subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24",
                           "-"], capture_output=True, timeout=60, check=True)
    w, h = map(int, re.search(rb"Video: h264.*?, (\d+)x(\d+)", done.stderr).groups())
    assert b"yuv420p" in done.stderr
    return np.frombuffer(done.stdout, np.uint8).reshape(-1, h, w, 3)


def no_leftovers(folder) -> bool:
    return not [name for name in os.listdir(folder) if name.startswith(".")]


@pytest.fixture(scope="module")
def short_run():
    return solve(Params(epochs=5))


# --------------------------------------------------------------------------- figures
def test_render_png_has_the_size_and_both_poses(qapp, capsys, tmp_path):
    out = tmp_path / "fig.png"
    code, stdout, err = run_cli(capsys, "render", "--out", str(out), "--size", "320x180")
    assert code == 0 and err == ""
    assert stdout.splitlines() == [stdout.strip()] and stdout.startswith(f"wrote {out}: 1 frame (epoch 20 of 20)")
    image = QImage(str(out))
    assert (image.width(), image.height()) == SIZE
    rgb = iio.imread(out)
    assert rgb.shape[:2] == (180, 320)
    assert count_near(rgb, RED) > 30 and count_near(rgb, GREEN) > 30
    assert no_leftovers(tmp_path)


def test_render_svg_parses_and_holds_both_plots(qapp, capsys, tmp_path):
    out = tmp_path / "fig.svg"
    code, _, _ = run_cli(capsys, "render", "--out", str(out), "--size", "320x180", "--epoch", "3")
    assert code == 0
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg") and (root.get("width"), root.get("height")) == ("320", "180")
    text = out.read_text().lower()
    assert "#d62728" in text and "#2ca02c" in text           # the red start and the green pose
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))                           # two plots, no clashing clip paths
    assert {"arm", "error"} <= set(ids)
    assert "epoch 3 / 20" in "".join(root.itertext())


def test_png_figure_is_the_videos_frame(qapp, tmp_path, short_run):
    export_figure(short_run, tmp_path / "f.png", size=SIZE, epoch=2)
    frames = list(iter_frames(short_run, size=SIZE))
    assert np.array_equal(iio.imread(tmp_path / "f.png")[..., :3], frames[2])


def test_figure_rejects_bad_options_and_writes_nothing(qapp, tmp_path, short_run):
    for kwargs, option in [({"epoch": 6}, "epoch"), ({"epoch": -7}, "epoch"), ({"size": (8, 8)}, "size")]:
        with pytest.raises(OptionError) as e:
            export_figure(short_run, tmp_path / "f.png", **{"size": SIZE, **kwargs})
        assert e.value.option == option
    with pytest.raises(OptionError, match=r"\.png \.svg"):
        export_figure(short_run, tmp_path / "f.gif", size=SIZE)
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- RunFigure
def test_frames_depend_only_on_the_epoch_not_on_what_was_drawn_before(qapp, short_run):
    figure = RunFigure(SIZE)
    figure.show_epoch(short_run, 3)
    first = rgb_array(figure.render_image())
    for j in (5, 0, 1):
        figure.show_epoch(short_run, j)
    figure.show_epoch(short_run, 3)
    assert np.array_equal(rgb_array(figure.render_image()), first)
    fresh = RunFigure(SIZE)
    fresh.show_epoch(short_run, 3)
    assert np.array_equal(rgb_array(fresh.render_image()), first)


def test_rendered_rgb_is_exact_for_odd_widths(qapp, short_run):
    figure = RunFigure((321, 97))        # 321 * 3 bytes is not a multiple of 4: rows are padded
    figure.show_epoch(short_run, -1)
    rgb = rgb_array(figure.render_image())
    assert rgb.shape == (97, 321, 3) and rgb.dtype == np.uint8
    image = figure.render_image()
    for x, y in [(0, 0), (320, 96), (160, 50), (5, 90)]:
        c = image.pixelColor(x, y)
        assert tuple(rgb[y, x]) == (c.red(), c.green(), c.blue())
    assert tuple(rgb[0, 0]) == (255, 255, 255)


def test_title_and_error_curve_follow_the_epoch(qapp, short_run):
    figure = RunFigure(SIZE)
    figure.show_epoch(short_run, 2)
    assert figure.title.text() == f"eta 0.075 \u00b7 epoch 2 / 5 \u00b7 error {short_run.errors[2]:.2g}"
    x, y = figure.errors.curve.getData()
    assert list(x) == [0, 1, 2] and np.array_equal(y, short_run.errors[:3])
    assert figure.errors.marker.data["x"].tolist() == [2]
    np.testing.assert_array_equal(figure.arm.final_curve.getData()[1][1:], short_run.positions(2)[1])


def test_view_stays_put_through_a_diverging_run_with_in_between_frames(qapp):
    result = solve(Params(eta=50, epochs=3))             # the first epoch turns a joint by ~13 radians
    assert result.status == "diverged"
    figure = RunFigure(SIZE)
    ranges = set()
    for _ in iter_frames(result, size=SIZE, frames_per_epoch=5, figure=figure):
        ranges.add(str(figure.arm.getPlotItem().viewRange()))
    assert len(ranges) == 1


def test_log_error_figure_draws(qapp, short_run):
    figure = RunFigure(SIZE, log_error=True)
    figure.show_epoch(short_run, 4)
    assert count_near(rgb_array(figure.render_image()), GREEN) > 10


def test_colour_safe_theme_changes_the_colours(qapp, tmp_path, short_run):
    from armsim.render.theme import COLOUR_SAFE
    export_figure(short_run, tmp_path / "f.png", size=SIZE, theme=COLOUR_SAFE)
    rgb = iio.imread(tmp_path / "f.png")
    assert count_near(rgb, (0xD5, 0x5E, 0x00), 20) > 30 and count_near(rgb, RED, 20) == 0


@pytest.fixture(scope="module")
def moving_run():
    """A run whose arm sweeps across the canvas (under the target label and the legend)."""
    return solve(Params(angles_deg=(80, -60, 120), target=-1.5, eta=0.05, epochs=40))


@pytest.mark.parametrize("kwargs", [{}, {"log_error": True}])
def test_fast_painting_is_pixel_for_pixel_what_qt_renders(qapp, moving_run, kwargs):
    """paint_into (backdrop, dirty boxes, layers, reused images) gives exactly QWidget.render's pixels.

    The whole epochs forward, then in-between frames backward, into two images taken in turn.
    """
    from armsim.io.media import pose_at
    figure = RunFigure((640, 360), **kwargs)        # wide enough for the legend
    images = [QImage(640, 360, QImage.Format_RGB32) for _ in range(2)]
    order = list(range(0, 2 * moving_run.epochs_run + 1, 2)) + list(range(2 * moving_run.epochs_run - 1, 0, -8))
    for n, i in enumerate(order):
        angles, t = pose_at(moving_run.angles, i, 2)
        figure.show_frame(moving_run, angles, t)
        image = images[n % 2]                       # each image is reused, last painted two frames ago
        figure.paint_into(image)
        assert image == figure.render_image(reference=True), f"frame {i}"


def test_an_item_added_after_planning_is_painted_too(qapp, short_run):
    """The fast path plans the scene once; a scene that changed is rendered by Qt, then planned anew."""
    import pyqtgraph as pg
    figure = RunFigure((640, 360))
    image = QImage(640, 360, QImage.Format_RGB32)
    figure.show_epoch(short_run, 1)
    figure.paint_into(image)
    figure.arm.getPlotItem().addItem(pg.TextItem("a note", color="#d62728"))
    for j in (2, 3):
        figure.show_epoch(short_run, j)
        figure.paint_into(image)
        assert image == figure.render_image(reference=True)


def test_the_benchmarks_switch_paints_the_same_frames_through_qt(qapp, short_run, monkeypatch):
    """benchmarks/bench_video.py times the painter against QWidget.render by this switch: the same frames both ways."""
    import armsim.render.figure as figure_module
    painted = list(iter_frames(short_run, size=SIZE, frames_per_epoch=2))
    monkeypatch.setattr(figure_module, "_SCENE_PAINTER", False)
    figure = RunFigure(SIZE)
    rendered = list(iter_frames(short_run, size=SIZE, frames_per_epoch=2, figure=figure))
    assert figure._backdrop is None                 # Qt drew them: the painter never ran
    assert all(np.array_equal(a, b) for a, b in zip(painted, rendered)) and len(painted) == len(rendered)


def test_paint_into_needs_an_rgb32_image_of_the_figures_size(qapp, short_run):
    figure = RunFigure(SIZE)
    figure.show_epoch(short_run, 1)
    for image in (QImage(321, 180, QImage.Format_RGB32), QImage(*SIZE, QImage.Format_ARGB32)):
        with pytest.raises(ValueError, match="Format_RGB32"):
            figure.paint_into(image)


def test_log_scale_frames_between_epochs_draw_the_error_curve(qapp, short_run):
    """The in-between frame used to append to the curve's log10 display data, which made it NaN."""
    figure = RunFigure(SIZE, log_error=True)
    figure.show_frame(short_run, (short_run.angles[2] + short_run.angles[3]) / 2, 2.5)
    a, b = short_run.errors[2], short_run.errors[3]
    x, y = figure.errors.curve.getData()
    np.testing.assert_array_equal(x, [0, 1, 2, 2.5])
    np.testing.assert_allclose(y, np.log10([*short_run.errors[:3], a * (b / a) ** 0.5]), rtol=1e-12)


# --------------------------------------------------------------------------- videos
def test_mp4_has_the_size_and_exact_frame_count(qapp, capsys, tmp_path):
    out = tmp_path / "run.mp4"
    code, stdout, _ = run_cli(capsys, "render", "--out", str(out), "--size", "320x180", "--epochs", "5",
                              "--fps", "10", "--frames-per-epoch", "3", "--hold", "0.5")
    assert code == 0
    frames = decode_mp4(out)
    assert frames.shape == (3 * 5 + 1 + 5, 180, 320, 3)
    assert stdout.startswith(f"wrote {out}: 21 frames, 320x180, 2.10 s at 10 fps")
    assert no_leftovers(tmp_path)


def test_gif_has_the_size_frames_and_timing(qapp, tmp_path, short_run):
    info = export_video(short_run, tmp_path / "run.gif", size=SIZE, fps=10, frames_per_epoch=2, hold=0.5)
    assert info.frames == 2 * 5 + 1 + 5 and info.seconds == pytest.approx(1.6)
    frames = iio.imread(tmp_path / "run.gif", index=None)
    # A GIF keeps a run of identical frames once with their delays added (Pillow always does): the
    # hold is the last frame's longer delay, so 11 frame records play for 16 frames' time.
    assert frames.shape[:3] == (2 * 5 + 1, 180, 320)
    with Image.open(tmp_path / "run.gif") as gif:
        delays = []
        for i in range(gif.n_frames):
            gif.seek(i)
            delays.append(gif.info["duration"])
        assert gif.info.get("loop") == 0
    assert delays == [100] * 10 + [600]


def test_gif_colours_are_the_frames_own(qapp, tmp_path, short_run):
    """One palette for the whole video, most frequent colours exact: white stays white, lines keep their colour."""
    export_video(short_run, tmp_path / "run.gif", size=SIZE, fps=10, frames_per_epoch=2)
    decoded = iio.imread(tmp_path / "run.gif", index=None).astype(int)
    source = np.array(list(iter_frames(short_run, size=SIZE, frames_per_epoch=2))).astype(int)
    exact = (decoded == source).all(axis=-1)
    assert exact.mean() > 0.98 and tuple(decoded[0, 0, 0]) == (255, 255, 255)
    assert count_near(decoded[-1], RED, 0) > 10 and count_near(decoded[-1], GREEN, 0) > 10


def test_gif_delays_keep_time_at_30_fps(qapp, tmp_path, short_run):
    export_video(short_run, tmp_path / "run.gif", size=SIZE, fps=30, frames_per_epoch=6)
    with Image.open(tmp_path / "run.gif") as gif:
        starts = np.cumsum([0] + [(gif.seek(i), gif.info["duration"])[1] for i in range(gif.n_frames - 1)])
    assert np.abs(starts - np.arange(len(starts)) * 1000 / 30).max() <= 5


def test_rendering_twice_gives_identical_frames(qapp, tmp_path, short_run):
    for name in ("a.gif", "b.gif"):
        export_video(short_run, tmp_path / name, size=SIZE, fps=10, frames_per_epoch=2)
    assert np.array_equal(iio.imread(tmp_path / "a.gif", index=None), iio.imread(tmp_path / "b.gif", index=None))
    fed = [list(iter_frames(short_run, size=SIZE, frames_per_epoch=2, held=2)) for _ in range(2)]
    assert len(fed[0]) == 2 * 5 + 1 + 2
    assert all(np.array_equal(a, b) for a, b in zip(*fed))
    assert not np.array_equal(fed[0][0], fed[0][1])           # and the arm does move
    for name in ("a.mp4", "b.mp4"):
        export_video(short_run, tmp_path / name, size=SIZE, fps=10, frames_per_epoch=2)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()   # x264 is deterministic too


def test_in_between_frames_interpolate_the_pose(qapp, short_run):
    figure = RunFigure(SIZE)
    ys = []
    for _ in iter_frames(short_run, size=SIZE, frames_per_epoch=4, figure=figure):
        ys.append(figure.arm.final_curve.getData()[1][-1])
    assert len(ys) == 4 * 5 + 1
    np.testing.assert_array_equal(ys[::4], short_run.positions(slice(None))[1][:, -1])
    mid = (short_run.angles[0] + short_run.angles[1]) / 2
    assert ys[2] == pytest.approx(np.sum(np.sin(mid)))


def test_mp4_shows_the_drawn_frames_in_their_colours(qapp, tmp_path, moving_run):
    """ffmpeg is fed Qt's 32-bit pixels (B, G, R, x in memory): red must stay red, not turn blue."""
    export_video(moving_run, tmp_path / "run.mp4", size=(640, 360), fps=10)
    decoded = decode_mp4(tmp_path / "run.mp4").astype(int)
    drawn = np.array(list(iter_frames(moving_run, size=(640, 360)))).astype(int)
    assert decoded.shape == drawn.shape
    assert np.abs(decoded - drawn).mean() < 2
    red = (drawn[..., 0] > 180) & (drawn[..., 1] < 80) & (drawn[..., 2] < 80)      # the start pose
    r, g, b = (decoded[..., c][red].mean() for c in range(3))
    assert red.sum() > 100 and r > 150 and b < 110 and g < 110


def _feed_threads() -> list:
    import threading
    return [t for t in threading.enumerate() if t.name.startswith("armsim-mp4")]


@pytest.mark.parametrize("reads, words", [
    (2, "the MP4 encoder (ffmpeg) failed: [rawvideo] input ended"),         # dies mid-way: a broken pipe
    (None, "the MP4 encoder (ffmpeg) failed: [mp4] could not finish"),      # takes it all, then exits 1
])
def test_an_encoder_failure_is_one_line_and_leaves_no_file(qapp, tmp_path, short_run, monkeypatch, reads, words):
    """An encoder that fails says why in one line (its first message), however much it printed after."""
    from armsim.render import mp4
    frame = 4 * SIZE[0] * SIZE[1]
    last = words.split(": ", 1)[1]
    script = (f"import sys\nsys.stdin.buffer.read({frame * reads if reads else -1})\n"
              f"sys.stderr.write({last!r} + '\\n' + 'what followed\\n' * 40)\nsys.exit(1)")
    monkeypatch.setattr(mp4.Mp4Writer, "_command", lambda self: [sys.executable, "-c", script])
    out = tmp_path / "run.mp4"
    out.write_bytes(b"the old video")
    with pytest.raises(OSError) as e:
        export_video(short_run, out, size=SIZE, fps=10, hold=1.0)
    assert str(e.value) == words
    assert out.read_bytes() == b"the old video" and sorted(os.listdir(tmp_path)) == ["run.mp4"]
    assert not _feed_threads()


def test_a_real_ffmpeg_failure_is_one_line(qapp, tmp_path, short_run, monkeypatch):
    from armsim.render import mp4
    monkeypatch.setattr(mp4, "MP4_PRESET", "no-such-preset")
    with pytest.raises(OSError) as e:
        export_video(short_run, tmp_path / "run.mp4", size=SIZE, fps=10)
    assert str(e.value).startswith("the MP4 encoder (ffmpeg) failed: ") and "\n" not in str(e.value)
    assert os.listdir(tmp_path) == [] and not _feed_threads()


def test_cancel_stops_the_encoder_feed(qapp, tmp_path, short_run):
    calls = []
    with pytest.raises(Cancelled):
        export_video(short_run, tmp_path / "run.mp4", size=SIZE, fps=10,
                     cancel=lambda: calls.append(1) or len(calls) > 3)
    assert not _feed_threads() and os.listdir(tmp_path) == []


def test_progress_counts_every_frame(qapp, tmp_path, short_run):
    calls = []
    export_video(short_run, tmp_path / "run.mp4", size=SIZE, fps=10, hold=0.3,
                 progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 9) for i in range(1, 10)]


@pytest.mark.parametrize("name", ["run.mp4", "run.gif"])
def test_cancel_removes_the_partial_output_and_keeps_the_old_file(qapp, tmp_path, short_run, name):
    out = tmp_path / name
    out.write_bytes(b"the old video")
    polls = []

    def cancel():
        polls.append(1)
        return len(polls) > 3

    with pytest.raises(Cancelled):
        export_video(short_run, out, size=SIZE, fps=10, cancel=cancel)
    assert out.read_bytes() == b"the old video"
    assert sorted(os.listdir(tmp_path)) == [name]


@pytest.mark.parametrize("kwargs, option, words", [
    ({"size": (0, 5)}, "size", "16 to 7680"), ({"size": (8000, 100)}, "size", "16 to 7680"),
    ({"size": (321, 180)}, "size", "even"), ({"size": "big"}, "size", "width, height"),
    ({"fps": 0}, "fps", "1 to 120"), ({"fps": 121}, "fps", "1 to 120"), ({"fps": 2.5}, "fps", "whole"),
    ({"frames_per_epoch": 0}, "frames_per_epoch", "1 to 100"), ({"hold": 61}, "hold", "0 to 60"),
    ({"hold": float("nan")}, "hold", "0 to 60"), ({"path": "run.avi"}, "path", ".gif .mp4"),
])
def test_video_options_are_checked_before_anything_is_drawn(tmp_path, short_run, kwargs, option, words):
    kwargs = {"path": str(tmp_path / "run.mp4"), "size": SIZE, **kwargs}
    with pytest.raises(ValueError) as e:
        export_video(short_run, kwargs.pop("path"), **kwargs)
    assert isinstance(e.value, OptionError) and e.value.option == option and words in str(e.value)
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- the command line
@pytest.mark.parametrize("args, flag", [
    (["--size", "0x5"], "--size"), (["--size", "abc"], "--size"), (["--size", "320x181", "--out", "x.mp4"], "--size"),
    (["--fps", "0", "--out", "x.mp4"], "--fps"), (["--fps", "51", "--out", "x.gif"], "--fps"),
    (["--frames-per-epoch", "0", "--out", "x.gif"], "--frames-per-epoch"),
    (["--hold", "-1", "--out", "x.gif"], "--hold"),
    (["--hold", "inf", "--out", "x.gif"], "--hold"), (["--out", "file.txt"], "--out"),
    (["--out", "/nonexistent/dir/x.png"], "--out"), (["--fps", "3"], "--fps"),
    (["--epoch", "2", "--out", "x.mp4"], "--epoch"), (["--epoch", "21"], "--epoch"), (["--eta", "0"], "--eta"),
    (["--epochs", "200000", "--out", "x.mp4"], "--epochs"),
])
def test_bad_render_input_exits_2_with_one_line_naming_the_flag(qapp, capsys, tmp_path, args, flag):
    if "--out" not in args:
        args = args + ["--out", "x.png"]
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    code, out, err = run_cli(capsys, "render", *args)
    lines = [line for line in err.splitlines() if not line.startswith(("usage:", " "))]
    assert code == 2 and out == "" and "Traceback" not in err
    assert len(lines) == 1 and lines[0].startswith(f"armsim render: error: argument {flag}"), err
    assert no_leftovers(tmp_path) and not list(tmp_path.iterdir())


def test_out_inside_a_file_or_onto_a_directory_is_bad_input(qapp, capsys, tmp_path):
    (tmp_path / "file").write_text("")
    (tmp_path / "dir.png").mkdir()
    for out, words in [(tmp_path / "file" / "x.png", "is not a directory"), (tmp_path / "dir.png", "is a directory")]:
        code, _, err = run_cli(capsys, "render", "--out", str(out))
        assert code == 2 and err.splitlines()[-1].endswith(words)


def test_a_failed_write_exits_1_with_one_line_and_no_file(qapp, capsys, tmp_path, monkeypatch):
    import armsim.io.atomic

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(armsim.io.atomic.os, "replace", refuse)
    for name in ("fig.png", "run.mp4"):
        code, out, err = run_cli(capsys, "render", "--out", str(tmp_path / name), "--size", "320x180",
                                 "--epochs", "2")
        assert code == 1 and out == ""
        assert err == f"armsim render: error: could not write {tmp_path / name}: Permission denied\n"
    assert list(tmp_path.iterdir()) == []


def test_bad_render_input_never_loads_qt(tmp_path):
    code = ("import sys\nfrom armsim.cli import main\n"
            "try:\n    main(['render', '--out', sys.argv[1]])\nexcept SystemExit as e:\n    print(e.code)\n"
            "print('PySide6' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "fig.txt")], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["2", "False"]


@pytest.fixture(scope="module")
def followed_run():
    """A reach run whose target moved twice (follow mode), with relative joints."""
    from armsim import Run
    run = Run(Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), relative=True, eta=0.1, epochs=24))
    run.advance(6)
    run.retarget((-1.4, 0.9))
    run.advance(8)
    run.retarget((0.4, -1.6))
    run.advance(24)
    return run.result()


def test_a_followed_run_draws_each_frame_with_its_own_target_in_one_fixed_view(qapp, followed_run):
    """Each frame's target is the one that epoch aimed at; the view holds all of them and never moves;
    the fast painter still paints Qt's pixels (the target is one of the moving items then)."""
    from armsim.io.media import pose_at
    figure = RunFigure((640, 360))
    images = [QImage(640, 360, QImage.Format_RGB32) for _ in range(2)]
    ranges = set()
    for n, i in enumerate(range(0, 2 * followed_run.epochs_run + 1)):
        angles, t = pose_at(followed_run.angles, i, 2)
        figure.show_frame(followed_run, angles, t)
        j = min(int(np.ceil(t)), followed_run.epochs_run)
        tx, ty = figure.arm.target_point.getData()
        assert (tx[0], ty[0]) == followed_run.params_at(j).reach, i
        ranges.add(str(figure.arm.getPlotItem().viewRange()))
        (x0, x1), (y0, y1) = figure.arm.getPlotItem().viewRange()
        assert x0 < tx[0] < x1 and y0 < ty[0] < y1
        image = images[n % 2]
        figure.paint_into(image)
        assert image == figure.render_image(reference=True), f"frame {i}"
    assert len(ranges) == 1
