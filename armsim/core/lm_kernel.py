"""Damped least squares (``lm``) for one arm on Python floats: the kernel behind a fast ``solve()``.

For one arm with a few links numpy's per-call overhead is nearly all of an
epoch's cost (about 100 us for three links, against a few us of arithmetic), and
an IK solver is judged by its time per target. :func:`lm_kernel` is
:func:`~armsim.core.rules.lm_step` followed by the end point and the error, on
plain Python floats and unrolled over the links, for an arm without joint limits.
It takes every sum and product in the order the numpy rule does, so its angles
equal the numpy path's bit for bit (the tests check every epoch); a run's
records are rebuilt by the numpy rule from the angles it stores.

Where ``J J^T + lambda I`` is singular (``lambda = 0`` at a pose that cannot move
the end point in some direction) the numpy rule takes the pseudo-inverse; the
kernel then hands the run back to it (it returns before that epoch).
"""
from __future__ import annotations

import sys
from functools import lru_cache
from math import cos, isfinite, sin
from typing import Callable


@lru_cache(maxsize=None)
def lm_kernel(n: int, unit: bool, reach: bool, relative: bool) -> Callable:
    """The ``lm`` rule for one arm of ``n`` links on Python floats.

    Parameters
    ----------
    n : int
        Number of links.
    unit : bool
        All links of length 1 (the multiplications by 1.0 are skipped, as numpy's rule skips them).
    reach : bool
        The reach task (the end point's x and y) rather than the lateral one (y alone).
    relative : bool
        The parameters are relative joint angles ``q`` (``theta_i = q_1 + ... + q_i``).

    Returns
    -------
    callable
        ``kernel(w, x, y, e, rises, k, eta, angles, errors, stop, consts) -> (w, x, y, e, rises, singular)``
        applies up to ``k`` epochs to the parameters ``w`` (a list, radians) whose end
        point is ``(x, y)`` (``x`` ignored by the lateral task) and error ``e``; ``rises``
        counts the epochs in a row the error rose. Each epoch's parameters are appended
        to the flat list ``angles`` and its error to ``errors``. ``consts`` is ``(base,
        X, Y, damping, tol, floor, floor_gap, start_error, rises_limit[, L1, ..., Ln])``
        (``X`` unused by the lateral task, ``Y`` its target height). After an epoch that
        might end the run the kernel calls ``stop(deltas, e, rises)``, the caller's
        rules, and returns at once if it answers True. ``singular`` is True when it
        returned before an epoch whose system it cannot solve (see the module docstring).
    """
    r = range(1, n + 1)
    ws, ts = ", ".join(f"w{i}" for i in r), ", ".join(f"t{i}" for i in r)
    lengths = "" if unit else ", " + ", ".join(f"L{i}" for i in r)

    def scaled(f: str, i: int) -> str:           # L_i f(theta_i), as kinematics' lengths * f(theta)
        return f"{f}(h{i})" if unit else f"L{i} * {f}(h{i})"

    # theta from the parameters, as np.cumsum: left to right (a statement per link, at an indent).
    def thetas(pad: str) -> list[str]:
        if not relative:
            return [f"{pad}h{i} = w{i}" for i in r]
        return [f"{pad}h1 = w1", *(f"{pad}h{i} = h{i - 1} + w{i}" for i in range(2, n + 1))]

    # J's rows: dy_n/dp = L cos theta, dx_n/dp = -L sin theta; relative joints sum them from the tip back.
    rows = [f"        c{i} = {scaled('cos', i)}" for i in r]
    if reach:
        rows += [f"        s{i} = -({scaled('sin', i)})" for i in r]
    if relative:
        for v in ("c", "s") if reach else ("c",):
            rows += [f"        {v}{i} = {v}{i + 1} + {v}{i}" for i in range(n - 1, 0, -1)]

    def dot(u: str, v: str) -> str:              # sum of u_i v_i, left to right (lm_parts' order)
        return " + ".join(f"{u}{i} * {v}{i}" for i in r) if n > 1 else f"{u}1 * {v}1"

    if reach:
        solve = [
            f"        a = ({dot('s', 's')}) + damping",
            f"        b = {dot('s', 'c')}",
            f"        d = ({dot('c', 'c')}) + damping",
            "        det = a * d - b * b",
            "        if det == 0.0:",             # numpy would make inf or NaN of it; Python floats raise
            "            return [" + ws + "], x, y, e, rises, True",
            "        rx, ry = X - x, Y - y",
            "        x0 = (d * rx - b * ry) / det",
            "        x1 = (a * ry - b * rx) / det",
            "        if not (isfinite(x0) and isfinite(x1)):",
            "            return [" + ws + "], x, y, e, rises, True",
            *(f"        t{i} = eta * (s{i} * x0 + c{i} * x1)" for i in r),
        ]
    else:
        solve = [
            f"        a = ({dot('c', 'c')}) + damping",
            "        if a == 0.0:",
            "            return [" + ws + "], x, y, e, rises, True",
            "        x1 = (Y - y) / a",
            "        if not isfinite(x1):",
            "            return [" + ws + "], x, y, e, rises, True",
            *(f"        t{i} = eta * (c{i} * x1)" for i in r),
        ]
    # The end point summed from the base, as kinematics.chain: one statement per link.
    def chain(v: str, start: str, f: str) -> list[str]:
        return [f"        {v} = {start} + {scaled(f, 1)}", *(f"        {v} = {v} + {scaled(f, i)}" for i in r[1:])]

    pose = chain("y", "base", "sin") + (chain("x", "0.0", "cos") if reach else [])
    if reach:
        err = ["        gx, gy = X - x, Y - y", "        f = 0.5 * (gx * gx + gy * gy)"]
    else:
        err = ["        gy = Y - y", "        f = 0.5 * (gy * gy)"]
    src = "\n".join([
        "def kernel(w, x, y, e, rises, k, eta, angles, errors, stop, consts):",
        f"    {ws}, = w",
        f"    base, X, Y, damping, tol, floor, floor_gap, start_error, rises_limit{lengths} = consts",
        "    sin, cos, isfinite, big = SIN, COS, ISFINITE, BIG",
        "    put, note = angles.extend, errors.append",
        *thetas("    "),
        "    for _ in range(k):",
        *rows, *solve,
        *(f"        w{i} = w{i} + t{i}" for i in r),
        *thetas("        "), *pose, *err,
        "        rises = rises + 1 if f > e else 0",
        "        e = f",
        f"        put(({ws},))",
        "        note(e)",
        # Every epoch a rule could end passes (the step's size is tested by stop itself).
        "        if (e < tol or e - floor <= floor_gap or (rises >= rises_limit and e > start_error)",
        "                or not " + " + ".join(f"abs(t{i})" for i in r) + " <= big):",
        f"            if stop(({ts},), e, rises):",
        "                break",
        f"    return [{ws}], x, y, e, rises, False",
    ])
    namespace = {"SIN": sin, "COS": cos, "ISFINITE": isfinite, "BIG": sys.float_info.max}
    exec(compile(src, f"<lm kernel n={n}{' unit' if unit else ''}{' reach' if reach else ''}"
                      f"{' relative' if relative else ''}>", "exec"), namespace)
    return namespace["kernel"]
