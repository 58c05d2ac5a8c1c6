"""Direct manipulation on the arm canvas: the target and the start pose under the mouse.

This module owns what the mouse does to the setup on the arm canvas: a click
on empty canvas places the target there (the height of the line for the post's
task, the point for the reach task); dragging the target line or point moves
it; while no run plays, dragging a joint of the red start pose turns the link
before it so that the joint follows the mouse, as a teach pendant does (for
relative joints the rest of the arm turns with it; a joint with limits stops
at them). Every change is written through the app state (``state.update``),
so the controls, meter and inspector follow as for a typed value.

While a run plays or is paused, the target moves the same way and the run
follows it (the state's ``aimChanged``, "follow" mode); while the mouse holds
it the run does not end for reaching it (``runner.hold``), so a teacher can
make the arm chase the mouse. The canvas keeps its framing during a drag; a
left drag edits and never pans, the wheel zooms, and View > Frame the arm (F)
frames it again.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, Qt

from armsim.core.params import ParamError
from armsim.gui.throttle import Throttle
from armsim.render.arm_plot import pose_points

GRAB_PX = 14            # a press this close (pixels) to a joint or the target picks it up
DRAG_MS = 30            # a drag updates the setup at most this often (as a dragged slider does)


class CanvasEdit(QObject):
    """Mouse presses, drags and releases on ``window.arm_view``'s viewport, turned into setup changes."""

    def __init__(self, window):
        super().__init__(window)            # parented to the window, not the viewport (PySide6's GC)
        self.window = window
        self.view = window.arm_view
        self.grabbed: tuple | None = None    # ("joint", k) or ("target",) while a drag lasts
        self.update = Throttle(self._apply, DRAG_MS, self)
        self._drag_in_run = False           # the drag began while a run played or was paused
        self._ended_under_hand = False      # that run ended before the release: swallow the rest
        window.state.runStateChanged.connect(self._run_state_changed)
        self.view.viewport().installEventFilter(self)

    # -- where things are -----------------------------------------------------------------
    def _to_data(self, pos) -> tuple[float, float]:
        point = self.view.getPlotItem().vb.mapSceneToView(self.view.mapToScene(pos.toPoint()))
        return point.x(), point.y()

    def _dragged_to(self, pos) -> tuple[float, float]:
        """Where a drag puts what it holds: under the mouse, kept inside the view (a release over
        another panel must not throw the target far off the canvas)."""
        x, y = self._to_data(pos)
        (x0, x1), (y0, y1) = self.view.getPlotItem().vb.viewRange()
        return min(max(x, x0), x1), min(max(y, y0), y1)

    def _to_pixels(self, x: float, y: float) -> QPointF:
        scene = self.view.getPlotItem().vb.mapViewToScene(QPointF(x, y))
        return QPointF(self.view.mapFromScene(scene))

    def _pick(self, pos) -> tuple | None:
        """What a press at ``pos`` grabs: the nearest start-pose joint, else the target, within GRAB_PX."""
        p = self.window.state.params
        x, y = pose_points(np.radians(p.angles_deg), p)
        near = []
        for k in range(1, len(x)):
            d = self._to_pixels(x[k], y[k]) - pos
            near.append((math.hypot(d.x(), d.y()), ("joint", k - 1)))
        if p.reach is not None:
            d = self._to_pixels(*p.reach) - pos
            near.append((math.hypot(d.x(), d.y()), ("target",)))
        else:
            d = self._to_pixels(0.0, p.goal).y() - pos.y()
            near.append((abs(d), ("target",)))
        distance, what = min(near, key=lambda t: t[0])
        return what if distance <= GRAB_PX else None

    # -- the setup they give ----------------------------------------------------------------
    def changes_for(self, what: tuple, x: float, y: float) -> dict:
        """The setup fields that put ``what`` (a joint or the target) at the data point ``(x, y)``."""
        p = self.window.state.params
        if what[0] == "target":
            return {"reach": (x, y)} if p.reach is not None else {"target": y}
        k = what[1]
        px, py = pose_points(np.radians(p.angles_deg), p)
        theta = math.atan2(y - py[k], x - px[k])                    # the link's direction toward the mouse
        angles = list(p.angles_deg)
        before = float(np.sum(np.radians(angles[:k]))) if p.relative else 0.0
        a = math.degrees(theta - before)
        a = angles[k] + (a - angles[k] + 180.0) % 360.0 - 180.0     # the turn nearest the angle it had
        low = p.min_angles_deg[k] if p.min_angles_deg else None
        high = p.max_angles_deg[k] if p.max_angles_deg else None
        a = max(a, low) if low is not None else a
        a = min(a, high) if high is not None else a
        angles[k] = round(a, 6)             # a mouse is not finer than a micro-degree; the entries stay short
        return {"angles_deg": tuple(angles)}

    def _apply(self, what: tuple, x: float, y: float) -> None:
        try:
            self.window.state.update(**self.changes_for(what, x, y))
        except ParamError as e:             # e.g. a point the window cannot frame: said, nothing changed
            self.window.say(f"<b>Not moved</b>: {e}.")

    # -- events ----------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind not in (QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.MouseButtonRelease):
            return False
        runner = self.window.runner
        if self._ended_under_hand and kind != QEvent.MouseButtonPress:
            # the run ended during a drag: the rest of that drag does nothing
            if kind == QEvent.MouseButtonRelease or not event.buttons() & Qt.LeftButton:
                self._ended_under_hand = False
            return True
        self._ended_under_hand = False
        if kind == QEvent.MouseButtonPress and event.button() == Qt.LeftButton:
            running = self.window.state.run_state != "idle"
            self.grabbed = self._pick(event.position())
            if running and self.grabbed and self.grabbed[0] == "joint":
                self.grabbed = None             # a run's start pose is its history: it stays
                return True
            self.view.frame_held = True
            if self.grabbed is None:                                    # empty canvas: the target goes there
                self._apply(("target",), *self._to_data(event.position()))
                self.view.frame_held = False
            elif running:
                runner.hold(True)
            self._drag_in_run = running
            return True
        if self.grabbed is None:
            return False
        if kind == QEvent.MouseMove and event.buttons() & Qt.LeftButton:
            self.update(self.grabbed, *self._dragged_to(event.position()))
            return True
        if kind == QEvent.MouseButtonRelease and event.button() == Qt.LeftButton or kind == QEvent.MouseMove:
            # a left release, or a move with the button up (another grab took the release): the drag ends
            self.update.cancel()
            self._apply(self.grabbed, *self._dragged_to(event.position()))     # the last position always lands
            self._end_drag()
            return True
        return True             # another button during a left drag: swallowed, it neither ends it nor pans

    def _end_drag(self) -> None:
        self.grabbed = None
        self.view.frame_held = False
        self.window.runner.hold(False)

    def _run_state_changed(self, state: str) -> None:
        """A run that ends while the mouse holds its target ends the drag: the rest of it would edit the setup
        (and reset away the result just shown)."""
        if state == "idle" and self.grabbed is not None and self._drag_in_run:
            self.update.cancel()
            self._end_drag()
            self._ended_under_hand = True
