"""Scratch memory and cache-sized pieces for the optimizers' CPU updates.

An elementwise optimizer update is a handful of tensor operations, each a
full pass over memory.  Two things make such an update slow on a CPU:

* temporaries: ``a.add(eps).sqrt()`` allocates a new tensor the size of the
  parameter, and a fresh multi-megabyte allocation costs a page fault per
  page (more than the arithmetic);
* passes from main memory: ten passes over ten 4 MB tensors stream 40 MB
  through memory ten times.

So the updates here run one *piece* at a time -- a slice of at most
:data:`CHUNK` elements of a parameter, its gradient and its state -- and
write their intermediate results into a small per-optimizer
:class:`Workspace` instead of temporaries.  A piece's tensors stay in the
CPU cache from one operation to the next, so main memory sees about one
read of every input and one write of every output.  The results are those
of the same operations on whole tensors: every operation is elementwise.

The workspace is an attribute of the optimizer, not part of its ``state``
(``state_dict``, k's ``state`` and restore never see it); it is rebuilt on
first use after unpickling or ``copy.deepcopy``.
"""

import weakref

import torch

__all__ = ["CHUNK", "Workspace", "workspace", "pieces", "dense_cpu"]

CHUNK = 1 << 18       # elements per piece: 1 MB of float32 per tensor


class Workspace:
    """Reusable scratch vectors, by (tag, dtype, device); grown on demand.
    Also remembers how it cut tensors into pieces (:meth:`split`): slicing
    costs microseconds per view, and an optimizer cuts the same parameters
    and states every step."""

    __slots__ = ("_bufs", "_views", "_split")

    def __init__(self):
        self._bufs = {}
        self._views = {}
        self._split = {}

    def get(self, n, dtype, device, k, tag=None):
        """``k`` contiguous 1-d scratch tensors of ``n`` elements.  Contents
        are whatever the last user left; new memory is zeroed.  ``tag``
        keeps a caller's vectors apart from the others."""
        if k == 0:
            return []
        key = (tag, dtype, device)
        got = self._views.get((key, n, k))
        if got is not None:
            return got
        bufs = self._bufs.get(key)
        if bufs is None or len(bufs) < k or bufs[0].numel() < n:
            size = max(n, bufs[0].numel() if bufs else 0, 1)
            bufs = [torch.zeros(size, dtype=dtype, device=device)
                    for _ in range(max(k, len(bufs) if bufs else 0))]
            self._bufs[key] = bufs
            for v in [v for v in self._views if v[0] == key]:
                del self._views[v]
        got = self._views[(key, n, k)] = [b[:n] for b in bufs[:k]]
        return got

    def split(self, t, chunk):
        """``t.view(-1).split(chunk)`` (``t`` contiguous), remembered while
        ``t`` lives and keeps its storage."""
        key = id(t)
        e = self._split.get(key)
        ptr = t.data_ptr()
        if e is not None and e[0]() is t and e[1] == ptr and e[2] == chunk \
                and e[3] == t.numel():
            return e[4]
        views = t.view(-1).split(chunk)
        splits = self._split

        def gone(_, key=key, splits=splits):
            splits.pop(key, None)
        self._split[key] = (weakref.ref(t, gone), ptr, chunk, t.numel(), views)
        return views

    def clear(self):
        self._bufs.clear()
        self._views.clear()
        self._split.clear()


def workspace(opt):
    """The optimizer's :class:`Workspace` (created on first use, never in ``state``)."""
    ws = opt.__dict__.get("_kapi_workspace")
    if ws is None:
        ws = opt.__dict__["_kapi_workspace"] = Workspace()
    return ws


def pieces(ws, tensors, nscratch, chunk=None):
    """``(views, scratch)`` per piece of ``tensors`` (same shape, dtype, device):
    flat slices of at most ``chunk`` elements when every tensor is contiguous,
    else the whole tensors once, with scratch of their shape."""
    t0 = tensors[0]
    n = t0.numel()
    if n == 0:
        return
    chunk = chunk or CHUNK
    if all(t.is_contiguous() for t in tensors):
        if n <= chunk:
            yield [t.view(-1) for t in tensors], ws.get(n, t0.dtype, t0.device, nscratch)
            return
        parts = [ws.split(t, chunk) for t in tensors]
        full = ws.get(chunk, t0.dtype, t0.device, nscratch)
        last = len(parts[0]) - 1
        tail = ws.get(n - last * chunk, t0.dtype, t0.device, nscratch)
        for i, views in enumerate(zip(*parts)):
            yield views, (tail if i == last else full)
    else:
        bufs = ws.get(n, t0.dtype, t0.device, nscratch)
        yield list(tensors), [b.view(t0.shape) for b in bufs]


def dense_cpu(params, *, complex_ok=False):
    """Whether every parameter with a gradient is a real floating point CPU
    tensor with a dense gradient of its own dtype and shape (the fast paths'
    precondition; anything else takes the general path)."""
    for p in params:
        g = p.grad
        if g is None:
            continue
        if p.device.type != "cpu" or g.device.type != "cpu" or g.is_sparse or p.is_sparse:
            return False
        if not p.is_floating_point() and not (complex_ok and p.is_complex()):
            return False
        if g.dtype != p.dtype or g.shape != p.shape:
            return False
    return True
