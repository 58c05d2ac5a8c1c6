"""The chain-rule inspector follows the 2-D model: the reach task, relative joints and joint limits.

Every number the table and the worked update show is checked against the plain formulas computed here
(not the core's code), to the 6 significant digits the inspector prints.
"""
import math
import re

import numpy as np
import pytest

from armsim import Params, iter_epochs, solve
from armsim.gui.inspector import InspectorPanel, num
from tests.helpers import column, line, table, titles

LENGTHS = (1.0, 0.7, 1.3)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?")


def numbers(text, after="="):
    """The numbers written on a line after its first ``after`` (the name before it holds digits: dE/dq_2)."""
    return [float(v) for v in NUMBER.findall(text.split(after, 1)[1])]


def same(shown, expected):
    """Shown numbers (text or floats) equal the expected values to the 6 significant digits printed."""
    shown = [float(v) for v in shown]
    assert shown == pytest.approx(list(expected), rel=1e-5, abs=1e-12)


def plain(p: Params, q_deg):
    """The update from ``q_deg`` (degrees, the learner's parameters), by the formulas on paper."""
    L = np.array(p.lengths)
    q = np.radians(q_deg)
    theta = np.cumsum(q) if p.relative else q
    x_n = float(np.sum(L * np.cos(theta)))
    y_n = p.base + float(np.sum(L * np.sin(theta)))
    if p.reach is None:
        dE_dx, dE_dy = 0.0, -(p.goal - y_n)
    else:
        dE_dx, dE_dy = -(p.reach[0] - x_n), -(p.reach[1] - y_n)
    dx_dtheta, dy_dtheta = -L * np.sin(theta), L * np.cos(theta)
    dE_dtheta = dE_dx * dx_dtheta + dE_dy * dy_dtheta
    dE_dq = np.array([dE_dtheta[j:].sum() for j in range(len(q))]) if p.relative else dE_dtheta
    moved = q - p.eta * dE_dq
    lo = np.radians(p.min_angles_deg) if p.min_angles_deg is not None else np.full(len(q), -np.inf)
    hi = np.radians(p.max_angles_deg) if p.max_angles_deg is not None else np.full(len(q), np.inf)
    return dict(x_n=x_n, y_n=y_n, dE_dx=dE_dx, dE_dy=dE_dy, dx=dx_dtheta, dy=dy_dtheta, dE_dtheta=dE_dtheta,
                dE_dq=dE_dq, delta=-p.eta * dE_dq, before=np.degrees(q), after=np.degrees(np.clip(moved, lo, hi)),
                clipped=(moved < lo) | (moved > hi))


@pytest.fixture
def panel(qtbot):
    widget = InspectorPanel()
    qtbot.addWidget(widget)
    widget.resize(1400, 400)
    widget.show()
    return widget


def check_titles_fit(panel):
    """Every column is at least as wide as each line of its title."""
    header = panel.table.horizontalHeader()
    for c, title in enumerate(titles(panel)):
        widest = max(header.fontMetrics().horizontalAdvance(part) for part in title.split("\n"))
        assert panel.table.columnWidth(c) >= widest, title


def test_reach_shows_both_residuals_and_each_joints_x_and_y_terms(panel):
    p = Params(angles_deg=(22, -20, 14), lengths=LENGTHS, reach=(1.2, 0.9), eta=0.1)
    rec = list(iter_epochs(p))[1]
    ref = plain(p, p.angles_deg)
    panel.show_epoch(rec, p.goal, params=p)
    names = titles(panel)
    assert names == ["joint", "theta_i before\n(°)", "dx_n/dtheta_i\n= −L_i sin theta_i",
                     "dy_n/dtheta_i\n= L_i cos theta_i", "dE/dtheta_i\n= x term + y term",
                     "change\n-eta dE/dtheta_i (rad)", "theta_i after\n(°)"]
    check_titles_fit(panel)
    columns = list(zip(*table(panel)))
    assert columns[0] == ("1", "2", "3")
    for shown, expected in zip(columns[1:], ("before", "dx", "dy", "dE_dtheta", "delta", "after")):
        same(shown, ref[expected])
    same(numbers(line(panel, "dE/dx_n = −(X − x_n)")), [1.2, ref["x_n"], ref["dE_dx"]])
    same(numbers(line(panel, "dE/dy_n = −(Y − y_n)")), [0.9, ref["y_n"], ref["dE_dy"]])
    for i in range(3):          # dE/dtheta_i = dE/dx_n × dx_n/dtheta_i + dE/dy_n × dy_n/dtheta_i = ...
        same(numbers(line(panel, f"dE/dtheta_{i + 1} = ")),
             [ref["dE_dx"], ref["dx"][i], ref["dE_dy"], ref["dy"][i], ref["dE_dtheta"][i]])
        same(numbers(line(panel, f"theta{i + 1}: "), ":")[:-1], [math.radians(ref["before"][i]), p.eta,
                                                            ref["dE_dtheta"][i], math.radians(ref["after"][i])])
    assert "Y_n = " not in panel.worked.text() and "target = " not in panel.worked.text()


