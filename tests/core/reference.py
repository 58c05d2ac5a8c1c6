"""An independent implementation of the seed post's program, generalised only as the post suggests
(any number of links, link lengths, a target other than the base). Plain Python floats and math."""
from math import cos, radians, sin


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


def update_weights(Y0, target, ws, Ls, eta):
    Yn = calculate_pose(Y0, ws, Ls)[-1]
    dE_dYn = -(target - Yn)
    return [w - eta * (dE_dYn * (L * cos(w))) for w, L in zip(ws, Ls)]


def run(angles_deg, Ls, Y0, target, eta, epochs):
    """Poses and errors after 0..epochs updates, as lists."""
    ws = [radians(a) for a in angles_deg]
    poses = [ws]
    for _ in range(epochs):
        ws = update_weights(Y0, target, ws, Ls, eta)
        poses.append(ws)
    errors = [0.5 * (target - calculate_pose(Y0, p, Ls)[-1]) ** 2 for p in poses]
    return poses, errors
