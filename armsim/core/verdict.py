"""The learning-rate meter: what a given eta will do near a given pose, in a sentence.

Near a pose, one epoch of the delta rule multiplies the residual ``goal - Y_n``
by about ``1 - eta * S`` with ``S = sum(L_i^2 cos^2 w_i)``
(:func:`armsim.core.kinematics.curvature`), and so the error by ``(1 - eta * S)**2``.
This module owns turning that number into a verdict a class can read, with a
colour for the window. It is a local, first-order statement about one pose: a
run can wander to poses where ``S`` differs (see :mod:`armsim.core.lessons`).

The model's options generalise ``S``: near a pose one epoch multiplies the
residual by about ``1 - eta * lambda`` along each eigenvector of ``J^T J``,
``J = d(end point)/d(parameters)`` (1 x n for the lateral task, 2 x n for the
reach task; relative joints change ``J`` by the chain rule, column ``j`` the
sum of the absolute angles' columns ``i >= j``). The verdict then judges
``lambda_max`` (:func:`stiffness_at`), the stiffest direction, and says
``lambda`` where it says ``S``; for the post's task ``lambda_max = S`` and the
verdict is the same float for float.

Verdict boundaries (compared as ``eta`` against ``1/S`` and ``2/S``, the
numbers the meter shows, so a verdict never contradicts its own sentence)
-----------------------------------------------------------------------------
==============  ==========================  ===============================
kind            eta                         residual factor r = 1 - eta*S
==============  ==========================  ===============================
``slow``        eta < SLOW_FRACTION / S     0.9 < r <= 1: less than 10% of
                (and any eta when S == 0)   the gap closed per epoch
``good``        SLOW_FRACTION/S <= eta      0 <= r <= 0.9: the end point
                <= 1/S                      approaches from one side
``oscillating`` 1/S < eta <= 2/S            -1 <= r < 0: it overshoots and
                                            flips side every epoch
``diverging``   eta > 2/S                   r < -1: each overshoot is larger
==============  ==========================  ===============================

At exactly ``2/S`` the residual keeps its size and flips sign forever: not
divergence, so it counts as oscillating.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from armsim.core.kinematics import Task, curvature, stiffness
from armsim.core.params import ParamError, Params

KINDS = ("slow", "good", "oscillating", "diverging")
#: ``eta * S`` below this is "slow": the residual shrinks by less than 10% per epoch.
SLOW_FRACTION = 0.1
#: Okabe-Ito colours (name, hex): told apart with any common colour-vision deficiency,
#: and orange and vermillion also differ in lightness. The sentence carries the verdict too.
COLOURS = {
    "slow": ("blue", "#0072B2"),
    "good": ("bluish green", "#009E73"),
    "oscillating": ("orange", "#E69F00"),
    "diverging": ("vermillion", "#D55E00"),
}


@dataclass(frozen=True)
class Verdict:
    """What ``eta`` does near one pose.

    Attributes
    ----------
    eta : float
        The learning rate judged.
    curvature : float
        ``S = sum(L_i^2 cos^2 w_i)`` at the pose; with the model's options
        ``lambda_max(J^T J)``.
    eta_ideal : float
        ``1/S``: to first order it lands on the target in one epoch (inf when S == 0).
    eta_crit : float
        ``2/S``: above it the residual grows every epoch (inf when S == 0).
    residual_factor : float
        ``1 - eta*S``, what one epoch multiplies ``goal - Y_n`` by.
    error_factor : float
        ``residual_factor**2``, what one epoch multiplies the error by.
    kind : str
        One of :data:`KINDS`.
    words : str
        One or two sentences for the class.
    """

    eta: float
    curvature: float
    eta_ideal: float
    eta_crit: float
    residual_factor: float
    error_factor: float
    kind: str
    words: str

    @property
    def colour(self) -> str:
        """Hex colour of this kind, e.g. ``"#009E73"``."""
        return COLOURS[self.kind][1]



def _digits(x: float, *refs: float) -> int:
    """Fewest significant digits (at least 3) that print ``x`` unlike each of ``refs``.

    Near a boundary, eta and 2/S agree in their first digits; the sentence must still
    show which side eta is on.
    """
    for p in range(3, 18):
        if all(f"{x:.{p}g}" != f"{r:.{p}g}" for r in refs if r != x):
            return p
    return 17


def _pct(fraction: float) -> str:
    v = 100.0 * fraction
    return f"{v:.0f}%" if v >= 9.95 else f"{v:.2g}%"


def stiffness_at(angles_rad, lengths=None, *, reach: bool = False, relative: bool = False) -> float:
    """``lambda_max(J^T J)`` at a pose, ``J = d(end point)/d(parameters)``; ``2 /`` it is ``eta_crit``.

    Parameters
    ----------
    angles_rad : array_like, shape (n,)
        The learner's parameters, radians (relative angles when ``relative``).
    lengths : array_like, shape (n,), optional
        Link lengths; ``None`` means unit links.
    reach : bool
        The reach task (J is 2 x n: ``x_n`` and ``y_n``), not the lateral one (1 x n: ``y_n``).
    relative : bool
        Relative joint angles.

    Returns
    -------
    float
        For the post's task exactly ``S = sum(L_i^2 cos^2 w_i)`` (:func:`~armsim.core.kinematics.curvature`).
    """
    w = np.asarray(angles_rad, dtype=float)
    L = None if lengths is None else np.asarray(lengths, dtype=float)
    if not reach and not relative:
        return float(curvature(w, L))
    return float(stiffness(Task(L, 0.0, 0.0, 0.0 if reach else None, relative).jacobian(w)))


def verdict_for(params: Params, eta: float | None = None, angles_rad=None) -> Verdict:
    """:func:`eta_verdict` for a run's params: its task and convention, at its start pose (or ``angles_rad``)."""
    w = np.radians(params.angles_deg) if angles_rad is None else angles_rad
    return eta_verdict(params.eta if eta is None else eta, w, params.lengths,
                       reach=params.reach is not None, relative=params.relative)


