"""Data files (``armsim.io.data_files``): good files read as meant, saves read back bit for bit, and every
kind of hostile file refused in one short line naming the file, the line and the rule."""
from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from armsim.core.datasets import BUILT_IN, MAX_CLASSES, MAX_ROWS, DataError, DataSet
from armsim.io.data_files import MAX_BYTES, MAX_NAME, load_csv, save_csv
from tests.core.data_file_cases import BAD, NAME, write

#: Longest refusal: enough to name the file, the line and the rule, never a value whole.
MAX_MESSAGE = 200


def bits(a) -> bytes:
    """The exact bits of a float array (``==`` would let -0.0 stand for 0.0)."""
    return np.asarray(a, dtype=np.float64).tobytes()


# ---------------------------------------------------------------------------------------------- good files

GOOD = [
    pytest.param("x,label\n1,0\n2,1\n", [1, 2], [0, 1], None, id="plain"),
    pytest.param("\ufeffx,label\n1,0\n2,1\n", [1, 2], [0, 1], None, id="bom"),
    pytest.param("  X , Label  \n  1.5 ,  -2 \n\t2e-3\t,1e6\n", [1.5, 2e-3], [-2, 1e6], None, id="spaces-and-case"),
    pytest.param("# a comment first\nx,label\n# and between\n1,0\n  # indented\n2,1\n# last", [1, 2], [0, 1], None,
                 id="comments"),
    pytest.param("\n\n  \nx,label\n\n1,0\n\n\n2,1\n\n", [1, 2], [0, 1], None, id="blank-lines"),
    pytest.param("label,x\n0,1\n1,2\n", [1, 2], [0, 1], None, id="swapped-columns"),
    pytest.param("x,label\r\n1,0\r\n2,1\r\n", [1, 2], [0, 1], None, id="crlf"),
    pytest.param("x,label\r1,0\r2,1\r", [1, 2], [0, 1], None, id="cr"),
    pytest.param("x,label\n2,mammal\n6,insect\n4, mammal \n", [2, 6, 4], [0, 1, 0], ("mammal", "insect"),
                 id="names"),
    pytest.param('label,x\n"dog, big",1\n"say ""hi""",2\n "dog, big",3\n', [1, 2, 3], [0, 1, 0],
                 ("dog, big", 'say "hi"'), id="quoted-names"),
    pytest.param("x,label\n1,chat noir\n2,Ünïcødé ☃\n3,#hash\n", [1, 2, 3], [0, 1, 2],
                 ("chat noir", "Ünïcødé ☃", "#hash"), id="names-with-spaces-unicode-hash"),
    pytest.param("x,label\n-1e6,0.25\n1_000,-0.0\n", [-1e6, 1000], [0.25, -0.0], None, id="float-syntax"),
]


@pytest.mark.parametrize(("text", "x", "y", "classes"), GOOD)
def test_good_file_reads_as_meant(tmp_path, text, x, y, classes):
    data = load_csv(write(tmp_path, text))
    assert data.name == NAME
    assert bits(data.x) == bits(x)
    assert bits(data.y) == bits(y)
    assert data.classes == classes


def test_the_limits_themselves_are_allowed(tmp_path):
    """MAX_ROWS rows, MAX_CLASSES names of MAX_NAME characters, in a file of exactly MAX_BYTES."""
    names = [f"{i}".rjust(MAX_NAME, "c") for i in range(MAX_CLASSES)]
    rows = "".join(f"{k},{names[k % MAX_CLASSES]}\n" for k in range(MAX_ROWS))
    text = "x,label\n" + rows
    text += "#" * (MAX_BYTES - len(text.encode()) - 1) + "\n"
    path = write(tmp_path, text)
    assert path.stat().st_size == MAX_BYTES
    data = load_csv(path)
    assert len(data) == MAX_ROWS and data.classes == tuple(names)


def test_name_is_the_base_name(tmp_path):
    (tmp_path / "sub").mkdir()
    assert load_csv(write(tmp_path / "sub", "x,label\n1,0\n2,1\n", "legs.csv")).name == "legs.csv"


# --------------------------------------------------------------------------------------------- round trip

FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
CLASS_NAMES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=MAX_NAME).map(
    str.strip).filter(lambda s: s and s.isprintable() and not _is_number(s))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@st.composite
