"""Bad input: a BackgenError (a SyntaxError) at the user's line, never a traceback."""

import os
import textwrap
import traceback
import warnings

import numpy as np
import pytest

import backgen
from numeric import finite_differences
from backgen import BackgenError

# (name, source, line, column, message fragment); columns are 1-based.
CASES = [
    ("lambda", "def f(x):\n    return np.sum(x, key=lambda t: t)\n", 2, 26, "lambda expressions are not supported"),
    ("self attribute", "def f(self, x):\n    return self.w * x\n", 2, 12, "decorate the method (backgen.backward)"),
    ("class", "def f(x):\n    class A: pass\n    return x\n", 2, 5, "class definitions"),
    ("try", "def f(x):\n    try:\n        y = x\n    except E:\n        y = 0\n    return y\n", 4, 5, "this except catches E"),
    ("with", "def f(x):\n    with x:\n        y = x\n    return y\n", 2, 5, "with statements"),
    ("yield", "def f(x):\n    y = yield x\n    return x\n", 2, 9, "generators"),
    ("global", "def f(x):\n    global k\n    k = x\n    return x\n", 2, 5, "global statements"),
    ("nonlocal", "def f(x):\n    nonlocal k\n    return x\n", 2, 5, "nonlocal statements"),
    ("*args", "def f(x, *rest):\n    return x * rest[0]\n", 2, 16, "variable arguments"),
    ("**kwargs", "def f(x, **options):\n    return x * options['s']\n", 2, 16, "variable arguments"),
    ("keyword-only after defaults", "def f(x, y=1.0, *, z):\n    return x * y * z\n", 1, 20, "keyword-only parameter without a default"),
    ("unknown function", "def f(x):\n    return foo(x)\n", 2, 12, "unknown function 'foo'"),
    ("unknown math function", "import math\ndef f(x):\n    return math.ulp(x)\n", 3, 12, "math.ulp has no derivative rule"),
    ("non-differentiable", "import math\ndef f(x):\n    return math.factorial(x)\n", 3, 12,
     "math.factorial is not differentiable"),
    ("wrong arity", "import math\ndef f(x):\n    return math.exp(x, x)\n", 3, 12, "takes 1 argument"),
    ("string", "def f(x):\n    return x + 'a'\n", 2, 16, "strings are not supported"),
    ("None", "def f(x):\n    return x + None\n", 2, 16, "not a number"),
    ("boolean", "def f(x):\n    return x * True\n", 2, 16, "not a number"),
    ("syntax error", "def f(x):\n    return x +\n", 2, 15, "invalid Python syntax"),
    ("empty source", "", 1, 1, "no function definition"),
    ("no def", "x = 1\n", 1, 1, "no function definition"),
    ("a method as source", "class Net:\n    def loss(self, X):\n        return X * self.w\n", 2, 5,
     "Net.loss is a method, whose attributes of self (self.params) backgen knows only from a call"),
    ("no return", "def f(x):\n    y = x * 2\n", 2, 5, "must end with a return"),
    ("a docstring alone", "def f(x):\n    \"\"\"The forward.\"\"\"\n", 2, 5, "must end with a return"),
    ("an ellipsis body", "def f(x): ...\n", 1, 11, "must end with a return"),
    ("a name of backgen's helpers", "import math\ndef f(x):\n    _digamma = x * 2.0\n    return math.lgamma(_digamma)\n",
     3, 5, "_digamma is backgen's own helper"),
    ("bare return", "def f(x):\n    return\n", 2, 5, "return needs a value"),
    ("early return", "def f(x):\n    return x\n    y = 2\n", 2, 5, "return must be the last"),
    ("return in a loop", "def f(x):\n    for i in range(3):\n        return x\n    return x\n", 3, 9,
     "return inside a loop"),
    ("break outside a loop", "def f(x):\n    if x:\n        break\n    return x\n", 3, 9, "break outside a loop"),
    ("write into an expression", "def f(x):\n    x.real[0] = 1.0\n    return x\n", 2, 5, "a part of an array"),
    ("global name", "def f(x):\n    return x * K\n", 2, 16, "name 'K' is not a parameter"),
    ("use before assignment", "def f(x):\n    y = z * x\n    z = x\n    return y\n", 2, 9, "used before it is assigned"),
    ("set on one path only, in a loop", "def f(x):\n    for i in range(3):\n        if x > i:\n            y = x\n"
     "        x = y * 2\n    return x\n", 5, 13, "'y' may be unassigned here, or hold the value an earlier "
     "iteration gave it: it is set only when x > i (line 3)"),
    ("set on one path, read under another test, in a loop", "def f(x):\n    for i in range(3):\n        if x > 0:\n"
     "            y = x\n        if x > 1:\n            x = y\n    return x\n", 6, 17, "may be unassigned"),
    ("set on one path, a loop starts from it", "def f(x, n):\n    if x > 0:\n        y = x\n"
     "    for i in range(n):\n        y = y * x\n    return y\n", 4, 5, "may be unassigned"),
    ("module as value", "import math\ndef f(x):\n    return x * math\n", 3, 16, "module 'math' cannot be used"),
    ("returned comparison", "def f(x):\n    return x > 2\n", 2, 12, "carries no gradient"),
    ("and/or", "def f(x):\n    return (x > 1 and x) or 2\n", 2, 12, "boolean operators"),
    ("calling a variable", "def f(x):\n    return x(2)\n", 2, 12, "is a variable, not a function"),
    ("keyword argument", "def f(x):\n    return max(x, 2, key=x)\n", 2, 22, "keyword arguments"),
    ("attribute of variable", "def f(x):\n    return x.imag\n", 2, 12, "not supported as a value"),
    ("async", "async def f(x):\n    return x\n", 1, 1, "async functions"),
    ("def in a branch", "def f(x):\n    if x > 0:\n        def g(t):\n            return t\n    g = x\n    return x\n",
     3, 9, "g() is defined inside a branch or a loop"),
    ("import in a loop", "def f(x):\n    for i in range(2):\n        import math\n    return x\n", 3, 9,
     "import statements inside a branch or a loop"),
    ("bad default", "def f(x, y=[1]):\n    return x\n", 1, 12, "defaults must be numbers (or arithmetic on numbers), True/False, strings, None or tuples of those"),
    ("call standing alone", "import numpy as np\ndef f(x):\n    np.putmask(x, x > 0, 1.0)\n    return x\n", 3, 5,
     "may write into its arguments"),
]


