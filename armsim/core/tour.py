"""Guided lessons: a tour through the post as steps, and when a step's awaited event has happened.

A :class:`Tour` is a title and a sequence of :class:`TourStep`: a short text, a
setup (a :class:`~armsim.core.params.Params`, or None to keep the current one),
something to try, a question to answer before the run ("predict, then run") and
optionally an event the step waits for (:data:`WAITS`), after which it says
``done_text``. This module owns what a step is and the pure rule "has this
event met this wait" (:func:`wait_met`), so the window only reports events and
the rule is tested without Qt. Lesson files are read by
:mod:`armsim.io.lesson_files`; the window's panel is :mod:`armsim.gui.tour_panel`.
Qt-free.
"""
from __future__ import annotations

from dataclasses import dataclass

from armsim.core.params import Params

#: What a step may wait for: a run started; a run ended with that status (see :mod:`armsim.core.run`);
#: eta set above the meter's eta_crit for the pose it shows; the target moved.
WAITS = ("run", "converged", "diverged", "max_epochs", "unreachable", "eta_above_crit", "target_moved")
#: The waits that are a run's end status, so a run of the step's setup shows whether the step's words are true.
STATUS_WAITS = ("converged", "diverged", "max_epochs", "unreachable")
#: The docks a step may bring forward (their object names in the window).
TABS = ("inspector", "compare", "landscape", "basin", "examples")
#: Each wait in words: while waiting ("waiting for: ...") and once it happened ("... : <done>").
WAIT_WORDS = {
    "run": ("a run to start", "a run started"),
    "converged": ("the run to reach the tolerance", "it converged"),
    "diverged": ("the run to diverge", "it diverged"),
    "max_epochs": ("the run to finish its epochs", "every epoch ran"),
    "unreachable": ("the run to find the target out of reach", "the target is out of reach"),
    "eta_above_crit": ("eta above eta_crit", "eta is above eta_crit"),
    "target_moved": ("the target to move", "the target moved"),
}
#: The kinds of :class:`Event` the window reports.
EVENT_KINDS = ("run", "ended", "eta", "target")


@dataclass(frozen=True)
class TourStep:
    """One step of a tour.

    Attributes
    ----------
    title : str
        A few words, shown large.
    text : str
        The step's story, a paragraph.
    setup : Params or None
        Applied when the step is shown; None keeps the current setup.
    try_text : str
        Something for the class to do ("" for none).
    predict : str
        A question shown before the run ("" for none); answered by ``done_text`` once the wait is met.
    wait : str or None
        One of :data:`WAITS`, or None (nothing to wait for).
    done_text : str
        Said when the wait is met.
    tab : str or None
        A dock to bring forward, one of :data:`TABS`.
    examples_lesson : str or None
        A title of :data:`armsim.core.example_lessons.EXAMPLE_LESSONS` to load in the examples tab.
    """

    title: str
    text: str
    setup: Params | None = None
    try_text: str = ""
    predict: str = ""
    wait: str | None = None
    done_text: str = ""
    tab: str | None = None
    examples_lesson: str | None = None

    def __post_init__(self) -> None:
        if self.wait is not None and self.wait not in WAITS:
            raise ValueError(f"wait must be one of {', '.join(WAITS)}, got {self.wait!r}")
        if self.tab is not None and self.tab not in TABS:
            raise ValueError(f"tab must be one of {', '.join(TABS)}, got {self.tab!r}")


@dataclass(frozen=True)
class Tour:
    """A titled sequence of at least one :class:`TourStep`."""

    title: str
    steps: tuple[TourStep, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))
        if not self.steps:
            raise ValueError("a tour needs at least one step")

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class Event:
    """Something the class did or a run did, as the window reports it to the tour.

    ``kind`` is one of :data:`EVENT_KINDS`: ``"run"`` (a run started), ``"ended"`` (a run ended with
    ``status``), ``"eta"`` (eta changed to ``eta``; ``eta_crit`` the meter's for the pose it shows)
    or ``"target"`` (the target moved).
    """

    kind: str
    status: str | None = None
    eta: float | None = None
    eta_crit: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"event kind must be one of {', '.join(EVENT_KINDS)}, got {self.kind!r}")


def wait_met(wait: str | None, event: Event) -> bool:
    """True when ``event`` is what ``wait`` waits for.

    Parameters
    ----------
    wait : str or None
        One of :data:`WAITS`; None waits for nothing, so no event meets it.
    event : Event
        What happened.

    Returns
    -------
    bool
        ``"run"``: a run started; a status wait: a run ended with that status; ``"eta_above_crit"``:
        eta was set above a finite eta_crit (a pose with no eta_crit, S = 0, never is); ``"target_moved"``:
        the target moved.
    """
    if wait is None:
        return False
    if wait not in WAITS:
        raise ValueError(f"wait must be one of {', '.join(WAITS)}, got {wait!r}")
    if wait == "run":
        return event.kind == "run"
    if wait in STATUS_WAITS:
        return event.kind == "ended" and event.status == wait
    if wait == "eta_above_crit":
        return (event.kind == "eta" and event.eta is not None and event.eta_crit is not None
                and event.eta > event.eta_crit)
    return event.kind == "target"


def waiting_words(step: TourStep) -> str:
    """The status line while ``step`` waits ("waiting for: the run to diverge"); "" when it waits for nothing."""
    return "" if step.wait is None else f"waiting for: {WAIT_WORDS[step.wait][0]}"


def done_words(step: TourStep) -> str:
    """The status line once the wait is met ("it diverged: <done_text>")."""
    happened = WAIT_WORDS[step.wait][1] if step.wait else "done"
    return f"{happened}: {step.done_text}" if step.done_text else happened
