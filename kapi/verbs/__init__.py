"""The q primitives and keywords, one module per family of verbs.

Registration (the decorators, :func:`bind`) lives in :mod:`kapi.verbs.registry`;
importing this package imports every family so their registrations run.

==============  ==========================================================
``arith``       + - * % neg abs signum reciprocal ceiling div mod xexp xlog
                exp log sqrt sin cos ... mmu xbar (and ``*x`` first)
``compare``     = <> < > <= >= ~ & | not and or differ within, and order:
                iasc idesc asc desc rank (with ``=x`` group, ``&x`` where,
                ``|x`` reverse)
``lists``       til enlist , count # last raze distinct ? find roll deal rand
                where in except inter union cut sublist rotate _ floor drop
                ^ null fill fills next prev xprev cross attr
``aggregates``  sum prd max min avg var dev svar sdev med all any wavg wsum
                cov scov cor, running sums prds maxs mins deltas ratios avgs
                and moving msum mcount mavg mmax mmin mdev
``dicts``       ! key (dict, key, enum, internal n!x)
``strings``     $ string cast tok pad sv vs like ss ssr upper lower trims
``tables``      flip cols keys xkey xcol xcols xasc xdesc meta insert upsert
                ungroup fby
``amend``       @ . (apply, index, amend, trap; ``@x`` type, ``.x`` value)
``iterate``     each over scan prior peach
``io``          read0 read1 hcount hdel 0: 1: get set hsym
``system``      system getenv setenv exit show 2:
==============  ==========================================================

``atomic`` holds the shared machinery (atomic extension, type promotion).
"""

from .registry import DYADS, KEYWORDS, MONADS, TETRADS, TRIADS, bind, takes_interp  # noqa: F401
from . import arith, compare, lists, aggregates, dicts, strings, tables, amend  # noqa: F401,E402
from . import iterate, io, system  # noqa: F401,E402


def language_ops():
    """What the language layer runs that the verbs define: qSQL's grouping,
    ``select distinct`` and ``select[n]``, and the compiler's indexed
    assignment (``x[i]:v``).  The language sits below the verbs, so the
    interpreter hands these down to it as ``interp.ops``."""
    import types
    return types.SimpleNamespace(group_rows=tables.group_rows, distinct=lists.distinct,
                                 sublist=lists.sublist, amend_depth=amend.amend_depth)


def load_all():
    """The verb tables: monads, dyads, triads, tetrads and keywords."""
    return MONADS, DYADS, TRIADS, TETRADS, KEYWORDS
