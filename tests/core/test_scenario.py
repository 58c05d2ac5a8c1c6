"""Scenario files: exact round trips, atomic saves, and every kind of bad file refused by name."""
import dataclasses
import os
import sys
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from armsim.core.params import MAX_LINKS, Params
from armsim.io import scenario
from armsim.io.scenario import MAX_BYTES, Scenario, ScenarioError, load, parse, save
from tests.helpers import GOOD, good, write


def bits(p: Params) -> tuple:
    """Every field with floats as their exact bit pattern (so -0.0 differs from 0.0)."""
    def exact(v):
        if isinstance(v, float):
            return v.hex()
        if isinstance(v, tuple):
            return tuple(exact(x) for x in v)
        return v
    return tuple(exact(getattr(p, f.name)) for f in dataclasses.fields(p))


# --------------------------------------------------------------------------- round trip
coords = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(0.0, 1e6, exclude_min=True, allow_nan=False)


@st.composite
def params(draw):
    """Any Params, the model's options (reach, relative, joint limits) set or not."""
    n = draw(st.integers(1, 8))
    angles = draw(st.lists(coords, min_size=n, max_size=n))
    target = draw(st.none() | coords)
    return Params(angles_deg=tuple(angles),
                  lengths=draw(st.none() | st.lists(positive, min_size=n, max_size=n).map(tuple)),
                  base=draw(coords), target=target, eta=draw(positive),
                  epochs=draw(st.integers(0, 1_000_000)), tol=draw(st.floats(0.0, 1e6)),
                  learner=draw(st.sampled_from(["gradient", "hotcold"])),
                  reach=None if target is not None else draw(st.none() | st.tuples(coords, coords)),
                  relative=draw(st.booleans()),
                  min_angles_deg=draw(st.none() | st.tuples(*[st.floats(-1e6, a) for a in angles])),
                  max_angles_deg=draw(st.none() | st.tuples(*[st.floats(a, 1e6) for a in angles])))


no_controls = st.characters(blacklist_categories=("Cc", "Cs"))
views = st.fixed_dictionaries({}, optional={
    "speed": st.just("max") | st.floats(0.0, 1e6, exclude_min=True),
    "name": st.text(no_controls, max_size=scenario.MAX_NAME),
    "note": st.text(no_controls | st.sampled_from("\t\n\r"), max_size=300),
})


@settings(max_examples=300, deadline=None)
@given(p=params(), view=views)
def test_round_trip_is_exact_to_the_bit(tmp_path_factory, p, view):
    path = tmp_path_factory.mktemp("rt") / "s.toml"
    loaded = load(save(path, p, view))
    assert loaded.params == p
    assert bits(loaded.params) == bits(p)
    assert loaded.view == view
    assert os.listdir(path.parent) == ["s.toml"]


@given(p=params())
def test_text_round_trip_and_layout(p):
    text = scenario.dumps(p)
    doc = tomllib.loads(text)
    assert list(doc)[:2] == ["format", "version"]
    assert (doc["format"], doc["version"]) == ("armsim-scenario", 1)
    assert doc["params"] == p.to_dict()
    assert bits(parse(text).params) == bits(p)


def test_the_models_options_round_trip_and_are_written_only_when_set(tmp_path):
    p = Params(angles_deg=(22.0, -0.0, 14.0), reach=(1.5, -0.25), relative=True,
               min_angles_deg=(-90.0, -0.0, -45.5), max_angles_deg=(90.0, 5e-324, 45.0))
    doc = tomllib.loads(scenario.dumps(p))["params"]
    assert (doc["reach"], doc["relative"], doc["min_angles_deg"]) == ([1.5, -0.25], True, [-90.0, -0.0, -45.5])
    assert bits(load(save(tmp_path / "o.toml", p)).params) == bits(p)
    for one in (Params(min_angles_deg=(-90.0,) * 3), Params(max_angles_deg=(90.0,) * 3), Params(relative=True),
                Params(reach=(0.0, 0.0))):          # each alone
        assert load(save(tmp_path / "one.toml", one)).params == one
    post = tomllib.loads(scenario.dumps(Params()))["params"]
    assert not {"reach", "relative", "min_angles_deg", "max_angles_deg"} & set(post)      # the post's file as before


