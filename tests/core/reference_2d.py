"""An independent implementation of the model's options: the reach task, relative joints and joint limits.

Written from the formulas of the model (the README and the core's docstrings), in plain Python
floats and loops; it calls no armsim code:

- absolute angles ``theta_i = q_1 + ... + q_i`` for relative joints, else ``theta = w``;
- ``x_i = x_{i-1} + L_i cos theta_i`` from 0 and ``y_i = y_{i-1} + L_i sin theta_i`` from ``Y0``;
- lateral ``E = 0.5 (T - y_n)^2``, ``dE/dtheta_i = -(T - y_n) L_i cos theta_i``;
- reach ``E = 0.5 ((X - x_n)^2 + (Y - y_n)^2)``,
  ``dE/dtheta_i = (X - x_n) L_i sin theta_i - (Y - y_n) L_i cos theta_i``;
- relative ``dE/dq_j = sum_{i >= j} dE/dtheta_i``, summed from the last joint back;
- gradient ``p <- clip(p - eta dE/dp, lo, hi)``; hot and cold probes ``p_i +- eta`` (no clip
  for a probe) and steps toward the smaller error, then the clip;
- momentum ``v <- beta v - eta g``, ``p <- clip(p + v)``; Adam with bias correction
  (b1 0.9, b2 0.999, eps 1e-8); damped least squares ``p <- clip(p + eta J^T (J J^T +
  lambda I)^-1 r)`` with the 1 x 1 or 2 x 2 inverse written out; the clip never touches a
  learner's state;
- the run's end rules as the README states them, with the limits' "held" rule.

Each product and sum is in the order the core documents (``L_i cos theta_i`` is one factor, the
chain rule's): a case where eta overshoots can be chaotic, and a last-bit difference in one
epoch then grows each epoch.
"""
import math
from math import cos, fsum, hypot, pi, radians, sin


def thetas(q, relative):
    if not relative:
        return list(q)
    out, acc = [], None
    for v in q:
        acc = v if acc is None else acc + v
        out.append(acc)
    return out


def joints(q, Ls, Y0, relative):
    xs, ys, x, y = [], [], 0.0, Y0
    for t, L in zip(thetas(q, relative), Ls):
        x = x + L * cos(t)
        y = y + L * sin(t)
        xs.append(x)
        ys.append(y)
    return xs, ys


def ref_error(q, Ls, Y0, aim, relative):
    """``aim`` is ``("lateral", T)`` or ``("reach", X, Y)``."""
    xs, ys = joints(q, Ls, Y0, relative)
    if aim[0] == "lateral":
        gap = aim[1] - ys[-1]
        return 0.5 * (gap * gap)
    gx, gy = aim[1] - xs[-1], aim[2] - ys[-1]
    return 0.5 * (gx * gx + gy * gy)


def ref_gradient(q, Ls, Y0, aim, relative):
    xs, ys = joints(q, Ls, Y0, relative)
    d = []
    for t, L in zip(thetas(q, relative), Ls):
        if aim[0] == "lateral":
            d.append(-(aim[1] - ys[-1]) * (L * cos(t)))
        else:
            d.append((aim[1] - xs[-1]) * (L * sin(t)) - (aim[2] - ys[-1]) * (L * cos(t)))
    if not relative:
        return d
    out, acc = [0.0] * len(d), None
    for j in range(len(d) - 1, -1, -1):
        acc = d[j] if acc is None else acc + d[j]
        out[j] = acc
    return out


def jacobian(q, Ls, relative):
    """Rows d(x_n)/dq and d(y_n)/dq (absolute: -L_i sin, L_i cos; relative: their sums over i >= j)."""
    th = thetas(q, relative)
    dx = [-(L * sin(t)) for t, L in zip(th, Ls)]
    dy = [L * cos(t) for t, L in zip(th, Ls)]
    if relative:                    # summed from the last joint back, as the gradient is
        dx, dy = back_sums(dx), back_sums(dy)
    return dx, dy


def back_sums(d):
    out, acc = [0.0] * len(d), None
    for j in range(len(d) - 1, -1, -1):
        acc = d[j] if acc is None else acc + d[j]
        out[j] = acc
    return out


def lm_change(q, Ls, Y0, aim, relative, eta, lam):
    """``eta J^T (J J^T + lambda I)^-1 r``, the inverse written out."""
    xs, ys = joints(q, Ls, Y0, relative)
    dx, dy = jacobian(q, Ls, relative)
    if aim[0] == "lateral":
        a = sum(v * v for v in dy) + lam
        x = (aim[1] - ys[-1]) / a
        return [eta * (v * x) for v in dy]
    a = sum(v * v for v in dx) + lam
    b = sum(u * v for u, v in zip(dx, dy))
    d = sum(v * v for v in dy) + lam
    rx, ry = aim[1] - xs[-1], aim[2] - ys[-1]
    det = a * d - b * b
    x1, x2 = (d * rx - b * ry) / det, (a * ry - b * rx) / det
    return [eta * (u * x1 + v * x2) for u, v in zip(dx, dy)]


