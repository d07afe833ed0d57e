"""Examples from ktorch's docs (tensors.rst, vectors, dictionaries, pointers) that
the tensor/vector/dict/pointer verbs cover."""

import pytest

from .conftest import transcript

EXAMPLES = {
"tensor": r"""
q)t:tensor 0 1 2 3f
q)tensor t
0 1 2 3f
q)type t
0h
q)type each t
,-7h
""",
"errors": r"""
q)t:tensor(1 2;3 4.0)
'type mismatch at depth 1, long list vs double list
  [0]  t:tensor(1 2;3 4.0)
         ^
q)t:tensor(1 2;3 4 5)
'dimension mismatch at depth 1, 2 vs 3
  [0]  t:tensor(1 2;3 4 5)
         ^
q)t:tensor `a`b`c
'no torch type found for k: symbol list
  [0]  t:tensor `a`b`c
         ^
q)t:tensor ([]1 2)
'no torch type found for k: table
  [0]  t:tensor ([]1 2)
         ^
""",
"grad": r"""
q)x:tensor(1 2 3e;`grad)
q)grad x

q)(::)~grad x
1b
q)gradflag x
1b
q)gradflag(x;0b)
q)gradflag x
0b
""",
"gradflag dict": r"""
q)d:dict `a`b!(tensor(1 2 3.0;`grad); 4 5 6.0)
q)gradflag d
a| 1
b| 0
""",
"vector": r"""
q)v:vector(1 2;3 4 5.0)
q)vector v
1 2
3 4 5f
""",
"dict": r"""
q)d:dict(`x`y;(1 2;3 4 5))
q)dict d
x| 1 2
y| 3 4 5
q)dict(d;`y`y`x)
3 4 5
3 4 5
1 2
q)dict(d;`y)
3 4 5
""",
"dict set": r"""
q)d:dict(`x`y; (1 2;3 4 5))
q)dict(d;`x;01010b)
q)dict(d;`z`zz; ("z";"zz"))
q)dict d
x | 01010b
y | 3 4 5
z | "z"
zz| "zz"
q)t:tensor til 9
q)dict(d;`x;t)
q)dict(d;`x)
0 1 2 3 4 5 6 7 8
q)ref t
'stale pointer
  [0]  ref t
       ^
""",
"dict mixed": r"""
q)t:tensor 1 2 3e
q)d:dict `a`t!(4 5 6 7.0; t)
q)dict d
a| 4 5 6 7f
t| 1 2 3e
q)a:tensor 1 2
q)b:tensor 3 4 5.0
q)d:dict `a`b!(a;addref b)
q)dict d
a| 1 2
b| 3 4 5f
q)tensor b
3 4 5f
q)ref b
2
q)free d
q)ref b
1
""",
"tensor of dict": r"""
q)d:dict(`x`y; (1 2;3 4 5))
q)t:tensor d
q)tensor each t
x| 1 2
y| 3 4 5
q)size each t
x| 2
y| 3
q)free each t
x| ::
y| ::
q)t:tensor(d;`y)
q)tensor t
3 4 5
""",
"use": r"""
q)a:tensor 1 2 3
q)b:tensor 010101b
q)use[a]b
q)tensor a
010101b
q)tensor b
'stale pointer
  [0]  tensor b
       ^
""",
"pointers in lists": r"""
q)a:tensor 1 2 3
q)v:vector(4 5;6 7 8)
q)class each (a;v)
`tensor`vector
q)class each a,v
'class: need allocated torch object, e.g. tensor, module, given long scalar
  [0]  class each a,v
             ^
""",
"free": r"""
q)t:tensor 1 2 3e
q)free t
q)tensor t
'stale pointer
  [0]  tensor t
       ^
""",
"index": r"""
q)t:tensor 2 3 4#til 24
q)size t
2 3 4
q)dtype t
`long
q)device t
`cpu
q)tensor(t;1)
12 13 14 15
16 17 18 19
20 21 22 23
q)tensor(t;-1;3)
3  7  11
15 19 23
""",
"out tensor": r"""
q)r:tensor()
q)tensor(1 2 3;r)
q)tensor r
1 2 3e
""",
"modes": r"""
q)t:tensor(`zeros; 2 3; `int)
q)tensor t
0 0 0
0 0 0
q)tensor t:tensor(`zeros;3 2)
0 0
0 0
0 0
q)tensor(`ones;5;t)
q)tensor t
1 1 1 1 1e
q)t:tensor(`full; 2 5; 3.0)
q)tensor t
3 3 3 3 3
3 3 3 3 3
q)b:tensor(`full;t;1b)
q)tensor b
11111b
11111b
q)tensor(`full;7;4.5;b)
q)tensor b
1111111b
q)tensor a:tensor(`arange;5)
0 1 2 3 4
q)tensor r:tensor(`range;0;5)
0 1 2 3 4 5e
q)t:tensor(`arange;0;10;2)
q)tensor t
0 2 4 6 8
q)tensor t:tensor(`arange;.1;.8;.1)
0.1 0.2 0.3 0.4 0.5 0.6 0.7e
q)t:tensor(`linspace;0;9;10)
q)tensor t
0 1 2 3 4 5 6 7 8 9e
q)t:tensor(`logspace;1;2;10)
q)tensor t
10 12.9155 16.68101 21.54435 27.82559 35.93814 46.41589 59.94843 77.42637 100e
q)tensor(`logspace;1;2;10;2.0;t)
q)tensor t
2 2.16012 2.333058 2.519842 2.72158 2.939469 3.174802 3.428976 3.703499 4e
q)t:tensor(`eye;3)
q)tensor t
1 0 0
0 1 0
0 0 1
q)t:tensor(`eye;3;5;`bool)
q)tensor t
10000b
01000b
00100b
""",
"randint out": r"""
q)t:tensor(`randint; -5; 6; 2 5; `float)
q)dtype t
`float
q)tensor(`randint; 100; 3 9; t)
q)dtype t
`float
q)size t
3 9
q)tensor(`randint; 100; 1000000; t)
q)size t
,1000000
""",
"options": r"""
q)options()
device  | cpu
dtype   | float
layout  | strided
gradient| nograd
pin     | unpinned
memory  | contiguous
q)t:tensor 1 2 3
q)options t
device  | cpu
dtype   | long
layout  | strided
gradient| nograd
pin     | unpinned
memory  | contiguous
""",
"to": r"""
q)t:tensor 1 2 3e
q)to(t;`double)
q)tensor t
1 2 3f
q)v:vector(1 2e;3 4 5e)
q)to(v;`cpu`double)
q)vector v
1 2f
3 4 5f
""",
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example(q, name):
    exp, got = transcript(q, EXAMPLES[name])
    assert got == exp


def test_cuda_absent(q):
    import torch
    if torch.cuda.is_available():
        pytest.skip("CUDA present")
    q.eval("t:tensor 1 2 3e")
    assert q.console("to(t;`cuda)").split("\n")[0] == "'unrecognized tensor option: `cuda"
    assert q.console("tensor(1 2;`cuda:0)").split("\n")[0] == "'unrecognized tensor option: `cuda:0"
    assert q.console("tensor t") == "1 2 3e"     # unchanged


def test_return(q):
    q.eval("t:tensor 1 2 3e")
    assert q.console("return t") == "1 2 3e"
    assert q.console("tensor t").split("\n")[0] == "'stale pointer"
    q.eval("v:vector(1 2;3 4 5.0)")
    assert q.console("return v") == "1 2\n3 4 5f"
    q.eval("d:dict `a`b!(1 2;3 4 5e)")
    assert q.console("return d") == "a| 1 2\nb| 3 4 5e"
    assert len(q.registry) == 0
    assert q.console("return 5").split("\n")[0] == "'return: expecting tensor, vector or dictionary, given long scalar"
