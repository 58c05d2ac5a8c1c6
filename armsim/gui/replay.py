"""Replay any epoch: the scrubber under the plots, and what it moves.

:func:`install` builds a :class:`Replay` for a
:class:`~armsim.gui.main_window.MainWindow`; the window places the returned
widget under its plots. The scrubber is enabled when there is a history to
replay: the state's finished result, or a paused run's epochs so far. Moving it
shows that epoch everywhere the window shows one: the green pose with the trail
of the poses before it, the error plot's marker and cursor, the chain-rule
inspector, the eta meter and the readout. Clicking on the error plot, or
dragging its cursor (the line through the marker), moves the scrubber there;
Left and Right move it one epoch (Right at the last epoch steps the run as
before, see :meth:`Replay.step`).

It reads the history and never writes it: the setup and the result stay the
:class:`~armsim.gui.state.AppState`'s. A paused run's poses live in the worker,
which sends the window only a few per frame, so the replay rebuilds them with
the core from the setup and each frame's eta (the run is deterministic); a new
run or a reset empties that copy and the scrubber follows the run again.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QWidget,
)

from armsim.core.run import Run
from armsim.render.arm_plot import TRAIL_LENGTH

PAGE_STEPS = 20                 # a page (PgUp/PgDn, a click in the groove) moves this share of the run


def install(window) -> Replay:
    """Build the replay of ``window``, wire it to the window's state and plots, and return its widget."""
    return Replay(window)


class _PausedHistory:
    """The epochs of the paused (or playing) run so far, rebuilt from its start, each frame's eta and the
    target's moves."""

    def __init__(self):
        self.segments: list[tuple[int, float | None]] = []     # (records after the frame, eta its last epoch used)
        self.moves: tuple = ()                                 # the target's moves so far (Result.moves)
        self.run: Run | None = None

    @property
    def count(self) -> int:
        """Records (epoch 0 included) the run has sent so far."""
        return self.segments[-1][0] if self.segments else 0

    def add(self, frame) -> None:
        if frame.first == 0:            # the first frame of a run
            self.clear()
        self.segments.append((frame.last.index + 1, frame.last.eta))
        self.moves = frame.moves

    def clear(self) -> None:
        self.segments, self.moves, self.run = [], (), None

    def rebuilt(self, params) -> Run:
        """The run from ``params`` (its start) up to :attr:`count`, computed once and extended as it goes on."""
        if self.run is None:
            self.run = Run(params)
            self.run.holding = True         # the run it copies has not ended, nor may the copy before it
        run = self.run
        for end, eta in self.segments:
            while run.count < end and run.status is None:
                for epoch, aim in self.moves:
                    if epoch == run.count:
                        run.retarget(aim, force=True)
                stop = min([end] + [epoch for epoch, _ in self.moves if epoch > run.count])
                run.advance(stop - run.count, eta)
        return run


