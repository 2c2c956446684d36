"""Lay out generated code as Python source, through jinja2 templates.

Contract: ``function_source(backward) -> str`` renders one ``ir.Backward`` as
a ``def``; ``module_source(programs, source_name) -> str`` renders a whole
module with the imports its functions need, the user's module's numbers they read by
name (``G = 6.674e-11``, ``EPS = 1e-8`` as the user spelt it), and the ``runtime`` helpers they
call (``_unbroadcast``...), copied once after the imports.  A constant array the function names
is read by that name (``_arrays_by_name``).  Lines are changed as trees, never as text: the tree
of each line is changed and printed again (``source.grouped``, ``source.to_source``), so a name
in a string, an attribute or a longer name is never touched.  The output is deterministic and
always compiles: ``module_source`` compiles what is not right by construction, the
module with each assignment of an expression whose tree is known (printed from
it, or parsed once already) left out (``_frame``), a run of them as one ``pass``.
Templates (in ``templates/``) shape the file and the
function; they hold no derivative math, which all comes from the rule table.
"""

import ast
import builtins
import dataclasses
import functools
import io
import keyword
import re
import textwrap
import tokenize
from pathlib import Path

import jinja2

from . import attribute_reads, ir, runtime, source
from .copied import uncopied
from .errors import BackgenError
from .plain import plainer

_HERE = Path(__file__).resolve().parent
TEMPLATE_DIRS = [str(_HERE / "templates"), str(_HERE.parent / "templates")]

@functools.lru_cache(maxsize=None)
def _environment():
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIRS),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )


def _render(template, **context):
    return _environment().get_template(template).render(**context)


def function_source(backward):
    """Source of one generated backward function (its forward pass made plainer: ``plain``; an
    adjoint copied only to be given back read by its own name: ``copied``)."""
    backward = _arrays_by_name(uncopied(plainer(backward)))
    params = list(backward.params)
    single = len(backward.upstreams) == 1
    required = single and not backward.scalar_output  # an array's gradient has no sensible default
    defaults = list(backward.defaults)
    first_default = len(params) - len(defaults)
    parts = [p if i < first_default else f"{p}={defaults[i - first_default]}" for i, p in enumerate(params)]
    guard = None
    unpack = []
    if backward.cache is not None:  # CS231n's convention: (dout..., cache), the cache unpacked
        parts, defaults, required = [], [], True
        params = []
        unpack = _unpack_lines(backward.cache)
    if backward.cache is not None:
        parts = list(backward.upstreams) + ["cache"]
    elif required and (defaults or backward.numbers_one):  # after the forward's defaults the upstream needs
        parts.append(f"{backward.upstreams[0]}=None")  # one: None, refused (or 1.0 where the parameters are
        guard = backward.upstreams[0]  # numbers, which make the output one: numbers_one)
    elif required:
        parts.append(backward.upstreams[0])
    else:
        parts += [f"{u}=1.0" if single else f"{u}=None" for u in backward.upstreams]
    # (the parameters the code is written for C-contiguous: a reshape of them a view, which a write changes;
    # a layer's backward checks the entry of its cache holding the parameter's array)
    layout = [f"_c_contiguous({p if backward.cache is None else backward.cache.names[entry]}, {p!r}, {what!r}, "
              f"{line})" for p, line, what, entry in backward.layout_checks]
    opening = list(backward.unpack) if backward.cache is None else []  # (a dict's or list's arrays named: the
    unpack = (layout + unpack) if backward.cache is None else \
        (list(backward.unpack) + unpack + layout)  # checks below may read them)
    forward = numbered_lines(backward.forward)
    backward_lines, backward_frame = [], []
    _backward_lines(backward.groups, 0, backward_lines, backward_frame)
    owner = dict(zip(backward.returns, backward.wrt))
    zeros = [(str(line), owner.get(line.target, line.target)) for line in backward.zeros]
    wrt = ", ".join(backward.wrt)
    if single:
        summary = (f"Gradient of {backward.forward_name}() with respect to {wrt}, "
                   f"times the output gradient {backward.upstreams[0]}.")
    else:
        summary = (f"Gradient of {backward.forward_name}() with respect to {wrt}, times the output "
                   f"gradients {', '.join(backward.upstreams)} (None for an output whose gradient is zero).")
    summary += left_out_notes(backward.left_out)
    returns = ", ".join(backward.returns)
    checks, late_checks = _checks(backward, guard), []
    if backward.cache is not None:  # a layer's parameters are the cache's entries: checked once unpacked
        checks, late_checks = [], _layer_checks(backward, checks)
    missing = list(backward.missing) + ([(guard, "1.0")] if guard and backward.numbers_one else [])
    context = dict(name=backward.name, signature=", ".join(parts), summary=summary, opening=opening, unpack=unpack,
                   missing=missing, zeros=zeros, returns=returns, checks=checks, late_checks=late_checks)
    text = _render("backward.py.j2", forward=forward, backward=backward_lines, **context).rstrip("\n") + "\n"
    forward_frame = _frame(backward.forward)
    if len(forward_frame) < len(forward) or len(backward_frame) < len(backward_lines):
        _FRAMES.known[text] = _render("backward.py.j2", forward=forward_frame, backward=backward_frame, **context)
    return text


def left_out_notes(notes):
    """The paragraph a function's docstring ends with that says which branches the code leaves out
    (``dead_paths``) and why; "" where none is."""
    return "\n\n    " + "\n    ".join(_left_out(notes)) + "\n    " if notes else ""


def _left_out(notes):
    """The lines of ``left_out_notes``."""
    lines = []
    for if_line, line, complaint in dict.fromkeys(notes):  # (a loop written out: one note for its copies)
        complaint = complaint.replace("\\", "/").replace('"', "'")
        lines += textwrap.wrap(f"A branch decided on line {if_line} is left out: line {line} on it raises at the "
                               f"shapes this code is for ({complaint}).", 96)
    return lines


