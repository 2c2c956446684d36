"""Ranks a helper fixes for the parameters passed to it.

A forward that passes a parameter, never rebinding it, to a helper of its module which unpacks that
parameter's shape before rebinding it (Glow's ``squeeze(x)`` starting ``N, C, H, W = x.shape``), or passes it
to ``np.einsum`` with its subscripts written out (``np.einsum("ij,njhw->nihw", W, x)``), runs at
that rank only, as if it unpacked the shape itself: the samples the shape-generic backward is written
on are of that rank.  Helpers calling helpers are followed a few levels deep.
"""

import ast

from .source import walk


def _stored(func):
    return {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}


def own_unpacked_ranks(func, names):
    """``{name: rank}`` for those of ``names`` whose shape ``func`` unpacks (``N, C, H, W = x.shape``)
    before any line that rebinds the name."""
    first_store = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and node.id in names:
            first_store[node.id] = min(first_store.get(node.id, node.lineno), node.lineno)
    ranks = {}
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], (ast.Tuple, ast.List)) and \
                not any(isinstance(t, ast.Starred) for t in node.targets[0].elts) and \
                isinstance(node.value, ast.Attribute) and node.value.attr == "shape" and \
                isinstance(node.value.value, ast.Name) and node.value.value.id in names and \
                node.lineno <= first_store.get(node.value.value.id, node.lineno):
            rank = len(node.targets[0].elts)
            if ranks.setdefault(node.value.value.id, rank) != rank:
                ranks[node.value.value.id] = None  # (two ranks: none fixed)
    return {name: rank for name, rank in ranks.items() if rank is not None}


def helper_unpacked_ranks(forward, names, depth=3):
    """``{name: rank}`` for those of ``names`` (parameters of ``forward``, never rebound there) that
    ``forward`` passes as they are to a helper unpacking that parameter's shape (``own_unpacked_ranks``)
    or passing it to ``np.einsum`` (``shape_free.einsum_ranks``), or passing it on so; a name two helpers give two ranks: none."""
    from .shape_free import einsum_ranks, passed_to_helpers  # (which imports this module)

    if depth == 0:
        return {}
    stored = _stored(forward.func)
    kept = [n for n in names if n not in stored]

    def pick(arg):
        return arg.id if isinstance(arg, ast.Name) and arg.id in kept else None
    ranks = {}
    for helper, passed in passed_to_helpers(forward, pick):
        params = list(passed)
        found = own_unpacked_ranks(helper.func, params)
        for param, rank in einsum_ranks(helper.func, params).items():  # (np.einsum("ij,njhw->nihw", W, x))
            found.setdefault(param, rank)
        for param, rank in helper_unpacked_ranks(helper, params, depth - 1).items():
            found.setdefault(param, rank)
        for param, rank in found.items():
            name = passed[param]
            if ranks.setdefault(name, rank) != rank:
                ranks[name] = None
    return {name: rank for name, rank in ranks.items() if rank is not None}
