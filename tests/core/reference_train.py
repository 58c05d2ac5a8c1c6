"""Learning from examples written out in plain Python (no numpy, no armsim): the tests' independent reference.

Models: offset Y(x) = x + sum L_i sin w_i; input theta_i = a_i x + b_i (a from 0, b from the start angles).
Losses: squared mean 0.5 (y - Y)^2; logistic p = 1 / (1 + e^-Y), mean -(y ln p + (1 - y) ln(1 - p)).
Full batch: p <- p - eta * mean gradient.
"""
import math


def predict(model, lengths, params, x):
    n = len(lengths)
    total = x
    for i in range(n):
        angle = params[i] if model == "offset" else params[i] * x + params[n + i]
        total += lengths[i] * math.sin(angle)
    return total


def loss(loss_name, model, lengths, params, xs, ys):
    total = 0.0
    for x, y in zip(xs, ys):
        Y = predict(model, lengths, params, x)
        if loss_name == "squared":
            total += 0.5 * (y - Y) ** 2
        else:
            p = 1.0 / (1.0 + math.exp(-Y))
            total += -(y * math.log(p) + (1 - y) * math.log(1 - p))
    return total / len(xs)


def gradient(loss_name, model, lengths, params, xs, ys):
    n, K = len(lengths), len(xs)
    g = [0.0] * len(params)
    for x, y in zip(xs, ys):
        Y = predict(model, lengths, params, x)
        if loss_name == "squared":
            dE_dY = (Y - y) / K
        else:
            dE_dY = (1.0 / (1.0 + math.exp(-Y)) - y) / K
        for i in range(n):
            if model == "offset":
                g[i] += dE_dY * lengths[i] * math.cos(params[i])
            else:
                c = lengths[i] * math.cos(params[i] * x + params[n + i])
                g[i] += dE_dY * c * x
                g[n + i] += dE_dY * c
    return g


def run(loss_name, model, angles_deg, lengths, eta, epochs, xs, ys, learner="gradient", beta=0.9):
    """The training loss before the first update and after each: ``epochs + 1`` values; and the last params.

    ``learner``: gradient (p -= eta g), momentum (v = beta v - eta g; p += v) or adam (b1 0.9, b2 0.999,
    eps 1e-8, bias-corrected, t from 1).
    """
    w = [math.radians(a) for a in angles_deg]
    params = w if model == "offset" else [0.0] * len(w) + w
    v = [0.0] * len(params)
    m, s = [0.0] * len(params), [0.0] * len(params)
    losses = [loss(loss_name, model, lengths, params, xs, ys)]
    for t in range(1, epochs + 1):
        g = gradient(loss_name, model, lengths, params, xs, ys)
        if learner == "gradient":
            params = [p - eta * d for p, d in zip(params, g)]
        elif learner == "momentum":
            v = [beta * vi - eta * d for vi, d in zip(v, g)]
            params = [p + vi for p, vi in zip(params, v)]
        else:
            m = [0.9 * mi + 0.1 * d for mi, d in zip(m, g)]
            s = [0.999 * si + 0.001 * d * d for si, d in zip(s, g)]
            params = [p - eta * (mi / (1 - 0.9 ** t)) / (math.sqrt(si / (1 - 0.999 ** t)) + 1e-8)
                      for p, mi, si in zip(params, m, s)]
        losses.append(loss(loss_name, model, lengths, params, xs, ys))
    return losses, params
