"""IPython/Jupyter extension: q cells in a notebook.

    %load_ext kapi

    %%q
    x:til 10
    sum x*x

    %q 1+1

Every ``%%q`` cell and ``%q`` line runs in one interpreter per IPython shell
(:func:`interpreter`); it is also bound to the name ``q`` in the user
namespace when that name is free, so Python cells can use the embedding API
(``q["x"]``, ``q.call``...).  A cell is split into whole inputs as the q)
console splits pasted text (brackets and strings may span lines); each
input's console text is printed, exactly as at the q) prompt.  The first
error prints q's error block and stops the cell.  ``\\\\`` and ``exit`` do
not end the kernel: they print ``'exit`` and stop the cell.
"""

__all__ = ["load_ipython_extension", "unload_ipython_extension", "interpreter", "run_cell"]

_ATTR = "_kapi_interpreter"


def interpreter(shell=None):
    """The interpreter shared by the ``%q``/``%%q`` magics of ``shell``
    (default: the running IPython shell), created on first use."""
    if shell is None:
        from IPython import get_ipython
        shell = get_ipython()
        if shell is None:
            raise RuntimeError("kapi: not running inside IPython")
    q = getattr(shell, _ATTR, None)
    if q is None:
        from .embed import Interpreter
        q = Interpreter()
        setattr(shell, _ATTR, q)
    return q


def run_cell(q, text, out):
    """Run the inputs of ``text`` in ``q``, writing their console text to
    ``out``; stops after the first error.  Returns True if all ran."""
    from .errors import KExit
    from .repl.validate import split_inputs
    for src in split_inputs(text):
        if not src.strip():
            continue
        try:
            r, ok = _console(q, src)
        except KExit:
            out.write("'exit\n")
            return False
        if r:
            out.write(r if r.endswith("\n") else r + "\n")
        if not ok:
            return False
    return True


def _console(q, src):
    """(``q.console(src)``'s text, whether it ran without error)."""
    import io
    from .errors import KError
    buf = io.StringIO()
    old = q.out
    q.out = buf
    ok = False
    try:
        text = q.execute(src)
        ok = True
    except KError as e:
        text = e.block()
    except RecursionError:
        text = "'stack"
    except MemoryError:
        text = "'wsfull"
    except KeyboardInterrupt:
        text = "'stop"
    except Exception as exc:  # as the console: no host traceback
        text = "'" + type(exc).__name__.lower()
    finally:
        q.out = old
    printed = buf.getvalue()
    if not text:
        return printed.rstrip("\n"), ok
    return printed + text, ok


def load_ipython_extension(ipython):
    """``%load_ext kapi``: register the ``%q`` line and ``%%q`` cell magics."""
    import sys

    def q_magic(line, cell=None):
        src = line if cell is None else cell
        run_cell(interpreter(ipython), src, sys.stdout)

    ipython.register_magic_function(q_magic, "line_cell", "q")
    q = interpreter(ipython)
    if "q" not in ipython.user_ns:
        ipython.push({"q": q})


def unload_ipython_extension(ipython):
    """``%unload_ext kapi``: nothing to release (the interpreter stays)."""
