"""Check a hand-written backward against the one backgen generates.

Contract: ``check(forward, my_backward, *args, ...) -> CheckResult`` runs the
user's backward and backgen's generated backward of ``forward`` at the same
inputs (``args``, or random ones of the declared shapes) and the same random
upstream gradient, and compares the gradients one by one.  Two conventions:

* ``f_backward(*args, dout)``: the backward takes the forward's arguments,
  then the upstream gradient(s);
* CS231n's ``affine_backward(dout, cache)``: the forward returns
  ``(out, cache)`` and the backward takes the upstream gradient and that
  cache (backgen differentiates the forward as if it returned ``out``).

``CheckResult.passed`` says whether every gradient matches (relative error
below ``tol``, CS231n's ``max |a - b| / max(1e-8, |a| + |b|)``); its text
names, for each wrong gradient, the elements that differ, the user's line(s)
and the generated line(s) computing that gradient, and what the difference
looks like (a missing sum over the batch, a transpose, a missing local
gradient, a missing ``+=``).
"""

import ast
import html
import inspect
import itertools
import linecache
import math
import textwrap
import traceback
from dataclasses import dataclass, field

import numpy as np

from . import emit, ir
from .errors import BackgenError
from .explain import fmt, prepare, shape_text, trace
from .inputs import random_inputs, signature_of
from .parse import read
from .source import names_of

TOLERANCE = 1e-6


@dataclass
class GradientCheck:
    """The comparison of one gradient."""

    name: str  # the input
    adjoint: str  # backgen's name for its gradient (dx)
    passed: bool
    error: float = math.nan  # the relative error (nan where the shapes differ)
    yours: object = None
    expected: object = None
    problem: str = ""  # what is wrong, in one line
    rows: list = field(default_factory=list)  # (index, yours, backgen's) of elements that differ
    differing: int = 0  # how many elements differ
    size: int = 1
    hints: list = field(default_factory=list)
    generated: list = field(default_factory=list)  # the generated lines computing it, with their groups
    your_lines: list = field(default_factory=list)  # (line number, text) of the user's lines


@dataclass
class CheckResult:
    """The outcome of ``check``: ``passed``, and one ``GradientCheck`` per gradient."""

    passed: bool
    forward_name: str
    backward_name: str
    convention: str  # "args" or "cache"
    inputs: dict
    dout: object
    gradients: list
    random: bool = False
    seed: int = 0
    drawn: tuple = ()  # the inputs drawn at random where the others were given (backgen check --at)
    failure: str = ""  # the user's backward raised, or returned the wrong number of gradients
    generated_source: str = ""
    notes: list = field(default_factory=list)

    def __bool__(self):
        return self.passed

    def __getitem__(self, name):
        for gradient in self.gradients:
            if gradient.name == name or gradient.adjoint == name:
                return gradient
        raise KeyError(name)

    @property
    def wrong(self):
        return [g.adjoint for g in self.gradients if not g.passed]

    def __str__(self):
        return _report(self)

    def __repr__(self):
        return _report(self)

    def _repr_html_(self):
        colour = "#1a7f37" if self.passed else "#cf222e"
        return (f'<pre style="border-left: 4px solid {colour}; padding-left: 8px">'
                f"{html.escape(_report(self))}</pre>")

    def _repr_markdown_(self):
        return "```text\n" + _report(self) + "```"


def check(forward, my_backward, *args, dout=None, wrt=None, shapes=None, seed=0, tol=TOLERANCE,
          convention=None, **kwargs):
    """Compare ``my_backward`` with backgen's backward of ``forward`` (see the module's contract).

    ``args``/``kwargs`` are the forward's inputs (random ones of the declared
    shapes where none are given; ``shapes={"x": "N, D"}`` declares them);
    ``dout`` the upstream gradient (random by default); ``wrt`` the inputs
    whose gradients ``my_backward`` returns, in order (default: every input
    backgen differentiates, in parameter order); ``convention`` "args" or
    "cache" (default: guessed from the functions).
    """
    try:
        return _check(forward, my_backward, args, kwargs, dout, wrt, shapes, seed, tol, convention)
    except BackgenError as exc:
        raise exc.with_traceback(None)