def eta_verdict(eta: float, angles_rad, lengths=None, *, reach: bool = False, relative: bool = False) -> Verdict:
    """Judge the learning rate ``eta`` at the pose ``angles_rad``.

    Parameters
    ----------
    eta : float
        Learning rate, finite and > 0.
    angles_rad : array_like, shape (n,)
        The pose, radians from absolute horizontal (relative angles when ``relative``).
    lengths : array_like, shape (n,), optional
        Link lengths; ``None`` means unit links.
    reach, relative : bool
        The model's options (see :func:`stiffness_at`); the post's task by default.

    Returns
    -------
    Verdict
        See the module docstring for the boundaries between kinds.

    Raises
    ------
    ParamError
        If ``eta`` is not a finite positive number or the pose is not finite.
    """
    try:
        eta = float(eta)
    except (TypeError, ValueError):
        raise ParamError("eta", f"must be a number, got {eta!r}") from None
    if not (math.isfinite(eta) and eta > 0):
        raise ParamError("eta", f"must be a finite number greater than 0, got {eta!r}")
    post = not reach and not relative
    s = stiffness_at(angles_rad, lengths, reach=reach, relative=relative)
    S = "S" if post else "\u03bb"          # the post's S, else lambda_max
    if not math.isfinite(s):
        raise ParamError("angles", "must be finite numbers")
    if s == 0.0:
        # J is 0: the gradient vanishes, so no eta can teach anything here.
        words = ("S = 0: every link points straight up or down, so turning a joint does not move the "
                 "end point sideways (to first order). The gradient is zero and nothing is learned, whatever eta is."
                 if post else
                 "\u03bb = 0: at this pose no joint moves the end point (to first order). The gradient is zero "
                 "and nothing is learned, whatever eta is.")
        return Verdict(eta, 0.0, math.inf, math.inf, 1.0, 1.0, "slow", words)
    ideal, crit = 1.0 / s, 2.0 / s
    r = 1.0 - eta * s
    ef = r * r
    if eta > crit:
        kind, shown = "diverging", (crit,)
    elif eta > ideal:
        kind, shown = "oscillating", (ideal, crit)
    elif eta < SLOW_FRACTION * ideal:
        kind, shown = "slow", ()
    else:
        kind, shown = "good", (ideal,)
    p = _digits(eta, *shown)
    head, ideal_s, crit_s = f"eta = {eta:.{p}g}", f"{ideal:.{p}g}", f"{crit:.{p}g}"
    if kind == "diverging":
        words = (f"{head} is above 2/{S} = {crit_s}: each step overshoots by more than the gap, so the gap "
                 f"grows {abs(r):.{_digits(abs(r), 1.0)}g}x per epoch and the arm swings ever wider "
                 f"instead of learning.")
    elif kind == "oscillating":
        words = (f"{head} is between 1/{S} = {ideal_s} and 2/{S} = {crit_s}: each step overshoots, so the end "
                 f"point jumps to the other side of the target every epoch; the error still shrinks by "
                 f"{_pct(1.0 - ef)} per epoch.")
    elif kind == "slow":
        words = (f"{head} is far below 1/{S} = {ideal_s}: each epoch closes only {_pct(1.0 - r)} of the gap "
                 f"(the error shrinks by {_pct(1.0 - ef)}), so learning crawls. Any eta up to 1/{S} would "
                 f"still approach smoothly, and faster.")
    else:
        words = (f"{head} is {'at' if eta == ideal else 'below'} 1/{S} = {ideal_s}: each epoch closes "
                 f"{_pct(1.0 - r)} of the gap, so the error shrinks by {_pct(1.0 - ef)} per epoch and the "
                 f"end point approaches from one side.")
    if reach:   # a point in the plane: lambda_max covers one direction of the end point's motion
        words += (" (That is along the direction the joints move the end point most easily, λ being the "
                  "largest eigenvalue of JᵀJ; across it the gap closes more slowly.)")
    return Verdict(eta, s, ideal, crit, r, ef, kind, words)


