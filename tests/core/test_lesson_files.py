"""Lesson files: the built-in tour parses, a hand-written lesson reads back exactly, bad files are refused."""
import os

import pytest

from armsim.core.params import Params
from armsim.core.tour import TABS, WAITS, Tour, TourStep
from armsim.io.lesson_files import MAX_BYTES, MAX_STEPS, MAX_TEXT, LessonError, built_in_tour, load_lesson, parse_lesson

GOOD = '''format = "armsim-lesson"
version = 1
title = "Two steps"

[[step]]
title = "The arm"
text = """Three links.
A second line."""
try = "Drag a joint."
tab = "inspector"
[step.params]
angles_deg = [22, -20, 14]
eta = 0.82

[[step]]
title = "Legs"
text = "Examples."
predict = "Will it settle?"
wait = "diverged"
done = "It diverged."
examples_lesson = "Legs, 6 links: separated"
'''


def step(extra: str = "", params: str = "") -> str:
    """A one-step lesson with ``extra`` lines in its step and ``params`` lines in its [step.params]."""
    text = f'title = "T"\n[[step]]\ntitle = "S"\ntext = "x"\n{extra}\n'
    return text + (f"[step.params]\n{params}\n" if params else "")


def test_built_in_tour_parses_and_covers_the_issue():
    tour = built_in_tour()
    assert 15 <= len(tour) <= 25
    assert all(s.wait is None or s.wait in WAITS for s in tour.steps)
    waits = {s.wait for s in tour.steps}
    assert {"run", "converged", "diverged", "max_epochs", "unreachable", "eta_above_crit", "target_moved"} <= waits
    learners = {s.setup.learner for s in tour.steps if s.setup}
    assert {"gradient", "hotcold", "lm"} <= learners                    # seed 000, seed 004, the learners
    assert any(s.setup and s.setup.reach for s in tour.steps)           # the 2-D reach
    assert any(s.examples_lesson for s in tour.steps)                   # learning from examples
    assert {"inspector", "landscape", "basin", "compare", "examples"} <= {s.tab for s in tour.steps}


