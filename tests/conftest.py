"""Test-wide setup: Qt renders offscreen and never reads or writes the user's settings."""
import os

# Before any QApplication exists (PLATFORM.md): offscreen renders text, lines and markers correctly.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
