"""armsim: an n-link arm learns to reach its target by gradient descent, and you watch it.

The names a library user needs: build :class:`Params`, then :func:`solve` one arm
or :func:`solve_batch` many; :class:`Run` advances one arm by as many epochs per
call as you like, and :func:`iter_epochs` streams it epoch by epoch.
"""
from armsim.core.params import ParamError, Params
from armsim.core.run import DIVERGENCE_RULE, BatchResult, Epoch, Result, Run, iter_epochs, solve, solve_batch

__version__ = "0.1.0"
__all__ = ["Params", "ParamError", "Epoch", "Result", "Run", "BatchResult", "iter_epochs", "solve", "solve_batch",
           "DIVERGENCE_RULE", "__version__"]
