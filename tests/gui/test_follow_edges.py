"""Follow mode's edges: replays, runs that end under the hand, moves that arrive late, other buttons, lost
releases, unticking "same as base" during a run, and what the other views make of a followed run."""
import threading
import time

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from armsim import Params, Run
from armsim.gui.jobs import THREAD_PREFIX
from tests.helpers import finished, pixel

REACH = Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.1, epochs=60)


def target_drawn(window):
    tx, ty = window.arm_view.target_point.getData()
    return (float(tx[0]), float(ty[0])) if len(tx) else window.arm_view.target_line.value()


def followed_paused_run(qtbot, window):
    """Paused at epoch 20, the target moved at epoch 10."""
    window.runner.start(paused=True)
    qtbot.waitUntil(lambda: window.state.run_state == "paused")
    for _ in range(10):
        window.runner.step()
    qtbot.waitUntil(lambda: window.record_shown is not None and window.record_shown.index == 10)
    window.state.update(reach=(-1.2, 0.8))
    for _ in range(10):
        window.runner.step()
    qtbot.waitUntil(lambda: window.record_shown.index == 20)


def send(port, kind, button, buttons, point):
    pos = QPointF(point)
    QApplication.sendEvent(port, QMouseEvent(kind, pos, port.mapToGlobal(pos), button, buttons, Qt.NoModifier))


def holding_the_target(qtbot, make_window, size=None):
    """A long reach run playing, the mouse pressed on its target: ``(window, arm view, its viewport)``."""
    window = make_window(REACH.with_(epochs=100_000, tol=1e-6), speed=200)
    if size is not None:
        window.resize(*size)
    view, port = window.arm_view, window.arm_view.viewport()
    qtbot.wait(100)
    window.actions.run.trigger()
    qtbot.waitUntil(lambda: window.state.run_state == "running")
    qtbot.mousePress(port, Qt.LeftButton, pos=pixel(view, 1.5, 1.2))
    return window, view, port


def test_a_replayed_epochs_target_gives_way_to_the_setups_when_the_run_goes_on(qtbot, make_window):
    window = make_window(REACH.with_(epochs=100_000, tol=0.0), speed=100)
    followed_paused_run(qtbot, window)
    window.replay.show_epoch(5)
    assert target_drawn(window) == (1.5, 1.2)                # epoch 5 aimed at the first target
    window.runner.resume()
    qtbot.waitUntil(lambda: window.state.run_state == "running")
    assert target_drawn(window) == window.state.params.reach == (-1.2, 0.8)
    window.runner.stop()


def test_a_new_run_after_a_replay_draws_the_setups_target(qtbot, make_window):
    window = make_window(REACH.with_(epochs=40), speed=float("inf"))
    followed_paused_run(qtbot, window)
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished):
        window.runner.resume()
    window.replay.show_epoch(3)
    window.actions.run.trigger()
    qtbot.waitUntil(lambda: window.state.run_state == "idle" and window.state.result is not None)
    assert target_drawn(window) == window.state.params.reach == (-1.2, 0.8)


def test_a_run_that_ends_under_the_hand_keeps_its_result(qtbot, make_window):
    window = make_window(REACH.with_(epochs=300, tol=0.0), speed=1000)
    view, port = window.arm_view, window.arm_view.viewport()
    qtbot.wait(100)
    window.actions.run.trigger()
    qtbot.waitUntil(lambda: window.state.run_state == "running")
    qtbot.mousePress(port, Qt.LeftButton, pos=pixel(view, 1.5, 1.2))
    k = 0
    while window.state.run_state == "running":
        k += 1
        qtbot.mouseMove(port, pixel(view, 1.5 - 0.01 * k, 1.2))
        qtbot.wait(30)
    result, setup = window.state.result, window.state.params
    assert result is not None and result.status == "max_epochs"
    qtbot.mouseMove(port, pixel(view, 1.0, 1.0))              # the hand goes on a little, then lets go
    qtbot.wait(100)
    qtbot.mouseRelease(port, Qt.LeftButton, pos=pixel(view, 1.0, 1.0))
    assert window.state.result is result and window.state.params == setup
    assert window.error_plot.count == result.epochs_run + 1


def test_a_move_that_arrives_after_the_workers_last_epoch_is_taken_back(qtbot, make_window):
    window = make_window(REACH.with_(epochs=200, tol=1e-8), speed=float("inf"))
    window.actions.run.trigger()
    deadline = time.monotonic() + 10              # the worker ends; the window has not heard yet
    while any(t.name.startswith(THREAD_PREFIX) and t.is_alive() for t in threading.enumerate()):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert window.state.run_state == "running"
    window.state.update(reach=(-1.0, 1.0))
    qtbot.waitUntil(lambda: window.state.result is not None)
    r = window.state.result
    assert r.params_at(-1).reach == window.state.params.reach == target_drawn(window) == (1.5, 1.2)


