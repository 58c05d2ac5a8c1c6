"""The Compare tab: buttons that run sweeps of the current setup, and the runs overlaid.

This module owns the tab's controls and messages. Which runs make up a sweep,
and their labels, are :mod:`armsim.core.sweeps`'s; the drawing is
:class:`~armsim.gui.run_overlay.RunOverlay`'s; a sweep is computed as a job
of the window's :class:`~armsim.gui.jobs.Jobs`, so a sweep of long runs never
freezes the window. Results arrive by signal in the GUI thread.

The window feeds it with :meth:`CompareView.set_params` (every setup change,
eta included: "Starts" and the "(current)" eta of "Etas" follow it) and
:meth:`CompareView.set_last_result` (each finished run); closing the window
stops a sweep with every other job.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from armsim.core.params import ParamError, Params
from armsim.core.run import STATUS_WORDS, Result
from armsim.core.sweeps import SweepTooLarge, check_budget, eta_plan, learner_plan, run_label, run_plan, start_plan
from armsim.gui.jobs import Job, JobContext, Jobs
from armsim.gui.run_overlay import MAX_RUNS, RunOverlay
from armsim.render.theme import LIGHT, Theme

HINT = "Compare runs of the current setup: pick a sweep above."
RACE_COLUMNS = ("learner", "epochs to tol", "final E", "status", "per epoch")
ERROR_COLOUR = "#b00020"

__all__ = ["CompareView", "MAX_RUNS"]


class CompareView(QWidget):
    """Overlaid runs of one setup, and the sweeps that make them.

    Signals
    -------
    busyChanged(bool)
        A sweep started (True) or ended, was stopped or failed (False).
    sweepFinished(int)
        A sweep's runs were added; how many.
    """

    busyChanged = Signal(bool)
    sweepFinished = Signal(int)

    def __init__(self, jobs: Jobs, parent=None, theme: Theme = LIGHT):
        super().__init__(parent)
        self.params: Params | None = None
        self.last_result: Result | None = None
        self.overlay = RunOverlay(theme=theme)
        self.jobs = jobs
        self._job: Job | None = None
        self._race = False          # the sweep running is the race (it fills the table)

        self.buttons = {}
        row = QHBoxLayout()
        for key, text, slot, tip in (
                ("etas", "Etas", self.sweep_etas,
                 "The current setup with one eta per regime: slow, good, oscillating, diverging (and yours)"),
                ("starts", "Starts", self.sweep_starts, "The current eta from the current and four random starts"),
                ("learners", "Race the learners", self.compare_learners,
                 "Every learner from the same start toward the same target, side by side, with a table"),
                ("last", "Add last run", self.add_last_run, "Add the window's last finished run"),
                ("clear", "Clear", self.clear, "Remove every run")):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m runs")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.stop)
        self.log_box = QCheckBox("log scale")
        self.log_box.setChecked(self.overlay.log)
        self.log_box.toggled.connect(self.overlay.set_log)
        status = QHBoxLayout()          # a second row keeps the tab narrow enough for a dock
        status.addWidget(self.message, 1)
        status.addWidget(self.progress)
        status.addWidget(self.cancel_button)
        status.addWidget(self.log_box)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(status)
        # The race's table: epochs to the tolerance, final error, status and time per epoch, one row a learner,
        # beside the plots (under them it would squeeze a docked tab's plots to a line).
        self.table = QTableWidget(0, len(RACE_COLUMNS))
        self.table.setObjectName("race_table")
        self.table.setHorizontalHeaderLabels(RACE_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.hide()
        self.split = split = QSplitter(Qt.Horizontal)
        split.addWidget(self.overlay)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self.theme = theme
        self._set_busy(False)
        self._say(HINT)

    def apply_theme(self, theme: Theme) -> None:
        """Pens, sizes and fonts of the plots from ``theme``."""
        self.theme = theme
        self.overlay.apply_theme(theme)

    # -- inputs from the window -----------------------------------------------------------
    def set_params(self, params: Params) -> None:
        """The current setup: the red start pose and what the sweeps start from.

        A sweep in progress keeps computing the setup it started with.
        """
        self.params = params
        self.overlay.set_params(params)
        self._set_busy(self.busy)

    def set_last_result(self, result: Result | None) -> None:
        """The window's last finished run, offered by the "Add last run" button."""
        self.last_result = result
        self._set_busy(self.busy)

    # -- runs ---------------------------------------------------------------------------
    @property
    def runs(self) -> list[tuple[str, Result]]:
        """The runs shown, oldest first (at most :data:`MAX_RUNS`)."""
        return self.overlay.runs

    def add_run(self, label: str, result: Result) -> None:
        """Overlay one finished run under ``label`` (the oldest goes once there are more than 12)."""
        self.overlay.add_runs([(label, result)])

    def add_last_run(self) -> None:
        """Overlay the result given to :meth:`set_last_result`, labelled by :func:`armsim.core.sweeps.run_label`."""
        if self.last_result is not None:
            self.add_run(run_label(self.last_result), self.last_result)

    def clear(self) -> None:
        """Remove every run (and the race's table)."""
        self.overlay.clear()
        self.table.setRowCount(0)
        self.table.hide()

    def set_log(self, on: bool) -> None:
        """Error axis logarithmic (the default) or linear; the check box follows."""
        self.log_box.setChecked(bool(on))

    # -- sweeps -------------------------------------------------------------------------
    # Keyword-only: a button's clicked(bool) would otherwise arrive as the first argument.
    def sweep_etas(self, *, etas=None) -> None:
        """Start the eta sweep of the current setup (default etas: :func:`armsim.core.sweeps.default_etas`)."""
        self._launch(lambda p: eta_plan(p, etas), "learning rates")

    def sweep_starts(self, *, starts_deg=None) -> None:
        """Start the start-pose sweep with the current eta (default: :func:`armsim.core.sweeps.default_starts`)."""
        self._launch(lambda p: start_plan(p, starts_deg), "start poses")

    def compare_learners(self) -> None:
        """Race every learner on the current setup (:func:`armsim.core.sweeps.learner_plan`), with its table."""
        self._launch(learner_plan, "learners", race=True)

    def _launch(self, make_plan, what: str, race: bool = False) -> None:
        if self.busy:
            return
        if self.params is None:         # not given a setup yet
            return
        try:
            plan = make_plan(self.params)
            check_budget(plan)
        except (SweepTooLarge, ParamError) as exc:
            self._say(str(exc), error=True)
            return
        self.progress.setRange(0, len(plan))
        self.progress.setValue(0)
        self._race = race
        self._job = job = self.jobs.start("sweep", _solve_plan, plan)
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self._set_busy(True)
        self.busyChanged.emit(True)
        self._say(f"Computing {len(plan)} runs ({what})...")

    def stop(self) -> None:
        """Stop a sweep in progress, discarding its runs, and join its thread.

        Prompt (the solver checks the stop flag every few hundred epochs) and safe
        at any time; the window calls it from ``closeEvent``.
        """
        if self._job is not None:
            self._job.stop()
            self._ended()
            self._say("Sweep cancelled.")

    @property
    def busy(self) -> bool:
        """True while a sweep is being computed."""
        return self._job is not None

    # -- from the sweep thread, via the runner (GUI thread) ------------------------------
    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(done)

    def _ended(self) -> None:
        self._job = None
        self._set_busy(False)
        self.busyChanged.emit(False)

    @Slot(object)
    def _on_done(self, done) -> None:
        runs, seconds = done
        self._ended()
        self.overlay.add_runs(runs)
        if self._race:
            self._fill_table(runs, seconds)
        self._say(f"Added {len(runs)} runs; each curve's colour and line style match its final pose.")
        self.sweepFinished.emit(len(runs))

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._ended()
        self._say(f"The sweep failed: {message}", error=True)

    def _fill_table(self, runs, seconds) -> None:
        """One row per raced learner: what its run did, and how fast (this machine, this run)."""
        self.table.setRowCount(len(runs))
        for r, ((label, result), s) in enumerate(zip(runs, seconds)):
            reached = result.status == "converged"
            cells = (label.split(",")[0], f"{result.epochs_run:,}" if reached else "—",
                     f"{result.errors[-1]:.3g}", STATUS_WORDS[result.status],
                     f"{1e6 * s / max(result.epochs_run, 1):,.1f} µs")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.show()
        self.table.resizeColumnsToContents()
        need = self.table.verticalHeader().width() + 4 + sum(self.table.columnWidth(c) for c in
                                                             range(self.table.columnCount()))
        total = sum(self.split.sizes())
        wide = min(need + self.table.verticalScrollBar().sizeHint().width(), int(0.56 * total))
        self.split.setSizes([total - wide, wide])     # the whole table when there is room, half the tab at most

    def _set_busy(self, busy: bool) -> None:
        idle = not busy
        for key in ("etas", "starts", "learners"):
            self.buttons[key].setEnabled(idle and self.params is not None)
        self.buttons["last"].setEnabled(idle and self.last_result is not None)
        self.buttons["clear"].setEnabled(idle)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOUR if error else self.theme.foreground};")
        self.message.setText(text)


def _solve_plan(ctx: JobContext, plan):
    """The sweep job: ``(runs, seconds per run)`` of ``plan`` (None when stopped), reporting progress run by run."""
    seconds: list[float] = []
    runs = run_plan(plan, ctx.stop_event, ctx.progress, seconds)
    return None if runs is None else (runs, seconds)