def _check(forward, my_backward, args, kwargs, dout, wrt, shapes, seed, tol, convention):
    from .api import deep  # noqa: PLC0415 -- api imports the modules that import this one
    from .program import backward_program, declared_shapes  # noqa: PLC0415

    user_forward = getattr(forward, "_func", forward)
    source, name, filename, wrt, cs231n = prepare(forward, None, wrt, None)
    parsed = read(source, name=name, filename=filename)
    params = [a.arg for a in parsed.func.args.args]
    convention = convention or _convention(my_backward, cs231n, params)
    random = not args and not kwargs
    notes = []
    if random:
        specs = declared_shapes(parsed, shapes)
        from .api import staged  # noqa: PLC0415

        mode = staged(source, wrt=wrt, name=name, filename=filename, shapes=shapes).mode
        values, outputs = None, None
        for positive in (False, True):
            drawn = random_inputs(params, specs, mode, seed, positive=positive, filename=parsed.filename)
            values = tuple(drawn[p] for p in params)
            outputs = _run_forward(user_forward, values, convention)
            if _finite(outputs[0]):
                break
    else:
        signature = signature_of(parsed)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = tuple(bound.args)
        outputs = _run_forward(user_forward, values, convention)
    out, cache = outputs
    several = convention == "args" and isinstance(out, tuple)
    outs = out if several else (out,)
    if dout is None:
        rng = np.random.default_rng([seed, 7919])  # not the stream of a user's default_rng(seed)
        douts = tuple(float(rng.standard_normal()) if np.ndim(o) == 0 else rng.standard_normal(np.shape(o))
                      for o in outs)
    else:
        douts = tuple(dout) if several else (dout,)
    program = deep(lambda: backward_program(source, wrt=wrt, name=name, filename=filename, shapes=shapes,
                                            args=values), filename or "<string>")
    failure = ""
    try:
        yours = my_backward(douts[0], cache) if convention == "cache" else my_backward(*values, *douts)
    except Exception as exc:  # noqa: BLE001 -- the user's code: report it
        yours = None
        failure = _describe_exception(exc, my_backward)
    main = program.main
    if yours is not None:
        count = len(yours) if isinstance(yours, (tuple, list)) and not _is_array_list(yours, main) else 1
        if count != len(main.wrt):
            if wrt is None and count < len(main.wrt):
                chosen = list(main.wrt[:count])
                notes.append(f"{_name(my_backward)} returns {count} gradient{'s' * (count != 1)}: compared with "
                             f"those of {', '.join(chosen)} (pass wrt= to choose others)")
                program = deep(lambda: backward_program(source, wrt=chosen, name=name, filename=filename,
                                                        shapes=shapes, args=values),
                               filename or "<string>")
                main = program.main
            else:
                failure = (f"{_name(my_backward)} returns {count} value{'s' * (count != 1)}, but backgen "
                           f"differentiates {name}() with respect to {len(main.wrt)} input"
                           f"{'s' * (len(main.wrt) != 1)} ({', '.join(main.wrt)}): return one gradient per "
                           "input, in order, or pass wrt=")
                yours = None
    module_text = emit.module_source([program], source_name=f"{main.forward_name}()")
    namespace = {"__name__": f"<backgen check: {main.name}>"}
    linecache.cache[namespace["__name__"]] = (len(module_text), None, module_text.splitlines(True),
                                              namespace["__name__"])
    exec(compile(module_text, namespace["__name__"], "exec"), namespace)  # noqa: S102 -- generated code
    expected = namespace[main.name](*values, *douts)
    if len(main.wrt) == 1:
        expected = (expected,)
    gradients = []
    if yours is not None:
        yours = tuple(yours) if len(main.wrt) > 1 else (yours,)
        try:
            explained = trace(source, values, name=name, wrt=list(main.wrt), shapes=shapes,
                              dout=douts if several else douts[0], filename=filename)
        except Exception:  # noqa: BLE001 -- diagnostics only
            explained = None
        user_lines = _user_gradient_lines(my_backward, len(main.wrt))
        for k, (input_name, adjoint) in enumerate(zip(main.wrt, main.returns)):
            gradient = _compare(input_name, adjoint, yours[k], expected[k], tol, explained, main)
            gradient.your_lines = user_lines[k] if k < len(user_lines) else []
            gradients.append(gradient)
    else:
        for input_name, adjoint, value in zip(main.wrt, main.returns, expected):
            gradients.append(GradientCheck(input_name, adjoint, False, expected=value,
                                           generated=generated_lines(main, adjoint)))
    passed = not failure and all(g.passed for g in gradients)
    inputs = dict(zip(params, values))
    return CheckResult(passed, main.forward_name, _name(my_backward), convention, inputs, douts if several else douts[0],
                       gradients, random=random, seed=seed, failure=failure, generated_source=module_text,
                       notes=notes)


