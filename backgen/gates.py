"""Helpers a person recognizes as the logistic sigmoid, however they are spelled.

Contract: ``is_sigmoid(func, env) -> bool`` says whether ``func`` (an ``ast.FunctionDef``,
``env`` its module's names: ``{name: "numpy" | "math" | ...}``) is one of the spellings of
``1 / (1 + exp(-x))`` in ``SPELLINGS``: its one parameter, its docstring left out, its local
names and the name it gives NumPy free, its numbers compared as numbers (``1`` is ``1.0``).
CS231n's stable sigmoid (exponentials of negated positives and of negatives, picked by masks)
is one: a layer whose cache holds the gate's output (``i = sigmoid(a[:, :H])``), not its input,
has its gate differentiated from that output, ``di * i * (1 - i)``, as a person does.

The spellings are data, each checked when this module loads to compute the sigmoid (at
values from -8 to 8, by NumPy), so an entry cannot be a wrong one.
"""

import ast

import numpy as np
from .source import tree_copy, walk

SPELLINGS = (
    """
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
""",
    # CS231n's rnn_layers.py: exp of a negated positive, or of a negative, never overflows
    """
def sigmoid(x):
    pos_mask = x >= 0
    neg_mask = x < 0
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)
""",
    """
def sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
""",
    """
def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))
""",
    """
def sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1)
""",
    """
def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))
""",
    """
def sigmoid(x):
    return np.exp(x) / (1 + np.exp(x))
""",
)


def _canonical(func, numpy_names):
    """``func``'s body dumped with its parameter named ``x``, its locals ``v0``, ``v1``... in the
    order they are first bound, NumPy's name ``np``, numbers as floats; None for any other shape
    (not one parameter, defaults, decorators, a name of the module other than NumPy's)."""
    args = func.args
    if len(args.args) != 1 or args.defaults or args.vararg or args.kwarg or args.kwonlyargs \
            or args.posonlyargs or func.decorator_list:
        return None
    body = [tree_copy(s) for s in func.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    names = {args.args[0].arg: "x"}
    for stmt in body:
        for node in walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in names:
                names[node.id] = f"v{len(names) - 1}"
    for stmt in body:
        for node in walk(stmt):
            if isinstance(node, ast.Name):
                if node.id in names:
                    node.id = names[node.id]
                elif node.id in numpy_names:
                    node.id = "np"
                else:
                    return None  # (a name of the module: it might mean anything)
            elif isinstance(node, ast.Constant):
                if not isinstance(node.value, (int, float)) or isinstance(node.value, bool):
                    return None
                node.value = float(node.value)
    return ast.dump(ast.Module(body, []))


def _spelled():
    forms = set()
    x = np.linspace(-8.0, 8.0, 161)  # (1 + tanh cancels digits further out: the same function)
    for text in SPELLINGS:
        func = ast.parse(text).body[0]
        namespace = {"np": np}
        exec(compile(ast.Module([func], []), "<backgen sigmoid spellings>", "exec"), namespace)
        with np.errstate(over="ignore"):
            got = namespace[func.name](x.copy())
        assert np.allclose(got, 1 / (1 + np.exp(-x)), rtol=1e-9, atol=0.0), text
        forms.add(_canonical(func, {"np"}))
    return frozenset(forms)


_FORMS = _spelled()


def is_sigmoid(func, env):
    """Whether ``func`` is one of the spellings of the sigmoid (see the module)."""
    if not isinstance(func, ast.FunctionDef):
        return False
    numpy_names = {name for name, meaning in env.items() if meaning == "numpy"}
    return _canonical(func, numpy_names) in _FORMS
