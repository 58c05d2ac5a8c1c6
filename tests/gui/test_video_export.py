"""The window's video export: the options dialog driven as a user would, its defaults, and a close during an export.

Videos are small (160x90) and runs short, to stay fast.
"""
import math
import os
import threading

import imageio_ffmpeg
import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from armsim import Params
from armsim.gui import exports
from armsim.gui.jobs import THREAD_PREFIX
from armsim.io import media
from armsim.io.media import OptionError
from tests.helpers import run_to_end

SMALL = (160, 90)


@pytest.fixture
def warnings(monkeypatch):
    """Message boxes are recorded instead of shown (a modal box would block the test)."""
    seen = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: seen.append((title, text)))
    return seen


@pytest.fixture
def finished_window(make_window, qtbot):
    """A window with the default run (20 epochs) finished, then set to play at the default 10 epochs/s."""
    window = make_window(Params(), speed=math.inf)
    assert run_to_end(qtbot, window).epochs_run == 20
    window.state.set_speed(10.0)
    return window


def when_dialog_shows(act):
    """Call ``act(dialog)`` once the video options dialog is up (its exec() blocks the test until answered).

    Returns the list of dialogs acted on (empty if none showed).
    """
    seen, polls = [], [0]

    def poll():
        widget = QApplication.activeModalWidget()
        if type(widget).__name__ == "VideoDialog":
            seen.append(widget)
            act(widget)
        elif polls[0] < 250:
            polls[0] += 1
            QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)
    return seen


def type_text(qtbot, entry, text: str):
    """Select what ``entry`` shows and type ``text`` key by key (no Enter: that would answer the dialog)."""
    entry.setFocus()
    entry.selectAll()
    qtbot.keyClicks(entry, text)


def small_and_render(qtbot, size=SMALL):
    """A user's answer: a custom size typed in, then Enter (the Render button)."""
    def act(dialog):
        type_text(qtbot, dialog.width_entry, str(size[0]))
        type_text(qtbot, dialog.height_entry, str(size[1]))
        qtbot.keyClick(dialog.height_entry, Qt.Key_Return)
    return act


def dialog(path="armsim.mp4", epochs=20, speed=10.0):
    from armsim.gui.video_dialog import VideoDialog
    return VideoDialog(path, epochs, speed)


def rule_of(**kwargs) -> str:
    """media's own words for the rule these options break."""
    with pytest.raises(OptionError) as e:
        options = {"path": "armsim.mp4", "size": SMALL, "fps": 30, "frames_per_epoch": 1, "hold": 0.0, **kwargs}
        media.check_video(**options)
    return e.value.rule


# --------------------------------------------------------------------------- defaults
def test_the_default_export_plays_the_run_at_the_windows_speed_then_holds(qtbot, finished_window, tmp_path,
                                                                         warnings):
    """The '0.7 s clip': 21 frames at 30 fps. At 10 epochs/s and 30 fps: 3 frames an epoch, then 2 s held."""
    out = tmp_path / "run.mp4"
    answered = when_dialog_shows(small_and_render(qtbot))
    assert exports.export(finished_window, "Video as MP4…", str(out)) and not warnings
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 3 * 20 + 1 + 60
    assert seconds == pytest.approx(frames / 30, abs=0.05)
    assert answered
    assert "4.0 s" in finished_window.readout.text()


@pytest.mark.parametrize("speed, k", [(10.0, 3), (5.0, 6), (1.0, 30), (0.1, media.MAX_FRAMES_PER_EPOCH),
                                      (30.0, 1), (100.0, 1), (math.inf, 1), (7.0, 4)])
def test_frames_per_epoch_default_follows_the_playback_speed(qtbot, speed, k):
    d = dialog(speed=speed)
    qtbot.addWidget(d)
    assert d.fps_entry.text() == "30" and d.hold_entry.text() == "2"
    assert d.width_entry.text() == "1920" and d.height_entry.text() == "1080"
    assert d.k_entry.text() == str(k)
    assert d.options is not None and d.options.frames_per_epoch == k and d.ok.isEnabled()


def test_the_window_speed_reaches_the_dialog(qtbot, finished_window, tmp_path):
    finished_window.state.set_speed(5.0)
    shown = []
    answered = when_dialog_shows(lambda d: (shown.append(d.k_entry.text()), qtbot.keyClick(d, Qt.Key_Escape)))
    assert not exports.export(finished_window, "Video as GIF…", str(tmp_path / "run.gif"))
    assert answered and shown == ["6"]


def test_frames_per_epoch_follow_the_frame_rate_until_typed(qtbot):
    d = dialog(speed=10.0)
    qtbot.addWidget(d)
    type_text(qtbot, d.fps_entry, "60")
    assert d.k_entry.text() == "6"
    assert "4.0 s, 241 frames" in d.summary.text() and "10 epochs/s" in d.summary.text()   # the same speed
    type_text(qtbot, d.k_entry, "2")
    type_text(qtbot, d.fps_entry, "24")
    assert d.k_entry.text() == "2" and d.options.frames_per_epoch == 2
    assert "12 epochs/s" in d.summary.text()


