"""Local names bound to functions: ``act = np.tanh``, ``act = relu if kind == "relu" else np.tanh``, or an
``if``/``else`` binding ``act`` to one function on each path, then ``act(z)``.

Contract: ``rewrite(func, names_function)`` is ``func`` (a copy, where it changes) with each such name
written out.  ``names_function(node)`` says whether an expression names a function the module binds or a library's
(``relu``, ``np.tanh``, ``math.exp``), as Python reads it where the function runs.  A name qualifies where
the function is not given it (no parameter, ``global``, ``nonlocal`` or ``del``), binds it only by plain
assignments (``name = value``) whose values are such functions or conditional expressions choosing among
them, or, on two paths or more, lambdas and ``def``s of its own (without defaults or decorators, not
calling themselves), and reads it only by calling it, outside nested functions and lambdas (which would
read it when they run).  Then:

* bound once to one function (or to a conditional expression choosing it on every path), in a block whose
  later statements hold every read (the body, or a loop's body: ``g = np.tanh`` then ``g(h)`` each
  iteration): each call is that function's call, and the assignment goes (``act = np.tanh``, ``act(z)``:
  ``np.tanh(z)``);
* otherwise each lambda or ``def`` binding it is a ``def`` of a name of its own (``act_1``, ``act_2``),
  made at the top of the body (a function made reads its closure when it is called, as the one it
  replaces did: ``nested`` makes it a helper), and each function a binding names is a key, its text
  (``"np.tanh"``, ``"act_1"``): the bindings assign the key (``act = "relu" if kind == "relu" else "np.tanh"``), and each call is the call of the function whose
  key the name holds, as ``dispatch`` writes a call through a table: where the call is a ``return``'s or
  an assignment's whole value, an ``if`` testing the name against each key, each path calling that key's
  function; elsewhere the conditional expression doing so.  A path that reads the name before any
  binding raises as it did (the name is unbound there).

Any other use of such a name (passed on, returned, stored in a list, rebound to another value) leaves the
function as it is, refused where staged as before.
"""

import ast

