"""Test-wide setup: Qt renders offscreen and never reads or writes the user's settings."""
import os

# Before any QApplication exists: offscreen renders text, lines and markers correctly (checked on Debian 12).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
