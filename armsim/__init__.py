"""armsim: an n-link arm learns to reach its target by gradient descent, and you watch it.

The names a library user needs: build :class:`Params`, then :func:`solve` one arm
or :func:`solve_batch` many; :func:`iter_epochs` streams the run epoch by epoch.
"""
from armsim.core.params import Params, ParamError
from armsim.core.run import BatchResult, Epoch, Result, iter_epochs, solve, solve_batch, DIVERGENCE_RULE

__version__ = "0.1.0"
__all__ = ["Params", "ParamError", "Epoch", "Result", "BatchResult", "iter_epochs", "solve", "solve_batch",
           "DIVERGENCE_RULE", "__version__"]
