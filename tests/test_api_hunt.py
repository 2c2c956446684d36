"""The three ways in (the decorator, ``generate``, the command line) on modules written as people write
them: helpers defined below the decorated function, names the module binds again after a def, helpers
under another name, defaults read where the def is.  Each gradient is checked against central finite
differences of the module as Python runs it; a refusal is a BackgenError naming the line."""

import contextlib
import io
import math
import os
import textwrap

import numpy as np
import pytest

import backgen
from backgen import cli
from conftest import load_module
from numeric import gradient


def _module(tmp_path, text, name="hunted"):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    return load_module(path), path


def _numeric(func, args):
    func = getattr(func, "__wrapped__", func)
    return tuple(gradient(lambda *v: float(np.sum(func(*v))), list(args), k) for k in range(len(args)))


def _same(got, want):
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


def _generated(text, name, filename=None):
    """``name_backward`` of ``generate`` on the text and of the command line on the file."""
    namespace = {}
    exec(compile(backgen.generate(textwrap.dedent(text), name=name), "<generated>", "exec"), namespace)
    yield namespace[f"{name}_backward"]
    if filename is not None:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main([str(filename), "--function", name])
        assert status == 0, err.getvalue()
        namespace = {}
        exec(compile(out.getvalue(), "<cli>", "exec"), namespace)
        yield namespace[f"{name}_backward"]


# --- the decorator: the module as it is when the backward is called -------------------------

def test_a_decorated_function_may_call_a_helper_defined_below_it(tmp_path):
    module, _ = _module(tmp_path, """
        import numpy as np
        import backgen

        @backgen.backward
        def f(a):
            return h(a) * a

        @backgen.backward
        def g(x):
            return np.sum(h(x) * x)

        def h(z):
            return z * z
    """)
    _same(module.f.backward(0.3), _numeric(module.f, [0.3]))
    x = np.array([0.3, -0.5, 0.7])
    _same(module.g.backward(x), _numeric(module.g, [x]))
    assert module.f.wrt == ("a",)


def test_a_decorated_function_reads_what_its_names_mean_when_called(tmp_path):
    module, _ = _module(tmp_path, """
        import numpy as np
        import backgen
        from math import exp

        @backgen.backward
        def f(a):
            return exp(a) * 2.0

        def h(z):
            return z * 2.0

        @backgen.backward
        def g(x):
            return np.sum(h(x) * x)

        def exp(z):  # (the module's exp from here on)
            return z * z

        def h(z):
            return np.tanh(z)
    """)
    _same(module.f.backward(0.3), _numeric(module.f, [0.3]))
    x = np.array([0.3, -0.5, 0.7])
    _same(module.g.backward(x), _numeric(module.g, [x]))
    module.h = lambda z: z  # (rebound again, to a lambda of this file: read from its line, not the old code)
    _same(module.g.backward(x), _numeric(module.g, [x]))


def test_a_helper_under_another_name_is_called_by_its_own(tmp_path):
    # the generated code called square (or act), a name its module lacks: NameError
    text = """
        import numpy as np
        import backgen

        def sq(z):
            return z * z

        square = sq

        @backgen.backward
        def f(a):
            return square(a) * a

        @backgen.backward
        def g(a):
            return cube(a) * a

        def make(act):
            @backgen.backward
            def inner(x):
                return np.sum(act(x) * x)
            return inner

        def relu(z):
            return np.maximum(z, 0.0)

        cube = sq
    """
    module, _ = _module(tmp_path, text)
    _same(module.f.backward(0.3), _numeric(module.f, [0.3]))
    _same(module.g.backward(0.3), _numeric(module.g, [0.3]))
    x = np.array([[0.3, -0.5, 0.7], [1.1, 0.2, -0.9]])
    inner = module.make(module.relu)
    _same(inner.backward(x), _numeric(inner, [x]))
    assert "relu_out = relu(x)" in inner.backward_source
    # the source alone does not say which function a name holds: refused, saying so
    with pytest.raises(backgen.BackgenError, match=r"'square' is your function sq\(\) under another name"):
        backgen.generate(textwrap.dedent(text), name="f")


# --- generate and the command line: the module's names as they are once it has run ------------

