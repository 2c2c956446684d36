"""Names for staged temporaries, from what they compute: ``xpy``, ``sigy``, ``xsum``.

Contract: ``hint(rule, args) -> str`` is a readable base name; the stager's
namer makes it unique (``s``, ``s2``).  Short operand names are combined
(``x + y`` -> ``xpy``, ``w * x`` -> ``wx``); otherwise the operation names it.
"""

from . import ir

SHORT = 4  # operand names up to this long are combined into temporaries' names
REDUCTION_HINTS = {"np.sum": "total", "np.max": "peak", "np.min": "low", "np.mean": "avg", "np.prod": "prod",
                   "np.var": "var", "np.std": "std"}


def hint(rule_name, args):
    names = [a.name if isinstance(a, ir.Var) else None for a in args]
    short = [n for n in names if n and len(n) <= SHORT]
    first = names[0] if names and names[0] and len(names[0]) <= SHORT else ""
    if rule_name in ("add", "sub", "mul") and len(args) == 2 and all(n and len(n) <= 3 for n in names):
        combined = {"add": "p", "sub": "m", "mul": ""}[rule_name].join(names)
        if len(combined) <= SHORT + 2:
            return combined
    if rule_name == "square" and first:
        return first + "sqr"
    if rule_name in ("pow", "np.power") and isinstance(args[1], ir.Const) and first:
        return first + {"2": "sqr", "3": "cube", "0.5": "sqrt"}.get(str(args[1]), "pow")
    if rule_name in ("sigmoid", "np.sigmoid"):
        return "sig" + first
    if rule_name == "neg":
        return "neg" + first
    if rule_name == "np.transpose":
        return first + "T" if first else "trans"
    if rule_name == "np.matmul" or rule_name == "np.dot":
        return first + "dot" if first else "prod"
    if rule_name == "getitem":
        return "sel"
    if rule_name == "np.sum_square":
        return "sumsq"
    if rule_name in REDUCTION_HINTS:
        return first + rule_name[3:] if first else REDUCTION_HINTS[rule_name]
    if "." in rule_name or rule_name in ("abs", "max", "min"):
        base = rule_name.split(".")[-1].replace("_base", "")
        base = {"maximum": "max", "minimum": "min", "square": "sq", "linalg.norm": "norm"}.get(base, base)
        var = first or next((n for n in short), "")
        return base + var
    return {"add": "s", "sub": "diff", "mul": "prod", "div": "quot", "pow": "pw"}.get(rule_name, "t")
