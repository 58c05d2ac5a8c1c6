"""Hostile scenario files: every kind refused by ``scenario.load`` in one short line, at bounded memory.

Each kind in :data:`HOSTILE` is made in a temporary folder by its own function, so
``benchmarks/bench_hostile_files.py`` loads exactly these kinds and times them (time
is never asserted here). The rules that refuse them are general (what the path is,
the size, then what tomllib would be asked to build: nesting, keys, values, the
length of one bare token, and only then the schema), so the fuzz tests at the end
load files nobody listed and expect the same: a Scenario, or one ScenarioError.
"""
from __future__ import annotations

import os
import random
import socket
import stat
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from armsim.core.params import MAX_LINKS, Params
from armsim.io import scenario
from armsim.io.scenario import MAX_BYTES, Scenario, ScenarioError, load
from tests.helpers import GOOD, good  # the post's setup as a scenario file, and edited

#: What one refused load may allocate at its peak (tracemalloc): the file, its text and tomllib's work.
MEMORY_BOUND = MAX_BYTES + 4 * 1024 * 1024
#: Longest message beside the path: enough to name key, rule and line, never a value whole.
MAX_MESSAGE = 250


def view(**values: str) -> str:
    return GOOD + "\n[view]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())


@dataclass(frozen=True)
class Kind:
    """One hostile file: ``make(folder)`` creates it and returns its path; the refusal must contain ``words``."""

    name: str
    make: Callable[[Path], str | Path]
    words: str
    key: str | None = None
    skip: str | None = None             # why this kind cannot be made here (None: it can)


HOSTILE: dict[str, Kind] = {}


def kind(name: str, words: str, key: str | None = None, skip: str | None = None):
    def register(make):
        HOSTILE[name] = Kind(name, make, words, key, skip)
        return make
    return register


def content(name: str, data: str | bytes, words: str, key: str | None = None, file: str = "s.toml") -> None:
    """A kind that is only a file's content."""
    def make(folder: Path) -> Path:
        path = folder / file
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path
    kind(name, words, key)(make)


# ---------------------------------------------------------------- what the path is
NOT_LINUX = None if sys.platform.startswith("linux") else "Linux only"
NO_FIFO = None if hasattr(os, "mkfifo") else "no named pipes"


@kind("fifo", "is a FIFO, not a regular file", skip=NO_FIFO)
def _fifo(folder):
    os.mkfifo(folder / "pipe.toml")            # opening it for reading would wait for a writer forever
    return folder / "pipe.toml"


@kind("directory", "is a directory")
def _directory(folder):
    (folder / "dir.toml").mkdir()
    return folder / "dir.toml"


for _device in ("zero", "urandom", "null"):
    kind(f"dev-{_device}", "is a character device, not a regular file",
         skip=None if os.path.exists(f"/dev/{_device}") else "no such device")(lambda folder, d=_device: f"/dev/{d}")


@kind("symlink-to-dev-zero", "is a character device", skip=None if os.path.exists("/dev/zero") else "no /dev/zero")
def _link_zero(folder):
    (folder / "zero.toml").symlink_to("/dev/zero")
    return folder / "zero.toml"


@kind("symlink-to-fifo", "is a FIFO", skip=NO_FIFO)
def _link_fifo(folder):
    os.mkfifo(folder / "pipe")
    (folder / "pipe.toml").symlink_to(folder / "pipe")
    return folder / "pipe.toml"


@kind("unix-socket", "is a socket, not a regular file", skip=NOT_LINUX)
def _socket(folder):
    fd = os.open(folder, os.O_RDONLY)
    try:            # through /proc: a socket's path may be at most 107 bytes, the temporary folder's can be longer
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(f"/proc/self/fd/{fd}/s.toml")
    finally:
        os.close(fd)
    return folder / "s.toml"


@kind("symlink-loop", "cannot read the file (Too many levels of symbolic links)")
def _loop(folder):
    (folder / "a.toml").symlink_to(folder / "b.toml")
    (folder / "b.toml").symlink_to(folder / "a.toml")
    return folder / "a.toml"


@kind("dangling-symlink", "no such file (a symbolic link to a missing file)")
def _dangling(folder):
    (folder / "s.toml").symlink_to(folder / "gone.toml")
    return folder / "s.toml"


@kind("unreadable", "cannot read the file (Permission denied)",
      skip="needs POSIX permissions, not root" if sys.platform == "win32" or os.geteuid() == 0 else None)
