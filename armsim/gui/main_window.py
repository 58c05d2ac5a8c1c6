"""The main window: arm canvas and error curve side by side, controls in a dock, run toolbar and readout.

It builds the parts around one :class:`~armsim.gui.state.AppState` and keeps
one rule: the plots show the start pose of the state's setup and, if there is
one, the run of exactly that setup. A change to the setup (anything but eta)
stops a run and resets; a change of eta does not (the run uses it from its next
epoch), and everything that shows eta follows it. Frames of a run come from the
:class:`~armsim.gui.runner.Runner`; the window tells it when each is painted.
"""
from __future__ import annotations

import html
import time
from itertools import islice

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from armsim.core.params import ParamError, Params
from armsim.core.run import STATUS_WORDS, iter_epochs, start_epoch
from armsim.gui import files, presentation, replay, settings, tour_panel
from armsim.gui.actions import Actions
from armsim.gui.canvas_edit import CanvasEdit
from armsim.gui.controls import ControlPanel
from armsim.gui.docks import BottomDocks
from armsim.gui.jobs import Jobs
from armsim.gui.overshoot import Overshoot
from armsim.gui.runner import Frame, Runner
from armsim.gui.state import AppState
from armsim.render.arm_plot import ArmView
from armsim.render.error_plot import ErrorPlot
from armsim.render.theme import theme_for

TEXT_INTERVAL = 0.2            # seconds between refreshes of the numbers in words while a run plays
TEXT_TOKEN = "text"            # stands in the set of what the solver waits for while the text is due