def data_sets(draw) -> DataSet:
    xs = draw(st.lists(FINITE, min_size=2, max_size=40))
    if draw(st.booleans()):
        return DataSet("any", xs, draw(st.lists(FINITE, min_size=len(xs), max_size=len(xs))))
    pool = draw(st.lists(CLASS_NAMES, min_size=1, max_size=MAX_CLASSES, unique=True))
    labels = draw(st.lists(st.sampled_from(pool), min_size=len(xs), max_size=len(xs)))
    classes = tuple(dict.fromkeys(labels))          # numbered in order of first appearance, as load_csv does
    return DataSet("any", xs, [classes.index(label) for label in labels], classes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=data_sets())
def test_save_then_load_gives_the_same_set_bit_for_bit(tmp_path, data):
    path = tmp_path / "round.csv"
    assert save_csv(path, data) == path
    back = load_csv(path)
    assert bits(back.x) == bits(data.x)
    assert bits(back.y) == bits(data.y)
    assert back.classes == data.classes
    assert back.name == "round.csv"


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_built_in_sets_round_trip(tmp_path, name):
    data = BUILT_IN[name]
    back = load_csv(save_csv(tmp_path / f"{name}.csv", data))
    assert bits(back.x) == bits(data.x) and bits(back.y) == bits(data.y) and back.classes == data.classes


@pytest.mark.parametrize(("data", "words"), [
    pytest.param(DataSet("one", [1.0], [0.0]), "1 row", id="one-row"),
    pytest.param(DataSet("nan", [1.0, math.nan], [0.0, 1.0]), "not a finite number", id="nan"),
    pytest.param(DataSet("big", [1.0, 2.0], [0.0, 2e6]), "beyond", id="beyond"),
    pytest.param(DataSet("num", [1.0, 2.0], [0.0, 1.0], ("a", "1")), "not a class name", id="numeric-name"),
    pytest.param(DataSet("sp", [1.0, 2.0], [0.0, 1.0], ("a", " b")), "not a class name", id="spaced-name"),
    pytest.param(DataSet("dup", [1.0, 2.0], [0.0, 1.0], ("a", "a")), "same name", id="duplicate-names"),
    pytest.param(DataSet("long", [1.0, 2.0], [0.0, 1.0], ("a", "b" * 1000)), "too long", id="long-name"),
    pytest.param(DataSet("idx", [1.0, 2.0], [0.0, 2.0], ("a", "b")), "class index", id="index-out-of-range"),
])
def test_save_refuses_what_load_could_not_read_and_writes_nothing(tmp_path, data, words):
    path = write(tmp_path, "old content")
    with pytest.raises(DataError, match=words):
        save_csv(path, data)
    assert path.read_text() == "old content"
    assert os.listdir(tmp_path) == [NAME]


# ------------------------------------------------------------------------------------------- hostile files

@pytest.mark.parametrize(("make", "words", "line"), [pytest.param(m, w, n, id=i) for i, m, w, n in BAD])
def test_bad_file_is_refused_in_one_short_line(tmp_path, make, words, line):
    path = make(tmp_path)
    with pytest.raises(DataError) as refused:
        load_csv(path)
    message = str(refused.value)
    assert "\n" not in message and "\r" not in message
    assert len(message) <= MAX_MESSAGE, message
    assert message.startswith(NAME + (f" line {line}: " if line else ": ")), message
    assert words.lower() in message.lower(), message


def test_there_are_at_least_24_kinds_of_bad_file():
    assert len(BAD) >= 24 and len({i for i, *_ in BAD}) == len(BAD)


def test_a_character_device_is_refused(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    with pytest.raises(DataError, match=r"^zero: is a character device"):
        load_csv("/dev/zero")           # reading it would never end


def test_a_file_name_with_a_line_break_is_shown_on_one_line(tmp_path):
    with pytest.raises(DataError) as refused:
        load_csv(write(tmp_path, "x,label\n", "two\nlines.csv"))
    assert str(refused.value).startswith("two\\nlines.csv line 1: ")


# ----------------------------------------------------------------------------------------------- fuzzing

CSVISH = st.text(st.sampled_from("x,label \t\n\r#\"'0123456789.-+eEnaif_catdog\ufeff\x00\u00e9\u2028"), max_size=200)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(CSVISH, CSVISH.map(lambda s: "x,label\n" + s), st.binary(max_size=200)))
def test_any_content_gives_a_data_set_or_one_short_refusal(tmp_path, content):
    path = write(tmp_path, content)
    try:
        data = load_csv(path)
    except DataError as e:
        message = str(e)
        assert "\n" not in message and "\r" not in message and len(message) <= MAX_MESSAGE
        assert message.startswith(NAME)
    else:
        assert 2 <= len(data) <= MAX_ROWS
        assert np.all(np.isfinite(data.x)) and np.all(np.isfinite(data.y))