def _name(function):
    return getattr(function, "__name__", type(function).__name__)


def _convention(my_backward, cs231n, forward_params):
    """``"cache"`` for ``backward(dout, cache)``, else ``"args"``."""
    try:
        params = list(inspect.signature(my_backward).parameters)
    except (TypeError, ValueError):
        return "cache" if cs231n else "args"
    if cs231n:
        return "cache"
    if len(params) == 2 and "cache" in params[1].lower() and "cache" not in forward_params:
        return "cache"
    return "args"


def _run_forward(forward, values, convention):
    """``(out, cache)`` of the user's forward (cache None in the args convention)."""
    result = forward(*values)
    if convention == "cache":
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(f"{_name(forward)} should return (out, cache) for a backward taking (dout, cache)")
        return result
    return result, None


def _finite(value):
    try:
        values = value if isinstance(value, tuple) else (value,)
        return all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in values)
    except (TypeError, ValueError):
        return True


def _arrays(values):
    return any(isinstance(v, np.ndarray) for v in values)


def _is_array_list(value, main):
    """A single gradient that is a list of arrays (a list input), not several gradients."""
    return len(main.wrt) == 1 and isinstance(value, list)


def _describe_exception(exc, function):
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    code = getattr(function, "__code__", None)
    for frame in reversed(frames):
        if code is not None and frame.filename == code.co_filename:
            where = f" at line {frame.lineno} of {frame.filename}: {frame.line}"
            break
    return f"{_name(function)} raised {type(exc).__name__}: {exc}{where}"


