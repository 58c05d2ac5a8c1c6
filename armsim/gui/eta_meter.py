"""The learning-rate meter: is this eta slow, good, oscillating or diverging for the pose the arm is in?

It shows :func:`armsim.core.verdict.eta_verdict` in words and colour: the critical
value eta_crit = 2 / sum(L_i^2 cos^2 w_i) and the factor by which one epoch
scales the error near the current pose.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from armsim.core.params import ParamError
from armsim.core.verdict import eta_verdict


class EtaMeter(QLabel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.RichText)
        self.verdict = None

    def judge(self, eta: float, angles_rad: np.ndarray, lengths, learner: str = "gradient") -> None:
        """Judge ``eta`` at the pose ``angles_rad`` (the start pose when idle, the current one in a run).

        The verdict is gradient descent's; another learner gets its own words, or none.
        """
        if learner == "hotcold":
            self.verdict = None
            self.setToolTip("")
            self.setText(f"<i>no eta_crit for hot and cold</i>: it turns each joint by exactly eta = {eta:g} "
                         "radians whatever the slope (direction without amount), so near the goal it rocks "
                         "back and forth by eta instead of settling")
            return
        try:
            v = eta_verdict(eta, angles_rad, lengths)
        except ParamError as e:
            self.verdict = None
            self.setText(f"<i>no verdict: {e.rule}</i>")
            return
        self.verdict = v
        crit = "∞" if not np.isfinite(v.eta_crit) else f"{v.eta_crit:.4g}"
        if self.toolTip() != v.words:
            self.setToolTip(v.words)
        self.setText(f"<span style='background:{v.colour}; color:white; padding:2px'>&nbsp;<b>{v.kind}</b>&nbsp;</span>"
                     f" eta_crit = 2/S = {crit} · error × {v.error_factor:.3g} per epoch<br>"
                     f"<small>{v.words}</small>")
