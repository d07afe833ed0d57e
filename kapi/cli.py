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
        from . import values as V
        from .errors import KError, KExit
        from .script import load_script
        q.args = list(ns.args)
        q.globals[".z.x"] = [V.string(a) for a in ns.args] if ns.args else []
        q.globals[".z.f"] = ns.file
        try:
            load_script(q, ns.file)
        except KError as e:
            print(dist.tag(e.block()), file=sys.stderr)
            if not ns.interactive:
                return 1
        except KExit as e:
            return e.code
        except KeyboardInterrupt:       # Ctrl-C: q's 'stop, never a traceback
            print(dist.tag("'stop"), file=sys.stderr)
            if not ns.interactive:
                return 1
        if not ns.interactive:
            return 0
    from .repl_entry import run_repl
    return run_repl(q)


if __name__ == "__main__":
    sys.exit(main())
