"""The control panel: links, start angles, lengths, joint limits, eta, epochs, tolerance, learner, task and speed.

It owns no fact. Every widget shows what the :class:`~armsim.gui.state.AppState`
holds (refreshed inside ``QSignalBlocker`` when the state changes) and writes
through it; a change the model refuses is marked on the widget, said in words
in the panel and leaves the setup unchanged. Numbers are :class:`NumberEntry`
boxes that show the value exactly (any angle, length, base or target the model
takes); each angle slider shows its angle modulo 360 and keeps the angle's
whole turns when dragged; the eta slider is logarithmic from 1e-4 to 10 and
shows an eta outside that at its end, the entry giving the exact value.

The 2-D model's options: the task (a height, the post's, or a point (X, Y)),
relative joints, and each joint's optional minimum and maximum. An empty limit
box is a free side (None in the model).
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from armsim.core.glossary import tip
from armsim.core.kinematics import forward
from armsim.core.params import LEARNERS, POST_ETA, ParamError, Params
from armsim.core.sweeps import LM_ETA
from armsim.gui.entries import NumberEntry
from armsim.gui.eta_meter import EtaMeter
from armsim.gui.state import WINDOW_MAX_LINKS, AppState
from armsim.gui.throttle import Throttle

ETA_MIN, ETA_MAX = 1e-4, 10.0            # the slider's range; the entry takes any eta the model does
ETA_STEPS = 1000
SLIDER_STEPS_PER_DEGREE = 10
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, math.inf)   # epochs per second; inf = as fast as possible
LEARNER_TEXT = {"gradient": "gradient descent (delta rule)", "hotcold": "hot and cold (seed 004)",
                "momentum": "momentum (heavy ball)", "adam": "Adam", "lm": "damped least squares (LM)",
                "ccd": "cyclic coordinate descent (CCD)", "fabrik": "FABRIK (a point only)"}
DRAG_MS = 30                             # a dragged slider updates the setup at most this often
PROBLEM_COLOUR = "#b00020"
TASK_TEXT = {"lateral": "height (the post)", "reach": "point (X, Y)"}
LIMIT_KEYS = {"min": "min_angles_deg", "max": "max_angles_deg"}


def wrap_degrees(angle: float) -> float:
    """``angle`` modulo 360, in [-180, 180): where the slider of a start angle sits."""
    return (angle + 180.0) % 360.0 - 180.0


def slider_to_eta(position: int) -> float:
    """The eta at a position of the log slider, rounded to 3 digits a student can type back."""
    log_eta = math.log10(ETA_MIN) + position / ETA_STEPS * math.log10(ETA_MAX / ETA_MIN)
    return float(f"{10.0 ** log_eta:.3g}")


def eta_to_slider(eta: float) -> int:
    """Where the log slider shows ``eta`` (at an end for an eta outside its range)."""
    frac = (math.log10(eta) - math.log10(ETA_MIN)) / math.log10(ETA_MAX / ETA_MIN)
    return round(min(max(frac, 0.0), 1.0) * ETA_STEPS)


def joint_limits(limits: tuple[float | None, ...] | None, n: int, side: str) -> list[float | None]:
    """One side's limit of each joint as the boxes show it: None where free."""
    return [None] * n if limits is None else list(limits)


def model_limits(boxes: list[float | None], side: str) -> tuple[float | None, ...] | None:
    """The model's form of one side's boxes: None when all are free, else one limit (or None) per joint."""
    return None if all(v is None for v in boxes) else tuple(boxes)


def start_end_point(p: Params) -> tuple[float, float]:
    """Where the start pose puts the end point, to 3 decimals when that stays in reach (a point to type back)."""
    xs, ys = forward(np.radians(p.angles_deg), np.asarray(p.lengths), p.base, p.relative)
    exact = (float(xs[-1]), float(ys[-1]))
    rounded = (round(exact[0], 3), round(exact[1], 3))
    return rounded if p.with_(target=None, reach=rounded).reachable else exact


def speed_text(speed: float) -> str:
    return "as fast as possible" if math.isinf(speed) else f"{speed:g} epochs/s"


def nearest_speed(speed: float) -> int:
    """Index of the listed speed nearest ``speed`` on a log scale (inf only for inf)."""
    if math.isinf(speed):
        return len(SPEEDS) - 1
    return min(range(len(SPEEDS) - 1), key=lambda i: abs(math.log(SPEEDS[i] / speed)))


