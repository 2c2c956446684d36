"""SciPy's Rosenbrock function (``scipy.optimize.rosen``), written as the NumPy it computes.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call ``rosen(x)`` of the
function the environment binds to ``scipy.optimize.rosen`` (``from scipy.optimize import rosen``,
``from scipy import optimize`` then ``optimize.rosen``, ``import scipy.optimize as opt``,
``scipy.optimize.rosen`` through the package) with SciPy's formula, ``np.sum(100.0 * (x[1:] - x[:-1]
** 2.0) ** 2.0 + (1 - x[:-1]) ** 2.0, axis=0)``: the sum along the first axis, as SciPy's broadcasts
(``rosen([X, Y])`` of two grids), ``x`` the argument itself where it is a name, else
``np.asarray(x, dtype=float)`` (a list of arrays stacked).  Its derivatives (``rosen_der``,
``rosen_hess``, ``rosen_hess_prod``) and the module's other functions are refused at the call, its root
finders and minimizers (``SOLVERS``: ``newton``, ``brentq``, ``minimize``...) saying to write their
iterations in the function instead.
"""

import ast

from .scipy_calls import function_of, numpy_alias, reads_module
from .source import walk, tree_copy

# scipy.optimize's root finders and minimizers: refused at the call, saying how to write them instead
SOLVERS = frozenset({"newton", "brentq", "brenth", "bisect", "ridder", "toms748", "fsolve", "root", "root_scalar",
                     "minimize", "minimize_scalar", "least_squares", "curve_fit", "fixed_point"})
SPELLED = frozenset({"rosen", "optimize"}) | SOLVERS  # (parse runs this rewriter only where the function spells one)
MODULE = "scipy.optimize"
ROSEN = "np.sum(100.0 * (X[1:] - X[:-1] ** 2.0) ** 2.0 + (1 - X[:-1]) ** 2.0, axis=0)"


def rewrite(forward):
    if not reads_module(forward, MODULE):
        return
    if not any(_function(forward, node.func) for node in walk(forward.func) if isinstance(node, ast.Call)):
        return
    np_name = numpy_alias(forward)

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if _function(forward, node.func) is None:
                return node
            if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                raise forward.error("scipy.optimize.rosen is read with one argument, its points x", node)
            x = node.args[0]
            if not isinstance(x, ast.Name):
                x = ast.parse(f"{np_name}.asarray(X, dtype=float)", mode="eval").body
                x.args[0] = node.args[0]
            tree = ast.parse(ROSEN.replace("np.", f"{np_name}."), mode="eval").body

            class Parts(ast.NodeTransformer):
                def visit_Name(self, name):  # (a copy where the argument is written again)
                    return tree_copy(x) if name.id == "X" else name
            new = Parts().visit(tree)
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
    ast.fix_missing_locations(forward.func)


def _function(forward, func):
    """``rosen`` where ``func`` names scipy.optimize.rosen, else None; another function of the module is
    refused."""
    name = function_of(forward, func, MODULE)
    if name in SOLVERS:
        raise forward.error(f"scipy.optimize.{name} is not supported: the value a solver returns follows the "
                            "parameters through iterations backgen does not see (its gradient is the implicit "
                            "function theorem's, not the code's); write the iterations in the function (Newton's "
                            "steps for a root, E = E - f(E) / f'(E) a fixed number of times or to a tolerance), "
                            "which backgen differentiates step by step", func)
    if name is not None and name != "rosen":
        raise forward.error(f"scipy.optimize.{name} is not supported: backgen reads scipy.optimize's rosen (its "
                            f"derivatives rosen_der and rosen_hess are what backgen writes)", func)
    return name
