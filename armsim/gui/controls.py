"""The control panel: links, start angles, lengths, eta, epochs, base, target, learner and speed.

It owns no run state. It emits :attr:`ControlPanel.shapeChanged` when anything
that defines the run changes (the window redraws the start pose, or stops and
resets a run), :attr:`etaChanged` for eta alone (a run picks it up at its next
epoch) and :attr:`speedChanged` for playback speed. :meth:`params` builds the
validated snapshot handed to the solver.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QScrollArea, QSizePolicy, QSlider, QSpinBox, QVBoxLayout, QWidget)

from armsim.core.params import MAX_EPOCHS, Params, ParamError
from armsim.gui.eta_meter import EtaMeter

MAX_LINKS_IN_WINDOW = 24
ETA_MIN, ETA_MAX = 1e-4, 10.0            # the slider's range; the entry accepts any eta the model does
ETA_STEPS = 1000
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, math.inf)   # epochs per second; inf = as fast as possible
DEFAULT_SPEED = 10
TOLERANCES = (0.0, 1e-12, 1e-9, 1e-6, 1e-3)


def eta_to_slider(eta: float) -> int:
    frac = (math.log10(min(max(eta, ETA_MIN), ETA_MAX)) - math.log10(ETA_MIN)) / math.log10(ETA_MAX / ETA_MIN)
    return round(frac * ETA_STEPS)


def slider_to_eta(pos: int) -> float:
    value = 10 ** (math.log10(ETA_MIN) + pos / ETA_STEPS * math.log10(ETA_MAX / ETA_MIN))
    return float(f"{value:.3g}")          # round numbers a student can type back in


def speed_text(speed: float) -> str:
    return "as fast as possible" if math.isinf(speed) else f"{speed:g} epochs/s"


class LinkRow:
    """Slider + exact spin box for one link's start angle, and a spin box for its length."""

    def __init__(self, index: int, angle: float, length: float, on_change):
        self.label = QLabel(f"w{index + 1}")
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(-1800, 1800)           # tenths of a degree
        self.slider.setToolTip(f"start angle of link {index + 1}, degrees from horizontal")
        self.spin = QDoubleSpinBox()
        self.spin.setRange(-180.0, 180.0)
        self.spin.setDecimals(2)
        self.spin.setSuffix("°")
        self.spin.setKeyboardTracking(False)
        self.spin.setToolTip(self.slider.toolTip())
        self.length = QDoubleSpinBox()
        self.length.setRange(0.05, 100.0)
        self.length.setDecimals(3)
        self.length.setSingleStep(0.1)
        self.length.setPrefix("L ")
        self.length.setKeyboardTracking(False)
        self.length.setToolTip(f"length of link {index + 1}")
        self.set(angle, length)
        self.slider.valueChanged.connect(lambda v: (self._sync_spin(v / 10), on_change()))
        self.spin.valueChanged.connect(lambda v: (self._sync_slider(v), on_change()))
        self.length.valueChanged.connect(lambda _v: on_change())

    def widgets(self):
        return self.label, self.slider, self.spin, self.length

    def set(self, angle: float, length: float) -> None:
        angle = max(-180.0, min(180.0, angle))
        self._sync_spin(angle)
        self._sync_slider(angle)
        self.length.blockSignals(True)
        self.length.setValue(length)
        self.length.blockSignals(False)

    def _sync_spin(self, v: float) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(v)
        self.spin.blockSignals(False)

    def _sync_slider(self, v: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(v * 10))
        self.slider.blockSignals(False)