def test_the_summary_counts_the_frames_live(qtbot):
    d = dialog(epochs=20, speed=10.0)
    qtbot.addWidget(d)
    type_text(qtbot, d.hold_entry, "0.5")
    plan = media.schedule(20, 3, 30, 0.5)
    assert f"{plan.total} frames" in d.summary.text() and f"{plan.total / 30:.1f} s" in d.summary.text()


def test_a_preset_size_or_a_typed_one(qtbot):
    d = dialog()
    qtbot.addWidget(d)
    d.preset.setFocus()
    qtbot.keyClick(d.preset, Qt.Key_Down)         # the next preset, from the keyboard
    assert (d.width_entry.text(), d.height_entry.text()) == ("1280", "720") and d.options.size == (1280, 720)
    type_text(qtbot, d.width_entry, "640")
    type_text(qtbot, d.height_entry, "360")
    assert d.preset.currentText() == "640 x 360"
    type_text(qtbot, d.height_entry, "300")
    assert d.preset.currentText() == "custom" and d.options.size == (640, 300)


# --------------------------------------------------------------------------- rules said inline
@pytest.mark.parametrize("path, entry, text, rule", [
    ("run.gif", "fps_entry", "60", lambda: rule_of(path="run.gif", fps=60)),
    ("run.mp4", "fps_entry", "500", lambda: rule_of(fps=500)),
    ("run.mp4", "width_entry", "161", lambda: rule_of(size=(161, 1080))),
    ("run.mp4", "width_entry", "8", lambda: rule_of(size=(8, 1080))),
    ("run.mp4", "k_entry", "0", lambda: rule_of(frames_per_epoch=0)),
    ("run.mp4", "hold_entry", "90", lambda: rule_of(hold=90.0)),
    ("run.mp4", "hold_entry", "soon", lambda: "expected a number, got 'soon'"),
    ("run.mp4", "fps_entry", "2.5", lambda: "expected a whole number, got '2.5'"),
])
def test_a_broken_rule_is_said_in_medias_words_and_render_is_disabled(qtbot, path, entry, text, rule):
    d = dialog(path)
    qtbot.addWidget(d)
    widget = getattr(d, entry)
    shown = widget.text()
    type_text(qtbot, widget, text)
    assert rule() in d.problem.text() and d.problem.isVisibleTo(d)
    assert not d.ok.isEnabled() and d.options is None and widget.has_problem
    qtbot.keyClick(widget, Qt.Key_Return)           # Enter with a rule broken: the dialog stays open
    assert d.result() == 0 and rule() in d.problem.text()
    type_text(qtbot, widget, shown)                 # the number it showed again: the problem goes
    assert d.ok.isEnabled() and not d.problem.isVisibleTo(d) and not widget.has_problem


def test_a_gif_too_big_to_hold_and_a_video_too_long_are_refused_before_rendering(qtbot):
    gif = dialog("run.gif", epochs=200, speed=1.0)         # 30 frames an epoch of 1080p
    qtbot.addWidget(gif)
    with pytest.raises(OptionError) as e:
        media.check_gif_memory(30 * 200 + 1, (1920, 1080))
    assert e.value.rule in gif.problem.text() and not gif.ok.isEnabled()
    type_text(qtbot, gif.width_entry, "160")
    type_text(qtbot, gif.height_entry, "90")
    assert gif.ok.isEnabled()
    long = dialog("run.mp4", epochs=media.MAX_FRAMES // 30 + 1, speed=1.0)
    qtbot.addWidget(long)
    assert "Length: the video would have" in long.problem.text() and not long.ok.isEnabled()


def test_a_huge_typed_number_is_not_echoed_whole(qtbot):
    d = dialog()
    qtbot.addWidget(d)
    type_text(qtbot, d.fps_entry, "9" * 3000)
    assert "3,000 characters" in d.problem.text() and len(d.problem.text()) < 200 and not d.ok.isEnabled()


def test_the_dialog_is_keyboard_usable(qtbot):
    d = dialog()
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    order, widget = [], d.preset
    for _ in range(6):
        order.append(widget)
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.TabFocus) or not widget.isVisibleTo(d):
            widget = widget.nextInFocusChain()
    assert order == [d.preset, d.width_entry, d.height_entry, d.fps_entry, d.k_entry, d.hold_entry]
    from PySide6.QtWidgets import QLabel
    buddies = {label.buddy() for label in d.findChildren(QLabel) if label.buddy() is not None}
    assert buddies == {d.preset, d.fps_entry, d.k_entry, d.hold_entry}
    assert d.font().pointSize() >= QApplication.font().pointSize()


# --------------------------------------------------------------------------- cancel and remember
def test_escape_cancels_and_writes_nothing(qtbot, finished_window, tmp_path, warnings):
    def act(d):
        type_text(qtbot, d.fps_entry, "12")
        qtbot.keyClick(d.fps_entry, Qt.Key_Escape)
    answered = when_dialog_shows(act)
    assert not exports.export(finished_window, "Video as MP4…", str(tmp_path / "run.mp4"))
    assert answered and os.listdir(tmp_path) == [] and not warnings
    assert QSettings().value("video_export/mp4/fps") is None      # nothing remembered either