_FRAMES = source.text_cache(lambda text: text)  # a function's text -> what compiling it checks (_frame)


def _frame(items, depth=0, lines=None):
    """The lines of ``items`` (``_forward_lines``'s or ``_backward_lines``'s, without comments) that
    compiling them checks: an assignment of an expression whose tree is known to a name or a part
    (``_right``) is right as it stands, and a run of them is one ``pass`` (appended to ``lines``,
    where given)."""
    lines = [] if lines is None else lines
    indent = "    " * depth
    passed = indent + "pass"
    for item in items:
        kind = item.__class__
        if kind is ir.Group:
            _frame(item.lines, depth, lines)
        elif kind is ir.Block:
            lines.append(indent + item.header)
            start = len(lines)
            _frame(item.body, depth + 1, lines)
            if len(lines) == start:
                lines.append(indent + "    pass")
        elif not _right(item):
            lines.append(indent + str(item))
        elif not lines or lines[-1] != passed:
            lines.append(passed)
    return lines


def _right(line):
    """Whether ``line`` is an assignment known to be right Python without parsing it: of an
    expression whose tree is known (``source.expression``'s) to a name or to a part whose is."""
    kind = line.__class__
    if kind is not ir.ForwardLine and kind is not ir.AdjointLine:
        return False
    text = line.source
    if _TREES.get(text) is None and text not in _UNBUILT:
        return False
    target = line.target
    if target.isidentifier():
        return not keyword.iskeyword(target) and target != "__debug__"
    if _TREES.get(target) is None and target not in _UNBUILT:
        return False
    return source.expression(target).__class__ in (ast.Subscript, ast.Attribute)


_TREES, _UNBUILT = source.expression.known, source.unbuilt  # the trees noted, built or to be built


def _checks(backward, guard):
    """``(test, message, error)`` for the checks opening the function: numbers given where the code is
    written for numbers, the upstream gradient an array output needs, and the defaults the code is
    written for."""
    checks = []
    for name, value in backward.fixed_defaults:  # def f(x, axis=-1): np.sum(x, axis=axis) written for -1
        checks.append((f"tuple({name}) != {value}" if type(value) is tuple else f"{name} != {value!r}", f'"{backward.name}() is written for {name}={value!r}, the default: for '
                                             f'another value, "\n                         "generate it with that '
                                             'value as the default, or use the decorator backgen.backward"',
                       "ValueError"))
    for name, text, function, *given in backward.function_defaults:  # def f(x, act=np.tanh): written for np.tanh
        checks.append((f"getattr({name}, '__name__', None) != {function!r}",
                       f'"{backward.name}() is written for {name}={text}, the default: for another function, "\n'
                       f'                         "generate it with that one as the default"' if not given else
                       f'"{backward.name}() is written for {name}={text}, the function the decorated function "\n'
                       f'                         "was given: for another, give the decorated function that one"',
                       "ValueError"))
    if backward.numbers:  # taken as numbers, the forward running on no array: arrays are refused
        test = _any_of([f"type({n}) is not float and {backward.modules.get('np', 'np')}.ndim({n})"
                        for n in backward.numbers], len("    if "))  # (np.ndim of a float: a microsecond)
        checks.append((test, f'"{backward.name}() is written for numbers {", ".join(backward.numbers)}: for '
                             'arrays, "\n                        "generate it with their shapes given"'))
    for name in backward.integers:  # np.arange(0, n, rate): a count, not differentiated; a float there would be
        np_ = backward.modules.get("np", "np")
        checks.append((f"not isinstance({name}, (int, {np_}.integer))",
                       f'"{backward.name}() is written for {name} as an integer, which np.arange reads: for a "\n'
                       f'                        "float, whose gradient it would need, generate it with {name}: float '
                       f'in its shapes"'))
    shapes_checked = [(name, shape) for name, shape in backward.shapes_checked  # (a number's: checked above)
                      if not (name in backward.numbers and shape == ())]
    if shapes_checked:  # a branch left out that cannot run at these shapes (it may at others)
        np_ = backward.modules.get("np", "np")
        test = " or ".join(f"{np_}.shape({name}) != {shape}" for name, shape in shapes_checked)
        said = ", ".join(f"{name} {shape}" for name, shape in shapes_checked)
        checks.append((test, f'"{backward.name}() is written for the shapes {said}, at which a branch it leaves out "\n'
                             f'                         "cannot run: for others, generate it with those given"',
                       "ValueError"))
    np_name = backward.modules.get("np", "np")
    for name, rank in backward.sequences:  # (with numbers: xs[i] a number, or xs[i][0] for rank 2)
        kind = "a list or vector of numbers" if rank == 1 else f"numbers in {rank} levels of lists or axes"
        checks.append((f"{np_name}.ndim({name}) != {rank}",
                       f'"{backward.name}() is written for {name} as {kind}: "\n'
                       f'                        "for arrays of other ranks, generate it with their shapes given"'))
    for name in backward.keyed_checks:  # for u in d: a dict's loop takes its keys, the code reads d[i] by position
        checks.append((f"isinstance({name}, dict)",
                       f'"{backward.name}() reads {name} by position, as a list or an array: a dict, whose loop "\n'
                       f'                        "takes its keys, is not; pass list({name}.items()) and loop over that"',
                       "TypeError"))
    for name in backward.none_checks:  # prev = y[t], then if prev is not None: decided, taking items for values
        checks.append((f"isinstance({name}, (list, tuple)) and any(v is None for v in {name})",
                       f'"{backward.name}() decides its tests against None taking the items of {name} for values: "\n'
                       f'                        "it is given a list holding None; mark what is missing otherwise (-1)"',
                       "TypeError"))
    for name, index in backward.indexed_checks:  # vectors[word]: an array's row here, not a dict's entry
        checks.append((f"isinstance({name}, dict)",
                       f'"{backward.name}() is written for {name} as an array read at {index}: for a dict of "\n'
                       f'                        "arrays read at a key, use the decorator, whose code is for the key it "\n'
                       f'                        "is given; for a dict of numbers, pass them as an array indexed by "\n'
                       f'                        "integers"',
                       "TypeError"))
    for name in backward.stacked:  # for W in Ws without shapes: Ws is one array (or arrays of one shape)
        checks.append((f"_several_shapes({name})",
                       f'"{backward.name}() is written for {name} as one array: for a list of arrays of several "\n'
                       f'                        "shapes, generate it with their shapes given (shapes={{{name!r}: '
                       f'[...]}}) or use the decorator"'))
    for name in () if backward.cache is not None else [n for n in backward.arrays if n not in backward.numbers]:  # xs + ys, xs[:] of lists join and
        # copy where arrays add and view (a layer's backward reads them from its cache)
        checks.append((f"isinstance({name}, (list, tuple))",
                       f'"{backward.name}() is written for {name} as an array, which + and * and slices read "\n'
                       f'                        "otherwise than a list: pass np.asarray({name})"'))
    for param, array, line in backward.integer_writes:  # returns = np.zeros_like(rewards); returns[t] = G
        checks.append((f"{np_name}.asarray({param}).dtype.kind in 'biu'",
                       f'"{backward.name}(): {param} holds integers (or booleans), so {array}, made from it, does too, "\n'
                       f'                         "and the differentiated value written into it on line {line} is converted to "\n'
                       f'                         "integers, its gradient lost: make {array} one of floats (dtype=float)"',
                       "ValueError"))
    if backward.real_checks and backward.cache is None:  # psi.conj() @ H @ psi: complex data has other rules
        np_ = backward.modules.get("np", "np")
        names = ", ".join(backward.real_checks) + ("," if len(backward.real_checks) == 1 else "")
        checks.append((f"any({np_}.iscomplexobj(v) for v in ({names}) if not isinstance(v, (list, tuple, dict)))",
                       f'"{backward.name}() is written for real numbers: for complex ones, whose gradients it "\n'
                       f'                        "does not give, pass their real and imaginary parts as real arrays"',
                       "TypeError"))
    for name in backward.required:  # if y is None: return scores, a path not differentiated
        checks.append((f"{name} is None", f'"{backward.name}() is the gradient of what {backward.forward_name}() '
                                          f'returns with {name} given: pass {name}"'))
    if guard and backward.numbers_one:  # (numbers given: the output a number, its gradient 1.0 by default)
        np_ = backward.modules.get("np", "np")
        start = f"{guard} is None and "
        arrays = _any_of([f"type({n}) is not float and {np_}.ndim({n})" for n in backward.numbers_one],
                         len("    if ") + len(start), enclosed=True)
        checks.append((start + arrays,
                       f'"{backward.name}() needs {guard}, the gradient of the output (an array of its "\n'
                       f'                        "shape), where {", ".join(backward.numbers_one)} are not all numbers"'))
    elif guard:
        checks.append((f"{guard} is None", f'"{backward.name}() needs {guard}, the gradient of the output "\n'
                                           '                        "(an array of its shape)"'))
    return [check if len(check) == 3 else check + ("TypeError",) for check in checks]


