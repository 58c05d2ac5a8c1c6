"""The "Guided tour" dock: a lesson's steps one at a time, with Back / Next and the clicker keys.

:class:`TourPanel` shows one :class:`~armsim.core.tour.TourStep` of a
:class:`~armsim.core.tour.Tour`: its title and text (large, word-wrapped),
what to try, the question to predict before the run, and a status line for the
event the step waits for. Going to a step applies its setup through the
window's :class:`~armsim.gui.state.AppState` (``MainWindow.set_setup``, which
validates it there and resets the run) and brings its tab and examples lesson
forward. The panel watches the state's signals and reports each to the tour as
an :class:`~armsim.core.tour.Event`; :func:`armsim.core.tour.wait_met` decides
whether the step's wait is met.

Page Down / Page Up (what presentation clickers send) move through the steps
while the tour is open, wherever the focus is, except in a text field, which
keeps them for itself (window-level actions; the window's one key filter,
:mod:`armsim.gui.actions`, lets a text field keep them).
"""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from armsim.core.example_lessons import EXAMPLE_LESSONS
from armsim.core.tour import Event, Tour, TourStep, done_words, wait_met, waiting_words
from armsim.gui.state import window_problem
from armsim.io.lesson_files import LessonError, built_in_tour, load_lesson

WAITING_STYLE = "color: #8a5a00; font-size: {px}px"
#: The dock's width when the tour opens: a share of the window, at least MIN_WIDTH pixels.
WIDTH_SHARE, MIN_WIDTH = 0.24, 380
DONE_STYLE = "color: #1b5e20; font-size: {px}px; font-weight: bold"
#: Each line's style and its text size in pixels: at a desk, and in presentation mode (28 px at least).
STYLES = {"tour_title": ("color: #555", 15, 28), "step_title": ("font-weight: bold", 26, 40), "step_text": ("", 19, 30),
          "step_try": ("", 17, 28), "step_predict": ("font-style: italic", 17, 28), "step_counter": ("", 15, 28)}
STATUS_PX = (17, 28)


def _label(style: str, name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.PlainText)       # a lesson file's text is shown as written, never as HTML
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.setStyleSheet(style)
    return label


class TourPanel(QWidget):
    """One step of a tour at a time; see the module docstring."""

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.tour: Tour | None = None
        self.index = 0
        self.met = False                # the current step's wait has happened
        self._applying = False          # the step's own setup is being applied: not the class's doing
        self._aim = None                # the target when the step was shown
        self._params = window.state.params      # the setup last seen: a move changes its aim alone
        self._was_idle = True
        self.presenting = False
        self.tour_title = _label("", "tour_title")
        self.title = _label("", "step_title")
        self.text = _label("", "step_text")
        self.try_line = _label("", "step_try")
        self.predict_line = _label("", "step_predict")
        self.status = _label("", "step_status")
        self.back = QPushButton("◀ Back")
        self.next = QPushButton("Next ▶")
        self.counter = QLabel()
        self.counter.setObjectName("step_counter")
        for button, slot in ((self.back, self.go_back), (self.next, self.go_next)):
            button.setFocusPolicy(Qt.NoFocus)       # the keys stay with the canvas or wherever they were
            button.clicked.connect(slot)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setSpacing(12)             # a gap between the story, the task and the question
        for label in (self.tour_title, self.title, self.text, self.try_line, self.predict_line, self.status):
            column.addWidget(label)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.counter)
        buttons.addStretch(1)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.set_presenting(False)
        state = window.state
        state.runStateChanged.connect(self._run_state_changed)
        state.resultChanged.connect(self._result_changed)
        state.etaChanged.connect(self._eta_changed)
        state.setupChanged.connect(self._setup_changed)
        state.aimChanged.connect(self._setup_changed)

    def set_presenting(self, on: bool) -> None:
        """Text sizes for a desk or, in presentation mode, for the back of a room (28 px at least)."""
        self.presenting = bool(on)
        k = 2 if on else 1
        for label in (self.tour_title, self.title, self.text, self.try_line, self.predict_line, self.counter):
            style, *sizes = STYLES[label.objectName()]
            label.setStyleSheet(f"{style}; font-size: {sizes[k - 1]}px" if style else f"font-size: {sizes[k - 1]}px")
        self._status_px = STATUS_PX[k - 1]
        for button in (self.back, self.next):
            button.setStyleSheet(f"font-size: {STATUS_PX[k - 1]}px")
        if self.tour is not None:
            self._show_status()
        else:
            self.status.setStyleSheet(WAITING_STYLE.format(px=self._status_px))

    # -- moving ---------------------------------------------------------------------------
    @property
    def step(self) -> TourStep | None:
        return None if self.tour is None else self.tour.steps[self.index]

    def open(self, tour: Tour) -> None:
        """Show ``tour`` from its first step."""
        self.tour = tour
        self.go(0)

    def go(self, k: int) -> None:
        """Show step ``k`` (0-based, clamped to the tour) and apply its setup, tab and examples lesson."""
        if self.tour is None:
            return
        self.index = max(0, min(k, len(self.tour) - 1))
        step = self.step
        self.met = False
        w = self.window
        if step.setup is not None:
            self._applying = True
            try:
                w.set_setup(step.setup)
            finally:
                self._applying = False
        self._aim, self._params = w.state.params.aim, w.state.params
        self._was_idle = w.state.run_state == "idle"
        if step.tab is not None and not w.actions.presentation.isChecked():    # full screen shows no docks
            dock = w.findChild(QDockWidget, step.tab)
            if dock is not None:
                dock.show()
                dock.raise_()
        if step.examples_lesson is not None:
            self._load_examples_lesson(step.examples_lesson)
        self._show()

    def go_next(self) -> None:
        self.go(self.index + 1)

    def go_back(self) -> None:
        self.go(self.index - 1)

    def _load_examples_lesson(self, title: str) -> None:
        """The examples tab's lesson, if this window has that tab (it is skipped where it does not)."""
        lesson = next((e for e in EXAMPLE_LESSONS if e.title == title), None)
        dock = getattr(self.window.docks, "examples_dock", None)
        view = getattr(dock, "view", None) if dock is not None else None
        state = getattr(view, "state", None)
        load = getattr(state, "load_lesson", None)
        if lesson is not None and load is not None:
            load(lesson)

    def _show(self) -> None:
        step, n = self.step, len(self.tour)
        self.tour_title.setText(self.tour.title)
        self.title.setText(step.title)
        self.text.setText(step.text)
        self.try_line.setText(f"Try: {step.try_text}" if step.try_text else "")
        self.try_line.setVisible(bool(step.try_text))
        self.predict_line.setText(f"Predict, then run: {step.predict}" if step.predict else "")
        self.predict_line.setVisible(bool(step.predict))
        self.counter.setText(f"step {self.index + 1} of {n}")
        self.back.setEnabled(self.index > 0)
        self.next.setEnabled(self.index < n - 1)
        self._show_status()

    def _show_status(self) -> None:
        step = self.step
        if step.wait is None:
            self.status.setText(step.done_text)
            self.status.setVisible(bool(step.done_text))
            self.status.setStyleSheet(WAITING_STYLE.format(px=self._status_px))
            return
        self.status.setVisible(True)
        self.status.setText(done_words(step) if self.met else waiting_words(step))
        self.status.setStyleSheet((DONE_STYLE if self.met else WAITING_STYLE).format(px=self._status_px))

    # -- what happens ---------------------------------------------------------------------
    def report(self, event: Event) -> None:
        """An event of the window: the current step's wait may be met by it."""
        if self.tour is None or self.met or self._applying:
            return
        if wait_met(self.step.wait, event):
            self.met = True
            self._show_status()

    def _run_state_changed(self, state: str) -> None:
        was_idle, self._was_idle = self._was_idle, state == "idle"
        if was_idle and state != "idle":
            self.report(Event("run"))

    def _result_changed(self, result) -> None:
        if result is not None:
            self.report(Event("ended", status=result.status))

    def _eta_changed(self, eta: float) -> None:
        verdict = self.window.controls.meter.verdict     # the meter judges the pose shown (updated before this)
        self.report(Event("eta", eta=eta, eta_crit=getattr(verdict, "eta_crit", None)))

    def _setup_changed(self, params) -> None:
        if self._applying:
            return
        moved = params.aim != self._aim
        # The class moved the target: the same setup but for its aim (an undo, a preset or a new
        # task changes more, and is not the action the step waits for).
        same_task = params.task == self._params.task and params.aimed_at(self._params.aim) == self._params
        self._aim, self._params = params.aim, params
        if moved and same_task:
            self.report(Event("target"))


