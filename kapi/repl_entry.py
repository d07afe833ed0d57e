"""Start the interactive shell (the `repl` package ships as kapi.repl)."""


def symbol_names(q):
    """Names offered after a backtick: globals, optimizer names, module and
    loss types (read lazily: no torch import)."""
    def provider():
        names = set(q.globals)
        try:
            from .api.optim import catalog
            names.update(catalog.names())
        except Exception:  # the catalogue is optional for completion
            pass
        names.update(("sequential", "linear", "relu", "dropout", "embed", "layernorm", "conv2d",
                      "flatten", "gelu", "tanh", "sigmoid", "ce", "mse", "cpu", "cuda", "float",
                      "double", "long", "int", "half", "bool", "grad", "nograd"))
        return sorted(names)
    return provider


def run_repl(q):
    try:
        from .repl.shell import run
    except ImportError:
        return _plain(q)
    return run(q, symbols=symbol_names(q))


def _plain(q):
    from .errors import KExit
    while True:
        try:
            line = input("q)")
        except EOFError:
            return 0
        except KeyboardInterrupt:
            print()
            continue
        try:
            out = q.console(line)
        except KExit as e:
            return e.code
        except KeyboardInterrupt:
            out = "'stop"
        if out:
            print(out)