def _any_of(clauses, column, enclosed=False, width=100):
    """The test that any of ``clauses`` holds (joined by ``or``), starting at ``column`` of its line: one
    line where it fits in ``width`` columns, else a clause a line, each further one starting with ``or``
    under the first, in parentheses; in parentheses too where ``enclosed``."""
    text = " or ".join(clauses)
    if column + len(text) + 4 > width:
        text = ("\n" + " " * (column + 1) + "or ").join(clauses)
        enclosed = True
    return f"({text})" if enclosed else text


def _layer_checks(backward, checks):
    """The checks of a layer's backward ``(dout, cache)``, which knows the forward's parameters only as
    the entries of the cache: those reading parameters the cache holds, made after it is unpacked.  A
    parameter the cache does not hold is read by no line of the backward (it would be refused as
    missing from the cache), so the code depends on nothing such a check would test."""
    held = {name for name in backward.cache.names if name} | \
        {name for line in backward.unpack for name in source.code_names(line)}
    known = held | set(backward.modules.values()) | set(backward.params)  # (np, a runtime helper, a builtin)

    def reads_held(test):
        return all(name in known or name.startswith("_") or hasattr(builtins, name) for name in source.code_names(test))
    return [check for check in checks if reads_held(check[0])]


def _unpack_lines(layout):
    """``x, w, b = cache`` (or ``x = cache``, or ``x = cache["x"]`` per key of a dict)."""
    if layout.form == "steps":  # a list or dict of step caches, read step by step
        return []
    names = [n or "_" for n in layout.names]
    if layout.form == "dict":
        return [f'{n} = cache[{k!r}]' for n, k in zip(names, layout.keys) if n != "_"]
    if layout.form == "single":
        return [f"{names[0]} = cache"] if names[0] != "cache" else []
    return [f"{', '.join(names)}{',' if len(names) == 1 else ''} = cache"]


def numbered_lines(items):
    """Forward lines with their numbers as aligned ``# (n)`` comments."""
    numbered = _forward_lines(items)
    width = max((len(text) for text, number in numbered if number), default=0)
    return [text + (" " * (width - len(text)) + f"  # ({number})" if number else "") for text, number in numbered]


