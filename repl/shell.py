"""The q) read-eval-print loop.

``run(q)`` reads inputs, hands each to ``q.console`` and prints what comes
back.  On a terminal it uses a prompt_toolkit session (highlighting,
completion, multi-line input, persistent history); when stdin is piped it
falls back to a plain line loop.

* Ctrl-C cancels the line being typed; during evaluation it prints
  ``'stop`` and returns to the prompt.
* Ctrl-D on an empty line and ``\\\\`` leave with status 0; ``exit n``
  (:class:`kapi.errors.KExit`) leaves with status ``n``.
"""

import sys

from kapi.errors import KExit

from .validate import is_complete, split_inputs

__all__ = ["run", "run_plain", "evaluate", "PROMPT"]

PROMPT = "q)"


def evaluate(q, src, out):
    """Run one input and print its console text to ``out``.
    Raises KExit; a KeyboardInterrupt during evaluation prints 'stop.
    ``\\rich`` toggles rich rendering of tables (off by default)."""
    if src.strip() == "\\rich":
        q.rich = not getattr(q, "rich", False)
        out.write("rich tables %s\n" % ("on" if q.rich else "off"))
        _flush(out)
        return
    try:
        text = _rich(q, src) if getattr(q, "rich", False) else None
        if text is None:
            text = q.console(src)
    except KeyboardInterrupt:
        text = "'stop"
    if text:
        out.write(text if text.endswith("\n") else text + "\n")
    _flush(out)


def _rich(q, src):
    """Rich text for a table result, or None to fall back to console text."""
    from kapi.errors import KError
    from .richview import render
    s = src.strip()
    if not s or s.startswith("\\"):
        return None
    try:
        v, quiet = q.run(s)
    except KError as e:
        return e.block()
    if quiet:
        return ""
    text = render(v, q.settings)
    if text is None:
        from kapi.display import show
        return show(v, q.settings)
    return text


def _flush(f):
    try:
        f.flush()
    except Exception:
        pass


def _isatty(f):
    try:
        return bool(f.isatty())
    except Exception:
        return False


def _is_pt_input(obj):
    try:
        from prompt_toolkit.input import Input
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, Input)


def run(q, input=None, output=None, history_file=None, *, stdout=None,
        symbols=None):
    """Run the q) REPL for interpreter ``q``; returns the exit status.

    ``input``: a prompt_toolkit ``Input`` (e.g. ``create_pipe_input()``) to
    drive the prompt_toolkit session, or a text file to read lines from
    (plain loop); default ``sys.stdin`` -- prompt_toolkit when it is a
    terminal, the plain loop otherwise.

    ``output``: where evaluation results are printed -- a text file
    (default ``sys.stdout``) -- or a prompt_toolkit ``Output`` for the
    prompt itself (then results go to ``stdout``).  When results go
    somewhere other than the terminal and no prompt_toolkit ``Output`` is
    given, the prompt is rendered to a ``DummyOutput``.

    ``history_file``: history path (default: the user data dir, see
    :mod:`.history`); ``False`` keeps history in memory only.

    ``symbols``: provider of names completed after a backtick.
    """
    pt_output = None
    if _is_pt_output(output):
        pt_output, output = output, None
    out = output if output is not None else (stdout if stdout is not None else sys.stdout)

    if input is None:
        stdin = sys.stdin
        if stdin is None:
            return 0
        if not (_isatty(stdin) and _isatty(sys.stdout)):
            return run_plain(q, stdin, out)
        input_ = None
        q.progress = _isatty(sys.stderr)  # progress bars for \t:n / \ts:n at a terminal
    elif _is_pt_input(input):
        input_ = input
    else:
        return run_plain(q, input, out)

    try:
        session = _make_session(q, input_, pt_output, out, history_file, symbols)
    except Exception:
        # no usable terminal (or prompt_toolkit misbehaves): plain loop
        if input_ is None:
            return run_plain(q, sys.stdin, out)
        raise
    return _loop(q, session, out)


def _is_pt_output(obj):
    if obj is None:
        return False
    try:
        from prompt_toolkit.output import Output
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, Output)


def _make_session(q, input_, pt_output, out, history_file, symbols):
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.output import DummyOutput

    from .complete import QCompleter
    from .history import make_history
    from .keys import q_key_bindings
    from .lexer import q_lexer

    if pt_output is None and (input_ is not None or out is not sys.stdout):
        # results are not going to the terminal: don't draw the prompt there
        pt_output = DummyOutput() if input_ is not None else None

    def continuation(width, line_number, wrap_count):
        return " " * width

    return PromptSession(
        message=PROMPT,
        input=input_,
        output=pt_output,
        history=make_history(history_file),
        lexer=q_lexer(),
        completer=QCompleter(q, symbols=symbols),
        complete_while_typing=True,
        auto_suggest=AutoSuggestFromHistory(),
        key_bindings=q_key_bindings(),
        multiline=True,
        prompt_continuation=continuation,
        include_default_pygments_style=True,
        enable_history_search=False,
        mouse_support=False,
    )


def _loop(q, session, out):
    while True:
        try:
            text = session.prompt()
        except KeyboardInterrupt:
            continue                  # Ctrl-C: drop the line
        except EOFError:
            return 0                  # Ctrl-D
        try:
            for chunk in split_inputs(text):
                evaluate(q, chunk, out)
        except KExit as e:
            return _code(e)
        except KeyboardInterrupt:
            out.write("'stop\n")
            _flush(out)


def _code(e):
    try:
        return int(e.code)
    except (TypeError, ValueError):
        return 1


def run_plain(q, infile, out, prompt=None):
    """A plain line loop (no prompt_toolkit): read lines from ``infile``,
    gathering lines until brackets/strings close, and evaluate each input.
    The ``q)`` prompt is printed only when ``infile`` is a terminal (or
    ``prompt`` is true)."""
    interactive = _isatty(infile) if prompt is None else bool(prompt)
    buf = []
    while True:
        if interactive and not buf:
            out.write(PROMPT)
            _flush(out)
        try:
            line = infile.readline()
        except KeyboardInterrupt:
            if not interactive:
                return 1
            out.write("\n")
            buf = []
            continue
        if not line:                  # EOF
            if buf:
                try:
                    evaluate(q, "\n".join(buf), out)
                except KExit as e:
                    return _code(e)
            if interactive:
                out.write("\n")
                _flush(out)
            return 0
        buf.append(line.rstrip("\r\n") if line.endswith("\n") else line)
        src = "\n".join(buf)
        if not is_complete(src):
            continue
        buf = []
        try:
            evaluate(q, src, out)
        except KExit as e:
            return _code(e)
        except KeyboardInterrupt:
            out.write("'stop\n")
            _flush(out)
