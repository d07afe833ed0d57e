"""kapi: a q/kdb+-style interpreter embedded in Python, driving PyTorch.

    >>> import kapi
    >>> q = kapi.Interpreter()
    >>> q.console("1+1")
    '2'
"""

__version__ = "0.1.0"

from .errors import KError, KExit  # noqa: E402
from .interp import Interpreter  # noqa: E402

__all__ = ["Interpreter", "KError", "KExit", "__version__"]