def test_relative_joints_show_the_sum_over_the_later_joints(panel):
    p = Params(angles_deg=(22, -20, 14), lengths=LENGTHS, base=0.1, target=0.4, relative=True, eta=0.2)
    rec = list(iter_epochs(p))[1]
    ref = plain(p, p.angles_deg)
    panel.show_epoch(rec, p.goal, params=p)
    assert "dE/dq_i\n= Σ_(k≥i) dE/dtheta_k" in titles(panel) and "q_i after\n(°)" in titles(panel)
    check_titles_fit(panel)
    same(column(panel, "dY_n/dtheta_i\n= L_i cos theta_i"), ref["dy"])
    same(column(panel, "dE/dtheta_i\n= dE/dY_n dY_n/dtheta_i"), ref["dE_dtheta"])
    same(column(panel, "dE/dq_i\n= Σ_(k≥i) dE/dtheta_k"), ref["dE_dq"])
    same(column(panel, "change\n-eta dE/dq_i (rad)"), ref["delta"])
    same(column(panel, "q_i after\n(°)"), ref["after"])
    # joint 2 of 3: "dE/dq_2 = dE/dtheta_2 + dE/dtheta_3 = a + b = c"
    text = line(panel, "dE/dq_2 = ")
    assert text.startswith("dE/dq_2 = dE/dtheta_2 + dE/dtheta_3 = ")
    shown = numbers(text.split(" = ", 1)[1])
    same(shown, [ref["dE_dtheta"][1], ref["dE_dtheta"][2], ref["dE_dq"][1]])
    assert shown[0] + shown[1] == pytest.approx(shown[2], rel=1e-5)      # the sum checks by hand
    assert line(panel, "dE/dq_1 = ").startswith("dE/dq_1 = dE/dtheta_1 + dE/dtheta_2 + dE/dtheta_3 = ")
    assert line(panel, "dE/dq_3 = ").startswith("dE/dq_3 = dE/dtheta_3 = ")       # the last joint's own term
    same(numbers(line(panel, "dE/dq_3 = ").split(" = ", 1)[1]), [ref["dE_dq"][2]])


@pytest.mark.parametrize("given", [True, False], ids=["params given", "read off the record"])
def test_reach_with_relative_joints_later_in_a_run(panel, given):
    p = Params(angles_deg=(22, -20, 14), lengths=LENGTHS, reach=(1.2, 0.9), relative=True, eta=0.1)
    result = solve(p)
    rec = result.epoch(3)
    ref = plain(p, np.degrees(result.angles[2]))
    panel.show_epoch(rec, p.goal, params=p if given else None)
    assert titles(panel)[1:5] == ["q_i before\n(°)", "dx_n/dtheta_i\n= −L_i sin theta_i",
                                  "dy_n/dtheta_i\n= L_i cos theta_i", "dE/dtheta_i\n= x term + y term"]
    check_titles_fit(panel)
    same(column(panel, "dx_n/dtheta_i\n= −L_i sin theta_i"), ref["dx"])
    same(column(panel, "dy_n/dtheta_i\n= L_i cos theta_i"), ref["dy"])
    same(column(panel, "dE/dtheta_i\n= x term + y term"), ref["dE_dtheta"])
    same(column(panel, "dE/dq_i\n= Σ_(k≥i) dE/dtheta_k"), ref["dE_dq"])
    same(column(panel, "q_i after\n(°)"), ref["after"])
    same(numbers(line(panel, "dE/dtheta_2 = ")), [ref["dE_dx"], ref["dx"][1], ref["dE_dy"], ref["dy"][1],
                                                   ref["dE_dtheta"][1]])
    same(numbers(line(panel, "dE/dq_2 = ").split(" = ", 1)[1]), [*ref["dE_dtheta"][1:], ref["dE_dq"][1]])
    same(numbers(line(panel, "q1: "), ":")[:-1], [math.radians(ref["before"][0]), p.eta, ref["dE_dq"][0],
                                             math.radians(ref["after"][0])])
    if given:
        same(numbers(line(panel, "dE/dx_n = ")), [1.2, ref["x_n"], ref["dE_dx"]])
    else:
        same(numbers(line(panel, "dE/dx_n = ")), [ref["dE_dx"]])