BOUND_LATER = {
    # a def imported over: the import's function
    "def_then_star_import": ("""
        def sin(z):
            return 2.0 * z

        from math import *

        def f(a):
            return sin(a) * exp(a)
    """, [0.3]),
    # a def imported over below the forward
    "import_below": ("""
        def sin(z):
            return z * 2.0

        def f(a):
            return sin(a) * 2.0

        from math import sin
    """, [0.3]),
    # an import defined over below the forward: the user's function
    "def_below": ("""
        from math import exp

        def f(a):
            return exp(a) * 2.0

        def exp(z):
            return z * z
    """, [0.3]),
    # a helper's default read as the def runs
    "helper_default": ("""
        K = 3.0

        def helper(z, k=K):
            return z * k

        K = 5.0

        def f(a):
            return helper(a) * a
    """, [0.3]),
    "numpy_default": ("""
        import numpy as np
        SCALE = 2.0

        def helper(z, s=SCALE * 2):
            return np.tanh(z) * s

        SCALE = 7.0

        def f(x):
            return np.sum(helper(x) * x)
    """, [np.array([0.3, -0.5, 0.7])]),
}


@pytest.mark.parametrize("case", sorted(BOUND_LATER))
def test_names_bound_again_below_mean_what_python_runs(case, tmp_path):
    text, args = BOUND_LATER[case]
    module, path = _module(tmp_path, text)
    want = _numeric(module.f, args)
    for backward in _generated(text, "f", path):
        _same(backward(*args), want)
    decorated = backgen.backward(module.f)  # (the decorator, on the module as it is after running)
    _same(decorated.backward(*args), want)


REFUSED_LATER = {
    # a def in a block over an import: which one holds depends on how the module runs
    "def_in_block": ("""
        from math import exp

        if True:
            def exp(z):
                return z * z

        def f(a):
            return exp(a) * 2.0
    """, "unknown function 'exp'"),
    # a default naming a function the module defines again below
    "function_default": ("""
        import numpy as np

        def act(z):
            return np.tanh(z)

        def layer(z, g=act):
            return g(z) * 2

        def act(z):
            return z * z

        def f(x):
            return np.sum(layer(x))
    """, "the default reads act, which the module binds again below this def"),
}


def test_a_helper_named_again_by_an_assignment_below_is_what_the_assignment_binds():
    # sin = math.sin after def sin: the module's last binding, math's sine, is what f calls (it was refused)
    text = textwrap.dedent("""
        import math

        def sin(z):
            return z * 2.0

        sin = math.sin

        def f(a):
            return sin(a) * 2.0
    """)
    namespace = {}
    exec(compile(backgen.generate(text, name="f"), "<generated>", "exec"), namespace)
    assert math.isclose(namespace["f_backward"](0.3), 2.0 * math.cos(0.3), rel_tol=1e-12)


@pytest.mark.parametrize("case", sorted(REFUSED_LATER))
def test_names_whose_meaning_depends_on_how_the_module_runs_are_refused(case, tmp_path):
    text, match = REFUSED_LATER[case]
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate(textwrap.dedent(text), name="f")


def test_a_live_function_s_default_is_the_value_it_was_given(tmp_path):
    module, _ = _module(tmp_path, """
        import backgen
        K = 3.0

        def helper(z, k=K):
            return z * k

        K = 5.0

        @backgen.backward
        def f(a, k=K):
            return helper(a) * a * k

        K = 7.0
    """)
    _same(module.f.backward(0.3), _numeric(module.f, [0.3, 5.0]))
    assert "def f_backward(a, k=5.0, dout=1.0)" in module.f.backward_source


# --- wrong things handed in: said plainly ---------------------------------------------------

def test_dout_that_is_no_gradient_is_a_type_error_naming_dout(tmp_path):
    module, _ = _module(tmp_path, """
        import numpy as np
        import backgen

        @backgen.backward
        def g(x, w):
            return np.tanh(x) * w
    """)
    x, w = np.array([[0.3, -0.5, 0.7], [1.1, 0.2, -0.9]]), np.array([0.4, -0.2, 0.6])
    for dout in (None, "ones", {"out": 1.0}):
        with pytest.raises(TypeError, match=r"g\.backward\(\.\.\.\): dout is the upstream gradient"):
            module.g.backward(x, w, dout=dout)
    _same(module.g.backward(x, w, dout=np.ones((2, 3))), _numeric(module.g, [x, w]))