def open_tour(window, tour: Tour) -> None:
    """Show the tour dock with ``tour`` from its first step."""
    panel = window.tour_panel
    panel.dock.show()
    panel.dock.raise_()
    # wide enough for a paragraph in large type: the text is read from the back of the room
    # (but never more than a third of a small window: the plots and the controls keep their room)
    width = min(max(MIN_WIDTH, int(window.width() * WIDTH_SHARE)), window.width() // 3)
    window.resizeDocks([panel.dock], [width], Qt.Horizontal)
    for a in panel.keys:
        a.setEnabled(True)
    panel.open(tour)


def open_built_in(window) -> None:
    """Lessons > Guided tour."""
    open_tour(window, built_in_tour())


def open_lesson_file(window, path: str | None = None) -> bool:
    """Lessons > Open lesson file…: a lesson chosen in a dialog; a bad file is refused and nothing changes."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "Open lesson", "", "Lesson files (*.toml);;All files (*)")
        if not path:
            return False
    try:
        tour = load_lesson(path)
    except LessonError as e:
        QMessageBox.warning(window, "Cannot open lesson", f"{e}\n\nNothing was changed.")
        return False
    for k, step in enumerate(tour.steps, 1):        # the model takes it; the window must show it too
        problem = None if step.setup is None else window_problem(step.setup)
        if problem is not None:
            QMessageBox.warning(window, "Cannot open lesson", f"{os.path.basename(path)}: step {k}: "
                                f"{problem.rule}\n\nNothing was changed.")
            return False
    open_tour(window, tour)
    return True


def install(window) -> TourPanel:
    """Create the hidden "Guided tour" dock of ``window`` and its clicker keys; returns the panel."""
    panel = TourPanel(window)
    dock = QDockWidget("Guided tour", window)
    dock.setObjectName("tour")
    dock.setWidget(panel)
    dock.setFeatures(QDockWidget.DockWidgetClosable | QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
    window.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)     # the whole height, beside the bottom docks
    window.addDockWidget(Qt.LeftDockWidgetArea, dock)
    dock.hide()
    panel.dock = dock
    panel.keys = []
    for key, slot in ((Qt.Key_PageDown, panel.go_next), (Qt.Key_PageUp, panel.go_back)):
        a = QAction(window)
        a.setShortcut(QKeySequence(key))
        a.setShortcutContext(Qt.WindowShortcut)
        a.setEnabled(False)                 # only while the tour shows
        a.triggered.connect(slot)
        window.addAction(a)
        panel.keys.append(a)
    dock.visibilityChanged.connect(lambda _shown: [a.setEnabled(not dock.isHidden()) for a in panel.keys])
    return panel
