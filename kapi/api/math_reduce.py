"""Reductions with one tensor result (ktorch's math-reduce.rst) as rows.
Reductions giving values and indices (Max, Min, median, mode, aminmax ..)
need a vector result form and are not rows yet."""

from .rows import DIM, DIMS, DTYPE, KEEPDIM, UNBIASED, Row, register

R = "reduce"

REDUCE = [
    Row("All", "all", R, "1b if all elements are true, overall or along dimension(s)", opts=(DIMS, KEEPDIM)),
    Row("Any", "any", R, "1b if any element is true, overall or along dimension(s)", opts=(DIMS, KEEPDIM)),
    Row("amax", "amax", R, "maximum values, overall or along dimension(s)", opts=(DIMS, KEEPDIM)),
    Row("amin", "amin", R, "minimum values, overall or along dimension(s)", opts=(DIMS, KEEPDIM)),
    Row("argmax", "argmax", R, "index of the maximum, in the flattened input or along a dimension",
        opts=(DIM, KEEPDIM)),
    Row("argmin", "argmin", R, "index of the minimum, in the flattened input or along a dimension",
        opts=(DIM, KEEPDIM)),
    Row("logsumexp", "logsumexp", R, "log of summed exponentials, overall or along dimension(s)",
        opts=(DIMS, KEEPDIM), alldims="always"),
    Row("mean", "mean", R, "mean, overall or along dimension(s)", opts=(DIMS, KEEPDIM, DTYPE)),
    Row("nanmean", "nanmean", R, "mean of the non-NaN elements, overall or along dimension(s)",
        opts=(DIMS, KEEPDIM, DTYPE)),
    Row("Sum", "sum", R, "sum, overall or along dimension(s)", opts=(DIMS, KEEPDIM, DTYPE)),
    Row("nansum", "nansum", R, "sum treating NaN as zero, overall or along dimension(s)",
        opts=(DIMS, KEEPDIM, DTYPE)),
    Row("prod", "prod", R, "product, overall or along a dimension", opts=(DIM, KEEPDIM, DTYPE)),
    Row("std", "std", R, "standard deviation, overall or along dimension(s); unbiased default 1b",
        opts=(DIMS, UNBIASED, KEEPDIM)),
    Row("variance", "var", R, "variance, overall or along dimension(s); unbiased default 1b",
        opts=(DIMS, UNBIASED, KEEPDIM)),
]

ROWS = register(REDUCE)
