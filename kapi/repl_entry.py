"""Start the interactive shell (the `repl` package ships as kapi.repl)."""


def run_repl(q):
    try:
        from .repl.shell import run
    except ImportError:
        return _plain(q)
    return run(q)


def _plain(q):
    import sys
    from .errors import KExit
    while True:
        try:
            line = input("q)")
        except EOFError:
            return 0
        try:
            out = q.console(line)
        except KExit as e:
            return e.code
        if out:
            print(out)
