"""Training-loop benchmark: the spirals network.

A 2-100-3 relu network on 3000 points, cross-entropy, sgd with momentum;
300 steps of the k lambda of tests/kapi/scripts/spirals.q

    f:{zerograd o; r:forward(m;X); l:loss(L;r;Y); backward l; free r; step o; return l}
    f each til 300

against the same loop in plain PyTorch (zero_grad keeping the buffers, as
kapi's zerograd does; loss.item() for ``return l``).  A ~1 ms step varies
by 10-20% from run to run on this host, so the loops run in chunks of 30
steps (``f each til 30``), interleaved, 20 rounds (8 with --quick); the
minimum chunk of each, times 10, is reported.

    python scripts/bench_train.py [--quick]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_util import Row, ftime, interleaved, section_main  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTION = "1. training loop"
SCRIPT = os.path.join(ROOT, "tests", "kapi", "scripts", "spirals.q")


def rows(quick=False):
    import numpy as np
    import torch
    from kapi.embed import Interpreter

    q = Interpreter()
    # the script up to the training line: data, model, loss, optimizer, f
    text = open(SCRIPT).read().split("\nlosses:")[0]
    for ln in text.split("\n"):
        if ln.strip() and not ln.startswith("/"):
            q.eval(ln)
    running = q._running()      # what Interpreter.run does around a line
    running.__enter__()
    chunk = 30
    code = q._compile("f each til %d" % chunk)

    x = torch.tensor(np.asarray(q.eval("x")), dtype=torch.float32)
    y = torch.tensor(np.asarray(q.eval("y")), dtype=torch.int64)
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(2, 100), torch.nn.ReLU(), torch.nn.Linear(100, 3))
    o = torch.optim.SGD(m.parameters(), lr=0.2, momentum=0.9)
    lossf = torch.nn.CrossEntropyLoss()

    def plain():
        out = []
        for _ in range(chunk):
            o.zero_grad(set_to_none=False)
            r = m(x)
            loss = lossf(r, y)
            loss.backward()
            del r
            o.step()
            out.append(loss.item())
        return out

    def kapi():
        code.fn(None)

    plain()
    kapi()
    tb, tk = interleaved([plain, kapi], reps=8 if quick else 20, budget=15 if quick else 30)
    tb, tk = tb * 300 / chunk, tk * 300 / chunk
    running.__exit__(None, None, None)
    r = tk / tb
    return [Row(SECTION, "spirals 2-100-3, 300 steps of a k lambda", "torch %s" % ftime(tb),
                ftime(tk), "%.3fx" % r, "<= 1.05x torch", r <= 1.05,
                "(%.1f us/step over torch)" % ((tk - tb) / 300 * 1e6))]


def main():
    section_main(__doc__, rows)


if __name__ == "__main__":
    main()
