"""The learning-rate meter: is this eta slow, good, oscillating or diverging for the pose the arm is in?

It shows :func:`armsim.core.verdict.verdict_for` in words and colour: the critical
value eta_crit = 2 / sum(L_i^2 cos^2 w_i) for the post's task (``2/S``), and for
the model's options (a reach point, relative joints) ``2/lambda`` with ``lambda``
the largest eigenvalue of ``J^T J``; and the factor by which one epoch scales the
error near the current pose. What it shows is :func:`reading`, which needs no
window, so it can be checked without one.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from armsim.core.params import ParamError, Params
from armsim.core.verdict import COLOURS, Verdict, eta_verdict, learner_reading, verdict_for


def reading(eta: float, angles_rad, lengths=None, learner: str = "gradient",
            params: Params | None = None) -> tuple[Verdict | None, str, str]:
    """What the meter shows for ``eta`` at the pose ``angles_rad``: (verdict or None, rich text, tooltip).

    Parameters
    ----------
    eta : float
        The learning rate judged.
    angles_rad : array_like, shape (n,)
        The learner's parameters at the pose, radians (relative angles with ``params.relative``).
    lengths : array_like, optional
        Link lengths when ``params`` is not given (None: unit links); the post's task.
    learner : str
        ``"gradient"`` gets the verdict; ``"hotcold"`` its own words and no verdict.
    params : Params, optional
        The setup: its task and convention decide the verdict (:func:`verdict_for`), and its
        lengths are used. Without it, the post's task with ``lengths``.
    """
    if learner in NO_ETA_CRIT:
        return None, NO_ETA_CRIT[learner].format(eta=eta), ""
    if learner in ("momentum", "lm") and params is not None:
        return _learner_reading(eta, angles_rad, params)
    try:
        v = eta_verdict(eta, angles_rad, lengths) if params is None else verdict_for(params, eta, angles_rad)
    except ParamError as e:
        return None, f"<i>no verdict: {e.rule}</i>", None
    post = params is None or (params.reach is None and not params.relative)   # the verdict's own test
    crit = "∞" if not np.isfinite(v.eta_crit) else f"{v.eta_crit:.4g}"
    return v, (f"<span style='background:{v.colour}; color:white; padding:2px'>&nbsp;<b>{v.kind}</b>&nbsp;</span>"
               f" eta_crit = 2/{'S' if post else 'λ'} = {crit} · error × {v.error_factor:.3g} per epoch<br>"
               f"<small>{v.words}</small>"), v.words


NO_ETA_CRIT = {
    "hotcold": ("<i>no eta_crit for hot and cold</i>: it turns each joint by exactly eta = {eta:g} radians "
                "whatever the slope (direction without amount), so near the goal it rocks back and forth by "
                "eta instead of settling"),
    "adam": ("<i>no eta_crit for Adam</i>: each step is about eta = {eta:g} radians per joint whatever the "
             "slope's size (the gradient divided by its own running size), so eta sets the stride and near "
             "the goal the arm wanders by about that much"),
    "ccd": ("<i>no eta for CCD</i>: each epoch turns every joint in turn, tip to base, to its best angle with "
            "the others held; the geometry sets the step"),
    "fabrik": ("<i>no eta for FABRIK</i>: each epoch drags the joints' positions to the target and back to "
               "the base at the links' lengths; the geometry sets the step"),
}


def _learner_reading(eta: float, angles_rad, params: Params) -> tuple[None, str, str]:
    """Momentum's and damped least squares' own stability rule (:func:`~armsim.core.verdict.learner_reading`)."""
    r = learner_reading(params, eta, angles_rad)
    crit = "∞" if not np.isfinite(r.eta_crit) else f"{r.eta_crit:.4g}"
    if r.learner == "momentum":
        rule = f"eta_crit = (2 + 2β)/λ = (2 + 2 × {params.momentum:g})/{r.stiffness:.4g} = {crit}"
        how = ("the end point spirals round the target, the residual × %.3g per epoch" % r.factor
               if r.kind == "oscillating" else "the residual × %.3g per epoch" % r.factor)
    else:
        rule = f"eta_crit = 2(λ + damping)/λ = 2({r.stiffness:.4g} + {params.damping:g})/{r.stiffness:.4g} = {crit}"
        how = "the residual × %.3g per epoch along the stiffest direction" % r.factor
    words = (f"eta = {eta:g} is {'above' if eta > r.eta_crit else 'below'} eta_crit = {crit}: "
             + ("each step overshoots more than the last" if r.kind == "diverging" else how))
    colour = COLOURS[r.kind][1]
    return None, (f"<span style='background:{colour}; color:white; padding:2px'>&nbsp;<b>{r.kind}</b>&nbsp;</span>"
                  f" {rule}<br><small>{words}</small>"), words


class EtaMeter(QLabel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.RichText)
        self.verdict = None

    def judge(self, eta: float, angles_rad: np.ndarray, lengths, learner: str = "gradient",
              params: Params | None = None) -> None:
        """Judge ``eta`` at the pose ``angles_rad`` (the start pose when idle, the current one in a run).

        The verdict is gradient descent's; another learner gets its own words, or none. With
        ``params`` (the setup) the verdict is for its task: the post's, a reach point, relative
        joints (see :func:`reading`).
        """
        self.verdict, text, tip = reading(eta, angles_rad, lengths, learner, params)
        if tip is not None and self.toolTip() != tip:
            self.setToolTip(tip)
        self.setText(text)
