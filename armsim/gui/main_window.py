"""The main window: arm canvas and error curve side by side, controls in a dock, run buttons and readout.

It wires the control panel, the two plots and the run controller together and
keeps one rule: the plots always show the start pose of the current setup and,
if there is one, the run of exactly that setup. Changing the arm's shape
during a run stops it and resets; changing eta does not (the run uses it from
its next epoch).
"""
from __future__ import annotations

import time
from itertools import islice

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QScrollArea, QSplitter, QVBoxLayout, QWidget

from armsim.core.params import Params, ParamError
from armsim.core.run import Result, iter_epochs, start_epoch
from armsim.render.arm_plot import ArmView
from armsim.gui.controls import ControlPanel
from armsim.gui import files, settings
from armsim.render.error_plot import ErrorPlot
from armsim.gui.actions import build_menus
from armsim.gui.docks import RunTabs
from armsim.render.theme import theme_for
from armsim.gui.worker import Frame, RunController


TEXT_INTERVAL = 0.2            # seconds between refreshes of the numbers in words while a run plays


class MainWindow(QMainWindow):
    def __init__(self, params: Params | None = None):
        super().__init__()
        self.setWindowTitle("armsim: gradient descent on an n-link arm")
        self.controller = RunController(self)
        self.result: Result | None = None
        self.last_result: Result | None = None      # the last run that ended, kept across resets (Compare's "add")
        self.params: Params | None = None
        self.epoch_shown = 0
        self.record_shown = None        # the last frame's epoch record while a run plays
        self.frames_drawn = 0
        self._text_at = 0.0
        self._unpainted: set = set()    # live plots yet to paint the last frame; the worker waits for them

        self.arm_view = ArmView()
        self.error_plot = ErrorPlot()
        # While a run plays, the error curve and the text wait for zero-time timers: each then runs, and
        # repaints, after the events the frame queued (the arm's repaint, layouts) instead of among them.
        # Qt works through queued events in one go, so a timer that falls due (input, animations, a
        # test's clock) waits for one part of a frame, not for all of it.
        self._curve_timer, self._text_timer = QTimer(self), QTimer(self)
        for timer, slot in ((self._curve_timer, self.error_plot.redraw), (self._text_timer, self._refresh_text)):
            timer.setSingleShot(True)
            timer.setInterval(0)
            timer.timeout.connect(slot)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.arm_view)
        splitter.addWidget(self.error_plot)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.readout = QLabel()
        self.readout.setObjectName("readout")
        self.readout.setTextFormat(Qt.RichText)
        self.readout.setWordWrap(True)
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.readout)
        self.setCentralWidget(centre)

        self.controls = ControlPanel(params or Params())
        self.dock = QDockWidget("Controls", self)
        self.dock.setObjectName("controls")
        scroll = QScrollArea()          # the panel scrolls rather than forcing a tall window (768 px laptops)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(self.controls)
        self.dock.setWidget(scroll)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)     # bottom docks sit under the plots
        self.dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(Qt.RightDockWidgetArea, self.dock)

        self.tabs = RunTabs(self)           # chain rule, compare, landscape: the bottom docks (run_tabs.py)
        self.inspector, self.inspector_dock = self.tabs.inspector, self.tabs.inspector_dock
        self.compare_dock, self.landscape_dock = self.tabs.compare_dock, self.tabs.landscape_dock
        build_menus(self)
        self.setAcceptDrops(True)
        self.controls.shapeChanged.connect(self.reset)
        self.controls.etaChanged.connect(self._eta_changed)
        self.controls.speedChanged.connect(self.controller.set_speed)
        self.controller.set_speed(self.controls.speed_value())
        self.controller.frame.connect(self._on_frame)
        for plot in self._live_plots():
            plot.painted.connect(self._painted)
        self.controller.finished.connect(self._on_finished)
        self.controller.failed.connect(self._on_failed)
        self.controller.stateChanged.connect(self._state_changed)
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(int(screen.width() * 0.9), int(screen.height() * 0.85)) if screen else self.resize(1500, 850)
        settings.restore(self)
        self.reset()

    @property
    def compare_view(self):
        """The Compare tab's view (built now if it has not shown yet)."""
        return self.compare_dock.view

    @property
    def landscape_view(self):
        """The Landscape tab's view (built now if it has not shown yet)."""
        return self.landscape_dock.view

    # -- actions ------------------------------------------------------------------------
    def _update_actions(self, state: str | None = None) -> None:
        state = state or self.controller.state
        self.pause_action.setText("Resume" if state == "paused" else "Pause")
        self.pause_action.setEnabled(state != "idle")
        ok = self.params is not None
        self.run_action.setEnabled(ok and state != "running")
        self.toggle_action.setEnabled(ok)
        self.step_action.setEnabled(ok)

    # -- commands -----------------------------------------------------------------------
    def run_or_pause(self) -> None:
        state = self.controller.state
        if state == "running":
            self.controller.pause()
        elif state == "paused":
            self.controller.resume()
        elif self.params is not None:
            self._start(paused=False)

    def run_or_resume(self) -> None:
        if self.controller.state == "paused":
            self.controller.resume()
        elif self.controller.state == "idle" and self.params is not None:
            self._start(paused=False)

    def pause_or_resume(self) -> None:
        if self.controller.state == "running":
            self.controller.pause()
        elif self.controller.state == "paused":
            self.controller.resume()

    def step(self) -> None:
        """One epoch: from idle it starts a paused run; a running run pauses instead."""
        state = self.controller.state
        if state == "paused":
            self.controller.step()
        elif state == "running":
            self.controller.pause()
        elif self.params is not None:
            if self.result is not None and self.result.status != "stopped":
                self._clear_run()
            self._start(paused=True, steps=1)

    def reset(self) -> None:
        """Stop any run and show the start pose of the current setup."""
        self.controller.stop()
        try:
            self.params = self.controls.params()
        except ParamError as e:
            self.params = None
            self.tabs.follow_params(None)
            self.say(f"<b>Cannot run:</b> {e.field}: {e.rule}")
            self._update_actions()
            return
        self.arm_view.set_params(self.params)
        self._clear_run()
        self.tabs.follow_params(self.params)
        self.show_next_update()
        self.say(f"Ready: {self.params.n_links} links, eta {self.params.eta:g}, {self.params.epochs} epochs. "
                  "Press <b>Space</b> to run, <b>→</b> to step.")
        self._update_actions()

    def load_preset(self, preset) -> None:
        """Set up one of the post's scenarios (stops any run); its description goes in the readout."""
        self.controls.set_params(preset.params)       # emits shapeChanged -> reset()
        self.say(f"<b>{preset.name}</b>: {preset.description} Press <b>Space</b> to run.")

    def pick_start(self, i: int, j: int, deg_i: float, deg_j: float) -> None:
        """A click on the landscape sets those two start angles (the rows emit one shapeChanged each)."""
        rows = self.controls.rows
        if max(i, j) < len(rows):
            rows[i].spin.setValue(deg_i)
            rows[j].spin.setValue(deg_j)

    def _clear_run(self) -> None:
        self.result = None
        self.epoch_shown, self.record_shown = 0, None
        self.tabs.clear_run()
        self.arm_view.clear_run()
        self.error_plot.reset(self.params.epochs, start_epoch(self.params).error)

    def _start(self, paused: bool, steps: int = 0) -> None:
        self.params = self.params.with_(eta=self.controls.eta)
        self._clear_run()
        self.controller.start(self.params, paused=paused, steps=steps)

    def _eta_changed(self, eta: float) -> None:
        self.controller.eta = eta        # a running worker reads it before its next epoch
        if self.params is not None and not self.controller.active:
            self.params = self.params.with_(eta=eta)
            self.tabs.follow_params(self.params)
            if self.result is None:
                self.show_next_update()

    # -- from the run -------------------------------------------------------------------
    def _on_frame(self, frame: Frame) -> None:
        """Draw a frame from the worker; the worker waits until it is painted (see worker.py)."""
        rec = frame.last
        self.error_plot.store(frame.first, frame.errors)
        playing = self.controller.state == "running" and not rec.status
        if playing:
            self._curve_timer.start()         # the curve in a turn of its own, after the arm's repaint
        else:
            self.error_plot.redraw()
        self.arm_view.show_pose(rec.angles, frame.trail)
        self.tabs.show_pose(rec)
        self.frames_drawn += 1
        self.epoch_shown, self.record_shown = rec.index, rec
        # Numbers are for reading: during a fast run they change a few times a second, not every frame
        # (each change of a label lays out the panels around it); paused, stepped or at the end, at once.
        if not playing:
            self._show_text(rec)
        elif time.monotonic() - self._text_at >= TEXT_INTERVAL and not self._text_timer.isActive():
            self._text_timer.start()          # after the frame's repaint, as a turn of its own (see __init__)
        handle = self.windowHandle()
        shown = self.isVisible() and not self.isMinimized() and handle is not None and handle.isExposed()
        self._unpainted = {plot for plot in self._live_plots() if plot.on_screen()} if shown else set()
        if not self._unpainted:
            self.controller.frame_drawn()     # nothing will be painted: do not hold the run up

    def _show_text(self, rec) -> None:
        """The readout, the eta meter and the chain-rule table, for the record ``rec`` of a run."""
        self._text_at = time.monotonic()
        self._show_pose_numbers(rec)
        state = "paused" if self.controller.state == "paused" else "running"
        grad = "" if rec.dE_dw is None else f" · |dE/dw| {rec.grad_norm:.3g}"
        eta = "" if rec.eta is None else f" · eta {rec.eta:g}"
        self.say(f"<b>{state}</b> · epoch {rec.index} / {self.params.epochs} · error {rec.error:.6g}{grad}{eta}")

    def _refresh_text(self) -> None:
        if self.controller.state == "running" and self.record_shown is not None:     # not after the run ended
            self._show_text(self.record_shown)

    def _state_changed(self, state: str) -> None:
        self._update_actions(state)
        if state == "paused" and self.record_shown is not None:
            self._show_text(self.record_shown)   # a pause may land between two text refreshes

    def _show_pose_numbers(self, rec) -> None:
        """The inspector and the eta meter follow the pose the window shows."""
        self.controls.meter.judge(self.controller.eta, rec.angles, self.params.lengths)
        self.tabs.inspect(rec, self.params.goal)

    def show_next_update(self) -> None:
        """Idle: the inspector shows the first update the run would make; the meter judges the start."""
        first = next(islice(iter_epochs(self.params.with_(epochs=1, tol=0.0)), 1, None))
        self.inspector.show_epoch(first, self.params.goal, next_update=True)
        self.controls.meter.judge(self.params.eta, first.before, self.params.lengths)

    def _live_plots(self) -> tuple:
        """The plots every frame changes, so each repaints once per frame while it is on screen."""
        return self.arm_view, self.error_plot

    def _painted(self, plot) -> None:
        if plot in self._unpainted:
            self._unpainted.discard(plot)
            if not self._unpainted:
                self.controller.frame_drawn()

    def _on_finished(self, result: Result) -> None:
        self.result = self.last_result = result
        self.error_plot.set_history(result.errors)
        self.arm_view.show_pose(result.angles[-1])
        self.epoch_shown = result.epochs_run
        self.tabs.finished(result)
        if result.epochs_run:
            self._show_pose_numbers(result.epoch(-1))
        colour = "#b00020" if result.status == "diverged" else "#1b5e20"
        self.say(f"<b style='color:{colour}'>{result.status}</b>: {result.reason} · epoch {result.epochs_run} · "
                  f"error {result.errors[-1]:.6g}")
        self._update_actions()

    def _on_failed(self, message: str) -> None:
        self.say(f"<b style='color:#b00020'>The solver stopped with an internal error:</b> {message}")
        self._update_actions()

    def say(self, html: str) -> None:
        """Put a message in the readout under the plots."""
        self.readout.setText(html)

    # -- looks ----------------------------------------------------------------------------
    def theme(self):
        """The look the menus choose: palette and presentation mode."""
        return theme_for(self.colour_safe_action.isChecked(), self.presentation_action.isChecked())

    def _apply_theme(self) -> None:
        presenting = self.presentation_action.isChecked()
        theme = self.theme()
        for view in (self.arm_view, self.error_plot):
            view.apply_theme(theme)
        self.tabs.apply_theme(theme)
        self.readout.setStyleSheet(f"font-size: {theme.font_px}px")
        self.toolbar.setStyleSheet(f"font-size: {theme.font_px}px" if presenting else "")

    def set_presentation(self, on: bool) -> None:
        """Full screen with large text and thick lines; the docks are hidden (View menu brings them back)."""
        if on:
            self._docks_before = [d for d in (self.dock, self.inspector_dock, self.compare_dock, self.landscape_dock)
                                  if d.isVisible()]
            for d in self._docks_before:
                d.hide()
            self._geometry_before = self.saveGeometry()
            if self.screen() is not None:        # without a window manager (Xvfb, kiosks) full screen is a hint
                self.setGeometry(self.screen().geometry())
            self.showFullScreen()
        else:
            for d in getattr(self, "_docks_before", []):
                d.show()
            self.showNormal()
            if getattr(self, "_geometry_before", None) is not None:
                self.restoreGeometry(self._geometry_before)
        self._apply_theme()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape and self.presentation_action.isChecked():
            self.presentation_action.setChecked(False)
        else:
            super().keyPressEvent(event)

    # -- drag and drop --------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if files.scenario_in_drop(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = files.scenario_in_drop(event)
        if path:
            event.acceptProposedAction()
            files.open_scenario(self, path)

    # -- lifetime -----------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        self.controller.stop()          # first: no thread may outlive the window
        self.tabs.stop()
        if self.presentation_action.isChecked():
            self.presentation_action.setChecked(False)     # store the normal geometry, not full screen
        settings.store(self)
        super().closeEvent(event)