@pytest.mark.parametrize("name, source, line, column, fragment", CASES, ids=[c[0] for c in CASES])
def test_unsupported_construct_is_reported_at_the_users_line(name, source, line, column, fragment):
    with pytest.raises(BackgenError) as info:
        backgen.generate(source)
    error = info.value
    assert isinstance(error, SyntaxError)
    assert fragment in error.msg
    assert (error.lineno, error.offset) == (line, column)
    assert error.filename == "<string>"
    lines = source.splitlines()
    if lines:
        assert error.text == lines[line - 1]


def test_error_message_names_file_line_and_column():
    with pytest.raises(BackgenError) as info:
        backgen.generate("def f(x):\n    return foo(x)\n")
    assert str(info.value).startswith("<string>:2:12: unknown function 'foo'")


def test_error_in_a_decorated_function_points_into_this_file():
    def uses_global(x):
        return x * UNKNOWN  # noqa: F821

    decorated = backgen.backward(uses_global)  # (a name the module may bind below: read at the first call)
    with pytest.raises(BackgenError) as info:
        decorated.backward(1.5)
    assert info.value.filename == __file__
    assert "UNKNOWN" in info.value.text
    assert info.value.lineno == uses_global.__code__.co_firstlineno + 1


@pytest.mark.parametrize("value", [3, None, 2.5, ["def f(x): return x"]])
def test_generate_rejects_non_functions_with_type_error(value):
    with pytest.raises(TypeError, match="function or a string"):
        backgen.generate(value)


def test_decorator_rejects_non_functions():
    with pytest.raises(TypeError):
        backgen.backward(3)


def test_lambda_object_is_read_from_its_line():
    made = backgen.backward(lambda x: x * 2 + x ** 3)  # (the one lambda whose code starts where its body does)
    assert made.backward(3.0) == pytest.approx(29.0)