def test_a_hand_written_lesson_round_trip(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    expected = Tour("Two steps", (
        TourStep("The arm", "Three links.\nA second line.", Params(angles_deg=(22.0, -20.0, 14.0), eta=0.82),
                 try_text="Drag a joint.", tab="inspector"),
        TourStep("Legs", "Examples.", None, predict="Will it settle?", wait="diverged", done_text="It diverged.",
                 examples_lesson="Legs, 6 links: separated"),
    ))
    assert load_lesson(path) == expected
    assert parse_lesson(GOOD) == expected
    # format and version may be left out of a hand-written file
    assert parse_lesson(GOOD.replace('format = "armsim-lesson"\nversion = 1\n', "")) == expected


# (name, the file's text, words the one-line message must hold)
BAD_TEXTS = [
    ("not TOML", 'title = "T"\n[[step]\n', ["invalid TOML"]),
    ("empty", "", ["title", "missing"]),
    ("no title", '[[step]]\ntitle = "S"\ntext = "x"\n', ["title", "missing"]),
    ("no steps", 'title = "T"\n', ["step", "no steps"]),
    ("step not a table", 'title = "T"\nstep = 3\n', ["step", "array of tables"]),
    ("too many steps", 'title = "T"\n' + '[[step]]\ntitle = "S"\ntext = "x"\n' * (MAX_STEPS + 1),
     ["step", f"too many steps ({MAX_STEPS + 1}"]),
    ("unknown top key", 'title = "T"\ncolour = 1\n[[step]]\ntitle = "S"\ntext = "x"\n', ["colour", "unknown key"]),
    ("unknown step key", step('colour = "red"'), ["step 1: colour", "unknown key"]),
    ("unknown wait", step('wait = "explode"'), ["step 1: wait", "unknown wait", "explode", "diverged"]),
    ("wait not a string", step("wait = 3"), ["step 1: wait", "must be a string"]),
    ("unknown tab", step('tab = "kitchen"'), ["step 1: tab", "unknown tab", "kitchen", "landscape"]),
    ("unknown examples lesson", step('examples_lesson = "Cats"'), ["step 1: examples_lesson", "no examples lesson"]),
    ("bad eta", step(params="eta = -1"), ["step 1: params.eta", "greater than 0"]),
    ("eta as text", step(params='eta = "fast"'), ["step 1: params.eta", "must be a number"]),
    ("bad angle", step(params="angles_deg = [1, nan]"), ["step 1: params.angles_deg[2]", "finite"]),
    ("bad lengths", step(params="angles_deg = [1, 2]\nlengths = [1, 0]"), ["step 1: params.lengths[2]", "greater"]),
    ("bad epochs", step(params="epochs = 2.5"), ["step 1: params.epochs", "whole number"]),
    ("bad learner", step(params='learner = "magic"'), ["step 1: params.learner", "must be one of"]),
    ("bad reach", step(params="reach = [1]"), ["step 1: params.reach", "two numbers"]),
    ("reach and target", step(params="reach = [1, 1]\ntarget = 1"), ["step 1: params.reach", "together"]),
    ("unknown params key", step(params="speed = 3"), ["step 1: params.speed", "unknown key"]),
    ("params not a table", step("params = 3"), ["step 1: params", "must be a table"]),
    ("text too long", step().replace('text = "x"', f'text = "{"a" * (MAX_TEXT + 1)}"'),
     ["step 1: text", f"at most {MAX_TEXT:,} characters"]),
    ("title too long", 'title = "' + "t" * 201 + '"\n[[step]]\ntitle = "S"\ntext = "x"\n', ["title", "at most 200"]),
    ("control character", step('try = "ring \\u0007 the bell"'), ["step 1: try", "control character"]),
    ("newline in a title", 'title = "T"\n[[step]]\ntitle = "a\\nb"\ntext = "x"\n', ["step 1: title", "control"]),
    ("wrong format", 'format = "armsim-scenario"\n' + step(), ["format", "not an armsim lesson"]),
    ("wrong version", "version = 2\n" + step(), ["version", "unsupported version 2"]),
    ("version not an integer", 'version = "1"\n' + step(), ["version", "the integer 1"]),
    ("step without title", 'title = "T"\n[[step]]\ntext = "x"\n', ["step 1: title", "missing"]),
    ("step without text", 'title = "T"\n[[step]]\ntitle = "S"\n', ["step 1: text", "missing"]),
    ("empty step title", 'title = "T"\n[[step]]\ntitle = "  "\ntext = "x"\n', ["step 1: title", "empty"]),
    ("second step bad", step() + '[[step]]\ntitle = "S2"\ntext = "y"\nwait = "never"\n', ["step 2: wait"]),
    ("deep nesting", 'title = "T"\nx = ' + "[" * 5000 + "]" * 5000 + "\n", ["nested too deeply"]),
    ("deep dotted key", 'title = "T"\n' + ".".join(["a"] * 5000) + " = 1\n", ["nested too deeply"]),
    ("a date", 'title = 1979-05-27\n[[step]]\ntitle = "S"\ntext = "x"\n', ["title", "dates and times"]),
    ("huge integer", step(params="epochs = " + "9" * 30), ["params.epochs", "out of range"]),
]


@pytest.mark.parametrize("name, text, words", BAD_TEXTS, ids=[b[0] for b in BAD_TEXTS])
def test_bad_lesson_text_is_refused_naming_the_problem(name, text, words, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    message = str(info.value)
    assert "\n" not in message and len(message) < 600, message
    assert message.startswith(str(path)), message
    for word in words:
        assert word in message, message


def _fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    path = tmp_path / "fifo.toml"
    os.mkfifo(path)
    return path


def _write(name: str, data: bytes):
    def make(tmp_path):
        path = tmp_path / name
        path.write_bytes(data)
        return path
    return make


# (name, makes the path, words the message must hold)
BAD_FILES = [
    ("FIFO", _fifo, ["FIFO"]),
    ("directory", lambda tmp_path: tmp_path, ["directory"]),
    ("missing", lambda tmp_path: tmp_path / "nothing.toml", ["no such file"]),
    ("huge file", _write("huge.toml", b"# " + b"x" * MAX_BYTES + b"\n"), ["file too large"]),
    ("binary", _write("bin.toml", b'title = "T"\n\0\1\2'), ["binary file", "not a TOML lesson"]),
    ("not UTF-8", _write("latin.toml", 'title = "café"\n'.encode("latin-1")), ["not UTF-8"]),
    ("UTF-16", _write("u16.toml", 'title = "T"\n'.encode("utf-16")), ["UTF-16", "a lesson is UTF-8"]),
]


@pytest.mark.parametrize("name, make, words", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_lesson_file_is_refused_at_once(name, make, words, tmp_path):
    path = make(tmp_path)
    with pytest.raises(LessonError) as info:
        load_lesson(path)               # never blocks: a FIFO without a writer is refused, not waited on
    message = str(info.value)
    assert "\n" not in message and len(message) < 600, message
    for word in words:
        assert word in message, message


def test_a_long_unknown_key_is_not_echoed_whole():
    with pytest.raises(LessonError) as info:
        parse_lesson(step("k" * 5000 + " = 1"))
    assert len(str(info.value)) < 400 and "5,000 characters" in str(info.value)


def test_every_wait_and_tab_is_accepted():
    for wait in WAITS:
        assert parse_lesson(step(f'wait = "{wait}"')).steps[0].wait == wait
    for tab in TABS:
        assert parse_lesson(step(f'tab = "{tab}"')).steps[0].tab == tab
