"""Staging calls: NumPy functions and methods, the user's helpers, indexing, inert values.

Contract: ``CallStager`` is mixed into the stager (``stage``), which provides
``expr``, ``spell``, ``qualify``, ``namer``, ``versions`` and ``add``.  A call
binds to its signature (``rules.SIGNATURES``): operands become the
operation's arguments, the rest static parameters kept as source text.  The
staged line keeps the user's spelling (``x.sum(axis=1)`` stays a method).
Values that carry no gradient (masks, shapes, constructors) are ``inert``.
"""

import ast
import functools
import inspect
import string

import numpy as np

from . import ir, source
from .errors import NoSourceError
from .dtype_names import dtype_names
from .objects import unfollowed_message
from .hints import hint as _hint
from .parse import array_default, inlined_note, key_parts, read_helper
from .structured import keys_needed
from .rules import (ALIASES, CALLS, INERT, INERT_ATTRIBUTES, INERT_METHODS, METHOD_SIGNATURES, METHODS,
                    NOT_DIFFERENTIABLE, NUMPY, OPAQUE, OPAQUE_REASONS, SIGNATURES)
from .source import tree_copy, walk


# NumPy functions written with others backgen has rules for (the same numbers), and the form each is read in
_NAMED_PARAMS = {  # functions of _SPELLED_OTHERWISE whose arguments are bound by name, in order
    "np.ediff1d": ("a", "to_end", "to_begin"), "np.diagflat": ("a", "k"), "np.rollaxis": ("a", "axis", "start"),
    "np.nancumsum": ("a", "axis"), "np.nanprod": ("a", "axis", "keepdims"),
    "np.astype": ("a", "dtype", "copy"),
}
_SPELLED_NAMES = {"ary": "a", "v": "a"}  # (NumPy's own names of the first argument)


def _bind_spelled(qualified, args, keywords):
    """``{name: node}`` of a call of ``_NAMED_PARAMS``'s ``qualified``, None where it does not bind (too
    many arguments, one given twice, one of no such name); the first argument is required."""
    names = _NAMED_PARAMS[qualified]
    if len(args) > len(names):
        return None
    bound = dict(zip(names, args))
    for key, value in keywords.items():
        key = _SPELLED_NAMES.get(key, key)
        if key not in names or key in bound:
            return None
        bound[key] = value
    if "a" not in bound or qualified == "np.rollaxis" and "axis" not in bound or \
            qualified == "np.astype" and "dtype" not in bound:
        return None
    return {k: v for k, v in bound.items() if not (isinstance(v, ast.Constant) and v.value is None)}


_SPELLED_OTHERWISE = {
    "np.linalg.multi_dot": "np.linalg.multi_dot([a, b, ...]): a @ b @ ...",
    "np.vecdot": "np.vecdot(a, b, axis=-1): np.sum(a * b, axis=-1)",
    "np.linalg.vecdot": "np.linalg.vecdot(a, b, axis=-1): np.sum(a * b, axis=-1)",
    "np.matrix_transpose": "np.matrix_transpose(a): np.swapaxes(a, -1, -2)",
    "np.linalg.matrix_transpose": "np.linalg.matrix_transpose(a): np.swapaxes(a, -1, -2)",
    "np.block": "np.block of lists written out, nested alike ([[a, b], [c, d]]): np.concatenate of np.concatenate "
                "along the last axes (the arrays of one rank, at least the nesting's depth)",
    # NumPy 2's array API names
    "np.ediff1d": "np.ediff1d(a, to_end=None, to_begin=None): np.diff(np.ravel(a)), the ends joined to it",
    "np.diagflat": "np.diagflat(v, k=0): np.diag(np.ravel(v), k)",
    "np.rollaxis": "np.rollaxis(a, axis, start=0) of axes written as numbers not negative: np.moveaxis",
    "np.nancumsum": "np.nancumsum(a, axis=None): np.cumsum of a with its NaNs 0",
    "np.nanprod": "np.nanprod(a, axis=None, keepdims=False): np.prod of a with its NaNs 1",
    "np.linalg.matmul": "np.linalg.matmul(a, b): a @ b",
    "np.linalg.outer": "np.linalg.outer(a, b): np.outer(a, b)",
    "np.linalg.cross": "np.linalg.cross(a, b, axis=-1): np.cross(a, b)",
    "np.linalg.tensordot": "np.linalg.tensordot(a, b, axes=2): np.tensordot(a, b, axes)",
    "np.linalg.diagonal": "np.linalg.diagonal(a, offset=0): np.diagonal(a, offset, axis1=-2, axis2=-1)",
    "np.linalg.trace": "np.linalg.trace(a, offset=0): np.trace(a, offset, axis1=-2, axis2=-1)",
    "np.linalg.matrix_norm": "np.linalg.matrix_norm(a, keepdims=False, ord='fro'): np.linalg.norm(a, ord, "
                             "axis=(-2, -1), keepdims)",
    "np.linalg.vector_norm": "np.linalg.vector_norm(a, axis=None, keepdims=False, ord=2): np.linalg.norm(np.ravel(a), "
                             "ord) (axis None, keepdims False), np.linalg.norm(a, ord, axis, keepdims) (axis a number, "
                             "or two axes of ord 2)",
    "np.astype": "np.astype(x, dtype, copy=True): x.astype(dtype, copy=copy)",
    "np.matvec": "np.matvec(a, b): (a @ b[..., None])[..., 0]",
    "np.vecmat": "np.vecmat(a, b): (a[..., None, :] @ b)[..., 0, :]",
}
# of each of these, the positional arguments and the keywords it is read with here
_ARRAY_API = {"np.linalg.matmul": (2, set()), "np.linalg.outer": (2, set()), "np.linalg.cross": (2, {"axis"}),
              "np.linalg.tensordot": (2, {"axes"}), "np.linalg.diagonal": (1, {"offset"}),
              "np.linalg.trace": (1, {"offset"}), "np.linalg.matrix_norm": (1, {"ord", "keepdims"}),
              "np.linalg.vector_norm": (1, {"ord", "keepdims", "axis"}), "np.matvec": (2, set()),
              "np.vecmat": (2, set())}
# NumPy's ufuncs with rules of their operands alone, and the settings every ufunc takes
_UFUNCS = frozenset(name for name, rule in NUMPY.items() if name.count(".") == 1 and name.startswith("np.") and
                    isinstance(getattr(np, name[3:], None), np.ufunc) and rule.signature == ", ".join(rule.inputs))
_UFUNC_SETTINGS = ", out=None, *, where=True, casting='same_kind', order='K', dtype=None, subok=True"
# ufuncs' reductions that are NumPy functions (over the first axis where no axis is given)
_UFUNC_REDUCTIONS = {"np.add.reduce": "np.sum", "np.multiply.reduce": "np.prod", "np.maximum.reduce": "np.max",
                     "np.minimum.reduce": "np.min"}
_OF_LISTS = frozenset({"np.stack", "np.concatenate", "np.vstack", "np.hstack",
                       "np.column_stack"})  # each has a rule "..._list"
# the calls giving a list of arrays a join may take whole (np.stack(np.split(x, 2, axis=1)))
_SPLITS = frozenset({"np.split", "np.array_split", "np.hsplit", "np.vsplit", "np.dsplit", "np.meshgrid"})
# of a join of lists xs + ys, the join of np.concatenate(xs) and np.concatenate(ys) (not so for np.stack)
_JOINED_LISTS = frozenset({"np.concatenate", "np.vstack", "np.hstack"})


# what to write instead of a builtin backgen does not follow where it is called (a sequence a loop reads)
_BUILTIN_HINTS = {
    "list": ": for a copy of a list write xs.copy()",
    "tuple": ": for a copy of a sequence write xs.copy()",
    "zip": " (zip, enumerate and reversed as the sequence a for loop or a comprehension reads: "
           "for a, b in zip(xs, ys))",
    "enumerate": " (zip, enumerate and reversed as the sequence a for loop or a comprehension reads: "
                 "for i, x in enumerate(xs))",
    "sorted": ": sort with np.sort(np.array(xs)), whose gradient backgen follows",
}

_SEEDED = frozenset({"default_rng", "RandomState", "Generator", "seed"})  # (np.random's of a seed: the same
# draws on every call, in the order they are drawn)

