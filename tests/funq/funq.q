/ loader for the funq library files copied here (ours, not funq's: the
/ published funq.q also tries to load optional C libraries)
\l ut.q
\l ml.q
\l fmincg.q
\l porter.q
