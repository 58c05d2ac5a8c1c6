"""Named scenarios for the classroom: the seed post's examples, the learning-rate lessons and reaching a point.

This module owns the list a teacher picks from (a menu in the window, a name on
the command line). Each :class:`Preset` is a validated :class:`~armsim.core.params.Params`
plus a sentence on what to watch for and the status the run ends with. The
numbers were chosen by running them; ``tests/core/test_lessons_presets.py``
checks that each still behaves as its description says.

The learning-rate lessons all start from the post's pose (22, -20, 14 degrees),
where ``S = 2.684``, so ``1/S = 0.373`` and ``2/S = 0.745``
(see :mod:`armsim.core.verdict`). The meter judges the pose it is shown, not the
journey: from this start every eta from 0.76 to 0.90 ends "diverged", but most
rates from 0.92 to 1.5 swing the arm into a pose with a near-vertical link,
where ``S`` is small enough for that eta, and the run settles there. 0.82 sits
in the middle of the dependable range.
"""
from __future__ import annotations

from dataclasses import dataclass

from armsim.core.params import Params


@dataclass(frozen=True)
class Preset:
    """One named scenario.

    Attributes
    ----------
    name : str
        Unique, short enough for a menu.
    description : str
        What happens and what to watch for, for the class.
    params : Params
        The run.
    expect : str or None
        The status ``solve(params)`` ends with (see :mod:`armsim.core.run`), or
        None when the preset makes no claim.
    group : str
        The part of the list it belongs to (a section of the window's menu).
    """

    name: str
    description: str
    params: Params
    expect: str | None = None
    group: str = "The post's arm"


