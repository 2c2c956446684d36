"""The numbers on every wire: the staged forward and the generated backward, run and recorded.

Contract:

* ``trace(func_or_source, args=(), kwargs=None, ...) -> Trace`` generates the
  backward of a forward function (``program.backward_program``, unchanged),
  then runs the staged forward with a record after each line and the
  backward with a record of each adjoint statement: its value, the
  upstream gradient it reads, and its local gradient (the statement with the
  upstream gradient taken out).  Nothing of backgen's pipeline is changed;
  the code run is the generated code, each statement followed by a record.
* ``explain(f, *args, **kwargs) -> Explanation``: the same, shown as the
  seed shows it (``str`` is the text the command line prints; in Jupyter a
  table).
* ``gate_of(source) -> Gate``: what a staged line computes, as a gate of
  CS231n's circuits (label, kind, a short note).
* ``fmt(value)``: a value as the learning view prints it (arrays: shape
  and a few numbers).
"""

import ast
import html
import inspect
import math
import textwrap
from dataclasses import dataclass, field

import numpy as np

from . import emit, ir, source
from .errors import BackgenError
from .inputs import cache_convention, signature_of, without_cache
from .layer import after_full_forward
from .parse import read
from .source import walk


# --- gates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    label: str  # what the circuit picture writes in the node: +, ×, σ, max
    kind: str  # add, mul, sigmoid, max, ...
    note: str = ""  # what the gate does to the gradient, in one line


NOTES = {
    "add": "add gate: distributes the upstream gradient, unchanged, to every input",
    "add_const": "adding a constant: the gradient passes through unchanged",
    "sub": "subtract gate: the upstream gradient goes to the left input, negated to the right one",
    "mul": "multiply gate: swaps its inputs (each input's local gradient is the other input)",
    "scale": "scaling by a constant: the gradient is scaled by the same constant",
    "div": "divide gate: local gradient 1/b for the numerator, -a/b² for the denominator",
    "reciprocal": "1/x gate: local gradient -1/x²",
    "square": "square gate: local gradient 2x",
    "pow": "power gate: local gradient k·x^(k-1)",
    "neg": "negation: the gradient changes sign",
    "sigmoid": "sigmoid gate: its local gradient is simply (1 - s) s, from its own output s",
    "max": "max gate: routes the whole gradient to the larger input, 0 to the other",
    "min": "min gate: routes the whole gradient to the smaller input, 0 to the other",
    "relu": "ReLU, max(0, x): the gradient passes where x > 0, and is 0 elsewhere",
    "exp": "exp gate: its local gradient is exp(x), its own output",
    "log": "log gate: local gradient 1/x",
    "tanh": "tanh gate: local gradient 1 - tanh²",
    "sqrt": "square-root gate: local gradient 1 / (2 sqrt(x))",
    "matmul": "matrix multiply: each input gets the upstream gradient times the other input, "
              "transposed; the shapes decide the order",
    "sumsq": "sum of squares: local gradient 2x",
    "sum": "sum: every element summed gets the upstream gradient (copied back, broadcast)",
    "mean": "mean: every element gets the upstream gradient divided by the count",
    "shape": "reshape: the gradient is reshaped back to the input's shape",
    "transpose": "transpose: the gradient is transposed back",
    "index": "indexing: the gradient flows back to the elements picked, 0 elsewhere",
    "copy": "copy: the gradient passes through",
    "where": "select: the gradient goes to the input chosen, element by element",
}

_FUNCTION_GATES = {
    "exp": ("exp", "exp"), "log": ("log", "log"), "tanh": ("tanh", "tanh"), "sqrt": ("√", "sqrt"),
    "dot": ("dot", "matmul"), "matmul": ("@", "matmul"), "sum": ("Σ", "sum"), "mean": ("mean", "mean"),
    "reshape": ("reshape", "shape"), "ravel": ("reshape", "shape"), "flatten": ("reshape", "shape"),
    "transpose": ("ᵀ", "transpose"), "square": ("x²", "square"), "negative": ("−x", "neg"),
    "reciprocal": ("1/x", "reciprocal"), "where": ("where", "where"), "abs": ("|x|", "abs"),
    "fabs": ("|x|", "abs"), "add": ("+", "add"), "multiply": ("×", "mul"), "subtract": ("−", "sub"),
    "divide": ("÷", "div"),
}


def _call_name(node):
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_exp_of_negative(node):
    return (isinstance(node, ast.Call) and _call_name(node) == "exp" and len(node.args) == 1
            and isinstance(node.args[0], ast.UnaryOp) and isinstance(node.args[0].op, ast.USub))


