"""Hostile settings: the window starts with defaults, says so once, blocks on nothing, and destroys nothing.

Settings *files* are tried through the real start-up, ``armsim.gui.app.main``, in a
child process whose ``XDG_CONFIG_HOME`` and ``XDG_CONFIG_DIRS`` are temporary
folders (so QSettings finds its files as it does on a user's machine), with a
timeout: QSettings opens a FIFO with a blocking read, and without the check the
child hangs there for ever. The child's address space is capped, so a memory bomb
fails in the child and not on the machine. Stored *values* are tried in this
process, through the settings the fixtures keep in a temporary folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMessageBox

from armsim.core.params import Params
from armsim.gui import files, settings
from armsim.gui.main_window import MainWindow
from armsim.io import scenario

TIMEOUT = 60                # seconds for the child to start, report and quit (about 1 s when nothing blocks)
STORED = Params(angles_deg=(10.0, 20.0), eta=0.5)

CHILD = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from armsim import Params
    from armsim.gui import app
    from armsim.gui.main_window import MainWindow
    from armsim.render.qt_app import make_app

    def report():
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        if sys.argv[1] == "store":
            window.set_setup(Params(angles_deg=(10.0, 20.0), eta=0.5))
            window.actions.colour_safe.setChecked(True)
        print(json.dumps({"params": window.params.to_dict(), "colour_safe": window.actions.colour_safe.isChecked(),
                          "readout": window.readout.text()}), flush=True)
        QApplication.instance().quit()          # the window closes and stores its settings, as on any quit

    make_app()
    QTimer.singleShot(0, report)
    sys.exit(app.main())
""")


