"""The window's bottom docks: the chain-rule inspector, Compare runs, the Error landscape, the Basin map and
Learn from examples.

:class:`BottomDocks` creates the five docks and keeps their views in step
with the window's :class:`~armsim.gui.state.AppState` and its run. Compare,
Landscape, Basin map and Learn from examples are built the first time they show
(:class:`~armsim.gui.lazy_dock.LazyDock`). A tab behind another is not
refreshed frame by frame (a dock tabbed behind another still counts as visible
to Qt); it catches up with the epoch on screen when it comes to the front.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from armsim.gui.inspector import InspectorPanel
from armsim.gui.lazy_dock import LazyDock
from armsim.render.live_plot import on_screen

# of the window's height, when the tab shows
SHARES = {"inspector": 0.3, "compare": 0.48, "landscape": 0.48, "basin": 0.48, "examples": 0.6}
# The chain-rule tab takes more than its share, up to this much of the window, to show every joint's row
# (at 1366x768 its share showed two rows of three).
MAX_INSPECTOR_SHARE = 0.45
DOCK_CHROME = 40            # pixels of a dock's title bar and tab bar around its widget


class BottomDocks:
    """The bottom docks of ``window`` (a MainWindow) and what they show."""

    def __init__(self, window):
        self.window = w = window
        self.state = window.state
        self.inspector = InspectorPanel()
        self.inspector_dock = QDockWidget("Chain rule", w)
        self.inspector_dock.setObjectName("inspector")
        self.inspector_dock.setWidget(self.inspector)
        self.compare_dock = LazyDock("Compare runs", "compare", self._make_compare_view, w)
        self.landscape_dock = LazyDock("Error landscape", "landscape", self._make_landscape_view, w)
        self.basin_dock = LazyDock("Basin map", "basin", self._make_basin_view, w)
        self.examples_dock = LazyDock("Learn from examples", "examples", self._make_examples_view, w)
        for dock in self.docks:
            w.addDockWidget(Qt.BottomDockWidgetArea, dock)
        w.tabifyDockWidget(self.inspector_dock, self.compare_dock)
        w.tabifyDockWidget(self.compare_dock, self.landscape_dock)
        w.tabifyDockWidget(self.landscape_dock, self.basin_dock)
        w.tabifyDockWidget(self.basin_dock, self.examples_dock)
        self.inspector_dock.raise_()
        # The map and the overlay need room the chain-rule table does not: the bottom area grows to fit the tab.
        for dock in self.docks:
            dock.visibilityChanged.connect(lambda shown, d=dock: shown and QTimer.singleShot(
                0, lambda: self._size(d)))                 # after the tab switch is laid out
        self.inspector_dock.visibilityChanged.connect(lambda shown: shown and self.inspect_shown())
        self.state.resultChanged.connect(self._result_changed)

    @property
    def docks(self) -> tuple:
        return self.inspector_dock, self.compare_dock, self.landscape_dock, self.basin_dock, self.examples_dock

    def built_views(self) -> list:
        """The lazily built views that exist so far."""
        return [dock.view for dock in (self.compare_dock, self.landscape_dock, self.basin_dock) if dock.built]

    def _size(self, dock: QDockWidget) -> None:
        if dock.isFloating():
            return
        height = self.window.height()
        want = int(height * SHARES[dock.objectName()])
        if dock is self.inspector_dock:
            rows = len(self.state.params.lengths)
            need = self.inspector.wanted_height(rows) + DOCK_CHROME
            want = max(want, min(need, int(height * MAX_INSPECTOR_SHARE)))
        self.window.resizeDocks([dock], [want], Qt.Vertical)

    # -- built on first show ------------------------------------------------------------------
    def _make_compare_view(self):
        from armsim.gui.compare_view import CompareView
        view = CompareView(self.window.jobs, theme=self.window.theme())
        view.set_params(self.state.params)
        if self.state.last_result is not None:
            view.set_last_result(self.state.last_result)
        return view

    def _make_landscape_view(self):
        from armsim.gui.landscape_view import LandscapeView
        w, dock = self.window, self.landscape_dock
        view = LandscapeView(theme=w.theme())
        view.set_shown(dock.shown)
        dock.visibilityChanged.connect(view.set_shown)
        view.startAnglesPicked.connect(w.pick_start)
        view.set_params(self.state.params)
        if self.state.result is not None:
            view.set_history(self.state.result.angles)
        self._mark_pose(view)
        dock.visibilityChanged.connect(lambda shown: shown and self._mark_pose(view))
        return view

    def _make_basin_view(self):
        from armsim.gui.basin_view import BasinView
        view = BasinView(self.window.jobs, theme=self.window.theme())
        view.set_params(self.state.params)
        view.startPicked.connect(self.window.run_from)
        return view

    def _make_examples_view(self):
        """Its own data and setup (not the window's arm): it follows only the theme."""
        from armsim.gui.examples_view import ExamplesView
        return ExamplesView(self.window.jobs, theme=self.window.theme())

    def _mark_pose(self, view) -> None:
        """The map's marker moves only while the map shows: raised during a run, it catches up."""
        w = self.window
        if self.state.result is None and w.record_shown is not None:
            view.set_current(w.record_shown.angles)

    # -- following the window -------------------------------------------------------------------
    def follow_setup(self, params) -> None:
        """The setup (eta included) changed: the views that start from it follow."""
        for view in self.built_views():
            view.set_params(params)

    def clear_run(self) -> None:
        if self.landscape_dock.built:
            self.landscape_dock.view.clear_run()

    def show_pose(self, rec) -> None:
        """A frame of a run: the map's marker, if the map shows (cheap: every frame)."""
        if self.landscape_dock.built and on_screen(self.landscape_dock):
            self.landscape_dock.view.set_current(rec.angles)

    def inspect(self, rec, params) -> None:
        """The chain-rule table for ``rec`` of a run aimed as ``params``, if the tab shows (a refresh: a few ms)."""
        if rec.delta is not None and on_screen(self.inspector_dock):
            self.inspector.show_epoch(rec, params.goal, learner=params.learner, params=params)

    def inspect_shown(self) -> None:
        """The chain-rule tab came to the front: it shows the epoch on screen."""
        w, result = self.window, self.state.result
        if result is not None and result.epochs_run and w.epoch_shown > 0:     # epoch 0 made no update
            p = result.params_at(w.epoch_shown)
            self.inspector.show_epoch(result.epoch(w.epoch_shown), p.goal, learner=p.learner, params=p)
        elif self.state.run_state != "idle" and w.record_shown is not None and w.record_shown.delta is not None:
            p = w.aimed_shown
            self.inspector.show_epoch(w.record_shown, p.goal, learner=p.learner, params=p)
        elif self.state.run_state == "idle":
            w.show_next_update()

    def finished(self, result) -> None:
        if self.landscape_dock.built:
            self.landscape_dock.view.set_history(result.angles)

    def _result_changed(self, result) -> None:
        if result is not None and self.compare_dock.built:
            self.compare_dock.view.set_last_result(result)

    def apply_theme(self, theme) -> None:
        for view in self.built_views():
            view.apply_theme(theme)
        if self.examples_dock.built:
            self.examples_dock.view.apply_theme(theme)