PRESETS: tuple[Preset, ...] = (
    Preset("The post's worked example",
           "Start at 22, -20, 14 degrees with eta = 0.075 for 20 epochs, exactly as the post's program: "
           "the end point comes down from 0.27 to 0.003.",
           Params(), "max_epochs"),
    Preset("First diagram: 10, 15, 10",
           "The post's first picture: the red start pose quickly folds into the green final pose "
           "with its end point on the target.",
           Params(angles_deg=(10.0, 15.0, 10.0)), "max_epochs"),
    Preset("Negative error: -20, -30, -10",
           "The end point starts 1 unit below the target. The same rule pushes it up: the sign of "
           "(target - Y) does the steering, and squaring it keeps the error positive.",
           Params(angles_deg=(-20.0, -30.0, -10.0)), "max_epochs"),
    Preset("Near 90 degrees: 87, 89, -85",
           "Every link is nearly vertical, so every cos w is near 0 and so is the gradient: in 20 epochs "
           "the error falls by only 6%, less than 1% per epoch, although the arm could easily fold "
           "down. Try 200 epochs to see it get there in the end.",
           Params(angles_deg=(87.0, 89.0, -85.0)), "max_epochs"),
    Preset("Needs more than 20 epochs: -75, 50, 80",
           "After the post's 20 epochs the end point is still 0.2 off the target; let it run and it "
           "converges (error below 1e-6) after 76 epochs.",
           Params(angles_deg=(-75.0, 50.0, 80.0), epochs=200, tol=1e-6), "converged"),
    Preset("-75, -55, 0 with Y0 = 0.7",
           "The post's shifted base: the whole problem moves up by 0.7 and the target with it. After the "
           "post's 20 epochs the end point is still about 0.12 short; 40 epochs bring it home.",
           Params(angles_deg=(-75.0, -55.0, 0.0), base=0.7), "max_epochs"),
    Preset("eta too small (0.01)",
           "The post's start with eta = 0.01, far below 1/S = 0.373: each epoch closes under 3% of the "
           "gap, and after 20 epochs a third of the start error is left.",
           Params(eta=0.01), "max_epochs"),
    Preset("eta good (0.3)",
           "eta = 0.3, just below 1/S = 0.373: each epoch closes about 80% of the gap, always from the "
           "same side, and 20 epochs leave no visible error.",
           Params(eta=0.3), "max_epochs"),
    Preset("eta oscillating (0.6)",
           "eta = 0.6, between 1/S = 0.373 and 2/S = 0.745: every step overshoots, so the end point "
           "jumps above and below the target in turn, yet each jump is smaller and the error still "
           "shrinks.",
           Params(eta=0.6), "max_epochs"),
    Preset("eta diverging (0.82)",
           "eta = 0.82, above 2/S = 0.745: every overshoot is larger than the last and the error "
           "rises epoch after epoch until the run is stopped as diverged.",
           Params(eta=0.82), "diverged"),
    Preset("Unreachable target (3.5)",
           "The target is 3.5 above the base but three unit links reach only 3: the arm stretches "
           "straight up, every cos w goes to 0, and the run ends as unreachable.",
           Params(target=3.5, epochs=300), "unreachable"),
    # The 2-D reach task (the numbers measured with solve; the tests hold them).
    Preset("Reach a point: (1.5, 1.2)",
           "The end point must go to a point, not just a height: E = ½((X − x)² + (Y − y)²). From 30, -10, "
           "50 degrees with eta = 0.2 the error falls below 1e-8 in 34 epochs. While a run plays, "
           "drag the blue cross: the arm chases it (follow mode).",
           Params(angles_deg=(30.0, -10.0, 50.0), reach=(1.5, 1.2), eta=0.2, epochs=5000, tol=1e-8),
           "converged", "Reaching a point"),
    Preset("A point out of reach: (3, 1.5)",
           "(3, 1.5) is 3.35 from the base and three unit links reach 3: the arm stretches straight toward "
           "it, every link at 26.6 degrees, and the run ends as unreachable with the end point 0.35 short.",
           Params(angles_deg=(30.0, -10.0, 50.0), reach=(3.0, 1.5), eta=0.2, epochs=500),
           "unreachable", "Reaching a point"),
    Preset("Near the base: fold to (0.4, 0.3)",
           "The point is only 0.5 from the base, so the stretched arm must fold back on itself: joint 1 "
           "swings up to 116 degrees and joint 3 down to -94 while the error falls from 3.1 to below "
           "1e-8 in 44 epochs.",
           Params(angles_deg=(20.0, 10.0, -10.0), reach=(0.4, 0.3), eta=0.2, epochs=500, tol=1e-8),
           "converged", "Reaching a point"),
    Preset("Limits make (-0.5, 1.2) unreachable",
           "Relative joints, as a robot's, with the elbows limited to ±60 degrees: bent no further, the "
           "arm cannot come nearer the base than 2, and the point is 1.3 away. The run ends when joints "
           "2 and 3 are held at their limits. Clear the limits and the same start gets there in 30 epochs.",
           Params(angles_deg=(30.0, -20.0, 40.0), reach=(-0.5, 1.2), relative=True, eta=0.2, epochs=500,
                  tol=1e-8, min_angles_deg=(-90.0, -60.0, -60.0), max_angles_deg=(90.0, 60.0, 60.0)),
           "unreachable", "Reaching a point"),
    Preset("60, 30, -20 as absolute angles",
           "Each angle measured from the horizontal (the post's convention): the end point starts at "
           "(2.31, 1.02) and reaches (1.2, 1.6) in 29 epochs. Compare the next lesson: the same three numbers.",
           Params(angles_deg=(60.0, 30.0, -20.0), reach=(1.2, 1.6), eta=0.2, epochs=500, tol=1e-8),
           "converged", "Reaching a point"),
    Preset("60, 30, -20 as relative joints",
           "The same numbers as robots measure them, each link's angle to the one before: the links point "
           "at 60, 90 and 70 degrees, the end point starts at (0.84, 2.81), and each joint's gradient is "
           "the sum over the links after it. The same eta takes 72 epochs.",
           Params(angles_deg=(60.0, 30.0, -20.0), reach=(1.2, 1.6), relative=True, eta=0.2, epochs=500,
                  tol=1e-8),
           "converged", "Reaching a point"),
)


def by_name(name: str) -> Preset:
    """The preset called ``name`` (exact match).

    Raises
    ------
    KeyError
        With the known names, if there is none by that name.
    """
    for preset in PRESETS:
        if preset.name == name:
            return preset
    raise KeyError(f"no preset named {name!r}; known: {', '.join(p.name for p in PRESETS)}")