def _is_sigmoid(node):
    """``1 / (1 + exp(-z))``, ``1.0 / (exp(-z) + 1)``, ``(1 + exp(-z)) ** -1``."""
    def one_plus_exp(n):
        return (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add)
                and ((source.number(n.left) == 1 and _is_exp_of_negative(n.right))
                     or (source.number(n.right) == 1 and _is_exp_of_negative(n.left))))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return source.number(node.left) == 1 and one_plus_exp(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return source.number(node.right) == -1 and one_plus_exp(node.left)
    return False


def _short(number):
    return fmt(number)


def gate_of(source):
    """The gate a staged line's right-hand side is."""
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return Gate("f", "other")
    gate = _gate(node)
    return Gate(gate[0], gate[1], NOTES.get(gate[1], ""))


def _gate(node):
    if _is_sigmoid(node):
        return "σ", "sigmoid"
    if isinstance(node, ast.BinOp):
        left, right = source.number(node.left), source.number(node.right)
        op = node.op
        if isinstance(op, ast.Add):
            if left is not None or right is not None:
                return f"+{_short(left if left is not None else right)}", "add_const"
            return "+", "add"
        if isinstance(op, ast.Sub):
            if right is not None:
                return f"−{_short(right)}", "add_const"
            return "−", "sub"
        if isinstance(op, ast.Mult):
            if left is not None or right is not None:
                return f"×{_short(left if left is not None else right)}", "scale"
            return "×", "mul"
        if isinstance(op, ast.Div):
            if left == 1:
                return "1/x", "reciprocal"
            if right is not None:
                return f"÷{_short(right)}", "scale"
            return "÷", "div"
        if isinstance(op, ast.Pow):
            if right == 2:
                return "x²", "square"
            if right is not None:
                return f"x^{_short(right)}", "pow"
            return "**", "pow"
        if isinstance(op, ast.MatMult):
            return "@", "matmul"
        return type(op).__name__.lower(), "other"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return "−x", "neg"
    if isinstance(node, ast.Call):
        name = _call_name(node)
        args = node.args if not isinstance(node.func, ast.Attribute) or _is_module_call(node) else \
            [node.func.value] + list(node.args)
        if name == "sum" and any(isinstance(a, ast.Call) and _call_name(a) == "square" for a in args):
            return "Σx²", "sumsq"
        if name in ("max", "maximum", "min", "minimum"):
            kind = "max" if name.startswith("max") else "min"
            if kind == "max" and any(source.number(a) == 0 for a in args):
                return "ReLU", "relu"
            return kind, kind
        if name in _FUNCTION_GATES:
            return _FUNCTION_GATES[name]
        return name or "f", "other"
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return "ᵀ", "transpose"
    if isinstance(node, ast.Subscript):
        return "[ ]", "index"
    if isinstance(node, ast.Name):
        return "=", "copy"
    if isinstance(node, ast.IfExp):
        return "if", "where"
    return "f", "other"


def _is_module_call(node):
    """``np.exp(x)`` (a module's function) rather than ``x.sum()`` (a method)."""
    value = node.func.value
    return isinstance(value, ast.Name) and value.id in ("np", "numpy", "math")


# --- values ---------------------------------------------------------------------------------


def fmt(value, digits=4):
    """A value as the learning view writes it: ``3``, ``-0.1966``, ``(4, 3) [0.12, -0.5, 1.3, …]``."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if number == 0:
            return "0"
        if math.isfinite(number) and number == round(number) and abs(number) < 1e6:
            return str(int(number))
        return f"{number:.{digits}g}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return fmt(value.item(), digits)
        flat = value.ravel()
        head = ", ".join(fmt(x, 3) for x in flat[:3])
        more = ", …" if flat.size > 3 else ""
        return f"{shape_text(value.shape)} [{head}{more}]"
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, np.ndarray) for v in value) and value:
            return f"{type(value).__name__} of {len(value)} arrays of shape {shape_text(value[0].shape)}"
        return f"({', '.join(fmt(v, digits) for v in value)})"
    if value is None:
        return "None"
    return repr(value)


def shape_text(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def is_array(value):
    return isinstance(value, np.ndarray) and value.ndim > 0


def _keep(value):
    """A snapshot of a value (arrays are copied: the code may add into them later)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_keep(v) for v in value]
    return value


# --- the trace ------------------------------------------------------------------------------


@dataclass
class Record:
    """Values one line took: how many times it ran, its first and latest."""

    count: int = 0
    last: object = None
    first: object = None

    def add(self, value):
        if self.count == 0:
            self.first = value
        self.last = value
        self.count += 1


@dataclass
class ForwardStep:
    number: int  # the staged line's number, as the generated code's comments number it
    target: str
    source: str
    depth: int  # nesting in loops and branches
    gate: Gate
    record: Record
    block: str = ""  # the header of the innermost block holding it
    user_line: int = 0  # the line of the user's function it was staged from

    @property
    def value(self):
        return self.record.last

    @property
    def text(self):
        return f"{self.target} = {self.source}"


@dataclass
class HeaderStep:
    """A block header (``for t in range(T):``) or a statement that computes no value."""

    text: str
    depth: int