class ControlPanel(QWidget):
    shapeChanged = Signal()
    etaChanged = Signal(float)
    speedChanged = Signal(float)

    def __init__(self, params: Params, parent=None):
        super().__init__(parent)
        self.rows: list[LinkRow] = []
        self._eta = params.eta
        outer = QVBoxLayout(self)

        arm_box = QGroupBox("Arm: start angles (degrees) and lengths")
        arm_layout = QVBoxLayout(arm_box)
        top = QHBoxLayout()
        top.addWidget(QLabel("links"))
        self.links = QSpinBox()
        self.links.setRange(1, MAX_LINKS_IN_WINDOW)
        self.links.setToolTip(f"number of links, 1 to {MAX_LINKS_IN_WINDOW}")
        top.addWidget(self.links)
        top.addStretch(1)
        arm_layout.addLayout(top)
        rows_widget = QWidget()
        self.grid = QGridLayout(rows_widget)
        self.grid.setColumnStretch(1, 1)
        self.grid.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()                     # 24 links do not fit a laptop screen otherwise
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(rows_widget)
        scroll.setMinimumHeight(150)
        arm_layout.addWidget(scroll)
        outer.addWidget(arm_box, 1)

        learn_box = QGroupBox("Learning")
        form = QFormLayout(learn_box)
        eta_row = QHBoxLayout()
        self.eta_slider = QSlider(Qt.Horizontal)
        self.eta_slider.setRange(0, ETA_STEPS)
        self.eta_slider.setToolTip("learning rate eta, logarithmic from 0.0001 to 10")
        self.eta_entry = QLineEdit()
        self.eta_entry.setMaximumWidth(110)
        self.eta_entry.setToolTip("exact learning rate: any number greater than 0 (e.g. 0.075 or 1e-3)")
        eta_row.addWidget(self.eta_slider, 1)
        eta_row.addWidget(self.eta_entry)
        form.addRow("eta", eta_row)
        self.meter = EtaMeter()
        self.meter.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)    # its words never get cut
        form.addRow(self.meter)
        self.eta_problem = QLabel()
        self.eta_problem.setStyleSheet("color: #b00020")
        self.eta_problem.setWordWrap(True)
        self.eta_problem.hide()
        form.addRow(self.eta_problem)
        self.epochs = QSpinBox()
        self.epochs.setRange(0, MAX_EPOCHS)
        self.epochs.setGroupSeparatorShown(True)
        self.epochs.setKeyboardTracking(False)
        self.epochs.setToolTip("most updates to run")
        form.addRow("epochs", self.epochs)
        self.tol = QComboBox()
        self.tol.setToolTip("stop early (converged) once the error is below this")
        for value in TOLERANCES:
            self.tol.addItem("never (run every epoch)" if value == 0 else f"{value:g}", value)
        form.addRow("stop below", self.tol)
        self.learner = QComboBox()
        self.learner.addItem("gradient descent (delta rule)", "gradient")
        self.learner.addItem("hot and cold (seed 004)", "hotcold")
        self.learner.setToolTip("how the weights are adjusted each epoch")
        form.addRow("learner", self.learner)
        outer.addWidget(learn_box)

        goal_box = QGroupBox("Base and target")
        goal_form = QFormLayout(goal_box)
        self.base = QDoubleSpinBox()
        self.base.setRange(-100.0, 100.0)
        self.base.setDecimals(3)
        self.base.setSingleStep(0.1)
        self.base.setKeyboardTracking(False)
        self.base.setToolTip("lateral position Y0 of the base")
        goal_form.addRow("base Y0", self.base)
        target_row = QHBoxLayout()
        self.target_is_base = QCheckBox("same as base")
        self.target = QDoubleSpinBox()
        self.target.setRange(-200.0, 200.0)
        self.target.setDecimals(3)
        self.target.setSingleStep(0.1)
        self.target.setKeyboardTracking(False)
        self.target.setToolTip("where the end point should go")
        target_row.addWidget(self.target_is_base)
        target_row.addWidget(self.target, 1)
        goal_form.addRow("target", target_row)
        outer.addWidget(goal_box)

        play_box = QGroupBox("Playback")
        play_form = QFormLayout(play_box)
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setToolTip("epochs per second; the far right is as fast as possible")
        self.speed_label = QLabel()
        play_form.addRow("speed", self.speed)
        play_form.addRow("", self.speed_label)
        outer.addWidget(play_box)

        self.set_params(params)
        self.speed.setValue(SPEEDS.index(DEFAULT_SPEED))
        self.speed_label.setText(speed_text(DEFAULT_SPEED))
        self.links.valueChanged.connect(self._relink)
        self.eta_slider.valueChanged.connect(self._eta_from_slider)
        self.eta_entry.editingFinished.connect(self._eta_from_entry)
        for w in (self.epochs, self.base, self.target):
            w.valueChanged.connect(self._changed)
        self.learner.currentIndexChanged.connect(self._changed)
        self.tol.currentIndexChanged.connect(self._changed)
        self.target_is_base.toggled.connect(self._target_toggled)
        self.speed.valueChanged.connect(self._speed_moved)

    # -- reading and writing the whole setup ----------------------------------------------
    def params(self) -> Params:
        """The current setup as validated Params (raises ParamError if a value breaks a rule)."""
        return Params(angles_deg=tuple(r.spin.value() for r in self.rows),
                      lengths=tuple(r.length.value() for r in self.rows), base=self.base.value(),
                      target=None if self.target_is_base.isChecked() else self.target.value(), eta=self._eta,
                      epochs=self.epochs.value(), tol=self.tol.currentData(), learner=self.learner.currentData())

    def set_params(self, params: Params) -> None:
        """Show ``params`` (without emitting per-widget signals), then emit shapeChanged once."""
        widgets = [self.links, self.epochs, self.base, self.target, self.target_is_base, self.learner,
                   self.eta_slider, self.tol]
        for w in widgets:
            w.blockSignals(True)
        try:
            self.links.setValue(min(params.n_links, MAX_LINKS_IN_WINDOW))
            self._build_rows(params.angles_deg, params.lengths)
            self.epochs.setValue(params.epochs)
            self.base.setValue(params.base)
            self.target_is_base.setChecked(params.target is None)
            self.target.setValue(params.goal)
            self.target.setEnabled(params.target is not None)
            self.learner.setCurrentIndex(max(0, self.learner.findData(params.learner)))
            if self.tol.findData(params.tol) < 0:          # a value from a file or preset: offer it too
                self.tol.addItem(f"{params.tol:g}", params.tol)
            self.tol.setCurrentIndex(self.tol.findData(params.tol))
            self._show_eta(params.eta)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.shapeChanged.emit()

    def speed_value(self) -> float:
        return SPEEDS[self.speed.value()]

    def set_speed(self, epochs_per_second: float) -> None:
        """Move the speed slider to the listed speed nearest ``epochs_per_second`` (inf: as fast as possible)."""
        nearest = min(range(len(SPEEDS)), key=lambda i: abs(math.log(SPEEDS[i] / epochs_per_second))
                      if math.isfinite(SPEEDS[i]) and math.isfinite(epochs_per_second)
                      else (0 if SPEEDS[i] == epochs_per_second else math.inf))
        self.speed.setValue(nearest)

    def set_eta(self, eta: float) -> None:
        self._show_eta(eta)
        self.etaChanged.emit(eta)

    @property
    def eta(self) -> float:
        return self._eta

    # -- internals ------------------------------------------------------------------------
    def _build_rows(self, angles, lengths) -> None:
        for row in self.rows:
            for w in row.widgets():
                self.grid.removeWidget(w)
                w.deleteLater()
        self.rows = []
        for i, (a, L) in enumerate(zip(angles[:MAX_LINKS_IN_WINDOW], lengths[:MAX_LINKS_IN_WINDOW])):
            row = LinkRow(i, a, L, self._changed)
            for col, w in enumerate(row.widgets()):
                self.grid.addWidget(w, i, col)
            self.rows.append(row)
        self.grid.setRowStretch(len(self.rows), 1)      # rows stay together at the top

    def _relink(self, n: int) -> None:
        angles = [r.spin.value() for r in self.rows]
        lengths = [r.length.value() for r in self.rows]
        angles += [angles[-1] if angles else 0.0] * (n - len(angles))
        lengths += [lengths[-1] if lengths else 1.0] * (n - len(lengths))
        self._build_rows(angles[:n], lengths[:n])
        self._changed()

    def _changed(self, *_):
        self.shapeChanged.emit()

    def _target_toggled(self, same: bool) -> None:
        self.target.setEnabled(not same)
        if not same:
            self.target.blockSignals(True)
            self.target.setValue(self.base.value())
            self.target.blockSignals(False)
        self._changed()

    def _show_eta(self, eta: float) -> None:
        self._eta = eta
        self.eta_slider.blockSignals(True)
        self.eta_slider.setValue(eta_to_slider(eta))
        self.eta_slider.blockSignals(False)
        self.eta_entry.setText(f"{eta:g}")
        self.eta_entry.setStyleSheet("")
        self.eta_problem.hide()

    def _eta_from_slider(self, pos: int) -> None:
        self.set_eta(slider_to_eta(pos))

    def _eta_from_entry(self) -> None:
        text = self.eta_entry.text().strip()
        try:
            eta = Params(eta=float(text)).eta
        except (ValueError, ParamError) as e:
            rule = e.rule if isinstance(e, ParamError) else f"must be a number, got {text!r}"
            self.eta_entry.setStyleSheet("border: 2px solid #b00020")
            self.eta_problem.setText(f"eta {rule}; still using {self._eta:g}")
            self.eta_problem.show()
            return
        if eta != self._eta:
            self.set_eta(eta)
        else:
            self._show_eta(eta)

    def _speed_moved(self, pos: int) -> None:
        self.speed_label.setText(speed_text(SPEEDS[pos]))
        self.speedChanged.emit(SPEEDS[pos])
