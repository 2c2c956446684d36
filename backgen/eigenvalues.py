"""NumPy's eigenvalues of a symmetric matrix, and singular values, written as a part of the
factorization whose rule gives their gradient.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call of a function the
environment binds to NumPy:

* ``np.linalg.eigvalsh(a, UPLO='L')`` with ``np.linalg.eigh(a, UPLO)[0]``: the same eigenvalues, in
  ascending order, whose gradient the rule of ``np.linalg.eigh`` gives (``v diag(g) v.T`` on the
  lower triangle it reads);
* ``np.linalg.svd(a, compute_uv=False)`` (``False`` written as a constant, by keyword or third) and
  ``np.linalg.svdvals(a)`` with ``np.linalg.svd(a, full_matrices=False)[1]``: the same singular
  values, in descending order, whose gradient the rule of ``np.linalg.svd`` gives (``u diag(g) vt``,
  right where they repeat too); ``full_matrices`` changes nothing of them and is left out.

It also replaces each field of the named tuple NumPy returns, read from the call itself
(``np.linalg.slogdet(a).logabsdet``, ``np.linalg.eigh(a).eigenvectors``, ``np.linalg.svd(a).S``,
``np.linalg.qr(a).R``) or from a name every binding of which is such a call (``res =
np.linalg.slogdet(W)``, then ``res.logabsdet``), with that item (``np.linalg.slogdet(a)[1]``,
``res[1]``), whose rule the call's gives.
"""

import ast

from .source import numpy_attribute, walk

# the fields of the named tuples np.linalg's factorizations return, by position
FIELDS = {"linalg.slogdet": ("sign", "logabsdet"), "linalg.eigh": ("eigenvalues", "eigenvectors"),
          "linalg.eig": ("eigenvalues", "eigenvectors"), "linalg.svd": ("U", "S", "Vh"), "linalg.qr": ("Q", "R")}
SPELLED = frozenset({"eigvalsh", "svd", "svdvals", "slogdet", "eigh", "eig", "qr"})  # (parse runs this rewriter only where the function
# spells one)


def _singular_values_only(node, name):
    """The arguments of ``node``, a call of ``np.linalg.<name>``, but compute_uv and full_matrices, where it
    computes the singular values alone: (args, keywords), or None."""
    if name == "linalg.svdvals":
        return node.args, node.keywords
    if name != "linalg.svd":
        return None
    keywords = {k.arg: k.value for k in node.keywords}
    flag = node.args[2] if len(node.args) > 2 else keywords.get("compute_uv")
    if not (isinstance(flag, ast.Constant) and flag.value is False) or len(node.args) > 4 or None in keywords:
        return None
    rest = [k for k in node.keywords if k.arg not in ("compute_uv", "full_matrices")]
    hermitian = node.args[3:4]  # (svd(a, full_matrices, compute_uv, hermitian))
    return node.args[:1], rest + [ast.keyword("hermitian", h) for h in hermitian]


def rewrite(forward):
    numpy_names = {name for name, meaning in forward.env.items() if meaning == "numpy"}
    if not numpy_names:
        return

    bound = _bound_results(forward.func, numpy_names)

    class Calls(ast.NodeTransformer):
        def visit_Attribute(self, node):
            self.generic_visit(node)
            call = node.value
            if isinstance(call, ast.Name) and isinstance(call.ctx, ast.Load) and call.id in bound:
                fields = FIELDS[bound[call.id]]  # (res = np.linalg.slogdet(W); res.logabsdet)
                if node.attr not in fields or not isinstance(node.ctx, ast.Load):
                    return node
                return ast.copy_location(ast.Subscript(call, ast.Constant(fields.index(node.attr)), ast.Load()), node)
            found = numpy_attribute(call.func, numpy_names) if isinstance(call, ast.Call) else None
            fields = FIELDS.get(found[1], ()) if found is not None else ()
            if node.attr not in fields or not isinstance(node.ctx, ast.Load):
                return node
            new = ast.Subscript(call, ast.Constant(fields.index(node.attr)), ast.Load())
            return ast.copy_location(new, node)

        def visit_Call(self, node):
            self.generic_visit(node)
            found = numpy_attribute(node.func, numpy_names)
            if found is None:
                return node
            np_ = found[0]
            linalg = ast.Attribute(ast.Name(np_, ast.Load()), "linalg", ast.Load())
            if found[1] == "linalg.eigvalsh":
                eigh = ast.Attribute(linalg, "eigh", ast.Load())
                new = ast.Subscript(ast.Call(eigh, node.args, node.keywords), ast.Constant(0), ast.Load())
            else:
                parts = _singular_values_only(node, found[1])
                if parts is None:
                    return node
                args, keywords = parts
                svd = ast.Attribute(linalg, "svd", ast.Load())
                call = ast.Call(svd, args, [ast.keyword("full_matrices", ast.Constant(False))] + keywords)
                new = ast.Subscript(call, ast.Constant(1), ast.Load())
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)


def _bound_results(func, numpy_names):
    """``{name: "linalg.slogdet"}`` for the names of ``func`` every binding of which assigns a call of
    one factorization of ``FIELDS`` (``res = np.linalg.slogdet(W)``): a parameter, a name bound otherwise
    too (a loop's target, an unpacking, another value), is none."""
    params = {a.arg for a in walk(func.args) if isinstance(a, ast.arg)}
    kinds, stores = {}, {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Call):
            found = numpy_attribute(node.value.func, numpy_names)
            if found is not None and found[1] in FIELDS:
                kinds.setdefault(node.targets[0].id, []).append(found[1])
    return {name: found[0] for name, found in kinds.items()
            if name not in params and len(set(found)) == 1 and stores.get(name) == len(found)}
