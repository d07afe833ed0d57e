/ ktorch-style training script: random spirals, a 2-100-3 relu network,
/ sgd with momentum; prints the loss every 100 steps and the final accuracy
{key[x]set'x;}(`ktorch 2:`fns,1)[];
seed 1234
n:1000; k:3
/ class j: radius 0..1, angle 4j..4j+4 plus noise
spiral:{[j] r:(til n)%n-1; t:(4*j)+(4*(til n)%n-1)+0.2*return tensor(`randn;n;`double); (r*sin t),'r*cos t}
x:"e"$raze spiral each til k
y:raze n#'til k
X:tensor x; Y:tensor y
m:module seq(`sequential; (`linear;`l1;2;100); `relu; (`linear;`l2;100;3))
L:loss`ce
o:opt(`sgd;m;.2;.9)
f:{zerograd o; r:forward(m;X); l:loss(L;r;Y); backward l; free r; step o; return l}
losses:f each til 300
-1 "loss: "," " sv string losses 0 99 199 299;
p:evaluate(m;X)
acc:avg y=p?'max each p
-1 "accuracy: ",string acc;
