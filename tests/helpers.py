"""Helpers the tests share: driving the window as a user would, reading what its plots draw, scenario files."""
import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt

#: The post's printed lateral positions of the start and final poses (seed 000), to the last digit.
POST_START = (0.374606593415912, 0.0325864500902433, 0.274508345689911)
POST_FINAL = (0.2852955778665301, -0.14244640527322044, 0.0029191436234602963)


def run_cli(capsys, *args):
    """``armsim ARGS`` in this process: (exit status, stdout, stderr)."""
    from armsim.cli import main
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def click(qtbot, window, action):
    """Click ``action``'s button on the run toolbar."""
    qtbot.mouseClick(window.actions.toolbar.widgetForAction(action), Qt.LeftButton)


def finished(result) -> bool:
    """A resultChanged argument that is a result (the state also emits None when a run is cleared)."""
    return result is not None


def run_to_end(qtbot, window, timeout=10_000):
    """Click Run and wait for the run's result."""
    with qtbot.waitSignal(window.state.resultChanged, timeout=timeout, check_params_cb=finished) as blocker:
        click(qtbot, window, window.actions.run)
    return blocker.args[0]


def type_into(qtbot, entry, text: str):
    """Select what ``entry`` shows, type ``text`` key by key and press Enter, as a user would."""
    entry.setFocus()
    entry.selectAll()
    for ch in text:
        if ch.isascii():
            qtbot.keyClick(entry, ch)
        else:                         # QTest types ASCII only; other characters arrive as an input method's
            entry.insert(ch)
    qtbot.keyClick(entry, Qt.Key_Return)


def curve(item):
    """A plot item's data as two float arrays (empty when it draws nothing)."""
    x, y = item.getData()
    return np.asarray([] if x is None else x, float), np.asarray([] if y is None else y, float)


def empty(item):
    """True when a plot item draws nothing (setData([], []) leaves its data None)."""
    return len(curve(item)[1]) == 0


def show_alone(qtbot, widget, width: int, height: int):
    """Show ``widget`` as a window of its own at this size, once it is exposed (closed after the test)."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    with qtbot.waitExposed(widget):         # a context manager: a plain call returns at once
        widget.show()
    return widget


def shown_setup(panel):
    """The setup the control panel displays, read back from the text of its widgets.

    Every invariant of "the controls show the state" compares this with ``state.params``.
    """
    from armsim.core.params import Params
    from armsim.gui.controls import model_limits
    from armsim.gui.entries import parse_number
    rows = panel.rows
    optional = lambda text: parse_number(text) if text.strip() else None      # noqa: E731 (an empty box: free)
    point = panel.task.currentData() == "reach"
    return Params(angles_deg=tuple(parse_number(r.angle.text()) for r in rows),
                  reach=(parse_number(panel.reach_x.text()), parse_number(panel.reach_y.text())) if point else None,
                  relative=panel.relative.isChecked(),
                  min_angles_deg=model_limits([optional(r.low.text()) for r in rows], "min"),
                  max_angles_deg=model_limits([optional(r.high.text()) for r in rows], "max"),
                  lengths=tuple(parse_number(r.length.text()) for r in rows),
                  base=parse_number(panel.base.text()),
                  target=None if point or panel.target_is_base.isChecked() else parse_number(panel.target.text()),
                  eta=parse_number(panel.eta_entry.text()), epochs=parse_number(panel.epochs.text(), integer=True),
                  tol=parse_number(panel.tol.text()), learner=panel.learner.currentData())


def marker_point(view):
    """Where the landscape's green marker is, in degrees on the map, or None when it is hidden."""
    m = view.current_marker
    return (m.pos().x(), m.pos().y()) if m.isVisibleTo(view.plot.getPlotItem()) else None


def pick_joints(qtbot, view, i: int, j: int):
    """Choose joints ``i`` and ``j`` (0-based) in the landscape's two boxes with the arrow keys.

    A box moved onto the other's joint swaps them, so a few rounds may be needed, as for a user.
    """
    for _ in range(3):
        for combo, k in ((view.combo_i, i), (view.combo_j, j)):
            for _ in range(combo.count()):
                if combo.currentIndex() == k:
                    break
                qtbot.keyClick(combo, Qt.Key_Down if combo.currentIndex() < k else Qt.Key_Up)
        if view.joints == (i, j):
            return
    raise AssertionError(f"the boxes show joints {view.joints}, not {(i, j)}")


# --------------------------------------------------------------------------- the arm canvas
def pixel(view, x, y) -> QPoint:
    return view.mapFromScene(view.getPlotItem().vb.mapViewToScene(QPointF(x, y)))


def data(view, point: QPoint) -> tuple[float, float]:
    p = view.getPlotItem().vb.mapSceneToView(view.mapToScene(point))
    return p.x(), p.y()


# --------------------------------------------------------------------------- scenario files
#: The post's setup as a scenario file, for tests to edit (good) and write.
GOOD = """\
format = "armsim-scenario"
version = 1

[params]
angles_deg = [22.0, -20.0, 14.0]
base = 0.0
eta = 0.075
epochs = 20
tol = 0.0
learner = "gradient"
"""


def good(**replace: str) -> str:
    """GOOD with some `key = value` lines replaced (value None drops the line) or appended."""
    lines = GOOD.splitlines()
    for key, value in replace.items():
        hits = [i for i, line in enumerate(lines) if line.split(" = ")[0] == key]
        if hits and value is None:
            del lines[hits[0]]
        elif hits:
            lines[hits[0]] = f"{key} = {value}"
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def write(tmp_path, content, name="s.toml"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# --------------------------------------------------------------------------- the chain-rule inspector
def table(panel):
    model = panel.table.model()          # what the view shows, read through Qt's model interface
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def titles(panel):
    return [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]


def column(panel, title):
    return [row[titles(panel).index(title)] for row in table(panel)]


def lines(panel):
    return panel.worked.text().replace("&amp;", "&").split("<br>")


def line(panel, start):
    found = [text for text in lines(panel) if text.startswith(start)]
    assert len(found) == 1, (start, lines(panel))
    return found[0]


def press_in_menu(qtbot, window, title, text):
    """Open the menu ``title`` and choose the item ``text`` with the keyboard (Down... Return)."""
    menu = window.actions.menus[title]
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    target = next(a for a in menu.actions() if a.text() == text)
    assert target.isEnabled(), text
    while menu.activeAction() is not target:
        qtbot.keyClick(menu, Qt.Key_Down)
    qtbot.keyClick(menu, Qt.Key_Return)


def focused(qtbot, window):
    """``window`` active with the focus on its canvas (which uses no key itself), so window keys reach it."""
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=3000)
    window.arm_view.setFocus()
    return window
