"""Syntax highlighting for the q) prompt, using pygments' q lexer."""

from prompt_toolkit.lexers import PygmentsLexer
from pygments.lexers.q import QLexer

__all__ = ["QLexer", "q_lexer"]


def q_lexer():
    """A prompt_toolkit lexer that colours q source."""
    return PygmentsLexer(QLexer)
