"""What a NumPy rule function sees, and the shape-aware code it can ask for.

Contract: ``GradContext`` is built by ``reverse`` for one operand of one
staged operation.  Rule functions (``rules``) read names (``c.g``,
``c.out``, ``c.a``), static arguments (``c.param("axis")``) and shapes
(``c.ndim("a")``), and return the source of the contribution.  The helpers
write what a person writes: ``g[:, None]`` to restore a reduced axis,
``g.sum(axis=0)`` to undo broadcasting, slices of ``g`` to undo a
concatenation.  Shapes are concrete (see ``shapes``); only ranks and which
dimensions are 1 are used.

Shape-free (``shape_free``: the staged function's parameters of no given
shape): the shapes seen are samples, so no rule may read them.  The helpers
then write forms valid for every rank and broadcast (``_unbroadcast(g, x)``
from ``runtime``, ``np.expand_dims(g, axis)``), and ``shape``/``ndim`` refuse
at the user's line, asking for the shapes.
"""

import ast
import math
import re
import string

import numpy

from . import ir, source
from .errors import BackgenError
from .rules.no_gradient import INERT_ATTRIBUTES
from .source import names_of, walk



def reads_as_array(op):
    """Whether NumPy's ``op`` reads a list of arrays as the array of its numbers (np.mean(hs, axis=0),
    np.maximum(hs, 0.1), np.sum(np.square(hs))): its gradient must read it so too (2 * hs, hs.shape
    and hs >= 0.1 are a list's repetition, no attribute and an error).  np.stack_list (and the
    other rules of a list built by append, ``*_list``) reads the list.  So does an operator no list
    has (``rows / np.linalg.norm(rows)``: only NumPy's number divides a list, as an array); ``+`` and
    ``*`` of a list join and repeat it."""
    return op.rule.startswith("np.") and not op.rule.endswith("_list") or op.rule in _ARRAY_OPERATORS


_ARRAY_OPERATORS = {"div", "sub", "neg", "pow"}


# Reductions whose gradients restore their axes alone (np.expand_dims, counts of their elements): those
# that shape-generic code may reduce along axes computed from ranks as it runs (``RuntimeAxes``)
_RUNTIME_AXES = frozenset({"np.sum", "np.mean", "np.sum_square", "np.logsumexp", "np.max", "np.min"})


class RuntimeAxes(str):
    """The axes of a sum or mean that shape-generic code computes from ranks as it runs (``n =
    tuple(range(1, x.ndim))``, then ``np.mean(x, axis=n)``): the name holding them, a tuple or an
    integer; ``np.expand_dims`` restores them, and no axis written out is one of them."""

    def __eq__(self, other):
        return isinstance(other, RuntimeAxes) and str.__eq__(self, other)

    __hash__ = str.__hash__


