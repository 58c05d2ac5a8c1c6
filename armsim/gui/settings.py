"""What the window remembers between launches (QSettings): geometry, palette, log scale and the last setup.

Stored values may be corrupt (hand-edited, from an older version, another
machine): every read checks its type and falls back to the default, and the
last setup is stored as scenario TOML text and validated like any file.

The settings files themselves may be hostile too. QSettings reads every file
of its chain (the application's and the organisation's, for the user and for
the system) as soon as one is constructed, with a blocking ``open()``: a FIFO
there would hang the start for ever (and one in place of ``FILE.lock``, which it
reads before it writes, the close), and a ``@Variant`` value can crash it (Qt
decodes one with QDataStream, trusting the sizes and nesting it reads).
:func:`check_files`, called at start-up before anything reads a setting, finds
those files without opening them through Qt and checks each as
:mod:`armsim.io.reading` checks any file: a regular file, at most
:data:`MAX_FILE_BYTES`, UTF-8 text of at most :data:`MAX_FILE_LINES` lines, and
no ``@Variant`` value (armsim never writes one). For a scope whose file fails,
QSettings is pointed at an empty private folder for this session: the window
starts with defaults, and the user's file is left exactly as it is (nothing is
written over a FIFO, or over a file that may still be worth reading).
"""
from __future__ import annotations

import os
import re
import struct
import sys

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings
from PySide6.QtGui import QGuiApplication

from armsim.core.params import Params
from armsim.io.reading import NotAFile, read_bounded

#: armsim writes a dozen short values (the last setup is at most 200 links of text): ~20 KB at most.
MAX_FILE_BYTES = 256 * 1024
MAX_FILE_LINES = 1_000
#: Where Qt would decode a value with QDataStream: a value, or an element of a list, that starts
#: ``@Variant(`` (quoted or not, after a line joined by a trailing backslash too). QDataStream trusts
#: what it reads: ``@Variant(\\0\\0\\0\\t\\x7f\\xff\\xff\\xff)`` asks for a list of 2**31 values and
#: aborts the app (std::bad_alloc); 16,000 nested lists overflow the stack. armsim stores strings,
#: lists of strings, booleans and ``@ByteArray`` values only, which Qt decodes flat.
_VARIANT = re.compile(r'(?:^|[=,])[ \t]*"?@Variant\(', re.MULTILINE)
MAX_LOCK_BYTES = 4096           # a QLockFile holds a process id, an application and a host name
_SCOPES = (QSettings.UserScope, QSettings.SystemScope)
_private_folder = None          # the TemporaryDirectory QSettings uses instead of a hostile file's folder


def settings_files() -> list[tuple[QSettings.Scope, str]]:
    """The files ``QSettings()`` reads for this application, in its order, each with its scope.

    Found without reading any of them: a QSettings for a made-up application names
    the folders (those of ``QSettings.setPath``, or ``XDG_CONFIG_HOME`` and
    ``XDG_CONFIG_DIRS``) and reads only that application's files, which do not exist.
    Empty where the default format is no file (the Windows registry, macOS preferences).
    """
    fmt = QSettings.defaultFormat()
    if fmt == QSettings.NativeFormat and sys.platform in ("win32", "darwin"):
        return []
    org, app = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    probe = f"armsim-probe-{os.urandom(8).hex()}"
    found = []
    for scope in _SCOPES:
        first = QSettings(fmt, scope, probe, probe).fileName()       # FOLDER/probe/probe.EXT
        folder, ext = os.path.dirname(os.path.dirname(first)), os.path.splitext(first)[1]
        folders = [folder]
        if scope == QSettings.SystemScope:
            # Without setPath, Qt reads every folder of XDG_CONFIG_DIRS and names the first.
            xdg = [d for d in os.environ.get("XDG_CONFIG_DIRS", "").split(":") if d] or ["/etc/xdg"]
            if os.path.normpath(xdg[0]) == os.path.normpath(folder):
                folders = xdg
        for f in folders:
            if org and app:
                found.append((scope, os.path.join(f, org, app + ext)))
            found.append((scope, os.path.join(f, (org or "Unknown Organization") + ext)))
    return found


def _read(path: str, limit: int) -> tuple[bytes | None, str | None]:
    """(the bytes, None), (None, why they may not be read), or (None, None) when there is no such file."""
    try:
        return read_bounded(path, limit), None
    except FileNotFoundError:
        return None, None
    except NotAFile as e:
        return None, str(e)
    except OSError as e:
        return None, f"cannot be read ({e.strerror or e})"


def check_file(path: str) -> str | None:
    """Why QSettings must not read the settings file ``path``, or None (also when there is none).

    Nothing here blocks or reads more than :data:`MAX_FILE_BYTES` (see :func:`armsim.io.reading.read_bounded`).
    """
    data, problem = _read(path, MAX_FILE_BYTES)
    if data is None:
        return problem
    if b"\0" in data:
        return "is binary (it contains NUL bytes), not a settings file"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"is not UTF-8 text (byte 0x{data[e.start]:02x} on line {data.count(10, 0, e.start) + 1})"
    lines = text.count("\n") + 1
    if lines > MAX_FILE_LINES:
        return f"has {lines:,} lines (at most {MAX_FILE_LINES:,}; armsim writes about ten)"
    variant = _VARIANT.search(text)
    if variant:
        return (f"line {text.count(chr(10), 0, variant.start()) + 1}: a @Variant value (armsim never writes one, "
                "and Qt decodes it trusting the sizes it holds: 30 bytes can abort the app)")
    return None