def _forward_lines(items, depth=0):
    """``(text, number)`` for each forward line, indented; numbers for the staged operations."""
    lines = []
    for item in items:
        indent = "    " * depth
        if isinstance(item, ir.ForwardLine):
            lines.append((indent + str(item), item.number))
        elif isinstance(item, ir.Block):
            lines.append((indent + item.header, None))
            lines += _forward_lines(item.body, depth + 1) or [(indent + "    pass", None)]
        else:
            lines.append((indent + str(item), None))
    return lines


def _backward_lines(items, depth=0, lines=None, frame=None):
    """The backward pass as indented lines, each group under a comment naming what it undoes
    (appended to ``lines``, where given); with ``frame`` (a list), ``_frame``'s lines of the same
    items appended to it too."""
    lines = [] if lines is None else lines
    indent = "    " * depth
    passed = indent + "pass"
    for item in items:
        kind = item.__class__
        if kind is ir.Group:
            undoes = item.undoes
            header = undoes if isinstance(undoes, str) else f"({undoes.number}) {undoes}"
            lines.append(f"{indent}# {header}")
            _backward_lines(item.lines, depth, lines, frame)
        elif kind is ir.Block:
            lines.append(indent + item.header)
            start = len(lines)
            if frame is not None:
                frame.append(indent + item.header)
                frame_start = len(frame)
            _backward_lines(item.body, depth + 1, lines, frame)
            if len(lines) == start:
                lines.append(indent + "    pass")
            if frame is not None and len(frame) == frame_start:
                frame.append(indent + "    pass")
        else:
            text = indent + str(item)
            lines.append(text)
            if frame is None:
                continue
            if not _right(item):
                frame.append(text)
            elif not frame or frame[-1] != passed:
                frame.append(passed)
    return lines


def staged_lines(items, depth=0, numbers=None, early=None, owned=None):
    """The staged forward as indented lines of Python (loops carry their values explicitly).

    ``numbers`` (an iterator) numbers the operations in comments, as ``# (1)``.  A value a loop
    first sets in one branch (after a ``continue``, before a ``break``) is handed to its carried
    name where it is set (``early``: value -> carried names), so paths that do not set it keep it.
    ``owned`` (a name and ids of writes): those writes take the array they write into from that
    function of it rather than copying it (a sample run's: ``shapes.owned``), their target unbound
    first (its value in the iteration before may hold the array too).
    """
    lines = []
    indent = "    " * depth
    early = early or {}
    for item in items:
        if isinstance(item, ir.Op):
            comment = f"  # ({next(numbers)})" if numbers is not None else ""
            made = item.lines()
            if owned is not None and id(item) in owned[1]:
                lines.append(f"{indent}{item.target} = None")
                made = ((item.target, f"{owned[0]}({item.args[0].name})"),) + made[1:]
            for k, (target, text) in enumerate(made):
                lines.append(f"{indent}{target} = {text}{comment if k == 0 else ''}")
            lines += [f"{indent}{name} = {item.target}" for name in early.get(item.target, ())]
        elif isinstance(item, ir.If):
            always = item.always_breaks
            inner = indent if always else indent + "    "
            if not always:
                lines.append(f"{indent}if {item.test}:")
            body = staged_lines(item.body, depth + (not always), numbers, early, owned)
            if item.breaks:  # the carried values as the loop is left, then break
                leaving = [(c, str(v)) for c, v in item.exits if v != ir.Var(c) and c not in early.get(str(v), ())]
                if leaving:
                    body.append(f"{inner}{', '.join(c for c, _ in leaving)} = {', '.join(v for _, v in leaving)}")
                body.append(f"{inner}break")
            lines += body or [f"{indent}    pass"]
            if item.orelse:
                lines.append(f"{indent}else:")
                lines += staged_lines(item.orelse, depth + 1, numbers, early, owned)
        else:
            header = f"for {item.var} in {item.iterable}:" if item.kind == "for" else f"while {item.test}:"
            lines.append(indent + header)
            top = {op.target for op in item.body if isinstance(op, ir.Op)}
            branches = {op.target for branch in item.body if isinstance(branch, ir.If) for op in _branch_ops([branch])}
            handed = {}  # first set in a branch: no value before the loop, none on the other paths
            for name, value in item.exits:
                if name in item.fresh and isinstance(value, ir.Var) and value.name in branches - top:
                    handed.setdefault(value.name, []).append(name)
            body = staged_lines(item.body, depth + 1, numbers, handed, owned)
            moves = [] if item.always_leaves else [(name, str(value)) for name, value in item.exits
                                                    if value != ir.Var(name) and name not in handed.get(str(value), ())]
            if moves:  # at once: q, p = p, q + p swaps
                body.append(f"{indent}    {', '.join(n for n, _ in moves)} = {', '.join(v for _, v in moves)}")
            lines += body or [f"{indent}    pass"]
    return lines


def _branch_ops(items):
    """The operations in ``items`` and their branches, not in nested loops."""
    for item in items:
        if isinstance(item, ir.Op):
            yield item
        elif isinstance(item, ir.If):
            yield from _branch_ops(item.body)
            yield from _branch_ops(item.orelse)


def needed_modules(backward):
    """The canonical modules ('math', 'np') the function refers to."""
    return _modules_in(function_source(backward), backward.modules)


def _modules_in(text, modules):
    """The canonical modules whose aliases ``text`` (a function) reads as names.

    Where no string spans lines, each line's tokens are the ones it has in the whole text: a line
    that parses on its own, without quotes, and reads the alias as a name settles it; only an alias
    no such line reads costs a parse of the whole text."""
    found, whole = [], None
    lines = text.splitlines()
    if "\\\n" in text or _spans_lines(text, '"""') or _spans_lines(text, "'''"):
        lines = ()  # a string or a line continued onto the next: the whole text is parsed
    for canonical, alias in sorted(modules.items()):
        if alias not in text:
            continue
        mention = re.compile(rf"(?<![\w.]){re.escape(alias)}(?!\w)")
        if any(mention.search(line) and _reads_name(line, alias) for line in lines):
            found.append(canonical)
            continue
        if whole is None:
            whole = source.name_ids(ast.parse(text))
        if alias in whole:
            found.append(canonical)
    return found