def test_builtin_function_is_a_type_error():
    with pytest.raises(TypeError):
        backgen.generate(len)


def test_unknown_wrt_name():
    with pytest.raises(BackgenError, match="wrt names 'z'"):
        backgen.generate("def f(x, y):\n    return x * y\n", wrt=("z",))


def test_several_functions_need_a_name():
    source = "def f(x):\n    return x\n\ndef g(x):\n    return x * 2\n"
    with pytest.raises(BackgenError, match="several functions"):
        backgen.generate(source)
    assert "def g_backward" in backgen.generate(source, name="g")
    with pytest.raises(BackgenError, match="no function named 'h'"):
        backgen.generate(source, name="h")


def test_the_one_function_no_other_calls_is_the_forward():
    source = "def sq(x):\n    return x * x\n\ndef f(x, y):\n    return sq(x) + y\n"
    text = backgen.generate(source)
    assert "def f_backward(x, y, dout=1.0):" in text
    namespace = {}
    exec(text, namespace)
    assert namespace["f_backward"](3.0, 1.0) == (6.0, 1.0)


def test_generated_code_always_compiles_for_awkward_names():
    source = textwrap.dedent("""
        def f(d, dout, math, np, out):
            dd = d * dout
            out2 = math * np + dd
            return out2 * out
    """)
    text = backgen.generate(source)
    compile(text, "<generated>", "exec")


# --- source text: encodings, null bytes, bytes --------------------------------------------

def test_bytes_are_read_as_python_reads_a_file():
    expected = backgen.generate("def f(x):\n    return x * 3.0\n")
    assert backgen.generate(b"def f(x):\n    return x * 3.0\n") == expected
    assert backgen.generate(b"\xef\xbb\xbfdef f(x):\n    return x * 3.0\n") == expected
    latin = backgen.generate(b"# -*- coding: latin-1 -*-\ndef f(x):\n    return x * 3.0  # caf\xe9\n")
    assert "def f_backward(x, dout=1.0):" in latin


def test_byte_order_mark_in_a_string_is_accepted():
    assert backgen.generate("\ufeffdef f(x):\n    return x * 3.0\n") == \
        backgen.generate("def f(x):\n    return x * 3.0\n")


@pytest.mark.parametrize("source, line, column, fragment", [
    (b"def f(x):\n    return x * 2.0  # caf\xe9\n", 2, 26, "not valid utf-8: byte 0xe9"),
    (b"def f(x):\n    return x *\x00 2.0\n", 2, 15, "null byte"),
    ("def f(x):\n    return x *\x00 2.0\n", 2, 15, "null byte"),
    (b"# coding: nosuch\ndef f(x):\n    return x\n", 1, 1, "unknown encoding"),
    # a string holding a lone surrogate raised UnicodeEncodeError from the parser
    ("def f(x):\n    return x * 2.0  # caf\udce9\n", 2, 26, "a lone surrogate"),
], ids=["not UTF-8", "null byte in bytes", "null byte in a string", "unknown encoding", "lone surrogate"])
def test_undecodable_source(source, line, column, fragment):
    with pytest.raises(BackgenError) as info:
        backgen.generate(source)
    assert fragment in info.value.msg
    assert (info.value.lineno, info.value.offset) == (line, column)


# --- deep nesting ------------------------------------------------------------------------------

@pytest.mark.parametrize("source, gradient", [
    ("def f(x):\n    return " + "-" * 3000 + "x\n", 1.0),
    ("def f(x):\n    return " + " + ".join(["x"] * 5000) + "\n", 5000.0),
    ("import math\ndef f(x):\n    return " + "math.sin(x) * " * 1500 + "x\n", None),
], ids=["3,000 negations", "5,000-term sum", "1,500-factor product"])
def test_deeply_nested_expressions_are_differentiated(source, gradient):
    namespace = {}
    exec(backgen.generate(source), namespace)
    if gradient is not None:
        assert namespace["f_backward"](0.5) == gradient
    else:
        import math
        h = 1e-6
        f = lambda x: math.sin(x) ** 1500 * x  # noqa: E731
        assert namespace["f_backward"](1.4) == pytest.approx((f(1.4 + h) - f(1.4 - h)) / (2 * h), rel=1e-5)


