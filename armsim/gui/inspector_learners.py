"""The chain-rule inspector's words for the learners beyond the post's: each one's own update, with its numbers.

This module owns how the inspector writes out an update of momentum, Adam,
damped least squares, CCD and FABRIK (:mod:`armsim.core.rules`) and what its
table calls the change. The gradient above those lines is the inspector's own;
these lines say what each learner made of it, so a student can check the step
by hand to the digits shown. The inspector's number format (:func:`num`, :func:`term`) lives here too,
so both write numbers alike.
"""
from __future__ import annotations

import math

import numpy as np

from armsim.core.learners import setup
from armsim.core.params import Params
from armsim.core.rules import ADAM_B1, ADAM_B2, ADAM_EPS, lm_parts

SHOWN = 6       # joints written out (the table has them all)


def num(x: float) -> str:
    """How the inspector prints a number: 6 significant digits, enough to check a step by hand."""
    return f"{x:.6g}"


def term(x: float) -> str:
    """A number after an operator: a negative one in brackets (``+ (-0.14)``, not ``+ -0.14``)."""
    return num(x) if x >= 0 else f"({num(x)})"


def change_title(learner: str, p: str) -> str:
    """The table's title for the change column."""
    return {"gradient": f"change\n-eta dE/d{p}_i (rad)",
            "hotcold": "change\n±eta or 0 (rad)",
            "momentum": f"change v_i\n= β v_i − eta dE/d{p}_i",
            "adam": "change\n−eta m̂_i/(√ŝ_i + ε)",
            "lm": "change\neta (Jᵀ(JJᵀ+λI)⁻¹ r)_i",
            "ccd": "change\n(CCD's turn, rad)",
            "fabrik": "change\n(FABRIK's turn, rad)"}.get(learner, "change (rad)")


def _after(rec, i: int, p: str, limits) -> str:
    line = f" = {num(rec.before[i] + rec.delta[i])}"
    if limits and limits[i]:
        line += f", clipped at its limit of {limits[i]}°"
    return line + f": {p}{i + 1} = {num(rec.angles[i])} ({num(math.degrees(rec.angles[i]))}°)"


def learner_lines(rec, params: Params, p: str, limits) -> list[str]:
    """The update of ``rec`` as ``params.learner`` made it, one line per step (plain text, not escaped)."""
    learner, n = params.learner, len(rec.angles)
    shown = range(min(n, SHOWN))
    clip = ", then clipped into its limits" if params.limited else ""
    if learner == "momentum":
        beta = params.momentum
        lines = [f"momentum: v_i ← β v_i − eta dE/d{p}_i, {p}_i ← {p}_i + v_i (β = {beta:g}; v starts at 0){clip}"]
        for i in shown:
            v = rec.state[0][i]
            v_before = (v + rec.eta * rec.dE_dw[i]) / beta if beta else 0.0   # undone for the reader, 6 digits
            lines.append(f"v{i + 1} = {beta:g} × {term(v_before)} − {num(rec.eta)} × {term(rec.dE_dw[i])} = {num(v)};"
                         f" {num(rec.before[i])} + {term(v)}" + _after(rec, i, p, limits))
    elif learner == "adam":
        t = rec.index
        c1, c2 = 1.0 - ADAM_B1 ** t, 1.0 - ADAM_B2 ** t
        lines = [f"Adam, epoch t = {t}: m_i ← {ADAM_B1:g} m_i + {1 - ADAM_B1:.1g} g_i, s_i ← {ADAM_B2:g} s_i + "
                 f"{1 - ADAM_B2:.1g} g_i², m̂ = m/(1 − {ADAM_B1:g}^t) = m/{num(c1)}, ŝ = s/(1 − {ADAM_B2:g}^t) = "
                 f"s/{num(c2)}; change = −eta m̂/(√ŝ + {ADAM_EPS:g}){clip}"]
        for i in shown:
            m, s = rec.state[0][i], rec.state[1][i]
            mh, sh = m / c1, s / c2
            lines.append(f"{p}{i + 1}: g = {num(rec.dE_dw[i])}, m = {num(m)}, s = {num(s)}, m̂ = {num(mh)}, "
                         f"ŝ = {num(sh)}; −{num(rec.eta)} × {term(mh)}/(√{num(sh)} + ε) = {num(rec.delta[i])};"
                         f" {num(rec.before[i])} + {term(rec.delta[i])}" + _after(rec, i, p, limits))
    elif learner == "lm":
        s = setup(params)
        J, A, r, x = lm_parts(np.asarray(rec.before), s.task, params.damping)
        rows = ["dx_n", "dy_n"] if J.shape[0] == 2 else ["dY_n"]
        lines = [f"damped least squares: change = eta Jᵀ (J Jᵀ + λI)⁻¹ r, λ = {params.damping:g}{clip}"]
        for name, row in zip(rows, J):
            lines.append(f"J row {name}/d{p}: [" + ", ".join(num(v) for v in row[:SHOWN]) +
                         (", …]" if n > SHOWN else "]"))
        lines.append("J Jᵀ + λI = [" + "; ".join(", ".join(num(v) for v in row) for row in A) + "]")
        lines.append("r = (" + ", ".join(num(v) for v in r) + ")" + ("  (X − x_n, Y − y_n)" if len(r) == 2
                                                                       else "  (target − Y_n)"))
        lines.append("(J Jᵀ + λI)⁻¹ r = (" + ", ".join(num(v) for v in x) + ")")
        for i in shown:
            terms = " + ".join(f"{term(J[k][i])} × {term(x[k])}" for k in range(len(x)))
            lines.append(f"{p}{i + 1}: {num(rec.eta)} × ({terms}) = {num(rec.delta[i])}; "
                         f"{num(rec.before[i])} + {term(rec.delta[i])}" + _after(rec, i, p, limits))
    else:
        how = ("CCD: each joint in turn, tip to base, turned to its angle of least error with the others held"
               if learner == "ccd" else
               "FABRIK: the tip put on the target and each joint pulled toward the one after (backward), then "
               "the base put back and each joint pulled toward the one before (forward), at the links' lengths")
        lines = [how + "; the gradient above is for comparison (these learners do not use it)"]
        for i in shown:
            lines.append(f"{p}{i + 1}: {num(rec.before[i])} + {term(rec.delta[i])}" + _after(rec, i, p, limits))
    if n > SHOWN:
        lines.append(f"… and {n - SHOWN} more joints in the table")
    return lines
