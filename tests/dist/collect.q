/ Collectives and the rank-aware console under torchrun (tests/dist/test_dist.py).
distinit[]
r:distrank[]; w:worldsize[]
-1 "only rank 0 prints this";
show "shown once"
"a bare result"
-2 "-2 from rank ",string r;
allranks 1b
p:{[k;v] -1 "r",(string r),": ",k,"=",-3!v;}
p["rank";r]; p["worldsize";w]
p["sum";allreduce 1+r]
p["prod";allreduce(1+r;`prod)]
p["min";allreduce(1+r;`min)]
p["max";allreduce((1+r)*1 2 3;`max)]
p["avg";allreduce(1+r;`avg)]
p["avgv";allreduce(1 2*1+r;`avg)]
t:tensor 1 2e*1+r; allreduce t; p["tensor";return t]
t:tensor 1 2f*1+r; allreduce(t;`avg); p["tensoravg";return t]
p["bcast";broadcast((`from;r);1)]
p["bcast0";broadcast `$"from",string r]
t:tensor 10 20f+r; broadcast(t;1); p["btensor";return t]
/ an adam optimizer sharded over the ranks: each holds part of the state
seed 1
m:module seq(`sequential;(`linear;2;16);`relu;(`linear;16;3)); ddp m;
o:zero opt(`adam;m;.01)
x:tensor(`randn;4 2); y:tensor 0 1 2 0
zerograd o; z:forward(m;x); l:ce(z;y); backward l; step o
e:elements o
p["shard";e]; p["total";allreduce e]
barrier[]
-1 "r",(string r),": barrier=ok";
allranks 0b
if[r=1; '`boom]