def test_an_old_file_without_the_options_opens_as_the_posts_task(tmp_path):
    s = load(write(tmp_path, GOOD))
    assert s.params == Params() and s.params.is_post
    assert (s.params.reach, s.params.relative, s.params.min_angles_deg, s.params.max_angles_deg) == \
        (None, False, None, None)


def test_hand_written_options_take_whole_numbers_and_relative_false(tmp_path):
    s = load(write(tmp_path, good(reach="[2, -1]", relative="false", min_angles_deg="[-90, -90, -90]",
                                  max_angles_deg="[90, 90.5, 90]")))
    assert s.params == Params(reach=(2.0, -1.0), min_angles_deg=(-90.0,) * 3, max_angles_deg=(90.0, 90.5, 90.0))
    assert all(isinstance(v, float) for v in s.params.reach + s.params.min_angles_deg)
    assert s.params.relative is False


def test_the_largest_scenario_with_every_option_passes_the_cost_rules(tmp_path):
    """MAX_LINKS links with lengths and both limits: four full arrays, under every rule and the size limit."""
    n = MAX_LINKS
    p = Params(angles_deg=(1.0,) * n, lengths=(1.5,) * n, min_angles_deg=(-90.0,) * n, max_angles_deg=(90.0,) * n,
               reach=(1.0, 2.0), relative=True, epochs=20_000)
    path = save(tmp_path / "big.toml", p, {"speed": 0.125, "name": "n" * 200, "note": "x" * 1000})
    assert os.path.getsize(path) <= MAX_BYTES
    assert load(path).params == p
    with pytest.raises(ScenarioError, match="too many values"):       # the values rule still bounds the file
        parse(good(angles_deg="[" + "1," * scenario.MAX_VALUES + "]"))


def test_negative_zero_and_subnormals_survive(tmp_path):
    p = Params(angles_deg=(-0.0, 5e-324, -2.2250738585072014e-308), base=-0.0, target=-0.0, eta=5e-324)
    assert bits(load(save(tmp_path / "z.toml", p)).params) == bits(p)


def test_a_minimal_hand_written_file_loads(tmp_path):
    s = load(write(tmp_path, GOOD.replace("14.0]", "14]").replace("base = 0.0", "base = 0")))
    assert s == Scenario(Params(), {})
    assert isinstance(s.params.base, float) and s.params.lengths == (1.0, 1.0, 1.0)


def test_byte_order_mark_and_crlf_are_tolerated(tmp_path):
    assert load(write(tmp_path, b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())).params == Params()


def test_integer_speed_becomes_float(tmp_path):
    s = load(write(tmp_path, GOOD + '\n[view]\nspeed = 30\nname = "Overshoot"\n'))
    assert s.view == {"speed": 30.0, "name": "Overshoot"} and isinstance(s.view["speed"], float)