def _unreadable(folder):
    path = folder / "s.toml"
    path.write_text(GOOD)
    path.chmod(0)
    return path


@kind("proc-self-mem", "cannot read the file", skip=None if os.path.exists("/proc/self/mem") else "no /proc")
def _proc_mem(folder):
    return "/proc/self/mem"               # a "regular" file of size 0 whose first byte cannot be read


@kind("nul-in-name", "the file name contains a NUL character")
def _nul_name(folder):
    return str(folder / "a\0b.toml")


@kind("name-too-long", "cannot read the file (File name too long)")
def _long_name(folder):
    return folder / ("x" * 300 + ".toml")


@kind("path-through-a-file", "cannot read the file (Not a directory)")
def _through_file(folder):
    (folder / "f.toml").write_text(GOOD)
    return folder / "f.toml" / "s.toml"


@kind("huge-file", "file too large (10,485,760 bytes; at most 65,536)")
def _huge(folder):
    path = folder / "huge.toml"
    with open(path, "wb") as f:
        f.truncate(10 * 1024 * 1024)            # sparse: 10 MB of NULs that take no disk
    return path


content("just-over-the-limit", GOOD + "#" * (MAX_BYTES - len(GOOD) + 1), "file too large")
content("newline-in-the-name", GOOD + "eta = 0.1\n", "Cannot overwrite a value (at line 11", file="a\nb.toml")

# ---------------------------------------------------------------- bytes that are not UTF-8 TOML text
content("random-bytes", random.Random(4).randbytes(4096), "binary file (contains NUL bytes)")
content("high-bytes", bytes(random.Random(5).randrange(0x80, 0x100) for _ in range(4096)), "not UTF-8 text")
content("nul-bytes", GOOD.encode() + b"\0\1\2\xff", "binary file (contains NUL bytes), not a TOML scenario "
                                                     "(the first on line 11)")
content("invalid-utf8", GOOD.encode() + "[view]\nname = 'Müller'\n".encode("latin-1"), "not UTF-8 text (byte 0xfc")
content("overlong-utf8", GOOD.encode() + b"# \xc0\xaf\n", f"not UTF-8 text (byte 0xc0 at offset {len(GOOD) + 2}) "
                                                              "on line 11")
content("utf8-surrogate", GOOD.encode() + b"# \xed\xa0\x80\n", "not UTF-8 text (byte 0xed")
content("utf16-le-bom", b"\xff\xfe" + GOOD.encode("utf-16-le"), "UTF-16 text")
content("utf16-be-bom", b"\xfe\xff" + GOOD.encode("utf-16-be"), "UTF-16 text")
content("utf32-bom", GOOD.encode("utf-32"), "UTF-32 text")
content("utf16-no-bom", GOOD.encode("utf-16-le"), "binary file (contains NUL bytes)")
content("double-bom", b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD.encode(), "invalid TOML: Invalid statement (at line 1")
content("empty", b"", "missing [params] table", "params")
content("only-a-bom", b"\xef\xbb\xbf", "missing [params] table", "params")
content("only-comments", "#" * (MAX_BYTES - 1) + "\n", "missing [params] table", "params")

# ---------------------------------------------------------------- what tomllib would be asked to build
content("deep-dotted-key", "a" + ".a" * 32_000 + " = 1\n", "nested too deeply (more than 16 levels, line 1)")
content("deep-arrays", GOOD + "x = " + "[" * 20_000 + "]" * 20_000 + "\n", "nested too deeply")
content("deep-inline-tables", GOOD + "x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n", "nested too deeply")
content("deep-table-header", GOOD + "[" + ".".join(["t"] * 5_000) + "]\n", "nested too deeply (more than 16 levels, "
                                                                             "line 11)")
content("deep-array-of-tables", "[[" + "a." * 100 + "a]]\n", "nested too deeply")
content("100k-keys", "".join(f"k{i} = 1\n" for i in range(100_000)), "file too large")
content("many-keys", "".join(f"k{i} = 1\n" for i in range(5_000)), "too many keys and tables (more than 100, "
                                                                    "at line 101)")
