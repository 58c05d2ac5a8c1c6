"""The video export's options dialog: size, frame rate, frames per epoch and hold, checked as they are typed.

It owns the defaults a video starts from and what the window remembers of the
last choices. The rules are :mod:`armsim.io.media`'s: every change is checked
with the same functions :func:`armsim.render.video.export_video` calls, the
broken rule is said in media's words under the options and the Render button
stays disabled until none is broken, so an accepted dialog never fails on an
option.

Defaults
--------
The clip plays the run at the speed the window plays it: with ``fps`` frames a
second and a playback speed of ``s`` epochs a second, ``round(fps / s)`` frames
an epoch (the in-between frames slide the arm smoothly), 1 when the window
plays as fast as possible or faster than ``fps``. While the user has not typed
frames per epoch themselves, they follow a change of the frame rate. The last
frame is held 2 s, so the clip does not end on the final pose before the eye
finds it. Size, frame rate and hold are remembered per format (QSettings);
frames per epoch is not, since it comes from the speed the window plays at now.
"""
from __future__ import annotations

import math
import os
from typing import NamedTuple

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
)

from armsim.gui.controls import PROBLEM_COLOUR
from armsim.gui.entries import MAX_SHOWN, NumberEntry, parse_number
from armsim.io.media import (
    DEFAULT_SIZE,
    MAX_FRAMES_PER_EPOCH,
    MAX_GIF_FPS,
    OptionError,
    check_gif_memory,
    check_total_frames,
    check_video,
    schedule,
)

DEFAULT_FPS = 30
DEFAULT_HOLD = 2.0                 # seconds on the last frame
SIZE_PRESETS = (DEFAULT_SIZE, (1280, 720), (854, 480), (640, 360))
CUSTOM = "custom"
SETTINGS_GROUP = "video_export"
# What each option of media's OptionError is called here (the rule follows in media's words).
OPTION_LABELS = {"size": "Size", "fps": "Frame rate", "frames_per_epoch": "Frames per epoch",
                 "hold": "Hold", "epochs": "Length"}


class VideoOptions(NamedTuple):
    """The options of one video export, as :func:`armsim.render.video.export_video` takes them."""

    size: tuple[int, int]
    fps: int
    frames_per_epoch: int
    hold: float


def frames_per_epoch_for(speed: float, fps: int) -> int:
    """Frames per epoch that play a run at ``speed`` epochs a second at ``fps`` frames a second.

    ``round(fps / speed)``, kept to the allowed 1 to ``MAX_FRAMES_PER_EPOCH``; 1 for an
    infinite speed ("as fast as possible") and for any speed above ``fps``.
    """
    if math.isinf(speed) or speed >= fps:
        return 1
    if fps >= speed * MAX_FRAMES_PER_EPOCH:        # compared exactly: a typed fps may be too big for a float
        return MAX_FRAMES_PER_EPOCH
    return max(round(fps / speed), 1)


def remembered(path: str, speed: float) -> VideoOptions:
    """The options a dialog for ``path`` starts from: the last ones taken for its format, else the defaults.

    A stored value that is missing, corrupt or breaks a rule of the format (a
    60 fps MP4's rate for a GIF cannot arise, but a hand-edited file can hold
    anything) falls back to its default; frames per epoch always comes from ``speed``.
    """
    s = QSettings()
    s.beginGroup(_settings_group(path))
    width, height = _number(s.value("width"), int), _number(s.value("height"), int)
    chosen = {"size": (width, height), "fps": _number(s.value("fps"), int), "hold": _number(s.value("hold"), float)}
    s.endGroup()
    defaults = {"size": DEFAULT_SIZE, "fps": DEFAULT_FPS, "hold": DEFAULT_HOLD}
    for option, value in chosen.items():
        if value is None or (option == "size" and None in value):
            chosen[option] = defaults[option]
    while True:         # each pass puts back the default of the option a rule refused (the defaults pass)
        try:
            check_video(path, chosen["size"], chosen["fps"], 1, chosen["hold"])
        except OptionError as e:
            if e.option in chosen and chosen[e.option] != defaults[e.option]:
                chosen[e.option] = defaults[e.option]
                continue
        break
    fps = chosen["fps"]
    return VideoOptions(chosen["size"], fps, frames_per_epoch_for(speed, fps), chosen["hold"])


def remember(path: str, options: VideoOptions) -> None:
    """Store ``options`` (all but frames per epoch) as the last taken for ``path``'s format."""
    s = QSettings()
    s.beginGroup(_settings_group(path))
    s.setValue("width", options.size[0])
    s.setValue("height", options.size[1])
    s.setValue("fps", options.fps)
    s.setValue("hold", options.hold)
    s.endGroup()