def test_code_in_a_string_stays_an_inert_string(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    payload = "__import__('os').system('touch PWNED')"
    s = load(write(tmp_path, GOOD + f'\n[view]\nname = "{payload}"\nnote = "{payload}"\n'))
    assert s.view == {"name": payload, "note": payload}
    assert not (tmp_path / "PWNED").exists()


# --------------------------------------------------------------------------- bad files
DEEP = "format = \"armsim-scenario\"\nx = " + "[" * 20_000 + "]" * 20_000 + "\n"

BAD_CONTENT = [
    # (id, file content, key or None, words the message must contain)
    ("empty", "", "params", "missing [params]"),
    ("invalid-toml", GOOD + "eta = \n", None, "invalid TOML"),
    ("invalid-toml-position", GOOD.replace("epochs = 20", "epochs = 20 20"), None, "(at line 8, column 13)"),
    ("duplicate-key", GOOD + "eta = 0.1\n", None, "invalid TOML"),
    ("code-as-bare-value", good(eta="__import__('os').system('touch PWNED')"), None, "invalid TOML"),
    ("wrong-format", good(format='"something-else"'), "format", "not an armsim scenario"),
    ("format-not-string", good(format="1"), "format", "an integer"),
    ("unsupported-version", good(version="2"), "version", "unsupported version 2"),
    ("version-as-string", good(version='"1"'), "version", "must be the integer 1, got a string"),
    ("version-as-bool", good(version="true"), "version", "got a boolean"),
    ("unknown-top-level", "color = 1\n" + GOOD, "color", "unknown key"),
    ("missing-params", '# nothing\nformat = "armsim-scenario"\nversion = 1\n', "params", "missing [params]"),
    ("params-not-a-table", 'format = "armsim-scenario"\nversion = 1\nparams = 3\n', "params",
     "must be a table, got an integer"),
    ("params-array-of-tables", 'format = "armsim-scenario"\nversion = 1\n[[params]]\neta = 1\n', "params",
     "must be a table, got an array"),
    ("unknown-param", good(etaa="0.1"), "params.etaa", "unknown key"),
    ("string-for-number", good(eta='"0.1"'), "params.eta", "must be a number, got a string '0.1'"),
    ("bool-for-number", good(base="true"), "params.base", "must be a number, got a boolean"),
    ("array-for-number", good(eta="[0.1]"), "params.eta", "must be a number, got an array"),
    ("nested-table", GOOD + "[params.target]\nvalue = 1\n", "params.target", "must be a number, got a table"),
    ("inline-table", good(base="{ y = 1 }"), "params.base", "got a table"),
    ("scalar-for-array", good(angles_deg="22"), "params.angles_deg", "must be an array of numbers"),
    ("array-of-strings", good(angles_deg='["22", "-20"]'), "params.angles_deg[1]", "must be a number, got a string"),
    ("array-of-arrays", good(angles_deg="[[22.0], [1.0]]"), "params.angles_deg[1]", "got an array"),
    ("array-of-bools", good(lengths="[1.0, true, 1.0]"), "params.lengths[2]", "got a boolean"),
    ("nan", good(eta="nan"), "params.eta", "nan and inf are not allowed"),
    ("inf", good(base="inf"), "params.base", "got inf"),
    ("minus-inf-in-array", good(angles_deg="[1.0, -inf]"), "params.angles_deg[2]", "got -inf"),
    ("date", good(target="1979-05-27"), "params.target", "dates and times are not allowed"),
    ("datetime", good(base="1979-05-27T07:32:00Z"), "params.base", "dates and times are not allowed"),
    ("time", good(tol="07:32:00"), "params.tol", "dates and times are not allowed"),
    ("date-in-array", good(angles_deg="[1.0, 1979-05-27]"), "params.angles_deg[2]", "dates and times"),
    ("out-of-range-eta", good(eta="-1.0"), "params.eta", "must be greater than 0"),
    ("out-of-range-tol", good(tol="-0.5"), "params.tol", "must be at least 0"),
    ("out-of-range-base", good(base="1e300"), "params.base", "must be between"),
    ("out-of-range-epochs", good(epochs="-3"), "params.epochs", "must be between 0 and"),
    ("fractional-epochs", good(epochs="2.5"), "params.epochs", "must be a whole number, got a float"),
    ("negative-length", good(lengths="[1.0, -1.0, 1.0]"), "params.lengths[2]", "must be greater than 0"),
    ("no-links", good(angles_deg="[]"), "params.angles_deg", "at least one value"),
    ("too-many-links", good(angles_deg="[" + ", ".join(["1.0"] * (MAX_LINKS + 1)) + "]"), "params.angles_deg",
     f"at most {MAX_LINKS} links"),
    ("lengths-count-mismatch", good(lengths="[1.0, 1.0]"), "params.lengths", "3 angles but 2 lengths"),
    ("unknown-learner-code", good(learner="\"__import__('os').system('touch PWNED')\""), "params.learner",
     "must be one of gradient, hotcold"),
    ("huge-decimal-integer", good(epochs="9" * 5000), None, "invalid TOML"),
    ("huge-hex-integer", good(base="0x" + "f" * 5000), "params.base", "TOML integers are 64-bit"),
    ("nested-too-deeply", DEEP, None, "nested too deeply"),
    ("dotted-key-too-deep", GOOD + "a" + ".a" * 40 + " = 1\n", None, "nested too deeply"),
    ("table-header-too-deep", GOOD + "[" + ".".join(["t"] * 40) + "]\n", None, "nested too deeply"),
    ("inline-table-too-deep", GOOD + "x = " + "{a = " * 40 + "1" + "}" * 40 + "\n", None, "nested too deeply"),
    # the model's options
    ("reach-three-numbers", good(reach="[1.0, 2.0, 3.0]"), "params.reach", "two numbers [X, Y], got 3 values"),
    ("reach-one-number", good(reach="[1.0]"), "params.reach", "two numbers [X, Y], got 1 value"),
    ("reach-empty", good(reach="[]"), "params.reach", "got 0 values"),
    ("reach-scalar", good(reach="1.0"), "params.reach", "must be an array of two numbers [X, Y], got a float"),
    ("reach-table", good(reach="{ x = 1, y = 2 }"), "params.reach", "got a table"),
    ("reach-string", good(reach="[1.0, '2']"), "params.reach[2]", "must be a number, got a string"),
    ("reach-nan", good(reach="[nan, 1.0]"), "params.reach[1]", "nan and inf are not allowed"),
    ("reach-inf", good(reach="[1.0, -inf]"), "params.reach[2]", "got -inf"),
    ("reach-too-far", good(reach="[1e7, 0.0]"), "params.reach[1]", "must be between"),
    ("reach-with-target", good(reach="[1.0, 1.0]", target="0.5"), "params.reach",
     "cannot be set together with target"),
    ("relative-number", good(relative="1"), "params.relative", "must be true or false, got an integer 1"),
    ("relative-string", good(relative='"true"'), "params.relative", "must be true or false, got a string"),
    ("limits-scalar", good(min_angles_deg="-90"), "params.min_angles_deg", "must be an array of numbers"),
    ("limits-count", good(max_angles_deg="[90.0, 90.0]"), "params.max_angles_deg", "3 links but 2 limits"),
    ("limits-bool", good(min_angles_deg="[-90.0, true, -90.0]"), "params.min_angles_deg[2]", "got a boolean"),
    ("limits-nan", good(max_angles_deg="[90.0, 90.0, nan]"), "params.max_angles_deg[3]", "nan and inf"),
    ("limits-date", good(min_angles_deg="[1979-05-27, 1.0, 1.0]"), "params.min_angles_deg[1]", "dates and times"),
    ("min-above-max", good(min_angles_deg="[-90.0, -90.0, 0.0]", max_angles_deg="[90.0, 90.0, -10.0]"),
     "params.min_angles_deg[3]", "joint 3's minimum 0 degrees is above its maximum -10"),
    ("start-above-max", good(max_angles_deg="[90.0, -30.0, 90.0]"), "params.angles_deg[2]",
     "joint 2 starts at -20 degrees, above its maximum of -30"),
    ("start-below-min", good(min_angles_deg="[30.0, -90.0, -90.0]"), "params.angles_deg[1]",
     "joint 1 starts at 22 degrees, below its minimum of 30"),
    ("view-not-a-table", GOOD.replace("[params]", 'view = "fast"\n[params]'), "view", "must be a table"),
    ("unknown-view-key", GOOD + "[view]\ncolour = 'red'\n", "view.colour", "unknown key"),
    ("view-speed-word", GOOD + "[view]\nspeed = 'fast'\n", "view.speed", 'or "max", got a string'),
    ("view-speed-zero", GOOD + "[view]\nspeed = 0\n", "view.speed", "epochs per second"),
    ("view-speed-nan", GOOD + "[view]\nspeed = nan\n", "view.speed", "nan and inf are not allowed"),
    ("view-name-number", GOOD + "[view]\nname = 3\n", "view.name", "must be a string, got an integer"),
    ("view-name-control", GOOD + '[view]\nname = "a\\u0000b"\n', "view.name", "control character"),
    ("view-name-too-long", GOOD + f"[view]\nname = '{'x' * 201}'\n", "view.name", "at most 200 characters"),
]


@pytest.mark.parametrize("content, key, words", [c[1:] for c in BAD_CONTENT], ids=[c[0] for c in BAD_CONTENT])
def test_bad_file_is_refused_by_name(tmp_path, monkeypatch, content, key, words):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, content)
    with pytest.raises(ScenarioError) as info:
        load(path)
    err = info.value
    assert err.key == key
    assert words in err.problem
    assert str(err).startswith(f"{path}: " + (f"{key}: " if key else ""))
    assert err.path == str(path)
    assert not (tmp_path / "PWNED").exists()


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="nope.toml: no such file"):
        load(tmp_path / "nope.toml")


