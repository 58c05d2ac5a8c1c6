"""The arm's parameters: one frozen, validated record, and its dict form.

Everything a run depends on lives in :class:`Params`. It is immutable, so the
GUI can hand a snapshot to the worker thread and the CLI, scenario files and
exports all agree on one definition. Validation raises :class:`ParamError`,
a ``ValueError`` that names the offending field, so each front end can phrase
the message in its own vocabulary (a flag, a slider, a key in a file).
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass, fields, replace
from typing import Any

from armsim.core.rules import RULES

# Limits that keep a run's history in memory: the result stores every epoch's
# angles, so epochs x links bounds its size (20e6 floats = 160 MB).
MAX_LINKS = 1000
MAX_EPOCHS = 1_000_000
MAX_HISTORY = 20_000_000
# Beyond this a float can no longer be called a coordinate or an angle of a
# classroom arm; it is a typo, and radians(1e9) loses all angular precision.
MAX_MAGNITUDE = 1e6
#: The post's two (seed 000's gradient descent, seed 004's hot and cold), then robotics' and ML's (rules.py).
LEARNERS = ("gradient", "hotcold", *RULES)
POST_LEARNERS = ("gradient", "hotcold")
DEFAULT_MOMENTUM = 0.9      # heavy ball's beta
DEFAULT_DAMPING = 1e-3      # damped least squares' lambda

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


def count(n: int, word: str) -> str:
    """``1 value``, ``2 values``: a count in words for a message."""
    return f"{n:,} {word if n == 1 else word + 's'}"


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


def joint_index(name: str, value: Any, links: int) -> int:
    """A joint's 0-based index, checked against the arm's ``links``; the message numbers joints from 1,
    as the window and the command line do."""
    try:
        k = operator.index(value)
    except TypeError:
        raise ParamError(name, f"must be a joint number, got {shown(value)}") from None
    if not 0 <= k < links:
        raise ParamError(name, f"must be a joint from 1 to {links} (the arm has {links} links), got {k + 1}")
    return k


def _whole(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ParamError(name, f"must be a whole number, got {shown(value)}")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ParamError(name, f"must be a whole number, got {shown(value)}")
    number = int(value)
    if not low <= number <= high:
        got = f"{number:,}" if abs(number) < 10 ** 30 else f"a number of {len(str(abs(number))):,} digits"
        raise ParamError(name, f"must be between {low} and {high:,}, got {got}")
    return number


def _flag(name: str, value: Any) -> bool:
    # numpy's bool too (a flag read from an array), known by its type: this module needs no numpy
    if isinstance(value, bool) or (type(value).__module__ == "numpy" and type(value).__name__ in ("bool_", "bool")):
        return bool(value)
    raise ParamError(name, f"must be true or false, got {shown(value)}")


def _vector(name: str, values: Any, *, positive: bool = False) -> tuple[float, ...]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ParamError(name, f"must be a list of numbers, got {shown(values)}")
    items = list(values)
    if not items:
        raise ParamError(name, "needs at least one value (one per link)")
    if len(items) > MAX_LINKS:
        raise ParamError(name, f"at most {MAX_LINKS} links, got {len(items)}")
    return tuple(_finite(f"{name}[{i + 1}]", v, positive=positive) for i, v in enumerate(items))


def _point(name: str, value: Any) -> tuple[float, float]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or hasattr(value, "keys"):
        raise ParamError(name, f"must be a point: two numbers (X, Y), got {shown(value)}")
    items = list(value)
    if len(items) != 2:
        raise ParamError(name, f"must be a point: two numbers (X, Y), got {count(len(items), 'value')}")
    return _finite(f"{name}[1]", items[0]), _finite(f"{name}[2]", items[1])


def _limits(name: str, values: Any, n: int) -> tuple[float | None, ...] | None:
    """One side's joint limits: one per link, each a number or None (that joint is free on this side);
    None when every joint is free."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ParamError(name, f"must be a list of numbers, got {shown(values)}")
    items = list(values)
    if len(items) != n:
        raise ParamError(name, f"needs one limit per link: {count(n, 'link')} but {count(len(items), 'limit')}")
    limits = tuple(None if v is None else _finite(f"{name}[{i + 1}]", v) for i, v in enumerate(items))
    return None if limits.count(None) == n else limits


def limit_degrees(limits: tuple[float | None, ...] | None, n: int, free: float) -> tuple[float, ...]:
    """One side's limits as numbers: ``free`` (-inf for minima, inf for maxima) where a joint has none."""
    return (free,) * n if limits is None else tuple(free if v is None else v for v in limits)


