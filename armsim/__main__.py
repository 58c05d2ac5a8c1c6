"""``python -m armsim``: the same as the ``armsim`` command."""
import sys

from .cli import main

sys.exit(main())