def test_directory(tmp_path):
    with pytest.raises(ScenarioError, match="is a directory"):
        load(tmp_path)


def test_ten_megabyte_file_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.toml"
    with open(path, "wb") as f:
        f.write(GOOD.encode() + b"#" * (10 * 1024 * 1024))

    def no_reading(*args, **kwargs):
        raise AssertionError("a too-large file was opened for reading")
    monkeypatch.setattr(scenario, "open", no_reading, raising=False)
    with pytest.raises(ScenarioError, match=r"file too large \(10,485,9\d\d bytes; at most 65,536\)"):
        load(path)


def test_just_over_the_limit_is_refused_and_just_under_loads(tmp_path):
    under = GOOD + "#" * (MAX_BYTES - len(GOOD) - 1) + "\n"
    assert len(under.encode()) == MAX_BYTES
    assert load(write(tmp_path, under)).params == Params()
    with pytest.raises(ScenarioError, match="file too large"):
        load(write(tmp_path, under + "#"))


def test_nul_bytes(tmp_path):
    with pytest.raises(ScenarioError, match="binary file .contains NUL bytes."):
        load(write(tmp_path, GOOD.encode() + b"\x00\x01\x02\xff"))


def test_not_utf8(tmp_path):
    content = GOOD.encode() + "[view]\nname = 'Müller'\n".encode("latin-1")
    with pytest.raises(ScenarioError, match=r"not UTF-8 text \(byte 0xfc at offset \d+\)"):
        load(write(tmp_path, content))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