def test_dout_of_values_of_several_shapes_for_one_output_is_a_type_error_naming_dout(tmp_path):
    # a layer keeping no cache returns (out, None); dout=(dout, dcache) of two arrays raised NumPy's
    # ValueError from np.asarray (a tuple of arrays written out as one array's rows still works)
    module, _ = _module(tmp_path, """
        import numpy as np
        import backgen

        @backgen.backward
        def layer(x, w):
            out = np.tanh(x @ w)
            return out, None
    """)
    x, w = np.array([[0.3, -0.5, 0.7], [1.1, 0.2, -0.9]]), np.array([[0.4, -0.2], [0.6, 0.1], [-0.3, 0.5]])
    with pytest.raises(TypeError, match=r"layer\.backward\(\.\.\.\): dout is one upstream gradient"):
        module.layer.backward(x, w, dout=(np.ones((2, 2)), np.ones(3)))
    rows = module.layer.backward(x, w, dout=(np.array([1.0, -0.5]), np.array([0.25, 2.0])))
    whole = module.layer.backward(x, w, dout=np.array([[1.0, -0.5], [0.25, 2.0]]))
    for a, b in zip(rows, whole):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("path", ["model.py", "generated_examples/staged.py"])
def test_generate_given_a_file_name_says_it_takes_source_text(path):
    with pytest.raises(backgen.BackgenError, match="is a file name: backgen.generate takes the source text"):
        backgen.generate(path)


def test_generate_given_a_path_object_says_to_pass_its_text(tmp_path):
    with pytest.raises(TypeError, match=r"read_text\(\)"):
        backgen.generate(tmp_path / "model.py")


# --- names the generated code calls are no adjoint's ------------------------------------------

HELPERS_NAMED_LIKE_GRADIENTS = {
    "dx": ("""
        def dx(z):
            return z * z

        def f(x):
            return dx(x) * x
    """, [0.3]),
    "dout": ("""
        def dout(z):
            return z * z

        def f(x):
            return dout(x) * x
    """, [0.3]),
    "dw_numpy": ("""
        import numpy as np

        def dw(z):
            return np.tanh(z) * 2.0

        def f(x, w):
            return np.sum(dw(x) * w)
    """, [np.array([[0.3, -0.5, 0.7], [1.1, 0.2, -0.9]]), np.array([0.4, -0.2, 0.6])]),
}


@pytest.mark.parametrize("case", sorted(HELPERS_NAMED_LIKE_GRADIENTS))
def test_a_helper_named_like_an_adjoint_or_dout_keeps_its_name(case, tmp_path):
    # dx's adjoint was named dx, and the forward pass called it (UnboundLocalError); a helper dout was
    # the upstream gradient, a number called
    text, args = HELPERS_NAMED_LIKE_GRADIENTS[case]
    module, path = _module(tmp_path, text)
    want = _numeric(module.f, args)
    for backward in _generated(text, "f", path):
        _same(backward(*args), want)
    _same(backgen.backward(module.f).backward(*args), want)


@pytest.mark.parametrize("annotation", ["input batch", "N D", "N, D-1", "2.5"])
def test_an_annotation_that_is_no_shape_is_refused_not_read_as_one_axis(annotation):
    # "input batch" was one axis of that name: code for vectors, wrong for the matrices passed
    text = f"import numpy as np\n\ndef f(x: {annotation!r}, w):\n    return np.sum(np.tanh(x) * w)\n"
    with pytest.raises(backgen.BackgenError, match="the annotation of x: cannot read a shape"):
        backgen.generate(text)
    with pytest.raises(backgen.BackgenError, match="cannot read a shape"):
        backgen.generate(text.replace(f": {annotation!r}", ""), shapes={"x": annotation})


def test_a_layer_s_backward_called_without_its_cache_says_what_it_takes(tmp_path):
    module, _ = _module(tmp_path, """
        import backgen

        @backgen.layer
        def affine(x, w, b):
            return x.dot(w) + b
    """)
    x, w, b = np.ones((2, 3)), np.ones((3, 4)) * 0.1, np.zeros(4)
    out, cache = module.affine.forward(x, w, b)
    for args, kwargs in [((), {}), ((np.ones_like(out),), {}), ((np.ones_like(out),), {"cache": cache})]:
        with pytest.raises(TypeError, match=r"affine\.backward\(dout, cache\) takes"):
            module.affine.backward(*args, **kwargs)
    dx, dw, db = module.affine.backward(np.ones_like(out), cache)
    np.testing.assert_allclose(dx, np.ones((2, 4)).dot(w.T))


# --- the live function's file as it reads now ----------------------------------------------

