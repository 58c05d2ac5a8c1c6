"""Files: scenario files, history exports, atomic writes and the options of figure and video files (no Qt)."""
