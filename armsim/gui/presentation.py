"""Presentation mode's own parts: the banner (eta, epoch, error and the verdict, large) and the eta keys.

:func:`install` puts a :class:`Banner` above the plots of a
:class:`~armsim.gui.main_window.MainWindow`; the window shows it only in
presentation mode (:meth:`~armsim.gui.main_window.MainWindow.set_presentation`).
The banner holds no number of its own: each time the window's readout line
changes (:meth:`~armsim.gui.main_window.MainWindow.say`: a frame's text, the end
of a run, a replayed epoch, a reset) and each time the state's eta, run state or
result change, it reads the same facts the readout and the eta meter show: the
state's eta, the epoch the window shows and its error on the error curve, and
the eta meter's verdict for the pose shown.

:func:`nudge_eta` is what the ``+`` (or ``=``) and ``-`` keys do: eta to the next
of the preferred numbers :data:`ETA_STEPS` above or below it (ten a decade, each
about 1.26 times the last), written through the state, which has the core
validate it; a refused eta changes nothing and says why in the banner.
"""
from __future__ import annotations

import html
import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from armsim.core.params import ParamError
from armsim.core.run import start_epoch
from armsim.core.verdict import COLOURS

#: Text of the banner, in pixels: read from the back of a room on a 1080-line projector (the plots' text is 28).
BANNER_PX = 48
#: The etas + and - step through, in each decade: the preferred numbers R10 (ISO 3), ten a decade, each about
#: 1.26 times the last, so the steps are even on the eta slider's logarithmic scale (its own step, a thousandth
#: of 5 decades, is 1.2%: too small for a key). Short numbers a class can read, and + then - comes back exactly
#: (a factor rounded to 3 digits drifted: 0.075 up twice and down twice was 0.0749).
ETA_STEPS = ("1", "1.25", "1.6", "2", "2.5", "3.15", "4", "5", "6.3", "8")
SAME = 1e-9             # relative: an eta this close to a step is on it
BANNER_INK, BANNER_PAPER = "#000000", "#ffffff"     # black on white: the highest contrast a projector shows
PROBLEM_INK = "#b00020"


def stepped_eta(eta: float, up: bool) -> float:
    """The next of :data:`ETA_STEPS` (in any decade) above ``eta > 0``, or below it with ``up`` False.

    On a step it moves one step; between two it moves to the nearer one on that side
    (the post's 0.075: up to 0.08, down to 0.063). Each value is the float its digits
    read as (``float("1.25e-2")``), so the banner shows the digits a student can type.
    """
    decade = math.floor(math.log10(eta))
    candidates = [float(f"{m}e{d}") for d in range(decade - 1, decade + 2) for m in ETA_STEPS]
    if up:
        return min(c for c in candidates if c > eta * (1.0 + SAME))
    return max(c for c in candidates if c < eta * (1.0 - SAME))


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of a ``#rrggbb`` colour."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    q = QColor(colour)
    return 0.2126 * channel(q.redF()) + 0.7152 * channel(q.greenF()) + 0.0722 * channel(q.blueF())


def ink_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (white on orange is hard to read)."""
    lum = _luminance(background)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


class Banner(QWidget):
    """The large readout of presentation mode: one line of facts and, under it, a refused key's message."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = w = window
        self.setObjectName("presentation_banner")
        self.line = QLabel()
        self.line.setObjectName("banner_line")
        self.line.setTextFormat(Qt.RichText)
        self.line.setAlignment(Qt.AlignCenter)
        self.line.setWordWrap(True)     # between the facts: one line never holds the window wider than its screen
        self.message = QLabel()
        self.message.setObjectName("banner_message")
        self.message.setTextFormat(Qt.PlainText)
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.line)
        layout.addWidget(self.message)
        self.setAttribute(Qt.WA_StyledBackground)       # the style sheet's background, on a plain QWidget
        self.setStyleSheet(f"#presentation_banner {{ background: {BANNER_PAPER}; }} "
                           f"QLabel {{ font-size: {BANNER_PX}px; color: {BANNER_INK}; }} "
                           f"#banner_message {{ color: {PROBLEM_INK}; }}")
        self.hide()
        # After the window's own slots (connected before this): the meter has judged the new eta by then.
        w.state.etaChanged.connect(self._eta_changed)
        w.state.runStateChanged.connect(self.refresh)
        w.state.resultChanged.connect(self.refresh)

    # -- the facts ------------------------------------------------------------------------
    def facts(self) -> tuple[float, int, int, float, str | None]:
        """``(eta, epoch, epochs, error, verdict kind or None)`` as the window shows them now.

        The epoch is the one the window shows (a frame's, a replayed one, the last of a
        finished run, 0 when idle); its error is the error curve's at that epoch (its
        marker), or the start pose's before any run; the verdict is the eta meter's,
        which judges the state's eta at the pose shown (None for learners it has no
        verdict for).
        """
        w = self.window_
        epoch = w.epoch_shown
        plot = w.error_plot
        error = float(plot.errors[epoch]) if epoch < plot.count else start_epoch(w.state.params).error
        verdict = w.controls.meter.verdict
        return w.state.eta, epoch, w.state.params.epochs, error, None if verdict is None else verdict.kind

    def text(self) -> str:
        """The banner's line as rich text, e.g. ``eta 0.075 · epoch 12 / 20 · error 0.0123 · good``."""
        eta, epoch, epochs, error, kind = self.facts()
        facts = [f"eta {eta:g}", f"epoch {epoch} / {epochs}", f"error {error:.4g}"]
        line = " · ".join(html.escape(fact).replace(" ", "&nbsp;") for fact in facts)    # wrapped between facts
        if kind is None:
            return line
        colour = COLOURS[kind][1]
        return f"{line} · <span style='background:{colour}; color:{ink_on(colour)}'>&nbsp;<b>{kind}</b>&nbsp;</span>"

    # -- showing --------------------------------------------------------------------------
    def refresh(self, *_args) -> None:
        """Show the facts again (only while the banner is shown: outside presentation mode it costs nothing)."""
        if self.isVisible():
            self.line.setText(self.text())

    def showEvent(self, event) -> None:
        self.line.setText(self.text())
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self.say("")
        super().hideEvent(event)

    def say(self, message: str) -> None:
        """A line under the facts (a refused eta); empty hides it."""
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def _eta_changed(self, _eta: float) -> None:
        self.say("")            # an eta taken: the last refusal is out of date
        self.refresh()


def nudge_eta(window, up: bool) -> None:
    """The + and - keys: eta one step up or down through the state; a refused eta changes nothing, and says why
    (in the banner in presentation mode, in the readout otherwise)."""
    state = window.state
    eta = stepped_eta(state.eta, up)
    try:
        state.update(eta=eta)
    except ParamError as e:
        message = f"eta {eta:.3g} refused: {e.rule}; eta stays {state.eta:g}."
        if window.banner.isVisible():
            window.banner.say(message)
        else:
            window.say(html.escape(message))


def install(window, layout) -> Banner:
    """Build ``window``'s banner, put it at the top of ``layout`` (the window's centre, over the plots), return it."""
    banner = Banner(window)
    layout.insertWidget(0, banner)
    return banner