def test_named_pipe_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):   # opening it would block forever
        load(fifo)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_unreadable_file(tmp_path):
    path = write(tmp_path, GOOD)
    path.chmod(0)
    try:
        with pytest.raises(ScenarioError, match="cannot read the file"):
            load(path)
    finally:
        path.chmod(0o600)


def test_save_rejects_a_bad_view_and_writes_nothing(tmp_path):
    path = write(tmp_path, "old")
    for view, key in [({"speed": -1}, "view.speed"), ({"zoom": 2}, "view.zoom"), ({"name": "a\nb"}, "view.name"),
                      ({"speed": True}, "view.speed"), ("fast", "view")]:
        with pytest.raises(ScenarioError) as info:
            save(path, Params(), view)
        assert info.value.key == key
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["s.toml"]


def test_save_rejects_what_is_not_params(tmp_path):
    with pytest.raises(TypeError, match="armsim.core.params.Params"):
        save(tmp_path / "s.toml", {"eta": 1.0})
    assert not os.listdir(tmp_path)


# --------------------------------------------------------------------------- atomic save
@pytest.mark.parametrize("where", ["replace", "fsync", "write"])
def test_crash_mid_save_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch, where):
    path = tmp_path / "s.toml"
    save(path, Params(eta=0.5), {"name": "old"})
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")
    if where == "write":
        # The temp file is already open when the data goes in: fail inside the with block.
        import armsim.io.atomic as atomic
        real = atomic.os.fdopen

        def fdopen(*args, **kwargs):
            f = real(*args, **kwargs)
            f.write = crash
            return f
        monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(os, where, crash)
    with pytest.raises(OSError, match="No space left"):
        save(path, Params(eta=0.1), {"name": "new"})
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["s.toml"]
    assert load(path).params == Params(eta=0.5)