def _check_lock(path: str) -> str | None:
    """Why the lock file QSettings reads before it writes (``FILE.lock``) must not be read, or None."""
    return _read(path, MAX_LOCK_BYTES)[1]


def check_files() -> str | None:
    """Before anything reads a setting: keep QSettings off every hostile settings file.

    Each file :func:`settings_files` names is checked with :func:`check_file`, and so is the
    lock file QSettings reads beside it before writing (a FIFO there hangs the window's
    close). For a scope with a file that fails, QSettings is pointed at an empty private
    folder for the rest of this process: the window starts with defaults, nothing blocks,
    and nothing is written over the file (it is left as it is, for the user to look at).

    Returns
    -------
    str or None
        One line naming the (first) hostile file and what is wrong with it, to show the user
        once; None when every file may be read.
    """
    global _private_folder
    candidates = [(scope, path, check) for scope, file in settings_files()
                  for path, check in ((file, check_file), (file + ".lock", _check_lock))]
    bad = [(scope, path, problem) for scope, path, check in candidates if (problem := check(path))]
    if not bad:
        return None
    if _private_folder is None:
        import tempfile
        _private_folder = tempfile.TemporaryDirectory(prefix="armsim-settings-", ignore_cleanup_errors=True)
    for scope in {scope for scope, _, _ in bad}:
        QSettings.setPath(QSettings.defaultFormat(), scope, _private_folder.name)
    _, path, problem = bad[0]
    more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
    shown = path if path.isprintable() else repr(path)[1:-1]
    if any(scope == QSettings.UserScope for scope, _, _ in bad):
        return (f"armsim: settings file {shown}{more}: {problem}; starting with the default settings and leaving "
                "the file as it is (this session's settings will not be kept)")
    return f"armsim: settings file {shown}{more}: {problem}; starting without it and leaving the file as it is"


def _bool(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def _bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def last_params() -> Params | None:
    """The setup of the last session, or None when absent or not valid."""
    text = QSettings().value("last_setup")
    if not isinstance(text, str):
        return None
    from armsim.io import scenario  # only when there is a setup to read: TOML costs start-up time
    # Bounded like a scenario file before it is parsed: characters first (cheap), then UTF-8 bytes.
    if len(text) > scenario.MAX_BYTES or len(text.encode("utf-8", "replace")) > scenario.MAX_BYTES:
        return None
    try:
        params = scenario.parse(text).params
    except scenario.ScenarioError:
        return None
    from armsim.gui.state import window_problem
    return None if window_problem(params) else params


# QWidget::saveGeometry's layout (Qt 6, version 3): magic, major, minor, then the frame and normal geometry
# (QRect: left, top, right, bottom), screen number, maximized, full screen, screen width, and the geometry.
_GEOMETRY_MAGIC = 0x1D9D0CB
_GEOMETRY = struct.Struct(">IHH4i4iiBBi4i")
MAX_COORDINATE = 100_000        # pixels: beyond any real desktop of several screens


def sane_geometry(data: bytes) -> bool:
    """Whether ``data`` is a saved geometry whose rectangles are real ones within :data:`MAX_COORDINATE`.

    Qt restores an edited or corrupt geometry as it is (a rectangle turned inside out, or at 2**31 pixels,
    stayed off the screen even when moved back onto it before the window was shown); such a geometry is
    ignored and the window opens where a first launch would.
    """
    if len(data) < _GEOMETRY.size:
        return False
    fields = _GEOMETRY.unpack_from(data)
    magic, major = fields[0], fields[1]
    if magic != _GEOMETRY_MAGIC or major != 3:
        return False
    rects = (fields[3:7], fields[7:11], fields[15:19])
    return all(abs(v) <= MAX_COORDINATE for r in rects for v in r) and \
        all(left <= right and top <= bottom for left, top, right, bottom in rects)


def fit_on_screen(window) -> None:
    """Bring a window restored off-screen, or larger than the screen, back onto the screen it is nearest.

    Settings from another monitor layout, or edited by hand, can hold any geometry.
    """
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = window.geometry()
    w, h = min(max(frame.width(), window.minimumWidth()), area.width()), min(frame.height(), area.height())
    x = min(max(frame.x(), area.left()), area.right() - w + 1)
    y = min(max(frame.y(), area.top()), area.bottom() - h + 1)
    if (x, y, w, h) != (frame.x(), frame.y(), frame.width(), frame.height()):
        window.setGeometry(x, y, w, h)


def restore(window) -> None:
    """Apply stored geometry, dock layout, palette and log scale to ``window`` (each only if valid)."""
    s = QSettings()
    geometry = _bytes(s, "geometry")
    if geometry is not None and sane_geometry(geometry.data()):
        window.restoreGeometry(geometry)
        fit_on_screen(window)
    state = _bytes(s, "window_state")
    if state is not None:
        window.restoreState(state)
    window.actions.colour_safe.setChecked(_bool(s, "colour_safe", False))
    window.actions.log.setChecked(_bool(s, "log_error", False))


def store(window) -> None:
    s = QSettings()
    s.setValue("geometry", window.saveGeometry())
    s.setValue("window_state", window.saveState())
    s.setValue("colour_safe", window.actions.colour_safe.isChecked())
    s.setValue("log_error", window.actions.log.isChecked())
    from armsim.io import scenario
    s.setValue("last_setup", scenario.dumps(window.state.params))
    s.sync()