def test_too_deep_for_the_parser_is_a_backgen_error():
    with pytest.raises(BackgenError, match="nested too deeply"):
        backgen.generate("def f(x):\n    return " + " ** ".join(["x"] * 3000) + "\n")


def test_recursion_limit_is_put_back():
    import sys

    limit = sys.getrecursionlimit()
    backgen.generate("def f(x):\n    return " + " + ".join(["x"] * 5000) + "\n")
    assert sys.getrecursionlimit() == limit


# --- recursion -------------------------------------------------------------------------------

@pytest.mark.parametrize("source, line, column, message", [
    ("def f(x):\n    y = x * 2.0\n    return y + f(x)\n", 3, 16, "f() calls itself"),
    ("def f(x):\n    return g(x) * 2.0\n\ndef g(x):\n    return 1.0 + f(x)\n", 5, 18, "g() calls f() back"),
    ("def f(x):\n    return 2.0 * g(x)\n\ndef g(x):\n    return h(x)\n\ndef h(x):\n    return x * g(x)\n",
     8, 16, "h() calls g() back"),
    ("def f(x):\n    def g(u):\n        return u if u > 10 else f(u * 2.0)\n    return g(x)\n", 3, 33,
     "g() calls f() back"),  # (was: unknown function 'f')
    ("def f(x):\n    def g(u):\n        return h(u)\n    def h(u):\n        return 1.0 + f(u)\n    return g(x)\n",
     5, 22, "h() calls f() back"),
], ids=["direct", "through a helper", "a cycle among helpers", "a nested function calling the one it is in",
        "through a nested function's sibling"])
def test_recursion_is_reported_at_the_recursive_call(source, line, column, message):
    with pytest.raises(BackgenError) as info:
        backgen.generate(source, name="f")
    assert info.value.msg == f"{message}: recursion is not supported"
    assert (info.value.lineno, info.value.offset) == (line, column)
    assert info.value.text == source.splitlines()[line - 1]


def _ping(x):
    return 2.0 * _pong(x)


def _pong(x):
    return _ping(x) + 1.0


def test_recursion_of_live_functions_is_reported_at_the_call():
    with pytest.raises(BackgenError) as info:
        backgen.backward(_ping)
    assert info.value.filename == __file__
    assert info.value.lineno == _pong.__code__.co_firstlineno + 1
    assert info.value.offset == 12
    assert "_pong() calls _ping() back" in info.value.msg


# --- what the user sees ----------------------------------------------------------------------

def backgen_frames(error):
    """The frames of backgen's own code in the traceback of ``error``."""
    package = backgen.__file__.rsplit("/", 1)[0]
    return [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(package)]


def test_errors_from_the_api_do_not_show_backgen_internals():
    def bad(x):
        return x * UNKNOWN  # noqa: F821

    def twice(x):
        return x * 2.0

    attempts = [
        lambda: backgen.generate("def f(x):\n    return foo(x)\n"),
        lambda: backgen.backward(bad).backward(1.5),
        lambda: backgen.layer(bad),
        lambda: backgen.gradcheck(bad, 1.0),
        lambda: backgen.backward(twice).backward(np.arange(3), dout=np.ones(3)),  # at the first call
    ]
    for attempt in attempts:
        with pytest.raises(BackgenError) as info:
            attempt()
        assert len(backgen_frames(info.value)) <= 1, traceback.format_tb(info.value.__traceback__)


def test_function_without_source_says_to_pass_the_source():
    namespace = {}
    exec("def typed_at_a_prompt(x):\n    return x * x\n", namespace)
    with pytest.raises(TypeError, match=r"pass its source text to backgen\.generate") as info:
        backgen.backward(namespace["typed_at_a_prompt"])
    assert len(backgen_frames(info.value)) <= 1
    with pytest.raises(TypeError, match="backgen.generate"):
        backgen.generate(namespace["typed_at_a_prompt"])