class MainWindow(QMainWindow):
    def __init__(self, params: Params | None = None):
        super().__init__()
        self.setWindowTitle("armsim: gradient descent on an n-link arm")
        self.state = AppState(params or Params(), self)
        self.jobs = Jobs(self)
        self.runner = Runner(self.state, self.jobs, self)
        self.epoch_shown = 0
        self.record_shown = None        # the last frame's epoch record while a run plays
        self.aimed_shown = self.state.params    # the setup aimed at the target record_shown used
        # A long export that runs on this thread (video frames are drawn here) sets this to a callable
        # that cancels it and closes the window once it has unwound; closeEvent calls it instead of closing.
        self.close_when_export_ends = None
        self.frames_drawn = 0
        self._text_at = 0.0
        self._unpainted: set = set()    # live plots yet to paint the last frame; the worker waits for them

        self.arm_view = ArmView()
        self.error_plot = ErrorPlot()
        # While a run plays, the error curve and the text wait for zero-time timers: each then runs, and
        # repaints, after the events the frame queued (the arm's repaint, layouts) instead of among them.
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
        self.overshoot = Overshoot(self, splitter)      # the signed residual under the curve, and eta's marks
        self.readout = QLabel()
        self.readout.setObjectName("readout")
        self.readout.setTextFormat(Qt.RichText)
        self.readout.setWordWrap(True)
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.readout)
        self.setCentralWidget(centre)

        self.controls = ControlPanel(self.state)
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

        self.docks = BottomDocks(self)      # chain rule, compare, landscape
        self.actions = Actions(self)
        self.setAcceptDrops(True)
        self.canvas_edit = CanvasEdit(self)     # the target and the start pose under the mouse
        self.replay = replay.install(self)      # any epoch of a finished or paused run
        layout.insertWidget(1, self.replay)     # under the plots, above the readout
        self.state.setupChanged.connect(self._setup_changed)
        self.state.aimChanged.connect(self.arm_view.set_aim)     # follow mode: the run goes on
        self.state.etaChanged.connect(self._eta_changed)
        self.state.runStateChanged.connect(self._run_state_changed)
        self.state.resultChanged.connect(self._result_changed)
        self.runner.frame.connect(self._on_frame)
        self.runner.failed.connect(self._on_failed)
        for plot in self._live_plots():
            plot.painted.connect(self._painted)
        self.banner = presentation.install(self, layout)     # connected last: it reads what the slots above show
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(int(screen.width() * 0.9), int(screen.height() * 0.85)) if screen else self.resize(1500, 850)
        settings.restore(self)
        self.reset()
        self.tour_panel = tour_panel.install(self)     # the Guided tour dock, hidden until opened

    @property
    def params(self) -> Params:
        """The current setup (the state's)."""
        return self.state.params

    @property
    def compare_view(self):
        """The Compare tab's view (built now if it has not shown yet)."""
        return self.docks.compare_dock.view

    @property
    def landscape_view(self):
        """The Landscape tab's view (built now if it has not shown yet)."""
        return self.docks.landscape_dock.view

    # -- commands -----------------------------------------------------------------------
    def run_or_pause(self) -> None:
        state = self.state.run_state
        if state == "running":
            self.runner.pause()
        elif state == "paused":
            self.runner.resume()
        else:
            self._start(paused=False)

    def run_or_resume(self) -> None:
        if self.state.run_state == "paused":
            self.runner.resume()
        elif self.state.run_state == "idle":
            self._start(paused=False)

    def pause_or_resume(self) -> None:
        if self.state.run_state == "running":
            self.runner.pause()
        elif self.state.run_state == "paused":
            self.runner.resume()

    def step(self) -> None:
        """One epoch: from idle it starts a paused run; a running run pauses instead."""
        state = self.state.run_state
        if state == "paused":
            self.runner.step()
        elif state == "running":
            self.runner.pause()
        else:
            self._start(paused=True, steps=1)

    def reset(self) -> None:
        """Stop any run and show the start pose of the current setup."""
        self.runner.stop()
        p = self.state.params
        self.controls.refresh()
        self.arm_view.set_params(p)
        self._clear_run()
        self.docks.follow_setup(p)
        self.show_next_update()
        self.say(f"Ready: {p.n_links} links, eta {p.eta:g}, {p.epochs} epochs. "
                 "Press <b>Space</b> to run, <b>→</b> to step.")

    def set_setup(self, params: Params) -> bool:
        """Take a whole setup (a lesson, a file); the window resets to it. False, with a message, if refused."""
        try:
            self.state.set_params(params)
        except ParamError as e:
            QMessageBox.warning(self, "Cannot show this setup", f"{e}.\n\nThe current setup is unchanged.")
            return False
        self.reset()                    # also when the setup equals the current one: back to its start
        return True

    def load_preset(self, preset) -> None:
        """Set up one of the post's scenarios (stops any run); its description goes in the readout."""
        if self.set_setup(preset.params):
            self.say(f"<b>{preset.name}</b>: {preset.description} Press <b>Space</b> to run.")

    def pick_start(self, i: int, j: int, deg_i: float, deg_j: float) -> None:
        """A click on the landscape sets those two start angles, as one change of the setup."""
        angles = list(self.state.params.angles_deg)
        if max(i, j) < len(angles):
            angles[i], angles[j] = deg_i, deg_j
            self.state.update(angles_deg=tuple(angles))

    def run_from(self, i: int, j: int, deg_i: float, deg_j: float) -> None:
        """A start picked on the basin map: those two start angles, then its run (it replays there)."""
        self.pick_start(i, j, deg_i, deg_j)
        if self.state.run_state == "idle":
            self._start(paused=False)

    def _clear_run(self) -> None:
        self.state.set_result(None)
        self.epoch_shown, self.record_shown, self.aimed_shown = 0, None, self.state.params
        self.docks.clear_run()
        self.arm_view.clear_run()
        self.arm_view.set_aim(self.state.params)    # not a replayed epoch's target: the setup's
        p = self.state.params
        self.error_plot.reset(p.epochs, start_epoch(p).error)
        self.overshoot.reset(p)

    def _start(self, paused: bool, steps: int = 0) -> None:
        self._clear_run()
        self.runner.start(paused=paused, steps=steps)

    # -- following the state --------------------------------------------------------------
    @Slot(object)
    def _setup_changed(self, _params) -> None:
        self.reset()

    @Slot(float)
    def _eta_changed(self, eta: float) -> None:
        self.docks.follow_setup(self.state.params)
        if self.state.run_state != "idle":  # the run takes it from its next epoch; the meter judges it now
            if self.record_shown is not None:
                self._judge(self.record_shown.angles)
            return
        if self.state.result is None:
            self.show_next_update()         # the first update uses eta
        else:
            self._judge(self.state.result.angles[self.epoch_shown])

    @Slot(str)
    def _run_state_changed(self, state: str) -> None:
        self.actions.update_enabled()
        if state == "running":
            self.arm_view.set_aim(self.state.params)    # a replay while paused may have drawn another epoch's
        if state == "paused" and self.record_shown is not None:
            self._show_text(self.record_shown)   # a pause may land between two text refreshes

    @Slot(object)
    def _result_changed(self, result) -> None:
        if result is None:
            return
        self.error_plot.set_history(result.errors)
        self.overshoot.result(result)
        self.arm_view.show_pose(result.angles[-1])
        self.epoch_shown = result.epochs_run
        if result.moves:                # followed: the views that start from the setup take its final target
            self.docks.follow_setup(self.state.params)
        self.docks.finished(result)
        if result.epochs_run:
            self.aimed_shown = result.params_at(-1)
            self._show_pose_numbers(result.epoch(-1))
        colour = "#b00020" if result.status == "diverged" else "#1b5e20"
        self.say(f"<b style='color:{colour}'>{STATUS_WORDS[result.status]}</b>: {html.escape(result.reason)} · "
                 f"epoch {result.epochs_run} · error {result.errors[-1]:.6g}")

    # -- from the run -------------------------------------------------------------------
    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        """Draw a frame from the worker; the worker waits until it is painted (runner.py)."""
        rec = frame.last
        self.error_plot.store(frame.first, frame.errors)
        self.overshoot.frame(frame)
        playing = self.state.run_state == "running" and not rec.status
        if playing:
            self._curve_timer.start()         # the curve in a turn of its own, after the arm's repaint
        else:
            self.error_plot.redraw()
        self.arm_view.show_pose(rec.angles, frame.trail)
        self.docks.show_pose(rec)
        self.frames_drawn += 1
        self.epoch_shown, self.record_shown, self.aimed_shown = rec.index, rec, frame.aimed
        # Numbers are for reading: during a fast run they change a few times a second, not every frame
        # (each change of a label lays out the panels around it); paused, stepped or at the end, at once.
        text_due = playing and time.monotonic() - self._text_at >= TEXT_INTERVAL and not self._text_timer.isActive()
        if not playing:
            self._show_text(rec)
        elif text_due:
            self._text_timer.start()
        handle = self.windowHandle()
        shown = self.isVisible() and not self.isMinimized() and handle is not None and handle.isExposed()
        self._unpainted = {plot for plot in self._live_plots() if plot.on_screen()} if shown else set()
        if self._unpainted and text_due:
            # The solver waits for the text too: refreshed while the solver runs, the labels' layout
            # shares the GIL with it and takes twice as long, delaying every timer behind it.
            self._unpainted.add(TEXT_TOKEN)
        if not self._unpainted:
            self.runner.frame_drawn()         # nothing will be painted: do not hold the run up

    def _show_text(self, rec) -> None:
        """The readout, the eta meter and the chain-rule table, for the record ``rec`` of a run."""
        self._text_at = time.monotonic()
        self._show_pose_numbers(rec)
        state = "paused" if self.state.run_state == "paused" else "running"
        grad = "" if rec.dE_dw is None else f" · |dE/dw| {rec.grad_norm:.3g}"
        eta = "" if rec.eta is None else f" · eta {rec.eta:g}"
        self.say(f"<b>{state}</b> · epoch {rec.index} / {self.state.params.epochs} · error {rec.error:.6g}{grad}{eta}")

    def _refresh_text(self) -> None:
        if self.state.run_state == "running" and self.record_shown is not None:     # not after the run ended
            self._show_text(self.record_shown)
        self._painted(TEXT_TOKEN)

    def _show_pose_numbers(self, rec) -> None:
        """The inspector and the eta meter follow the pose the window shows."""
        self._judge(rec.angles)
        self.docks.inspect(rec, self.aimed_shown)

    def _judge(self, angles) -> None:
        p = self.state.params
        self.controls.meter.judge(self.state.eta, angles, p.lengths, p.learner, params=p)

    def show_next_update(self) -> None:
        """Idle: the inspector shows the first update the run would make; the meter judges the start."""
        p = self.state.params
        records = list(islice(iter_epochs(p.with_(epochs=1, tol=0.0)), 2))
        if len(records) == 1:           # the run ends where it starts (a target out of reach, already stretched)
            self.docks.inspector.show_no_update(records[0])
        else:
            self.docks.inspector.show_epoch(records[1], p.goal, next_update=True, learner=p.learner, params=p)
        self._judge(records[0].angles)

    def _live_plots(self) -> tuple:
        """The plots every frame changes, so each repaints once per frame while it is on screen."""
        return self.arm_view, self.error_plot

    @Slot(object)
    def _painted(self, plot) -> None:
        if plot in self._unpainted:
            self._unpainted.discard(plot)
            if not self._unpainted:
                self.runner.frame_drawn()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.say(f"<b style='color:#b00020'>The solver stopped with an internal error:</b> {message}")

    def show_glossary(self, term: str | None = None) -> None:
        """Help > Glossary: one non-modal page, kept for the window's life (at ``term``'s entry if given)."""
        from armsim.gui.help_window import HelpWindow
        if getattr(self, "_help", None) is None:
            self._help = HelpWindow(self)
        if term:
            self._help.show_term(term)
        else:
            self._help.show()
            self._help.raise_()

    def say(self, html: str) -> None:
        """Put a message in the readout under the plots (text from files must be escaped by the caller)."""
        self.readout.setText(html)
        self.banner.refresh()           # the same moment, the same facts, large (presentation mode)

    # -- looks ----------------------------------------------------------------------------
    def theme(self):
        """The look the View menu chooses: palette and presentation mode."""
        return theme_for(self.actions.colour_safe.isChecked(), self.actions.presentation.isChecked())

    def apply_theme(self) -> None:
        presenting = self.actions.presentation.isChecked()
        theme = self.theme()
        for view in (self.arm_view, self.error_plot, self.overshoot):
            view.apply_theme(theme)
        self.docks.apply_theme(theme)
        self.readout.setStyleSheet(f"font-size: {theme.font_px}px")
        self.actions.toolbar.setStyleSheet(f"font-size: {theme.font_px}px" if presenting else "")
        self.replay.setStyleSheet(f"font-size: {theme.font_px}px" if presenting else "")
        if getattr(self, "tour_panel", None) is not None:      # installed last in __init__
            self.tour_panel.set_presenting(presenting)

    def set_presentation(self, on: bool) -> None:
        """Full screen with large text and thick lines, and the banner of eta, epoch, error and verdict; the
        docks, the menu bar and the run toolbar are hidden (the window's actions keep their keys), and come
        back on leaving (F11 or Esc)."""
        if on:
            self._docks_before = [d for d in (self.dock, *self.docks.docks) if d.isVisible()]
            self._bars_before = [b for b in (self.menuBar(), self.actions.toolbar) if not b.isHidden()]
            for d in (*self._docks_before, *self._bars_before):
                d.hide()
            self.banner.show()
            self._geometry_before = self.saveGeometry()
            if self.screen() is not None:        # without a window manager (Xvfb, kiosks) full screen is a hint
                self.setGeometry(self.screen().geometry())
            self.showFullScreen()
        else:
            self.banner.hide()
            for d in (*getattr(self, "_docks_before", []), *getattr(self, "_bars_before", [])):
                d.show()
            self.showNormal()
            if getattr(self, "_geometry_before", None) is not None:
                self.restoreGeometry(self._geometry_before)
                settings.fit_on_screen(self)     # docks shown during the mode may have grown the window
        self.apply_theme()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape and self.actions.presentation.isChecked():
            self.actions.presentation.setChecked(False)
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
    def showEvent(self, event) -> None:
        self.actions.hold_keys()        # shown again after a close: its focused inputs keep their keys again
        super().showEvent(event)
        # The docks' tab bars exist once the window lays out: on a small screen their titles scroll,
        # whole, instead of shrinking to "Ch..." and "Comp...".
        for bar in self.findChildren(QTabBar):
            bar.setElideMode(Qt.ElideNone)
            bar.setUsesScrollButtons(True)

    def closeEvent(self, event) -> None:
        if self.close_when_export_ends is not None:     # inside the export's event loop: unwind it first
            self.close_when_export_ends()
            event.ignore()
            return
        self.runner.stop()              # first: no thread may outlive the window
        self.jobs.stop_all()
        if self.actions.presentation.isChecked():
            self.actions.presentation.setChecked(False)     # store the normal geometry, not full screen
        settings.store(self)
        self.actions.release_keys()      # a closed window's key filter must not see the application's events
        super().closeEvent(event)