class CallStager:

    def call(self, node, name, role):
        func = node.func
        qualified = self.qualify(func)
        if isinstance(func, ast.Name) and func.id in self.versions:
            if func.id in {a.arg for a in self.func.args.args}:  # (an integrator's f(y, t), f given by the caller)
                raise self.error(f"{func.id!r} is a variable, not a function: a parameter called as a function (a "
                                 "function passed in), which backgen does not follow here; differentiate a function "
                                 f"of yours that passes it by its name ({self.func.name}(your_function, ...)), or "
                                 "call the decorated function with NumPy's, math's or a def of your module's, named "
                                 "there (not a lambda)", func)
            raise self.error(f"{func.id!r} is a variable, not a function", func)
        receiver_is_name = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        if receiver_is_name and qualified is None and func.value.id not in self.versions and \
                func.value.id in self.user_names:  # r.copy() of a name not bound here: said as reading r is
            self.name(func.value)  # (not as an unknown function 'r.copy')
        if qualified is None and isinstance(func, ast.Attribute) and not (
                receiver_is_name and func.value.id not in self.versions):
            return self.method(node, name, role)
        label = qualified or source.to_source(func)
        if qualified and qualified.startswith("np.random."):
            return self.random(node, qualified, name, role)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.error("starred arguments (*args) are supported in calls of np.random only", node)
        if qualified is None and isinstance(func, ast.Name) and func.id == self.func.name:
            raise self.error(f"{func.id}() calls itself: recursion is not supported", node)
        if qualified is None and isinstance(func, ast.Name) and func.id in self.forward.helpers:
            return self.helper_call(node, name, role)
        if qualified is None and label == "slice" and getattr(node, "index_slice", False):
            return self.inert(node, node.args, name, role, inline=True)  # (np.add.at's (slice(None), k, i, j))
        if qualified is None and label == "slice":
            raise self.error("slice(...) is followed where it is bound to a name once and the name is read only as "
                             "an index (s = slice(a, b), then x[:, s]); else write the slice in the index (x[:, a:b])",
                             func)
        if qualified is None and label in self.forward.wrapped:
            raise self.error(f"{label}() is wrapped by another decorator ({self.forward.wrapped[label]}), whose code "
                             f"backgen does not read: call a function of the module as its def computes it", func)
        if qualified is None and label in self.forward.aliases:
            own = self.forward.aliases[label]
            raise self.error(f"{label!r} is your function {own}() under another name: backgen reads a function of "
                             f"the module by the name its def gives it; call {own}(...)", func)
        if qualified is None and label in ("tuple", "list") and len(node.args) == 1 and not node.keywords and \
                isinstance(node.args[0], ast.Call) and self.qualify(node.args[0].func) == "range":
            # tuple(range(1, x.ndim)): integers (axes, an index), as range's own
            return self.inert(node, node.args[0].args, name, role)
        if qualified is None and label in self.forward.unfollowed:  # (a class of the module not followed)
            raise self.error(unfollowed_message(label, self.forward.unfollowed[label]), func)
        if qualified is None and isinstance(func, ast.Subscript):  # (cfg["act"](h), a parameter's entry)
            raise self.error(f"{label} calls an entry of the parameter {func.value.id}: a function passed in a "
                             "dict, which backgen follows where the decorator (backgen.backward) is given the dict, "
                             "its entry NumPy's, math's or a def of your module named there", func)
        if qualified is None:
            hint = _BUILTIN_HINTS.get(label, "")
            raise self.error(
                f"unknown function {label!r}: backgen differentiates math and NumPy functions, the functions "
                f"of your module, and the builtins abs, max, min, pow, sum, len, range, int, float, round and bool"
                f"{hint}", func)
        if qualified == "np.bincount":  # counts of integers: a constant; weights= summed per integer: the rule's
            weights = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords
                                                                     if k.arg == "weights"), None)
            if weights is None or isinstance(weights, ast.Constant) and weights.value is None:
                return self.inert(node, node.args + [k.value for k in node.keywords], name, role)
        if qualified in NOT_DIFFERENTIABLE:  # math.factorial(k) of a count is a constant;
            return self.inert(node, node.args + [k.value for k in node.keywords], name, role, opaque=True,
                              reason=f"{label} is not differentiable: {NOT_DIFFERENTIABLE[qualified]}")
            # (of a differentiated value, refused: given by keyword too, np.bincount(k, weights=w))
        converted = self.conversion(qualified, node, name, role)
        if converted is not None:
            return converted
        if qualified.startswith("np."):
            return self.numpy_call(qualified, node, name, role)
        if qualified == "sum" and len(node.args) + len(node.keywords) == 2 and len(node.args) >= 1 and \
                all(k.arg == "start" for k in node.keywords) and not isinstance(node.args[0], ast.Starred):
            start = node.args[1] if len(node.args) == 2 else node.keywords[0].value  # sum(xs, s): s + sum(xs)
            total = ast.copy_location(ast.Call(func, [node.args[0]], []), node)
            return self.expr(ast.copy_location(ast.BinOp(start, ast.Add(), total), node), name, role)
        if qualified in ("sum", "max", "min") and len(node.args) == 1 and not node.keywords and \
                isinstance(node.args[0], (ast.List, ast.Tuple)) and node.args[0].elts and \
                not any(isinstance(e, ast.Starred) for e in node.args[0].elts):
            items = node.args[0].elts  # sum([a, b, c]) is a + b + c, max([a, b]) is max(a, b)
            if len(items) == 1:
                return self.expr(items[0], name, role)
            if qualified == "sum":
                return self.op("add", list(items), node, name, role)
            node = ast.copy_location(ast.Call(func, list(items), []), node)
        if qualified == "sum" and len(node.args) == 1 and not node.keywords and \
                (isinstance(node.args[0], ast.Name) or self.numpy and not isinstance(node.args[0], ast.Starred) or
                 isinstance(node.args[0], ast.Subscript) and isinstance(node.args[0].slice, ast.Slice) or  # (v[1:])
                 _arithmetic(node.args[0], self.qualify)):  # sum(abs(a - b)): an array's rows (lists joined by + or
            # repeated by * are refused where staged)
            return self.numpy_op("list_sum", [node.args[0]], node, name, role)  # the sum of a list, or of an
            # array's rows (sum((x - y) ** 2))
        if qualified in ("max", "min") and len(node.args) == 1 and not node.keywords:  # of a list of numbers
            items = node.args[0]
            if isinstance(items, (ast.List, ast.Tuple)) and len(items.elts) > 1 and \
                    not any(isinstance(e, ast.Starred) for e in items.elts):  # max([a, b, c]) is max(a, b, c)
                node = ast.copy_location(ast.Call(func, list(items.elts), []), node)
            elif isinstance(items, ast.Name) and self._is_list(items):  # (an array's elements: not followed)
                return self.numpy_op(f"list_{qualified}", [items], node, name, role)
        if qualified in INERT or qualified in OPAQUE:
            return self.inert(node, node.args, name, role, opaque=qualified in OPAQUE,
                              reason=OPAQUE_REASONS.get(qualified))
        if node.keywords:
            raise self.error("keyword arguments are not supported in this call", node.keywords[0])
        if qualified in ("max", "min") and any(isinstance(a, (ast.Tuple, ast.List)) for a in node.args):
            raise self.error(f"{label}() of tuples compares them item after item (the first items, then the next "
                             f"where those are equal) and gives a whole tuple, which backgen does not follow: "
                             f"compare the numbers themselves ({label}(a, b)), or pick with an if", node)
        if qualified in ("max", "min") and len(node.args) > 2:  # max(a, b, c) is max(max(a, b), c): the
            inner = ast.copy_location(ast.Call(func, node.args[:-1], []), node)  # first of equal ones wins
            node = ast.copy_location(ast.Call(func, [inner, node.args[-1]], []), node)
        rule = CALLS.get((qualified, len(node.args)))
        if rule is None and qualified in ("max", "min") and len(node.args) == 1:
            raise self.error(f"{label}() of one argument is followed for a list the function builds (xs = [a, b]; "
                             f"{label}(xs)) or writes out ({label}([a, b, c])); for the largest or smallest "
                             f"element of an array use np.{label}(x)", node)
        if rule is None and qualified == "sum" and len(node.args) == 1:
            raise self.error("sum() of this is followed in code calling no NumPy for a list or a name holding one "
                             "(zs = ...; sum(zs)), a generator (sum(w * x for w, x in zip(ws, xs))), or arithmetic "
                             "of arrays with no + or * (sum(abs(a - b)), which Python's lists would join or "
                             "repeat): for arrays, write np.sum(...)", node)
        if rule is None:
            arities = sorted(n for (f, n) in CALLS if f == qualified)
            if arities:
                expected = " or ".join(map(str, arities))
                raise self.error(f"{label} takes {expected} argument(s) here, got {len(node.args)}", node)
            if label in ("autograd.misc.flatten", "jax.flatten_util.ravel_pytree"):
                raise self.error(f"{label}(...) is followed of a list or dict of arrays whose structure is known: "
                                 f"give it (shapes={{'params': [('3, 4', '4'), ('4, 2', '2')]}}), or call the "
                                 f"decorated function's .backward with the arrays", func)
            raise self.error(f"{label} has no derivative rule in backgen", func)
        return self.op(rule, list(node.args), node, name, role)

    def conversion(self, qualified, node, name, role):
        """``float(x)``, ``np.array([a, b, c])``, ``np.asarray(x)``: the same numbers, so the gradient
        passes (a list of values is stacked); to an integer type, none.  None: not a conversion."""
        dtype = next((k.value for k in node.keywords if k.arg == "dtype"), None)
        args = list(node.args)
        if qualified in ("np.array", "np.asarray", "np.asanyarray", "np.ascontiguousarray") and len(args) == 2 and \
                dtype is None and not isinstance(args[1], ast.Starred):
            dtype = args.pop()  # np.asarray(x, float): the dtype, as a keyword
        copied = any(k.arg == "copy" and isinstance(k.value, ast.Constant) and k.value.value is True
                     for k in node.keywords)  # np.array(x, copy=True): a copy, as np.array(x) is
        if len(args) != 1 or any(k.arg != "dtype" and not (k.arg == "copy" and copied) for k in node.keywords):
            return None
        if _integral_dtype(dtype):  # np.asarray(x, dtype=int): whole numbers, as x.astype(int), no gradient
            if qualified not in ("np.array", "np.asarray", "np.asanyarray", "np.ascontiguousarray"):
                return None
            return self.inert(node, args, name, role or "values")
        if dtype is not None and not _float_dtype(dtype):
            return None
        arg = args[0]
        if qualified == "float" and not node.keywords:
            return self.numpy_op("np.copy", [arg], node, name, role or "value")
        if qualified in ("np.float64", "np.float32") and not node.keywords:  # of an array: the array itself
            return self.numpy_op("np.astype", [arg], node, name, role or "value")
        if qualified in ("np.asanyarray", "np.ascontiguousarray"):  # of arrays (no subclass backgen reads; laid
            qualified = "np.asarray"  # out in C order, as backgen follows reshapes): np.asarray
        if qualified not in ("np.array", "np.asarray"):
            return None
        if isinstance(arg, (ast.List, ast.Tuple)):
            rows = [isinstance(e, (ast.List, ast.Tuple)) for e in arg.elts]
            if any(rows) and all(rows) and len({len(e.elts) for e in arg.elts}) == 1 and not all(
                    isinstance(n, (ast.Constant, ast.List, ast.Tuple, ast.UnaryOp, ast.unaryop, ast.Load))
                    for n in walk(arg)):  # [[c, -s], [s, c]]: each row converted, the rows stacked
                arg = ast.copy_location(ast.List([ast.copy_location(ast.Call(node.func, [e], []), e)
                                                  for e in arg.elts], ast.Load()), arg)
            elif not arg.elts or any(isinstance(e, (ast.List, ast.Tuple, ast.Starred)) for e in arg.elts):
                return None  # nested: a constant table, or refused where a gradient must flow
            return self.numpy_op("np.stack", list(arg.elts), node, name, role or "stacked")
        if qualified == "np.asarray" and not copied:  # the array itself where it is one already: written into, it may be
            return self.numpy_op("np.astype", [arg], node, name, role or "values")  # (the memory of astype)
        return self.numpy_op("np.copy", [arg], node, name, role or "values")

    def random(self, node, qualified, name, role):
        """``np.random.rand(*x.shape) < p``: random numbers, a constant for the gradient.  A backward
        must not draw them again: they come from the cache of a layer (``out, cache``), nowhere else."""
        if self.cache_name is None and qualified.rpartition(".")[2] in _SEEDED and (node.args or node.keywords):
            raise self.error(f"{qualified}() of a seed fixes the draws that follow, which a backward would have "
                             "to draw again, all of them in the same order: draw them outside the function (draws = "
                             f"{qualified}(seed).standard_normal((R, K))) and pass them in as a parameter", node)
        if self.cache_name is None:
            raise self.error(f"{qualified}() draws new numbers on every call, so a backward cannot compute "
                             "them again: return them in a cache (return out, cache) or pass them in as a "
                             "parameter", node)
        children = [a.value if isinstance(a, ast.Starred) else a for a in node.args]
        return self.inert(node, children + [k.value for k in node.keywords], name, role or "draw", opaque=True)

    def helper_call(self, node, name, role):
        """A call of the user's own function: its backward is generated and called."""
        function = node.func.id
        try:
            helper = read_helper(self.forward, function)
        except NoSourceError as exc:  # (typed at a prompt, made by exec: said at the call)
            raise self.error(str(exc), node) from None
        if getattr(helper.func, "returns_nothing", False):  # (written into the caller where it can be: by
            # ``parse`` as the helper reads, or here as it reads rewritten, its own defs lifted out)
            error = self.error(f"{function}() returns nothing: backgen follows a function that only writes into "
                               f"its arguments where its call stands alone as a statement ({function}(...)) in "
                               "the function differentiated; elsewhere, end it with a return statement", node)
            error.inline_helpers = (function,)
            raise error
        changed = None if self.numpy else _list_changed(helper.func)  # (NumPy code: written into the
        if changed is not None:  # caller, as a write into a parameter's array is)
            param, method = changed
            raise self.error(f"{function}() changes the list passed as its parameter {param!r} ({param}.{method}(...)), "
                             "which backgen does not follow across calls: return what it adds and add it where "
                             "the list is made", node)
        returned = next(n.value for n in source.walk(helper.func) if isinstance(n, ast.Return))
        outputs = len(returned.elts) if isinstance(returned, ast.Tuple) else 1
        roles = helper_roles(helper)
        if roles is not None:  # (out, cache), (loss, dx): the call's values are the outputs alone
            if not self.unpacking_roles:
                raise self.error(f"{function}() returns {', '.join(roles)}: unpack its result where you call it "
                                 f"({', '.join(roles)} = {function}(...)) so backgen can tell its outputs from "
                                 f"its {' and '.join(r for r in roles if r != 'out')}", node)
            outputs = roles.count("out")
        args = helper.func.args
        names = [a.arg for a in args.args]
        defaults = dict(zip(names[len(names) - len(args.defaults):], args.defaults))
        signature = ", ".join(f"{n}=None" if n in defaults else n for n in names)  # (what binds: the names)
        try:
            bound = _bound(signature, node.args, {k.arg: k.value for k in node.keywords})
        except TypeError as exc:
            raise self.error(f"{function}(): {exc}{inlined_note(helper)}", node) from None
        atoms = []
        for param in names:
            value = bound.get(param)
            if isinstance(value, (ast.Tuple, ast.List)) and value.elts and not all(_literal(e) for e in value.elts) \
                    and not any(isinstance(e, (ast.Starred, ast.Tuple, ast.List)) for e in value.elts):
                # deriv((theta, omega), k): the values, as a list of them (state = (a, b) is one too)
                atoms.append(self.numpy_op("list_make", list(value.elts), value, None, param))
                continue
            atoms.append(self.expr(value) if value is not None else  # (eps=1e-3 as the helper writes it; an
                         ir.Const(self.spell(defaults[param], {})) if array_default(defaults[param], helper.env)
                         is not None else  # array's, np.eye(3), as the generated code binds NumPy)
                         ir.Const(source.spelling(defaults[param], helper.lines) or source.to_source(defaults[param])))
        text = f"{function}({', '.join(map(str, atoms))})"
        target = name() if name is not None else self.namer.fresh(role or f"{function}_out")
        params = (("function", function), ("params", ",".join(names)), ("outputs", str(outputs)))
        self.add(ir.Op(target, "call", tuple(atoms), self.line, params, text))
        for k, param in enumerate(names):  # (batchnorm_forward(x, gamma, beta, bn_param) writing its running mean
            value = bound.get(param)  # into bn_param: a later read of that key reads what the call computed)
            if isinstance(value, ast.Name) and value.id in self.config:
                keys = self.settings_written.keys(function, k, None)
                if keys != set():
                    self.settings_changed.setdefault(value.id, []).append((keys, ir.Var(target)))
        return ir.Var(target)

    def method(self, node, name, role):
        method = node.func.attr
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in self.config:  # bn_param.get("eps", 1e-5)
            key = node.args[0] if node.args else None
            return self.inert(node, [receiver] + node.args + [k.value for k in node.keywords], name,
                              role or _setting(key), opaque=True, reason=_settings_read(node, receiver.id),
                              extra=self.written_settings(receiver.id, key),
                              resolved={id(receiver): self.settings_version(receiver.id, key)})
        if method == "astype":  # to a float type: the same numbers; to an integer type: no gradient
            dtype = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "dtype"), None)
            if _integral_dtype(dtype):
                return self.inert(node, [receiver], name, role or method)  # the dtype is not a value
            if not _float_dtype(dtype) and not (isinstance(dtype, ast.Name) and dtype.id in dtype_names(
                    self.func, self.forward.helpers)):
                raise self.error("astype to this type: backgen follows float types (float, np.float64, "
                                 "x.dtype) and integer types", node)
            keep = any(k.arg == "copy" and not (isinstance(k.value, ast.Constant) and k.value.value is True)
                       for k in node.keywords)  # (astype(..., copy=False) may give the array itself; else a copy)
            return self.numpy_op("np.astype" if keep else "np.copy", [receiver], node, name,
                                 role or _hint("np.astype", []))
        if method == "view":  # x.view(): a view of all of x, as x[...] is (writes through it reach x)
            if node.args or node.keywords:
                raise self.error("x.view() is differentiated without arguments: x.view(dtype) reads the same bytes "
                                 "as another type, which has no gradient backgen follows", node)
            whole = ast.copy_location(ast.Subscript(receiver, ast.copy_location(ast.Constant(...), node), ast.Load()),
                                      node)
            return self.expr(whole, name, role)
        if method == "item" and not node.args:  # x.item(): the one number it holds
            return self.numpy_op("np.item", [receiver], node, name, role or "value")
        if method in INERT_METHODS:
            return self.inert(node, [node.func.value] + node.args, name, role or method)
        function = METHODS.get(method)
        if function is None and isinstance(receiver, ast.Name) and receiver.id == "self" and \
                self.func.args.args and self.func.args.args[0].arg == "self":
            if method in self.forward.held_callables:  # (self.fc1 = Dense(W1, b1) in the constructor)
                raise self.error(f"self.{method}(): {method} is what the object holds (an object of another class, "
                                 f"or a function), not a method of its class: backgen does not follow it from the "
                                 f"object's method; write it as a function of the arrays it reads (dense(x, "
                                 f"self.W1, self.b1)), or differentiate a function making the layers it holds "
                                 f"(fc1 = Dense(W1, b1), fc1(x): followed)", node.func)
            raise self.error(f"self.{method}(): backgen does not follow calls of the object's own methods; "
                             f"write {method} as a function of the arrays it reads and call that", node.func)
        if function is None and method in ("values", "items", "keys") and isinstance(receiver, ast.Name) and \
                receiver.id in {a.arg for a in self.func.args.args}:
            raise self.error(keys_needed(receiver.id, method), node.func)
        if function is None and isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and \
                receiver.func.id == "super":
            raise self.error(f"super().{method}(): backgen does not follow the base class's methods through "
                             f"super(); write what {method} computes in this method, or as a function of the "
                             "arrays it reads and call that", node.func)
        if function is None and isinstance(receiver, ast.Name) and not any(  # (not an array's, a string's, a
                hasattr(kind, method) for kind in (np.ndarray, str, dict, list, np.random.Generator,  # dict's,
                                                   np.random.RandomState)):  # a random generator's method)
            raise self.error(f"{receiver.id}.{method}(): backgen does not follow methods of objects (layers held "
                             f"in a list, a model's parts); write the computation as one function of the arrays "
                             f"(or of a dict of them, params['W1']), or decorate the objects' {method} and chain "
                             f"their backwards, last first, each given the gradient of the input of the one "
                             f"after it as dout",
                             node.func)
        if function is None:
            raise self.error(f"unknown method .{method}(): backgen differentiates the NumPy array "
                             f"methods {', '.join(sorted(METHODS))}", node.func)
        signature = METHOD_SIGNATURES.get(method, SIGNATURES[function])
        inner = _square_operand(self, node.func.value) if method == "sum" else None
        if inner is not None:
            params = _bind_params(signature, [node.func.value] + node.args, node.keywords, "a")
            if params is not None:
                return self.numpy_op("np.sum_square", [inner], node, name, role, params)
        return self.bound_call(function, signature, [node.func.value] + node.args, node.keywords,
                               node, name, role)

    def numpy_call(self, qualified, node, name, role):
        if qualified == "np.where" and len(node.args) == 1 and not node.keywords:
            qualified = "np.nonzero"  # np.where(y == 1): the indices where it holds, as np.nonzero gives them
        if qualified in INERT or qualified in OPAQUE:
            return self.inert(node, node.args + [k.value for k in node.keywords], name, role,
                              opaque=qualified in OPAQUE, reason=OPAQUE_REASONS.get(qualified))
        if qualified == "np.full":  # of an integer dtype: the fill value rounded, no gradient (refused where
            dtype = next((k.value for k in node.keywords if k.arg == "dtype"), node.args[2] if len(node.args) > 2
                         else None)  # one flows into it); the rule's otherwise
            if dtype is not None and not _float_dtype(dtype):
                reason = (f"{source.to_source(node)}: np.full of dtype={source.to_source(dtype)} rounds its fill "
                          "value, which has no gradient then; backgen differentiates it for a float dtype "
                          "(leave dtype out)")
                return self.inert(node, node.args + [k.value for k in node.keywords], name, role, reason=reason)
        if qualified in _SPELLED_OTHERWISE:  # np.vecdot(a, b): np.sum(a * b, axis=-1), the same numbers
            return self.expr(self.spelled_otherwise(qualified, node), name, role)
        if qualified in _UFUNC_REDUCTIONS:  # np.add.reduce(a): np.sum over the first axis where none is given
            if len(node.args) > 2 or any(isinstance(a, ast.Starred) for a in node.args) or \
                    any(k.arg not in ("axis", "keepdims") for k in node.keywords) or \
                    not isinstance(node.func.value, ast.Attribute):  # (np.add.reduce, not add.reduce)
                raise self.error(f"{qualified}(a, axis=..., keepdims=...) is the form backgen reads", node)
            function = _UFUNC_REDUCTIONS[qualified]
            keywords = list(node.keywords)
            if len(node.args) < 2 and not any(k.arg == "axis" for k in keywords):
                keywords.append(ast.copy_location(ast.keyword("axis", ast.copy_location(ast.Constant(0), node)), node))
            func = ast.copy_location(ast.Attribute(node.func.value.value, function.split(".")[1], ast.Load()),
                                     node.func)
            return self.numpy_call(function, ast.copy_location(ast.Call(func, list(node.args), keywords), node),
                                   name, role)
        if qualified == "np.logaddexp.reduce":  # log(sum(exp(a))) computed stably: the logsumexp gate, over
            keywords = list(node.keywords)       # the first axis where none is given, as a ufunc's reduce is
            if len(node.args) < 2 and not any(k.arg == "axis" for k in keywords):
                keywords.append(ast.copy_location(ast.keyword("axis", ast.copy_location(ast.Constant(0), node)), node))
            params = _bind_params(SIGNATURES["np.sum"], node.args, keywords, "a")
            if params is None:
                raise self.error("np.logaddexp.reduce(a, axis=..., keepdims=...) is the form backgen reads", node)
            return self.numpy_op("np.logsumexp", [node.args[0]], node, name, role, params)
        if qualified not in SIGNATURES and qualified.startswith("np.fft."):
            if qualified.rpartition(".")[2] in ("irfft", "irfft2", "irfftn", "hfft"):  # (real values of a spectrum)
                raise self.error(f"{qualified} reads complex numbers (a spectrum), and backgen differentiates real "
                                 "arithmetic only: write the inverse transform as sums of the real and imaginary "
                                 "parts times cosines and sines for backgen to differentiate it", node.func)
            raise self.error(f"{qualified} returns complex numbers, and backgen differentiates real arithmetic "
                             f"only: write the transform with its real and imaginary parts (sums of x times cosines "
                             f"and sines) for backgen to differentiate it", node.func)
        if qualified == "np.lib.stride_tricks.as_strided":
            raise self.error(f"{qualified} makes a view of any strides, whose gradient backgen does not follow: "
                             f"write the windows with np.lib.stride_tricks.sliding_window_view (its windows then "
                             f"sliced, [..., ::s, ::s, :, :], for a stride s)", node.func)
        if qualified not in SIGNATURES:
            raise self.error(f"{qualified} has no derivative rule in backgen", node.func)
        if qualified == "np.einsum" and node.args and not self.text_value(node.args[0]):
            node_before, node = node, _einsum_subscripts(node)  # np.einsum(x, [0, 1], [1]): np.einsum('ab->b', x)
            if node is None and isinstance(node_before.args[0], ast.Name) and (
                    len(node_before.args) < 2 or not self.axes_list(node_before.args[1])):
                raise self.error(f"np.einsum's subscripts {node_before.args[0].id!r} are not a string written in the "
                                 f"function: write them in the call (np.einsum('ij,jk->ik', a, b)), or bind them to a "
                                 f"name first (spec = 'ij,jk->ik')", node_before.args[0])
            if node is None:
                raise self.error("np.einsum with lists of axes is differentiated where each list is written out as "
                                 "integers (np.einsum(x, [0, 1], [1])): else write the subscripts as a string "
                                 "(np.einsum('ij->j', x))", node_before)
        fused = self.match_fused(qualified, node)
        if fused is not None:
            rule, operand, params = fused
            return self.numpy_op(rule, [operand], node, name, role, params)
        signature = SIGNATURES[qualified]
        if ALIASES.get(qualified, qualified) in _UFUNCS:  # a ufunc's settings: out=None, where=True, a float
            signature += _UFUNC_SETTINGS  # dtype, casting... (out=y, an integer dtype, a where mask: refused)
        return self.bound_call(qualified, signature, node.args, node.keywords, node, name, role)

    def spelled_otherwise(self, qualified, node):
        """The call ``node`` of a function of ``_SPELLED_OTHERWISE`` written with the functions and
        operators backgen has rules for (``np.linalg.multi_dot([a, b, c])``: ``a @ b @ c``)."""
        form = _SPELLED_OTHERWISE[qualified]
        base = node.func
        while isinstance(base, ast.Attribute):
            base = base.value
        keywords = {k.arg: k.value for k in node.keywords}
        usable = isinstance(node.func, ast.Attribute) and isinstance(base, ast.Name) and \
            not any(isinstance(a, ast.Starred) for a in node.args) and None not in keywords
        if qualified.endswith("multi_dot"):
            usable = usable and len(node.args) == 1 and not keywords and \
                isinstance(node.args[0], (ast.List, ast.Tuple)) and len(node.args[0].elts) >= 2 and \
                not any(isinstance(e, ast.Starred) for e in node.args[0].elts)
        elif qualified.endswith("vecdot"):
            usable = usable and len(node.args) == 2 and set(keywords) <= {"axis"}
        elif qualified == "np.block":
            depth = _nesting(node.args[0]) if len(node.args) == 1 and not keywords else None
            usable = usable and bool(depth) and not any(  # (a list a name holds: np.block reads it as a level)
                isinstance(n, ast.Name) and self._is_list(n) for n in walk(node.args[0]))
        elif qualified in _ARRAY_API:
            count, allowed = _ARRAY_API[qualified]
            usable = usable and len(node.args) == count and set(keywords) <= allowed
            if qualified == "np.linalg.vector_norm":  # (of no axis: the flattened array's, keepdims left out)
                axis = keywords.get("axis")
                whole = axis is None or isinstance(axis, ast.Constant) and axis.value is None
                keep = keywords.get("keepdims")
                kept = keep is not None and not (isinstance(keep, ast.Constant) and keep.value is False)
                order = keywords.get("ord")
                pair = isinstance(axis, ast.Tuple) and len(axis.elts) == 2
                two = order is None or isinstance(order, ast.Constant) and order.value in (2, None)
                usable = usable and (whole and not kept or isinstance(axis, (ast.Constant, ast.UnaryOp)) and
                                     not whole or pair and two)
        elif qualified in _NAMED_PARAMS:  # (np.ediff1d, np.rollaxis...): their arguments bound by name
            bound = _bind_spelled(qualified, node.args, keywords)
            usable = usable and bound is not None
            if usable and qualified == "np.rollaxis":
                usable = all(isinstance(bound.get(k, ast.Constant(0)), ast.Constant) and
                             type(bound.get(k, ast.Constant(0)).value) is int and
                             bound.get(k, ast.Constant(0)).value >= 0 for k in ("axis", "start"))
        else:  # np.matrix_transpose
            usable = usable and len(node.args) == 1 and not keywords
        if not usable:
            raise self.error(f"{qualified} is read as {form}", node)

        def numpy(function, args, keywords=()):  # (spelled with the name the code gives NumPy)
            func = ast.Attribute(ast.Name(base.id, ast.Load()), function, ast.Load())
            return ast.Call(func, list(args), [ast.keyword(k, v) for k, v in keywords])
        if qualified.endswith("multi_dot"):
            made = node.args[0].elts[0]
            for item in node.args[0].elts[1:]:
                made = ast.BinOp(made, ast.MatMult(), item)
        elif qualified.endswith("vecdot"):
            axis = keywords.get("axis", ast.Constant(-1))
            made = numpy("sum", [ast.BinOp(node.args[0], ast.Mult(), node.args[1])], [("axis", axis)])
        elif qualified == "np.block":  # each level joined along its axis, the innermost along the last (where
            # the ranks differ, or are fewer than the depth, np.block would give the arrays axes first: the staged
            # np.concatenate raises there, as NumPy does, and backgen says so)
            def joined(items, level):
                parts = [joined(e, level + 1) if level < depth else e for e in items.elts]
                axis = ast.Constant(level - depth - 1)
                return numpy("concatenate", [ast.List(parts, ast.Load())], [("axis", axis)])
            made = joined(node.args[0], 1)
        elif qualified in ("np.linalg.matmul", "np.matvec", "np.vecmat"):
            a, b = node.args
            if qualified == "np.matvec":  # (a @ b[..., None])[..., 0]
                b = ast.Subscript(b, ast.Tuple([ast.Constant(Ellipsis), ast.Constant(None)], ast.Load()), ast.Load())
            elif qualified == "np.vecmat":  # (a[..., None, :] @ b)[..., 0, :]
                a = ast.Subscript(a, ast.Tuple([ast.Constant(Ellipsis), ast.Constant(None), ast.Slice()], ast.Load()),
                                  ast.Load())
            made = ast.BinOp(a, ast.MatMult(), b)
            at = {"np.matvec": [ast.Constant(0)], "np.vecmat": [ast.Constant(0), ast.Slice()]}.get(qualified)
            if at is not None:
                made = ast.Subscript(made, ast.Tuple([ast.Constant(Ellipsis)] + at, ast.Load()), ast.Load())
        elif qualified in ("np.linalg.outer", "np.linalg.cross", "np.linalg.tensordot"):
            axis = keywords.get("axis")
            if isinstance(axis, ast.UnaryOp) and isinstance(axis.op, ast.USub) and \
                    isinstance(axis.operand, ast.Constant) and axis.operand.value == 1:
                keywords.pop("axis")  # (np.linalg.cross along the last axis: np.cross's own)
            made = numpy(qualified.rpartition(".")[2], node.args, keywords.items())
        elif qualified in ("np.linalg.diagonal", "np.linalg.trace"):
            made = numpy(qualified.rpartition(".")[2], node.args,
                         [("offset", keywords.get("offset", ast.Constant(0))), ("axis1", ast.Constant(-2)),
                          ("axis2", ast.Constant(-1))])
        elif qualified == "np.linalg.matrix_norm":
            norm = ast.Attribute(ast.Attribute(ast.Name(base.id, ast.Load()), "linalg", ast.Load()), "norm", ast.Load())
            axes = ast.Tuple([ast.Constant(-2), ast.Constant(-1)], ast.Load())
            made = ast.Call(norm, list(node.args), [ast.keyword("ord", keywords.get("ord", ast.Constant("fro"))),
                                                    ast.keyword("axis", axes)] +
                            ([ast.keyword("keepdims", keywords["keepdims"])] if "keepdims" in keywords else []))
        elif qualified == "np.linalg.vector_norm":
            norm = ast.Attribute(ast.Attribute(ast.Name(base.id, ast.Load()), "linalg", ast.Load()), "norm", ast.Load())
            axis = keywords.get("axis")
            order = [ast.keyword("ord", keywords["ord"])] if "ord" in keywords else []
            if axis is None or isinstance(axis, ast.Constant) and axis.value is None:
                made = ast.Call(norm, [numpy("ravel", node.args)], order)
            else:  # (of two axes, ord 2: the Frobenius norm, np.linalg.norm's ord=None there)
                order = [] if isinstance(axis, ast.Tuple) else order
                made = ast.Call(norm, list(node.args), order + [ast.keyword("axis", axis)] +
                                ([ast.keyword("keepdims", keywords["keepdims"])] if "keepdims" in keywords else []))
        elif qualified in _NAMED_PARAMS:
            made = self._spelled_by_name(qualified, bound, numpy)
        else:
            made = numpy("swapaxes", [node.args[0], ast.Constant(-1), ast.Constant(-2)])
        for part in walk(made):
            if not hasattr(part, "lineno") or part is made:
                ast.copy_location(part, node)
        return made

    @staticmethod
    def _spelled_by_name(qualified, bound, numpy):
        """The call of ``_NAMED_PARAMS``'s ``qualified`` given its bound arguments, written with the
        functions backgen has rules for."""
        a = bound.get("a")
        if qualified == "np.ediff1d":
            made = numpy("diff", [numpy("ravel", [a])])
            parts = ([numpy("ravel", [bound["to_begin"]])] if "to_begin" in bound else []) + [made] + \
                ([numpy("ravel", [bound["to_end"]])] if "to_end" in bound else [])
            return made if len(parts) == 1 else numpy("concatenate", [ast.List(parts, ast.Load())])
        if qualified == "np.diagflat":
            return numpy("diag", [numpy("ravel", [a])] + ([bound["k"]] if "k" in bound else []))
        if qualified == "np.rollaxis":
            axis, start = bound["axis"].value, bound.get("start", ast.Constant(0)).value
            return numpy("moveaxis", [a, ast.Constant(axis), ast.Constant(start - 1 if axis < start else start)])
        if qualified == "np.astype":
            return ast.Call(ast.Attribute(a, "astype", ast.Load()), [bound["dtype"]],
                            [ast.keyword("copy", bound["copy"])] if "copy" in bound else [])
        numbers = numpy("where", [numpy("isnan", [a]), ast.Constant(1.0 if qualified == "np.nanprod" else 0.0), a])
        keywords = [(k, bound[k]) for k in ("axis", "keepdims") if k in bound]
        return numpy("prod" if qualified == "np.nanprod" else "cumsum", [numbers], keywords)

    def text_value(self, node):
        """Whether ``node`` is a string: written out, or a name bound to one (spec = 'ij->j')."""
        if isinstance(node, ast.Name) and node.id in self.versions:
            atom = self.name(node)  # (reading a name stages nothing)
            if not isinstance(atom, ir.Const):
                return False
            try:
                return isinstance(ast.literal_eval(atom.source), str)
            except (ValueError, SyntaxError):
                return False
        return isinstance(node, ast.Constant) and isinstance(node.value, str)

    def bound_call(self, function, signature, args, keywords, node, name, role):
        """Bind a call to its signature: operands become args, the rest static params."""
        rule_name = ALIASES.get(function, function)
        rule = NUMPY[rule_name]
        for arg in args:
            if isinstance(arg, ast.Starred):
                raise self.error("starred arguments are not supported", arg)
        renamed = KEYWORD_ALIASES.get(rule_name, {})
        try:
            bound = _bound(signature, args, {renamed.get(k.arg, k.arg): k.value for k in keywords})
        except TypeError as exc:
            raise self.error(f"{function}: {exc}", node) from None
        if rule_name in KEYWORD_ALIASES:
            for param in _signature(signature).parameters.values():  # a bound left out: None, which the rule reads
                if param.name in rule.inputs and param.name not in bound and param.default is not param.empty:
                    bound[param.name] = ast.copy_location(ast.Constant(param.default), node)
        operands, params = [], {}
        for param, value in sorted(bound.items(), key=lambda item: _order(rule.inputs, item[0])):
            if param in rule.inputs:
                if rule.variadic and isinstance(value, (ast.List, ast.Tuple)):
                    operands.extend(value.elts)
                elif rule.variadic and isinstance(value, tuple):
                    operands.extend(value)
                elif rule.variadic and _repeated_display(value) is not None:
                    items, count = _repeated_display(value)  # np.stack([x] * 3): the display's items, 3 times
                    operands.extend(tree_copy(item) for _ in range(count) for item in items)
                elif rule_name in _JOINED_LISTS and args and value is args[0] and self._joined_lists(value):
                    # np.concatenate(xs + ys): the join of each's, joined (the same numbers, in order)
                    for side in (value.left, value.right):
                        part = ast.Call(tree_copy(node.func), [side] + tree_copy(list(args[1:])),
                                        tree_copy(list(node.keywords)))
                        operands.append(ast.copy_location(part, side))
                elif rule_name in _OF_LISTS and (isinstance(value, ast.Name) or isinstance(value, ast.Subscript)
                                                 and isinstance(value.slice, ast.Slice) or
                                                 isinstance(value, ast.Call) and self.qualify(value.func) in _SPLITS):
                    rule_name = f"{rule_name}_list"  # a list built by append (or a slice of one: hs[1:]; np.split's)
                    operands.append(value)
                elif rule_name == "np.stack" and args and value is args[0] and self._array_arithmetic(value):
                    # np.stack(a, axis) of an array: its rows a[0], a[1], ... stacked, a's first axis moved there
                    axis = bound.get("axis") or ast.copy_location(ast.Constant(0), node)
                    moved = ast.Call(ast.Attribute(ast.Name(self.modules["np"], ast.Load()), "moveaxis", ast.Load()),
                                     [value, ast.copy_location(ast.Constant(0), node), axis], [])
                    return self.numpy_call("np.moveaxis", ast.copy_location(moved, node), name, role)
                elif rule.variadic:
                    raise self.error(f"{function} needs a list of arrays written out, like [a, b]", value)
                elif isinstance(value, (ast.List, ast.Tuple)):  # np.sum([1, a * a, 2]): the array of them
                    array = ast.Call(ast.Attribute(ast.Name(self.modules["np"], ast.Load()), "array", ast.Load()),
                                     [value], [])
                    if any(n.__class__ is ast.Call and not self.qualify(n.func) for n in ast.walk(value)):
                        array.stands_for = value  # (np.mean([ce(a, y), ce(b, y)]): the user's function called
                        # is staged apart, the line spelled with the array of its results, np.mean(stacked))
                    operands.append(ast.copy_location(array, value))
                else:
                    operands.append(value)
            else:
                params[param] = value
        return self.numpy_op(rule_name, operands, node, name, role, params)

    def _array_arithmetic(self, value):
        """Whether ``value`` is arithmetic whose result is an array, never a list: a unary operation, or
        a binary one other than + and * (which join and repeat lists), or + or * of no list (a list
        divided by an array is an array: NumPy's operator)."""
        def listed(side):
            return isinstance(side, (ast.ListComp, ast.List)) or self._is_list(side) or self._joined_lists(side)
        if isinstance(value, ast.UnaryOp):
            return True
        if not isinstance(value, ast.BinOp):
            return False
        return not isinstance(value.op, (ast.Add, ast.Mult)) or not (listed(value.left) or listed(value.right))

    def _joined_lists(self, value):
        """Whether ``value`` is ``xs + ys`` of two lists (displays, comprehensions, names holding lists,
        joins of them): a list joined, which a list and an array added are not (they add as arrays)."""
        def listed(side):
            return isinstance(side, ast.ListComp) or self._is_list(side) or self._joined_lists(side)
        return isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and listed(value.left) and \
            listed(value.right)

    def numpy_op(self, rule_name, operands, node, name, role, params=None):
        """An operation whose staged line keeps the user's spelling of ``node``."""
        dtype = (params or {}).get("dtype")
        if rule_name in _COUNTS and isinstance(dtype, ast.AST) and _integral_dtype(dtype):  # (x > 0).sum(dtype=int):
            reason = (f"{source.to_source(node)}: {rule_name} of dtype={source.to_source(dtype)} counts in integers, "  # a
                      "which have no gradient; backgen differentiates it for a float dtype (leave dtype out)")  # count
            settings = [v for value in params.values() for v in (value if isinstance(value, tuple) else (value,))
                        if isinstance(v, ast.AST)]
            return self.inert(node, list(operands) + settings, name, role, opaque=True, reason=reason)
        for key, value in (params or {}).items():
            refused = _unfollowed_setting(rule_name, key, value)
            if refused:
                raise self.error(refused, value if isinstance(value, ast.AST) else node)
            if key == "dtype" and isinstance(value, ast.AST) and _float_dtype(value):
                params[key] = ast.unparse(value)  # np.sum(x, dtype=float): a setting, not a value
        replaced = {}
        args = []
        for child in operands:
            atom = self.expr(child)
            replaced[id(child)] = atom
            if hasattr(child, "stands_for"):  # (the operand staged in place of a part of ``node``)
                replaced[id(child.stands_for)] = atom
            args.append(atom)
        texts = {}
        for key, value in (params or {}).items():
            if isinstance(value, str):  # already source text
                texts[key] = value
                continue
            items = value if isinstance(value, tuple) else (value,)
            atoms = [self.static(item) for item in items]
            replaced.update((id(item), atom) for item, atom in zip(items, atoms))
            if isinstance(value, tuple) and len(atoms) != 1:
                texts[key] = "(" + ", ".join(map(str, atoms)) + ")"
            else:
                texts[key] = str(atoms[0])
        text = self.spell(node, replaced)
        if ir.all_constant(args):
            return ir.Const(ir.folded(text))  # (int(np.prod((3, 4))): 12)
        target = name() if name is not None else self.namer.fresh(role or _hint(rule_name, args))
        self.add(ir.Op(target, rule_name, tuple(args), self.line, tuple(sorted(texts.items())), text))
        return ir.Var(target)

    def static(self, node):
        """A static argument (axis, shape): a constant, or a value carrying no gradient."""
        if isinstance(node, (ast.Tuple, ast.List)) and all(_literal(e) for e in node.elts):
            return ir.Const(source.to_source(node))
        if _literal(node):
            return ir.Const(source.to_source(node))
        return self.expr(node, role="n")

    def dtype(self, node):
        """Whether ``node`` names a type of NumPy's arrays (``int``, ``bool``, ``np.float64``: a
        constructor's ``dtype=``), where those names mean what they do in Python and NumPy."""
        if isinstance(node, ast.Name):
            return node.id in ("int", "float", "bool", "complex") and node.id not in self.versions and \
                node.id not in self.user_names and self.env.get(node.id) in (None, node.id)
        qualified = self.qualify(node) if isinstance(node, ast.Attribute) else None
        return qualified is not None and qualified.startswith("np.") and \
            isinstance(getattr(np, qualified[3:], None), type) and issubclass(getattr(np, qualified[3:]), np.generic)

    def written_settings(self, name, key):
        """The results of the calls before that wrote into the dict of settings ``name`` at ``key`` (an
        ``ast`` node; any where it is no string written out), which a read of it there reads."""
        said = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
        return tuple(call for keys, call in self.settings_changed.get(name, ())
                     if keys is None or said is None or said in keys)

    def axes_list(self, node):
        """Whether ``node`` is a list or tuple written out, or a name the function binds to one (np.einsum's
        operands' axes, ``axes = [0, 1]``)."""
        if isinstance(node, (ast.List, ast.Tuple)):
            return True
        return isinstance(node, ast.Name) and any(
            isinstance(n, ast.Assign) and isinstance(n.value, (ast.List, ast.Tuple)) and
            any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets) for n in source.walk(self.func))

    def settings_version(self, name, key):
        """The value of the dict of settings ``name`` to read at ``key`` (an ``ast`` node) from: the one before
        each write into it at another string key (bn_param["mode"] after bn_param["running_mean"] = ...
        reads the dict as it was given), else the current one; None where ``name`` holds no value."""
        atom = self.versions.get(name)
        said = repr(key.value) if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
        while isinstance(atom, ir.Var) and atom.name in self.settings_keys and said is not None:
            index, before = self.settings_keys[atom.name]
            try:
                other = ast.literal_eval(index)
            except (ValueError, SyntaxError):
                break
            if not isinstance(other, str) or repr(other) == said:
                break
            atom = before
        return atom

    def inert(self, node, children, name, role, opaque=False, inline=False, reason=None, own_line=False, extra=(),
              resolved=None):
        """A value that carries no gradient: a mask, a shape, a constructor's result.

        ``inline`` keeps it as an expression (a constant atom) instead of a line, as is one of constants
        alone unless ``own_line``; ``opaque``: refused where a differentiated value flows into it, saying
        ``reason`` if given; ``extra``: values it reads beside those its text names (a call that wrote
        into the dict it reads); ``resolved``: the atoms of children already known (id of the node -> the
        atom; None: read as any other).
        """
        replaced = {}
        args = []
        children = list(children)
        while any(isinstance(c, (ast.List, ast.Tuple)) for c in children):
            children = [e for c in children for e in (c.elts if isinstance(c, (ast.List, ast.Tuple)) else [c])]
        for child in children:
            if isinstance(child, ast.Slice):
                continue
            atom = (resolved or {}).get(id(child)) or (
                self.expr(child) if not (_literal(child) or self.dtype(child)) else ir.Const(source.to_source(child)))
            replaced[id(child)] = atom
            if isinstance(atom, ir.Var):
                args.append(atom)
        args += [atom for atom in extra if atom not in args]
        text = self.spell(node, replaced)
        if not args and not own_line or inline:
            return ir.Const(text)
        target = name() if name is not None else self.namer.fresh(role or "t")
        params = (("opaque", repr(bool(opaque))),) + ((("reason", reason),) if reason else ())
        self.add(ir.Op(target, "inert", tuple(args), self.line, params, text))
        return ir.Var(target)

    def subscript(self, node, name, role):
        value = node.value
        if not isinstance(node.slice, ast.Constant) and key_parts(node.slice) is not None and not (
                isinstance(value, ast.Name) and value.id in self.value_dicts):  # (a dict of the function's own:
            # any key its writes made, h%d of t)
            raise self.error(f"{source.to_source(node)} reads a key made as the code runs: backgen reads such keys "
                             "of a dict of arrays whose keys it knows (the decorator learns them from the call, "
                             f"generate from shapes={{{source.to_source(value)!r}: {{'W1': 'D, H', ...}}}}, the "
                             f"command line from --shape \"{source.to_source(value)}={{'W1': 'D, H', ...}}\"), in "
                             "loops of constant bounds, which it writes out one iteration after another", node)
        if isinstance(value, ast.Attribute) and value.attr in INERT_ATTRIBUTES:
            return self.inert(node, [value.value] + _index_parts(node.slice), name, role or "n")
        if isinstance(value, ast.Name) and value.id in self.config:  # bn_param["mode"]: a setting
            return self.inert(node, [value] + _index_parts(node.slice), name, role or _setting(node.slice),
                              opaque=True, reason=_settings_read(node, value.id),
                              extra=self.written_settings(value.id, node.slice),
                              resolved={id(value): self.settings_version(value.id, node.slice)})
        base = self.expr(value)
        index, index_vars = self.index(node, base)
        text = f"{source.wrap(str(base))}[{index}]"
        pieces = _index_parts(node.slice)
        if isinstance(base, ir.Const):
            return ir.Const(text)
        hint = _hint("getitem", [base])
        if len(pieces) == 1 and len(index_vars) == 1 and index == index_vars[0] and len(str(base)) <= 3 \
                and len(index_vars[0]) <= 3 and index_vars[0].isidentifier():
            hint = f"{base}{index_vars[0]}"  # x[t] -> xt
        target = name() if name is not None else self.namer.fresh(role or hint)
        params = (("index", index), ("index_vars", repr(tuple(index_vars))))
        self.add(ir.Op(target, "getitem", (base,), self.line, params, text))
        return ir.Var(target)

    def index(self, node, base):
        """The staged index of ``node`` (a Subscript) as text, and its parts that may be arrays."""
        value = node.value
        replaced = {id(value): ir.Var("_")}  # the index alone, printed as _[...]: never cut from pasted text
        pieces = _index_parts(node.slice)
        index_vars = []
        for piece in pieces:
            if _literal(piece):
                atom = ir.Const(source.to_source(piece))
            elif isinstance(piece, ast.Call) and self.qualify(piece.func) in INERT:
                atom = self.inert(piece, piece.args, None, None, inline=True)  # np.arange(N) reads best inline
            else:
                atom = self.expr(piece)
            replaced[id(piece)] = atom
            basic = _literal(piece) and isinstance(ast.literal_eval(piece), (int, type(None), type(...)))
            if not basic:
                index_vars.append(str(atom))  # an array index, unless its shape says otherwise
        text = self.spell(ast.Subscript(value, node.slice, ast.Load()), replaced)
        return text[2:-1], index_vars

    def match_fused(self, qualified, node):
        """``np.sum(np.square(x))`` and ``np.log(np.sum(np.exp(x)))`` as one gate."""
        if qualified == "np.sum" and node.args:
            inner = _square_operand(self, node.args[0])
            if inner is not None:
                params = _bind_params(SIGNATURES["np.sum"], node.args, node.keywords, "a")
                return ("np.sum_square", inner, params) if params is not None else None
        if qualified == "np.log" and len(node.args) == 1 and not node.keywords and \
                getattr(self, "exp_kept", None) is not node:  # (a shifted log-softmax's: left as lines)
            total = node.args[0]
            if isinstance(total, ast.Call) and self.qualify(total.func) == "np.sum" and total.args:
                exp = total.args[0]
                if isinstance(exp, ast.Call) and self.qualify(exp.func) == "np.exp" and len(exp.args) == 1:
                    params = _bind_params(SIGNATURES["np.sum"], total.args, total.keywords, "a")
                    if params is not None:
                        return "np.logsumexp", exp.args[0], params
        return None