def test_an_error_in_a_notebook_cell_points_at_the_cell_line():
    import linecache

    cell = "import numpy as np\n\ndef f(x):\n    y = x\n    return lambda t: t\n"
    name = "<ipython-input-7-abcdef>"  # IPython keeps each cell's source in linecache under such a name
    linecache.cache[name] = (len(cell), None, cell.splitlines(True), name)
    namespace = {}
    exec(compile(cell, name, "exec"), namespace)
    with pytest.raises(backgen.BackgenError) as info:
        backgen.backward(namespace["f"])
    assert (info.value.filename, info.value.lineno, info.value.offset) == (name, 5, 12)


def test_generated_source_displays_as_code_in_a_notebook():
    @backgen.backward
    def f(x, y):
        return x * y
    text = f.backward_source
    assert isinstance(text, str) and text.startswith('"""Backward functions')
    assert text._repr_markdown_().startswith("```python\n") and "<" in text._repr_html_()


def test_a_value_numpy_raises_on_at_the_sample_shapes_is_refused_naming_that_line():
    # shapes were given: "declare the shapes" would send the user the wrong way
    with pytest.raises(BackgenError) as info:
        backgen.generate(textwrap.dedent('''
            def f(X: "3, 4", W: "4", n: int):
                if X[1, 0] < 0.0:
                    X[n] += W
                return (X * X).sum()
        '''), name="f")
    assert info.value.lineno == 4
    assert "NumPy raises on line 4 at the sample shapes (IndexError" in info.value.msg
    assert "declare the shapes" not in info.value.msg
def test_a_slice_shrinking_to_one_row_in_a_loop_is_right_where_its_broadcasting_never_changes():
    # positions[i + 1:] has one row at the last i, where NumPy may broadcast it; here it meets a row,
    # broadcast along its first axis at every i, and the code written for the first iteration holds
    # (it was refused, "a value line 7 computes has shape (3, 3) in one iteration ... and (1, 3) in another")
    source = ("import numpy as np\n\ndef lj(positions):\n    energy = 0.0\n    n = len(positions)\n"
              "    for i in range(n - 1):\n        d = positions[i + 1:] - positions[i]\n"
              "        r2 = np.sum(d * d, axis=1)\n        energy += np.sum(1.0 / r2 ** 6 - 1.0 / r2 ** 3)\n"
              "    return energy\n")
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, shapes={"positions": "4, 3"}), generated)
    positions = np.array([[0.0, 0.1, 0.2], [1.1, 0.0, 0.3], [0.2, 1.2, 0.1], [1.0, 1.1, 1.3]])
    want = finite_differences(namespace["lj"], [positions], [0], (1.0,))[0]
    np.testing.assert_allclose(generated["lj_backward"](positions), want, rtol=1e-5, atol=1e-6)


def test_a_slice_shrinking_to_one_row_in_a_loop_is_refused_where_it_then_broadcasts():
    source = ("import numpy as np\n\ndef f(x, w):\n    total = 0.0\n    for i in range(len(x)):\n"
              "        total = total + np.sum(x[i:i + 2] * w)\n    return total\n")
    with pytest.raises(BackgenError, match=r"a value line 6 computes has shape \(2,\) in one iteration of its "
                                           r"loop and \(1,\) in another: .* loop over single elements") as info:
        backgen.generate(source, shapes={"x": "6", "w": "2"})
    assert info.value.lineno == 6


def test_a_cache_built_on_two_paths_is_refused_saying_where_and_what_to_do():
    source = ('import numpy as np\n\ndef bn_forward(x: "N, D", gamma: "D", beta: "D", bn_param):\n'
              '    if bn_param["mode"] == "train":\n        mu = x.mean(axis=0)\n'
              '        x_hat = (x - mu) / np.sqrt(x.var(axis=0) + 1e-5)\n        out = gamma * x_hat + beta\n'
              '        cache = (x, x_hat, mu, gamma)\n    else:\n'
              '        x_hat = (x - bn_param["running_mean"]) / np.sqrt(bn_param["running_var"] + 1e-5)\n'
              '        out = gamma * x_hat + beta\n        cache = (x_hat, gamma)\n    return out, cache\n')
    with pytest.raises(BackgenError, match=r"builds a cache on each path \(lines 8 and 12\), .* on the one path "
                                           r"whose backward is needed") as info:
        backgen.generate(source)
    assert info.value.lineno == 12