def test_the_last_choices_are_remembered_per_format(qtbot, finished_window, tmp_path):
    def act(d):
        type_text(qtbot, d.fps_entry, "24")
        type_text(qtbot, d.hold_entry, "1")
        small_and_render(qtbot)(d)
    when_dialog_shows(act)
    assert exports.export(finished_window, "Video as MP4…", str(tmp_path / "run.mp4"))
    again = dialog("other.mp4", speed=4.0)
    qtbot.addWidget(again)
    assert [e.text() for e in (again.width_entry, again.height_entry, again.fps_entry, again.hold_entry)] == \
        ["160", "90", "24", "1"]
    assert again.k_entry.text() == "6"             # from the speed now, not remembered
    gif = dialog("other.gif")
    qtbot.addWidget(gif)
    assert (gif.fps_entry.text(), gif.width_entry.text()) == ("30", "1920")


@pytest.mark.parametrize("stored", [
    {"fps": "fast", "hold": "nan", "width": "99999", "height": "-3"},
    {"fps": 60},                                    # an MP4's rate, written into the GIF's settings by hand
    {"fps": True, "hold": "1e400", "width": "x" * 10_000},
])
def test_corrupt_remembered_choices_fall_back_to_the_defaults(qtbot, stored):
    s = QSettings()
    for key, value in stored.items():
        s.setValue(f"video_export/gif/{key}", value)
    d = dialog("run.gif", speed=10.0)
    qtbot.addWidget(d)
    assert d.options == (media.DEFAULT_SIZE, 30, 3, 2.0) and d.ok.isEnabled()


# --------------------------------------------------------------------------- closing the window
@pytest.fixture
def close_at_frame(monkeypatch):
    """Make the renderer call ``window.close()`` from its progress report of frame 2; records a Cancelled."""
    import armsim.render.video as video
    real, seen = video.export_video, {"cancelled": False, "visible_after_close": None}

    def export(result, path, *, progress, window, **kwargs):
        def report(done, total):
            progress(done, total)
            if done == 2:
                window.close()
                seen["visible_after_close"] = window.isVisible()
        try:
            return real(result, path, progress=report, **kwargs)
        except video.Cancelled:
            seen["cancelled"] = True
            raise

    def arm(window):
        monkeypatch.setattr(video, "export_video", lambda *a, **k: export(*a, window=window, **k))
        return seen
    return arm


@pytest.mark.parametrize("name", ["run.mp4", "run.gif"])
def test_closing_the_window_during_an_export_cancels_it_then_closes(qtbot, finished_window, tmp_path, warnings,
                                                                   close_at_frame, name):
    seen = close_at_frame(finished_window)
    when_dialog_shows(small_and_render(qtbot))
    assert not exports.export(finished_window, "Video as MP4…" if name.endswith("mp4") else "Video as GIF…",
                              str(tmp_path / name))
    assert seen["cancelled"] and seen["visible_after_close"] is True     # the close waited for the unwinding
    qtbot.waitUntil(lambda: not finished_window.isVisible())
    assert finished_window.close_when_export_ends is None
    assert os.listdir(tmp_path) == [] and not warnings                  # no temporary file, no video
    assert not [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX) and t.is_alive()]


def test_closing_the_window_while_the_options_are_asked(qtbot, finished_window, tmp_path):
    answered = when_dialog_shows(lambda d: finished_window.close())
    assert not exports.export(finished_window, "Video as MP4…", str(tmp_path / "run.mp4"))
    assert answered
    qtbot.waitUntil(lambda: not finished_window.isVisible())
    assert os.listdir(tmp_path) == []


def test_during_an_export_nothing_modal_blocks_the_close_and_the_window_takes_no_input(
        qtbot, finished_window, tmp_path, monkeypatch):
    """The progress dialog was window-modal, and Qt drops a window manager's close of a window a modal
    dialog blocks: the close button did nothing during an export. Now nothing is modal, and the window's
    own input (controls, menus, run keys) is off until the export ends; Quit stays on."""
    from PySide6.QtGui import QGuiApplication

    import armsim.render.video as video
    real, seen = video.export_video, {}

    def export(result, path, *, progress, **kwargs):
        def report(done, total):
            progress(done, total)
            if done == 2:
                seen["modal"] = QGuiApplication.modalWindow()
                seen["controls"] = finished_window.controls.isEnabled()
                seen["menus"] = finished_window.menuBar().isEnabled()
                seen["run key"] = finished_window.actions.toggle.isEnabled()
                seen["quit"] = finished_window.actions.quit.isEnabled()
        return real(result, path, progress=report, **kwargs)
    monkeypatch.setattr(video, "export_video", export)
    when_dialog_shows(small_and_render(qtbot))
    assert exports.export(finished_window, "Video as MP4…", str(tmp_path / "run.mp4"))
    assert seen == {"modal": None, "controls": False, "menus": False, "run key": False, "quit": True}
    assert finished_window.controls.isEnabled() and finished_window.actions.toggle.isEnabled()    # back on
    assert finished_window.menuBar().isEnabled()