# --------------------------------------------------------------------------- the other learners' readings
@dataclass(frozen=True)
class LearnerReading:
    """What a learner with its own stability rule does near a pose, along the stiffest direction ``lam``.

    ``kind`` as :data:`KINDS`; ``eta_crit`` the rate above which it diverges there; ``factor``
    how much of the residual is left after an epoch (its size: for momentum the larger root's).
    """

    learner: str
    kind: str
    eta_crit: float
    factor: float
    stiffness: float


def learner_reading(params: Params, eta: float | None = None, angles_rad=None) -> LearnerReading | None:
    """The meter's reading for momentum and damped least squares (None for learners with no eta_crit).

    Near a pose the error is a quadratic with curvature ``lambda`` along J's stiffest direction:

    - momentum (heavy ball): the residual follows ``r' = (1 + beta - eta lambda) r - beta r_prev``,
      stable while ``eta < (2 + 2 beta) / lambda``; its factor is the larger root's size of
      ``z^2 - (1 + beta - eta lambda) z + beta``, complex (a spiral: the end point swings round
      the target) when the discriminant is negative;
    - lm: one epoch multiplies the residual by ``1 - eta lambda / (lambda + damping)``, stable while
      ``eta < 2 (lambda + damping) / lambda`` (2 for the Gauss-Newton step, more with damping).
    """
    eta = params.eta if eta is None else float(eta)
    w = np.radians(params.angles_deg) if angles_rad is None else np.asarray(angles_rad, dtype=float)
    lam = stiffness_at(w, params.lengths, reach=params.reach is not None, relative=params.relative)
    if params.learner == "momentum":
        beta = params.momentum
        crit = math.inf if lam == 0 else (2.0 + 2.0 * beta) / lam
        b = 1.0 + beta - eta * lam
        disc = b * b - 4.0 * beta
        if disc < 0:
            factor, kind = math.sqrt(beta), "oscillating"
        else:
            roots = (0.5 * (b + math.sqrt(disc)), 0.5 * (b - math.sqrt(disc)))
            big = max(roots, key=abs)
            factor = abs(big)
            kind = "diverging" if factor > 1 else "oscillating" if big < 0 else \
                "slow" if factor > 1 - SLOW_FRACTION else "good"
        if eta > crit:
            kind = "diverging"
        return LearnerReading("momentum", kind, crit, factor, lam)
    if params.learner == "lm":
        s = lam / (lam + params.damping) if lam > 0 else 0.0
        crit = math.inf if s == 0 else 2.0 / s
        r = 1.0 - eta * s
        kind = ("diverging" if eta > crit else "oscillating" if r < 0 else
                "slow" if r > 1 - SLOW_FRACTION else "good")
        return LearnerReading("lm", kind, crit, abs(r), lam)
    return None
