"""The window's actions, toolbar and menus, in one place: what exists, its shortcut and its tooltip.

:func:`build_menus` creates them on a :class:`~armsim.gui.main_window.MainWindow`
and stores the actions the window uses later as its attributes (``run_action``,
``step_action``, ``log_action``, ``presentation_action``, ...).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QToolBar

from armsim.core.lessons import PRESETS
from armsim.gui import files

SHORTCUTS = ("Space: run / pause / resume\nRight or S: step one epoch\nR: reset\nP: pause / resume\n"
             "L: log-scale error\nF11: presentation mode (Esc leaves)\nCtrl+O / Ctrl+S: open / save a scenario\n"
             "Ctrl+Q: quit")


def build_menus(window) -> None:
    """Create the actions, the run toolbar and the menu bar of ``window``."""
    def action(text, keys, tip, slot):
        a = QAction(text, window)
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setToolTip(f"{tip} ({' or '.join(keys)})")
        a.triggered.connect(slot)
        window.addAction(a)
        return a

    window.run_action = action("Run", [], "run from the start pose (or resume a paused run)", window.run_or_resume)
    window.toggle_action = action("Run / pause / resume", ["Space"], "run, pause or resume", window.run_or_pause)
    window.pause_action = action("Pause", ["P"], "pause or resume the run", window.pause_or_resume)
    window.step_action = action("Step", ["Right", "S"], "exactly one epoch", window.step)
    window.reset_action = action("Reset", ["R"], "stop and go back to the start pose", window.reset)
    window.log_action = QAction("Log-scale error", window, checkable=True)
    window.log_action.setShortcut(QKeySequence("L"))
    window.log_action.setToolTip("show the error on a logarithmic axis (L)")
    window.log_action.toggled.connect(window.error_plot.set_log)
    bar = QToolBar("Run")
    bar.setObjectName("runbar")
    bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
    for a in (window.run_action, window.pause_action, window.step_action, window.reset_action, window.log_action):
        bar.addAction(a)
    window.addToolBar(Qt.TopToolBarArea, bar)
    window.toolbar = bar
    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction("Open scenario…", QKeySequence.Open, lambda: files.open_scenario(window))
    recent = file_menu.addMenu("Open recent")
    recent.aboutToShow.connect(lambda: files.fill_recent_menu(window, recent))
    file_menu.addAction("Save scenario as…", QKeySequence.Save, lambda: files.save_scenario(window))
    export_menu = file_menu.addMenu("Export")
    for label in files.EXPORTS:
        export_menu.addAction(label, lambda lab=label: files.export(window, lab))
    file_menu.addSeparator()
    quit_action = file_menu.addAction("Quit")
    quit_action.setShortcut(QKeySequence.Quit)
    quit_action.triggered.connect(window.close)
    run_menu = menu.addMenu("&Run")
    for a in (window.run_action, window.pause_action, window.toggle_action, window.step_action, window.reset_action):
        run_menu.addAction(a)
    lessons_menu = menu.addMenu("&Lessons")
    for preset in PRESETS:
        a = lessons_menu.addAction(preset.name)
        a.setToolTip(preset.description)
        a.triggered.connect(lambda _checked=False, p=preset: window.load_preset(p))
    lessons_menu.setToolTipsVisible(True)
    view_menu = menu.addMenu("&View")
    window.presentation_action = QAction("Presentation mode", window, checkable=True)
    window.presentation_action.setShortcut(QKeySequence("F11"))
    window.presentation_action.setToolTip("full screen, large text, thick lines, only the arm and the curve (F11)")
    window.presentation_action.toggled.connect(window.set_presentation)
    window.addAction(window.presentation_action)
    window.colour_safe_action = QAction("Colour-blind-safe colours", window, checkable=True)
    window.colour_safe_action.toggled.connect(lambda _on: window._apply_theme())
    view_menu.addAction(window.presentation_action)
    view_menu.addAction(window.colour_safe_action)
    view_menu.addAction(window.log_action)
    view_menu.addAction(window.dock.toggleViewAction())
    for dock in (window.inspector_dock, window.compare_dock, window.landscape_dock):
        view_menu.addAction(dock.toggleViewAction())
    help_menu = menu.addMenu("&Help")
    help_menu.addAction("Keyboard shortcuts", lambda: QMessageBox.information(window, "Keyboard shortcuts", SHORTCUTS))