def test_the_landscape_follows_a_followed_runs_final_target(qtbot, make_window):
    window = make_window(REACH.with_(epochs=40), speed=float("inf"))
    view = window.landscape_view
    followed_paused_run(qtbot, window)
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000, check_params_cb=finished):
        window.runner.resume()
    assert view.params.reach == window.state.params.reach == (-1.2, 0.8)


def test_a_move_with_the_button_up_ends_the_drag_a_lost_release_left(qtbot, make_window):
    window, view, port = holding_the_target(qtbot, make_window)
    assert window.runner._control.holding
    send(port, QEvent.MouseMove, Qt.NoButton, Qt.NoButton, pixel(view, 0.5, 0.5))
    assert window.canvas_edit.grabbed is None and not window.runner._control.holding
    moved = window.state.params.reach
    send(port, QEvent.MouseMove, Qt.NoButton, Qt.NoButton, pixel(view, 0.9, 0.1))
    assert window.state.params.reach == moved                   # a buttonless mouse drags nothing
    window.runner.stop()


def test_a_right_click_during_a_left_drag_neither_ends_it_nor_pans(qtbot, make_window):
    window, view, port = holding_the_target(qtbot, make_window, size=(1400, 900))
    p1 = pixel(view, 1.4, 1.2)
    send(port, QEvent.MouseButtonPress, Qt.RightButton, Qt.LeftButton | Qt.RightButton, p1)
    send(port, QEvent.MouseButtonRelease, Qt.RightButton, Qt.LeftButton, p1)
    assert window.canvas_edit.grabbed == ("target",) and window.runner._control.holding
    framed = view.getPlotItem().vb.viewRange()
    for k in range(1, 6):
        send(port, QEvent.MouseMove, Qt.NoButton, Qt.LeftButton, pixel(view, 1.4 - 0.1 * k, 1.2 + 0.1 * k))
        qtbot.wait(40)
    assert view.getPlotItem().vb.viewRange() == framed
    assert window.state.params.reach[0] < 1.0                   # the target went on with the left drag
    send(port, QEvent.MouseButtonRelease, Qt.LeftButton, Qt.NoButton, pixel(view, 0.9, 1.7))
    window.runner.stop()


def test_a_release_beyond_the_canvas_keeps_the_target_on_it(qtbot, make_window):
    window, view, port = holding_the_target(qtbot, make_window)
    far = port.rect().bottomRight() * 3                       # over another panel
    send(port, QEvent.MouseMove, Qt.NoButton, Qt.LeftButton, far)
    send(port, QEvent.MouseButtonRelease, Qt.LeftButton, Qt.NoButton, far)
    (x0, x1), (y0, y1) = view.getPlotItem().vb.viewRange()
    x, y = window.state.params.reach
    assert x0 <= x <= x1 and y0 <= y <= y1
    window.runner.stop()


def test_unticking_same_as_base_during_a_run_keeps_the_run(qtbot, make_window):
    window = make_window(Params(epochs=100_000, eta=0.001), speed=100)
    window.actions.run.trigger()
    qtbot.waitUntil(lambda: window.state.run_state == "running")
    window.state.update(target=0.0)             # the height it aims at already (None is the base, 0)
    assert window.state.run_state == "running" and window.state.params.target == 0.0
    window.runner.stop()


def test_a_move_back_between_two_epochs_replays_as_the_run_went():
    """Two moves between epochs, the second back to the target before: the run restarted its divergence
    rule at the first; the recorded move makes a replay (forced) do the same, so both end alike (unforced,
    this copy diverged at epoch 5 while the run ran all its 300 epochs)."""
    p = Params(eta=0.8, epochs=300)
    run = Run(p)
    run.advance(3)
    run.retarget(0.8)
    run.retarget(p.aim)
    run.advance(400)
    assert run.moves == ((4, 0.0),)
    copy = Run(p)
    copy.advance(3)
    copy.retarget(0.0, force=True)
    copy.advance(400)
    assert (copy.status, copy.count) == (run.status, run.count) == ("max_epochs", 301)


def test_the_landscape_reads_a_joint_free_on_one_side(qtbot, make_window):
    window = make_window(Params(min_angles_deg=(-90.0, None, -45.0), max_angles_deg=(None, 120.0, None)))
    window.docks.landscape_dock.raise_()
    view = window.landscape_view
    qtbot.waitUntil(lambda: view.landscape is not None, timeout=20_000)
    view._hover(view.plot.getPlotItem().vb.mapViewToScene(QPointF(10.0, 20.0)))
    assert view.readout.text().startswith("w1 = 10")
