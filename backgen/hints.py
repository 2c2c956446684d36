"""Names for staged temporaries, from what they compute: ``xpy``, ``sigy``, ``xsum``.

Contract: ``hint(rule, args) -> str`` is a readable base name; the stager's
namer makes it unique (``s``, ``s2``).  Short operand names are combined
(``x + y`` -> ``xpy``, ``w * x`` -> ``wx``); otherwise the rule's own ``hint``
(``rules.base``) names it, ``"{first}sum|total"``: ``{first}`` is the first
operand's name when short, ``{var}`` that, or where the first operand is a constant another short
operand's name,
and the part after ``|`` is used when the names it needs are missing.
Without a hint a function is named by its last name and an operand
(``expx``), any other operation ``t``.
"""

from . import ir
from .rules import RULES

SHORT = 4  # operand names up to this long are combined into temporaries' names


def hint(rule_name, args):
    names = [a.name if isinstance(a, ir.Var) else None for a in args]
    short = [n for n in names if n and len(n) <= SHORT]
    first = names[0] if names and names[0] and len(names[0]) <= SHORT else ""
    var = (first or next((n for n in short), "")) if not names or names[0] is None else first  # (np.maximum(0,
    # h): maxh; np.clip(xdot2, a_min=lo, ...): clip, not cliplo, of a bound)
    if rule_name in ("add", "sub", "mul") and len(args) == 2 and all(n and len(n) <= 3 for n in names):
        combined = {"add": "p", "sub": "m", "mul": ""}[rule_name].join(names)
        if len(combined) <= SHORT + 2:
            return combined
    if rule_name in ("pow", "np.power") and isinstance(args[1], ir.Const) and first:
        return first + {"2": "sqr", "3": "cube", "0.5": "sqrt"}.get(str(args[1]), "pow")
    rule = RULES.get(rule_name)
    template = rule.hint if rule is not None and rule.hint else _default(rule_name)
    named, bar, otherwise = template.partition("|")
    if bar and ("{first}" in named and not first or "{var}" in named and not var):
        return otherwise
    return named.format(first=first, var=var)


def _default(rule_name):
    if "." in rule_name or rule_name in ("abs", "max", "min"):
        return rule_name.split(".")[-1].replace("_base", "") + "{var}"
    return "t"
