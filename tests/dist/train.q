/ Data-parallel training with ddp and sharded optimizer state (tests/dist/test_dist.py).
/ kapi train.q out [resume]
/ Every rank trains on its own rows of one batch: a 2-16-3 relu net with sgd
/ (momentum) and another with adam, both wrapped by ddp, optimizers sharded by
/ zero. Rank 0 saves data, initial and final module states and optimizer
/ states in directory out. With a resume directory (holding the files of an
/ earlier run, any number of ranks) the modules and optimizers are rebuilt from
/ its final states, sharded over this run's ranks and trained on.
distinit[]
r:distrank[]; w:worldsize[]
path:{[d;name] hsym `$d,"/",name}
out:path .z.x 0
dtype`double
seed 42
n:12; steps:5
X:return tensor(`randn;n,2)
Y:(til n) mod 3
rows:(r*n div w)+til n div w
x:tensor X rows; y:tensor Y rows
L:loss`ce
net:{module seq(`sequential;(`linear;2;16);`relu;(`linear;16;3))}
m1:net[]; m2:net[]
if[r=0; (out"data") set `X`Y!(X;Y); (out"sgd.init") set state m1; (out"adam.init") set state m2]
ddp m1; ddp m2;
o1:zero opt(`sgd;m1;.1;.9)
o2:zero opt(`adam;m2;.01)
train:{[m;o] zerograd o; p:forward(m;x); l:loss(L;p;y); backward l; free p; free l; step o}
do[steps; train[m1;o1]; train[m2;o2]]
save:{[f;k;m;o] s:state o; if[r=0; (f k,".module") set state m; (f k,".opt") set s]}
save[out;"sgd";m1;o1]; save[out;"adam";m2;o2]
barrier[]
/ resume from another run's states, re-sharded over this run's ranks: rank 0
/ reads the files and broadcasts them (the multi-host pattern: no shared disk needed)
load:{[k] f:path .z.x 1; broadcast $[r=0; get f k; ::]}
resume:{[k] m:module load k,".module"; ddp m; o:zero opt(load k,".opt";m); (m;o)}
if[1<count .z.x;
  a:resume"sgd"; b:resume"adam";
  do[steps; train . a; train . b];
  save[out;"sgd.resumed"] . a; save[out;"adam.resumed"] . b]
-1 "done rank ",string r;