def start_window(tmp_path: Path, action: str = "report") -> tuple[dict, list[str]]:
    """Start the window in a child process; (what it reported, its stderr lines from armsim)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "home"),
               XDG_CONFIG_DIRS=str(tmp_path / "system"))
    try:
        child = subprocess.run([sys.executable, "-c", CHILD, action], capture_output=True, text=True, env=env,
                               timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the window did not start within {TIMEOUT} s: a read of the settings blocked")
    assert child.returncode == 0, f"the child ended with {child.returncode}: {child.stderr[-2000:]}"
    assert "Traceback" not in child.stderr, child.stderr[-2000:]
    return json.loads(child.stdout.splitlines()[-1]), [line for line in child.stderr.splitlines()
                                                         if line.startswith("armsim")]


def snapshot(root: Path) -> dict:
    """Every entry under ``root`` as it is on disk: kind, size, time and content (links and FIFOs unread)."""
    found = {}
    for path in sorted(root.rglob("*")):
        info = os.lstat(path)
        entry = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
        if stat.S_ISLNK(info.st_mode):
            entry += (os.readlink(path),)
        elif stat.S_ISREG(info.st_mode):
            with open(path, "rb") as f:
                entry += (hashlib.sha256(f.read()).hexdigest(),)
        found[str(path.relative_to(root))] = entry
    return found


def app_file(tmp_path: Path) -> Path:
    return tmp_path / "home" / "armsim" / "armsim.conf"


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _sparse(path: Path) -> Path:
    path.write_bytes(b"[General]\ncolour_safe=true\n")
    os.truncate(path, 50 * 1024 * 1024)             # 50 MB that take no disk
    return path


def _variant_nest(path: Path) -> Path:
    level, leaf = "\\0\\0\\0\\t\\0\\0\\0\\x1", "\\0\\0\\0\\x2\\0\\0\\0\\x2"      # a list of one; the integer 2
    path.write_text("[General]\nlast_setup=@Variant(" + level * 15_000 + leaf + ")\n")
    return path


def _loop(path: Path) -> Path:
    path.symlink_to(path.with_name("other.conf"))
    path.with_name("other.conf").symlink_to(path)
    return path


def _with_lock_fifo(path: Path) -> Path:
    path.write_text("[General]\ncolour_safe=true\n")
    return _fifo(path.with_name(path.name + ".lock"))        # read when the window stores its settings at close


def _device(path: Path) -> Path:
    """A device node of its own (Linux's zero device, 1:5): never a link to /dev/zero. Without the check the
    window stored its settings at close through whatever the file was, and as root that replaced /dev/zero."""
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux device numbers")
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


# name -> (where under tmp_path, what to make there, words of the one line)
HOSTILE_FILES = {
    "fifo": ("home/armsim/armsim.conf", _fifo, "is a FIFO, not a regular file"),
    "fifo-as-the-organisation-file": ("home/armsim.conf", _fifo, "is a FIFO"),
    "fifo-as-the-system-file": ("system/armsim/armsim.conf", _fifo, "is a FIFO"),
    "fifo-as-the-lock-file": ("home/armsim/armsim.conf", _with_lock_fifo, "is a FIFO"),
    "directory": ("home/armsim/armsim.conf", lambda p: p.mkdir() or p, "is a directory"),
    "50-mb-file": ("home/armsim/armsim.conf", _sparse, "file too large (52,428,800 bytes; at most 262,144)"),
    "binary": ("home/armsim/armsim.conf", lambda p: p.write_bytes(random.Random(3).randbytes(4096)) and p,
               "is binary (it contains NUL bytes)"),
    "not-utf8": ("home/armsim/armsim.conf", lambda p: p.write_bytes(b"[General]\nlast_setup=caf\xe9\n") and p,
                 "is not UTF-8 text (byte 0xe9 on line 2)"),
    "too-many-lines": ("home/armsim/armsim.conf",
                       lambda p: p.write_text("[General]\n" + "".join(f"k{i}=1\n" for i in range(5000))) and p,
                       "has 5,002 lines (at most 1,000"),
    # 30 bytes that ask QDataStream for a list of 2**31 values: std::bad_alloc aborted the app.
    "variant-size-bomb": ("home/armsim/armsim.conf",
                          lambda p: p.write_text("[General]\nlast_setup=@Variant(\\0\\0\\0\\t\\x7f\\xff\\xff\\xff)\n")
                          and p, "line 2: a @Variant value"),
    # 15,000 nested lists in 255 KB (Qt decodes them recursively; 16,000 overflowed the stack).
    "variant-nesting-bomb": ("home/armsim/armsim.conf", _variant_nest, "line 2: a @Variant value"),
    "symlink-loop": ("home/armsim/armsim.conf", _loop, "cannot be read (Too many levels of symbolic links)"),
    "character-device": ("home/armsim/armsim.conf", _device, "is a character device"),
}


@pytest.mark.parametrize("kind", HOSTILE_FILES)
def test_a_hostile_settings_file_starts_the_window_with_defaults_and_is_left_alone(tmp_path, kind):
    where, make, words = HOSTILE_FILES[kind]
    (tmp_path / "home").mkdir()
    (tmp_path / "system").mkdir()
    path = tmp_path / where
    path.parent.mkdir(parents=True, exist_ok=True)
    named = make(path)
    scope_folder = tmp_path / Path(where).parts[0]       # home or system: the other scope is read and written
    before = snapshot(scope_folder)
    shown, said = start_window(tmp_path)
    assert shown["params"] == json.loads(json.dumps(Params().to_dict())) and not shown["colour_safe"]
    assert len(said) == 1, said                                         # once, one line
    assert f"settings file {named}: {words}" in said[0] and "leaving the file as it is" in said[0]
    assert said[0] in shown["readout"].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert snapshot(scope_folder) == before                             # nothing written over it, or beside it


def test_several_hostile_files_are_said_in_one_line(tmp_path):
    (tmp_path / "home" / "armsim").mkdir(parents=True)
    os.mkfifo(app_file(tmp_path))
    (tmp_path / "home" / "armsim.conf").mkdir()
    shown, said = start_window(tmp_path)
    assert len(said) == 1 and "(and 1 more)" in said[0] and shown["params"] == Params().to_dict()


def test_a_good_settings_file_is_read_and_written_as_before(tmp_path):
    """No false alarm: what a session stores, the next reads (through the same XDG folders), silently."""
    shown, said = start_window(tmp_path, "store")
    assert not said and app_file(tmp_path).is_file()
    assert settings.check_file(str(app_file(tmp_path))) is None
    shown, said = start_window(tmp_path)
    assert not said
    assert Params(**{k: tuple(v) if isinstance(v, list) else v for k, v in shown["params"].items()}) == STORED
    assert shown["colour_safe"]


# ---------------------------------------------------------------- the checks, in this process
def test_settings_files_names_the_file_qsettings_reads_first():
    scope, path = settings.settings_files()[0]
    assert scope == QSettings.UserScope and path == QSettings().fileName()
    assert {p for _, p in settings.settings_files()} >= {QSettings().fileName()}


CHECKED = {
    "fifo": (lambda p: os.mkfifo(p), "is a FIFO"),
    "directory": (lambda p: p.mkdir(), "is a directory"),
    "dev-zero": ("/dev/zero", "is a character device"),
    "dev-urandom": ("/dev/urandom", "is a character device"),
    "50-mb-file": (lambda p: _sparse(p), "file too large"),
    "binary": (lambda p: p.write_bytes(b"\x00\xff" * 100), "is binary"),
    "variant-quoted": (lambda p: p.write_text('[General]\nk="@Variant(\\0\\0\\0\\x2\\0\\0\\0\\x2)"\n'),
                       "line 2: a @Variant"),
    "variant-in-a-list": (lambda p: p.write_text("[General]\nk=a, @Variant(\\0\\0\\0\\x2\\0\\0\\0\\x2)\n"),
                          "line 2: a @Variant"),
    "variant-after-a-continued-line": (lambda p: p.write_text("[General]\nk=\\\n  @Variant(\\0\\0\\0\\x2)\n"),
                                       "line 3: a @Variant"),
}


@pytest.mark.parametrize("kind", CHECKED)
def test_check_file_names_each_problem_in_one_line(tmp_path, kind):
    make, words = CHECKED[kind]
    if isinstance(make, str):
        if not os.path.exists(make):
            pytest.skip(f"no {make}")
        path = make
    else:
        path = tmp_path / "armsim.conf"
        make(path)
    problem = settings.check_file(str(path))
    assert problem is not None and words in problem and "\n" not in problem


def test_what_armsim_writes_passes_the_check(qtbot, make_window, tmp_path):
    """Geometry, dock layout, palette, a setup and recent files, one named like a Qt value: no alarm."""
    window = make_window(Params(angles_deg=tuple(float(i) for i in range(200))))     # the window's widest setup
    window.actions.colour_safe.setChecked(True)
    for name in ("@Variant(x).toml", "a, b.toml", "plain.toml"):
        files.remember(str(tmp_path / name))
    window.close()
    QSettings().sync()
    assert os.path.getsize(QSettings().fileName()) < settings.MAX_FILE_BYTES
    assert settings.check_file(QSettings().fileName()) is None


# ---------------------------------------------------------------- stored values
def _window_from_settings(qtbot) -> MainWindow:
    """A window made as ``app.main`` makes it: from the stored setup, then the stored looks."""
    window = MainWindow(settings.last_params())
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("value", [
    "x" * (10 * 1024 * 1024),                             # a huge string
    "é" * 40_000,                                         # 40,000 characters but 80,000 bytes: over 64 KiB
    "a" + ".a" * 30_000 + " = 1",                         # nested junk as TOML
    "[params]\nx = " + "[" * 5_000 + "]" * 5_000,
    [[[[[[[[[[["deep"]]]]]]]]]]],                         # nested junk as values
    {"params": {"eta": 1}},
    5, 2.5, True, QByteArray(b"\x00" * 100),             # wrong types
    scenario.dumps(Params(angles_deg=(1.0,) * 300)),      # valid, but more links than the window shows
], ids=["huge-string", "multibyte", "deep-dotted", "deep-arrays", "nested-list", "dict", "int", "float", "bool",
        "bytes", "too-wide-for-the-window"])
def test_a_bad_stored_setup_starts_the_window_with_defaults(qtbot, value):
    QSettings().setValue("last_setup", value)
    assert settings.last_params() is None
    assert _window_from_settings(qtbot).params == Params()


def test_bad_stored_looks_start_the_window_with_defaults(qtbot):
    s = QSettings()
    junk = QByteArray(random.Random(1).randbytes(2000))
    for key, value in [("geometry", junk), ("window_state", junk), ("colour_safe", "perhaps"), ("log_error", 3)]:
        s.setValue(key, value)
    window = _window_from_settings(qtbot)
    assert not window.actions.colour_safe.isChecked() and not window.actions.log.isChecked()
    for key, value in [("geometry", "text"), ("window_state", ["a", "b"]), ("colour_safe", [1]),
                       ("log_error", {"a": 1})]:
        s.setValue(key, value)
    window = _window_from_settings(qtbot)
    assert not window.actions.colour_safe.isChecked() and window.params == Params()


@pytest.mark.parametrize("x, y, w, h", [(-1_000_000, -1_000_000, 100_000, 100_000), (-5000, 3000, 1, 1),
                                        (2_000_000, 2_000_000, 50_000, 50_000)])
def test_a_negative_or_huge_stored_geometry_comes_back_onto_the_screen(qtbot, x, y, w, h):
    first = MainWindow(Params())            # never shown: such a window is only ever a stored geometry
    qtbot.addWidget(first)
    first.setGeometry(x, y, w, h)
    QSettings().setValue("geometry", first.saveGeometry())
    again = _window_from_settings(qtbot)
    assert again.screen().availableGeometry().contains(again.geometry()), again.geometry()


def test_a_scenario_the_window_cannot_show_is_refused_by_the_window(qtbot, make_window, tmp_path, monkeypatch):
    """Valid for load (300 links), too wide for the window: one warning, and the setup is unchanged."""
    seen = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: seen.append(text))
    path = tmp_path / "wide.toml"
    scenario.save(path, Params(angles_deg=(1.0,) * 300))
    window = make_window(STORED)
    assert not files.open_scenario(window, str(path))
    assert window.params == STORED and len(seen) == 1 and "at most 200 links" in seen[0]