def ref_run(angles_deg, Ls, Y0, aim, relative, lo_deg, hi_deg, learner, eta, epochs, tol, beta=0.9, lam=1e-3):
    """Poses, errors and the status of a run, by the README's rules."""
    n = len(angles_deg)
    lo = [-math.inf if v is None else radians(v) for v in (lo_deg or [None] * n)]     # None: a free side
    hi = [math.inf if v is None else radians(v) for v in (hi_deg or [None] * n)]
    limited = lo_deg is not None or hi_deg is not None
    q = [radians(a) for a in angles_deg]
    poses, errors = [q], [ref_error(q, Ls, Y0, aim, relative)]
    span = fsum(Ls)
    if aim[0] == "lateral":
        gap = abs(aim[1] - Y0) - span
    else:
        d = hypot(aim[1], aim[2] - Y0)
        gap = max(d - span, max(0.0, 2 * max(Ls) - span) - d)
    least = 0.5 * gap * gap if gap > 0 else None
    rises, turn, held = 0, 0.0, False
    v, m, s2, t = [0.0] * n, [0.0] * n, [0.0] * n, 0
    while True:
        e = errors[-1]
        # damped least squares may turn a joint more than half a turn: only a non-finite step diverges
        if not turn <= (math.inf if learner == "lm" else pi) or (rises >= 5 and e > errors[0]):
            return poses, errors, "diverged"
        if least is not None and e - least <= 1e-9 * least:
            return poses, errors, "unreachable"
        if e < tol:
            return poses, errors, "converged"
        if held:
            return poses, errors, "unreachable"
        if len(poses) > epochs:
            return poses, errors, "max_epochs" if least is None else "unreachable"
        t += 1
        if learner == "gradient":
            step = [-(eta * g) for g in ref_gradient(q, Ls, Y0, aim, relative)]
        elif learner == "momentum":
            v = [beta * vi - eta * g for vi, g in zip(v, ref_gradient(q, Ls, Y0, aim, relative))]
            step = list(v)
        elif learner == "adam":
            g = ref_gradient(q, Ls, Y0, aim, relative)
            m = [0.9 * mi + (1 - 0.9) * gi for mi, gi in zip(m, g)]
            s2 = [0.999 * si + (1 - 0.999) * (gi * gi) for si, gi in zip(s2, g)]
            step = [-(eta * (mi / (1 - 0.9 ** t)) / (math.sqrt(si / (1 - 0.999 ** t)) + 1e-8))
                    for mi, si in zip(m, s2)]
        elif learner == "lm":
            step = lm_change(q, Ls, Y0, aim, relative, eta, lam)
        else:
            step = []
            for i in range(n):
                up = ref_error([v + eta if k == i else v for k, v in enumerate(q)], Ls, Y0, aim, relative)
                down = ref_error([v - eta if k == i else v for k, v in enumerate(q)], Ls, Y0, aim, relative)
                step.append(-eta if down < up else eta if up < down else 0.0)
        turn = max(abs(s) for s in step)
        moved = [v + s for v, s in zip(q, step)]
        q = [min(max(v, a), b) for v, a, b in zip(moved, lo, hi)]
        poses.append(q)
        errors.append(ref_error(q, Ls, Y0, aim, relative))
        f = errors[-1]
        pushed = any(a - v > 1e-12 or v - b > 1e-12 for v, a, b in zip(moved, lo, hi))
        held = limited and f > 0 and abs(e - f) <= 1e-12 * e and pushed
        rises = rises + 1 if f > e else 0

def updates(angles_deg, Ls, Y0, aim, relative, eta, epochs, lo_deg=None, hi_deg=None):
    """Every pose (radians) and error of exactly ``epochs`` gradient updates, no end rule."""
    n = len(angles_deg)
    lo = [-math.inf if v is None else radians(v) for v in (lo_deg or [None] * n)]     # None: a free side
    hi = [math.inf if v is None else radians(v) for v in (hi_deg or [None] * n)]
    q = [radians(a) for a in angles_deg]
    poses, errors = [q], [ref_error(q, Ls, Y0, aim, relative)]
    for _ in range(epochs):
        g = ref_gradient(q, Ls, Y0, aim, relative)
        q = [min(max(v - eta * d, a), b) for v, d, a, b in zip(q, g, lo, hi)]
        poses.append(q)
        errors.append(ref_error(q, Ls, Y0, aim, relative))
    return poses, errors
