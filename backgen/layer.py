"""The CS231n layer form: ``forward(*args) -> (out, cache)``, ``backward(dout, cache) -> grads``.

Contract: ``layer_source(backward) -> str`` writes the two functions for one
``ir.Backward``.  The forward computes the outputs and caches exactly the
values the backward reads before it computes them itself; the backward
unpacks the cache and runs the adjoint statements of ``<name>_backward``.
A dict or list of arrays (``backgen.structured``) is taken whole by the forward,
which names its arrays first (``W = params['W']``), and its gradient comes back
with the same structure.
"""

import ast
import dataclasses
import re

from . import emit, ir
from .cache import backward_name
from .reverse_flow import _flatten, _names
from .source import walk


def cached_names(backward):
    """Names the backward reads before assigning them, that the forward defines (in order)."""
    backward = after_full_forward(backward)
    defined = set(backward.params) | set(_unpacked(backward))
    for line in _flatten(backward.full_forward):
        defined |= _assigned(line)
    assigned, needed = set(backward.upstreams), []
    lines = [ir.AdjointLine(n, False, z) for n, z in backward.missing]
    lines += list(_flatten(backward.groups)) + list(backward.zeros)
    for line in lines:
        text = line.source if (isinstance(line, ir.AdjointLine) and not line.accumulate
                               or isinstance(line, ir.ForwardLine)) and "[" not in line.target \
            else str(line)  # dx[idx, y] = g reads idx and y; var = x.var(axis=0), recomputed, reads x only
        for name in sorted(_names(text) - assigned):
            if name in defined and name not in needed:
                needed.append(name)
        assigned |= _assigned(line)
    order = list(backward.params) + _unpacked(backward) + [n for line in _flatten(backward.full_forward)
                                     for n in sorted(_assigned(line))]
    return sorted(needed, key=lambda n: order.index(n) if n in order else len(order))


def after_full_forward(backward):
    """``backward`` with the adjoint lines written for its full forward (``full_forward``), where the copies
    that forward keeps or drops make them differ (``layer_groups``)."""
    if not backward.layer_groups:
        return backward
    groups, missing = backward.layer_groups
    return dataclasses.replace(backward, groups=groups, missing=missing, layer_groups=())


def _unpacked(backward):
    """The names the lines opening the function give the arrays of a dict or list of arrays
    (``W1 = params['W1']``, ``(W1, b1), (W2, b2) = params``), in order."""
    names = []
    for line in backward.unpack:
        for node in walk(ast.parse(line)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in names:
                names.append(node.id)
    return names


def _always_set(lines):
    """The names ``lines`` (forward lines and blocks) set on every path through them (a loop's body as
    run: the backward reads its values where it ran)."""
    names, branches = set(), None  # branches: what each branch of the if chain being read sets
    for line in list(lines) + [None]:
        header = line.header if isinstance(line, ir.Block) else ""
        if branches is not None and not header.startswith(("elif ", "else")):
            branches = None  # (no else: a path sets none of them)
        if line is None:
            break
        if header.startswith("if "):
            branches = [_always_set(line.body)]
        elif header.startswith("elif ") and branches is not None:
            branches.append(_always_set(line.body))
        elif header.startswith("else") and branches is not None:
            branches.append(_always_set(line.body))
            names |= set.intersection(*branches)
            branches = None
        elif isinstance(line, ir.Block):
            names |= _assigned(line) | _always_set(line.body)
        else:
            names |= _assigned(line)
    return names


def _assigned(line):
    if isinstance(line, (ir.ForwardLine, ir.AdjointLine)):
        return {line.target.split("[")[0]}
    if isinstance(line, ir.CallLine):
        return set(line.targets)
    if isinstance(line, ir.Block) and line.header.startswith("for "):
        return {line.header[4:].split(" in ")[0].strip()}
    if isinstance(line, ir.Statement) and " = " in line.source:
        return {line.source.split(" = ")[0].strip()}
    return set()


def layer_module(programs, source_name="<string>", command="", left_out=(), methods=()):
    """A module with ``<name>_forward`` and ``<name>_backward`` for each program (``left_out`` and
    ``methods``: as ``emit.module_source`` takes them).  Two forwards whose layer functions would have
    one name (``affine`` and ``affine_forward``) are a BackgenError at the second."""
    owners = {}
    for item in programs:
        for name in layer_names(item.main.forward_name):
            if owners.setdefault(name, item.main.forward_name) != item.main.forward_name:
                raise emit.same_name(name, owners[name], item.main.forward_name, item.main)
    return emit.module_source(programs, source_name, command, title="Layer functions", left_out=left_out,
                              methods=methods,
                              main_source=lambda backward: layer_source(backward, backward.forward_name))


def layer_names(name):
    """The layer form's two functions for a forward ``name``: ``(affine_forward, affine_backward)``
    for ``affine`` and for ``affine_forward`` alike."""
    forward_name = name if backward_name(name) != f"{name}_backward" else f"{name}_forward"
    return forward_name, backward_name(forward_name)


def layer_source(backward, name):
    """``<name>_forward`` and ``<name>_backward`` in the layer form (``affine_forward`` stays
    ``affine_forward``, its backward ``affine_backward``)."""
    backward = after_full_forward(backward)
    params = list(backward.params)
    first_default = len(params) - len(backward.defaults)
    signature = ", ".join(p if i < first_default else f"{p}={backward.defaults[i - first_default]}"
                          for i, p in enumerate(params))
    forward = list(backward.unpack) + emit.numbered_lines(backward.full_forward)  # (the arrays of a dict
    cache = cached_names(backward)                                                 # of arrays by name first)
    owner = dict(zip(backward.returns, backward.wrt))
    zeros = [(str(line), owner.get(line.target, line.target)) for line in backward.zeros]
    upstreams = ", ".join(backward.upstreams)
    wrt = ", ".join(backward.wrt)
    forward_name, _ = layer_names(name)
    backward_lines = emit._backward_lines(backward.groups)
    popped = [n for n in cache if any(re.search(rf"\b{re.escape(n)}\.pop\(\)", line) for line in backward_lines)]
    always = set(backward.params) | set(_unpacked(backward)) | _always_set(backward.full_forward)
    sometimes = [n for n in cache if n not in always]  # set on some paths only: None (a list: []) on the others
    if sometimes:
        forward = [", ".join(sometimes) + " = " + ", ".join("[]" if n in popped else "None" for n in sometimes)
                   + "  # (set on some paths only; cached on all)"] + forward
    text = emit._render(
        "layer.py.j2", forward_name=forward_name, backward_name=backward_name(forward_name), signature=signature,
        forward_summary=f"The forward of {backward.forward_name}(); returns its output(s) and the cache "
                        f"{backward_name(forward_name)} needs." + emit.left_out_notes(backward.left_out),
        forward=forward, cache="(" + ", ".join(cache) + ("," if len(cache) == 1 else "") + ")",
        outputs=", ".join(backward.outputs), upstreams=upstreams,
        backward_summary=f"Gradients of {backward.forward_name}() with respect to {wrt}, given the output "
                         f"gradient{'s' if len(backward.upstreams) > 1 else ''} and the cache.",
        unpack=", ".join(cache) + ("," if len(cache) == 1 else ""), missing=backward.missing,
        popped=", ".join(popped), popped_copies=", ".join(f"list({n})" for n in popped),
        backward=backward_lines, zeros=zeros, returns=", ".join(backward.returns))
    text = text.rstrip("\n") + "\n"
    ast.parse(text)
    return text
