"""Shared by the language tests: a fresh interpreter per test."""

import pytest

from kapi.embed import Interpreter


@pytest.fixture
def q():
    return Interpreter()