@dataclass(frozen=True)
class Params:
    """Everything one run of the solver depends on.

    Parameters
    ----------
    angles_deg : tuple of float
        Start angle of each link in degrees: from absolute horizontal, or with
        ``relative`` each link's angle to the previous link (the first one's to
        horizontal). These are the learner's own parameters.
    lengths : tuple of float, optional
        Length of each link (all 1 by default, as in the post).
    base : float
        Lateral position ``Y0`` of the base; the base sits at ``(0, Y0)``.
    target : float or None
        The lateral task's aim: the height ``T`` the end point should go to;
        ``None`` means the base (the post's goal).
    eta : float
        Learning rate of the delta rule.
    epochs : int
        Most updates to apply.
    tol : float
        Stop early once the error is below this (0: run every epoch).
    learner : str
        ``"gradient"`` (the post's delta rule) or ``"hotcold"`` (seed 004).
    reach : tuple (X, Y) of float or None
        The reach task: the end point should go to the point ``(X, Y)``
        (``E = 0.5 ((X - x_n)^2 + (Y - y_n)^2)``). ``None`` (default): the post's
        lateral task. A reach point together with a ``target`` is refused:
        ``target`` is the lateral task's height, so with ``reach`` leave it unset.
    relative : bool
        The robot convention: each parameter is a link's angle to the previous
        link, ``theta_i = q_1 + ... + q_i`` (default False: absolute angles, the post's).
    min_angles_deg, max_angles_deg : tuple of (float or None), or None
        Joint limits in degrees, one per link, on the learner's own parameters
        (relative angles when ``relative``); after every update each is clipped
        into ``[min, max]``. ``None`` (default): that side is free for every
        joint; a None item: that joint is free on that side (a tuple of only
        None items is None). Each start angle must lie within its limits.

    Raises
    ------
    ParamError
        Naming the field as the front ends show it: ``angles[i]``, ``lengths[i]``, ...;
        for the options ``reach`` (not two numbers, or set with ``target``), ``reach[1]``
        / ``reach[2]`` (X or Y not a finite number), ``relative`` (not true or false),
        ``min_angles`` / ``max_angles`` (not one per link), ``min_angles[i]`` /
        ``max_angles[i]`` (not finite, or a minimum above its maximum) and ``angles[i]``
        for a start outside its joint's limits.
    """

    angles_deg: tuple[float, ...] = POST_ANGLES_DEG
    lengths: tuple[float, ...] | None = None
    base: float = 0.0
    target: float | None = None
    eta: float = POST_ETA
    epochs: int = POST_EPOCHS
    tol: float = 0.0
    learner: str = "gradient"
    reach: tuple[float, float] | None = None
    relative: bool = False
    min_angles_deg: tuple[float, ...] | None = None
    max_angles_deg: tuple[float, ...] | None = None
    momentum: float = DEFAULT_MOMENTUM
    damping: float = DEFAULT_DAMPING

    def __post_init__(self) -> None:
        angles = _vector("angles", self.angles_deg)
        n = len(angles)
        lengths = (1.0,) * n if self.lengths is None else _vector("lengths", self.lengths, positive=True)
        if len(lengths) != n:
            raise ParamError("lengths", f"needs one length per angle: {count(n, 'angle')} but "
                                        f"{count(len(lengths), 'length')}")
        epochs = _whole("epochs", self.epochs, 0, MAX_EPOCHS)
        if epochs * n > MAX_HISTORY:
            raise ParamError("epochs", f"epochs x links must be at most {MAX_HISTORY:,} "
                                       f"(the history is kept in memory), got {epochs * n:,}")
        if self.learner not in LEARNERS:
            raise ParamError("learner", f"must be one of {', '.join(LEARNERS)}, got {shown(self.learner)}")
        rule = RULES.get(self.learner)
        rows = 1 + (rule.state_rows if rule else 0)        # a stateful learner's state is kept per epoch too
        if epochs * n * rows > MAX_HISTORY:
            raise ParamError("epochs", f"epochs x links x {rows} (the {self.learner} learner keeps its state each "
                                       f"epoch) must be at most {MAX_HISTORY:,}, got {epochs * n * rows:,}")
        if rule and rule.reach_only and self.reach is None:
            raise ParamError("learner", f"{self.learner} moves the joints' positions toward a point: it needs the "
                                        "reach task (a point X, Y), not a height")
        momentum = _finite("momentum", self.momentum, low=0.0)
        if not momentum < 1.0:
            raise ParamError("momentum", f"must be below 1 (beta = 1 never forgets a step), got {shown(momentum)}")
        damping = _finite("damping", self.damping, low=0.0)
        target = None if self.target is None else _finite("target", self.target)
        reach = None if self.reach is None else _point("reach", self.reach)
        if reach is not None and target is not None:
            raise ParamError("reach", "cannot be set together with target: target is the lateral task's height, "
                                      "reach a point (X, Y); leave target unset to reach a point")
        relative = self.relative if self.relative is False else _flag("relative", self.relative)
        low = None if self.min_angles_deg is None else _limits("min_angles", self.min_angles_deg, n)
        high = None if self.max_angles_deg is None else _limits("max_angles", self.max_angles_deg, n)
        lows, highs = limit_degrees(low, n, -math.inf), limit_degrees(high, n, math.inf)
        for i in range(n if low is not None or high is not None else 0):
            lo, hi = lows[i], highs[i]
            if lo > hi:
                raise ParamError(f"min_angles[{i + 1}]", f"joint {i + 1}'s minimum {lo:g} degrees is above "
                                                         f"its maximum {hi:g}")
            if not lo <= angles[i] <= hi:
                side = f"below its minimum of {lo:g}" if angles[i] < lo else f"above its maximum of {hi:g}"
                raise ParamError(f"angles[{i + 1}]", f"joint {i + 1} starts at {angles[i]:g} degrees, {side}")
        object.__setattr__(self, "angles_deg", angles)
        object.__setattr__(self, "lengths", lengths)
        object.__setattr__(self, "base", _finite("base", self.base))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "eta", _finite("eta", self.eta, positive=True))
        object.__setattr__(self, "epochs", epochs)
        object.__setattr__(self, "tol", _finite("tol", self.tol, low=0.0))
        object.__setattr__(self, "momentum", momentum)
        object.__setattr__(self, "damping", damping)
        for name, value in (("reach", reach), ("relative", relative), ("min_angles_deg", low),
                            ("max_angles_deg", high)):
            if value is not getattr(self, name):           # the post's setups (all unset) skip the writes
                object.__setattr__(self, name, value)

    @property
    def n_links(self) -> int:
        return len(self.angles_deg)

    @property
    def task(self) -> str:
        """``"lateral"`` (the post's: a height to reach) or ``"reach"`` (a point)."""
        return "lateral" if self.reach is None else "reach"

    @property
    def goal(self) -> float:
        """The height actually aimed at: ``target``, or the base when unset; for the reach task the point's Y."""
        if self.reach is not None:
            return self.reach[1]
        return self.base if self.target is None else self.target

    @property
    def aim(self) -> float | tuple[float, float]:
        """The target as the task takes it: the height :attr:`goal` (lateral) or the point :attr:`reach`."""
        return self.goal if self.reach is None else self.reach

    def aimed_at(self, aim: Any) -> "Params":
        """These params with the target moved to ``aim``: a height, or for the reach task a point (X, Y).

        Raises ParamError (``target`` or ``reach``) for an aim the task cannot take.
        """
        return self.with_(target=aim) if self.reach is None else self.with_(reach=aim)

    @property
    def is_post(self) -> bool:
        """The post's task and convention without limits: no reach point, absolute angles, no joint limits."""
        return (self.reach is None and self.relative is False and self.min_angles_deg is None
                and self.max_angles_deg is None)

    @property
    def limited(self) -> bool:
        """True when any joint has a limit."""
        return self.min_angles_deg is not None or self.max_angles_deg is not None

    @property
    def limits_deg(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Every joint's ``(minima, maxima)`` in degrees, -inf / inf where a side is free."""
        n = self.n_links
        return limit_degrees(self.min_angles_deg, n, -math.inf), limit_degrees(self.max_angles_deg, n, math.inf)

    @property
    def span(self) -> float:
        """Sum of the link lengths: the farthest the end point can get from the base."""
        return math.fsum(self.lengths)

    @property
    def inner_radius(self) -> float:
        """The nearest the end point can get to the base: ``max(0, 2 max L - sum L)``."""
        return max(0.0, 2 * max(self.lengths) - self.span)

    @property
    def distance(self) -> float:
        """How far the aim is from the base: ``|goal - Y0|`` (lateral) or ``|(X, Y) - (0, Y0)|`` (reach)."""
        if self.reach is None:
            return abs(self.goal - self.base)
        return math.hypot(self.reach[0], self.reach[1] - self.base)

    @property
    def reachable(self) -> bool:
        """Whether some pose puts the end point on the aim (joint limits aside)."""
        if self.reach is None:
            return abs(self.goal - self.base) <= self.span
        return self.inner_radius <= self.distance <= self.span

    def with_(self, **changes: Any) -> "Params":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def to_dict(self) -> dict:
        """Plain JSON/TOML-friendly form; ``from_dict(to_dict())`` round-trips exactly.

        A field at its "unset" default (``target``, ``reach``, the limits None; ``relative``
        False) is left out: TOML has no null, and the post's setups keep their old form.
        """
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["angles_deg"] = list(self.angles_deg)
        out["lengths"] = list(self.lengths)
        for name in ("target", "reach", "min_angles_deg", "max_angles_deg"):
            if out[name] is None:
                del out[name]
            elif name != "target":
                out[name] = list(out[name])
        if not self.relative:
            del out["relative"]
        for name, default in (("momentum", DEFAULT_MOMENTUM), ("damping", DEFAULT_DAMPING)):
            if out[name] == default:        # written when changed: the post's files and JSON keep their form
                del out[name]
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