class GradContext:
    def __init__(self, reverse, op, rule, position, names):
        self._reverse = reverse
        self.op = op
        self.rule = rule
        self.position = position
        self._names = names  # the rule's input name for each operand
        self.g = reverse.adjoint[op.target]
        self.out = op.target
        self.np = reverse.staged.modules["np"]
        self.setups = []
        self.shape_free = bool(reverse.staged.shape_free)
        self.arrays = bool(reverse.numpy)  # NumPy code (an operand may be an array)

    # --- names ---------------------------------------------------------------

    def text(self, atom):
        if isinstance(atom, ir.Var):
            if atom.name in self._reverse.staged.lists and self._reverse.numpy and reads_as_array(self.op):
                # np.mean(hs, axis=0) of a list of arrays: its numbers, as an array
                return f"{self.np}.asarray({atom.name})"
            return atom.name
        return source.wrap(atom.source)  # (np.ones((4, 1)) * 0.5).T, never np.ones((4, 1)) * 0.5.T

    def __getattr__(self, name):
        names = self.__dict__.get("_names", ())
        if name in names and not self.rule.variadic:
            return self.text(self.op.args[names.index(name)])
        raise AttributeError(name)

    @property
    def inputs(self):
        return [self.text(a) for a in self.op.args]

    @property
    def current(self):
        return self.text(self.op.args[self.position])

    @property
    def condition(self):
        return self.text(self.op.args[self._names.index("condition")])

    # --- static arguments ----------------------------------------------------

    def param_source(self, name, default="None"):
        text = self.op.param(name)
        return default if text is None else text

    def param(self, name, default=None):
        text = self.op.param(name)
        if text is None:
            return default
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = self._module_constant(text)
            if value is None:
                value = dict(self._reverse.staged.given_values).get(text)
            if value is None:
                value = self._rank_number(text)
            if value is None and name == "axis" and self.shape_free and self.op.rule in _RUNTIME_AXES and \
                    text.isidentifier():  # (axes the code computes from ranks: tuple(range(1, x.ndim)))
                return RuntimeAxes(text)
            if value is None:
                self.unsupported(f"the argument {name}={text} must be a constant for backgen to differentiate")
        if name == "axis" and isinstance(value, list):  # (np.median, np.average, np.flip: a list of axes as a tuple)
            value = tuple(value)
        return default if value is None and default is not None else value

    def _rank_number(self, text, depth=0):
        """A whole number (or a tuple of them) made of ranks alone (``x.ndim - 1``, ``len(x.shape) - 2``,
        ``np.ndim(x)``, names set once to such numbers): a constant in code written for given shapes, whose
        ranks are the code's; None elsewhere (a size, ``x.shape[0]``, changes with the sizes)."""
        staged = self._reverse.staged
        if staged.shape_free or depth > 8:
            return None
        shapes, np_name = staged.shapes, staged.modules["np"]
        try:
            node = ast.parse(text, mode="eval").body
        except SyntaxError:
            return None

        def rank(name):
            shape = shapes.get(name)
            return len(shape) if type(shape) is tuple else None

        def value(node):
            if isinstance(node, ast.Constant):
                return node.value if type(node.value) is int else None
            if isinstance(node, ast.Tuple):
                items = [value(e) for e in node.elts]
                return None if None in items else tuple(items)
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                inner = value(node.operand)
                return None if inner is None else -inner
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)):
                left, right = value(node.left), value(node.right)
                if type(left) is not int or type(right) is not int or \
                        isinstance(node.op, ast.FloorDiv) and right == 0:
                    return None
                return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}.get(
                    type(node.op), left // right if right else None)
            if isinstance(node, ast.Attribute) and node.attr == "ndim" and isinstance(node.value, ast.Name):
                return rank(node.value.id)  # x.ndim
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tuple", "list") \
                    and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Call) and \
                    isinstance(node.args[0].func, ast.Name) and node.args[0].func.id == "range" and \
                    1 <= len(node.args[0].args) <= 3 and not node.args[0].keywords:  # tuple(range(1, x.ndim))
                bounds = [value(a) for a in node.args[0].args]
                if any(type(b) is not int for b in bounds) or len(bounds) == 3 and bounds[2] == 0:
                    return None
                return tuple(range(*bounds))
            if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
                func, arg = node.func, node.args[0]
                if isinstance(func, ast.Attribute) and func.attr == "ndim" and isinstance(func.value, ast.Name) \
                        and func.value.id == np_name and isinstance(arg, ast.Name):
                    return rank(arg.id)  # np.ndim(x)
                if isinstance(func, ast.Name) and func.id == "len" and isinstance(arg, ast.Name):
                    setting = [op for op in ir.ops_in(staged.body) if op.target == arg.id]  # (shape = x.shape)
                    try:
                        arg = ast.parse(setting[0].source, mode="eval").body if len(setting) == 1 else arg
                    except SyntaxError:
                        return None
                if isinstance(func, ast.Name) and func.id == "len" and isinstance(arg, ast.Attribute) and \
                        arg.attr == "shape" and isinstance(arg.value, ast.Name):
                    return rank(arg.value.id)  # len(x.shape)
                return None
            if isinstance(node, ast.Name):  # (a number, or a tuple of them: set once)
                setting = [op for op in ir.ops_in(staged.body) if op.target == node.id]
                if len(setting) == 1 and setting[0].source:
                    return self._rank_number(setting[0].source, depth + 1)
            return None
        return value(node)

    def _module_constant(self, text):
        """A number written with module constants (``np.inf``, ``-math.pi``), else None."""
        modules = self._reverse.staged.modules
        namespace = {modules["np"]: numpy, modules["math"]: math}
        if not source.names_in(text) <= set(namespace):
            return None
        try:
            value = eval(text, {"__builtins__": {}}, namespace)
        except Exception:
            return None
        return float(value) if isinstance(value, (float, int, numpy.floating)) else None

    def axes(self, which):
        """The reduced axes, normalized, or None for all."""
        axis = self.param("axis")
        if axis is None:
            return None
        ndim = self.ndim(which)
        if ndim == 0:  # a number: axis 0 or -1 reduces nothing
            return ()
        axes = axis if isinstance(axis, tuple) else (axis,)
        return tuple(sorted(a % ndim for a in axes))

    def axis_text(self):
        text = self.param_source("axis")
        if text.lstrip().startswith("["):  # a list of axes, which NumPy's reductions take as a tuple only
            value = self.param("axis")
            return repr(value) if isinstance(value, tuple) else text
        return text

    # --- shapes ----------------------------------------------------------------

    def shape(self, which):
        """Shape of an operand (an atom, or by input name or text) or of ``"out"``."""
        shapes = self._reverse.staged.shapes
        if which == "out":
            return self._named_shape(self.op.target)
        if isinstance(which, (ir.Var, ir.Const)):
            atom = which  # an operand itself (a variadic rule's, whatever its name)
        elif which in self._names and not self.rule.variadic:
            atom = self.op.args[self._names.index(which)]
        else:
            matches = [a for a in self.op.args if self.text(a) == which]
            if not matches:
                raise KeyError(which)
            atom = matches[0]
        if isinstance(atom, ir.Const):
            if atom.source in shapes:  # a constant array (np.ones(4)): its shape was propagated too
                return tuple(shapes[atom.source])
            return self._constant_shape(atom.source)
        return self._named_shape(atom.name)

    def _constant_shape(self, text):
        """The shape of a constant written out: a number, a list of numbers (``[1.0, 2.0]``: of 2,
        ``[[0.0] * 3] * 2``: of 2, 3)."""
        try:
            return tuple(numpy.shape(ast.literal_eval(text)))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            pass
        modules = self._reverse.staged.modules
        namespace = {modules["np"]: numpy, modules["math"]: math}
        if source.names_in(text) <= set(namespace):
            try:
                return tuple(numpy.shape(eval(text, {"__builtins__": {}}, namespace)))
            except Exception:
                pass
        return ()

    def _named_shape(self, name):
        """The shape of the value ``name`` (an operand's, the result's)."""
        shapes = self._reverse.staged.shapes
        if self.shape_free:
            self.needs_shapes()
        if name not in shapes:
            line, exc = getattr(shapes, "raised", {}).get(name, (None, None))
            if exc is not None:
                self.unsupported(f"NumPy raises on line {line} at the sample shapes ({type(exc).__name__}: {exc}), "
                                 "so backgen cannot tell the shape of a value this line computes or reads; check "
                                 "the shapes given for the inputs, or write this path for them")
            self.unsupported(f"the shape of {name} is unknown: declare the shapes of the parameters "
                             "(for example x: 'N, D')")
        return tuple(shapes[name])

    def ndim(self, which):
        return len(self.shape(which))

    def at_most_2d(self, *which):
        for name in which:
            if self.ndim(name) > 2:
                self.unsupported("np.dot of arrays with more than 2 dimensions: use np.matmul or np.einsum")

    def operand(self, text):
        """The operand whose source is ``text`` (``text`` itself where none is): a user's name may be
        one of the rule's parameter names (``np.outer(b, x)``, whose ``b`` is ``x``), so a text is
        looked up among the operands before the names."""
        if self.rule.variadic:
            return text
        return next((a for a in self.op.args if self.text(a) == text), text)

    def shape_of(self, text):
        """The source of an operand's shape (``()`` for a number, which may be a Python float)."""
        try:
            if self.ndim(self.operand(text)) == 0:
                return "()"
        except (KeyError, BackgenError):  # not an operand, or of a shape not known here
            pass
        return f"{text}.shape"

    def length(self, atom, axis=None):
        """The source of an operand's length along ``axis`` (its size for None), read as the code
        runs: ``x.shape[0]``, ``x.size``; ``1`` for a number, and the number itself for a constant
        written out (``[0.0, 1.0]``, ``np.ones(3)``), whose length no size changes.  The samples'
        sizes are never written: the code holds at every size of the declared dimensions."""
        shape = self.shape(atom)
        if not shape:
            return "1"
        if isinstance(atom, ir.Const) and not source.names_in(atom.source) - set(self._reverse.staged.modules.values()):
            return str(math.prod(shape) if axis is None else shape[axis])
        if isinstance(atom, ir.Const) or atom.name in self._reverse.staged.lists:  # (np.size of a list too)
            text = source.wrap(atom.source) if isinstance(atom, ir.Const) else atom.name
            return f"{self.np}.size({text})" if axis is None else f"{self.np}.shape({text})[{axis}]"
        return f"{atom.name}.size" if axis is None else f"{atom.name}.shape[{axis}]"

    # --- code a person writes ----------------------------------------------------

    def template(self, grad):
        """The contribution a string entry ``grad`` of the table gives (``b * a ** (b - 1)`` filled in,
        simplified and times ``g`` as for a template), or None where it is zero."""
        return source.contribution(grad, self.bindings, self.g)

    def setup(self, hint, expr):
        """Compute ``expr`` once into a fresh name before the contribution (once for all the
        operands of one operation: ``shared`` is the same dictionary for them)."""
        shared = getattr(self, "shared", {})
        if expr in shared:
            return shared[expr]
        name = shared[expr] = self._reverse.fresh(hint)
        self.setups.append(ir.AdjointLine(name, False, expr))
        return name

    def expand(self, text, which):
        """``text`` (shaped like the reduction's result) with the reduced axes restored."""
        if self.param("keepdims", False) or self.param("axis") is None:
            return text
        if self.shape_free:  # the axes as written: expand_dims counts them as the reduction did
            axis = self.param("axis")
            if all(a in (0, -1) for a in (axis if isinstance(axis, tuple) else (axis,))):  # a number too
                return f"_unreduced({text}, {getattr(self, which)}, {self.axis_text()})"
            return f"{self.np}.expand_dims({text}, {self.axis_text()})"
        axes = self.axes(which)
        ndim = self.ndim(which)
        index = ["None" if i in axes else ":" for i in range(ndim)]
        while index and index[0] == "None":
            index.pop(0)  # leading axes come back by broadcasting
        while index and index[-1] == ":":
            index.pop()
        if not index:
            return text
        return f"{source.wrap(text)}[{', '.join(index)}]"

    def broadcast_back(self, text, which, scale=""):
        """The gradient of a reduction: ``text`` spread over the reduced axes."""
        expanded = self.expand(text, which)
        operand = getattr(self, which)
        if self.shape_free:  # np.shape: the operand may be a number
            return f"{self.np}.broadcast_to({expanded}{scale}, {self.np}.shape({operand}))"
        if self.shape("out") == self.shape(which) or self.spread_by_product(which):
            return f"{expanded}{scale}"
        return f"{self.np}.broadcast_to({expanded}{scale}, {operand}.shape)"

    def spread_by_product(self, which):
        """Whether the operand (``which``) is read by this operation alone and is the product of two
        factors of its own shape (``np.sum(window * wf)``): the gradient of each factor, the other
        one times this gradient, then has the operand's shape without ``np.broadcast_to``."""
        operand = self.op.args[self._names.index(which)] if which in self._names else None
        reverse = self._reverse
        if not isinstance(operand, ir.Var) or reverse.uses.get(operand.name) != 1 or reverse.sized \
                or operand.name in reverse.staged.lists or operand.name in reverse.staged.params:
            return False
        made = reverse.made_by(operand.name)
        if len(made) != 1 or made[0].rule not in ("mul", "np.multiply") or len(made[0].args) != 2:
            return False
        if any(operand.name in loop.carried for loop in ir.loops_in(reverse.staged.body)):
            return False
        shape = self.shape(operand)
        return all(isinstance(factor, ir.Var) and reverse.staged.shapes.get(factor.name) == shape
                   for factor in made[0].args)

    def centered(self):
        """The name of a value the forward computes as this reduction's operand less its mean along
        the same axes (``xmu = x - mu`` of ``mu = np.mean(x, axis=0)``, for ``np.var(x, axis=0)``),
        each set once, outside loops and branches, as this reduction is; else None."""
        reverse, op = self._reverse, self.op
        operand = op.args[0] if op.args else None
        if self.shape_free or not isinstance(operand, ir.Var):
            return None
        top = [item for item in reverse.staged.body if isinstance(item, ir.Op)]
        if not any(item is op for item in top):
            return None
        shapes = reverse.staged.shapes
        for diff in top:
            if diff.rule not in ("sub", "np.subtract") or len(diff.args) != 2 or diff.args[0] != operand or \
                    not isinstance(diff.args[1], ir.Var) or shapes.get(diff.target) != shapes.get(operand.name):
                continue
            mean = reverse.made_by(diff.args[1].name)
            if len(mean) != 1 or not any(item is mean[0] for item in top) or mean[0].rule != "np.mean" or \
                    mean[0].args[:1] != (operand,) or mean[0].param("axis") != op.param("axis") or \
                    any(mean[0].param(name) is not None for name in ("where", "dtype", "out")):
                continue
            if all(len(reverse.made_by(name)) <= 1 for name in (diff.target, operand.name)):
                return diff.target
        return None

    def data_sized(self, which):
        """Whether the operand ``which`` has a length the data decides (a selection by a boolean mask):
        its shape here is the sample's, which a size of 1 there does not make one everywhere."""
        sized = self._reverse.sized
        return bool(sized and sized.get(getattr(self, which)))

    def count(self, which):
        """How many elements each result of the reduction summarizes (at least 1 for a selection by a
        mask, which may select nothing: its gradient is then empty, not a division by zero)."""
        text = self._elements(which)
        sized = self._reverse.sized
        return f"({text} or 1)" if text != "1" and sized and sized.get(getattr(self, which)) else text

    def _elements(self, which):
        operand = getattr(self, which)
        if self.shape_free:  # the axes as written (negative ones count from the end as NumPy does)
            axis = self.param("axis")
            if axis is None:
                return f"{self.np}.size({operand})"
            if isinstance(axis, RuntimeAxes):  # (the sizes along the axes the code holds as it runs)
                return f"{self.np}.prod([{self.np}.shape({operand})[i] for i in {self.np}.atleast_1d({axis})], dtype=int)"
            parts = [f"{self.np}.shape({operand})[{a}]" for a in (axis if isinstance(axis, tuple) else (axis,))]
            if not parts:  # axis=(): each result summarizes one element, itself
                return "1"
            return parts[0] if len(parts) == 1 else "(" + " * ".join(parts) + ")"
        axes = self.axes(which)
        if axes is None:
            return "1" if self.ndim(which) == 0 else f"{operand}.size"
        parts = [f"{operand}.shape[{a}]" for a in axes]
        if not parts:
            return "1"
        return parts[0] if len(parts) == 1 else "(" + " * ".join(parts) + ")"

    def mul(self, a, b):
        return f"{a} * {b}"

    def outer(self, a, b):
        return f"{self.np}.outer({a}, {b})"

    def dot(self, a, b):
        return f"{source.wrap(a)}.dot({b})"

    def transposed(self, text, ndim):
        return f"{text}.T" if ndim == 2 else f"{text}.swapaxes(-1, -2)"

    def ravel(self, which):
        """An operand flattened (``np.ravel(p)`` for a number, which may be a Python float)."""
        operand = getattr(self, which)
        return f"{self.np}.ravel({operand})" if self.ndim(which) == 0 else f"{operand}.ravel()"

    def reshaped(self, text, which):
        if self.ndim(which) == 1:
            return text
        return f"{text}.reshape({self.shape_of(getattr(self, which))})"

    def number(self, atom):
        """Whether the operand ``atom`` is certainly a number (of shape (), known without shape-free
        code's samples)."""
        if self._number(self.text(atom)):
            return True
        if self.shape_free:
            return False
        try:
            return self.ndim(atom) == 0
        except BackgenError:  # (a shape not known)
            return False

    def _number(self, text):
        """Shape-generic code: whether the operand or value ``text`` is a number at every rank."""
        if source.number_text(text) is not None:
            return True
        return text.isidentifier() and self._reverse.surely_number(text)

    def unbroadcast(self, text, which, from_shape=None):
        """Sum ``text`` over the axes NumPy broadcast to reach it from ``which``'s shape."""
        if self._reverse.staged.mode != "numpy":
            return text
        if self.shape_free:
            operand = self.text(which) if isinstance(which, (ir.Var, ir.Const)) else getattr(self, which)
            if self._number(self.op.target) and self._number(operand):  # numbers at every rank: nothing
                return text  # was broadcast
            position = self.op.args.index(which) if isinstance(which, (ir.Var, ir.Const)) else \
                self._names.index(which) if which in self._names and not self.rule.variadic else None
            others = [self.text(a) for k, a in enumerate(self.op.args) if k != position]
            if position is not None and self.rule.broadcast and others and \
                    all(self._number(t) for t in others):  # against numbers alone: the operand's own shape
                return text
            if position is not None and self._reverse.same_shape(self.op, position):
                return text  # the result's shape at every rank, propagated through the rules: nothing broadcast
            return f"_unbroadcast({text}, {operand})"
        target = self.shape(which)
        if from_shape is None:
            from_shape = self._contribution_shape(which)
        sized = self._reverse.sized
        if sized and not sized.get(self.text(which) if isinstance(which, (ir.Var, ir.Const)) else getattr(self, which)) \
                and any(isinstance(a, ir.Var) and sized.get(a.name) for a in self.op.args):
            from_shape = (None,) * len(from_shape)  # against a boolean mask's selection: of the data's length
        return unbroadcast(text, target, from_shape)

    def _contribution_shape(self, which):
        out = self.shape("out")
        if self.op.rule == "np.matmul":
            a, b = self.shape("a"), self.shape("b")
            return out[:-2] + (a[-2:] if which == "a" else b[-2:]) if len(out) >= 2 else out
        if self.op.rule == "np.cross" and self.shape("a")[-1:] == self.shape("b")[-1:] == (2,) and \
                all(self.op.param(p) is None for p in ("axisa", "axisb", "axisc", "axis")):
            return out + (2,)  # (of 2-vectors a number each: their gradients 2-vectors of the broadcast shape)
        return out

    def _index_items(self):
        node = ast.parse(f"_[{self.param_source('index')}]", mode="eval").body.slice
        return node.elts if isinstance(node, ast.Tuple) else [node]

    def only_new_axes(self):
        """Whether the index only adds axes (``x[:, None]``, ``x[..., np.newaxis]``)."""
        def plain(item):
            if isinstance(item, ast.Slice):
                return item.lower is None and item.upper is None and item.step is None
            if isinstance(item, ast.Constant):
                return item.value is None or item.value is Ellipsis
            return isinstance(item, ast.Attribute) and item.attr == "newaxis"
        items = self._index_items()
        return all(plain(i) for i in items) and not all(isinstance(i, ast.Slice) for i in items)

    def distinct_rows(self):
        """``x[np.arange(N), y]`` picks one element per row, ``x[m]`` of one boolean mask (or of the
        indices ``np.nonzero`` finds) each element once at most, ``x[np.diag_indices_from(x)]`` each
        element of the diagonal once: no element twice."""
        from .selections import one_axis_of_several  # (selections reads the rule table: imported here)
        if self.op.param("index") in getattr(self._reverse, "masks", {}) and \
                not one_axis_of_several(self.op.param("index"), self._reverse.staged):
            return True
        items = self._index_items()
        first = items[0] if items else None
        if len(items) == 1 and isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute) \
                and isinstance(first.func.value, ast.Name) and first.func.value.id == self.np \
                and first.func.attr in ("diag_indices", "diag_indices_from"):
            return True
        if not (len(items) == 2 and isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute)
                and first.func.attr == "arange" and len(first.args) == 1):
            return False
        return isinstance(items[1], ast.Slice) or self._rows_once()

    def _rows_once(self):
        """Whether ``x[np.arange(N), y]`` (``y`` an array or a number) broadcasts its two indices to the
        N rows alone: ``y`` of (N, 1) picks each row N times (``x[np.arange(3), [[1], [1], [0]]]`` names
        ``x[0, 1]`` twice), ``np.arange(1)`` beside ``y`` of 3 picks row 0 three times.  Known from the
        shape of what is picked (the broadcast shape, then the axes of ``x`` after the first two) and N
        at the sample shapes; never in shape-generic code (``y`` of any rank)."""
        staged = self._reverse.staged
        if staged.shape_free:
            return False
        shapes = staged.shapes
        base = self.op.args[0]
        if not isinstance(base, ir.Var) or base.name not in shapes:
            return False
        picked = shapes.get(self.op.target) if self.op.rule == "getitem" else \
            shapes.get(f"{self.op.target}[{self.op.param('index')}]")
        if picked is None:
            return False
        rank = len(picked) - (len(shapes[base.name]) - 2)  # (the broadcast shape of np.arange(N) and y)
        if rank < 1 or any(size != 1 for size in tuple(picked)[:rank - 1]):
            return False
        return self._sample_number(self._index_items()[0].args[0]) == tuple(picked)[rank - 1]

    def _sample_number(self, node, depth=0):
        """The whole number ``node`` (a length: ``3``, ``N``, ``x.shape[0]``, ``len(y) - 1``) is at the
        sample shapes, the numbers it reads followed to the one line setting each; None where not known
        (a parameter's value, a number set on several lines, or one not made of shapes)."""
        staged = self._reverse.staged
        shapes, np_name = staged.shapes, staged.modules["np"]
        namespace = {np_name: numpy, "len": len, "int": int, "min": min, "max": max, "abs": abs}
        for name in names_of(node) - set(namespace):
            shape = shapes.get(name)
            if shape is None or isinstance(shape, tuple) and type(shape) is not tuple:
                return None  # (unknown, or a list's)
            if shape != ():
                namespace[name] = numpy.broadcast_to(0.0, shape)  # (its shape alone: no memory taken)
                continue
            setting = [op for op in ir.ops_in(staged.body) if op.target == name]
            if depth > 8 or len(setting) != 1 or not setting[0].source:
                return None
            try:
                value = self._sample_number(ast.parse(setting[0].source, mode="eval").body, depth + 1)
            except SyntaxError:
                return None
            if value is None:
                return None
            namespace[name] = value
        try:
            value = eval(compile(ast.Expression(node), "<backgen length>", "eval"), {"__builtins__": {}}, namespace)
        except Exception:  # noqa: BLE001 (not a number made of shapes: not known)
            return None
        return int(value) if isinstance(value, (int, numpy.integer)) and not isinstance(value, bool) else None

    def advanced_index(self):
        """Whether the index may be an array: it reads a name not known to be a number outside the
        bounds of its slices (a slice takes its bounds as integers, whatever they are)."""
        names = ast.literal_eval(self.op.param("index_vars") or "()")
        shapes = self._reverse.staged.shapes
        try:
            node = ast.parse(f"_[{self.op.param('index')}]", mode="eval").body.slice
        except SyntaxError:
            node = None
        if node is not None:
            items = node.elts if isinstance(node, ast.Tuple) else [node]
            bounds = {n.id for item in items if isinstance(item, ast.Slice) for n in walk(item)
                      if isinstance(n, ast.Name)}
            outside = {n.id for item in items if not isinstance(item, ast.Slice) for n in walk(item)
                       if isinstance(n, ast.Name)}
            plain = all(isinstance(item, ast.Slice) or isinstance(item, ast.Constant) and (
                item.value is None or item.value is Ellipsis or type(item.value) is int) or isinstance(
                item, ast.UnaryOp) and isinstance(item.operand, ast.Constant) and type(item.operand.value) is int
                for item in items)  # (no array in the index: a name it no longer spells was a number)
            names = [name for name in names if name not in bounds - outside
                     and (name in bounds | outside or not plain)]  # (a bound's only, or written as its number)
        staged = self._reverse.staged
        for name in names:
            if name not in shapes or len(shapes[name]) > 0 or self._item_of_labels(name):
                return True
            if staged.shape_free and name not in staged.params and self._labels_kept(name) and \
                    name not in self._surely_numbers():  # a number at the samples only, computed from a
                return True  # parameter: i = np.max(edges, axis=0) of labels of two axes is a row of them
            if staged.shape_free and name in staged.shape_free and not self._into_list():  # a helper's parameter,
                return True  # a number at the samples only (d(V, E[0], E[1]) of labels of two axes: rows)
        return False

    def _into_list(self):
        """Whether this operation indexes a list (or a sequence of numbers), not an array (nor a parameter that
        may be either, ``staged.item_lists``: scattered into by ``_scatter_items``)."""
        base = self.op.args[0] if self.op.args else None
        staged = self._reverse.staged
        return isinstance(base, ir.Var) and (base.name in staged.lists or
                                             base.name in getattr(self._reverse, "sequences", ()))

    def _item_of_labels(self, name, seen=frozenset()):
        """Shape-generic code: whether ``name`` is an item of a parameter of no given shape (``sel = idx[0]``;
        ``r = rows[i]``, a loop's over ``rows``), an item of one, or arithmetic on one: a number at the sample, whose labels are
        vectors, a row of labels (which may repeat) where they have more axes."""
        return name in self._label_sets()[0]

    def _labels_kept(self, name, seen=frozenset()):
        """Shape-generic code: whether ``name`` may hold labels of any rank: a parameter of no given shape, an
        item of one (``_item_of_labels``), or a value computed from those (``parts = edges.T``, ``nxt = (edges
        + 1) % n``), whose items are rows where the labels have more axes than the samples' vectors."""
        return name in self._label_sets()[1]

    def _surely_numbers(self):
        """The names ``FlowReverser.surely_numbers`` finds (numbers whatever the ranks of the arrays given),
        with the places ``np.argmax`` and ``np.argmin`` of no axis find."""
        return self._reverse.surely_numbers(extremes=True)

    def _label_sets(self):
        """``(items, kept)``: the names ``_item_of_labels`` and ``_labels_kept`` hold for, found once for the
        staged code (the least sets closed under the operations that make each name: a walk of the
        operations until neither grows, in time linear in them for each name added)."""
        from .reverse_flow import ARITHMETIC  # (reverse_flow reads this module: imported here)
        staged = self._reverse.staged
        found = getattr(self._reverse, "_labels_found", None)
        if found is not None and found[0] is staged:
            return found[1]
        items, kept = set(), set(staged.shape_free or ())
        if staged.shape_free:
            ops = list(ir.ops_in(staged.body))
            grown = True
            while grown:
                grown = False
                for op in ops:
                    names = [a.name for a in op.args if isinstance(a, ir.Var)]
                    if op.target not in items and (
                            op.rule == "getitem" and isinstance(op.args[0], ir.Var) and op.args[0].name in kept or
                            op.rule in ARITHMETIC | {"copy"} and any(n in items for n in names)):
                        items.add(op.target)  # (j = row[k] of row = y[i]: an item of an item; i, j = edges.T)
                        grown = True
                    if op.target not in kept and (op.target in items or any(n in kept for n in names)):
                        kept.add(op.target)
                        grown = True
        self._reverse._labels_found = (staged, (frozenset(items), frozenset(kept)))
        return self._reverse._labels_found[1]

    def parts_read(self, count):
        """The positions of the parts of this operation's result (a tuple of ``count``: eigh's (w, v))
        a gradient comes back through: those read by a constant index on the way to an output; None
        where any may (the result returned, carried by a loop, or read otherwise)."""
        reverse, name = self._reverse, self.op.target
        staged = reverse.staged
        if any(isinstance(o, ir.Var) and o.name == name for o in staged.outputs):
            return None
        for item in ir.loops_in(staged.body):
            if any(isinstance(value, ir.Var) and value.name == name for _, value in item.exits):
                return None
        found = set()
        for op in ir.ops_in(staged.body):
            if not any(isinstance(a, ir.Var) and a.name == name for a in op.args) or op.target not in reverse.active:
                continue
            if op.rule != "getitem" or len(op.args) != 1:
                return None
            try:
                position = ast.literal_eval(op.param("index") or "")
            except (ValueError, SyntaxError):
                return None
            if type(position) is not int or not -count <= position < count:
                return None
            found.add(position % count)
        return found

    # --- linear algebra through einsum ---------------------------------------------

    def einsum_grad(self, position):
        spec = self.param("subscripts")
        if not isinstance(spec, str):
            self.unsupported("np.einsum is differentiated for constant subscripts")
        operands = self.inputs
        spec = spec.replace(" ", "")
        if "..." in spec and self.shape_free:  # the letters the ellipsis covers: from the ranks, at run time
            return f"_einsum_grad({self.g}, {spec!r}, {self.position}, {', '.join(operands)})"
        if "..." in spec:
            spec = self._without_ellipsis(spec)
        return self._einsum_vjp(spec, operands, self.position)

    def _without_ellipsis(self, spec):
        """``'...ij,...jk->...ik'`` with the ellipsis written out in letters of its own, from the
        operands' ranks, aligned at the right as NumPy broadcasts them (an operand whose ellipsis covers
        fewer axes names the last of them; an axis of 1 against a longer one is broadcast, as of any
        letter)."""
        inputs, arrow, output = spec.partition("->")
        subs = inputs.split(",")
        if len(subs) != len(self.op.args):
            self.unsupported(f"np.einsum('{spec}') names {len(subs)} operands and is given {len(self.op.args)}")
        free = [c for c in string.ascii_letters if c not in spec]
        shapes = [self.shape(arg) for arg in self.op.args]
        ranks = [len(shape) - len(sub.replace("...", "")) if "..." in sub else 0 for sub, shape in zip(subs, shapes)]
        width = max(ranks)
        letters = "".join(free[:width])
        dims = {}
        for sub, shape, rank in zip(subs, shapes, ranks):
            if "..." not in sub:
                continue
            start = sub.index("...")
            for letter, dim in zip(letters[width - rank:], shape[start:start + rank]):
                dims.setdefault(letter, set()).add(dim)
        if any(len(sizes - {1}) > 1 for sizes in dims.values()):  # (NumPy raises there)
            self.unsupported("np.einsum with '...' is differentiated where the ellipsis covers axes that "
                             "broadcast together")
        subs = [sub.replace("...", letters[width - rank:]) for sub, rank in zip(subs, ranks)]
        if not arrow:  # implicit output: the ellipsis first, then the letters seen once, sorted
            plain = "".join(c for s in subs for c in s if c not in letters)
            output = letters + "".join(sorted(c for c in set(plain) if plain.count(c) == 1))
        return ",".join(subs) + "->" + output.replace("...", letters)

    def tensordot_grad(self, position):
        if self.shape_free:  # the subscripts from the ranks, at run time
            return f"_tensordot_grad({self.g}, {self.a}, {self.b}, {self.param_source('axes', '2')}, {position})"
        ra, rb = self.ndim("a"), self.ndim("b")
        axes = self.param("axes", 2)
        if isinstance(axes, int):
            axes_a, axes_b = list(range(ra - axes, ra)), list(range(axes))
        else:
            axes_a, axes_b = [list(x) if isinstance(x, (tuple, list)) else [x] for x in axes]
        if not all(-ra <= x < ra for x in axes_a) or not all(-rb <= x < rb for x in axes_b) or \
                len(axes_a) != len(axes_b):
            self.unsupported(f"np.tensordot over axes {axes} of arrays of {ra} and {rb} dimensions here (the shapes "
                             "its operands have on some path, or in iterations of a loop that never run): backgen "
                             "cannot tell the axes it sums; give the operands one rank on every path")
        axes_a = [x % ra for x in axes_a]
        axes_b = [x % rb for x in axes_b]
        letters = iter(string.ascii_lowercase)
        sa = [next(letters) for _ in range(ra)]
        sb = [None] * rb
        for i, j in zip(axes_a, axes_b):
            sb[j] = sa[i]
        sb = [s or next(letters) for s in sb]
        out = [s for i, s in enumerate(sa) if i not in axes_a] + [s for j, s in enumerate(sb) if j not in axes_b]
        spec = f"{''.join(sa)},{''.join(sb)}->{''.join(out)}"
        return self._einsum_vjp(spec, [self.a, self.b], position)

    def _einsum_vjp(self, spec, operands, position):
        inputs, _, output = spec.partition("->")
        subs = inputs.split(",")
        if len(subs) != len(operands):
            self.unsupported(f"np.einsum('{spec}') names {len(subs)} operands and is given {len(operands)}")
        if not _:
            letters = "".join(subs)
            output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        mine = subs[position]
        others = [s for i, s in enumerate(subs) if i != position]
        other_ops = [o for i, o in enumerate(operands) if i != position]
        available = set(output).union(*others) if others else set(output)
        if len(set(mine)) != len(mine):
            return self._einsum_repeated_vjp(subs, output, operands, position)
        spread, summed = self._einsum_broadcast(subs, output, position)
        shared = set(mine).intersection(*others) if others else set()  # an axis NumPy may broadcast
        if not set(mine) <= available or spread:  # summed in this operand alone: the gradient is spread along it
            others, other_ops = others + [mine], other_ops + [f"{self.np}.ones_like({operands[position]})"]
        kept = "".join(c for c in mine if c not in summed)
        grad_spec = ",".join([output] + others) + "->" + kept
        args = ", ".join([self.g] + other_ops)
        text = f"{self.np}.einsum('{grad_spec}', {args})"
        if summed:  # an axis of 1 NumPy broadcast: its gradient is the sum along the axis, kept as 1
            text += f".reshape({self.shape_of(operands[position])})"
        if self.shape_free and shared and self.op.rule == "np.einsum":  # which axes broadcast: at run time
            text = f"_unbroadcast({text}, {operands[position]})"
        return text

    def _einsum_repeated_vjp(self, subs, output, operands, position):
        """The gradient of an operand naming a letter more than once (``np.einsum('ii', A)``, its trace;
        ``'ii->i'``, its diagonal): each repeat read as a letter of its own, joined to the first by an
        identity matrix given as one more operand (``'ij,ij'`` of ``A`` and ``np.eye(A.shape[0])``), a
        product of the same value whose operand names every letter once."""
        if any(self._einsum_broadcast(subs, output, position)):
            self.unsupported(f"np.einsum('{','.join(subs)}->{output}'): an index repeated in one operand is "
                             "differentiated where no axis broadcasts")
        fresh = iter(c for c in string.ascii_letters if c not in "".join(subs) + output)
        mine, joins, eyes = "", [], []
        for axis, letter in enumerate(subs[position]):
            if letter in mine:
                new = next(fresh)
                joins.append(letter + new)
                eyes.append(f"{self.np}.eye({self.np}.shape({operands[position]})[{axis}])")
                letter = new
            mine += letter
        spec = ",".join(subs[:position] + [mine] + subs[position + 1:] + joins) + "->" + output
        return self._einsum_vjp(spec, list(operands) + eyes, position)

    def _einsum_broadcast(self, subs, output, position):
        """The letters of operand ``position`` that NumPy broadcast: those it has as 1 where
        another operand has more (summed in the gradient), and those it has as more where every
        other operand and the output have 1 (spread).  None without shapes."""
        if self.shape_free or len(self.op.args) != len(subs):
            return False, ()
        shapes = [self.shape(arg) for arg in self.op.args]
        out = self.shape("out")
        if any(len(shape) != len(sub) for shape, sub in zip(shapes, subs)) or len(out) != len(output):
            return False, ()
        seen = {}  # letter: the sizes the gradient's operands (output, other operands) give it
        for i, (sub, shape) in enumerate(zip(subs, shapes)):
            if i != position:
                for letter, size in zip(sub, shape):
                    seen.setdefault(letter, set()).add(size)
        for letter, size in zip(output, out):
            seen.setdefault(letter, set()).add(size)
        mine = dict(zip(subs[position], shapes[position]))
        summed = tuple(c for c, n in mine.items() if n == 1 and max(seen.get(c, {1})) > 1)
        spread = any(n > 1 and c in seen and max(seen[c]) == 1 for c, n in mine.items())
        return spread, summed

    # --- undoing shape operations ------------------------------------------------------

    def concat_grad(self, axis):
        if self.shape_free:  # np.concatenate: every operand has the axis; its sizes at run time
            if self.op.param("axis") == "None":
                self.needs_shapes()
            sizes = [_display_length(o, axis) or f"{self.np}.shape({o})[{axis}]" for o in self.inputs]
        elif self.op.param("axis") == "None":  # the operands flattened, then joined: each its run of elements
            return self._flat_concat_grad()
        else:  # read as the code runs (np.hstack: a number is one element)
            sizes = [self.length(a, axis) for a in self.op.args]
        previous = summed_terms(sizes[:self.position])
        start = " + ".join(previous)
        if sizes[self.position] == "1":  # a number: one element
            return f"{self.g}[{_index_at(axis, start or '0')}]"
        last = self.position == len(self.op.args) - 1
        stop = "" if last else " + ".join(previous + [sizes[self.position]])
        return f"{self.g}[{_index_at(axis, start + ':' + stop)}]"

    def _flat_concat_grad(self):
        """np.concatenate(..., axis=None): the operand's run of the flat gradient, in its shape; the
        runs' bounds are the operands' sizes read as the code runs (``dout[x.size:x.size + y.size]``)."""
        sizes = [self.length(a) for a in self.op.args]
        start = " + ".join(summed_terms(sizes[:self.position]))
        ndim = self.ndim(self.op.args[self.position])
        if ndim == 0:  # a number: one element
            return f"{self.g}[{start or 0}]"
        last = self.position == len(self.op.args) - 1
        stop = "" if last else " + ".join(summed_terms(sizes[:self.position]) + [sizes[self.position]])
        part = f"{self.g}[{start}:{stop}]"
        return part if ndim == 1 else f"{part}.reshape({self.shape_of(self.current)})"

    def vstack_grad(self):
        """np.vstack: 1-D inputs (and numbers) are rows, 2-D inputs blocks of rows."""
        rows = ["1" if self.ndim(a) <= 1 else self.length(a, 0) for a in self.op.args]
        start = " + ".join(summed_terms(rows[:self.position]))
        if self.ndim(self.current) == 0:  # a number: a row of one
            return f"{self.g}[{start or 0}, 0]"
        if self.ndim(self.current) == 1:
            return f"{self.g}[{start or 0}]"
        last = self.position == len(self.op.args) - 1
        stop = "" if last else (f"{start} + {rows[self.position]}" if start else rows[self.position])
        return f"{self.g}[{start}:{stop}]"

    def stack_grad(self, axis):
        return f"{self.g}[{_index_at(axis, str(self.position))}]"

    def tile_grad(self):
        x = self.current
        ndim = None if self.shape_free else self.ndim(x)
        node = ast.parse(self.param_source("reps"), mode="eval").body
        if isinstance(node, ast.Name):  # reps = (n, 1) staged on a line of its own
            found = [op.source for op in ir.ops_in(self._reverse.staged.body)
                     if op.target == node.id and op.rule == "inert"]
            node = ast.parse(found[0], mode="eval").body if len(found) == 1 else node
        items = node.elts if isinstance(node, (ast.Tuple, ast.List)) else [node]
        reps = tuple(self._count(source.to_source(item)) for item in items)
        if None in reps:
            self.unsupported("np.tile needs whole-number repetitions (constants or numbers computed from shapes)")
        if self.shape_free:  # the copies summed at run time, whatever the rank
            return f"_untile({self.g}, {x}, {self.param_source('reps')})"
        if len(reps) < ndim:
            reps = (1,) * (ndim - len(reps)) + reps
        promoted = len(reps) - ndim
        dims, summed = [], []
        for i, r in enumerate(reps):
            size = "1" if i < promoted else f"{x}.shape[{i - promoted}]"
            if r != 1:
                summed.append(len(dims))
                dims.append(str(r))
            dims.append(size)
        text = f"{self.g}.reshape({', '.join(dims)}).sum(axis={_axes(tuple(summed))})"
        return text + (f".reshape({self.shape_of(x)})" if promoted else "")

    def _count(self, text):
        """A repetition count: an int constant, or the source of a number computed from shapes
        (``len(x)``, ``x.shape[0]``: an axis repeated once is summed harmlessly)."""
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, (list, tuple)) and len(value) == 1:  # np.repeat(x, [2]): one count for each element
            value = value[0]
        if value is not None:
            return value if type(value) is int else None
        try:
            node = ast.parse(text, mode="eval").body
        except SyntaxError:
            return None
        return text if self._whole_number(node) else None

    def _whole_number(self, node):
        """Whether ``node`` is a whole number made of numbers by arithmetic (``n``, ``n + 1``, ``2 * k``,
        ``len(x) // 2``, ``x.shape[0]``): names of numbers, whole constants, +, -, *, //, %."""
        shapes = self._reverse.staged.shapes
        if isinstance(node, ast.Name):
            return tuple(shapes.get(node.id, (None,))) == ()
        if isinstance(node, ast.Constant):
            return type(node.value) is int
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)) and \
                self._whole_number(node.left) and self._whole_number(node.right)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, (ast.USub, ast.UAdd)) and self._whole_number(node.operand)
        if isinstance(node, ast.Call):  # len(x)
            return isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1 and \
                not node.keywords and isinstance(node.args[0], ast.Name)
        if isinstance(node, ast.Subscript):  # x.shape[0]
            shape = node.value
            return isinstance(shape, ast.Attribute) and shape.attr == "shape" and \
                isinstance(shape.value, ast.Name) and isinstance(node.slice, ast.Constant) and \
                type(node.slice.value) is int
        return False

    def _counts_read(self, text):
        """Whether ``text`` is a name (or its elements, ``np.diff(indptr)`` named by staging) the code reads
        as np.repeat's repeats: counts, one per element, which the data may give."""
        return text.isidentifier() and text in self._reverse.staged.shapes

    def repeat_grad(self):
        x = self.current
        repeats = self._count(self.param_source("repeats"))
        if repeats is None and self._counts_read(self.param_source("repeats")):
            # (np.repeat(means, lengths): a count per element, which the data gives: each copy's gradient
            # added back to its element)
            return f"_unrepeat_counts({self.g}, {x}, {self.param_source('repeats')}, {self.param('axis')})"
        if repeats is None:
            self.unsupported("np.repeat needs one whole number of repeats (a constant or a number computed "
                             "from shapes), or an array of them")
        axis = self.param("axis")
        if self.shape_free:
            return f"_unrepeat({self.g}, {x}, {repeats}, {axis})"
        ndim = self.ndim(x)
        if ndim == 0:  # one number repeated: its gradient is the sum of the copies'
            return f"{self.g}.sum()"
        # -1 for the length, unless the repeats may be 0 (np.repeat(x, 0), a count n of 0 given): the
        # gradient is then empty, whose reshape cannot tell the length, and x's is 0
        counted = isinstance(repeats, int) and repeats > 0
        if axis is None:
            text = f"{self.g}.reshape({'-1' if counted else f'{x}.size'}, {repeats}).sum(axis=1)"
            return text if ndim == 1 else f"{text}.reshape({x}.shape)"
        axis %= ndim
        dims = [f"{x}.shape[{i}]" for i in range(ndim)]
        dims.insert(axis + 1, str(repeats))
        if ndim == 1 and counted:
            dims[0] = "-1"
        return f"{self.g}.reshape({', '.join(dims)}).sum(axis={axis + 1})"

    # --- errors --------------------------------------------------------------------------

    def needs_shapes(self):
        """Refuse, at the user's line, a gradient whose form depends on shapes that are not given."""
        names = self._reverse.staged.shape_free
        what = self.op.rule.removesuffix("_list")  # (np.vstack_list: np.vstack of a list, its own rule)
        if not what.startswith("np.") or not _numpy_function(what[3:]):  # (np.select_if: an if expression)
            what = "this operation"
        try:
            self.unsupported(
                f"the gradient of {what} depends on the shapes of its operands, and the shapes of "
                f"{', '.join(names)} are not given: annotate the parameters ({names[0]}: 'N, D'; \"int N\" "
                f"for integer labels), pass shapes=, or on the command line --shape {names[0]}=N,D")
        except BackgenError as error:
            error.shape_free = True
            raise

    def unsupported(self, message):
        staged = self._reverse.staged
        line = self.op.line
        text = staged.lines[line - 1] if 0 < line <= len(staged.lines) else None
        col = len(text) - len(text.lstrip()) + 1 if text else None
        raise BackgenError(message, staged.filename, line, col, text)