def test_sample_runs_that_outgrow_the_memory_they_may_take_are_refused(monkeypatch):
    # shapes come from running lines on sample arrays: one whose arrays multiply their sizes raises
    # MemoryError there (a refusal at the line whose array outgrows it), not the system ending the process;
    # the bound is lifted after
    import resource
    from backgen import shapes
    monkeypatch.setattr(shapes, "sample_room", lambda: 2 ** 28)  # (0.25 GiB; a machine's half in use)
    before = resource.getrlimit(resource.RLIMIT_DATA)
    with pytest.raises(BackgenError, match="MemoryError") as info:
        backgen.generate('import numpy as np\n\ndef f(X: "20000"):\n    h = np.outer(X, X)\n    return np.sum(h)\n')
    assert info.value.lineno == 4
    assert resource.getrlimit(resource.RLIMIT_DATA) == before
    assert "def f_backward(X" in backgen.generate('import numpy as np\n\ndef f(X: "200"):\n'
                                                   '    h = np.outer(X, X)\n    return np.sum(h)\n')


@pytest.mark.parametrize("space", [None, 600 << 20], ids=["unbounded", "address space bounded by its user"])
def test_a_deep_call_after_a_sample_run_took_the_room_left_does_not_end_the_process(space):
    # a sample run's arrays may take (almost) all the room the bound leaves, and staging goes on in the
    # same block with calls deeper than any before: under a bound on the address space the stack could
    # not grow there and the process died of SIGSEGV; the bound is on data, which leaves the stack out,
    # and where the process's user bounds its address space, the data's room ends before that bound
    import subprocess
    import sys
    from pathlib import Path
    if not Path("/proc/self/statm").exists():
        pytest.skip("sample runs are not bounded here")
    script = textwrap.dedent("""
        import sys
        import numpy as np
        from backgen import shapes
        sys.setrecursionlimit(100000)
        nested = []
        for _ in range(30000):
            nested = [nested]
        if SPACE is not None:  # (the user's bound: SPACE bytes above the address space mapped now)
            import resource
            mapped = int(open("/proc/self/statm").read().split()[0]) * 4096
            resource.setrlimit(resource.RLIMIT_AS, (mapped + SPACE, resource.RLIM_INFINITY))
        with shapes.bounded_memory(2 ** 28 if SPACE is None else 2 ** 30):
            kept = []
            try:
                while True:
                    kept.append(np.ones(1 << 17))
            except MemoryError:
                pass
            del kept[-2:]  # (2 MiB left: far less than the stack the call below grows)
            text = repr(nested)
        print(len(text))
    """)
    root = str(Path(backgen.__file__).parent.parent)
    done = subprocess.run([sys.executable, "-c", f"SPACE = {space}\n" + script], capture_output=True, text=True,
                          timeout=120,
                          env={**os.environ, "PYTHONPATH": root})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["60002"]


def test_memory_running_out_is_not_called_nesting(monkeypatch):
    # a MemoryError from Python's parser is the nesting's; one from anywhere else is memory running out
    # (was reported as the function nested too deeply)
    from backgen import program

    def greedy(*args, **kwargs):
        raise MemoryError("Unable to allocate 74.5 GiB")

    monkeypatch.setattr(program, "reverse", greedy)
    with pytest.raises(BackgenError, match=r"backgen ran out of memory \(Unable to allocate 74.5 GiB\): if you "
                                           r"gave sizes \(--shape x=100,100, shapes=\), give smaller ones") as info:
        backgen.generate("def f(x):\n    return x * 2\n")
    assert info.value.lineno == 1 and "nested" not in str(info.value)
    with pytest.raises(BackgenError, match="the sample array of x, of shape \\(1000000000, 1000000000\\)"):
        backgen.generate("import numpy as np\n\ndef f(x):\n    return np.sum(x)\n",
                         shapes={"x": (10 ** 9, 10 ** 9)})
    monkeypatch.undo()
    with pytest.raises(BackgenError, match="the function is nested too deeply"):
        backgen.generate("def f(x):\n    return " + " ** ".join(["x"] * 3000) + "\n")


