"""The window's actions, toolbar and menus in one object: what exists, its shortcut and its tooltip.

:class:`Actions` creates every QAction of a
:class:`~armsim.gui.main_window.MainWindow` and keeps them as its own
attributes (``run``, ``step``, ``log``, ``presentation``, ...); nothing is
written onto the window. Each action calls a command of the window or of the
file actions (:mod:`armsim.gui.files`).

Single-key shortcuts (Space, Right, S, P, R, L, F, +, =, -) belong to the window, not to
whatever has focus: a focused input (an entry, a slider, a check box, a list)
keeps the keys it uses itself, and the run keys work everywhere else.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QToolBar,
    QWidget,
)

from armsim.core.lessons import PRESETS
from armsim.gui import exports, files, help_window, presentation, tour_panel

SHORTCUTS = ("Space: run / pause / resume\nRight or S: step one epoch\nLeft / Right: replay one epoch after a run\n"
             "R: reset\nP: pause / resume\n"
             "L: log-scale error\nF: frame the arm again\nF11: presentation mode (Esc leaves)\n"
             f"+ (or =) / -: eta up / down one step ({', '.join(presentation.ETA_STEPS)} in each decade)\n"
             "Ctrl+O / Ctrl+S: open / save a scenario\n"
             "Ctrl+Q: quit")
#: The window's shortcuts that are plain keys: a focused input may want them for itself.
PLAIN_KEYS = {Qt.Key_Space, Qt.Key_Left, Qt.Key_Right, Qt.Key_S, Qt.Key_P, Qt.Key_R, Qt.Key_L, Qt.Key_F,
              Qt.Key_Plus, Qt.Key_Equal, Qt.Key_Minus, Qt.Key_D, Qt.Key_PageDown, Qt.Key_PageUp}
#: Modifiers a plain key may come with: the keypad's, and Shift (+ is Shift and = on many keyboards).
PLAIN_MODIFIERS = Qt.ShiftModifier | Qt.KeypadModifier
ARROWS = {Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down}
#: Plain keys only a field one types into keeps: the eta keys (a list chooses by letter, not by + or -)
#: and the guided tour's clicker keys (a clicker must still turn the page after a list was used).
TYPED_KEYS = {Qt.Key_Plus, Qt.Key_Equal, Qt.Key_Minus, Qt.Key_PageDown, Qt.Key_PageUp}
TEXT_FIELDS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)


def _uses_key(widget: QWidget | None, key: int) -> bool:
    """True when the focused ``widget`` would use the plain ``key`` itself."""
    if key not in PLAIN_KEYS:
        return False
    if isinstance(widget, TEXT_FIELDS):
        return True                                 # typing
    if key in TYPED_KEYS:
        return False
    if isinstance(widget, (QComboBox, QAbstractItemView)):
        return True                                 # choosing from a list by letter or arrow
    if isinstance(widget, QAbstractSlider):
        return key in ARROWS
    if isinstance(widget, QAbstractButton):        # buttons and check boxes: Space presses them
        return key == Qt.Key_Space
    return False


class _FocusKeys(QObject):
    """Lets a focused input keep a plain key that is also a window shortcut (Qt's ShortcutOverride)."""

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.ShortcutOverride and event.modifiers() | PLAIN_MODIFIERS == PLAIN_MODIFIERS \
                and _uses_key(obj, event.key()):
            event.accept()          # the key goes to the widget, not to the shortcut
        return False


class Actions:
    """Every action of ``window``, its run toolbar and its menu bar."""

    def __init__(self, window):
        self.window = w = window

        def action(text, keys, tip, slot, checkable=False):
            a = QAction(text, w, checkable=checkable)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setToolTip(f"{tip} ({' or '.join(keys)})" if keys else tip)
            (a.toggled if checkable else a.triggered).connect(slot)
            w.addAction(a)
            return a

        self.run = action("Run", [], "run from the start pose (or resume a paused run)", w.run_or_resume)
        self.toggle = action("Run / pause / resume", ["Space"], "run, pause or resume", w.run_or_pause)
        self.pause = action("Pause", ["P"], "pause or resume the run", w.pause_or_resume)
        self.step = action("Step", ["Right", "S"], "exactly one epoch (after a run: replay the next one)",
                           lambda: w.replay.step())       # the replay moves on, or steps the run (see Replay.step)
        self.reset = action("Reset", ["R"], "stop and go back to the start pose", w.reset)
        self.log = action("Log-scale error", ["L"], "show the error on a logarithmic axis", w.error_plot.set_log,
                          checkable=True)
        self.residual = action("Signed residual", ["D"], "plot target - end point under the error curve: an "
                               "overshooting run flips its sign every epoch", w.overshoot.set_shown, checkable=True)
        self.presentation = action("Presentation mode", ["F11"],
                                   "full screen, large text, thick lines, only the arm and the curve",
                                   w.set_presentation, checkable=True)
        # Presentation mode's eta keys (its banner shows eta large); they work outside it too.
        self.eta_up = action("Raise eta", ["+", "="], "eta up one step (ten a decade: 1, 1.25, 1.6, 2, ...)",
                             lambda: presentation.nudge_eta(w, up=True))
        self.eta_down = action("Lower eta", ["-"], "eta down one step (ten a decade: ..., 5, 6.3, 8, 10)",
                               lambda: presentation.nudge_eta(w, up=False))
        self.frame = action("Frame the arm", ["F"], "frame the arm and the target again (after zooming with the wheel)",
                            w.arm_view.reframe)
        self.colour_safe = action("Colour-blind-safe colours", [], "orange dashed start, blue solid final",
                                  lambda _on: w.apply_theme(), checkable=True)
        self._focus_keys = _FocusKeys(w)          # on the application while the window shows
        self.hold_keys()

        bar = QToolBar("Run")
        bar.setObjectName("runbar")
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for a in (self.run, self.pause, self.step, self.reset, self.log):
            bar.addAction(a)
        w.addToolBar(Qt.TopToolBarArea, bar)
        self.toolbar = bar

        menu = w.menuBar()
        file_menu = menu.addMenu("&File")
        self.menus = {"File": file_menu}
        self.open = file_menu.addAction("Open scenario…", QKeySequence.Open, lambda: files.open_scenario(w))
        self.recent = file_menu.addMenu("Open recent")
        self.recent.aboutToShow.connect(lambda: files.fill_recent_menu(w, self.recent))
        self.save = file_menu.addAction("Save scenario as…", QKeySequence.Save, lambda: files.save_scenario(w))
        export_menu = self.menus["Export"] = file_menu.addMenu("Export")
        self.exports = {label: export_menu.addAction(label, lambda lab=label: exports.export(w, lab))
                        for label in exports.EXPORTS}
        file_menu.addSeparator()
        self.quit = file_menu.addAction("Quit")
        self.quit.setShortcut(QKeySequence("Ctrl+Q"))       # QKeySequence.Quit is empty on some desktops
        self.quit.triggered.connect(w.close)
        for a in (self.open, self.save, self.quit):
            w.addAction(a)                             # their keys work with the menu bar hidden too
        run_menu = self.menus["Run"] = menu.addMenu("&Run")
        for a in (self.run, self.pause, self.toggle, self.step, self.reset):
            run_menu.addAction(a)
        edit_menu = self.menus["Edit"] = menu.addMenu("&Edit")
        self.undo = edit_menu.addAction("Undo setup change", QKeySequence("Ctrl+Z"), w.state.undo)
        self.redo = edit_menu.addAction("Redo setup change", QKeySequence("Ctrl+Shift+Z"), w.state.redo)
        # the platforms disagree on redo (QKeySequence.Redo is Ctrl+Y on some, empty offscreen): both
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addSeparator()
        self.defaults = edit_menu.addAction("Reset to the defaults (the post's setup)", w.state.reset_to_defaults)
        for a in (self.undo, self.redo):
            w.addAction(a)                             # Ctrl+Z works in presentation mode too
        w.state.historyChanged.connect(self._history)
        self._history(False, False)
        lessons_menu = self.menus["Lessons"] = menu.addMenu("&Lessons")
        self.lessons = []
        group = None
        for preset in PRESETS:
            if preset.group != group:
                group = preset.group
                lessons_menu.addSection(group)
            a = lessons_menu.addAction(preset.name)
            a.setToolTip(preset.description)
            a.triggered.connect(lambda _checked=False, p=preset: w.load_preset(p))
            self.lessons.append(a)
        lessons_menu.addSeparator()
        self.tour = lessons_menu.addAction("Guided tour", lambda: tour_panel.open_built_in(w))
        self.tour.setToolTip("the post, step by step (Page Down / Page Up: next / back)")
        self.open_lesson = lessons_menu.addAction("Open lesson file…", lambda: tour_panel.open_lesson_file(w))
        lessons_menu.setToolTipsVisible(True)
        view_menu = self.menus["View"] = menu.addMenu("&View")
        for a in (self.presentation, self.colour_safe, self.log, self.residual, self.frame, w.dock.toggleViewAction(),
                  *(d.toggleViewAction() for d in w.docks.docks)):
            view_menu.addAction(a)
        help_menu = self.menus["Help"] = menu.addMenu("&Help")
        self.glossary = help_menu.addAction("Glossary", QKeySequence.HelpContents, w.show_glossary)
        self.shortcuts = help_menu.addAction(
            "Keyboard shortcuts", lambda: QMessageBox.information(w, "Keyboard shortcuts", SHORTCUTS))
        help_menu.addSeparator()
        self.about = help_menu.addAction("About armsim", lambda: help_window.show_about(w))
        w.addAction(self.glossary)
        self.update_enabled()

    def hold_keys(self) -> None:
        """Put the focus-keys filter on the application (again: Qt keeps one copy of a filter)."""
        QApplication.instance().installEventFilter(self._focus_keys)

    def release_keys(self) -> None:
        """Take the focus-keys filter off the application (the window closes; it may live on until collected)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._focus_keys)

    def _history(self, can_undo: bool, can_redo: bool) -> None:
        self.undo.setEnabled(can_undo)
        self.redo.setEnabled(can_redo)

    def update_enabled(self) -> None:
        """Enable and name the run actions for the run's state."""
        state = self.window.state.run_state
        self.pause.setText("Resume" if state == "paused" else "Pause")
        self.pause.setEnabled(state != "idle")
        self.run.setEnabled(state != "running")