def refuse_varied_static(staged, op, rule, varied):
    """A static argument (``a_min`` of ``np.clip``) holding a differentiated value: its gradient
    would be lost, so the call is refused at its line."""
    statics = [p.strip().split("=")[0].lstrip("*") for p in rule.signature.split(",")]
    for key in statics:
        text = op.param(key)
        if key in rule.inputs or text is None:
            continue
        found = sorted(_values_read(text) & set(varied))
        if found:
            line = staged.lines[op.line - 1] if 0 < op.line <= len(staged.lines) else None
            col = len(line) - len(line.lstrip()) + 1 if line else None
            written = line is not None and all(re.search(rf"\b{re.escape(n)}\b", line) for n in [text, found[0]])
            said = f"{key}={text} depends on {found[0]}, which is" if written else \
                f"{key} depends on a value that is"  # (a name staging made, not the user's)
            raise BackgenError(f"the argument {said} differentiated, but backgen takes {key} as a constant here: "
                               f"its gradient would be lost", staged.filename, op.line, col, line)


def _values_read(text):
    """The names whose values ``text`` reads: not a name read only for its shape, rank, size or type
    (``x.shape``), which carry no gradient."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return source.names_in(text)
    inert = {id(node.value) for node in walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in INERT_ATTRIBUTES}
    return {node.id for node in walk(tree) if isinstance(node, ast.Name) and id(node) not in inert}


def unbroadcast(text, target, from_shape, like=None):
    """``text``, of shape ``from_shape``, summed over the axes NumPy broadcast to reach it
    from ``target`` (``g.sum(axis=0)``, ``g.sum(axis=1, keepdims=True)``, ``g.sum()``).  ``like``:
    the source of the operand's shape as the code runs (``w.shape``), where one is known."""
    if target == from_shape:  # (nothing broadcast: most operands)
        return text
    lead = len(from_shape) - len(target)
    if lead < 0:  # a value written into fewer axes (v[0] = w of (1, 4), v[0] of (4,)): NumPy drops w's
        # leading axes, of length one; the part of the gradient that reaches them comes back reshaped
        # (to w's shape as the code runs, or given its axes of one back: never the samples' sizes)
        inner = unbroadcast(text, target[-lead:], from_shape)
        return f"{source.wrap(inner)}.reshape({like})" if like else \
            f"{source.wrap(inner)}[{', '.join(['None'] * -lead)}]"
    leading = tuple(range(lead))
    ones = tuple(i for i, d in enumerate(target) if d == 1 and from_shape[lead + i] != 1)
    if not leading and not ones:
        return text
    negated = text.startswith("-") and source.wrap(text[1:]) == text[1:]
    if negated:  # -g.sum(axis=0) reads better than (-g).sum(axis=0)
        inner = unbroadcast(text[1:], target, from_shape)
        return source.parsed_as("-" + inner, _tree(source.expression(inner), lambda node: ast.UnaryOp(ast.USub(), node)),
                                like=inner)
    kind = source.tree_kind(text)  # (the sum's tree is noted, built where a pass asks for it: most ask
    noted = kind is not ast.Constant and kind is not type(None)  # only whether one is known; 2.sum() does not parse)
    if not target:  # (summing adds no name: the result names what the text names)
        result = f"{source.wrap(text)}.sum()"
        return source.parsed_later(result, ast.Call, lambda: _summed(source.expression(text)), like=text) \
            if noted else result
    result = source.wrap(text)
    if leading:
        result += f".sum(axis={_axes(leading)})"
    if ones:
        result += f".sum(axis={_axes(ones)}, keepdims=True)"
    if not noted:
        return result

    def tree():
        summed = _summed(source.expression(text), leading) if leading else source.expression(text)
        return _summed(summed, ones, keepdims=True) if ones else summed
    return source.parsed_later(result, ast.Call, tree, like=text)


