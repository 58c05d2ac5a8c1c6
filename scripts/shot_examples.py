"""Screenshots of the "Learn from examples" tab from a real X window (run under Xvfb):

    xvfb-run -a -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb python scripts/shot_examples.py assets

Writes ``examples-legs.png`` (the 6-link legs lesson, trained),
``examples-wave.png`` (the input-model wave lesson, trained) and
``examples-legs3.png`` (the three-class legs lesson with the input model, a quarter
of the rows held out, trained: the arms of x = 4, its probabilities, the decision
regions and both confusion matrices), each a grab of the whole window with the tab
in front. :func:`examples` takes an open window, so
``screenshots.py`` can call it among its other shots.
"""
from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEventLoop

from armsim import Params
from armsim.core.example_lessons import EXAMPLE_LESSONS

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from screenshots import open_window, settle  # noqa: E402  (a sibling script, not a package)

#: (file, lesson, probe x, setup changes before training)
SHOTS = (("examples-legs.png", EXAMPLE_LESSONS[1], 5.0, {}),
         ("examples-wave.png", EXAMPLE_LESSONS[3], 1.0, {}),
         ("examples-legs3.png", EXAMPLE_LESSONS[4], 4.0, {"test_fraction": 0.25}))


def train_lesson(view, lesson, changes=None) -> None:
    """Load ``lesson`` as its combo would, change its setup by ``changes``, train it and wait for the result."""
    view.lesson.setCurrentIndex(EXAMPLE_LESSONS.index(lesson))
    view.lesson.activated.emit(EXAMPLE_LESSONS.index(lesson))
    if changes:
        view.state.update_setup(**changes)
    loop = QEventLoop()
    done = lambda result: result is not None and loop.quit()
    view.state.resultChanged.connect(done)
    view.start_training()
    loop.exec()
    view.state.resultChanged.disconnect(done)


def examples(window, folder: str) -> None:
    """The tab in front, each lesson of :data:`SHOTS` trained and shot."""
    window.docks.examples_dock.raise_()
    settle()
    view = window.docks.examples_dock.view
    for name, lesson, probe, changes in SHOTS:
        train_lesson(view, lesson, changes)
        view.state.set_probe(probe)
        settle()
        path = os.path.join(folder, name)
        if not window.grab().save(path):
            raise SystemExit(f"could not write {path}")
        print("wrote", path)


def main(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    app, window = open_window(Params())
    examples(window, folder)
    window.close()
    app.quit()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "assets")
