"""The interpreter: globals, the registry of verbs, and the ways in
(``eval``, ``console``, ``__call__``, scripts)."""

import contextlib
import io
import sys
import threading
from collections import OrderedDict

import numpy as np

from . import values as V
from .compile import Ctx, compile_expr, compile_seq
from .qsql import compile_sql
from .display import Settings, show, show_lines
from .caps import Caps
from .errors import KError, KExit
from .funcs import Builtin, Prim, _Return
from .namespace import Workspace


# The recursion limit is the process's: it is raised while any interpreter
# call runs (in any thread; each q call costs ~10 Python frames, and 3.11
# keeps them off the C stack) and put back when the last one ends.
_DEEP = 40000
_limit_lock = threading.Lock()
_limit_state = {"active": 0, "saved": None}


def _raise_recursion_limit():
    with _limit_lock:
        st = _limit_state
        if st["active"] == 0:
            cur = sys.getrecursionlimit()
            st["saved"] = cur
            if cur < _DEEP:
                sys.setrecursionlimit(_DEEP)
        st["active"] += 1


def _restore_recursion_limit():
    with _limit_lock:
        st = _limit_state
        st["active"] -= 1
        if st["active"] == 0:
            sys.setrecursionlimit(st["saved"])


class _Code:
    """A parsed and compiled console line."""

    __slots__ = ("fn", "quiet")

    def __init__(self, fn, quiet):
        self.fn = fn
        self.quiet = quiet


def _is_assignment(expr):
    terms = expr[1]
    return (len(terms) >= 2 and terms[0][1][0] == "name"
            and len(terms[0][2]) <= 1 and all(p[0] == "args" for p in terms[0][2])
            and terms[1][1][0] in ("colon", "verbassign", "dcolon") and not terms[1][2]
            and (terms[1][1][0] != "dcolon" or len(terms) > 2))