@dataclass
class BackwardStep:
    index: int  # position among the backward's recorded statements
    number: int  # the forward line it undoes (0: none, a bookkeeping line)
    target: str
    accumulate: bool
    source: str
    depth: int
    kind: str = "adjoint"  # adjoint, call, statement, group (the comment naming the forward line)
    local: str = ""  # the local gradient's expression ("" where it is not a product)
    upstreams: tuple = ()  # the upstream gradients it reads
    record: Record = field(default_factory=Record)  # the statement's value (the product)
    local_record: Record = field(default_factory=Record)
    upstream_record: Record = field(default_factory=Record)  # {name: value}
    total_record: Record = field(default_factory=Record)  # the adjoint after it (differs for +=)
    gate: Gate = None  # of the forward line it undoes

    @property
    def value(self):
        return self.record.last

    @property
    def text(self):
        if self.kind == "adjoint" or (self.kind == "replay" and self.target):
            return f"{self.target} {'+=' if self.accumulate else '='} {self.source}"
        return self.source

    @property
    def base(self):
        """The adjoint it assigns (``dx`` for ``dx[t] += ...``)."""
        return self.target.split("[", 1)[0].strip()


class Trace:
    """The generated backward, and the values of one run of it: see ``trace``."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def forward_steps(self):
        return [s for s in self.forward if isinstance(s, ForwardStep)]

    def adjoint_steps(self):
        return [s for s in self.backward if s.kind in ("adjoint", "call", "statement")]

    def step(self, number):
        """The forward step numbered ``number``."""
        for s in self.forward_steps():
            if s.number == number:
                return s
        return None

    def contributions(self, wrt_name):
        """The backward steps adding into the gradient of the input ``wrt_name``."""
        adjoint = self.adjoint_of.get(wrt_name, "d" + wrt_name)
        return [s for s in self.adjoint_steps() if s.kind == "adjoint" and s.base == adjoint and s.number]


def _resolve(func_or_source, name, wrt):
    """``(function or text, name, filename, wrt)``, unwrapping backgen's decorated functions."""
    func = func_or_source
    if hasattr(func, "_owner") and hasattr(func, "__self__"):  # a bound decorated method
        raise TypeError("explain takes the function, not a bound method: pass Class.method and self")
    if hasattr(func, "_func") and hasattr(func, "wrt"):  # @backgen.backward
        wrt = wrt if wrt is not None else func.wrt
        func = func._func
    return func, name, wrt


def _cs231n_text(func_or_source, name, filename):
    """Source text where a forward in CS231n's convention returns only ``out``; None if it is not one."""
    if isinstance(func_or_source, (str, bytes)):
        text = func_or_source.decode() if isinstance(func_or_source, bytes) else func_or_source
        try:
            module = ast.parse(text)
        except SyntaxError:
            return None
        defs = [n for n in module.body if isinstance(n, ast.FunctionDef) and (name is None or n.name == name)]
        if len(defs) != 1 and name is None:
            return None
        if not defs or cache_convention(defs[-1]) is None:
            return None
        changed, _ = without_cache(text, defs[-1].name)
        return changed, defs[-1].name, filename
    if not inspect.isfunction(func_or_source):
        return None
    try:
        lines, first = inspect.getsourcelines(func_or_source)
    except (OSError, TypeError):
        return None
    try:
        node = ast.parse(textwrap.dedent("".join(lines))).body[0]
    except (SyntaxError, IndexError):
        return None
    if not isinstance(node, ast.FunctionDef) or cache_convention(node) is None:
        return None
    path = inspect.getsourcefile(func_or_source)
    text = None
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        changed, done = without_cache(text, func_or_source.__name__, first)
        if done and node.col_offset == 0:
            return changed, func_or_source.__name__, path
    except (OSError, TypeError, SyntaxError, UnicodeDecodeError):
        pass
    changed, done = without_cache(textwrap.dedent("".join(lines)), func_or_source.__name__)
    return (changed, func_or_source.__name__, path or "<string>") if done else None


def prepare(func_or_source, name=None, wrt=None, filename=None):
    """``(source, name, filename, wrt, cs231n)``: what to hand to backgen for this forward.

    A forward in CS231n's convention (``return out, cache``) is differentiated
    as if it returned ``out`` alone.
    """
    func, name, wrt = _resolve(func_or_source, name, wrt)
    stripped = _cs231n_text(func, name, filename)
    if stripped is not None:
        text, name, path = stripped
        return text, name, path, wrt, True
    return func, name, filename, wrt, False


def bind(source, name, filename, args, kwargs):
    """The forward's arguments in parameter order, defaults filled in."""
    if inspect.isfunction(source):
        signature = inspect.signature(source)
    else:
        signature = signature_of(read(source, name=name, filename=filename))
    try:
        bound = signature.bind(*args, **(kwargs or {}))
    except TypeError as exc:
        raise TypeError(f"the forward's arguments: {exc}") from None
    bound.apply_defaults()
    return bound.args