def test_a_function_whose_file_changed_since_import_is_refused(tmp_path):
    # the decorator read the new text and returned its gradient: (1.0, 1.0) for x * y at (0.3, 0.5)
    module, path = _module(tmp_path, """
        def f(x, y):
            return x * y

        def g(x, y):
            return x * y
    """, name="edited")
    path.write_text(path.read_text().replace("def f(x, y):\n    return x * y", "def f(x, y):\n    return x + y * y"))
    with pytest.raises(backgen.BackgenError, match=r"the source of f\(\) in this file is not the code Python runs"):
        backgen.backward(module.f)
    _same(backgen.backward(module.g).backward(0.3, 0.5), (0.5, 0.3))  # (g as it was: read)
    path.write_text("# a line above\n" + path.read_text())  # (g's lines moved: its text is read elsewhere)
    with pytest.raises(backgen.BackgenError, match=r"the source of g\(\) in this file is not the code"):
        backgen.backward(module.g)


def test_a_string_annotation_naming_a_type_declares_no_shape():
    # x: "np.ndarray" was one axis named np.ndarray: code for vectors, wrong for the matrices passed
    text = ("import numpy as np\n\ndef f(x: 'np.ndarray', w: 'Optional[np.ndarray]', v: 'np.ndarray | None'):\n"
            "    return np.sum(np.tanh(x) * w * v)\n")
    namespace = {}
    exec(backgen.generate(text), namespace)
    x, w, v = np.array([[0.3, -0.5, 0.7], [1.1, 0.2, -0.9]]), np.array([0.4, -0.2, 0.6]), np.array([[0.5], [2.0]])
    forward = lambda x, w, v: np.sum(np.tanh(x) * w * v)  # noqa: E731
    _same(namespace["f_backward"](x, w, v), tuple(gradient(forward, [x, w, v], k) for k in range(3)))


# --- lists of numbers given to NumPy code ------------------------------------------------------

@pytest.mark.parametrize("x, w", [([0.3], [0.4]), ([0.3, -0.5, 0.7], [0.4, -0.2, 0.6]),
                                  (np.array([0.3, -0.5, 0.7]), (0.4, -0.2, 0.6))])
@pytest.mark.parametrize("dout", [2, 2.0])
def test_a_list_of_numbers_multiplied_with_arrays_is_its_array_in_the_backward(x, w, dout, tmp_path):
    # w * dout in the backward repeated the list for dout=2 ([0.366, 0.366] for x=[0.3]) and raised
    # TypeError for dout=2.0
    module, _ = _module(tmp_path, """
        import numpy as np
        import backgen

        @backgen.backward
        def s(x, w):
            return np.sum(np.tanh(x) * w)

        @backgen.backward
        def u(x, w):
            v = w[:]
            return np.sum(np.tanh(x) * v)
    """)
    for f in (module.s, module.u):
        got = f.backward(x, w, dout=dout)
        want = tuple(dout * g for g in _numeric(f, [np.asarray(x, float), np.asarray(w, float)]))
        for given, g in zip((x, w), got):
            assert type(g) is type(given) or isinstance(given, np.ndarray)  # (a list's gradient: a list)
        _same(tuple(np.asarray(g) for g in got), want)


def test_a_notebook_cell_compiled_statement_by_statement_is_its_source():
    # a notebook compiles a cell's statements one at a time: Python 3.11 writes another load of np.sum
    # than for the cell compiled whole, which is no change of the source
    import ast
    import linecache

    cell = ("import numpy as np\n\n\ndef f(x, w):\n    return np.sum(np.tanh(x) * w)\n\n\n"
            "def g(a, b):\n    if a > 0:\n        return a * b\n    for i in range(3):\n        b = b * 2\n"
            "    return b + a\n")
    name = "<ipython-input-7-backgen>"
    linecache.cache[name] = (len(cell), None, cell.splitlines(True), name)
    namespace = {"__name__": "__main__"}
    for node in ast.parse(cell).body:
        exec(compile(ast.Module([node], []), name, "exec"), namespace)
    x, w = np.array([[0.3, -0.5, 0.7]]), np.array([0.4, -0.2, 0.6])
    _same(backgen.backward(namespace["f"]).backward(x, w), _numeric(namespace["f"], [x, w]))
    _same(backgen.backward(namespace["g"]).backward(-0.3, 0.5), (1.0, 8.0))


def test_generate_takes_a_decorated_function_for_the_function_it_decorates(tmp_path):
    # generate(f) of a decorated f raised TypeError (not Differentiable), where explain, check and graph
    # take it
    module, _ = _module(tmp_path, """
        import numpy as np
        import backgen

        @backgen.backward
        def f(x, w):
            return np.sum(np.tanh(x) * w)

        @backgen.layer
        def g(x, w):
            return np.tanh(x) * w
    """)
    x, w = np.array([[0.3, -0.5, 0.7], [1.1, 0.2, -0.9]]), np.array([0.4, -0.2, 0.6])
    for decorated, dout in ((module.f, ()), (module.g, (np.ones((2, 3)),))):
        namespace = {}
        exec(backgen.generate(decorated), namespace)
        got = namespace[f"{decorated.__name__}_backward"](x, w, *dout)
        _same(got, _numeric(decorated, [x, w]))


