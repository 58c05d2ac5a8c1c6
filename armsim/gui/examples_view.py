"""The "Learn from examples" tab: train the arm on a data set and watch every example's arm, the model and the losses.

This module owns the tab's controls and its Train job; the plots and the chain-rule table
are :mod:`armsim.gui.examples_plots`', the probability bars and the confusion matrices
:mod:`armsim.gui.examples_classes`'. Every fact lives in the tab's
:class:`~armsim.gui.examples_state.ExamplesState`: a control writes through it
(a refused value is named beside the controls and nothing changes) and shows
what it holds, updated inside a ``QSignalBlocker``; no code rebuilds the setup
from the widgets. Training runs as a job of the window's
:class:`~armsim.gui.jobs.Jobs` (progress, Cancel); a new setup or data set stops
it, as closing the window does.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from armsim.core.datasets import BUILT_IN, DataError
from armsim.core.example_lessons import EXAMPLE_LESSONS
from armsim.core.params import ParamError, shown
from armsim.core.training import LOSSES, MODELS, OFFSET_SOFTMAX_WORDS, TRAIN_LEARNERS, train
from armsim.gui.examples_classes import ClassesPanel, ProbabilityBars, accuracy_words
from armsim.gui.examples_plots import ArmsPlot, ChainTable, DataPlot, LossPlot, probe_words, shown_example
from armsim.gui.examples_state import DEFAULT_LESSON, ExamplesState, fitting_setup
from armsim.gui.jobs import Job, JobContext, Jobs
from armsim.render.theme import LIGHT, Theme

OPEN_FILE = "Open CSV file…"
MAX_LINKS = 12
# The offset + softmax note: amber, a warning that is no error (errors are red).
NOTE_STYLE = "color: #5c3d00; background: #ffe8a3;"
# The typed fields: setup field, label, whole number (batch's 0 means the full batch, None in the setup).
FIELDS = (("eta", "eta", False), ("epochs", "epochs", True), ("batch", "batch (0 = full)", True),
          ("test_fraction", "test fraction", False), ("seed", "seed", True))


def _train(ctx: JobContext, setup, data):
    return train(setup, data, stop=ctx.stop_event.is_set, progress=ctx.progress)


def parse_number(name: str, text: str, whole: bool):
    """A typed field's number (ParamError naming the field when it is not one); the core checks the rest."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ParamError(name, f"must be a number, got {shown(text.strip())}") from None
    return int(value) if whole and math.isfinite(value) and value.is_integer() else value


def _column(*items) -> QWidget:
    """A widget holding ``items`` (widgets or layouts, or ``(item, stretch)``) top to bottom, without margins."""
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    for item in items:
        item, stretch = item if isinstance(item, tuple) else (item, 0)
        (layout.addLayout if isinstance(item, QLayout) else layout.addWidget)(item, stretch)
    return widget