def trace(func_or_source, args=(), kwargs=None, *, name=None, wrt=None, shapes=None, dout=None,
          filename=None):
    """Generate the backward of ``func_or_source`` and run forward and backward at ``args``,
    recording every line.  ``dout`` defaults to 1.0 (ones for an array output)."""
    from .api import deep  # noqa: PLC0415 -- api imports this module's users
    from .program import backward_program  # noqa: PLC0415

    source, name, filename, wrt, cs231n = prepare(func_or_source, name, wrt, filename)
    values = tuple(bind(source, name, filename, args, kwargs))
    program = deep(lambda: backward_program(source, wrt=wrt, name=name, filename=filename, shapes=shapes,
                                            args=values),
                   filename or "<string>")
    main = program.main
    module_text = emit.module_source([program], source_name=f"{main.forward_name}()")
    runner = _Runner(main, module_text)
    given = ", ".join(f"{p}={fmt(v)}" for p, v in zip(main.params, values))
    try:
        forward_locals = runner.run_forward(values)
        outputs = {}
        for text in main.outputs:
            outputs[text] = eval(text, runner.globals, dict(forward_locals))  # noqa: S307 -- generated code
    except (ArithmeticError, ValueError, TypeError) as exc:  # the user's function at the user's values
        raise BackgenError(f"{main.forward_name}() fails at {given}: {type(exc).__name__}: {exc}",
                           filename or "<string>") from None
    douts = _douts(main, list(outputs.values()), dout)
    try:
        backward_locals = runner.run_backward(values, douts)
    except (ArithmeticError, ValueError) as exc:  # a derivative infinite there (math.sqrt at 0)
        line = _failing_line(exc, "<backgen explain: backward>", runner.backward_code)
        raise BackgenError(f"the backward of {main.forward_name}() fails at {given}"
                           f"{f' on {line}' if line else ''}: {type(exc).__name__}: {exc} (a derivative "
                           "there is infinite, or not a number)", filename or "<string>") from None
    gradients = {w: backward_locals.get(r) for w, r in zip(main.wrt, main.returns)}
    for line in main.zeros:  # inputs the output does not depend on
        owner = dict(zip(main.returns, main.wrt)).get(line.target)
        if owner is not None and gradients.get(owner) is None:
            gradients[owner] = backward_locals.get(line.target)
    user = _user_lines(source, name, filename, wrt, shapes)
    for step in runner.forward_steps:
        if isinstance(step, ForwardStep):
            step.user_line = user["lines"].get(step.target, 0)
    forward_numbers = {s.number: s for s in runner.forward_steps if isinstance(s, ForwardStep)}
    for step in runner.backward_steps:
        if step.number and step.number in forward_numbers:
            step.gate = forward_numbers[step.number].gate
        elif step.number and step.kind == "group":
            step.gate = gate_of(step.source.split("=", 1)[-1])
    params = [p for p in (inspect.signature(source).parameters if inspect.isfunction(source)
                          else signature_of(read(source, name=name, filename=filename)).parameters)]
    return Trace(program=program, main=main, name=main.forward_name, params=params,
                 args=dict(zip(params, values)), douts=dict(zip(main.upstreams, douts)), outputs=outputs,
                 forward=runner.forward_steps, backward=runner.backward_steps, values=forward_locals,
                 backward_values=backward_locals, gradients=gradients,
                 adjoint_of=dict(zip(main.wrt, main.returns)), module_source=module_text,
                 user_source=user["source"], user_first=user["first"], cs231n=cs231n, mode=main.mode)


def _failing_line(exc, code_name, code):
    """The text of the innermost line of ``code``, compiled as ``code_name``, that ``exc`` came from
    ("" if none), without the recording calls explain adds."""
    import traceback  # noqa: PLC0415

    lines = code.splitlines()
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == code_name and frame.lineno and 0 < frame.lineno <= len(lines):
            text = lines[frame.lineno - 1]
            return (text.split("  # ", 1)[1] if text.lstrip().startswith("__v = (") and "  # " in text
                    else text).strip()
    return ""


def _has_arrays(values):
    return any(isinstance(v, np.ndarray) or (isinstance(v, list) and v and isinstance(v[0], np.ndarray))
               for v in values)


def _douts(main, outputs, dout):
    if dout is not None:
        douts = tuple(dout) if len(main.upstreams) > 1 else (dout,)
    else:
        douts = tuple(1.0 if np.ndim(o) == 0 else np.ones(np.shape(o)) for o in outputs)
    return douts