class Replay(QWidget):
    """The scrubber (a slider and the epoch it shows) and the commands that move it."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = w = window
        self.setObjectName("replay")
        self.history = _PausedHistory()
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setObjectName("replay_slider")
        self.slider.setToolTip("replay any epoch of the run (Left / Right: one epoch)")
        self.label = QLabel()
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("epoch 0000000 / 0000000"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Replay"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.slider.valueChanged.connect(self._moved)

        # Right (and S) is the Step action, which asks the replay first (see step); Left is new.
        self.back_action = QAction("Back one epoch", w)
        self.back_action.setShortcut(QKeySequence(Qt.Key_Left))
        self.back_action.setToolTip("replay the epoch before (Left)")
        self.back_action.triggered.connect(self.back)
        w.addAction(self.back_action)          # a focused input keeps Left (actions.PLAIN_KEYS)

        plot = w.error_plot
        plot.scene().sigMouseClicked.connect(self._clicked)
        plot.cursor.sigDragged.connect(lambda line: self.slider.setValue(round(line.value())))
        w.state.resultChanged.connect(self._result_changed)
        w.state.runStateChanged.connect(self._run_state_changed)
        w.runner.frame.connect(self._on_frame)
        self._follow(0, enabled=False)

    # -- what there is to replay ------------------------------------------------------------
    def _source(self):
        """``(angles, errors, record_of, params_at, last)`` of the history to replay, or None when there is none.

        ``params_at(j)`` is the setup aimed at the target epoch ``j`` used (it moves in follow mode)."""
        w = self.window_
        result = w.state.result
        if result is not None:
            return result.angles, result.errors, result.epoch, result.params_at, result.epochs_run
        if w.state.run_state == "paused" and self.history.count > 1:
            run = self.history.rebuilt(w.runner.params)
            return run.angles, run.errors, run.epoch, run.params_at, run.count - 1
        return None

    def available(self) -> bool:
        """True when moving the scrubber shows something: a result, or a paused run past its start."""
        w = self.window_
        return w.state.result is not None or (w.state.run_state == "paused" and self.history.count > 1)

    # -- commands ---------------------------------------------------------------------------
    def show_epoch(self, j: int) -> None:
        """Move the scrubber to epoch ``j`` (clipped to the history), showing it."""
        self.slider.setValue(int(np.clip(j, 0, self.slider.maximum())))

    def step(self) -> None:
        """Right or S: one epoch on in the history; at its end (or while running) the window's Step."""
        w = self.window_
        if w.state.run_state != "running" and self.slider.isEnabled() and self.slider.value() < self.slider.maximum():
            self.slider.setValue(self.slider.value() + 1)
        else:
            w.step()

    def back(self) -> None:
        """Left: one epoch back in the history (nothing while a run plays or with no history)."""
        if self.window_.state.run_state != "running" and self.slider.isEnabled():
            self.slider.setValue(self.slider.value() - 1)

    # -- showing ----------------------------------------------------------------------------
    @Slot(int)
    def _moved(self, j: int) -> None:
        self._label(j)
        source = self._source()
        if source is None:
            return
        angles, errors, record_of, params_at, last = source
        j = min(j, last)
        w = self.window_
        p = params_at(j)
        w.arm_view.set_aim(p)
        w.arm_view.show_pose_with_trail(angles[j], tuple(angles[max(0, j - TRAIL_LENGTH):j]))
        w.error_plot.current = j
        w.error_plot.redraw()
        w.overshoot.show_epoch(j)
        rec = record_of(j)
        w.epoch_shown = j
        if w.state.run_state == "paused":
            w.record_shown, w.aimed_shown = rec, p      # what a pause or an eta change shows next
        if j == 0:
            w.show_next_update()        # epoch 0 made no update: the first one it leads to
        else:
            w.controls.meter.judge(w.state.eta, rec.angles, p.lengths, p.learner, params=p)
            w.docks.inspect(rec, p)
        grad = "" if rec.dE_dw is None else f" · |dE/dw| {rec.grad_norm:.3g}"
        eta = "" if rec.eta is None else f" · eta {rec.eta:g}"
        w.say(f"<b>replay</b> · epoch {j} / {last} · error {errors[j]:.6g}{grad}{eta}")

    def _label(self, j: int) -> None:
        self.label.setText(f"epoch {j} / {self.slider.maximum()}")

    def _follow(self, last: int, enabled: bool) -> None:
        """Put the scrubber at the run's newest epoch ``last`` without showing it again (the window has)."""
        s = self.slider
        s.blockSignals(True)
        s.setRange(0, max(last, 0))
        s.setValue(max(last, 0))
        s.setPageStep(max(1, last // PAGE_STEPS))
        s.blockSignals(False)
        s.setEnabled(enabled)
        self.window_.error_plot.cursor.setMovable(enabled)
        self._label(s.value())

    # -- following the run ------------------------------------------------------------------
    @Slot(object)
    def _on_frame(self, frame) -> None:
        self.history.add(frame)
        # While a run plays the scrubber is off and left alone: a label changed every frame lays out
        # the panels around it (the window refreshes its own text a few times a second for that reason).
        if self.window_.state.run_state != "running":
            self._follow(frame.last.index, enabled=self.available())

    @Slot(object)
    def _result_changed(self, result) -> None:
        if result is None:
            self.history.clear()
            self._follow(0, enabled=False)
        else:
            self.history.clear()        # the result holds the whole history now
            self._follow(result.epochs_run, enabled=True)

    @Slot(str)
    def _run_state_changed(self, state: str) -> None:
        if state == "idle" and self.window_.state.result is None:
            self.history.clear()        # a reset or a stop: nothing to replay
            self._follow(0, enabled=False)
        elif state == "paused" and self.history.count:
            self._follow(self.history.count - 1, enabled=self.available())
        else:
            self.slider.setEnabled(self.available())
            self.window_.error_plot.cursor.setMovable(self.slider.isEnabled())

    def _clicked(self, event) -> None:
        """A click on the error plot replays the epoch under it."""
        if not self.slider.isEnabled() or event.button() != Qt.LeftButton:
            return
        box = self.window_.error_plot.getPlotItem().vb
        if box.sceneBoundingRect().contains(event.scenePos()):
            self.show_epoch(round(box.mapSceneToView(event.scenePos()).x()))