content("50k-tables", "".join(f"[a{i}]\n" for i in range(50_000)), "file too large")
content("many-tables", "".join(f"[a{i}]\n" for i in range(6_000)), "too many keys and tables")
content("many-arrays-of-tables", "[[a]]\n" * 10_000, "too many keys and tables")
content("many-inline-keys", "x = {" + ", ".join(f"a{i} = 1" for i in range(5_000)) + "}\n", "too many keys and tables")
content("many-values", good(angles_deg="[" + "1," * 30_000 + "]"),
        f"too many values (more than {scenario.MAX_VALUES:,}, at line 5)")
content("many-nested-arrays", "x = [" + "[[[[1]]]]," * 6_000 + "]\n", "too many values")
content("many-empty-strings", "x = [" + '"",' * 20_000 + "]\n", "too many values")
content("very-long-bare-key", "a" * 60_000 + " = 1\n", "a bare key or value longer than 10,000 characters "
                                                       "(at line 1)")
content("very-long-number", good(eta="1" + "0" * 60_000 + ".0"), "a bare key or value longer than 10,000")
content("very-long-quoted-key", '"' + "k" * 60_000 + '" = 1\n' + GOOD, "unknown key",
        "k" * 57 + "... (60,000 characters)")
content("very-long-key-in-params", GOOD + '"' + "k" * 60_000 + '" = 1\n', "unknown key",
        "params." + "k" * 57 + "... (60,000 characters)")
content("key-with-a-newline", GOOD + '"a\\nb" = 1\n', "unknown key", "params.a\\nb")
content("duplicate-long-table-name", ('["' + "k" * 30_000 + '"]\n') * 2,
        "(30,026 characters) (at line 2, column 30004)")
content("very-long-note", view(note='"' + "x" * 60_000 + '"'), "at most 10,000 characters, got 60,000", "view.note")
content("very-long-name", view(name='"' + "x" * 5_000 + '"'), "at most 200 characters, got 5,000", "view.name")
content("very-long-learner", good(learner='"' + "x" * 60_000 + '"'), "(60,000 characters)", "params.learner")
content("multiline-string-bomb", view(note='"""' + "line\n" * 12_000 + '"""'), "at most 10,000 characters",
        "view.note")
content("line-continuation-bomb", good(eta='"""' + "\\\n" * 30_000 + '"""'), "must be a number, got a string",
        "params.eta")
content("unterminated-string", view(note='"""' + "x" * 60_000), "Unterminated string (at end of document)")

# ---------------------------------------------------------------- numbers
content("huge-decimal-integer", good(epochs="9" * 5_000), "an integer of more than 4,300 digits")
content("ten-to-the-5000", good(epochs="1" + "0" * 5_000), "an integer of more than 4,300 digits")
content("huge-hex-integer", good(base="0x" + "f" * 5_000), "TOML integers are 64-bit", "params.base")
content("int-just-over-64-bit", good(epochs=str(2 ** 63)), "number out of range", "params.epochs")
content("nan", good(eta="nan"), "nan and inf are not allowed", "params.eta")
content("inf", good(base="+inf"), "got inf", "params.base")
content("minus-inf-in-array", good(angles_deg="[1.0, -inf, 2.0]"), "got -inf", "params.angles_deg[2]")
content("float-1e400", good(eta="1e400"), "got inf", "params.eta")
content("float-huge-exponent", good(tol="1e99999999"), "got inf", "params.tol")

# ---------------------------------------------------------------- wrong types, every field
WRONG_TYPES = [
    ("angles_deg", '"22"', "must be an array of numbers, got a string", "params.angles_deg"),
    ("angles_deg", "22", "must be an array of numbers, got an integer", "params.angles_deg"),
    ("lengths", "1.0", "must be an array of numbers, got a float", "params.lengths"),
    ("base", '"0"', "must be a number, got a string", "params.base"),
    ("target", "[1.0]", "must be a number, got an array", "params.target"),
    ("eta", "{ value = 0.1 }", "must be a number, got a table", "params.eta"),
    ("epochs", '"20"', "must be a whole number, got a string", "params.epochs"),
    ("epochs", "20.5", "must be a whole number, got a float", "params.epochs"),
    ("tol", "[]", "must be a number, got an array", "params.tol"),
    ("learner", "1", "must be a string, got an integer", "params.learner"),
    ("format", "1", "not an armsim scenario", "format"),
    ("version", '"1"', "must be the integer 1, got a string", "version"),
]
for _field, _value, _words, _key in WRONG_TYPES:
    content(f"wrong-type-{_field}-{_value}", good(**{_field: _value}), _words, _key)