def _user_lines(source, name, filename, wrt, shapes):
    """The user's function as ``{"source": [lines], "first": number, "lines": {target: line}}``."""
    from .api import staged  # noqa: PLC0415

    found = {"source": [], "first": 1, "lines": {}}
    try:
        forward = read(source, name=name, filename=filename)
        func = forward.func
        first = min([func.lineno] + [d.lineno for d in getattr(func, "decorator_list", [])])
        found["first"] = first
        found["source"] = list(forward.lines[first - 1:func.end_lineno])
        result = staged(source, wrt=wrt, name=name, filename=filename, shapes=shapes)
        found["lines"] = {op.target: op.line for op in ir.ops_in(result.body)}
    except Exception:  # noqa: BLE001 -- the links are a nicety; the numbers do not need them
        pass
    return found


class _Runner:
    """Runs the generated code with a record after each statement."""

    def __init__(self, main, module_text):
        self.main = after_full_forward(main)  # (the forward it runs is the full one: its adjoint lines)
        namespace = {"__name__": f"<backgen explain: {main.name}>"}
        exec(compile(module_text, namespace["__name__"], "exec"), namespace)  # noqa: S102 -- generated
        namespace.setdefault(main.modules.get("math", "math"), math)
        namespace.setdefault(main.modules.get("np", "np"), np)
        self.globals = namespace
        self.forward_steps = []
        self.backward_steps = []
        self.adjoints = set(main.upstreams) | set(main.returns)
        self._collect_adjoints(main.groups)

    def _collect_adjoints(self, items, in_group=False):
        for item in items:
            if isinstance(item, ir.Group):
                self._collect_adjoints(item.lines, True)
            elif isinstance(item, ir.Block):
                self._collect_adjoints(item.body, in_group)
            elif isinstance(item, ir.AdjointLine) and (in_group or item.target.startswith("d")):
                self.adjoints.add(item.target.split("[", 1)[0].strip())
            elif isinstance(item, ir.CallLine):
                self.adjoints.update(t for t in item.targets if t != "_")

    # forward

    def run_forward(self, values):
        lines = []
        self._forward_items(self.main.full_forward or self.main.forward, 1, lines, "")
        params = ", ".join(self.main.params)
        code = f"def __forward({params}):\n" + "\n".join(lines or ["    pass"]) + "\n    return locals()\n"
        namespace = dict(self.globals, __f=self._record_forward)
        exec(compile(code, "<backgen explain: forward>", "exec"), namespace)  # noqa: S102
        found = namespace["__forward"](*values)
        return {k: v for k, v in found.items() if not k.startswith("__")}

    def _forward_items(self, items, depth, lines, block):
        indent = "    " * depth
        for item in items:
            if isinstance(item, ir.ForwardLine):
                step = ForwardStep(item.number, item.target, item.source, depth - 1, gate_of(item.source),
                                   Record(), block)
                self.forward_steps.append(step)
                lines.append(f"{indent}{item.target} = {item.source}")
                lines.append(f"{indent}__f({len(self.forward_steps) - 1}, {item.target})")
            elif isinstance(item, ir.Block):
                self.forward_steps.append(HeaderStep(item.header, depth - 1))
                lines.append(indent + item.header)
                count = len(lines)
                self._forward_items(item.body, depth + 1, lines, item.header)
                if len(lines) == count:
                    lines.append(indent + "    pass")
            else:
                lines.append(indent + str(item))

    def _record_forward(self, index, value):
        self.forward_steps[index].record.add(_keep(value))

    # backward

    def run_backward(self, values, douts):
        main = self.main
        lines = []
        plain = []
        _plain_items(main.forward, 1, plain)
        lines += plain
        self._backward_items(main.groups, 1, lines, 0)
        for line in main.zeros:
            lines.append(f"    {line}")
        params = ", ".join(list(main.params) + list(main.upstreams))
        code = f"def __backward({params}):\n" + "\n".join(lines or ["    pass"]) + "\n    return locals()\n"
        self.backward_code = code  # (for the line an error comes from)
        namespace = dict(self.globals, __b=self._record_backward, __t=self._record_total)
        exec(compile(code, "<backgen explain: backward>", "exec"), namespace)  # noqa: S102
        found = namespace["__backward"](*values, *douts)
        return {k: v for k, v in found.items() if not k.startswith("__")}

    def _backward_items(self, items, depth, lines, number):
        indent = "    " * depth
        for item in items:
            if isinstance(item, ir.Group):
                undoes = item.undoes
                if isinstance(undoes, ir.ForwardLine):
                    text, group = f"{undoes.target} = {undoes.source}", undoes.number
                else:
                    text, group = str(undoes), 0
                self.backward_steps.append(BackwardStep(len(self.backward_steps), group, "", False, text,
                                                        depth - 1, kind="group"))
                lines.append(f"{indent}# ({group}) {text}")
                self._backward_items(item.lines, depth, lines, group)
            elif isinstance(item, ir.Block):
                self.backward_steps.append(BackwardStep(len(self.backward_steps), number, "", False,
                                                        item.header, depth - 1, kind="header"))
                lines.append(indent + item.header)
                count = len(lines)
                self._backward_items(item.body, depth + 1, lines, number)
                if len(lines) == count:
                    lines.append(indent + "    pass")
            elif isinstance(item, ir.AdjointLine):
                self._adjoint(item, depth, lines, number)
            elif isinstance(item, ir.CallLine):
                index = len(self.backward_steps)
                step = BackwardStep(index, number, ", ".join(item.targets), False, str(item), depth - 1,
                                    kind="call")
                self.backward_steps.append(step)
                lines.append(indent + str(item))
                kept = [t for t in item.targets if t != "_"]
                lines.append(f"{indent}__t({index}, ({', '.join(kept)}{',' if len(kept) == 1 else ''}))")
            elif isinstance(item, ir.Statement):
                index = len(self.backward_steps)
                target = _statement_target(item.source)
                step = BackwardStep(index, number, target or "", True, item.source, depth - 1, kind="statement")
                self.backward_steps.append(step)
                lines.append(indent + item.source)
                if target:
                    lines.append(f"{indent}__t({index}, {target})")
            else:  # a forward line recomputed in a loop, a restore
                lines.append(indent + str(item))
                self.backward_steps.append(BackwardStep(len(self.backward_steps), number, "", False, str(item),
                                                        depth - 1, kind="replay"))

    def _adjoint(self, item, depth, lines, number):
        indent = "    " * depth
        index = len(self.backward_steps)
        in_group = number != 0
        local, upstreams = split_local(item.source, self.adjoints, self.main.mode)
        step = BackwardStep(index, number, item.target, item.accumulate, item.source, depth - 1,
                            kind="adjoint" if (in_group or item.target.startswith("d")) else "replay",
                            local=local or "", upstreams=tuple(upstreams))
        self.backward_steps.append(step)
        ups = "{" + ", ".join(f"{u!r}: {u}" for u in upstreams) + "}"
        local_code = f"lambda: ({local})" if local else "None"
        lines.append(f"{indent}__v = ({item.source})  # {item.target} {'+=' if item.accumulate else '='} {item.source}")
        lines.append(f"{indent}__b({index}, __v, {ups}, {local_code})")
        lines.append(f"{indent}{item.target} {'+=' if item.accumulate else '='} __v")
        lines.append(f"{indent}__t({index}, {item.target})")

    def _record_backward(self, index, value, upstreams, local):
        step = self.backward_steps[index]
        step.record.add(_keep(value))
        step.upstream_record.add({k: _keep(v) for k, v in upstreams.items()})
        if local is not None:
            try:
                step.local_record.add(_keep(local()))
            except Exception:  # noqa: BLE001 -- a local gradient that is not a value on its own
                step.local = ""

    def _record_total(self, index, value):
        self.backward_steps[index].total_record.add(_keep(value))


