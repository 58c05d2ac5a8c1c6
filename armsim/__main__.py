"""``python -m armsim``: the same as the ``armsim`` command."""
import sys

from armsim.cli import main

sys.exit(main())
