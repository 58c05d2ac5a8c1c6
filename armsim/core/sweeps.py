"""Side-by-side runs: several solves of one setup that differ in a single thing, with labels a class can read.

This module owns the comparisons the window's Compare tab draws, and nothing
that imports Qt: which runs make up a sweep (a *plan*: ``(label, Params)``
pairs built with :meth:`Params.with_`), what they cost, how to run them with a
stop flag, and how each run is labelled. Three sweeps:

* :func:`eta_sweep`: the same start with several learning rates, by default one
  in each regime of :mod:`armsim.core.verdict` (slow, good, oscillating, diverging).
* :func:`start_sweep`: the same eta from several start poses (the current one
  and a few seeded random ones, within the joint limits), showing that many
  poses solve the task.
* :func:`learner_comparison`: gradient descent against hot and cold.

Every run is exactly ``solve`` of its params: :func:`solve_stoppable` drives the
same :class:`~armsim.core.run.Run` engine, a few hundred epochs per call.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Sequence

import numpy as np

from armsim.core.params import LEARNERS, MAX_MAGNITUDE, POST_ETA, Params
from armsim.core.rules import RULES
from armsim.core.run import Result  # Run here names a labelled result
from armsim.core.run import Run as Engine
from armsim.core.verdict import SLOW_FRACTION, verdict_for

Run = tuple[str, Result]
Plan = list[tuple[str, Params]]

#: Multiples of ``1/S`` (S at the start pose) for the default eta sweep: one per regime of the
#: lessons, well inside each so rounding to two digits cannot move an eta across a boundary.
LESSON_FACTORS = {"slow": 0.5 * SLOW_FRACTION, "good": 0.8, "oscillating": 1.6, "diverging": 2.2}
#: The post's lesson etas, used when ``S`` is (nearly) 0, every link vertical, and ``1/S`` too large for an eta.
FALLBACK_ETAS = (0.01, 0.3, 0.6, 0.82)
#: Largest sweep the window computes, in the units of :func:`run_cost` (roughly link-epochs).
MAX_SWEEP_COST = 5_000_000
#: Link-epochs one epoch of gradient descent with the model's options adds (see :func:`run_cost`).
OPTIONS_EPOCH_COST = 60
STOP_CHECK = 256            # epochs between looks at the stop flag: ~ms, so Stop is prompt
SHOWN_ANGLES = 4            # angles spelled out in a start label before "..."
START_RANGE = 150.0         # degrees either side of 0 for the random starts (within any joint limits)
LM_ETA = 1.0            # damped least squares' whole step
LEARNER_NAMES = {"gradient": "gradient descent", "hotcold": "hot and cold", "momentum": "momentum", "adam": "Adam",
                 "lm": "damped least squares", "ccd": "CCD", "fabrik": "FABRIK"}
_NOTED = ("diverged", "unreachable")   # statuses worth saying in a label: the curve alone may hide them


class SweepTooLarge(ValueError):
    """A sweep would take too long to compute in the window; the message says why and what to lower."""


def _round2(x: float) -> float:
    """Two significant digits: labels stay short and the numbers look chosen, not computed."""
    return float(f"{x:.2g}")


def _verdict(params: Params, eta: float):
    """The meter's verdict on ``eta`` at the setup's start pose, for its task and convention."""
    return verdict_for(params, eta)


# --------------------------------------------------------------------------- defaults
def default_etas(params: Params) -> tuple[float, ...]:
    """The learning rates of the default eta sweep, smallest first.

    Parameters
    ----------
    params : Params
        The setup; its start pose decides ``S`` (with the model's options
        ``lambda_max(J^T J)`` of its task: see :func:`~armsim.core.verdict.verdict_for`).

    Returns
    -------
    tuple of float
        For gradient descent, one eta in each regime of :mod:`armsim.core.verdict`
        (``LESSON_FACTORS`` times ``1/S``, two significant digits) plus the
        setup's own eta if it differs from all of them. For hot and cold, whose
        eta is a step in radians, a factor-of-two ladder around the setup's eta.
    """
    if params.learner == "hotcold":
        etas = [params.eta * f for f in (0.25, 0.5, 1.0, 2.0, 4.0)]
    else:
        ideal = _verdict(params, params.eta).eta_ideal
        if ideal * max(LESSON_FACTORS.values()) > MAX_MAGNITUDE:    # S ~ 0: no eta is too large to try
            etas = list(FALLBACK_ETAS)
        else:
            etas = [_round2(f * ideal) for f in LESSON_FACTORS.values()]
        if all(abs(params.eta - e) > 0.01 * e for e in etas):
            etas.append(params.eta)
    return tuple(sorted(etas))


def default_starts(params: Params, count: int = 4, seed: int = 0) -> tuple[tuple[float, ...], ...]:
    """Start poses for the default start sweep: the setup's own, then ``count`` seeded random ones.

    Parameters
    ----------
    params : Params
        The setup (its number of links and start pose).
    count : int
        Random starts added after the setup's own.
    seed : int
        Seed of the generator: the same setup always gets the same starts.

    Returns
    -------
    tuple of tuple of float
        Angles in whole degrees, uniform in [-150, 150]: varied, but never
        all near vertical, where the gradient vanishes. With joint limits each
        angle is drawn within its joint's limits too (in whole degrees when the
        limits hold one, else uniform between them); a setup without limits
        gets the same starts as before limits existed.
    """
    n = params.n_links
    lo, hi = (np.array(side) for side in params.limits_deg)
    # Limits wholly beyond +-150 degrees: draw from the 300 degrees within them nearest to 0.
    above, below, wide = lo > START_RANGE, hi < -START_RANGE, 2 * START_RANGE
    low = np.where(above, lo, np.where(below, np.maximum(lo, hi - wide), np.maximum(lo, -START_RANGE)))
    high = np.where(above, np.minimum(hi, lo + wide), np.where(below, hi, np.minimum(hi, START_RANGE)))
    rng = np.random.default_rng(seed)
    # uniform(low, high) is low + (high - low) * u, as uniform(-150, 150) was: unlimited starts keep every bit.
    drawn = np.clip(rng.uniform(low, high, size=(count, n)), low, high)    # clip: no rounding past a limit
    whole = np.clip(np.round(drawn), np.ceil(low), np.floor(high))
    random = np.where(np.ceil(low) <= np.floor(high), whole, drawn)    # no whole degree between the limits
    return (tuple(params.angles_deg),) + tuple(tuple(float(a) for a in row) for row in random)


# --------------------------------------------------------------------------- plans
def _angles_text(angles_deg: Sequence[float]) -> str:
    shown = ", ".join(f"{a:g}" for a in angles_deg[:SHOWN_ANGLES])
    return shown + (f", ... ({len(angles_deg)} links)" if len(angles_deg) > SHOWN_ANGLES else "")


def eta_plan(params: Params, etas: Sequence[float] | None = None) -> Plan:
    """``(label, params)`` per eta, e.g. ``"eta 0.3 (good)"``; see :func:`eta_sweep`."""
    plan = []
    for eta in default_etas(params) if etas is None else etas:
        p = params.with_(eta=eta)
        if p.learner == "gradient":
            kind = _verdict(params, p.eta).kind
            label = f"eta {p.eta:.3g} ({kind}{', current' if p.eta == params.eta else ''})"
        else:
            label = f"eta {p.eta:.3g} ({LEARNER_NAMES[p.learner]})"
        plan.append((label, p))
    return plan


def start_plan(params: Params, starts_deg: Sequence[Sequence[float]] | None = None) -> Plan:
    """``(label, params)`` per start pose, e.g. ``"start 22, -20, 14"``; see :func:`start_sweep`."""
    starts = default_starts(params) if starts_deg is None else starts_deg
    return [(f"start {_angles_text(tuple(s))}", params.with_(angles_deg=tuple(s))) for s in starts]


def learner_plan(params: Params) -> Plan:
    """The race: every learner that applies (FABRIK needs a point), from the same start toward the same target.

    Each gets the setup's eta, but damped least squares its whole step (eta 1) and, when the setup's
    learner is lm, the others the post's eta (lm's 1 would throw them past eta_crit). Labels like
    ``"momentum (eta 0.075)"``.
    """
    plan = []
    for name in LEARNERS:
        if RULES.get(name) is not None and RULES[name].reach_only and params.reach is None:
            continue
        eta = LM_ETA if name == "lm" else POST_ETA if params.learner == "lm" else params.eta
        plan.append((f"{LEARNER_NAMES[name]} (eta {eta:g})", params.with_(learner=name, eta=eta)))
    return plan


def run_cost(params: Params) -> float:
    """Rough work of one run, in link-epochs of gradient descent (the unit of :data:`MAX_SWEEP_COST`).

    Below about three links Python's per-epoch overhead dominates, so a link
    counts as three; hot and cold tries ``2n`` poses per epoch, which measured
    about ``5 + n/6`` times slower than gradient descent. Gradient descent with
    the model's options (reach, relative joints, limits) steps in numpy, not in
    the post's plain-Python kernel, which adds :data:`OPTIONS_EPOCH_COST` per
    epoch (measured 14 to 29 us an epoch at 3 links against the kernel's 1.3,
    about 1.2 times the post's at 200 links).
    """
    per_epoch = max(params.n_links, 3)
    if params.learner == "hotcold":
        per_epoch *= 5 + params.n_links / 6
    elif not params.is_post:
        per_epoch += OPTIONS_EPOCH_COST
    return params.epochs * per_epoch


def check_budget(plan: Plan) -> None:
    """Raise :class:`SweepTooLarge` (saying what to lower) if ``plan`` costs more than :data:`MAX_SWEEP_COST`."""
    cost = sum(run_cost(p) for _, p in plan)
    if cost > MAX_SWEEP_COST:
        p = plan[0][1]
        raise SweepTooLarge(f"{len(plan)} runs of {p.epochs:,} epochs with {p.n_links} links would take "
                            f"too long here (about {cost:,.0f} link-epochs, the limit is {MAX_SWEEP_COST:,}). "
                            f"Lower the epochs to compare.")


# --------------------------------------------------------------------------- running
def solve_stoppable(params: Params, stop: threading.Event | None = None) -> Result | None:
    """``solve(params)``, or None if ``stop`` is set before the run ends.

    The flag is read every :data:`STOP_CHECK` epochs, so a long run stops within milliseconds.
    """
    run = Engine(params)
    while run.advance(STOP_CHECK):
        if stop is not None and stop.is_set():
            return None
    return run.result()


def finished_label(label: str, result: Result) -> str:
    """``label``, plus the run's status when the curve alone might hide it (diverged, unreachable)."""
    return f"{label}, {result.status}" if result.status in _NOTED else label


def run_plan(plan: Plan, stop: threading.Event | None = None,
             progress: Callable[[int, int], None] | None = None, timings: list | None = None) -> list[Run] | None:
    """Solve every run of ``plan`` in order.

    Parameters
    ----------
    plan : list of (str, Params)
    stop : threading.Event, optional
        Checked between runs and every :data:`STOP_CHECK` epochs within one.
    progress : callable, optional
        ``progress(done, total)`` after each finished run.
    timings : list, optional
        Gets each run's seconds (wall time, this thread), in order.

    Returns
    -------
    list of (str, Result) or None
        One labelled result per run (see :func:`finished_label`), or None if stopped.
    """
    runs: list[Run] = []
    for label, params in plan:
        if stop is not None and stop.is_set():
            return None
        began = time.perf_counter()
        result = solve_stoppable(params, stop)
        if result is None:
            return None
        if timings is not None:
            timings.append(time.perf_counter() - began)
        runs.append((finished_label(label, result), result))
        if progress is not None:
            progress(len(runs), len(plan))
    return runs


def eta_sweep(params: Params, etas: Sequence[float] | None = None) -> list[Run]:
    """The setup solved once per learning rate.

    Parameters
    ----------
    params : Params
        Everything but eta.
    etas : sequence of float, optional
        Default :func:`default_etas`.

    Returns
    -------
    list of (str, Result)
        Labels like ``"eta 0.3 (good)"``: the lessons' verdict at the start pose,
        ``", current"`` for the setup's own eta, and ``", diverged"`` if it did.
    """
    return run_plan(eta_plan(params, etas))


def start_sweep(params: Params, starts_deg: Sequence[Sequence[float]] | None = None) -> list[Run]:
    """The setup solved from several start poses (degrees); default :func:`default_starts`.

    Returns
    -------
    list of (str, Result)
        Labels like ``"start 22, -20, 14"``.
    """
    return run_plan(start_plan(params, starts_deg))


def learner_comparison(params: Params) -> list[Run]:
    """``[("gradient descent", r1), ("hot and cold", r2)]``: the setup solved by each learner.

    A label gains ``", diverged"`` (or ``", unreachable"``) if that run ends so.
    """
    return run_plan(learner_plan(params))


def run_label(result: Result) -> str:
    """A short legend label for a run made elsewhere (the window's last run), e.g. ``"run: eta 0.075"``."""
    etas = result.etas
    if len(etas) and etas.min() != etas.max():
        rate = f"eta {etas[0]:.3g} to {etas[-1]:.3g}"         # changed live during the run
    else:
        rate = f"eta {result.params.eta if not len(etas) else etas[0]:.3g}"
    learner = "" if result.params.learner == "gradient" else f", {LEARNER_NAMES[result.params.learner]}"
    return finished_label(f"run: {rate}{learner}", result)
