"""Tab completion for the q) prompt.

* names: keywords (``til``, ``count`` ...), builtins and global variables,
  looked up afresh on every completion so new definitions show up at once;
* after a backtick: symbol names from a provider function, e.g. the k-api's
  optimizer names, so ``opt(`ada`` offers ``adagrad``, ``adam``, ``adamw``.
  By default the provider returns the global names.

Nothing is offered inside a string or a comment.
"""

import re

from prompt_toolkit.completion import Completer, Completion

from .validate import scan

__all__ = ["QCompleter"]

_SYMBOL = re.compile(r"`([A-Za-z0-9_.:/]*)$")
_NAME = re.compile(r"([A-Za-z.][A-Za-z0-9_.]*)$")


def _names(obj):
    if obj is None:
        return []
    try:
        return [k for k in obj if isinstance(k, str)]
    except TypeError:
        return []


class QCompleter(Completer):
    """Complete q names for interpreter ``q``.

    ``symbols``: a function of no arguments returning the names offered
    after a backtick (default: the interpreter's global names)."""

    def __init__(self, q, symbols=None):
        self.q = q
        self.symbols = symbols if symbols is not None else self._global_names

    def _global_names(self):
        return _names(getattr(self.q, "globals", None))

    def names(self):
        """{name: kind} for every completable name; globals win over
        builtins over keywords when a name is in several."""
        out = {}
        for kind, attr in (("keyword", "keywords"), ("builtin", "builtins"),
                           ("global", "globals")):
            for k in _names(getattr(self.q, attr, None)):
                out[k] = kind
        return out

    def symbol_names(self):
        try:
            names = self.symbols() or []
        except Exception:  # a provider must never break the prompt
            return []
        return [str(n) for n in names]

    def get_completions(self, document, complete_event):
        before = document.text_before_cursor
        st = scan(before)
        if st.in_string or st.in_comment:
            return
        explicit = complete_event.completion_requested
        m = _SYMBOL.search(before)
        if m:
            prefix = m.group(1)
            if not prefix and not explicit:
                return
            for name in sorted(set(self.symbol_names())):
                if name.startswith(prefix) and name != prefix:
                    yield Completion(name, start_position=-len(prefix),
                                     display="`" + name, display_meta="symbol")
            return
        m = _NAME.search(before)
        if m:
            prefix = m.group(1)
            start = m.start(1)
            if start and (before[start - 1].isdigit() or before[start - 1] == "_"):
                return  # 1e5, 2.5 ... or the tail of an odd token
        elif explicit:
            prefix = ""
        else:
            return
        for name, kind in sorted(self.names().items()):
            if name.startswith(prefix) and name != prefix:
                yield Completion(name, start_position=-len(prefix), display_meta=kind)
