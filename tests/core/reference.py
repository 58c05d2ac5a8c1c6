"""An independent implementation of the seed post's program, generalised only as the post suggests
(any number of links, link lengths, a target other than the base), plus the run's end rules as
the README states them. Plain Python floats and math, no armsim code.

The arithmetic is the post's, operation for operation, so results can be compared bit for bit:
sums left to right from the base, the delta rule ``w - eta * (dE_dYn * (L * cos(w)))``. The one
change is the error, ``0.5 * (gap * gap)`` where the post writes ``.5*(Y0-Y3)**2``: ``**`` on
floats calls C's pow(), which need not round exactly as a product does.
"""
from math import cos, fsum, pi, radians, sin


def calculate_pose(Y0, ws, Ls):
    ys, y = [], Y0
    for w, L in zip(ws, Ls):
        y = y + L * sin(w)
        ys.append(y)
    return ys


def calculate_x(ws, Ls):
    xs, x = [], 0.0
    for w, L in zip(ws, Ls):
        x = x + L * cos(w)
        xs.append(x)
    return xs


def error(Y0, target, ws, Ls):
    gap = target - calculate_pose(Y0, ws, Ls)[-1]
    return 0.5 * (gap * gap)


def turns(Y0, target, ws, Ls, eta):
    """How far the delta rule turns each joint: ``eta * dE/dw``."""
    Yn = calculate_pose(Y0, ws, Ls)[-1]
    dE_dYn = -(target - Yn)
    return [eta * (dE_dYn * (L * cos(w))) for w, L in zip(ws, Ls)]


def update_weights(Y0, target, ws, Ls, eta):
    return [w - t for w, t in zip(ws, turns(Y0, target, ws, Ls, eta))]


def run(angles_deg, Ls, Y0, target, eta, epochs, tol=0.0):
    """Poses and errors after 0, 1, ... updates, as lists, and how the run ended.

    Ends (the README's rules) when an epoch turns a joint by more than 180 degrees, when the error rose
    in each of the last 5 epochs and is above the start error (both "diverged"), when the target
    is out of reach and the error is within a relative 1e-9 of the stretched arm's
    ("unreachable"), when the error is below ``tol`` ("converged"), or after ``epochs`` updates
    ("max_epochs", or "unreachable" if out of reach).
    """
    ws = [radians(a) for a in angles_deg]
    poses, errors = [ws], [error(Y0, target, ws, Ls)]
    gap = abs(target - Y0) - fsum(Ls)
    least = 0.5 * gap * gap if gap > 0 else None
    rises, turn = 0, 0.0
    while True:
        e = errors[-1]
        if turn > pi:
            return poses, errors, "diverged"
        if rises >= 5 and e > errors[0]:
            return poses, errors, "diverged"
        if least is not None and e - least <= 1e-9 * least:
            return poses, errors, "unreachable"
        if e < tol:
            return poses, errors, "converged"
        if len(poses) > epochs:
            return poses, errors, "max_epochs" if least is None else "unreachable"
        step = turns(Y0, target, ws, Ls, eta)
        turn = max(abs(t) for t in step)
        ws = [w - t for w, t in zip(ws, step)]
        poses.append(ws)
        errors.append(error(Y0, target, ws, Ls))
        rises = rises + 1 if errors[-1] > e else 0