def test_a_clipped_step_says_so_on_its_joints_row(panel):
    p = Params(angles_deg=(88, -20, 14), lengths=LENGTHS, target=2.5, eta=0.5, max_angles_deg=(89, 90, 90))
    rec = list(iter_epochs(p))[1]
    ref = plain(p, p.angles_deg)
    assert ref["clipped"].tolist() == [True, False, False]          # the setup binds joint 1 only
    panel.show_epoch(rec, p.goal, params=p)
    assert titles(panel)[:7] == ["joint", "w_i before\n(°)", "dY_n/dw_i\n= L_i cos w_i", "dE/dY_n", "dE/dw_i",
                                 "change\n-eta dE/dw_i (rad)", "w_i after\n(°)"]
    check_titles_fit(panel)
    assert column(panel, "joint limit") == ["clipped at its limit of 89°", "", ""]
    same(column(panel, "change\n-eta dE/dw_i (rad)"), ref["delta"])         # the learner's step, unclipped
    same(column(panel, "w_i after\n(°)"), ref["after"])
    assert float(column(panel, "w_i after\n(°)")[0]) == 89
    first = line(panel, "w1: ")
    assert "clipped at its limit of 89°" in first and "clipped" not in line(panel, "w2: ")
    moved = math.radians(88) + ref["delta"][0]
    same(numbers(first.replace("clipped at its limit of 89°", ""), ":"),
         [math.radians(88), p.eta, ref["dE_dy"], ref["dy"][0], moved, math.radians(89), 89])
    # the limit column is as wide as its note
    c = titles(panel).index("joint limit")
    assert panel.table.columnWidth(c) >= panel.table.fontMetrics().horizontalAdvance("clipped at its limit of 89°")


def test_a_clipped_relative_joint_at_its_minimum(panel):
    p = Params(angles_deg=(22, -20, 14), lengths=LENGTHS, reach=(1.2, -0.9), relative=True, eta=0.1,
               min_angles_deg=(-90, -90, 10))
    rec = list(iter_epochs(p))[1]
    ref = plain(p, p.angles_deg)
    assert ref["clipped"].tolist() == [False, False, True]
    panel.show_epoch(rec, p.goal, params=p)
    assert column(panel, "joint limit") == ["", "", "clipped at its limit of 10°"]
    same(column(panel, "q_i after\n(°)"), ref["after"])
    assert "clipped at its limit of 10°" in line(panel, "q3: ")


def test_the_window_shows_a_reach_with_relative_joints(qtbot, make_window):
    p = Params(angles_deg=(22, -20, 14), lengths=LENGTHS, reach=(1.2, 0.9), relative=True, eta=0.1)
    window = make_window(p)
    ref = plain(p, p.angles_deg)
    inspector = window.docks.inspector
    assert "Next update" in inspector.title.text()
    same(column(inspector, "dE/dq_i\n= Σ_(k≥i) dE/dtheta_k"), ref["dE_dq"])
    same(column(inspector, "dE/dtheta_i\n= x term + y term"), ref["dE_dtheta"])
    assert line(inspector, "dE/dq_2 = ").startswith("dE/dq_2 = dE/dtheta_2 + dE/dtheta_3 = ")


def test_the_posts_task_keeps_the_posts_columns(panel):
    p = Params(lengths=LENGTHS, target=0.4)
    rec = list(iter_epochs(p))[1]
    reach = Params(lengths=LENGTHS, reach=(1.2, 0.9))
    panel.show_epoch(list(iter_epochs(reach))[1], reach.goal, params=reach)
    panel.show_epoch(rec, p.goal, params=p)          # back from a reach: the post's titles again
    assert titles(panel) == ["joint", "w_i before\n(°)", "dY_n/dw_i\n= L_i cos w_i", "dE/dY_n", "dE/dw_i",
                             "change\n-eta dE/dw_i (rad)", "w_i after\n(°)"]
    ref = plain(p, p.angles_deg)
    same(column(panel, "dE/dw_i"), ref["dE_dtheta"])
    assert line(panel, "dE/dY_n = ").endswith(f"= {num(rec.dE_dY)}")