@pytest.mark.parametrize("call, hint", [
    ("tuple(zip(xs, xs))", "xs.copy()"),  # (list(xs) and tuple(xs) are followed: [item for item in xs])
    ("sorted(xs, reverse=bool(w))", "np.sort"),  # (sorted(xs) is read as list(np.sort(xs)): sorted_calls;
    # with a key, the order of its keys: key_calls)
    ("list(zip(xs, xs))", "xs.copy()"),
])
def test_an_unknown_builtin_names_what_to_write_instead(call, hint):
    # the message named abs, max, min and pow only, and nothing to write instead of list(xs) or sorted(xs)
    with pytest.raises(backgen.BackgenError) as caught:
        backgen.generate(f"def f(xs, w):\n    ys = {call}\n    return sum(ys) * w\n")
    message = str(caught.value).splitlines()[0]
    assert caught.value.lineno == 2 and hint in message and "sum, len, range" in message


def test_the_shape_walk_prints_no_syntax_warning():
    # the walk compiled `1.0[-1]` (c[-1] with c a number of the loop) and Python printed
    # "<backgen shapes of f>:1: SyntaxWarning: 'float' object is not subscriptable" once per line compiled
    source = ("def f(x):\n    s = 0.0\n    for c in (1.0, 2.0):\n"
              "        s += x * (c if x > 0 else c[-1])\n    return s\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = backgen.generate(source)  # (c[-1] raises whenever it runs: that branch is left out)
    assert not [w for w in caught if issubclass(w.category, SyntaxWarning)]
    assert "line 4 on it raises" in text
    namespace, forward = {}, {}
    exec(text, namespace)
    exec(source, forward)
    step = 1e-6
    want = (forward["f"](0.5 + step) - forward["f"](0.5 - step)) / (2 * step)
    assert namespace["f_backward"](0.5) == pytest.approx(want, rel=1e-7)


def test_code_for_every_shape_refused_where_numpy_raises_points_at_that_line():
    # a loop over a data mask (Cox's risk sets) at sample ranks NumPy raises on: the refusal asking
    # for shapes pointed at the def line while saying "NumPy raises on this line"
    source = textwrap.dedent("""\
        import numpy as np

        def f(w, X, t, ev):
            eta = X @ w
            loss = 0.0
            for i in range(len(t)):
                if ev[i] == 1:
                    at_risk = t >= t[i]
                    loss -= eta[i] - np.log(np.sum(np.exp(eta[at_risk])))
            return loss
        """)
    with pytest.raises(BackgenError, match="the shapes of w, X, t, ev are needed") as caught:
        backgen.generate(source)
    assert caught.value.lineno in (4, 9)  # (the line that raises at the sample ranks tried: not the def)
    assert str(caught.value).startswith(f"<string>:{caught.value.lineno}:{caught.value.offset}: ")


def test_a_loop_layer_for_every_shape_refused_at_its_steps_line():
    # (layer fuzz, seed 211, program 180) the refusal of a loop layer's step raising at sample ranks
    # was an internal TypeError once the refusal learned to point at the line that raised
    source = textwrap.dedent("""\
        import numpy as np

        def step_forward(x, prev_h, Wx, Wh, b):
            next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
            next_h[0] += b
            cache = {'b': b, 'x': x, 'Wh': Wh, 'Wx': Wx, 'next_h': next_h, 'prev_h': prev_h}
            next_h += prev_h.dot(Wh)
            return next_h, cache

        def f(x, h0, Wx, Wh, b):
            N, T, D = x.shape
            h = np.zeros((N, T, h0.shape[1]))
            prev_h = h0
            cache = [None] * T
            for t in range(T):
                next_h, step_cache = step_forward(x[:, t, :], prev_h, Wx, Wh, b)
                h[:, t, :] = next_h
                cache[t] = step_cache
                prev_h = next_h
            return h, cache
        """)
    with pytest.raises(BackgenError, match="the shapes of x, h0, Wx, Wh, b are needed") as caught:
        backgen.generate(source, name="f")
    assert "internal error" not in str(caught.value)
    assert caught.value.lineno == 7