class LinkRow:
    """One link: its start angle (slider modulo 360 and exact entry), its length and, on a line
    below, its joint's optional minimum and maximum."""

    def __init__(self, index: int, panel: "ControlPanel"):
        self.index = index
        self.label = QLabel(f"w{index + 1}")
        # Tenths of a degree on a QSlider: superqt 0.9's float sliders ignore the arrow keys
        # (their triggerAction is a stub), and a student steers a slider with them.
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(-1800, 1800)
        self.slider.setSingleStep(10)                  # arrow keys: a degree; Page Up/Down: ten
        self.slider.setPageStep(100)
        self.slider.setToolTip(f"start angle of link {index + 1}, degrees from horizontal (shown modulo 360)")
        self.angle = NumberEntry(f"w{index + 1}", step=1.0)
        self.angle.setToolTip(f"exact start angle of link {index + 1} in degrees (any size)")
        self.angle.setMaximumWidth(130)
        self.length = NumberEntry(f"L{index + 1}", step=0.1)
        self.length.setToolTip(f"length of link {index + 1} (greater than 0)")
        self.length.setMaximumWidth(90)
        self.drag = Throttle(lambda v: panel.angle_from_slider(index, v / SLIDER_STEPS_PER_DEGREE), DRAG_MS,
                             self.slider)
        self.slider.valueChanged.connect(self.drag)
        self.angle.committed.connect(lambda v: panel.change(self.angle, angle=(index, v)))
        self.angle.refused.connect(panel.say_problem)
        self.length.committed.connect(lambda v: panel.change(self.length, length=(index, v)))
        self.length.refused.connect(panel.say_problem)
        self.limits = QWidget()                        # a line of its own: the panel is too narrow for one row
        line = QHBoxLayout(self.limits)
        line.setContentsMargins(0, 0, 0, 0)
        self.limits_label = QLabel("limits")
        line.addWidget(self.limits_label)
        self.low = NumberEntry(f"w{index + 1} min", None, step=1.0, optional=True)
        self.high = NumberEntry(f"w{index + 1} max", None, step=1.0, optional=True)
        for entry, side, word in ((self.low, "min", "lowest"), (self.high, "max", "highest")):
            entry.setPlaceholderText(f"{side}: free")
            entry.setToolTip(f"{word} angle joint {index + 1} may take, degrees (empty: free)")
            entry.setMaximumWidth(90)
            entry.committed.connect(lambda v, e=entry, s=side: panel.change(e, limit=(s, index, v)))
            entry.refused.connect(panel.say_problem)
        line.addWidget(self.low)
        line.addWidget(QLabel("to"))
        line.addWidget(self.high)
        line.addStretch(1)

    def widgets(self) -> tuple:
        return self.label, self.slider, self.angle, self.length, self.limits

    def name(self, relative: bool) -> None:
        """Call the parameter as the model does: ``w_i`` from horizontal, ``q_i`` relative to the link before."""
        k = self.index + 1
        symbol = f"q{k}" if relative else f"w{k}"
        self.label.setText(symbol)
        self.angle.name, self.low.name, self.high.name = symbol, f"{symbol} min", f"{symbol} max"
        frame = f"degrees from link {k - 1}'s direction" if relative and k > 1 else "degrees from horizontal"
        self.slider.setToolTip(f"start angle of link {k}, {frame} (shown modulo 360)")

    def show(self, angle: float, length: float, low: float | None, high: float | None) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setValue(round(wrap_degrees(angle) * SLIDER_STEPS_PER_DEGREE))
        self.angle.set_value(angle)
        self.length.set_value(length)
        self.low.set_value(low)
        self.high.set_value(high)