from . import dispatch
from .source import tree_copy, walk

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def rewrite(func, names_function):
    called = {n.func.id for n in walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    candidates = [name for name in _bound_names(func) if name in called]  # (most functions: none, at one walk)
    if not candidates:
        return func
    given = {a.arg for a in func.args.args + func.args.posonlyargs + func.args.kwonlyargs}
    given |= {a.arg for a in (func.args.vararg, func.args.kwarg) if a is not None}
    for node in walk(func):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            given |= set(node.names)
    local = given | {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {n.name for n in walk(func) if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n is not func}

    def is_function(node):  # (a name the function binds itself means its own value there, not the module's)
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        return isinstance(root, ast.Name) and root.id not in local and names_function(node)
    names = [name for name in candidates if name not in given and _only_called(func, name, is_function)
             and (_direct(func, name, is_function) or _keys(func, name, is_function) > 1)]
    if not names:
        return func
    func = tree_copy(func)
    for name in names:
        func = _written_out(func, name, is_function)
    return ast.fix_missing_locations(func)


def _bound_names(func):
    """The names a plain assignment ``name = <a name or an attribute or a conditional expression>`` binds
    somewhere in ``func``, in the order first bound."""
    found = []
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, (ast.Name, ast.Attribute, ast.IfExp, ast.Lambda)) \
                and node.targets[0].id not in found:
            found.append(node.targets[0].id)
        elif isinstance(node, ast.FunctionDef) and node is not func and node.name not in found:
            found.append(node.name)
    return found


def _made(node, name):
    """Whether ``node`` (a binding's value, or a statement) makes a function of its own for ``name``: a
    lambda, or a ``def`` of that name, without defaults or decorators, not reading ``name`` itself."""
    if isinstance(node, ast.FunctionDef):
        if node.name != name or node.decorator_list or getattr(node, "type_params", None):
            return False
    elif not isinstance(node, ast.Lambda):
        return False
    args = node.args
    return not (args.defaults or any(d is not None for d in args.kw_defaults) or args.vararg or args.kwarg) and \
        not any(isinstance(n, ast.Name) and n.id == name for n in walk(node))


def _function_leaves(value, is_function):
    """The functions ``value`` chooses among (a function, or a conditional expression of them), or None
    where it is anything else."""
    if isinstance(value, ast.IfExp):
        body, orelse = _function_leaves(value.body, is_function), _function_leaves(value.orelse, is_function)
        return None if body is None or orelse is None else body + orelse
    return [value] if isinstance(value, (ast.Name, ast.Attribute)) and is_function(value) else None


def _only_called(func, name, is_function):
    """Whether ``func`` binds ``name`` only to functions and reads it only by calling it, outside the scopes
    it holds (see the module's contract)."""
    calls, bindings, made, defs = set(), 0, 0, set()
    for node in _own_nodes(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            calls.add(id(node.func))
    for node in _own_nodes(func):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            if not _made(node, name):
                return False
            bindings, made = bindings + 1, made + 1
            defs.add(id(node))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            if len(node.targets) != 1:
                return False
            if _made(node.value, name):
                made += 1
            elif _function_leaves(node.value, is_function) is None:
                return False
            bindings += 1
        elif isinstance(node, ast.Name) and node.id == name:
            if isinstance(node.ctx, ast.Load) and id(node) not in calls or isinstance(node.ctx, ast.Del):
                return False
            if isinstance(node.ctx, ast.Store) and not _assigned_alone(func, node):
                return False
        elif isinstance(node, ast.arg) and node.arg == name:
            return False
    if not bindings or not calls or made and bindings < 2:  # (a function made once: nested's to lift)
        return False
    for scope in _inner_scopes(func):  # (a nested function or lambda reads it when it runs, not here; the
        if any(isinstance(n, ast.Name) and n.id == name for n in walk(scope)):  # functions binding it read it
            return False  # nowhere: _made)
    return True


def _assigned_alone(func, target):
    """Whether the name node ``target`` (stored) is the whole target of a plain assignment."""
    return any(isinstance(n, ast.Assign) and len(n.targets) == 1 and n.targets[0] is target for n in walk(func))


def _own_nodes(func):
    """The nodes of ``func`` outside the functions, lambdas and classes it holds."""
    todo = list(ast.iter_child_nodes(func))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, _SCOPES):
            todo.extend(ast.iter_child_nodes(node))


def _inner_scopes(func):
    return [n for n in walk(func) if isinstance(n, _SCOPES) and n is not func]


def _assignments(func, name):
    return [n for n in _own_nodes(func) if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
            and n.targets[0].id == name]


def _direct(func, name, is_function):
    """The one function ``name`` is bound to, once (by a conditional expression whose every choice is that
    function too), in a block (the body, a loop's, a branch's) whose later statements hold every read of
    it: bound wherever it is read; else None."""
    assigns = _assignments(func, name)
    if len(assigns) != 1 or any(isinstance(n, ast.FunctionDef) and n.name == name for n in _own_nodes(func)):
        return None
    leaves = _function_leaves(assigns[0].value, is_function)
    if not leaves or len({ast.unparse(leaf) for leaf in leaves}) != 1:
        return None
    block = next((b for n in walk(func) for b in _blocks(n) if any(s is assigns[0] for s in b)), None)
    if block is None:
        return None
    later = block[next(k for k, s in enumerate(block) if s is assigns[0]) + 1:]
    return leaves[0] if sum(_reads(stmt, name) for stmt in later) == _reads(func, name) else None


def _blocks(node):
    return [getattr(node, field) for field in ("body", "orelse", "finalbody") if
            isinstance(getattr(node, field, None), list)] + [h.body for h in getattr(node, "handlers", [])]


def _keys(func, name, is_function):
    """How many functions the bindings of ``name`` choose among (a path leaving it unbound reads it, to
    raise as Python does, only where a call tests it against two keys or more)."""
    keys = {id(n) for n in _own_nodes(func) if isinstance(n, ast.FunctionDef) and n.name == name}
    for assign in _assignments(func, name):
        if _made(assign.value, name):
            keys.add(id(assign.value))
        else:
            keys |= {ast.unparse(leaf) for leaf in _function_leaves(assign.value, is_function)}
    return len(keys)


def _written_out(func, name, is_function):
    function = _direct(func, name, is_function)
    if function is not None:
        assigns = _assignments(func, name)
        next(b for n in walk(func) for b in _blocks(n) if any(s is assigns[0] for s in b)).remove(assigns[0])

        class Direct(ast.NodeTransformer):
            def visit_Call(self, node):
                self.generic_visit(node)
                if isinstance(node.func, ast.Name) and node.func.id == name:
                    node.func = ast.copy_location(tree_copy(function), node.func)
                return node
        return Direct().visit(func)
    made = _made_as_defs(func, name)
    assigns = _assignments(func, name)
    table = {}
    for assign in assigns:
        assign.value = _keyed(assign.value, table, made)
    synthetic = f" functions of {name}"  # (no name the code can spell: the table is this rewrite's own)

    class Through(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id == name:
                key = ast.copy_location(ast.Name(name, ast.Load()), node.func)
                node.func = ast.copy_location(ast.Subscript(ast.Name(synthetic, ast.Load()), key, ast.Load()),
                                              node.func)
            return node
    func = Through().visit(func)
    return dispatch.rewrite(func, {synthetic: list(table.items())})


def _made_as_defs(func, name):
    """Each lambda and ``def`` binding ``name`` in ``func`` made a ``def`` of a name of its own at the top of
    the body (after its docstring), the binding then an assignment of that name: ``{id(the assignment's
    value): the name}``."""
    taken = {n.id for n in walk(func) if isinstance(n, ast.Name)} | {a.arg for a in walk(func) if
                                                                      isinstance(a, ast.arg)} | \
        {n.name for n in walk(func) if isinstance(n, ast.FunctionDef)}
    made, defs, count = {}, [], 0

    def fresh():
        nonlocal count
        while True:
            count += 1
            if f"{name}_{count}" not in taken:
                return f"{name}_{count}"

    class Made(ast.NodeTransformer):
        def visit_FunctionDef(self, node):
            if node is func:
                self.generic_visit(node)
                return node
            if not _made(node, name):
                return node
            own = fresh()
            defs.append(ast.copy_location(ast.FunctionDef(own, node.args, node.body, [], None, None,
                                                          **_type_params()), node))
            value = ast.copy_location(ast.Name(own, ast.Load()), node)
            made[id(value)] = own
            return ast.copy_location(ast.Assign([ast.copy_location(ast.Name(name, ast.Store()), node)], value), node)

        def visit_Assign(self, node):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name \
                    and _made(node.value, name):
                lam, own = node.value, fresh()
                body = [ast.copy_location(ast.Return(lam.body), lam.body)]
                defs.append(ast.copy_location(ast.FunctionDef(own, lam.args, body, [], None, None,
                                                              **_type_params()), lam))
                node.value = ast.copy_location(ast.Name(own, ast.Load()), lam)
                made[id(node.value)] = own
            return node

        def visit_Lambda(self, node):
            return node

        def visit_ClassDef(self, node):
            return node
    Made().visit(func)
    docstring = 1 if func.body and isinstance(func.body[0], ast.Expr) and \
        isinstance(func.body[0].value, ast.Constant) and isinstance(func.body[0].value.value, str) else 0
    func.body[docstring:docstring] = defs
    return made


def _type_params():
    return {"type_params": []} if "type_params" in ast.FunctionDef._fields else {}


def _keyed(value, table, made):
    """``value`` (functions, or a conditional expression of them) with each function its key, noted in
    ``table`` (key -> the function): a function ``made`` (``_made_as_defs``) by its name."""
    if isinstance(value, ast.IfExp):
        value.body, value.orelse = _keyed(value.body, table, made), _keyed(value.orelse, table, made)
        return value
    key = made.get(id(value)) or ast.unparse(value)
    table.setdefault(key, value)
    return ast.copy_location(ast.Constant(key), value)


def _reads(node, name):
    """How many times ``node`` reads ``name``."""
    return sum(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in walk(node))