def _tree(node, build):
    """``build(node)``, where the tree ``node`` is known (else None)."""
    return None if node is None else build(node)


def _summed(node, axes=(), keepdims=False):
    """The tree of ``node.sum(axis=axes, keepdims=True)`` as ``unbroadcast`` spells it."""
    keywords = []
    if axes:
        axis = ast.Constant(axes[0]) if len(axes) == 1 else ast.Tuple([ast.Constant(a) for a in axes], ast.Load())
        keywords.append(ast.keyword("axis", axis))
    if keepdims:
        keywords.append(ast.keyword("keepdims", ast.Constant(True)))
    return ast.Call(ast.Attribute(node, "sum", source.LOAD), [], keywords)


def _axes(axes):
    return str(axes[0]) if len(axes) == 1 else str(tuple(axes))


def _index_at(axis, item):
    """An index selecting ``item`` along ``axis`` (``:, 2`` for axis 1, ``..., 2`` for -1)."""
    if axis >= 0:
        return ":, " * axis + item
    return "..., " + item + ", :" * (-axis - 1)


def index_tuple(index):
    """The source of ``index`` (as written between brackets) as a tuple expression."""
    node = ast.parse(f"_[{index}]", mode="eval").body.slice

    class Slices(ast.NodeTransformer):
        def visit_Slice(self, s):
            parts = [p if p is not None else ast.Constant(None) for p in (s.lower, s.upper, s.step)]
            while len(parts) > 2 and isinstance(parts[-1], ast.Constant) and parts[-1].value is None:
                parts.pop()
            return ast.Call(ast.Name("slice", ast.Load()), [self.visit(p) for p in parts], [])

    node = Slices().visit(node)
    text = source.to_source(ast.fix_missing_locations(node))
    return f"({text})" if isinstance(node, ast.Tuple) and not text.startswith("(") else text


def summed_terms(sizes):
    """The terms of the sum of ``sizes`` (sources of lengths, None for none): the ones read as the
    code runs, then the constant ones added up (``x.shape[0] + 2``)."""
    sizes = [size for size in sizes if size is not None]
    number = sum(int(size) for size in sizes if size.isdigit())
    return [size for size in sizes if not size.isdigit()] + ([str(number)] if number else [])


def _display_length(text, axis):
    """The length of a list or tuple of numbers written out (``[0.0]`` at a boundary), along axis 0 of
    what np.concatenate makes of it; else None."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if axis in (0, "0", -1, "-1") and isinstance(node, (ast.List, ast.Tuple)) and node.elts and \
            all(source.number(e) is not None for e in node.elts):
        return str(len(node.elts))
    return None


def _numpy_function(name):
    """Whether NumPy has ``name`` (``linalg.norm``): a rule named as the user wrote it."""
    value = numpy
    for part in name.split("."):
        value = getattr(value, part, None)
        if value is None:
            return False
    return True
