"""What a method's own method leaves on the object, handed back to it as values.

A class written from a tutorial often runs its forward for what it keeps on the object and
then reads that::

    def loss(self):
        self.feedforward()              # sets self.layer1 and self.output
        return np.sum((self.y - self.output) ** 2)

backgen reads ``feedforward`` as a helper, the function of the attributes it reads; the
attributes it sets at its top level are its own local names there (``methods.kept_as_names``),
so the caller would read ``self.output`` as the object's value before the call.  ``hand_back``
makes the helper return those names beside its value (``return output, output, layer1``) and
the caller take them from the call (``feedforward_value, output, layer1 = self.feedforward()``),
its later reads of ``self.output`` reading that name: the values Python's caller sees.

Contract: ``hand_back(forward, helpers, made, sets)`` rewrites, in place, the caller's def
(``forward.func``) and the helpers of the methods whose attributes it reads, where each such
method ends in its one ``return``, keeps every attribute the caller reads as a local name,
sets no attribute through a method it calls, is called by no other method made a helper, and
is called only by whole statements at the top level of the caller (``self.m(x)`` or ``v =
self.m(x)``), each read of those attributes coming after the first call, and the caller
itself sets none of them (it may set others, its own names as ``kept_as_names`` makes
them).  Where any of that fails it changes nothing (the read is then refused by the
caller of ``hand_back``).
"""

import ast

from .source import walk, names_of


def _self_attribute(node):
    return node.attr if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
        node.value.id == "self" else None


def _own_call(node):
    """The method name of ``self.m(...)``, else None."""
    return _self_attribute(node.func) if isinstance(node, ast.Call) else None


def _kept_name(helper, attr):
    """The local name the helper keeps ``attr`` under (``methods.kept_as_names``), or None where it
    does not keep it so (set in a loop or a branch, or read before it is set)."""
    stored = {t.id for stmt in helper.body if isinstance(stmt, ast.Assign) for t in stmt.targets
              if isinstance(t, ast.Name)}
    for name in (f"self_{attr}", attr):
        if name in stored:
            return name
    return None


def hand_back(forward, helpers, made, sets):
    """See the module's contract; ``helpers``: the helpers of ``forward`` (name -> ``Nested``), ``made``:
    method name -> (helper name, attributes) or None, ``sets``: method name -> (the attributes it sets,
    itself or through the methods it calls; those its own body sets)."""
    func = forward.func
    body = func.body
    reads, stores = {}, set()  # attribute -> the top-level statement index of its first read; those it sets
    for k, stmt in enumerate(body):
        for node in walk(stmt):
            attr = _self_attribute(node)
            if attr is not None and isinstance(node.ctx, ast.Load):
                reads.setdefault(attr, k)
            elif attr is not None:
                stores.add(attr)
    plan = {}
    for name, (stored, direct) in sets.items():
        wanted = sorted(set(reads) & stored)
        if not wanted or made.get(name) is None:
            continue
        if stores & set(wanted):  # (the caller sets them too: left to the refusal)
            return
        if stored != direct:  # (set through a method it calls)
            return
        helper = helpers[made[name][0]].func
        returns = [n for n in walk(helper) if isinstance(n, ast.Return)]
        if len(returns) != 1 or helper.body[-1] is not returns[0] or returns[0].value is None:
            return
        kept = [_kept_name(helper, attr) for attr in wanted]
        if None in kept or any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == made[name][0]
                               for other in made.values() if other is not None and other[0] != made[name][0]
                               for n in walk(helpers[other[0]].func)):
            return
        calls = [k for k, stmt in enumerate(body) for n in walk(stmt) if _own_call(n) == name]
        if not calls or any(not _whole_call(body[k], name) for k in calls) or \
                any(reads[attr] < calls[0] or reads[attr] == calls[0] and not _read_after_call(body[calls[0]], attr)
                    for attr in wanted):
            return
        plan[name] = (helper, wanted, kept, calls)
    if not plan:
        return
    taken = names_of(func) | {a.arg for a in func.args.args}
    local = {}
    for name, (helper, wanted, kept, calls) in plan.items():
        for attr in wanted:
            local[attr] = attr if attr not in taken else f"self_{attr}"
            taken.add(local[attr])
        last = helper.body[-1]
        last.value = ast.copy_location(ast.Tuple([last.value] + [ast.Name(n, ast.Load()) for n in kept], ast.Load()),
                                       last.value)
        for k in calls:
            stmt = body[k]
            value = stmt.value
            if isinstance(stmt, ast.Expr):
                first = f"{name.strip('_')}_value"
                while first in taken:
                    first += "_"
                taken.add(first)
                first = ast.Name(first, ast.Store())
            else:
                first = stmt.targets[0]
            target = ast.Tuple([first] + [ast.Name(local[attr], ast.Store()) for attr in wanted], ast.Store())
            body[k] = ast.copy_location(ast.Assign([ast.copy_location(target, stmt)], value), stmt)

    class Reads(ast.NodeTransformer):
        def visit_Attribute(self, node):
            attr = _self_attribute(node)
            if attr in local and isinstance(node.ctx, ast.Load):
                return ast.copy_location(ast.Name(local[attr], ast.Load()), node)
            return self.generic_visit(node)
    func.body = [Reads().visit(stmt) for stmt in body]  # (a call's arguments read the values before it)
    for helper, *_ in plan.values():
        ast.fix_missing_locations(helper)
    ast.fix_missing_locations(func)


def _whole_call(stmt, name):
    """Whether ``stmt`` is ``self.name(...)`` standing alone or ``v = self.name(...)`` (one name)."""
    if isinstance(stmt, ast.Expr):
        return _own_call(stmt.value) == name
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
        _own_call(stmt.value) == name


def _read_after_call(stmt, attr):
    """Whether the call statement ``stmt`` reads ``attr`` nowhere (its arguments read it before the call)."""
    return not any(_self_attribute(n) == attr for n in walk(stmt))