class Interpreter:
    """A q interpreter with its own globals, settings, verb tables and
    object registry: ``console(src)`` (console text), ``execute``, ``eval``
    (the k value), ``run``, ``apply``.  Python embeds it through the subclass
    :class:`kapi.embed.Interpreter` (``kapi.Interpreter``), which adds the
    conversions between Python values and k values.

    >>> q = Interpreter()
    >>> q.console("1+1")
    '2'
    """

    def __init__(self, allow_system=True, allow_files=True, allow_env=True, allow_exit=True,
                 allow_net=True, sandbox=False):
        """``sandbox=True`` blocks every capability (files, system, env, exit,
        net: :mod:`kapi.caps`); the ``allow_*`` flags block one each."""
        from .verbs import bind, language_ops, load_all
        monads, dyads, triads, tetrads, keywords = load_all()
        allowed = {"files": allow_files, "system": allow_system, "env": allow_env,
                   "exit": allow_exit, "net": allow_net}
        self.caps = Caps([] if not sandbox and all(allowed.values()) else
                         [c for c, ok in allowed.items() if sandbox or not ok])
        self.sandbox = bool(sandbox)
        self.globals = {}               # the root namespace
        self.ws = Workspace(self.globals)   # every namespace, and the current context (\\d)
        self.builtins = {}
        self.depth = 0
        self.compile_sql = compile_sql   # the compiler's qSQL part (kapi.qsql)
        self.ops = language_ops()        # verb engines the language runs (kapi.verbs.language_ops)
        self.host_errors = None         # a list: Python exceptions turned into q errors are kept
        self._tls = threading.local()   # this interpreter's calls running in each thread
        self.max_depth = 2000     # q call depth before 'stack
        self.sqlstack = []
        self.settings = Settings()
        self.rng = np.random.default_rng(42)   # roll/deal/rand; \\S n reseeds it
        self.out = sys.stdout
        self.err = sys.stderr
        self.args = []
        self.script_dir = None
        glyphs = set(monads) | set(dyads)
        def guard(fn):      # this interpreter's own verb: bound to it, capability-checked
            return self.caps.guard(bind(fn, self))
        self.prims = {g: Prim(g, guard(monads.get(g)), guard(dyads.get(g)), guard(triads.get(g)),
                              guard(tetrads.get(g))) for g in glyphs}
        self.prims[":"] = Prim(":", lambda x: x, lambda x, y: y)
        self.keywords = {}
        for name, (fn, rank, infix) in keywords.items():
            self.keywords[name] = Builtin(name, guard(fn), rank, infix)
        self.keyword_names = frozenset(self.keywords)
        self.reserved = set(self.keywords)
        self.kunary = {g: Prim(g + ":", guard(monads[g])) for g in monads}
        self._cache = OrderedDict()
        for name, b in self.keywords.items():
            b.interp = self
        from .api import install
        install(self)
        from .dotq import install as install_q
        from .dotz import install as install_z
        install_q(self)
        install_z(self)

    @property
    def allow_files(self):
        return self.caps.allows("files")

    @property
    def allow_system(self):
        return self.caps.allows("system")

    # ------------------------------------------------------------------
    def _compile(self, src, origin=None):
        cname = self.ws.current    # unqualified names resolve in the current context
        key = src if origin is None and not cname else (src, cname, origin)
        code = self._cache.get(key)
        if code is not None:
            self._cache.move_to_end(key)
            return code
        from .parse import parse
        exprs = parse(src)
        ctx = Ctx(self, src, origin=None if origin is None else (origin[0], origin[1], src),
                  cname=cname)
        fn = compile_seq(exprs, ctx)
        last = exprs[-1]
        quiet = (not last[1]) or _is_assignment(last)
        code = _Code(fn, quiet)
        self._cache[key] = code
        if len(self._cache) > 512:
            self._cache.popitem(last=False)
        return code

    @contextlib.contextmanager
    def _running(self):
        """Run a call of this interpreter: numpy's error state quiet (q gives
        inf/nan, not warnings) and room for deep q recursion, both only while
        the call runs.  Re-entered from Python code that q code called (a
        Python callable calling q(...)) in the same thread, it keeps the outer
        evaluation's depth and qSQL stack."""
        tls = self._tls
        nested = getattr(tls, "calls", 0)
        tls.calls = nested + 1
        depth = self.depth
        if not nested:
            self.depth = 0
            _raise_recursion_limit()
        try:
            if not nested:
                with np.errstate(all="ignore"):
                    yield
            else:
                yield
        except RecursionError:
            raise KError("stack") from None
        finally:
            tls.calls = nested
            if nested:
                self.depth = depth
            else:
                _restore_recursion_limit()
                self.depth = 0
                self.sqlstack.clear()

    def run(self, src, origin=None):
        """Evaluate q source; returns (value, quiet). ``origin`` is
        (file, line) for script code: its lambdas' error frames name them."""
        code = self._compile(src, origin)
        with self._running():
            try:
                return code.fn(None), code.quiet
            except _Return as r:
                return r.value, False

    def apply(self, f, args):
        """Apply k value ``f`` (a function, or a list/dict to index) to a
        Python list of k values, as ``f[a;b;..]`` in q code run by this
        interpreter; returns the k value (raises KError)."""
        from .funcs import call
        with self._running():
            try:
                return call(f, list(args))
            except _Return as r:
                return r.value

    def eval(self, src):
        """Evaluate q source and return the k value (raises KError)."""
        src = src.strip("\n")
        if src.startswith("\\"):
            from .system import system_command
            return system_command(self, src[1:])
        v, _ = self.run(src)
        return v

    def execute(self, src):
        """Run one console input; returns the text the console prints
        (which may be empty). Raises KError/KExit."""
        s = src.strip("\n")
        if s.startswith("\\") and not s.startswith("\\\\") or s.strip() == "\\\\":
            from .system import system_command
            v = system_command(self, s[1:])
            if v is None:
                return ""
            return show(v, self.settings)
        if not s.strip():
            return ""
        v, quiet = self.run(s)
        if quiet:
            return ""
        return show(v, self.settings)

    def console(self, src):
        """Exactly what the q) console prints for one input; never raises
        (except KExit for ``\\\\`` / ``exit``).  A function assigned to
        ``.z.pi`` handles the input instead (it gets the line as a string;
        a string it returns is printed as it is)."""
        buf = io.StringIO()
        old = self.out
        self.out = buf
        try:
            pi = self.ws.spaces["z"].get("pi")
            text = self.execute(src) if pi is None else self._input_hook(pi, src)
        except KError as e:
            text = e.block()
        except KExit:
            raise
        except RecursionError:
            text = "'stack"
        except MemoryError:
            text = "'wsfull"
        except Exception as exc:  # last line of defence: no host traceback
            text = "'" + type(exc).__name__.lower()
        finally:
            self.out = old
        printed = buf.getvalue()
        if printed and text:
            return printed + text
        return printed.rstrip("\n") if not text else text if not printed else printed + text

    def _input_hook(self, pi, src):
        v = self.apply(pi, [V.string(src.rstrip("\n") + "\n")])
        if V.qtype(v) == 10:
            return V.pystr(v).rstrip("\n")
        return "" if v is None else show(v, self.settings)

    def exit_hook(self, code=0):
        """Run ``.z.exit`` (if assigned) with the exit code, as q does just
        before the process ends; its errors are reported, never raised."""
        f = self.ws.spaces["z"].get("exit")
        if f is None:
            return
        try:
            self.apply(f, [np.int64(code)])
        except KError as e:
            self.err.write(e.block() + "\n")
        except KExit:
            pass

    def resolve(self, name, glyphs=True):
        """The k value a name denotes in q code: a global, a q keyword, a
        k-api verb or (``glyphs``) an operator glyph (``"+"``); KError if none."""
        if "." in name and len(name) > 1:
            return self.lookup(name)
        for d in (self.ws.context(), self.keywords, self.builtins, self.prims if glyphs else {}):
            v = d.get(name)
            if v is not None:
                return v
        raise KError(name)

    # ------------------------------------------------------------------
    # global names, in any namespace (kapi.namespace)

    def lookup(self, name):
        """The value of the global ``name`` as q code sees it: ``x`` in the
        current context, ``.ns.x`` absolute, ``.`` the root dictionary;
        ``'name`` if it is not defined."""
        return self.ws.lookup(name)

    def assign(self, name, value):
        """Assign the global ``name`` (``x`` in the current context, ``.ns.x``
        absolute, ``d.k`` amends the dictionary ``d``)."""
        if name in self.reserved:
            raise KError("assign")
        self.ws.assign(name, value, self.ops.amend_depth)

    @property
    def context(self):
        """The current context: ``"."`` (the root) or ``".ns"`` (``\\d``)."""
        return self.ws.context_name()

    # ------------------------------------------------------------------
    # what verbs bound to this interpreter (kapi.verbs.takes_interp) use
    # to reach the layers above them -----------------------------------

    def write(self, text):
        """Write text to this interpreter's standard output."""
        self.out.write(text)

    def show_text(self, x):
        """The console form of ``x`` at this interpreter's settings (\\c, \\P)."""
        return show(x, self.settings)

    def system_command(self, cmd):
        """Run a system command (``\\cmd`` without the backslash)."""
        from .system import system_command
        return system_command(self, cmd)

    def ktorch_fns(self):
        """The dictionary of k-api verbs ktorch's loader line defines."""
        from .api import fns
        return fns(self)