def _spans_lines(text, quotes):
    """Whether a line of ``text`` holds ``quotes`` an odd number of times: whether the text, cut
    at each of them, has an odd number of them or a piece between the first and second, the
    third and fourth... (each pair on one line otherwise) holding a line's end (``splitlines``')."""
    pieces = text.split(quotes)
    return len(pieces) % 2 == 0 or any(len(f"{piece}.".splitlines()) > 1 for piece in pieces[1::2])


def _reads_name(line, alias):
    """Whether ``line``, a line of code without quotes, parsed on its own reads ``alias`` as a name."""
    line = line.strip()
    if not line or '"' in line or "'" in line or line.startswith("#"):
        return False
    for attempt in (line, line + " pass"):
        try:
            return alias in source.name_ids(ast.parse(attempt))
        except SyntaxError:
            continue
    return False


def forward_source(staged):
    """A helper's staged forward as a function the backward functions can call."""
    params = list(staged.params)
    first_default = len(params) - len(staged.defaults)
    signature = ", ".join(p if i < first_default else f"{p}={staged.defaults[i - first_default]}"
                          for i, p in enumerate(params))
    lines = [f"def {staged.name}({signature}):",
             f'    """The forward of {staged.name}(), as backgen staged it."""']
    lines += staged_lines(staged.body, 1)
    lines.append(f"    return {', '.join(map(str, staged.outputs))}")
    return "\n".join(lines) + "\n"


def _left_out_note(left_out):
    """What the header says of the functions of the source file left out: its own backward functions
    (``(name, forward)``) and those that take no parameters (``(name, None)``); "" if none."""
    own = ", ".join(f"{name}() (of {forward}())" for name, forward in left_out if forward is not None)
    idle = ", ".join(f"{name}()" for name, forward in left_out if forward is None)
    notes = ([f"Left out: {own}, backward functions written in the source file; name one with --function "
              "to differentiate it."] if own else []) + \
        ([f"Left out: {idle}, which {'takes' if ',' not in idle else 'take'} no parameters: nothing to "
          "differentiate."] if idle else [])
    return "\n\n".join(textwrap.fill(note, width=88) for note in notes)


def _methods_note(methods):
    """What the header says of the source file's methods (``Class.method``), not written ("" if none)."""
    if not methods:
        return ""
    return textwrap.fill(f"Methods not written: {', '.join(f'{m}()' for m in methods)}; decorate one with "
                         "@backgen.backward, which reads the object's attributes at each call "
                         "(model.loss.backward(X, y)).", width=88)


def _shape_free_note(programs, helpers=True):
    """What the header says of backward functions written without shapes ("" if none is); ``helpers``:
    whether the module holds runtime helpers (where none does, the code needs none)."""
    free = [item.main for item in programs if item.main.shape_free]
    if not free:
        return ""
    names = list(dict.fromkeys(name for main in free for name in main.shape_free))
    example = f'def {free[0].forward_name}({free[0].shape_free[0]}: "N, D", ...)'.replace(" ", "\0")  # one line
    helped = ", with the small helpers below doing at run time what depends on shapes" if helpers else ""
    text = textwrap.fill(
        f"Shape-generic: the shapes of {', '.join(names)} were not given, so this code holds for arrays "
        f"of every rank and for broadcasting{helped}.  For the hand-style code written for your shapes, "
        "give them: annotations "
        f"({example}), the docstring, --shape {names[0]}=N,D on the command line, or shapes= in "
        "backgen.generate().", width=88)
    return text.replace("\0", " ")


_HELPER_NAMES = re.compile("|".join(map(re.escape, runtime.HELPERS)))  # any helper's name: one scan of a text


def same_name(name, first, second, written):
    """The BackgenError of two functions of the user's, ``first`` and ``second``, whose generated functions
    would both be named ``name``, at the ``def`` of ``second`` (``written``: what is written of it)."""
    message = (f"{first}() and {second}() would both be written as {name}(), and one would hide the other: "
               f"differentiate one at a time (--function, name=), or rename one")
    pattern = re.compile(rf"^\s*(def\s+{re.escape(second)}\b|{re.escape(second)}\s*=\s*lambda\b)")
    lines = getattr(written, "lines", ())
    for number, line in enumerate(lines, 1):
        if pattern.match(line):
            return BackgenError(message, written.filename, number, len(line) - len(line.lstrip()) + 1, line)
    return BackgenError(message, getattr(written, "filename", "<string>"))


def written_twice(name, owner, written):
    """The BackgenError of one function of the user's, ``owner``, whose generated function ``name`` is
    written twice, differently (for its own shapes, and for those a layer calling it gives it)."""
    message = (f"{name}() would be written twice, differently: for {owner}() as it declares its shapes, and "
               f"for the shapes a function calling {owner}() gives it; differentiate them one at a time "
               f"(--function, name=), or declare {owner}()'s shapes as it is called")
    pattern = re.compile(rf"^\s*def\s+{re.escape(owner)}\b")
    for number, line in enumerate(getattr(written, "lines", ()), 1):
        if pattern.match(line):
            return BackgenError(message, written.filename, number, len(line) - len(line.lstrip()) + 1, line)
    return BackgenError(message, getattr(written, "filename", "<string>"))


