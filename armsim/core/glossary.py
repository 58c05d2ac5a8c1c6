"""The glossary: every word the window shows a class, defined in a sentence or two, in the post's terms.

The window's Help page lists it and its tooltips quote it (:func:`tip`); the
tests check that every term the tooltips name is defined here. Plain text with
the formulas as the inspector writes them.
"""
from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    name: str
    definition: str
    field: str          # "the arm", "learning", "robotics" or "examples": the Help page's sections


TERMS: tuple[Term, ...] = (
    # the arm (seed 000)
    Term("link", "One rigid segment of the arm, of length L_i; link i hangs off the end of link i - 1.", "the arm"),
    Term("angle", "A link's direction w_i, measured from absolute horizontal as the post does (or, with relative "
                  "joints, from the previous link).", "the arm"),
    Term("forward pass", "Working out where the joints are from the angles: x_i = x_(i-1) + L_i cos w_i, "
                         "Y_i = Y_(i-1) + L_i sin w_i, from the base at (0, Y0).", "the arm"),
    Term("base", "Where the arm is fixed, at (0, Y0); the post calls Y0 the input.", "the arm"),
    Term("target", "Where the end point should go: a height T (the post's task) or a point (X, Y) to reach.",
         "the arm"),
    Term("residual", "How far the end point is from the target: T - Y_n (or (X - x_n, Y - y_n)). Its sign says "
                     "which side it is on; an overshooting run flips the sign every epoch.", "the arm"),
    Term("error", "E = 0.5 (T - Y_n)^2, half the squared residual: 0 when the end point is on target.", "the arm"),
    # learning (seed 000, 004)
    Term("epoch", "One update of every weight (angle) from the current pose; epoch 0 is the start pose.",
         "learning"),
    Term("eta", "The learning rate: how big a step each update takes along the gradient. Too small is slow, "
                "too large overshoots or diverges.", "learning"),
    Term("gradient", "dE/dw_i for every angle: how fast the error changes as each angle turns. Descending it "
                     "(w_i <- w_i - eta dE/dw_i) lowers the error.", "learning"),
    Term("chain rule", "dE/dw_i = dE/dY_n * dY_n/dw_i = -(T - Y_n) * L_i cos w_i: the error's slope through the "
                       "end point to each angle.", "learning"),
    Term("delta rule", "The post's update: w_i <- w_i - eta * dE/dw_i, every angle at once.", "learning"),
    Term("S", "S = sum L_i^2 cos^2 w_i, how strongly the end point answers the angles near a pose. One epoch "
              "multiplies the residual by about 1 - eta S.", "learning"),
    Term("eta_crit", "2 / S (2 / lambda_max in general): the learning rate above which each overshoot is larger "
                     "than the last and the run diverges. Between 1/S and eta_crit it overshoots but settles.",
         "learning"),
    Term("lambda_max", "The largest eigenvalue of J^T J: S for the post's task, the stiffest direction for the "
                       "reach task.", "learning"),
    Term("converged", "The run stopped because the error fell below the tolerance tol.", "learning"),
    Term("diverged", "The run stopped because one epoch turned a joint by more than 180 degrees, or the error "
                     "rose 5 epochs in a row above where it started.", "learning"),
    Term("hot and cold", "Seed 004's learner: try each angle a step up and a step down and keep the better. It "
                         "knows the direction but not the amount, so near the goal it rocks back and forth.",
         "learning"),
    Term("momentum", "The heavy ball: v <- beta v - eta g, w <- w + v. Steps build up speed along a steady "
                     "slope; eta_crit grows to (2 + 2 beta) / lambda_max.", "learning"),
    Term("Adam", "Steps scaled per weight by a running average of the gradient over the root of its running "
                 "square: about eta per step whatever the slope.", "learning"),
    # robotics
    Term("inverse kinematics", "Finding the angles that put the end point on a target: the forward pass run "
                               "backwards, here by learning.", "robotics"),
    Term("relative joints", "Angles measured as robots measure them: each link's angle q_i to the previous "
                            "link, theta_i = q_1 + ... + q_i.", "robotics"),
    Term("joint limits", "The least and greatest angle a joint may take; after each update an angle beyond one "
                         "is put back on it.", "robotics"),
    Term("Jacobian", "J = d(end point)/d(angles): one row per coordinate of the end point, one column per "
                     "angle. For the post's task J_i = L_i cos w_i.", "robotics"),
    Term("damped least squares", "The lm learner: w <- w + eta J^T (J J^T + lambda I)^-1 r. With lambda -> 0 "
                                 "it is Gauss-Newton's whole step; a large lambda is gradient descent.", "robotics"),
    Term("CCD", "Cyclic coordinate descent: from the tip to the base, each joint in turn is set to the angle "
                "that brings the end point nearest the target.", "robotics"),
    Term("FABRIK", "Forward and backward reaching: the joints are dragged to the target and back to the base "
                   "along straight lines, keeping the link lengths.", "robotics"),
    Term("unreachable", "No pose puts the end point on the target (too far, too near or beyond the limits): "
                        "the run ends as close as the arm gets.", "robotics"),
    Term("basin map", "Over a grid of start angles of two joints, the epochs each start needs to reach the "
                      "tolerance: where a learner and eta work, and where they diverge.", "robotics"),
    Term("error landscape", "The error of every pose over two angles: gradient descent walks downhill on it.",
         "robotics"),
    # examples (the post's closing step, seeds 001 to 003)
    Term("data set", "Rows (x, label): each example's arm has its base at x, and the label says where its end "
                     "point should be.", "examples"),
    Term("loss", "The error averaged over the examples; training lowers it with one set of weights for all.",
         "examples"),
    Term("sigmoid", "p = 1 / (1 + e^-Y): turns an end point Y into a probability between 0 and 1.", "examples"),
    Term("cross-entropy", "-(y ln p + (1 - y) ln(1 - p)): the logistic loss. With the sigmoid its slope is "
                          "simply dE/dY = p - y (divided by K).", "examples"),
    Term("softmax", "p_c = e^(Y_c) / sum e^(Y_j): one arm per class, their end points turned into probabilities "
                    "that add up to 1.", "examples"),
    Term("training set", "The examples the weights learn from; the test set is held out to see how they do on "
                         "examples they never saw.", "examples"),
    Term("accuracy", "The share of examples given their own class.", "examples"),
    Term("confusion matrix", "Counts of examples by true class (rows) and predicted class (columns).", "examples"),
    Term("mini-batch", "Each update uses a shuffled handful of examples instead of all of them; a batch of 1 is "
                       "stochastic gradient descent.", "examples"),
    Term("decision point", "Where the prediction crosses 0 (p = 1/2): one side is one class, the other side the "
                           "other.", "examples"),
)
GLOSSARY = {t.name.lower(): t for t in TERMS}
FIELDS = ("the arm", "learning", "robotics", "examples")


def define(name: str) -> str:
    """The definition of ``name`` (KeyError for a word the glossary lacks: the tests catch such tooltips)."""
    return GLOSSARY[name.lower()].definition


def tip(name: str, usage: str = "") -> str:
    """A tooltip: what the control does (``usage``), then the glossary's definition of ``name``."""
    lead = f"{usage}\n\n" if usage else ""
    return f"{lead}{GLOSSARY[name.lower()].name}: {define(name)}\n(Help > Glossary)"