def rel_error(a, b):
    """CS231n's relative error: ``max |a - b| / max(1e-8, |a| + |b|)``."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore"):
        error = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    if error.size == 0:
        return 0.0
    return float(np.nan_to_num(error, nan=np.inf).max())


def _compare(name, adjoint, yours, expected, tol, explained, main):
    gradient = GradientCheck(name, adjoint, False, yours=yours, expected=expected,
                             generated=generated_lines(main, adjoint))
    try:
        mine = np.asarray(yours, dtype=float)
    except (TypeError, ValueError):
        gradient.problem = f"yours is {type(yours).__name__}, not a number or an array of numbers"
        return gradient
    right = np.asarray(expected, dtype=float)
    gradient.size = int(right.size)
    if mine.shape != right.shape:
        gradient.problem = (f"yours has shape {shape_text(mine.shape)}, but the gradient of {name} has "
                            f"{name}'s shape {shape_text(right.shape)}")
        gradient.hints += _shape_hints(name, mine, right)
        return gradient
    gradient.error = rel_error(mine, right)
    if gradient.error < tol:
        gradient.passed = True
        return gradient
    with np.errstate(invalid="ignore"):
        elementwise = np.abs(mine - right) / np.maximum(1e-8, np.abs(mine) + np.abs(right))
    elementwise = np.nan_to_num(elementwise, nan=np.inf)
    wrong = np.argwhere(elementwise >= tol) if mine.ndim else (np.zeros((1, 0), dtype=int))
    gradient.differing = int(len(wrong)) if mine.ndim else 1
    order = sorted((tuple(int(i) for i in index) for index in wrong),
                   key=lambda index: -abs(float(mine[index]) - float(right[index])))
    if mine.ndim:
        gradient.rows = [(index, float(mine[index]), float(right[index])) for index in order[:5]]
    gradient.problem = (f"relative error {gradient.error:.2g}: {gradient.differing} of {gradient.size} "
                        f"element{'s' * (gradient.size != 1)} differ" if mine.ndim else
                        f"relative error {gradient.error:.2g}: yours is {fmt(float(mine))}, "
                        f"backgen's is {fmt(float(right))}")
    gradient.hints += _value_hints(name, mine, right, explained)
    return gradient


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and rel_error(a, b) < 1e-6


def _shape_hints(name, mine, right):
    hints = []
    if mine.ndim == 2 and mine.shape == right.shape[::-1] and _close(mine.T, right):
        hints.append(f"yours is the transpose of the right gradient: swap the factors of the product "
                     f"(shapes decide the order: a gradient has the shape of its input, so d{name} must "
                     f"be {shape_text(right.shape)})")
    if mine.ndim == right.ndim + 1 and _close(mine.sum(axis=0), right):
        hints.append(f"summing yours over the batch (axis 0) gives the right gradient: {name} is broadcast "
                     f"over the batch in the forward, so its gradient sums over it "
                     f"(d{name} = ....sum(axis=0))")
    elif mine.ndim >= right.ndim and mine.size > right.size:
        axes = tuple(range(mine.ndim - right.ndim))
        if axes and mine.shape[len(axes):] == right.shape and _close(mine.sum(axis=axes), right):
            hints.append(f"summing yours over axes {axes} gives the right gradient: {name} is broadcast "
                         "there in the forward, so its gradient sums over them")
    if not hints and mine.size == right.size:
        hints.append("yours has the right number of elements in the wrong shape: reshape it back to "
                     f"{name}'s shape ({shape_text(right.shape)})")
    return hints


def _value_hints(name, mine, right, explained):
    hints = []
    if mine.ndim == 2 and mine.shape[0] == mine.shape[1] and _close(mine.T, right):
        hints.append("yours is the transpose of the right gradient: swap the factors of the product")
    if _close(mine, -right):
        hints.append("yours has the opposite sign")
    if explained is None:
        return hints
    steps = [s for s in explained.contributions(name) if s.record.count == 1]
    if len(steps) >= 2 and len(steps) <= 8:
        for size in range(1, len(steps)):
            for subset in itertools.combinations(steps, size):
                total = sum(np.asarray(s.record.last, dtype=float) for s in subset)
                if _close(mine, total):
                    have = ", ".join(f"({s.number})" for s in subset)
                    every = ", ".join(f"({s.number})" for s in steps)
                    missing = [s for s in steps if s not in subset]
                    hints.append(
                        f"yours is only the contribution{'s' * (size > 1)} from line{'s' * (size > 1)} {have}: "
                        f"{name} is used by {len(steps)} forward lines ({every}), so its gradient is the sum "
                        f"of {len(steps)} contributions, the first assigned with = and the others added "
                        f"with +=; missing: {', '.join(f'({s.number}) `{s.text}`' for s in missing)}")
                    return hints
    for step in _chain(explained, name):
        if not step.local or step.local in ("1", "1.0") or step.record.count != 1:
            continue
        ups = step.upstream_record.last or {}
        if len(ups) == 1:
            (up_name, up_value), = ups.items()
            if _close(mine, np.broadcast_to(np.asarray(up_value, dtype=float), mine.shape)) and \
                    not _close(up_value, right):
                forward = explained.step(step.number)
                line = f" of line ({step.number}) `{forward.text}`" if forward else ""
                hints.append(f"yours equals the upstream gradient {up_name} alone: the local gradient "
                             f"`{step.local}`{line} is missing (`{step.text}`)")
                return hints
    return hints


def _chain(explained, name):
    """The backward steps on the way to the gradient of ``name``, nearest first."""
    steps = explained.contributions(name)
    seen = {id(s) for s in steps}
    order = list(steps)
    frontier = list(steps)
    adjoints = {s.base: s for s in explained.adjoint_steps() if s.kind == "adjoint"}
    while frontier:
        step = frontier.pop(0)
        for up in step.upstreams:
            earlier = adjoints.get(up)
            if earlier is not None and id(earlier) not in seen:
                seen.add(id(earlier))
                order.append(earlier)
                frontier.append(earlier)
    return order


def generated_lines(main, adjoint):
    """The generated lines computing ``adjoint``, each under the comment naming the line it undoes
    (and under the ``if``/``for`` headers of the blocks holding it)."""

    def walk(items, depth):
        out = []
        for item in items:
            if isinstance(item, ir.Group):
                undoes = item.undoes
                title = (f"# ({undoes.number}) {undoes.target} = {undoes.source}"
                         if isinstance(undoes, ir.ForwardLine) else f"# {undoes}")
                inner = [line for line in item.lines if _assigns(line, adjoint)]
                if inner:
                    out.append("    " * depth + title)
                    out += ["    " * depth + str(line) for line in inner]
            elif isinstance(item, ir.Block):
                inner = walk(item.body, depth + 1)
                if inner:
                    out.append("    " * depth + item.header)
                    out += inner
            elif _assigns(item, adjoint):
                out.append("    " * depth + str(item))
        return out

    out = walk(main.groups, 0)
    for line in main.zeros:
        if line.target == adjoint:
            out.append(f"{line}  # the output does not depend on it")
    return out


def _assigns(item, adjoint):
    if isinstance(item, ir.AdjointLine):
        return item.target.split("[", 1)[0].strip() == adjoint
    if isinstance(item, ir.CallLine):
        return adjoint in item.targets
    if isinstance(item, ir.Statement):
        text = item.source.replace(" ", "")
        return f"({adjoint}," in text
    return False


def _user_gradient_lines(function, count):
    """Per returned gradient, ``[(line, text)]`` of the user's statements assigning it."""
    try:
        lines, first = inspect.getsourcelines(function)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):
        return []
    func = tree.body[0] if tree.body and isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)) \
        else None
    if func is None:
        return []
    returns = [n for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None]
    if not returns:
        return []
    value = returns[-1].value
    elts = value.elts if isinstance(value, ast.Tuple) and count > 1 else [value]
    found = []
    for elt in elts:
        names = names_of(elt)
        mine = []
        for node in ast.walk(func):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and node.value.args:
                call = node.value  # np.add.at(dx, ...)
                if isinstance(call.func, ast.Attribute) and isinstance(call.args[0], ast.Name):
                    targets = [call.args[0]]
            assigned = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)
                        and isinstance(getattr(n, "ctx", None), (ast.Store, ast.Load))}
            if targets and assigned & names and not isinstance(node, ast.Return):
                if any(isinstance(n, ast.Name) and n.id in names for t in targets for n in ast.walk(t)):
                    start = node.lineno + first - 1
                    text = "\n".join(line.rstrip() for line in
                                     lines[node.lineno - 1:node.end_lineno]).strip()
                    mine.append((start, text))
        if not mine:
            mine.append((returns[-1].lineno + first - 1, lines[returns[-1].lineno - 1].strip()))
        found.append(sorted(set(mine)))
    return found