class ExamplesView(QWidget):
    """The tab, over ``state`` (a new :class:`ExamplesState` when None)."""

    def __init__(self, jobs: Jobs, parent=None, theme: Theme = LIGHT, state: ExamplesState | None = None):
        super().__init__(parent)
        self.jobs, self.theme = jobs, theme
        self.state = state or ExamplesState(self)
        self._job: Job | None = None
        self._build_controls()
        self.arms, self.model_plot, self.loss_plot = ArmsPlot(theme), DataPlot(theme), LossPlot(theme)
        self.bars = ProbabilityBars(theme)
        plots = QHBoxLayout()
        for plot in (self.arms, self.model_plot, self.loss_plot, self.bars):   # equal: the bars need room for names
            plots.addWidget(plot.plot, 1)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.valueChanged.connect(self._slid)
        self.epoch_label, self.accuracy, self.probe_label = QLabel(), QLabel(), QLabel()
        under = QHBoxLayout()
        under.setSpacing(18)
        for widget, stretch in ((self.epoch_label, 0), (self.slider, 1), (self.probe_label, 0)):
            under.addWidget(widget, stretch)
        self.table_note = QLabel()
        self.table_note.setWordWrap(True)
        self.table = ChainTable()
        self.classes = ClassesPanel(self.accuracy)
        self.confusion, self.test_confusion = self.classes.train, self.classes.test
        lower = QHBoxLayout()
        lower.addWidget(_column(self.table_note, (self.table, 1)), 1)
        lower.addWidget(self.classes)
        split = QSplitter(Qt.Vertical)
        split.addWidget(_column((plots, 1), under))
        split.addWidget(_column((lower, 1)))
        split.setSizes([340, 260])         # the plots, and the table with room for some rows
        layout = QHBoxLayout(self)
        layout.addWidget(self.side)
        layout.addWidget(split, 1)
        s = self.state
        for signal in (s.dataChanged, s.setupChanged):
            signal.connect(self._changed)
        for signal in (s.resultChanged, s.epochChanged, s.probeChanged):
            signal.connect(self.redraw)
        self.apply_theme(theme)
        self._show_lesson(EXAMPLE_LESSONS.index(DEFAULT_LESSON))
        self._changed()

    def _build_controls(self) -> None:
        self.lesson = QComboBox()
        for lesson in EXAMPLE_LESSONS:
            self.lesson.addItem(lesson.title)
        self.lesson.activated.connect(self._lesson_picked)
        self.lesson_text = QLabel()
        self.lesson_text.setWordWrap(True)
        self.offset_note = QLabel(f"Note: {OFFSET_SOFTMAX_WORDS}.")
        self.offset_note.setWordWrap(True)
        self.offset_note.setStyleSheet(NOTE_STYLE)
        self.offset_note.setContentsMargins(6, 4, 6, 4)  # margins, not CSS padding: the wrapped height counts them
        self.data_box = QComboBox()
        for name in BUILT_IN:
            self.data_box.addItem(name, name)
        self.data_box.addItem(OPEN_FILE, OPEN_FILE)
        self.data_box.activated.connect(self._data_picked)
        self.choices = {}
        for name, options in (("model", MODELS), ("loss", LOSSES), ("learner", TRAIN_LEARNERS)):
            box = self.choices[name] = QComboBox()
            box.addItems(options)
            box.activated.connect(lambda _i, n=name, b=box: self._write(**{n: b.currentText()}))
        self.links = QSpinBox()
        self.links.setRange(1, MAX_LINKS)
        self.links.valueChanged.connect(self._links_changed)
        self.fields = {}
        for name, _label, whole in FIELDS:
            edit = self.fields[name] = QLineEdit()
            edit.editingFinished.connect(lambda n=name, w=whole: self._typed(n, w))
        self.train_button, self.cancel_button = QPushButton("Train"), QPushButton("Cancel")
        self.train_button.clicked.connect(self.start_training)
        self.cancel_button.clicked.connect(self.stop)
        self.progress = QProgressBar()
        self.progress.setFormat("epoch %v of %m")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.probe_edit = QLineEdit()
        self.probe_edit.setPlaceholderText("new x, then Enter")
        self.probe_edit.returnPressed.connect(self._probe_typed)
        for box in (self.lesson, self.data_box):          # long titles must not widen the panel
            box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
        form = QFormLayout()
        form.addRow("Lesson", self.lesson)
        form.addRow(self.lesson_text)
        for label, widget in (("Data set", self.data_box), ("Model", self.choices["model"]),
                              ("Loss", self.choices["loss"]), ("Links", self.links),
                              *((label, self.fields[name]) for name, label, _whole in FIELDS),
                              ("Learner", self.choices["learner"]), ("Probe", self.probe_edit)):
            form.addRow(label, widget)
        panel = QWidget()
        panel.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)   # the lesson's text wraps instead
        buttons = QHBoxLayout()
        for widget in (self.train_button, self.cancel_button):
            buttons.addWidget(widget)
        # Train, the messages and the offset + softmax note stay in sight below the scrolled fields.
        self.side = _column((scroll, 1), self.offset_note, buttons, self.progress, self.message)
        self.side.setMinimumWidth(330)
        self.side.setMaximumWidth(380)
        self._set_busy(False)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        for plot in (self.arms, self.model_plot, self.loss_plot, self.bars):
            plot.apply_theme(theme, QFont(self.font()))
        self.redraw()

    # -- writing through the state -----------------------------------------------------------
    def _write(self, **changes) -> bool:
        self._say("")
        try:
            self.state.update_setup(**changes)
        except (ParamError, DataError) as e:
            self._say(f"Refused: {e}", error=True)
            self._show_setup()                 # the field goes back to what the state holds
            return False
        return True

    def _typed(self, name: str, whole: bool) -> None:
        edit = self.fields[name]
        if edit.text().strip() == self._field_text(name):
            return
        try:
            value = parse_number(name, edit.text(), whole)
        except ParamError as e:
            self._say(f"Refused: {e}", error=True)
            self._show_setup()
            return
        self._write(**{name: None if name == "batch" and value == 0 else value})

    def _links_changed(self, n: int) -> None:
        s = self.state.setup
        pad = max(0, n - s.n_links)
        self._write(angles_deg=s.angles_deg[:n] + (0.0,) * pad, lengths=s.lengths[:n] + (1.0,) * pad)

    @Slot(int)
    def _lesson_picked(self, index: int) -> None:
        self._say("")
        self.state.load_lesson(EXAMPLE_LESSONS[index])
        self._show_lesson(index)

    def _show_lesson(self, index: int) -> None:
        with QSignalBlocker(self.lesson):
            self.lesson.setCurrentIndex(index)
        self.lesson_text.setText(EXAMPLE_LESSONS[index].text)

    @Slot(int)
    def _data_picked(self, index: int) -> None:
        choice = self.data_box.itemData(index)
        if choice == OPEN_FILE:
            self.open_csv()
        elif isinstance(choice, str):
            self.use_data(BUILT_IN[choice])
        else:
            self.use_data(choice)
        self._show_data()

    def open_csv(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self, "Open data file", "", "CSV data (*.csv);;All files (*)")
        if not path:
            return False
        from armsim.io.data_files import load_csv  # here: the tab builds without the CSV reader
        try:
            data = load_csv(path)
        except DataError as e:
            QMessageBox.warning(self, "Cannot open data file", f"{e}\n\nThe data set is unchanged.")
            return False
        if not self.use_data(data, warn=True):
            return False
        self.data_box.insertItem(self.data_box.count() - 1, data.name, data)
        return True

    def use_data(self, data, warn: bool = False) -> bool:
        """Take ``data``, the loss switched to one its labels take, as ``armsim train`` picks one."""
        self._say("")
        try:
            self.state.set_data(data, fitting_setup(self.state.setup, data))
        except DataError as e:
            if warn:
                QMessageBox.warning(self, "Cannot open data file", f"{e}\n\nThe data set is unchanged.")
            else:
                self._say(f"Refused: {e}", error=True)
            return False
        return True

    # -- showing the state -------------------------------------------------------------------
    def _field_text(self, name: str) -> str:
        value = getattr(self.state.setup, name)
        return "0" if value is None else repr(value)

    def _show_setup(self) -> None:
        s = self.state.setup
        for name, box in self.choices.items():
            with QSignalBlocker(box):
                box.setCurrentText(getattr(s, name))
        with QSignalBlocker(self.links):
            self.links.setValue(s.n_links)
        for name, edit in self.fields.items():
            with QSignalBlocker(edit):
                edit.setText(self._field_text(name))
        self.offset_note.setVisible(s.loss == "softmax" and s.model == "offset")

    def _show_data(self) -> None:
        data = self.state.data
        with QSignalBlocker(self.data_box):
            for i in range(self.data_box.count()):
                if self.data_box.itemData(i) is data or BUILT_IN.get(self.data_box.itemData(i)) is data:
                    self.data_box.setCurrentIndex(i)

    @Slot()
    def _changed(self, *_args) -> None:
        """A new data set or setup: a training run of the old ones stops; the controls and plots follow."""
        if self._job is not None:
            self.stop()
            self._say("Training stopped: the setup changed.")
        self._show_setup()
        self._show_data()
        self.redraw()

    @Slot()
    def redraw(self, *_args) -> None:
        s = self.state
        setup, result, epoch, probe = s.setup, s.result, s.epoch, s.probe
        train_set, test_set = s.sets()
        p = s.params_shown()
        top = 0 if result is None else result.epochs_run
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, top)
            self.slider.setValue(epoch)
        self.slider.setEnabled(result is not None)
        self.epoch_label.setText(f"epoch {epoch} of {top}" if result is not None else "untrained (start)")
        self.arms.show(setup, train_set, test_set, p, probe)
        self.model_plot.show(setup, train_set, test_set, p, probe, result, epoch)
        self.loss_plot.show(result, epoch)
        x, words = shown_example(train_set, probe)
        self.bars.show(setup, s.data, p, x)
        self.bars.set_title(f"p, {words}")
        self.accuracy.setText(accuracy_words(result, train_set, test_set, epoch))
        self.classes.fill(result, s.data, train_set, test_set, epoch, self.theme)
        self._show_probe(setup, p, probe)
        self.table_note.setText(self.table.fill(setup, train_set, p))

    def _show_probe(self, setup, p, probe) -> None:
        if not self.probe_edit.hasFocus():        # while typing, the text is the user's
            with QSignalBlocker(self.probe_edit):
                self.probe_edit.setText("" if probe is None else repr(probe))
        self.probe_label.setText("" if probe is None else probe_words(setup, self.state.data, p, probe))

    # -- the probe and the slider ------------------------------------------------------------
    def _probe_typed(self) -> None:
        text = self.probe_edit.text().strip()
        try:
            self.state.set_probe(None if not text else parse_number("new x", text, False))
        except ParamError as e:
            self._say(f"Refused: {e}", error=True)
            return
        self._say("")

    def _slid(self, value: int) -> None:
        self.state.set_epoch(value)

    # -- the job -----------------------------------------------------------------------------
    def start_training(self) -> None:
        if self.busy:
            return
        setup, data = self.state.setup, self.state.data
        self.progress.setRange(0, max(setup.epochs, 1))
        self.progress.setValue(0)
        self._job = job = self.jobs.start("train", _train, setup, data)
        job.progress.connect(self._progressed)
        job.finished.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self._set_busy(True)
        self._say(f"Training {setup.epochs:,} epochs...")

    def stop(self) -> None:
        if self._job is not None:
            self._job.stop()
            self._job = None
            self._set_busy(False)
            self._say("Training cancelled.")

    @property
    def busy(self) -> bool:
        return self._job is not None

    @Slot(int, int)
    def _progressed(self, done: int, _total: int) -> None:
        self.progress.setValue(done)

    @Slot(object)
    def _on_done(self, result) -> None:
        self._job = None
        self._set_busy(False)
        if result.setup != self.state.setup:
            return
        self.state.set_result(result)
        self._say(f"{result.status.replace('_', ' ')}: {result.reason}.")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._job = None
        self._set_busy(False)
        self._say(f"Training failed: {message}", error=True)

    def _set_busy(self, busy: bool) -> None:
        self.train_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)
