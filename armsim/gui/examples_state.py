"""The "Learn from examples" tab's one source of truth: the data set, the setup, the result, the epoch, the probe.

:class:`ExamplesState` is the only writer of each of these facts, as
:class:`~armsim.gui.state.AppState` is of the window's: the tab's widgets show
what it holds (updating inside a ``QSignalBlocker``) and write through it. Every
change is checked by the core first (:class:`~armsim.core.training.TrainSetup`
raises ParamError, :func:`~armsim.core.training.check_data` and the split raise
DataError); a refused change leaves every fact as it was and the error goes to
the caller, which shows it. A new data set or setup clears the result, which no
longer describes them.

Signals
-------
dataChanged(DataSet)
setupChanged(TrainSetup)
resultChanged(object)
    The :class:`~armsim.core.training.TrainResult` of the current data and setup, or None.
epochChanged(int)
    The epoch every plot shows (0 without a result: the start parameters).
probeChanged(object)
    The typed input x (a float) or None.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, Signal

from armsim.core.datasets import MAX_VALUE, DataSet, built_in
from armsim.core.example_lessons import EXAMPLE_LESSONS, ExampleLesson
from armsim.core.params import ParamError, shown
from armsim.core.training import TrainResult, TrainSetup, arms_for, check_data, start_params

#: The lesson the tab opens with: the post's legs set on an arm long enough to separate it.
DEFAULT_LESSON = EXAMPLE_LESSONS[1]


def check_pair(setup: TrainSetup, data: DataSet) -> None:
    """Refuse a setup and data set that :func:`~armsim.core.training.train` would refuse (DataError)."""
    check_data(setup, data)
    train_set, _ = data.split(setup.test_fraction, setup.seed)
    check_data(setup, train_set)


def fitting_setup(setup: TrainSetup, data: DataSet) -> TrainSetup:
    """``setup`` with a loss ``data``'s labels take, chosen as ``armsim train`` chooses its default.

    More than two named classes: softmax with the input model (the offset model can learn only the
    classes' frequencies, :data:`~armsim.core.training.OFFSET_SOFTMAX_WORDS`), whatever the setup had;
    two: logistic instead of squared; numbers the classifying loss cannot take: squared.
    """
    named = 0 if data.classes is None else len(data.classes)
    if named > 2 and (setup.loss != "softmax" or setup.model != "input"):
        return setup.with_(loss="softmax", model="input")
    if named == 2 and setup.loss == "squared":
        return setup.with_(loss="logistic")
    if not named and (setup.loss == "logistic" and not data.binary
                      or setup.loss == "softmax" and not data.integer_labels):
        return setup.with_(loss="squared")
    return setup


class ExamplesState(QObject):
    """The tab's facts; see the module docstring for the signals."""

    dataChanged = Signal(object)
    setupChanged = Signal(object)
    resultChanged = Signal(object)
    epochChanged = Signal(int)
    probeChanged = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._data = built_in(DEFAULT_LESSON.dataset)
        self._setup = DEFAULT_LESSON.setup
        self._result: TrainResult | None = None
        self._epoch = 0
        self._probe: float | None = None

    # -- reading ----------------------------------------------------------------------------
    @property
    def data(self) -> DataSet:
        return self._data

    @property
    def setup(self) -> TrainSetup:
        return self._setup

    @property
    def result(self) -> TrainResult | None:
        return self._result

    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def probe(self) -> float | None:
        return self._probe

    def sets(self) -> tuple[DataSet, DataSet]:
        """``(train, test)``: the result's, else the current split (valid: every setter checked it)."""
        if self._result is not None:
            return self._result.train_set, self._result.test_set
        return self._data.split(self._setup.test_fraction, self._setup.seed)

    def params_shown(self) -> np.ndarray:
        """The parameters ``(C, P)`` of the shown epoch (the start parameters before training)."""
        if self._result is not None:
            return self._result.params_at(self._epoch)
        return start_params(self._setup, arms_for(self._setup, self._data))

    # -- writing ----------------------------------------------------------------------------
    def set_data(self, data: DataSet, setup: TrainSetup | None = None) -> None:
        """A new data set, with a new setup too when given (both checked together first; DataError)."""
        if not isinstance(data, DataSet):
            raise TypeError(f"expected DataSet, got {type(data).__name__}")
        setup = self._setup if setup is None else setup
        check_pair(setup, data)
        self._take(data, setup)

    def set_setup(self, setup: TrainSetup) -> None:
        """A whole new setup (DataError if the current data cannot be trained with it)."""
        if not isinstance(setup, TrainSetup):
            raise TypeError(f"expected TrainSetup, got {type(setup).__name__}")
        check_pair(setup, self._data)
        self._take(self._data, setup)

    def update_setup(self, **changes) -> TrainSetup:
        """Change some fields of the setup (ParamError or DataError, the setup unchanged); returns the new one."""
        setup = self._setup.with_(**changes)
        self.set_setup(setup)
        return setup

    def load_lesson(self, lesson: ExampleLesson) -> None:
        """A lesson's data set and setup, at once."""
        self.set_data(built_in(lesson.dataset), lesson.setup)

    def _take(self, data: DataSet, setup: TrainSetup) -> None:
        data_changed, setup_changed = data is not self._data, setup != self._setup
        if not (data_changed or setup_changed):
            return
        self._data, self._setup = data, setup
        self.set_result(None)               # first: a listener of the new facts never sees the old result
        if data_changed:
            self.dataChanged.emit(data)
        if setup_changed:
            self.setupChanged.emit(setup)

    def set_result(self, result: TrainResult | None) -> None:
        """A finished run of the current setup (or None); the shown epoch becomes its last."""
        if result is self._result:
            return
        if result is not None and result.setup != self._setup:
            raise ValueError("the result is of another setup")
        self._result = result
        self.resultChanged.emit(result)
        self._set_epoch(0 if result is None else result.epochs_run)

    def set_epoch(self, epoch: int) -> None:
        """Show epoch ``epoch`` of the result (ParamError outside 0..epochs_run)."""
        top = 0 if self._result is None else self._result.epochs_run
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or not 0 <= epoch <= top:
            raise ParamError("epoch", f"must be a whole number from 0 to {top}, got {shown(epoch)}")
        self._set_epoch(int(epoch))

    def _set_epoch(self, epoch: int) -> None:
        if epoch != self._epoch:
            self._epoch = epoch
            self.epochChanged.emit(epoch)

    def set_probe(self, x: float | None) -> None:
        """The typed input (ParamError unless a finite number within +-MAX_VALUE, or None)."""
        if x is not None:
            if isinstance(x, (bool, str, bytes)) or not isinstance(x, (int, float, np.floating)):
                raise ParamError("new x", f"must be a number, got {shown(x)}")
            x = float(x)
            if not math.isfinite(x):
                raise ParamError("new x", f"must be a finite number, got {x!r}")
            if abs(x) > MAX_VALUE:
                raise ParamError("new x", f"must be within +-{MAX_VALUE:g}, got {x:g}")
        if x != self._probe:
            self._probe = x
            self.probeChanged.emit(x)