def _square_operand(stager, node):
    if isinstance(node, ast.Call) and stager.qualify(node.func) == "np.square" and len(node.args) == 1:
        return node.args[0]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and _same_name(node.left, node.right):
        return node.left
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and source.number(node.right) == 2:
        return node.left
    return None


# Keywords NumPy accepts under a second name (np.clip(x, min=0), NumPy 2.1's spelling of a_min); the
# operands of these rules left out are passed as their defaults (a bound of None: np.diff(a, append=q) has
# a prepend of None, so that q is the rule's append).
KEYWORD_ALIASES = {"np.clip": {"min": "a_min", "max": "a_max"}, "np.diff": {},
                   "np.std": {"correction": "ddof"}, "np.var": {"correction": "ddof"}}  # (NumPy 2's array API names)


def _einsum_subscripts(node):
    """``np.einsum(a, [0, 1], b, [1, 2], [0, 2])`` (each operand followed by the labels of its axes,
    then those of the result's) as the call with subscripts it is, ``np.einsum('ab,bc->ac', a, b)``
    (the labels 0, 1, ... as a, b, ...; ``...`` as itself); without the result's labels, those seen
    once in increasing order, as NumPy takes them.  None where a list of labels is not written out
    as integers (0 to 51)."""
    letters = string.ascii_lowercase + string.ascii_uppercase
    args = node.args
    if len(args) < 2 or any(isinstance(arg, ast.Starred) for arg in args):
        return None
    lists = args[1::2] + ([args[-1]] if len(args) % 2 else [])
    subscripts = []
    for labels in lists:
        if not isinstance(labels, (ast.List, ast.Tuple)):
            return None
        text = ""
        for label in labels.elts:
            value = label.value if isinstance(label, ast.Constant) else \
                Ellipsis if isinstance(label, ast.Name) and label.id == "Ellipsis" else None
            if value is Ellipsis:
                text += "..."
            elif type(value) is int and 0 <= value < len(letters):
                text += letters[value]
            else:
                return None
        subscripts.append(text)
    inputs = subscripts[:len(args) // 2]
    if len(args) % 2:
        output = subscripts[-1]
    else:
        seen = "".join(inputs).replace("...", "")
        output = ("..." if any("..." in sub for sub in inputs) else "") + \
            "".join(sorted((c for c in set(seen) if seen.count(c) == 1), key=letters.index))
    spec = ast.Constant(",".join(inputs) + "->" + output)
    call = ast.Call(node.func, [spec] + list(args[0:len(args) // 2 * 2:2]), node.keywords)
    for part in (spec, call):
        ast.copy_location(part, node)
    return call


def _nesting(node):
    """The depth of lists written out and nested alike (``[[a, b], [c, d]]``: 2), their items neither
    lists nor tuples (np.block takes no tuples); None otherwise."""
    if not isinstance(node, ast.List) or not node.elts or \
            any(isinstance(e, (ast.Starred, ast.Tuple)) for e in node.elts):
        return None
    inner = [_nesting(e) if isinstance(e, ast.List) else 0 for e in node.elts]
    if None in inner or len(set(inner)) != 1:
        return None
    return inner[0] + 1


def _unfollowed_setting(rule_name, key, value):
    """Why backgen cannot follow a call's setting ``key=value`` that NumPy honours (an ``out`` array
    written into, an integer ``dtype``, a reshape in Fortran order), else None."""
    if not isinstance(value, ast.AST):
        return None
    constant = value.value if isinstance(value, ast.Constant) else value
    text = ast.unparse(value)
    if key == "out" and constant is not None:
        return f"{rule_name}(..., out={text}) writes its result into an array: assign the result instead"
    if key == "where" and constant is not True:
        return (f"{rule_name}(..., where={text}) leaves the places where it is False as out held them: write "
                f"np.where({text}, ..., ...) instead")
    if key == "dtype" and constant is not None and not _float_dtype(value):
        return f"{rule_name}(..., dtype={text}): backgen differentiates this computed in floats (leave dtype out)"
    if key == "order" and rule_name in ("np.reshape", "np.ravel") and constant not in ("C", None):
        return (f"{rule_name} in order {text} is not supported: backgen follows reshapes in C order, NumPy's "
                f"default (np.ravel(x, 'F') of a matrix x is x.T.ravel())")
    return None


def _order(inputs, name):
    """A bound argument's place: the operands in the rule's order, the static parameters after."""
    return inputs.index(name) if name in inputs else len(inputs)


def _bind_params(signature, args, keywords, operand):
    try:
        bound = _bound(signature, args, {k.arg: k.value for k in keywords})
    except TypeError:
        return None
    return {k: v for k, v in bound.items() if k != operand}


@functools.lru_cache(maxsize=None)
def _signature(text):
    namespace = {}
    exec(f"def f({text}): pass", namespace)
    return inspect.signature(namespace["f"])


def _bound(text, args, keywords):
    """``_signature(text).bind(*args, **keywords).arguments`` (the parameters given, in the
    signature's order), through a function made once per signature (``_binder``): a call that does
    not bind raises inspect's own TypeError."""
    binder = _binder(text)
    if binder is not None:
        try:
            return binder(*args, **keywords)
        except TypeError:
            pass
    return _signature(text).bind(*args, **keywords).arguments


@functools.lru_cache(maxsize=None)
def _binder(text):
    """A function taking the arguments of the signature ``text`` and returning what inspect's
    ``bind`` gives as ``arguments``: every parameter with a default takes a mark of its own in
    its place, so that only the arguments given are kept.  None where the signature has
    parameters of other kinds (positional-only, ``**kwargs``)."""
    plain, rest, keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL, \
        inspect.Parameter.KEYWORD_ONLY
    parameters = list(_signature(text).parameters.values())
    if any(p.kind not in (plain, rest, keyword) or p.name.startswith("_backgen") for p in parameters):
        return None
    heads, lines = [], []
    for p in parameters:
        if p.kind is keyword and not any(q.kind is rest for q in parameters) and "*" not in heads:
            heads.append("*")
        if p.kind is rest:
            heads.append(f"*{p.name}")
            lines.append(f"    if {p.name}:\n        _backgen_bound[{p.name!r}] = {p.name}")
        elif p.default is p.empty:
            heads.append(p.name)
            lines.append(f"    _backgen_bound[{p.name!r}] = {p.name}")
        else:
            heads.append(f"{p.name}=_backgen_unset")
            lines.append(f"    if {p.name} is not _backgen_unset:\n        _backgen_bound[{p.name!r}] = {p.name}")
    code = f"def bind({', '.join(heads)}):\n    _backgen_bound = {{}}\n" + "\n".join(lines) + \
        "\n    return _backgen_bound\n"
    namespace = {"_backgen_unset": object()}
    exec(compile(code, f"<backgen binder of {text!r}>", "exec"), namespace)
    return namespace["bind"]


def _repeated_display(node):
    """``(items, count)`` of a list or tuple written out repeated a whole number of times written out
    (``[x] * 3``, ``2 * [a, b]``), else None."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
        return None
    items, count = (node.left, node.right) if isinstance(node.left, (ast.List, ast.Tuple)) else (node.right, node.left)
    if not isinstance(items, (ast.List, ast.Tuple)) or any(isinstance(e, ast.Starred) for e in items.elts) or \
            not (isinstance(count, ast.Constant) and type(count.value) is int and 0 < count.value <= 64):
        return None
    return items.elts, count.value


def _literal(node):
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return not isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)) or all(_literal(e) for e in node.elts)


def _settings_read(node, name):
    """Why a read of the dict of settings ``name`` is refused where a differentiated value reaches it: a value
    the function computed and wrote into it before (``bn_param['running_mean'] = ...``), or a default read."""
    return (f"{source.to_source(node)}: {name} is a dict of settings, which carry no gradient, and this reads "
            "a value computed from differentiated inputs (written into it before, or given as the default): "
            "keep that value under a name of its own and read it there")


def _index_parts(index):
    """The sub-expressions of an index that must be staged (slice bounds included)."""
    items = index.elts if isinstance(index, ast.Tuple) else [index]
    parts = []
    for item in items:
        if isinstance(item, ast.Slice):
            parts.extend(p for p in (item.lower, item.upper, item.step) if p is not None)
        else:
            parts.append(item)
    return parts


def _same_name(a, b):
    return isinstance(a, ast.Name) and isinstance(b, ast.Name) and a.id == b.id


def _setting(key):
    """A name for a setting read from a dictionary: its key when that is a word."""
    if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isidentifier():
        return key.value
    return "setting"


_LIST_CHANGES = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"})


def _list_changed(func):
    """``(parameter, method)`` where the function calls a method changing a list on one of its
    parameters (``v.append(x)``: the caller's list), else None."""
    params = {a.arg for a in func.args.args}
    for node in source.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _LIST_CHANGES \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in params:
            return node.func.value.id, node.func.attr
    return None


_COUNTS = frozenset({"np.sum", "np.cumsum"})  # reductions whose integer dtype counts (of masks, of labels)


def _integral_dtype(node):
    text = ast.unparse(node) if node is not None else ""
    return text.strip("'\"") in ("int", "bool", "np.int64", "np.int32", "np.int8", "np.uint8", "np.bool_",
                                  "int64", "int32", "uint8", "bool_", "np.intp")


def _float_dtype(node):
    if node is None:
        return False
    if isinstance(node, ast.Attribute) and node.attr == "dtype":  # x.astype(x.dtype): as x (a float array)
        return True
    text = ast.unparse(node).strip("'\"")
    return text in ("float", "np.float64", "np.float32", "float64", "float32", "np.double", "np.float16", "f8", "f4",
                    "double")


def helper_roles(helper):
    """The roles of what a helper returns where some are not outputs: ``["out", "cache"]`` for a
    layer in CS231n's form, ``["out", "gradient"]`` for a loss returning the user's own ``dx``; None
    where all are outputs."""
    from .cache import output_roles  # (the layer convention's rule)
    body = [stmt for stmt in helper.func.body]
    returned = next((n.value for n in source.walk(ast.Module(body, [])) if isinstance(n, ast.Return)), None)
    if not isinstance(returned, ast.Tuple):
        return None
    roles = output_roles(helper.func, returned.elts)
    return roles if set(roles) != {"out"} else None


def _arithmetic(node, qualify):
    """Whether ``node`` is arithmetic (``a - b``, ``-x``, ``abs(a - b)``, ``(x - y) ** 2``, a sum of such) of
    names, numbers and items, with no + or * (of lists: joined, repeated): what ``sum`` of it adds are an
    array's rows (Python raises on the others' lists)."""
    if isinstance(node, ast.BinOp):
        return not isinstance(node.op, (ast.Add, ast.Mult)) and \
            all(_arithmetic(side, qualify) for side in (node.left, node.right))
    if isinstance(node, ast.UnaryOp):
        return _arithmetic(node.operand, qualify)
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        return qualify(node.func) in ("abs", "sum") and _arithmetic(node.args[0], qualify)  # (sum(sum(...)))
    return isinstance(node, (ast.Name, ast.Constant, ast.Subscript))