def test_save_into_missing_directory_fails_cleanly(tmp_path):
    with pytest.raises(FileNotFoundError):
        save(tmp_path / "no" / "s.toml", Params())
    assert os.listdir(tmp_path) == []


def test_a_file_that_grows_after_the_size_check_is_still_refused(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD + "#" * (2 * MAX_BYTES))
    real = os.fstat

    def stale_stat(fd):                     # the size the file had a moment before it grew
        st = list(real(fd))
        st[6] = 100                         # st_size
        return os.stat_result(st)
    monkeypatch.setattr(os, "fstat", stale_stat)
    with pytest.raises(ScenarioError, match=r"file too large \(over 65,536 bytes\)"):
        load(path)


def test_a_minimal_hand_written_file_takes_the_defaults(tmp_path):
    """Only the angles: every other field is Params' default; format and version may be left out."""
    s = load(write(tmp_path, "[params]\nangles_deg = [10, 20.5]\n"))
    assert s.params == Params(angles_deg=(10.0, 20.5))
    s = load(write(tmp_path, 'format = "armsim-scenario"\n[params]\nangles_deg = [1.0]\neta = 0.5\n'))
    assert s.params == Params(angles_deg=(1.0,), eta=0.5)


def test_keys_dotted_thousands_deep_are_refused_at_once(tmp_path):
    """64 KiB of ``a.a.a...`` took tomllib 24 s and 6 GB; the nesting check refuses it before parsing."""
    import time
    path = write(tmp_path, "a" + ".a" * 32_000 + " = 1\n")
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError, match="nested too deeply"):
        load(path)
    assert time.perf_counter() - t0 < 1.0      # linear in the file's size: milliseconds


def test_numbers_with_decimal_points_are_no_nesting(tmp_path):
    s = load(write(tmp_path, GOOD.replace("[params]", "[params]\nlengths = [" + ", ".join(["1.5"] * 3) + "]")))
    assert s.params.lengths == (1.5, 1.5, 1.5)


def test_a_fifo_is_refused_without_waiting(tmp_path):
    import threading
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("e", _refusal(fifo)), daemon=True)
    t.start()
    t.join(2)
    assert not t.is_alive(), "load() blocked on a FIFO"
    assert "FIFO" in result["e"]


def _refusal(path) -> str:
    try:
        load(path)
    except ScenarioError as e:
        return e.problem
    return "accepted"


@pytest.mark.skipif(not __import__("os").path.exists("/proc/kmsg"), reason="needs /proc/kmsg")
def test_a_kernel_file_that_would_block_is_refused(tmp_path):
    import threading
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("e", _refusal("/proc/kmsg")), daemon=True)
    t.start()
    t.join(2)
    assert not t.is_alive(), "load() blocked on /proc/kmsg"
    assert result["e"] != "accepted"


def test_a_write_removes_what_a_killed_write_left_and_keeps_a_live_ones(tmp_path):
    import subprocess
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()                         # a process that has ended
    stale = tmp_path / f".setup.toml.armsim-unfinished.{dead}.abc123.tmp"
    live = tmp_path / f".setup.toml.armsim-unfinished.{os.getpid()}.def456.tmp"   # a write still going on
    other = tmp_path / f".other.toml.armsim-unfinished.{dead}.abc123.tmp"          # another destination's
    for p in (stale, live, other):
        p.write_text("partial")
    save(tmp_path / "setup.toml", Params())
    assert not stale.exists() and live.exists() and other.exists()
    assert load(tmp_path / "setup.toml").params == Params()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name, "setup.toml"])


def test_a_failed_write_leaves_a_temporary_file_named_for_what_it_is(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def crash(src, dst):
        seen.append(os.path.basename(src))
        raise OSError("simulated crash before the rename")
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save(tmp_path / "setup.toml", Params())
    monkeypatch.setattr(os, "replace", real_replace)
    assert seen and ".armsim-unfinished." in seen[0] and not (tmp_path / "setup.toml").exists()
    assert list(tmp_path.iterdir()) == []                   # and the failed write cleaned up after itself
