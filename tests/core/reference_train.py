"""Learning from examples written out in plain Python (no numpy, no armsim): the tests' independent reference.

Models: offset Y(x) = x + sum L_i sin w_i; input theta_i = a_i x + b_i (a from 0, b from the start angles).
Losses: squared mean 0.5 (y - Y)^2; logistic p = 1 / (1 + e^-Y), mean -(y ln p + (1 - y) ln(1 - p)).
Full batch: p <- p - eta * mean gradient. Softmax (C arms, one per class, each its own parameters):
p_c = e^(Y_c - max) / sum e^(Y_j - max), mean -ln p_label, dE/dY_c = (p_c - [c = label]) / K.
"""
import math


def softmax_run(model, angles_deg, lengths, eta, epochs, xs, labels, classes):
    """Softmax training, full batch: the loss before the first update and after each."""
    n = len(lengths)
    w = [math.radians(a) for a in angles_deg]
    arms = [list(w) if model == "offset" else [0.0] * n + list(w) for _ in range(classes)]

    def probabilities(x):
        scores = [predict(model, lengths, arm, x) for arm in arms]
        top = max(scores)
        e = [math.exp(s - top) for s in scores]
        total = sum(e)
        return [v / total for v in e]

    def mean_loss():
        return sum(-math.log(probabilities(x)[int(c)]) for x, c in zip(xs, labels)) / len(xs)

    losses = [mean_loss()]
    K = len(xs)
    for _ in range(epochs):
        grads = [[0.0] * len(arm) for arm in arms]
        for x, label in zip(xs, labels):
            p = probabilities(x)
            for c, arm in enumerate(arms):
                dE_dY = (p[c] - (1.0 if c == int(label) else 0.0)) / K
                for i in range(n):
                    if model == "offset":
                        grads[c][i] += dE_dY * lengths[i] * math.cos(arm[i])
                    else:
                        slope = lengths[i] * math.cos(arm[i] * x + arm[n + i])
                        grads[c][i] += dE_dY * slope * x
                        grads[c][n + i] += dE_dY * slope
        arms = [[v - eta * g for v, g in zip(arm, grad)] for arm, grad in zip(arms, grads)]
        losses.append(mean_loss())
    return losses, arms


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
            q = 1.0 / (1.0 + math.exp(Y))            # 1 - p, without the cancellation of 1 - p for large Y
            total += -(y * math.log(p) + (1 - y) * math.log(q))
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
