"""The arm's parameters: one frozen, validated record, and its dict form.

Everything a run depends on lives in :class:`Params`. It is immutable, so the
GUI can hand a snapshot to the worker thread and the CLI, scenario files and
exports all agree on one definition. Validation raises :class:`ParamError`,
a ``ValueError`` that names the offending field, so each front end can phrase
the message in its own vocabulary (a flag, a slider, a key in a file).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

# Limits that keep a run's history in memory: the result stores every epoch's
# angles, so epochs x links bounds its size (20e6 floats = 160 MB).
MAX_LINKS = 1000
MAX_EPOCHS = 1_000_000
MAX_HISTORY = 20_000_000
# Beyond this a float can no longer be called a coordinate or an angle of a
# classroom arm; it is a typo, and radians(1e9) loses all angular precision.
MAX_MAGNITUDE = 1e6
LEARNERS = ("gradient", "hotcold")

POST_ANGLES_DEG = (22.0, -20.0, 14.0)
POST_ETA = 0.075
POST_EPOCHS = 20


MAX_SHOWN = 60          # characters of a refused value quoted back in a message


def shown(value: Any) -> str:
    """``repr(value)`` for a message: exact for a number (``1000000.0000001``), cut short for a long one."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):        # an int too long to print, a list nested too deep
        return f"(a {type(value).__name__} too large to show)"
    if len(text) <= MAX_SHOWN:
        return text
    length = len(value) if isinstance(value, str) else len(text)
    return f"{text[:MAX_SHOWN]}... ({length:,} characters)"


class ParamError(ValueError):
    """A parameter broke a rule. ``field`` names it, ``str()`` states the rule."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.rule = message


def _finite(name: str, value: Any, *, low: float | None = None, positive: bool = False) -> float:
    if isinstance(value, (str, bytes)):     # float("0.5") would pass: text is parsed by the CLI and files, not here
        raise ParamError(name, f"must be a number, not text: got {shown(value)}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParamError(name, f"must be a number, got {shown(value)}") from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise ParamError(name, f"must be a finite number, got {shown(value)}")
    if abs(number) > MAX_MAGNITUDE:
        raise ParamError(name, f"must be between -{MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g}, got {shown(number)}")
    if positive and number <= 0:
        raise ParamError(name, f"must be greater than 0, got {shown(number)}")
    if low is not None and number < low:
        raise ParamError(name, f"must be at least {low:g}, got {shown(number)}")
    return number


def _whole(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ParamError(name, f"must be a whole number, got {shown(value)}")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ParamError(name, f"must be a whole number, got {shown(value)}")
    number = int(value)
    if not low <= number <= high:
        raise ParamError(name, f"must be between {low} and {high:,}, got {number:,}")
    return number


def _vector(name: str, values: Any, *, positive: bool = False) -> tuple[float, ...]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ParamError(name, f"must be a list of numbers, got {shown(values)}")
    items = list(values)
    if not items:
        raise ParamError(name, "needs at least one value (one per link)")
    if len(items) > MAX_LINKS:
        raise ParamError(name, f"at most {MAX_LINKS} links, got {len(items)}")
    return tuple(_finite(f"{name}[{i + 1}]", v, positive=positive) for i, v in enumerate(items))


@dataclass(frozen=True)
class Params:
    """Everything one run of the solver depends on.

    Parameters
    ----------
    angles_deg : tuple of float
        Start angle of each link in degrees, from absolute horizontal.
    lengths : tuple of float, optional
        Length of each link (all 1 by default, as in the post).
    base : float
        Lateral position ``Y0`` of the base.
    target : float or None
        Where the end point should go; ``None`` means the base (the post's goal).
    eta : float
        Learning rate of the delta rule.
    epochs : int
        Most updates to apply.
    tol : float
        Stop early once the error is below this (0: run every epoch).
    learner : str
        ``"gradient"`` (the post's delta rule) or ``"hotcold"`` (seed 004).
    """

    angles_deg: tuple[float, ...] = POST_ANGLES_DEG
    lengths: tuple[float, ...] | None = None
    base: float = 0.0
    target: float | None = None
    eta: float = POST_ETA
    epochs: int = POST_EPOCHS
    tol: float = 0.0
    learner: str = "gradient"

    def __post_init__(self) -> None:
        angles = _vector("angles", self.angles_deg)
        lengths = (1.0,) * len(angles) if self.lengths is None else _vector("lengths", self.lengths, positive=True)
        if len(lengths) != len(angles):
            raise ParamError("lengths", f"needs one length per angle: {len(angles)} angles but {len(lengths)} lengths")
        epochs = _whole("epochs", self.epochs, 0, MAX_EPOCHS)
        if epochs * len(angles) > MAX_HISTORY:
            raise ParamError("epochs", f"epochs x links must be at most {MAX_HISTORY:,} "
                                       f"(the history is kept in memory), got {epochs * len(angles):,}")
        if self.learner not in LEARNERS:
            raise ParamError("learner", f"must be one of {', '.join(LEARNERS)}, got {shown(self.learner)}")
        target = None if self.target is None else _finite("target", self.target)
        object.__setattr__(self, "angles_deg", angles)
        object.__setattr__(self, "lengths", lengths)
        object.__setattr__(self, "base", _finite("base", self.base))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "eta", _finite("eta", self.eta, positive=True))
        object.__setattr__(self, "epochs", epochs)
        object.__setattr__(self, "tol", _finite("tol", self.tol, low=0.0))

    @property
    def n_links(self) -> int:
        return len(self.angles_deg)

    @property
    def goal(self) -> float:
        """The target actually aimed at: ``target``, or the base when unset."""
        return self.base if self.target is None else self.target

    @property
    def reach(self) -> float:
        """Sum of the link lengths: the farthest the end point can get from the base."""
        return math.fsum(self.lengths)

    @property
    def reachable(self) -> bool:
        return abs(self.goal - self.base) <= self.reach

    def with_(self, **changes: Any) -> "Params":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def to_dict(self) -> dict:
        """Plain JSON/TOML-friendly form; ``from_dict(to_dict())`` round-trips exactly."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["angles_deg"] = list(self.angles_deg)
        out["lengths"] = list(self.lengths)
        if self.target is None:
            del out["target"]
        return out

    @classmethod
    def from_dict(cls, data: Any) -> "Params":
        """Build from a mapping, rejecting unknown keys by name."""
        if not isinstance(data, dict):
            raise ParamError("params", f"must be a table of settings, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(map(str, data)) - known)
        if unknown:
            raise ParamError(unknown[0], f"unknown setting (known: {', '.join(sorted(known))})")
        return cls(**data)
