"""Where the q) history lives, and falling back to memory when it can't."""

import os
import sys

__all__ = ["default_history_path", "make_history"]


def default_history_path():
    """$KAPI_HISTORY, else <user data dir>/kapi/history
    ($XDG_DATA_HOME or ~/.local/share; %APPDATA% on Windows)."""
    env = os.environ.get("KAPI_HISTORY")
    if env:
        return os.path.expanduser(env)
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = os.environ["APPDATA"]
    else:
        base = os.environ.get("XDG_DATA_HOME") or os.path.join(
            os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "kapi", "history")


def _writable(path):
    try:
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        with open(path, "ab"):
            pass
        return True
    except OSError:
        return False


def make_history(history_file=None):
    """A prompt_toolkit History: a FileHistory at ``history_file`` (default
    :func:`default_history_path`), or an InMemoryHistory when
    ``history_file`` is False or the file cannot be created/written."""
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    if history_file is False:
        return InMemoryHistory()
    path = os.fspath(history_file) if history_file else default_history_path()
    if _writable(path):
        return FileHistory(path)
    return InMemoryHistory()