content("wrong-type-params", 'format = "armsim-scenario"\nparams = 3\n', "must be a table, got an integer", "params")
content("params-array-of-tables", "[[params]]\neta = 1\n", "must be a table, got an array", "params")
content("wrong-type-view", GOOD.replace("[params]", 'view = "fast"\n[params]'), "must be a table", "view")
content("wrong-type-view-speed", view(speed='"fast"'), 'or "max", got a string', "view.speed")
content("wrong-type-view-name", view(name="3"), "must be a string, got an integer", "view.name")
content("wrong-type-view-note", view(note="[1]"), "must be a string, got an array", "view.note")
content("bool-as-eta", good(eta="true"), "must be a number, got a boolean", "params.eta")
content("bool-as-epochs", good(epochs="false"), "must be a whole number, got a boolean", "params.epochs")
content("bool-in-angles", good(angles_deg="[true, 1.0]"), "got a boolean", "params.angles_deg[1]")
content("bool-as-speed", view(speed="true"), "got a boolean", "view.speed")

# ---------------------------------------------------------------- values out of range
content("lengths-of-the-wrong-length", good(lengths="[1.0, 1.0]"), "3 angles but 2 lengths", "params.lengths")
content("mixed-type-array", good(angles_deg='[1.0, "a", true]'), "must be a number, got a string",
        "params.angles_deg[2]")
content("array-of-arrays", good(angles_deg="[[1.0], [2.0]]"), "got an array", "params.angles_deg[1]")
content("absurd-links-count", good(angles_deg="[" + ", ".join(["1.0"] * (MAX_LINKS + 1)) + "]"),
        f"at most {MAX_LINKS} links", "params.angles_deg")
content("no-links", good(angles_deg="[]"), "at least one value", "params.angles_deg")
content("negative-length", good(lengths="[1.0, -1.0, 1.0]"), "must be greater than 0", "params.lengths[2]")
content("zero-length", good(lengths="[1.0, 0.0, 1.0]"), "must be greater than 0", "params.lengths[2]")
content("eta-zero", good(eta="0.0"), "must be greater than 0", "params.eta")
content("eta-negative", good(eta="-0.5"), "must be greater than 0", "params.eta")
content("eta-huge", good(eta="1e300"), "must be between -1e+06 and 1e+06", "params.eta")
content("epochs-10-to-the-12", good(epochs="1_000_000_000_000"), "must be between 0 and 1,000,000",
        "params.epochs")
content("epochs-negative", good(epochs="-1"), "must be between 0 and", "params.epochs")
content("history-too-long", good(angles_deg="[" + ", ".join(["1.0"] * 1000) + "]", epochs="1_000_000"),
        "epochs x links must be at most 20,000,000", "params.epochs")
content("tol-negative", good(tol="-1e-9"), "must be at least 0", "params.tol")
content("base-huge", good(base="-1e7"), "must be between", "params.base")
content("learner-unknown", good(learner='"newton"'), "must be one of gradient, hotcold", "params.learner")
content("speed-zero", view(speed="0"), "epochs per second", "view.speed")

# ---------------------------------------------------------------- keys, tables, format
content("duplicate-key", GOOD + "eta = 0.1\n", "Cannot overwrite a value (at line 11")
content("duplicate-table", GOOD + "[params]\n", "Cannot declare ('params',) twice (at line 11")
content("unknown-top-level-table", GOOD + "[colour]\nred = 1\n", "unknown key (known: format, version, params, "
                                                                 "view)", "colour")
content("unknown-key", good(etaa="0.1"), "unknown key (known: angles_deg,", "params.etaa")
content("unknown-view-key", view(zoom="2"), "unknown key (known: speed, name, note)", "view.zoom")
content("wrong-format", good(format='"armsim-history"'), "not an armsim scenario", "format")
content("wrong-version", good(version="2"), "unsupported version 2", "version")
content("version-huge", good(version="99999999999999"), "unsupported version 99999999999999", "version")
content("datetime", good(base="1979-05-27T07:32:00Z"), "dates and times are not allowed", "params.base")
content("local-date", good(target="1979-05-27"), "dates and times are not allowed", "params.target")
content("local-time", good(tol="07:32:00"), "dates and times are not allowed", "params.tol")

