"""The random generator behind roll/deal (`?`) and `rand`; `\\S n` / seed sets it."""

import numpy as np

_STATE = {"rng": np.random.default_rng(42)}


def rng():
    return _STATE["rng"]


def seed(n):
    _STATE["rng"] = np.random.default_rng(int(n))
