"""The core: the arm, its learners, the run engine, verdicts, lessons, landscapes and sweeps.

numpy only: no I/O, no Qt.
"""