def _located(error, programs):
    """``error``, of a name of the user's that a helper of the generated code needs (``_runtime_helpers``),
    at the first line of the user's functions naming it."""
    name, message = error.clash, error.msg
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    for item in programs:
        for backward in (item.main, *item.helper_backwards):
            for number, line in enumerate(backward.lines, 1):
                found = pattern.search(line)
                if found and not line.lstrip().startswith("#"):
                    return BackgenError(message, backward.filename, number, found.start() + 1, line)
    return BackgenError(message, next((item.main.filename for item in programs), "<string>"))


def _runtime_helpers(functions, module_maps):
    """``(name, source, modules)`` of each ``runtime`` helper the functions call, in a fixed order,
    spelt with the modules' aliases (a module imported under none gets its canonical name); a
    BackgenError (its ``clash`` the name) where the functions bind one of their names themselves."""
    called = set()
    for text in functions:
        if _HELPER_NAMES.search(text):  # (a text naming none calls none)
            called |= runtime.calls(text)
    names = runtime.needed(called)
    bound = set()
    for text in functions if names else ():  # (no helper: no clash)
        for node in source.walk(ast.parse(text)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, ast.FunctionDef):
                bound.add(node.name)
    clash = sorted(set(names) & bound)
    if clash:
        error = BackgenError(f"the name {clash[0]} is backgen's own helper in the generated code: rename the "
                             "variable or function of that name")
        error.clash = clash[0]
        raise error
    aliases = {}
    for modules in module_maps:
        for canonical, alias in modules.items():
            aliases.setdefault(canonical, alias)
    helpers = []
    for name in names:
        needs = runtime.modules(name)
        spelt = {m: aliases.get(m, m) for m in needs}
        helpers.append((name, source.renamed(runtime.source(name), spelt), spelt))
    return helpers


def import_line(canonical, alias):
    module = "numpy" if canonical == "np" else canonical
    return f"import {module}" if module == alias else f"import {module} as {alias}"


def module_source(programs, source_name="<string>", command="", main_source=None,
                  title="Backward functions", left_out=(), methods=()):
    """Source of a module holding the backward functions of ``programs`` (``ir.Program``),
    after the helpers they call: each helper's staged forward, then its backward.

    ``main_source(backward)`` writes each program's own function(s) (default:
    ``function_source``; the layer form passes its own).  ``left_out``: ``(function, its
    forward)`` pairs of backward functions the source file has, and ``methods`` (``Class.method``)
    its classes' methods, which the header names.
    """
    main_source = main_source or function_source
    jobs = {}  # function name -> (how its text is written, what it is written from: an ir.Staged or ir.Backward)
    owners = {}  # function name -> the user's function it is written of (one name for one function's)

    def add(name, job, owner):
        if owners.setdefault(name, owner) != owner:  # (relu() and relu_forward(), both written as relu_backward)
            raise same_name(name, owners[name], owner, job[1])
        if name in jobs and jobs[name][1] is not job[1] and jobs[name][1] != job[1] and \
                jobs[name][0](jobs[name][1]) != job[0](job[1]):  # (a layer built for the shapes a caller gives it)
            raise written_twice(name, owner, job[1])
        jobs.setdefault(name, job)
    for item in programs:
        for staged in item.helper_forwards:
            add(staged.name, (forward_source, staged), staged.name)
    for item in programs:
        for backward in item.helper_backwards:
            add(backward.name, (function_source, backward), backward.forward_name)
    for item in programs:
        add(item.main.name, (main_source, item.main), item.main.forward_name)
    texts, constants = _named_numbers(jobs)
    functions = [text for text, _ in texts.values()]
    imports = {}
    for text, modules in texts.values():
        for canonical in _modules_in(text, modules):
            imports[import_line(canonical, modules[canonical])] = None
    try:
        helpers = _runtime_helpers(functions, [modules for _, modules in texts.values()])
    except BackgenError as error:
        raise _located(error, programs) from None
    for _, text, modules in helpers:
        for canonical, alias in modules.items():
            imports[import_line(canonical, alias)] = None
    functions = [text for _, text, _ in helpers] + functions
    notes = [note for note in (_left_out_note(left_out), _methods_note(methods),
                               _shape_free_note(programs, bool(helpers))) if note]
    context = dict(title=title, source_name=source_name, command=command, imports=sorted(imports),
                   note="\n\n".join(notes), constants=constants)
    text = _render("module.py.j2", functions=functions, **context).rstrip("\n") + "\n"
    frames = [_FRAMES.known.get(function, function) for function in functions]
    try:
        compile(_render("module.py.j2", functions=frames, **context) if frames != functions else text,
                source_name, "exec")
    except SyntaxError:
        compile(text, source_name, "exec")  # (the error as the text itself has it)
        raise
    return text


def _named_numbers(jobs):
    """``(texts, lines)``: each function's ``(text, modules)``, written by ``write(form)`` of its job
    ``(write, form)``, and the lines putting the module's numbers the texts read by their names
    (``G = 6.674e-11``, spelt as the user wrote it) in the generated module once, in the order first
    read.  A name the functions read as different numbers (forwards of several files), or that
    names one of the module's functions, is written as its number in each (``_numbers_written``)."""
    values, spelt, clash = {}, {}, set(jobs)
    for write, form in jobs.values():
        for constant, number in form.constants:
            value = source.number_text(number)
            if values.setdefault(constant, (value.__class__, value)) != (value.__class__, value):
                clash.add(constant)  # (3 and 3.0 differ: range(N) takes the one only)
            spelt.setdefault(constant, number)
    texts, read = {}, {}
    for name, (write, form) in jobs.items():
        own = {constant: number for constant, number in form.constants if constant in clash}
        form = _numerals_written(_numbers_written(form, own) if own else form)
        form = _attributes_written(form) if form.attribute_params else form
        text = write(form)
        if own and not _names_read(text, read).isdisjoint(own):  # (a line of a kind written otherwise)
            raise BackgenError(f"{name}() reads the module's number {sorted(_names_read(text, read) & set(own))[0]}, "
                               "which another function of the generated module reads as another value or "
                               "which names a function: rename it")
        texts[name] = (text, form.modules)
    used = [c for c in values if c not in clash and any(
        c in text and c in _names_read(text, read) for text, _ in texts.values())]
    return texts, [f"{c} = {spelt[c]}" for c in used]