# ---------------------------------------------------------------- TOML syntax (the message gives the line)
content("syntax-error", GOOD.replace("eta = 0.075", "eta = "), "invalid TOML: Invalid value (at line 7, column 7)")
content("syntax-error-crlf", GOOD.replace("eta = 0.075", "eta = ").replace("\n", "\r\n"), "(at line 7, column 7)")
content("bare-cr", GOOD.replace("eta = 0.075\n", "eta = 0.075\r"), "(at line 7, column 12)")
content("code-as-value", good(eta="__import__('os').system('touch PWNED')"), "invalid TOML: Invalid value (at line 7")
content("control-character", good(learner='"grad\aient"'), "Illegal character '\\x07' (at line 10")
content("escaped-control-character", view(name='"a\\u0007b"'), "control character '\\x07' not allowed", "view.name")
content("surrogate-escape", view(name='"\\ud800"'), "not a Unicode scalar value (at line 13")
content("unclosed-array", good(angles_deg="[1.0, 2.0"), "invalid TOML")
content("unclosed-table-header", GOOD + "[view\n", "invalid TOML")


def kinds():
    return [pytest.param(k, id=k.name, marks=[pytest.mark.skip(reason=k.skip)] if k.skip else [])
            for k in HOSTILE.values()]


def refusal(path) -> tuple[ScenarioError, int]:
    """The error ``load(path)`` raises and the peak of memory it allocated meanwhile."""
    tracemalloc.start()
    try:
        load(path)
    except ScenarioError as e:
        return e, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    raise AssertionError(f"{path!r} was loaded")


def check_message(err: ScenarioError, path) -> str:
    """One line, short beside the path; returns it."""
    message = str(err)
    assert "\n" not in message and "\r" not in message, message[:300]
    shown_path = os.fsdecode(os.fspath(path))
    shown_path = shown_path if shown_path.isprintable() else repr(shown_path)[1:-1]     # a newline in it: escaped
    assert message.startswith(shown_path + ": "), message[:300]
    assert len(message) - len(shown_path) <= MAX_MESSAGE, message[:300]
    return message


def test_there_are_at_least_forty_kinds_that_can_be_made_here():
    assert len([k for k in HOSTILE.values() if not k.skip]) >= 40


@pytest.mark.parametrize("kind", kinds())
def test_each_hostile_file_is_refused_in_one_line_at_bounded_memory(tmp_path, monkeypatch, kind):
    monkeypatch.chdir(tmp_path)
    path = kind.make(tmp_path)
    err, peak = refusal(path)
    message = check_message(err, path)
    assert kind.words in message
    assert err.key == kind.key
    assert peak < MEMORY_BOUND, f"{peak:,} bytes at the peak"
    assert not (tmp_path / "PWNED").exists()


def test_a_valid_file_whose_setup_the_window_cannot_show_still_loads(tmp_path):
    """300 links are a valid scenario; the window (WINDOW_MAX_LINKS) refuses it, see tests/gui."""
    path = tmp_path / "wide.toml"
    path.write_text(good(angles_deg="[" + ", ".join(["1.0"] * 300) + "]"))
    assert load(path).params.n_links == 300


# ---------------------------------------------------------------- the rules are no special cases
def test_strings_and_comments_may_hold_anything_the_rules_count(tmp_path):
    """Brackets, dots, `=`, commas and long words inside strings and comments count for nothing."""
    junk = "[{" * 300 + "a." * 300 + "=," * 300 + "x" * 3000
    note = '"""' + junk + "\\\"\"\"\n" + junk + '"""'      # an escaped quote, then two: no end of the string
    text = (GOOD.replace("[params]", f"# {junk}{'x' * scenario.MAX_TOKEN}\n[params]") + "\n[view]\n"
            f"name = '{'{' * 20}'\nnote = {note}\n")
    s = load(_write(tmp_path, text))
    assert s.params == Params() and s.view["name"] == "{" * 20 and len(s.view["note"]) == 2 * len(junk) + 4


def test_the_largest_valid_scenario_passes_every_rule(tmp_path):
    """1,000 links with lengths, the longest floats repr writes, every key and a full view: it loads."""
    rng = random.Random(7)
    longest = lambda: -rng.uniform(1e5, 1e6) / 7 * 1e-300 * 1e300       # 18 significant digits and a sign
    p = Params(angles_deg=tuple(longest() for _ in range(MAX_LINKS)),
               lengths=tuple(rng.uniform(1, 2) / 3 for _ in range(MAX_LINKS)), base=longest(), target=longest(),
               eta=1 / 3, epochs=20_000, tol=1e-300, learner="hotcold")
    path = scenario.save(tmp_path / "big.toml", p, {"speed": 0.125, "name": "n" * 200, "note": "x = [1, 2]\n" * 100})
    assert os.path.getsize(path) <= MAX_BYTES
    assert load(path).params == p


