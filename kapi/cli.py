"""The `kapi` command: REPL, scripts, --doctest, --version."""

import argparse
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="kapi", description="q/kdb+-style interpreter driving PyTorch")
    ap.add_argument("--version", action="store_true", help="print the version and exit")
    ap.add_argument("--doctest", action="store_true", help="check q) transcripts given as files")
    ap.add_argument("-i", "--interactive", action="store_true", help="keep the REPL open after a script")
    ap.add_argument("file", nargs="?", help="a q script to run")
    ap.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script (.z.x)")
    ns = ap.parse_args(argv)
    if ns.version:
        from . import __version__
        print("kapi " + __version__)
        return 0
    if ns.doctest:
        from .doctest import main as dt
        files = ([ns.file] if ns.file else []) + list(ns.args)
        if not files:
            ap.error("--doctest needs at least one file")
        return dt(files)
    from .api import dist
    from .embed import Interpreter
    q = dist.console(Interpreter())     # under torchrun: rank 0 writes the console
    if ns.file:
        from .errors import KError, KExit
        from .script import load_script
        from .dotz import set_command_line
        q.args = list(ns.args)
        set_command_line(q, ns.file, ns.args)
        try:
            load_script(q, ns.file)
        except KError as e:
            print(dist.tag(e.block()), file=sys.stderr)
            if not ns.interactive:
                return _exit(q, 1)
        except KExit as e:
            return _exit(q, e.code)
        except KeyboardInterrupt:       # Ctrl-C: q's 'stop, never a traceback
            print(dist.tag("'stop"), file=sys.stderr)
            if not ns.interactive:
                return _exit(q, 1)
        if not ns.interactive:
            return _exit(q, 0)
    from .repl_entry import run_repl
    return _exit(q, run_repl(q))


def _exit(q, code):
    """The exit status, after .z.exit (if assigned) has seen it."""
    q.exit_hook(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
