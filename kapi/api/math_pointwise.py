"""Pointwise math (ktorch's math-pointwise.rst and the elementwise part of
math-compare.rst) as rows: one line per k-api function."""

from .rows import Row, register

U, B = "unary", "binary"

UNARY = [
    Row("Abs", "abs", U, "absolute value"),
    Row("Acos", "acos", U, "arccosine"),
    Row("angle", "angle", U, "angle (0 or pi for real input)", inplace=False),
    Row("Asin", "asin", U, "arcsine"),
    Row("Atan", "atan", U, "arctangent"),
    Row("bitwisenot", "bitwise_not", U, "bitwise not (boolean and integer input)"),
    Row("ceil", "ceil", U, "ceiling"),
    Row("cosh", "cosh", U, "hyperbolic cosine"),
    Row("Cos", "cos", U, "cosine"),
    Row("digamma", "digamma", U, "log derivative of gamma"),
    Row("erf", "erf", U, "error function"),
    Row("erfc", "erfc", U, "complementary error function"),
    Row("erfinv", "erfinv", U, "inverse error function"),
    Row("Exp", "exp", U, "exponential"),
    Row("expm1", "expm1", U, "exponential minus 1"),
    Row("Floor", "floor", U, "floor"),
    Row("frac", "frac", U, "fractional part"),
    Row("lgamma", "lgamma", U, "natural log of the absolute value of the gamma function"),
    Row("Log", "log", U, "natural log"),
    Row("log10", "log10", U, "log to the base 10"),
    Row("log1p", "log1p", U, "natural log of 1 + input"),
    Row("log2", "log2", U, "log to the base 2"),
    Row("Neg", "neg", U, "negative"),
    Row("Not", "logical_not", U, "logical not"),
    Row("Reciprocal", "reciprocal", U, "reciprocal"),
    Row("round", "round", U, "round to nearest integer, half to even"),
    Row("rsqrt", "rsqrt", U, "reciprocal square root"),
    Row("sgn", "sgn", U, "sign, extended to complex input"),
    Row("sigmoid", "sigmoid", U, "sigmoid"),
    Row("sign", "sign", U, "sign: -1, 0 or 1"),
    Row("Sin", "sin", U, "sine"),
    Row("sinh", "sinh", U, "hyperbolic sine"),
    Row("Sqrt", "sqrt", U, "square root"),
    Row("Tan", "tan", U, "tangent"),
    Row("tanh", "tanh", U, "hyperbolic tangent"),
    Row("trunc", "trunc", U, "truncated whole numbers"),
]

# special values (math-compare.rst): a boolean per element, no output form
SPECIAL = [
    Row("finite", "isfinite", U, "1b for each finite element", inplace=False, out=False),
    Row("inf", "isinf", U, "1b for each element that is positive or negative infinity",
        inplace=False, out=False),
    Row("nan", "isnan", U, "1b for each element that is NaN", inplace=False, out=False),
    Row("neginf", "isneginf", U, "1b for each element that is negative infinity", inplace=False),
    Row("posinf", "isposinf", U, "1b for each element that is positive infinity", inplace=False),
]

BINARY = [
    Row("atan2", "atan2", B, "arctangent of x%y, quadrant aware"),
    Row("Div", "div", B, "divide (true division)"),
    Row("fmod", "fmod", B, "floating point remainder, the sign of x"),
    Row("fpow", "float_power", B, "power function in double precision"),
    Row("mul", "mul", B, "multiply"),
    Row("pow", "pow", B, "power function"),
    Row("remainder", "remainder", B, "remainder (modulus), the sign of y"),
    Row("xor", "logical_xor", B, "logical xor"),
    # comparisons (math-compare.rst)
    Row("eq", "eq", B, "1b where x is equal to y"),
    Row("ge", "ge", B, "1b where x is greater than or equal to y"),
    Row("gt", "gt", B, "1b where x is greater than y"),
    Row("le", "le", B, "1b where x is less than or equal to y"),
    Row("lt", "lt", B, "1b where x is less than y"),
    Row("ne", "ne", B, "1b where x is not equal to y"),
    Row("fmax", "fmax", B, "elementwise maximum, the non-NaN value if one is NaN", inplace=False),
    Row("fmin", "fmin", B, "elementwise minimum, the non-NaN value if one is NaN", inplace=False),
    Row("maximum", "maximum", B, "elementwise maximum, NaN if either is NaN", inplace=False),
    Row("minimum", "minimum", B, "elementwise minimum, NaN if either is NaN", inplace=False),
]

# one k boolean for the pair, whatever the inputs (math-compare.rst)
BOOLEAN = [
    Row("equal", "equal", B, "1b if x and y have the same size and identical elements",
        result="k", inplace=False, out=False),
]

ROWS = register(UNARY + SPECIAL + BINARY + BOOLEAN)
