"""Named setups of learning from examples: the capacity lessons the examples tab offers.

Each lesson is a data set and a training setup with the sentence it teaches;
the tests check that each says what its run shows.
"""
from __future__ import annotations

from typing import NamedTuple

from armsim.core.training import TrainSetup


class ExampleLesson(NamedTuple):
    title: str
    text: str
    dataset: str            # a name of armsim.core.datasets.BUILT_IN
    setup: TrainSetup


EXAMPLE_LESSONS = (
    ExampleLesson(
        "Legs, 3 links: the arm is too short",
        "Mammals (2 or 4 legs) should end below zero and insects (6) above, but Y(x) = x + sum sin w moves the "
        "end point at most 3 from the base: no pose puts 4 below zero and 6 above. The 4-legged mammals stay "
        "on the wrong side.",
        "legs", TrainSetup(model="offset", loss="logistic", angles_deg=(0.0,) * 3, eta=1.0, epochs=2000)),
    ExampleLesson(
        "Legs, 6 links: separated",
        "Six links reach 6 below the base: the shared angles fold the arm down by between 4 and 6, so every "
        "mammal ends below zero and every insect above.",
        "legs", TrainSetup(model="offset", loss="logistic", angles_deg=(0.0,) * 6, eta=1.0, epochs=2000)),
    ExampleLesson(
        "Wave, offset model: a shift is all it learns",
        "With the offset model every example's arm has the same pose, so Y(x) = x + a constant: a straight line "
        "that cannot follow the wave.",
        "wave", TrainSetup(model="offset", loss="squared", angles_deg=(10.0, 20.0, -10.0), eta=0.3, epochs=3000)),
    ExampleLesson(
        "Wave, input model: the angles follow x",
        "theta_i(x) = a_i x + b_i lets each example's arm take its own pose: sine units of x, a small neural "
        "network, and Y(x) follows the wave.",
        "wave", TrainSetup(model="input", loss="squared", angles_deg=(10.0, 20.0, -10.0), eta=0.3, epochs=3000)),
    ExampleLesson(
        "Legs, three classes: an arm per class (softmax)",
        "Bird, mammal or insect: each class has its own arm, and its end point is that class's score. Softmax "
        "turns the three scores into probabilities; the largest decides, so x splits into three regions.",
        "legs3", TrainSetup(model="input", loss="softmax", angles_deg=(22.0, -20.0, 14.0), eta=0.1, epochs=3000)),
    ExampleLesson(
        "Legs, three classes, offset model: only the frequencies",
        "With the offset model every class's end point is x plus a constant, so every score carries the same x "
        "and softmax cancels it: the arms can learn only how often each class occurs (mammals, the most common, "
        "win everywhere).",
        "legs3", TrainSetup(model="offset", loss="softmax", angles_deg=(22.0, -20.0, 14.0), eta=0.1, epochs=3000)),
)