class ControlPanel(QWidget):
    """The panel for one :class:`AppState`: shows it and writes every change through it."""

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.rows: list[LinkRow] = []
        self._stretch_row = 0
        outer = QVBoxLayout(self)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {PROBLEM_COLOUR}")
        self.problem.hide()
        outer.addWidget(self.problem)

        arm_box = QGroupBox("Arm: start angles (degrees) and lengths")
        arm_layout = QVBoxLayout(arm_box)
        top = QHBoxLayout()
        top.addWidget(QLabel("links"))
        self.links = NumberEntry("links", step=1, integer=True)
        self.links.setToolTip(f"number of links, 1 to {WINDOW_MAX_LINKS} (press Enter)")
        self.links.setMaximumWidth(80)
        self.links.committed.connect(self._relink)
        self.links.refused.connect(self.say_problem)
        top.addWidget(self.links)
        top.addStretch(1)
        self.relative = QCheckBox("relative joints")
        self.relative.setToolTip(tip("relative joints", "each angle is the link's angle to the previous link "
                                                         "(the first's to horizontal)"))
        self.relative.toggled.connect(lambda on: self.change(self.relative, relative=on))
        top.addWidget(self.relative)
        arm_layout.addLayout(top)
        rows_widget = QWidget()
        self.grid = QGridLayout(rows_widget)
        self.grid.setColumnStretch(1, 1)
        self.grid.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()                     # many links do not fit a laptop screen otherwise
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
        self.eta_slider.setToolTip(tip("eta", "learning rate eta, logarithmic from 0.0001 to 10"))
        self.eta_drag = Throttle(self._eta_from_slider, DRAG_MS, self.eta_slider)
        self.eta_slider.valueChanged.connect(self.eta_drag)
        self.eta_entry = NumberEntry("eta", step=0.01)
        self.eta_entry.setMaximumWidth(110)
        self.eta_entry.setToolTip(tip("eta", "exact learning rate: any number greater than 0 (e.g. 0.075 or 1e-3)"))
        self.eta_entry.committed.connect(lambda v: self.change(self.eta_entry, eta=v))
        self.eta_entry.refused.connect(self.say_problem)
        eta_row.addWidget(self.eta_slider, 1)
        eta_row.addWidget(self.eta_entry)
        form.addRow("eta", eta_row)
        self.meter = EtaMeter()
        self.meter.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)    # its words never get cut
        form.addRow(self.meter)
        self.epochs = NumberEntry("epochs", step=10, integer=True)
        self.epochs.setToolTip(tip("epoch", "most updates to run"))
        self.epochs.committed.connect(lambda v: self.change(self.epochs, epochs=v))
        self.epochs.refused.connect(self.say_problem)
        form.addRow("epochs", self.epochs)
        self.tol = NumberEntry("stop below", step=0.0)
        self.tol.setToolTip(tip("converged", "stop early (converged) once the error is below this; 0 runs every epoch"))
        self.tol.committed.connect(lambda v: self.change(self.tol, tol=v))
        self.tol.refused.connect(self.say_problem)
        form.addRow("stop below", self.tol)
        self.learner = QComboBox()
        for name in LEARNERS:
            self.learner.addItem(LEARNER_TEXT.get(name, name), name)
        self.learner.setToolTip(tip("gradient", "how the weights are adjusted each epoch"))
        self.learner.currentIndexChanged.connect(lambda _i: self.pick_learner(self.learner.currentData()))
        form.addRow("learner", self.learner)
        outer.addWidget(learn_box)

        goal_box = QGroupBox("Base and target")
        goal_form = self.goal_form = QFormLayout(goal_box)
        self.task = QComboBox()
        for name, text in TASK_TEXT.items():
            self.task.addItem(text, name)
        self.task.setToolTip("what the end point should reach: a height (the post's task) or a point (X, Y)")
        self.task.currentIndexChanged.connect(lambda _i: self._task_chosen(self.task.currentData()))
        goal_form.addRow("task", self.task)
        self.base = NumberEntry("base Y0", step=0.1)
        self.base.setToolTip(tip("base", "lateral position Y0 of the base"))
        self.base.committed.connect(lambda v: self.change(self.base, base=v))
        self.base.refused.connect(self.say_problem)
        goal_form.addRow("base Y0", self.base)
        target_row = QHBoxLayout()
        self.target_is_base = QCheckBox("same as base")
        self.target_is_base.toggled.connect(self._target_toggled)
        self.target = NumberEntry("target", step=0.1)
        self.target.setToolTip(tip("target", "where the end point should go"))
        self.target.committed.connect(lambda v: self.change(self.target, target=v))
        self.target.refused.connect(self.say_problem)
        target_row.addWidget(self.target_is_base)
        target_row.addWidget(self.target, 1)
        goal_form.addRow("target", target_row)
        self.target_row = target_row
        point_row = self.point_row = QHBoxLayout()
        self.reach_x = NumberEntry("X", step=0.1)
        self.reach_y = NumberEntry("Y", step=0.1)
        for k, (axis, entry) in enumerate((("X", self.reach_x), ("Y", self.reach_y))):
            entry.setToolTip(f"{axis} of the point the end point should reach")
            entry.committed.connect(lambda v, e=entry, k=k: self.change(e, reach_axis=(k, v)))
            entry.refused.connect(self.say_problem)
            point_row.addWidget(QLabel(axis))
            point_row.addWidget(entry, 1)
        goal_form.addRow("point", point_row)
        outer.addWidget(goal_box)

        play_box = QGroupBox("Playback")
        play_form = QFormLayout(play_box)
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setToolTip("epochs per second; the far right is as fast as possible")
        self.speed.valueChanged.connect(lambda i: state.set_speed(SPEEDS[i]))
        self.speed_label = QLabel()
        play_form.addRow("speed", self.speed)
        play_form.addRow("", self.speed_label)
        outer.addWidget(play_box)

        state.setupChanged.connect(self.show_setup)
        state.aimChanged.connect(self.show_setup)           # the target moved during a run (follow mode)
        state.etaChanged.connect(self.show_eta)
        state.speedChanged.connect(self.show_speed)
        self.show_setup(state.params)
        self.show_eta(state.eta)
        self.show_speed(state.speed)

    # -- writing through the state ---------------------------------------------------------
    def change(self, widget, **changes) -> bool:
        """Write ``changes`` into the setup; on a refusal mark ``widget``, say why, and change nothing.

        ``angle=(i, v)`` and ``length=(i, v)`` change one link's value; ``limit=(side, i, v)``
        one joint's ``"min"`` or ``"max"`` (None: free); ``reach_axis=(k, v)`` the point's X (0) or Y (1).
        """
        p = self.state.params
        fields = {}
        for key, value in changes.items():
            if key == "limit":
                side, i, v = value
                boxes = joint_limits(getattr(p, LIMIT_KEYS[side]), p.n_links, side)
                boxes[i] = v
                fields[LIMIT_KEYS[side]] = model_limits(boxes, side)
            elif key == "reach_axis":
                k, v = value
                point = list(p.reach)
                point[k] = v
                fields["reach"] = tuple(point)
            elif key in ("angle", "length"):
                i, v = value
                values = list(p.angles_deg if key == "angle" else p.lengths)
                values[i] = v
                fields["angles_deg" if key == "angle" else "lengths"] = tuple(values)
            else:
                fields[key] = value
        try:
            self.state.update(**fields)
        except ParamError as e:
            name = getattr(widget, "name", e.field)
            if hasattr(widget, "show_problem"):
                widget.show_problem(e.rule)
            self.say_problem(f"{name}: {e.rule}; the setup is unchanged")
            self._reshow_choice(widget)
            return False
        if hasattr(widget, "clear_problem"):
            widget.clear_problem()
        self.say_problem("")
        return True

    def say_problem(self, message: str) -> None:
        """Say in the panel why the last change was refused (empty: hide)."""
        self.problem.setText(message)
        self.problem.setVisible(bool(message))

    def angle_from_slider(self, i: int, position: float) -> None:
        if i >= len(self.state.params.angles_deg):
            return                                     # a throttled call from a row since removed
        old = self.state.params.angles_deg[i]
        position = round(position, 1)
        turns = round((old - position) / 360.0)        # the angle nearest the old one: 400 dragged to 41 is 401
        self.change(self.rows[i].slider, angle=(i, position + 360.0 * turns))

    def _eta_from_slider(self, position: int) -> None:
        self.change(self.eta_slider, eta=slider_to_eta(position))

    def _relink(self, n: int) -> None:
        p = self.state.params
        if not 1 <= n <= WINDOW_MAX_LINKS:
            rule = f"must be between 1 and {WINDOW_MAX_LINKS}, got {n:,}"
            self.links.show_problem(rule)
            self.say_problem(f"links: {rule}; the setup is unchanged")
            return
        def resized(values):                # a new link copies the last one (its limits too, so it starts inside)
            return None if values is None else tuple(list(values[:n]) + [values[-1]] * (n - p.n_links))
        self.change(self.links, angles_deg=resized(p.angles_deg), lengths=resized(p.lengths),
                    min_angles_deg=resized(p.min_angles_deg), max_angles_deg=resized(p.max_angles_deg))

    def pick_learner(self, learner: str) -> None:
        """Switch learners; to damped least squares with its whole step (eta 1), and back from it with the post's
        eta (lm's 1 would throw a gradient learner far past eta_crit)."""
        p = self.state.params
        eta = LM_ETA if learner == "lm" and p.learner != "lm" else \
            POST_ETA if p.learner == "lm" and learner != "lm" else p.eta
        self.change(self.learner, learner=learner, eta=eta)

    def _task_chosen(self, task: str) -> None:
        """A point starts where the start pose puts the end point (reachable; the target unset), a height unsets it."""
        p = self.state.params
        if task == p.task:
            return
        if task == "reach":
            self.change(self.task, reach=start_end_point(p), target=None)
        else:
            self.change(self.task, reach=None)

    def _target_toggled(self, same: bool) -> None:
        p = self.state.params
        self.change(self.target_is_base, target=None if same else p.goal)

    def _reshow_choice(self, widget) -> None:
        """A refused slider position, choice or check mark goes back to what the state holds
        (a refused entry keeps what was typed instead, marked)."""
        if not isinstance(widget, NumberEntry):
            self.show_setup(self.state.params)
            self.show_eta(self.state.eta)

    # -- showing the state -----------------------------------------------------------------
    def refresh(self) -> None:
        """Show the state afresh, dropping refused text and any slider move still pending (a reset, a file)."""
        self.show_setup(self.state.params)
        self.show_eta(self.state.eta)
        for entry in self.findChildren(NumberEntry):
            entry.set_value(entry.value)
        self.say_problem("")

    def show_setup(self, p: Params) -> None:
        """Show every field of ``p`` (eta apart) exactly; rows are rebuilt only when the count changes.

        A slider move still waiting in its throttle is dropped: it belonged to the setup replaced.
        """
        for row in self.rows:
            row.drag.cancel()
        if len(self.rows) != p.n_links:
            self._build_rows(p.n_links)
        lows = joint_limits(p.min_angles_deg, p.n_links, "min")
        highs = joint_limits(p.max_angles_deg, p.n_links, "max")
        for row, angle, length, low, high in zip(self.rows, p.angles_deg, p.lengths, lows, highs):
            row.show(angle, length, low, high)
            row.name(p.relative)
        self.links.set_value(p.n_links)
        with QSignalBlocker(self.relative):
            self.relative.setChecked(p.relative)
        with QSignalBlocker(self.task):
            self.task.setCurrentIndex(self.task.findData(p.task))
        self.goal_form.setRowVisible(self.target_row, p.reach is None)
        self.goal_form.setRowVisible(self.point_row, p.reach is not None)
        if p.reach is not None:
            self.reach_x.set_value(p.reach[0])
            self.reach_y.set_value(p.reach[1])
        self.epochs.set_value(p.epochs)
        self.tol.set_value(p.tol)
        self.base.set_value(p.base)
        self.target.set_value(p.goal)
        self.target.setEnabled(p.target is not None)
        with QSignalBlocker(self.target_is_base):
            self.target_is_base.setChecked(p.target is None)
        with QSignalBlocker(self.learner):
            self.learner.setCurrentIndex(max(0, self.learner.findData(p.learner)))

    def show_eta(self, eta: float) -> None:
        self.eta_drag.cancel()
        with QSignalBlocker(self.eta_slider):
            self.eta_slider.setValue(eta_to_slider(eta))
        self.eta_entry.set_value(eta)

    def show_speed(self, speed: float) -> None:
        with QSignalBlocker(self.speed):
            self.speed.setValue(nearest_speed(speed))
        self.speed_label.setText(speed_text(speed))

    def _build_rows(self, n: int) -> None:
        for row in self.rows[n:]:
            for w in row.widgets():
                self.grid.removeWidget(w)
                w.deleteLater()
        del self.rows[n:]
        for i in range(len(self.rows), n):
            row = LinkRow(i, self)
            for col, w in enumerate(row.widgets()[:4]):
                self.grid.addWidget(w, 2 * i, col)
            self.grid.addWidget(row.limits, 2 * i + 1, 1, 1, 3)     # under the slider and entries
            self.rows.append(row)
        self.grid.setRowStretch(self._stretch_row, 0)
        self._stretch_row = 2 * n
        self.grid.setRowStretch(2 * n, 1)                 # rows stay together at the top
