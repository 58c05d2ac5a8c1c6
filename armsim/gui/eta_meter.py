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
from armsim.core.verdict import Verdict, eta_verdict, verdict_for


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
    if learner == "hotcold":
        return None, (f"<i>no eta_crit for hot and cold</i>: it turns each joint by exactly eta = {eta:g} "
                      "radians whatever the slope (direction without amount), so near the goal it rocks "
                      "back and forth by eta instead of settling"), ""
    try:
        v = eta_verdict(eta, angles_rad, lengths) if params is None else verdict_for(params, eta, angles_rad)
    except ParamError as e:
        return None, f"<i>no verdict: {e.rule}</i>", None
    post = params is None or (params.reach is None and not params.relative)   # the verdict's own test
    crit = "∞" if not np.isfinite(v.eta_crit) else f"{v.eta_crit:.4g}"
    return v, (f"<span style='background:{v.colour}; color:white; padding:2px'>&nbsp;<b>{v.kind}</b>&nbsp;</span>"
               f" eta_crit = 2/{'S' if post else 'λ'} = {crit} · error × {v.error_factor:.3g} per epoch<br>"
               f"<small>{v.words}</small>"), v.words


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