def _names_read(text, known):
    """The names the code ``text`` reads or binds (parsed once: ``known``, text -> its names)."""
    names = known.get(text)
    if names is None:
        names = known[text] = frozenset(source.name_ids(ast.parse(text)))
    return names


def _numbers_written(form, numbers):
    """``form`` (an ``ir.Backward`` or ``ir.Staged``) with each of the module's numbers ``numbers``
    (name -> its text) its lines read written as the number: each line's tree changed
    (``_NumbersPut``) and printed again."""
    trees = {name: ast.parse(number, mode="eval").body for name, number in numbers.items()}
    return _texts_put(form, lambda text: _numbers_put(text, trees))


def _attributes_written(form):
    """``form`` reading the attributes of the objects its parameters are (``form.attribute_params``) as the
    user wrote them: ``cfg['reg']``, as backgen followed it, written ``cfg.reg`` again."""
    params = frozenset(form.attribute_params)  # (their names)

    def put(text):
        if not text or source.line_names(text).isdisjoint(params):
            return text
        return _tree_put(text, attribute_reads.AsAttributes(params))
    return _texts_put(form, put)


def _numerals_written(form):
    """``form`` with the numbers its texts write as the user wrote them (``form.numerals``: ``1e-8``
    where Python prints ``1e-08``): each number token replaced, the same value."""
    numerals = dict(form.numerals)
    if not numerals:
        return form

    def put(text):
        if not text or not any(printed in text for printed in numerals):
            return text
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
        except (tokenize.TokenError, SyntaxError):
            return text
        starts = [0]
        for line in text.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        for token in reversed(tokens):  # (from the end: the offsets before stay right)
            if token.type == tokenize.NUMBER and token.string in numerals and token.start[0] == token.end[0]:
                at = starts[token.start[0] - 1] + token.start[1]
                text = text[:at] + numerals[token.string] + text[at + len(token.string):]
        return text
    return _texts_put(form, put)


def _texts_put(form, put):
    """``form`` (an ``ir.Backward`` or ``ir.Staged``) with ``put`` applied to each text of its lines."""
    if form.__class__ is ir.Staged:
        return dataclasses.replace(form, body=_staged_put(form.body, put), defaults=tuple(map(put, form.defaults)),
                                   outputs=tuple(_atom_put(atom, put) for atom in form.outputs))
    layer = form.layer_groups
    return dataclasses.replace(
        form, forward=_lines_put(form.forward, put), groups=_lines_put(form.groups, put),
        zeros=_lines_put(form.zeros, put), full_forward=_lines_put(form.full_forward, put),
        layer_groups=(_lines_put(layer[0], put), tuple((u, put(z)) for u, z in layer[1])) if layer else layer,
        missing=tuple((u, put(z)) for u, z in form.missing), unpack=tuple(map(put, form.unpack)),
        outputs=tuple(map(put, form.outputs)), defaults=tuple(map(put, form.defaults)))


def _lines_put(items, put):
    """The lines ``items`` of a backward (``ir.ForwardLine``... ``ir.Block``) with ``put`` applied to each text."""
    out = []
    for item in items:
        kind = item.__class__
        if kind is ir.ForwardLine or kind is ir.AdjointLine:
            item = dataclasses.replace(item, target=put(item.target), source=put(item.source))
        elif kind is ir.Statement:
            item = ir.Statement(put(item.source))
        elif kind is ir.CallLine:
            item = dataclasses.replace(item, source=put(item.source))
        elif kind is ir.Group:
            undoes = item.undoes
            if undoes.__class__ is ir.ForwardLine:
                undoes = dataclasses.replace(undoes, source=put(undoes.source))
            item = ir.Group(undoes, _lines_put(item.lines, put))
        elif kind is ir.Block:
            item = ir.Block(put(item.header), _lines_put(item.body, put))
        out.append(item)
    return tuple(out)


def _staged_put(items, put):
    """The staged items ``items`` (``ir.Op``, ``ir.If``, ``ir.Loop``) with ``put`` applied to each text."""
    out = []
    for item in items:
        kind = item.__class__
        if kind is ir.Op:
            item = dataclasses.replace(item, source=put(item.source), args=tuple(_atom_put(a, put) for a in item.args),
                                       params=tuple((k, put(v) if isinstance(v, str) else v) for k, v in item.params))
        elif kind is ir.If:
            item = dataclasses.replace(item, test=put(item.test), body=_staged_put(item.body, put),
                                       orelse=_staged_put(item.orelse, put),
                                       exits=tuple((c, _atom_put(v, put)) for c, v in item.exits))
        else:
            item = dataclasses.replace(item, iterable=put(item.iterable), test=put(item.test),
                                       body=_staged_put(item.body, put),
                                       exits=tuple((c, _atom_put(v, put)) for c, v in item.exits))
        out.append(item)
    return tuple(out)


def _atom_put(atom, put):
    return ir.Const(put(atom.source)) if atom.__class__ is ir.Const else atom


def _numbers_put(text, trees):
    """``text`` (an expression, a statement or a block's header) with each name of ``trees`` it
    reads written as that tree, the rest as it was (``source.grouped``)."""
    if not text or source.line_names(text).isdisjoint(trees):
        return text
    return _tree_put(text, _NumbersPut(trees))