def test_a_default_reading_a_module_imported_again_below_is_read():
    # (numpy imported again below, as a notebook exported to a script repeats its imports: the same np)
    text = ("import numpy as np\n\n\ndef helper(z, eps=1e-3, act=np.tanh):\n    return act(z) + eps * z\n\n\n"
            "import numpy as np\n\n\ndef f(x):\n    return np.sum(helper(x) * x)\n")
    namespace, generated = {}, {}
    exec(text, namespace)
    exec(backgen.generate(text, name="f"), generated)
    x = np.array([0.3, -0.5, 0.7])
    _same(generated["f_backward"](x), _numeric(namespace["f"], [x]))


def test_a_function_another_decorator_wrapped_is_refused_at_its_def(tmp_path):
    # the decorator read the def's text with the wrapper's module as its globals: "unknown function
    # 'np.sum'", pointing into the wrapper's file at the def's line number
    _module(tmp_path, """
        import functools

        def logged(fn):
            @functools.wraps(fn)
            def inner(*args, **kwargs):
                return fn(*args, **kwargs)
            return inner
    """, name="decorators_elsewhere")
    import sys
    sys.path.insert(0, str(tmp_path))
    try:
        module, path = _module(tmp_path, """
            import numpy as np
            from decorators_elsewhere import logged

            @logged
            def f(x):
                return np.sum(np.tanh(x))
        """, name="wrapped_user")
        with pytest.raises(backgen.BackgenError, match=r"f\(\) is wrapped by another decorator") as info:
            backgen.backward(module.f)
        assert info.value.filename == str(path) and info.value.lineno == 5
        x = np.array([0.3, -0.5])
        _same(backgen.backward(module.f.__wrapped__).backward(x), (1 - np.tanh(x) ** 2,))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("decorators_elsewhere", None)


def test_a_function_a_wrapper_of_its_module_scales_is_refused(tmp_path):
    # the gradient of the def's text was returned: half of that of 2 * sum(tanh(x)), which Python runs
    module, _ = _module(tmp_path, """
        import functools
        import numpy as np
        import backgen

        def scaled(fn):
            @functools.wraps(fn)
            def inner(*args):
                return 2.0 * fn(*args)
            return inner

        @scaled
        def f(x):
            return np.sum(np.tanh(x))
    """)
    with pytest.raises(backgen.BackgenError, match=r"f\(\) is wrapped by another decorator \(scaled"):
        backgen.backward(module.f).backward(np.array([0.3, -0.5]))
    with pytest.raises(backgen.BackgenError, match=r"f\(\) is wrapped by another decorator"):
        backgen.generate(module.f)


def test_a_helper_another_decorator_wraps_is_refused_at_its_call(tmp_path):
    # helper = scaled(helper): the gradient of helper's def was used, half of what Python runs
    text = """
        import functools
        import numpy as np

        def scaled(fn):
            @functools.wraps(fn)
            def inner(*args):
                return 2.0 * fn(*args)
            return inner

        @scaled
        def helper(z):
            return np.tanh(z)

        @functools.lru_cache(maxsize=None)
        def size(n):
            return 2 * n

        def f(x):
            return np.sum(helper(x))
    """
    module, _ = _module(tmp_path, text)
    with pytest.raises(backgen.BackgenError, match=r"helper\(\) is wrapped by another decorator"):
        backgen.backward(module.f).backward(np.array([0.3, -0.5]))
    with pytest.raises(backgen.BackgenError, match=r"helper\(\) is wrapped by another decorator \(scaled\)"):
        backgen.generate(textwrap.dedent(text), name="f")


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout here")
def test_output_to_dev_stdout_of_a_pipe_is_written_through_it(tmp_path):
    # -o /dev/stdout (a link to /proc/self/fd/1, a pipe) was taken for a new file at the pipe's real
    # path, pipe:[...], and failed: "No such file or directory"
    import subprocess
    import sys

    from conftest import ROOT

    (tmp_path / "model.py").write_text("def f(x, y):\n    return x * y + x\n")
    done = subprocess.run([sys.executable, "-m", "backgen", "model.py", "-o", "/dev/stdout"], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "def f_backward(x, y, dout=1.0):" in done.stdout and not done.stderr
