"""kapi: a q/kdb+-style interpreter embedded in Python, driving PyTorch.

    >>> import kapi
    >>> q = kapi.Interpreter()
    >>> q.console("1+1")
    '2'
"""

__version__ = "0.1.0"

from .errors import KError, KExit  # noqa: E402
from .embed import Interpreter  # noqa: E402
from .embed import KeyedTable, Pointer, QFunction, Symbol, Table  # noqa: E402
from .ipython import load_ipython_extension, unload_ipython_extension  # noqa: E402
from .api.optim.custom import register_optimizer, unregister_optimizer  # noqa: E402

__all__ = ["Interpreter", "KError", "KExit", "Symbol", "Table", "KeyedTable", "Pointer",
           "QFunction", "load_ipython_extension", "unload_ipython_extension", "register_optimizer",
           "unregister_optimizer", "__version__"]