def _tree_put(text, transformer):
    """``text`` (an expression, a statement or a block's header) changed as a tree by ``transformer`` (an
    ``ast.NodeTransformer``) and printed again; as it was where it does not parse."""
    tree = source.grouped(text)
    if tree is not None:
        return source.to_source(transformer.visit(tree))
    elif_ = text.startswith("elif ")
    header = text.endswith(":")
    try:
        statement = ast.parse(("if " + text[5:] if elif_ else text) + (" pass" if header else "")).body[0]
    except (SyntaxError, IndexError):
        return text
    statement = transformer.visit(statement)
    kind = statement.__class__
    if header and kind is ast.For:
        return f"for {source.to_source(statement.target)} in {source.to_source(statement.iter)}:"
    if header and kind is ast.While:
        return f"while {source.to_source(statement.test)}:"
    if header and kind is ast.If:
        return f"{'elif' if elif_ else 'if'} {source.to_source(statement.test)}:"
    if header:
        return text  # (the module's check of the text refuses it)
    return source.to_source(statement)


class _NumbersPut(ast.NodeTransformer):
    """Each name read that ``trees`` holds (name -> the tree of its number) becomes a copy of that tree
    (a negative number under a sign in parentheses)."""

    def __init__(self, trees):
        self.trees = trees

    def visit_Name(self, node):
        tree = self.trees.get(node.id)
        if tree is None or node.ctx.__class__ is not ast.Load:
            return node
        return source.clone(tree)

    def visit_UnaryOp(self, node):  # a sign before a signed number: -(-3.0), not --3.0
        operand = self.visit(node.operand)
        node.operand = source.Part(operand, True) if operand.__class__ is ast.UnaryOp and \
            node.operand.__class__ is ast.Name else operand
        return node


def _arrays_by_name(backward):
    """``backward`` reading each constant array the function names (``w = np.array([0.2, 0.3])``) by
    that name where it is an operand of arithmetic (a new array made of it, which no line can write
    into), its line first in the forward pass, reading those before it by their names; the same text
    elsewhere stays as it is.  Each line naming one is changed as a tree (``_ArraysByName``) and
    printed again (``source.grouped`` keeps the parentheses it had)."""
    if not backward.named_arrays:
        return backward
    names = {text: name for name, text in backward.named_arrays}
    trees = {}
    for text, name in names.items():
        tree = source.grouped(text)
        if tree is not None:
            trees.setdefault(ast.dump(tree), name)
    used = set()

    def swapped(text, trees=trees, used=used):
        if not any(constant in text for constant in names):
            return text
        tree = source.grouped(text)
        if tree is None:
            return text
        swap = _ArraysByName(trees)
        tree = swap.visit(tree)
        if not swap.used:
            return text
        used.update(swap.used)
        return source.to_source(tree)

    def fix(items):
        out = []
        for item in items:
            kind = item.__class__
            if kind is ir.ForwardLine or kind is ir.AdjointLine:
                item = dataclasses.replace(item, source=swapped(item.source))
            elif kind is ir.Group:
                undoes = item.undoes
                if undoes.__class__ is ir.ForwardLine:
                    undoes = dataclasses.replace(undoes, source=swapped(undoes.source))
                item = ir.Group(undoes, tuple(fix(item.lines)))
            elif kind is ir.Block:
                item = ir.Block(swapped_header(item.header), tuple(fix(item.body)))
            out.append(item)
        return out

    def swapped_header(text):  # for k in range(len(NODES)):
        if not text.startswith("for ") or not any(constant in text for constant in names):
            return text
        try:
            loop = ast.parse(text + " pass").body[0]
        except SyntaxError:
            return text
        iterable = swapped(source.to_source(loop.iter))
        return f"for {source.to_source(loop.target)} in {iterable}:"
    forward, groups = fix(backward.forward), fix(backward.groups)
    if not used:
        return backward
    lines = []  # each one used, reading those before it by their names (b = np.full(3, 0.5) * math.log1p(a * a))
    for k in range(len(backward.named_arrays) - 1, -1, -1):
        name, text = backward.named_arrays[k]
        if name in used:
            earlier = {dump: other for dump, other in trees.items()
                       if other in {n for n, _ in backward.named_arrays[:k]}}
            lines.append(ir.AdjointLine(name, False, swapped(text, earlier) if earlier else text))
    return dataclasses.replace(backward, forward=tuple(lines[::-1] + forward), groups=tuple(groups))


class _ArraysByName(ast.NodeTransformer):
    """Each operand of arithmetic (``BinOp``) that is one of the constant arrays ``trees`` (``ast.dump``
    of its tree -> its name) becomes its name, the outermost where one holds another (``a =
    math.atan(-0.5)`` within ``b = np.full(3, 0.5) * math.log1p(a * a)``: ``b`` alone); ``used``
    gathers the names put in."""

    def __init__(self, trees):
        self.trees, self.used = trees, []

    def visit_BinOp(self, node):
        for field in ("left", "right"):
            self._swap(node, field)
        return node

    def visit_Subscript(self, node):  # (a list of numbers in plain Python: NODES[k], as the user reads it)
        if node.value.__class__ is ast.List:
            self._swap(node, "value")
        else:
            node.value = self.visit(node.value)
        node.slice = self.visit(node.slice)
        return node

    def visit_Call(self, node):  # len(NODES)
        if node.func.__class__ is ast.Name and node.func.id == "len" and len(node.args) == 1 and \
                node.args[0].__class__ is ast.List:
            self._swap(node.args, 0)
        return self.generic_visit(node)

    def _swap(self, node, field):
        operand = node[field] if isinstance(node, list) else getattr(node, field)
        plain = operand.value if operand.__class__ is source.Part else operand
        name = self.trees.get(ast.dump(plain))
        if name is None:
            value = self.visit(operand)
        else:
            self.used.append(name)
            value = ast.Name(name, ast.Load())
        if isinstance(node, list):
            node[field] = value
        else:
            setattr(node, field, value)