def _plain_items(items, depth, lines):
    indent = "    " * depth
    for item in items:
        if isinstance(item, ir.Block):
            lines.append(indent + item.header)
            count = len(lines)
            _plain_items(item.body, depth + 1, lines)
            if len(lines) == count:
                lines.append(indent + "    pass")
        else:
            lines.append(indent + str(item))


def _statement_target(text):
    """The array a statement adds into (``np.add.at(dx, idx, g)`` -> ``dx``)."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name):
        return node.args[0].id
    return None


def split_local(source, adjoints, mode="scalar"):
    """``(local gradient, [upstream names])`` of an adjoint statement's right-hand side.

    ``z * dout`` -> ``("z", ["dout"])``; ``dq`` -> ``("1", ["dq"])``;
    ``dout / den`` -> ``("1 / den", ["dout"])``.  In scalar code any
    expression linear in its one upstream gradient gives its local gradient
    with the upstream set to 1; in NumPy code only elementwise products do
    (``dout.dot(w.T)`` has none on its own: ``""``).
    """
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return "", []
    names = list(dict.fromkeys(n.id for n in walk(node) if isinstance(n, ast.Name) and n.id in adjoints))
    if len(names) != 1:
        return "", names
    upstream = names[0]

    def is_up(n):
        return isinstance(n, ast.Name) and n.id == upstream

    def mentions(n):
        return any(isinstance(m, ast.Name) and m.id == upstream for m in walk(n))

    if is_up(node):
        return "1", names
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and is_up(node.operand):
        return "-1", names
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        if is_up(node.right) and not mentions(node.left):
            return _strip_parens(ast.unparse(node.left)), names
        if is_up(node.left) and not mentions(node.right):
            return _strip_parens(ast.unparse(node.right)), names
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and is_up(node.left) \
            and not mentions(node.right):
        right = ast.unparse(node.right)
        return (f"1 / {right}" if isinstance(node.right, (ast.Name, ast.Constant, ast.Call, ast.Attribute))
                else f"1 / ({right})"), names
    if mode == "scalar":
        class One(ast.NodeTransformer):
            def visit_Name(self, n):  # noqa: N802 -- ast's spelling
                return ast.copy_location(ast.Constant(1.0), n) if n.id == upstream else n
        return _strip_parens(ast.unparse(One().visit(node))), names
    return "", names


def _strip_parens(text):
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1]
    return text


def _balanced(text):
    depth = 0
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if depth < 0:
            return False
    return depth == 0


# --- the explanation ------------------------------------------------------------------------


class Explanation:
    """The staged forward with each line's value, then the backward with, per line, its local
    gradient, the upstream gradient and their product.  ``str()`` is the text; in Jupyter, a table."""

    def __init__(self, trace):
        self.trace = trace
        self.name = trace.name
        self.gradients = trace.gradients
        self.values = trace.values
        self.outputs = trace.outputs

    def value(self, name):
        """The value of a forward name or an adjoint (``"q"``, ``"dq"``) at the end of the run."""
        if name in self.trace.backward_values:
            return self.trace.backward_values[name]
        if name in self.trace.values:
            return self.trace.values[name]
        raise KeyError(name)

    def __getitem__(self, name):
        return self.value(name)

    # text

    def call_text(self):
        args = ", ".join(f"{k}={fmt(v)}" for k, v in self.trace.args.items())
        return f"{self.name}({args})"

    def forward_rows(self):
        """``(number, code, value text, note, depth, step)`` per line of the staged forward."""
        rows = []
        for step in self.trace.forward:
            if isinstance(step, HeaderStep):
                rows.append(("", step.text, "", "", step.depth, step))
                continue
            record = step.record
            if record.count == 0:
                value = "(not run)"
            else:
                value = f"{step.target} = {fmt(record.last)}"
                if record.count > 1:
                    value += f"  (last of {record.count} runs)"
            rows.append((f"({step.number})", step.text, value, "", step.depth, step))
        return rows

    def backward_rows(self):
        """``(number, code, local, upstream, result, note, depth, step)`` per backward statement."""
        rows = []
        for step in self.trace.backward:
            if step.kind == "group":
                note = step.gate.note if step.gate else ""
                rows.append((f"({step.number})" if step.number else "", step.source, "", "", "", note,
                             step.depth, step))
                continue
            if step.kind in ("header", "replay"):
                rows.append(("", step.text, "", "", "", "", step.depth, step))
                continue
            local = upstream = ""
            if step.record.count == 0 and step.total_record.count == 0:
                result = "(not run)"
            elif step.kind == "adjoint":
                ups = step.upstream_record.last or {}
                upstream = ", ".join(f"{k} = {fmt(v)}" for k, v in ups.items())
                if step.local:
                    shown = step.local_record.last if step.local_record.count else None
                    local = step.local if shown is None or _is_plain_number(step.local) else \
                        f"{step.local} = {fmt(shown)}"
                op = "+=" if step.accumulate else "="
                result = f"{step.base} {op} {fmt(step.record.last)}" if "[" not in step.target else \
                    f"{step.target} {op} {fmt(step.record.last)}"
                if step.accumulate and "[" not in step.target:
                    result += f"  (now {step.base} = {fmt(step.total_record.last)})"
            else:
                result = f"{step.target} = {fmt(step.total_record.last)}" if step.target else ""
            count = max(step.record.count, step.total_record.count)
            if count > 1:
                result += f"  (last of {count} runs)"
            rows.append(("", step.text, local, upstream, result, "", step.depth, step))
        return rows

    def __str__(self):
        trace = self.trace
        out = [f"explain {self.call_text()}", ""]
        out.append("forward pass, staged one operation per line, with each line's value:")
        rows = self.forward_rows()
        width = max([len("    " * r[4] + r[1]) for r in rows] + [0])
        for number, code, value, _, depth, _ in rows:
            text = "    " * depth + code
            out.append(f"  {number:>5} {text:<{width}}   {value}".rstrip())
        outs = ", ".join(f"{k} = {fmt(v)}" for k, v in trace.outputs.items())
        out.append(f"  output: {outs}")
        out.append("")
        douts = ", ".join(f"{k} = {fmt(v)}" for k, v in trace.douts.items())
        out.append(f"backward pass, from {douts} (the gradient arriving at the output); each line is")
        out.append("local gradient × upstream gradient = the gradient it gives:")
        rows = self.backward_rows()
        code_width = max([len("    " * r[6] + r[1]) for r in rows if r[0] == ""] + [0])
        local_width = max([len(r[2]) for r in rows] + [0])
        up_width = max([len(r[3]) for r in rows] + [0])
        for number, code, local, upstream, result, note, depth, step in rows:
            indent = "    " * depth
            if step.kind == "group":
                line = f"  {number:>5} {indent}{code}"
                if note:
                    line += f"   [{note}]"
                out.append(line)
                continue
            text = indent + code
            if not (local or upstream or result):
                out.append(f"        {text}".rstrip())
                continue
            parts = f"        {text:<{code_width}}"
            if local:
                parts += f"   local {local:<{local_width}}  × upstream {upstream:<{up_width}}  →"
            elif upstream:
                parts += f"   {'from upstream':<{local_width + 6}}  {upstream:<{up_width + 11}}  →"
            else:
                parts += "   →"
            out.append(f"{parts} {result}".rstrip())
        out.append("")
        grads = ", ".join(f"d{k} = {fmt(v)}" if trace.adjoint_of.get(k) == "d" + k else
                          f"{trace.adjoint_of.get(k, 'd' + k)} = {fmt(v)}" for k, v in trace.gradients.items())
        out.append(f"gradients: {grads}")
        return "\n".join(out) + "\n"

    def __repr__(self):
        return f"<backgen explanation of {self.call_text()}>"

    # notebooks

    def _repr_markdown_(self):
        out = [f"**explain** `{self.call_text()}`", "", "| line | staged forward | value |", "|---|---|---|"]
        for number, code, value, _, depth, _ in self.forward_rows():
            out.append(f"| {number} | `{'    ' * depth + code}` | {_md(value)} |")
        out += ["", "| line | backward | local gradient | upstream | gives | gate |", "|---|---|---|---|---|---|"]
        for number, code, local, upstream, result, note, depth, _ in self.backward_rows():
            out.append(f"| {number} | `{'    ' * depth + code}` | {_md(local)} | {_md(upstream)} | "
                       f"{_md(result)} | {_md(note)} |")
        grads = ", ".join(f"d{k} = {fmt(v)}" for k, v in self.gradients.items())
        out += ["", f"gradients: {grads}"]
        return "\n".join(out)

    def _repr_html_(self):
        return html_table(self)


def _is_plain_number(text):
    return source.number_text(text) is not None


def _md(text):
    return str(text).replace("|", "\\|")


def html_table(explanation, link=False):
    """The explanation as two HTML tables (forward values; backward products).

    With ``link``, rows carry ``data-step`` (the forward line) for the page's links.
    """
    esc = html.escape
    out = [f'<div class="backgen-explain"><p><b>explain</b> <code>{esc(explanation.call_text())}</code></p>',
           '<table class="bg-forward"><thead><tr><th>line</th><th>staged forward</th><th>value</th></tr>'
           '</thead><tbody>']
    for number, code, value, _, depth, step in explanation.forward_rows():
        attrs = f' data-step="{step.number}"' if link and isinstance(step, ForwardStep) else ""
        out.append(f'<tr{attrs}><td>{esc(number)}</td><td><code>{"&nbsp;" * 4 * depth}{esc(code)}</code></td>'
                   f'<td class="bg-value">{esc(value)}</td></tr>')
    out.append('</tbody></table><table class="bg-backward"><thead><tr><th>line</th><th>backward</th>'
               '<th>local gradient</th><th>upstream</th><th>gives</th></tr></thead><tbody>')
    for number, code, local, upstream, result, note, depth, step in explanation.backward_rows():
        attrs = f' data-step="{step.number}"' if link and step.number else ""
        if step.kind == "group":
            note_html = f' <span class="bg-note">{esc(note)}</span>' if note else ""
            out.append(f'<tr class="bg-group"{attrs}><td>{esc(number)}</td><td colspan="4">'
                       f'<code>{"&nbsp;" * 4 * depth}# {esc(code)}</code>{note_html}</td></tr>')
            continue
        out.append(f'<tr{attrs}><td></td><td><code>{"&nbsp;" * 4 * depth}{esc(code)}</code></td>'
                   f'<td>{esc(local)}</td><td>{esc(upstream)}</td><td class="bg-grad">{esc(result)}</td></tr>')
    grads = ", ".join(f"d{k} = {fmt(v)}" for k, v in explanation.gradients.items())
    out.append(f'</tbody></table><p class="bg-grads">gradients: {esc(grads)}</p></div>')
    return "\n".join(out)


def explain(func, *args, name=None, wrt=None, shapes=None, dout=None, filename=None, **kwargs):
    """The numbers of one forward and backward run of ``func`` at ``args`` (see ``Explanation``).

    ``func`` is a function (also one decorated by backgen) or its source text
    (``name=`` picks a function in it, ``filename=`` names it in errors).
    Keyword arguments other than ``name``, ``wrt``, ``shapes``, ``dout`` and
    ``filename`` are the function's own.
    """
    if not args and not kwargs:
        raise TypeError("explain(f, *args): give the inputs to explain the function at, as "
                        "explain(f, -2.0, 5.0, -4.0) or explain(f, x=-2.0, y=5.0, z=-4.0)")
    try:
        return Explanation(trace(func, args, kwargs, name=name, wrt=wrt, shapes=shapes, dout=dout,
                                 filename=filename))
    except BackgenError as exc:
        raise exc.with_traceback(None)