# --- the report -----------------------------------------------------------------------------


def _report(result):
    out = []
    if result.convention == "cache":
        how = f"{result.backward_name}(dout, cache), with the cache from {result.forward_name}"
    else:
        how = f"{result.backward_name}(*args, dout)"
    out.append(f"check {result.backward_name} against backgen's backward of {result.forward_name}()")
    out.append(f"  called as {how}")
    source = (f", random (seed {result.seed})" if result.random
              else f" ({', '.join(result.drawn)} random, seed {result.seed})" if result.drawn else "")
    out.append(f"  inputs{source}: " + ", ".join(f"{k} = {fmt(v)}" for k, v in result.inputs.items()))
    douts = result.dout if isinstance(result.dout, tuple) else (result.dout,)
    out.append("  upstream gradient (random): " + ", ".join(fmt(d) for d in douts))
    for note in result.notes:
        out.append(f"  note: {note}")
    out.append("")
    if result.failure:
        out.append(f"  {result.failure}")
        out.append("")
    width = max([len(g.adjoint) for g in result.gradients] + [2])
    for g in result.gradients:
        if g.passed:
            out.append(f"  {g.adjoint:<{width}}  ok     relative error {g.error:.1e}")
            continue
        if result.failure and g.yours is None:
            out.append(f"  {g.adjoint:<{width}}  not compared")
        else:
            out.append(f"  {g.adjoint:<{width}}  WRONG  {g.problem}")
        pad = " " * (width + 4)
        if g.rows:
            table = [("element", "yours", "backgen", "difference")]
            for index, a, b in g.rows:
                table.append((str(index) if index else "-", fmt(a), fmt(b), fmt(a - b)))
            widths = [max(len(row[c]) for row in table) for c in range(4)]
            for row in table:
                out.append(pad + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
            if g.differing > len(g.rows):
                out.append(f"{pad}... ({g.differing} of {g.size} elements differ)")
        for hint in g.hints:
            out.extend(textwrap.wrap(hint, 100, initial_indent=pad + "hint: ", subsequent_indent=pad + "      "))
        if g.your_lines:
            out.append(f"{pad}yours:")
            for number, text in g.your_lines:
                for k, part in enumerate(text.splitlines()):
                    out.append(f"{pad}  {str(number) + ':' if k == 0 else '':<5} {part}")
        if g.generated:
            out.append(f"{pad}backgen's{' (every contribution)' if _several(g.generated) else ''}:")
            for line in g.generated:
                out.append(f"{pad}        {line}")
    out.append("")
    if result.passed:
        out.append(f"PASSED: all {len(result.gradients)} gradients match")
    else:
        wrong = result.wrong
        if result.failure and not any(g.yours is not None for g in result.gradients):
            out.append("FAILED: the backward could not be compared")
        else:
            out.append(f"FAILED: {len(wrong)} of {len(result.gradients)} gradients wrong ({', '.join(wrong)})")
    return "\n".join(out) + "\n"


def _several(lines):
    return sum(1 for line in lines if not line.lstrip().startswith("#")) > 1