def _settings_group(path: str) -> str:
    return f"{SETTINGS_GROUP}/{os.path.splitext(path)[1].lower().lstrip('.') or 'none'}"


def _number(value, kind):
    """``value`` read back from QSettings as an int or a finite float, else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = parse_number(str(value)[:MAX_SHOWN], kind is int)
    except ValueError:
        return None
    return number if kind is int else float(number)


class VideoDialog(QDialog):
    """Options of a video of a run of ``epochs`` epochs to ``path``, for a window playing at ``speed``.

    :attr:`options` holds the valid options shown (None while a rule is broken);
    :attr:`problem` says the broken rule.
    """

    def __init__(self, path: str, epochs: int, speed: float, parent=None):
        super().__init__(parent)
        self.path, self.epochs, self.speed = path, epochs, speed
        self.ext = os.path.splitext(path)[1].lower()
        self.options: VideoOptions | None = None
        self._k_follows_fps = True
        self._showing = False           # set while the dialog writes its own entries
        start = remembered(path, speed)
        self.setWindowTitle(f"Video of the run: {os.path.basename(path)}")

        even = self.ext == ".mp4"
        self.preset = QComboBox()
        for w, h in SIZE_PRESETS:           # item i is SIZE_PRESETS[i]; the last one, "custom"
            self.preset.addItem(f"{w} x {h}")
        self.preset.addItem(CUSTOM)
        self.preset.setToolTip("the video's width x height in pixels; type any size in the boxes beside")
        self.width_entry = NumberEntry("width", start.size[0], step=2 if even else 1, integer=True)
        self.height_entry = NumberEntry("height", start.size[1], step=2 if even else 1, integer=True)
        for entry, side in ((self.width_entry, "width"), (self.height_entry, "height")):
            entry.setAccessibleName(f"{side} in pixels")
            entry.setToolTip(f"{side} in pixels" + (" (even, for MP4)" if even else ""))
            entry.setMaximumWidth(90)
        self.fps_entry = NumberEntry("frame rate", start.fps, integer=True)
        self.fps_entry.setToolTip("frames per second of the video"
                                  + (f" (at most {MAX_GIF_FPS} for a GIF)" if self.ext == ".gif" else ""))
        self.k_entry = NumberEntry("frames per epoch", start.frames_per_epoch, integer=True)
        self.k_entry.setToolTip("frames drawn for each epoch of the run; those between two epochs slide the arm "
                                "smoothly from one pose to the next")
        self.hold_entry = NumberEntry("hold", start.hold, step=0.5)
        self.hold_entry.setToolTip("seconds the last frame stays before the video ends")
        for entry in (self.fps_entry, self.k_entry, self.hold_entry):
            entry.setMaximumWidth(90)

        form = QFormLayout()
        size_row = QHBoxLayout()
        size_row.addWidget(self.preset)
        size_row.addWidget(self.width_entry)
        size_row.addWidget(QLabel("x"))
        size_row.addWidget(self.height_entry)
        size_row.addWidget(QLabel("pixels"))
        size_row.addStretch(1)
        form.addRow(_label("&Size", self.preset), size_row)
        form.addRow(_label("Frame &rate", self.fps_entry), _with_unit(self.fps_entry, "frames per second"))
        form.addRow(_label("&Frames per epoch", self.k_entry), _with_unit(self.k_entry, ""))
        form.addRow(_label("&Hold the last frame", self.hold_entry), _with_unit(self.hold_entry, "seconds"))

        self.playback = QLabel()
        self.playback.setTextFormat(Qt.PlainText)
        self.playback.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.PlainText)
        self.summary.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {PROBLEM_COLOUR}")
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.Ok)
        self.ok.setText("&Render")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.playback)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)   # the rule's words wrap, not cut

        self.preset.currentIndexChanged.connect(self._preset_chosen)
        for entry in (self.width_entry, self.height_entry, self.fps_entry, self.k_entry, self.hold_entry):
            entry.textChanged.connect(self._check)
            entry.committed.connect(lambda value, e=entry: self._step(e, value))
        self.fps_entry.textChanged.connect(self._fps_changed)
        self.k_entry.textChanged.connect(self._k_typed)
        window_speed = "as fast as it can" if math.isinf(speed) else f"at {speed:g} epochs/s"
        self.playback.setText(f"The run has {epochs:,} epochs; the window plays it {window_speed}.")
        self._show_preset()
        self._check()
        self.preset.setFocus()

    # -- the entries -------------------------------------------------------------------------
    def _step(self, entry: NumberEntry, value) -> None:
        """Enter, focus out, Up or Down: the entry shows the number it now holds (as long as it is one)."""
        if isinstance(value, float) and not math.isfinite(value):
            return
        entry.set_value(value)
        self._check()

    def _preset_chosen(self, _index: int) -> None:
        index = self.preset.currentIndex()
        if index >= len(SIZE_PRESETS) or self._showing:
            return
        size = SIZE_PRESETS[index]
        self._showing = True
        try:
            self.width_entry.set_value(size[0])
            self.height_entry.set_value(size[1])
        finally:
            self._showing = False
        self._check()

    def _show_preset(self) -> None:
        """The size list shows the preset the typed size is, else "custom"."""
        try:
            size = (parse_number(self.width_entry.text(), True), parse_number(self.height_entry.text(), True))
        except ValueError:
            size = None
        index = SIZE_PRESETS.index(size) if size in SIZE_PRESETS else len(SIZE_PRESETS)
        if index != self.preset.currentIndex():
            self._showing = True
            try:
                self.preset.setCurrentIndex(index)
            finally:
                self._showing = False

    def _fps_changed(self, text: str) -> None:
        if not self._k_follows_fps:
            return
        try:
            fps = parse_number(text, True)
        except ValueError:
            return
        if fps >= 1:
            self._showing = True
            try:
                self.k_entry.set_value(frames_per_epoch_for(self.speed, fps))
            finally:
                self._showing = False

    def _k_typed(self, _text: str) -> None:
        if not self._showing:
            self._k_follows_fps = False

    # -- the rules ---------------------------------------------------------------------------
    def _check(self) -> None:
        """Check what the entries show with media's rules; say the first one broken, or the clip it makes."""
        self._show_preset()
        entries = {"size": (self.width_entry, self.height_entry), "fps": (self.fps_entry,),
                   "frames_per_epoch": (self.k_entry,), "hold": (self.hold_entry,), "epochs": (self.k_entry,)}
        for group in entries.values():
            for entry in group:
                entry.clear_problem()
        self.options = None
        try:
            values = self._typed(entries)
            _, size, fps, k, hold = check_video(self.path, *values)
            plan = schedule(self.epochs, k, fps, hold)
            check_total_frames(plan.total, fps)
            if self.ext == ".gif":
                check_gif_memory(plan.animated, size)
        except OptionError as e:
            message = f"{OPTION_LABELS.get(e.option, e.option)}: {e.rule}"
            for entry in entries.get(e.option, ()):
                entry.show_problem(message)
            self.problem.setText(message)
            self.problem.show()
            self.summary.hide()
            self.ok.setEnabled(False)
            return
        self.options = VideoOptions(size, fps, k, hold)
        self.problem.hide()
        self.summary.show()
        self.summary.setText(f"The video: {plan.total / fps:.1f} s, {plan.total:,} frames: the run at "
                             f"{fps / k:.3g} epochs/s ({plan.animated:,} frames), then {hold:g} s on the last "
                             f"({plan.held:,} frames).")
        self.ok.setEnabled(True)

    def _typed(self, entries) -> tuple:
        """``(size, fps, frames_per_epoch, hold)`` as typed; text that is not a number is an OptionError."""
        values = {}
        for option, group in entries.items():
            if option == "epochs":
                continue
            numbers = []
            for entry in group:
                which = f"{entry.name}: " if option == "size" else ""
                text = entry.text()
                if len(text) > MAX_SHOWN:       # media's rule would quote the number whole
                    raise OptionError(option, f"{which}expected a number, got {len(text):,} characters")
                try:
                    numbers.append(parse_number(text, entry.integer))
                except ValueError as e:
                    raise OptionError(option, f"{which}{e}") from None
            values[option] = tuple(numbers) if option == "size" else numbers[0]
        return values["size"], values["fps"], values["frames_per_epoch"], values["hold"]

    def accept(self) -> None:
        self._check()
        if self.options is None:        # Enter with a rule broken: the problem stays said
            return
        remember(self.path, self.options)
        super().accept()


def _label(text: str, buddy) -> QLabel:
    """A row's label whose Alt+letter (the one after ``&``) moves the focus to ``buddy``."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _with_unit(entry: NumberEntry, unit: str) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(entry)
    if unit:
        row.addWidget(QLabel(unit))
    row.addStretch(1)
    return row


def ask_options(parent, path: str, epochs: int, speed: float) -> VideoOptions | None:
    """Show the dialog (modal); the options taken, or None when it was cancelled (Esc)."""
    dialog = VideoDialog(path, epochs, speed, parent)
    try:
        return dialog.options if dialog.exec() == QDialog.Accepted else None
    finally:
        dialog.deleteLater()