@pytest.mark.parametrize("rule, over, under", [
    ("nesting", "a" + ".a" * (scenario.MAX_NESTING + 1) + " = 1\n", "a" + ".a" * scenario.MAX_NESTING + " = 1\n"),
    ("entries", "".join(f"k{i} = 1\n" for i in range(scenario.MAX_ENTRIES + 1)),
     "".join(f"k{i} = 1\n" for i in range(scenario.MAX_ENTRIES))),
    ("token", "k = 1" + "0" * scenario.MAX_TOKEN + "\n", "k = 1" + "0" * (scenario.MAX_TOKEN - 2) + "\n"),
])
def test_each_rule_refuses_one_over_its_limit_and_not_at_it(tmp_path, rule, over, under):
    with pytest.raises(ScenarioError, match="nested too deeply|too many|longer than"):
        load(_write(tmp_path, over))
    with pytest.raises(ScenarioError) as info:        # at the limit the rule lets it through to the schema
        load(_write(tmp_path, under))
    assert not any(w in info.value.problem for w in ("nested too deeply", "too many", "longer than"))


def _write(folder: Path, data: str | bytes, name: str = "s.toml") -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


# ---------------------------------------------------------------- files nobody listed
def _outcome(path) -> Scenario | ScenarioError:
    """What load() did: a Scenario or a ScenarioError (anything else fails the test)."""
    try:
        return load(path)
    except ScenarioError as e:
        check_message(e, path)
        return e


TOKENS = ["[", "]", "[[", "]]", "{", "}", "=", " = ", ",", ".", '"', "'", '"""', "'''", "\\", "\\u", "\n", "\r\n",
          "\r", "#", " ", "\t", "params", "view", "format", "version", "eta", "angles_deg", "lengths", "epochs",
          "note", "speed", "1", "1.5", "-0", "1e400", "nan", "+inf", "true", "0x1f", "1979-05-27", "07:32:00",
          "\u2028", "é", "\0", "\x7f", "\ufeff", "[params]\n", "[view]\n", "angles_deg = [1.0, 2.0]\n",
          'format = "armsim-scenario"\n', "a" * 300, "[" * 20, "." * 20]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS), max_size=200).map("".join))
def test_token_soup_loads_or_is_refused_in_one_line(tmp_path, text):
    _outcome(_write(tmp_path, text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4096))
def test_random_bytes_load_or_are_refused_in_one_line(tmp_path, data):
    _outcome(_write(tmp_path, data))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.binary(max_size=8) | st.sampled_from(
    [t.encode() for t in TOKENS])), min_size=1, max_size=12))
def test_a_good_file_mutated_loads_or_is_refused_in_one_line(tmp_path, edits):
    """Splices into GOOD (delete some bytes, insert others) at random places."""
    data = bytearray(GOOD.encode() + b"\n[view]\nspeed = 30\nname = 'x'\nnote = '''a\nb'''\n")
    for at, cut, insert in edits:
        at %= len(data) + 1
        data[at:at + cut] = insert
    outcome = _outcome(_write(tmp_path, bytes(data)))
    if isinstance(outcome, Scenario):
        assert isinstance(outcome.params, Params)


def test_random_mutations_of_hostile_kinds_load_or_are_refused(tmp_path):
    """Every kind above that is a regular file, cut and spliced at random places, 20 times each (seeded)."""
    rng = random.Random(2024)
    for i, k in enumerate(HOSTILE.values()):
        if k.skip:
            continue
        (tmp_path / f"k{i}").mkdir()
        path = k.make(tmp_path / f"k{i}")
        try:
            info = os.lstat(path)
            data = Path(path).read_bytes() if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES else None
        except (OSError, ValueError):       # no such file, unreadable, a NUL in the name
            continue
        for j in range(20 if data is not None else 0):
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(mutated) + 1)
                mutated[at:at + rng.randint(0, 16)] = rng.choice([rng.randbytes(rng.randint(0, 6)),
                                                                  rng.choice(TOKENS).encode()])
            _outcome(_write(tmp_path, bytes(mutated), f"m{i}-{j}.toml"))
