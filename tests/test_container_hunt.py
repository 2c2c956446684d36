"""Values built out of parts: comprehensions, lists joined, dicts and lists of parameters, tuples,
helpers and lambdas, in NumPy and in plain ``math`` code.

Each case is checked against central finite differences in float64 (``numeric``), through
``generate`` (``gradients``) or through the decorator (``decorated``), or asserted refused with a
``BackgenError`` and part of its message.
"""

import copy
import importlib.util
import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, same_again

RNG = np.random.default_rng(11)


def _floats(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "f"
    if isinstance(value, (list, tuple)):
        return any(_floats(v) for v in value)
    if isinstance(value, dict):
        return any(_floats(v) for v in value.values())
    return False


def _forward(source, name):
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace[name]
    return lambda *values: func(*copy.deepcopy(list(values)))


def _check(got, source, args, douts, name):
    wrt = [k for k, a in enumerate(args) if _floats(a)]
    want = finite_differences(_forward(source, name), list(args), wrt, douts)
    got = got if len(wrt) > 1 else (got,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-5, atol=1e-6)


def assert_right(source, args, douts=(1.0,), name="f"):
    """The backward ``generate`` writes (no shapes) against central differences; it leaves its
    arguments alone, and generating twice gives the same text."""
    source = textwrap.dedent(source)
    text = backgen.generate(source, name=name)
    same_again(text, lambda: backgen.generate(source, name=name))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    copies = copy.deepcopy(args)
    got = generated[f"{name}_backward"](*copies, *douts)
    assert_close(copies, args)
    _check(got, source, args, douts, name)


def decorated(source, tmp_path, name="f"):
    """The function ``name`` of ``source``, decorated with ``backgen.backward`` in a module file."""
    source = textwrap.dedent(source).replace(f"def {name}(", f"@backgen.backward\ndef {name}(", 1)
    path = tmp_path / f"hunt_{abs(hash(source))}.py"
    path.write_text("import math\nimport numpy as np\nimport backgen\n\n" + source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def assert_right_decorated(source, args, tmp_path, dout=1.0, name="f"):
    """``f.backward`` of the decorated function against central differences."""
    func = decorated(source, tmp_path, name)
    copies = copy.deepcopy(args)
    got = func.backward(*copies, dout=dout)
    assert_close(copies, args)
    _check(got, textwrap.dedent(source), args, dout if isinstance(dout, tuple) else (dout,), name)


# --- a dict of arrays read only through .items(), .values() or .keys() ---------------------------

DICT = {"a": RNG.normal(size=3), "b": RNG.normal(size=3)}
X3 = RNG.normal(size=3)


@pytest.mark.parametrize("loop", [
    "for k, v in params.items():\n        total = total + np.sum(v ** 2) * np.sum(x)",
    "for v in params.values():\n        total = total + np.sum(v ** 2) * np.sum(x)",
    "for k in params.keys():\n        total = total + np.sum(params[k] ** 2) * np.sum(x)",
])
def test_dict_read_only_through_its_views(loop, tmp_path):
    # the decorator waits for the call to see that params is a dict of arrays
    source = f"def f(params, x):\n    total = 0.0\n    {loop}\n    return total\n"
    assert_right_decorated(source, [DICT, X3], tmp_path)


def test_dict_values_in_a_generator(tmp_path):
    assert_right_decorated('''
        def f(params, x):
            return sum(np.sum(v * x) for v in params.values())
    ''', [DICT, X3], tmp_path)


# --- a list of tuples built by a comprehension -----------------------------------------------------

X4 = RNG.normal(size=4)


@pytest.mark.parametrize("read", [
    "sum(a * b for a, b in pairs)",
    "pairs[1][0] * pairs[1][1] + pairs[-1][0]",
])
def test_list_of_tuples_from_a_comprehension(read):
    # the comprehension builds pairs itself (no second name for the list), read back as a list
    # of tuples appended in a loop is
    assert_right(f'''
        def f(x):
            pairs = [(x[i], x[i + 1]) for i in range(3)]
            return {read}
    ''', [X4])


def test_list_of_tuples_from_a_comprehension_unpacked(tmp_path):
    source = '''
        def f(x):
            pairs = list((x[i], x[i + 1] ** 2) for i in range(3))
            a, b = pairs[1]
            return a * b + pairs[-1][0]
    '''
    assert_right(source, [X4])
    assert_right_decorated(source, [X4], tmp_path)


def test_comprehension_reading_its_own_name_keeps_the_old_list():
    # xs is read in the comprehension: the new list is built under another name first
    assert_right('''
        def f(x):
            xs = [x[0], x[1], x[2]]
            xs = [v * xs[0] for v in xs]
            return xs[1] + xs[2] * xs[0]
    ''', [X4])


# --- a display of values bound to a name, then iterated by a comprehension ----------------------


def test_display_of_tuples_of_values_in_a_generator():
    # as the same display iterated by a for loop is: the comprehension iterates the display itself
    assert_right('''
        def f(x, y):
            pts = [(x, y), (y, x), (x + y, x - y)]
            return max(a * b for a, b in pts)
    ''', [0.8, -0.3])


def test_display_of_tuples_of_arrays_in_a_list_comprehension():
    assert_right('''
        def f(x, y):
            pts = [(x, y), (y * 2, x)]
            return np.sum([np.sum(a * b) for a, b in pts])
    ''', [X3, X3[::-1].copy()])


def test_display_whose_names_change_after_it_stays_refused():
    # x changes after pts is made: its items are not the display read again
    assert_refused = pytest.raises(backgen.BackgenError, match="tuples are only supported")
    with assert_refused:
        backgen.generate(textwrap.dedent('''
            def f(x, y):
                pts = [(x, y), (y, x)]
                for k in range(2):
                    x = x * 2
                return sum(np.sum(a * b) for a, b in pts)
        '''))


# --- a dict of arrays read at keys a loop takes from a list of strings ----------------------------

PARAMS = {"W1": RNG.normal(size=(3, 4)), "b1": RNG.normal(size=4), "W2": RNG.normal(size=(4, 2)),
          "b2": RNG.normal(size=2)}
X53 = RNG.normal(size=(5, 3))


@pytest.mark.parametrize("reg", [
    "reg = 0.0\n    for k in ['W1', 'W2']:\n        reg += np.sum(params[k] ** 2)",
    "reg = sum(np.sum(params[k] ** 2) for k in ('W1', 'W2'))",
    "reg = np.sum([np.sum(params[k] * params[k]) for k in ['W1', 'W2']])",
])
def test_keys_from_a_list_of_strings(reg, tmp_path):
    # as CS231n's two-layer net sums its regularization over the weights' keys
    source = f'''
def f(params, X):
    {reg}
    h = np.maximum(0, X @ params['W1'] + params['b1'])
    return np.sum(h @ params['W2'] + params['b2']) + 0.5 * reg
'''
    assert_right_decorated(source, [PARAMS, X53], tmp_path)


def test_keys_from_a_named_list_of_strings(tmp_path):
    assert_right_decorated('''
        def f(params, X):
            keys = ['W1', 'W2']
            reg = sum(np.sum(params[k] ** 2) for k in keys)
            return reg + np.sum(np.tanh(X @ params['W1'] + params['b1']) @ params['W2'])
    ''', [PARAMS, X53], tmp_path)


def test_unpacked_from_a_comprehension_over_keys(tmp_path):
    assert_right_decorated('''
        def f(params, X):
            W1, b1, W2, b2 = [params[k] for k in ['W1', 'b1', 'W2', 'b2']]
            return np.sum(np.tanh(X @ W1 + b1) @ W2 + b2)
    ''', [PARAMS, X53], tmp_path)


# --- a list of arrays of several shapes named by its places, without shapes ----------------------

LAYER = [RNG.normal(size=(3, 4)), RNG.normal(size=4)]


@pytest.mark.parametrize("names", [
    "W, b = params[0], params[1]",
    "(W, b) = (params[0], params[-1])",
])
def test_items_named_by_their_places_in_one_assignment(names):
    # as W = params[0]; b = params[1]: params may be a list of arrays of several shapes, whose
    # gradient is a list (np.zeros_like of it raised)
    assert_right(f'''
        def f(params, X):
            {names}
            return np.sum(np.tanh(X @ W + b))
    ''', [LAYER, X53])


@pytest.mark.parametrize("body", [
    "return np.sum(np.tanh(X @ Ws[0]) @ Ws[1])",
    "return np.sum(np.tanh(np.dot(X, Ws[0])).dot(Ws[-1]))",
    "A = Ws[0]\n            return np.sum(np.tanh(X @ A) * Ws[1].sum())",
])
def test_items_of_a_list_of_weights_read_in_place(body):
    # read where they are used, as where they are named: Ws may hold arrays of several shapes
    assert_right(f'''
        def f(Ws, X):
            {body}
    ''', [[RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2))], X53])


def test_items_of_pairs_named_by_their_places():
    assert_right('''
        def f(params, X):
            W1, b1 = params[0][0], params[0][1]
            W2, b2 = params[1][0], params[1][1]
            return np.sum(np.tanh(X @ W1 + b1) @ W2 + b2)
    ''', [[[RNG.normal(size=(3, 4)), RNG.normal(size=4)], [RNG.normal(size=(4, 2)), RNG.normal(size=2)]], X53])


def test_a_vectors_numbers_read_in_place_keep_an_array_gradient():
    text = backgen.generate("def f(x):\n    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2\n")
    assert "np.zeros_like(x, dtype=float)" in text
    assert_right("def f(x):\n    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2\n", [np.array([0.3, 0.5])])


# --- max and min of tuples ---------------------------------------------------------------------


@pytest.mark.parametrize("call", ["max([(x * y, 1), (x + y, 2)])[0]", "min((x * y, 1), (x + y, 2))[0]"])
def test_extreme_of_tuples_refused_clearly(call):
    # Python compares tuples item after item: refused at the call, where the rule of max(a, b) of
    # sequences reported an error in backgen
    with pytest.raises(backgen.BackgenError, match=r"of tuples compares them item after item"):
        backgen.generate(f"def f(x, y):\n    return {call}\n")


def test_extreme_of_numbers_written_out_still_followed():
    assert_right("def f(x, y):\n    return max((x * y, x + y)) + min([x, y * 2.0])\n", [0.7, -0.4])


# --- a starred name read after the assignment ----------------------------------------------------


@pytest.mark.parametrize("unpack, use", [
    ("x, y, *rest = p", "x * y + sum(rest)"),
    ("*init, last = p", "last * sum(init)"),
    ("first, *mid, last = p", "first * last + sum(v * v for v in mid)"),
])
def test_starred_name_of_a_list_of_numbers(unpack, use):
    # the slice makes the code shape-generic: the gradient of the list is an array of its numbers
    source = f"def f(p):\n    {unpack}\n    return {use}\n"
    generated = {}
    exec(backgen.generate(source), generated)
    p = [0.7, -0.4, 1.3, 2.0]
    want = finite_differences(_forward(source, "f"), [p], [0], (1.0,))[0]
    assert_close(np.asarray(generated["f_backward"](list(p))), np.asarray(want), rtol=1e-5, atol=1e-6)
    assert_right(source, [np.array(p)])


def test_starred_rows_of_an_array(tmp_path):
    source = '''
        def f(x):
            head, *tail = x
            return np.sum(head * np.stack(tail))
    '''
    x = RNG.normal(size=(3, 2))
    assert_right(source, [x])
    assert_right_decorated(source, [x], tmp_path, dout=1.0)


def test_starred_name_keeps_a_lists_meaning():
    # tail is a list, as Python makes it: tail * 2 repeats it (refused), it does not double the numbers
    with pytest.raises(backgen.BackgenError, match="repeating a list"):
        backgen.generate("def f(x):\n    head, *tail = x\n    tail = tail * 2\n    return head * sum(tail)\n")


# --- an item of a list assigned anew: the list changes, not the arrays it holds ------------------

BUILT = '''
def f(x, w):
    rows = []
    for v in (x, w):
        rows.append(v * 1.0)
    a = rows[0]
    rows[0] = rows[0] + w
    return np.sum(a * rows[0])
'''


def test_name_of_an_item_keeps_the_array_when_the_item_is_assigned_anew(tmp_path):
    # a holds the array rows[0] held: the assignment gives the list a new item and leaves that array
    # alone (the decorator's gradient took a for the new item)
    assert_right_decorated(BUILT, [X3, X3[::-1].copy()], tmp_path)
    assert_right(BUILT, [X3, X3[::-1].copy()])


@pytest.mark.parametrize("build", [
    "vals = [v for v in x]",
    "vals = list(x)",
    "vals = []\n    for i in range(3):\n        vals.append(x[i])",
])
def test_item_of_a_list_made_from_an_array_assigned_anew(build, tmp_path):
    # x is not written into (refused: "'x' may have been changed by the write into 'vals'")
    source = f"def f(x):\n    {build}\n    vals[0] = vals[0] * 5\n    return sum(v ** 2 for v in vals) + np.sum(x)\n"
    assert_right(source, [X3])
    assert_right_decorated(source, [X3], tmp_path)


def test_rows_of_a_list_assigned_anew_leave_the_array():
    assert_right('''
        def f(x, w):
            y = x * 1.0
            rows = [r for r in y]
            rows[0] = rows[0] + w
            return np.sum(y ** 2) + np.sum(rows[0])
    ''', [RNG.normal(size=(3, 2)), RNG.normal(size=2)])


def test_item_written_in_place_still_refused_where_another_name_holds_it():
    # += on the item writes into its array, which a holds too
    with pytest.raises(backgen.BackgenError, match="'a' may have been changed by the write into 'rows'"):
        backgen.generate(BUILT.replace("rows[0] = rows[0] + w", "rows[0] += w"))


# --- d.get(key, default) of a dict the function builds -------------------------------------------


@pytest.mark.parametrize("source, args", [
    ("import math\ndef f(x, y):\n    table = {'a': x, 'b': y}\n    return table['a'] * table['b'] + table.get('a', 0.0)\n",
     [0.7, -0.4]),
    ("def f(x, y):\n    table = {'a': x * 1.0, 'b': y}\n    return np.sum(table['a'] * table.get('b', 1.0))\n",
     [X3, X3[::-1].copy()]),
])
def test_get_with_a_default_of_a_key_the_display_gives(source, args):
    assert_right(source, args)


@pytest.mark.parametrize("body", [
    "W = params.get('W')\n    b = params.get('b', 0.0)\n    return np.sum(np.tanh(X @ W + b))",
    "return np.sum(np.tanh(X @ params.get('W') + params.get('b')))",
    "return np.sum(np.tanh(X @ params.get('W') + params.get('c', 1.0)))",
])
def test_get_of_a_dict_of_arrays_given(body, tmp_path):
    # params.get('W') is params['W']; a key it lacks gives the default
    source = f"def f(params, X):\n    {body}\n"
    assert_right_decorated(source, [{"W": RNG.normal(size=(3, 2)), "b": RNG.normal(size=2)}, RNG.normal(size=(4, 3))],
                           tmp_path)


# --- xs.extend of a sequence other than a display ------------------------------------------------


@pytest.mark.parametrize("source, args", [
    ('''
def f(x, w):
    hs = []
    hs.extend([x * w, x + w])
    hs.extend(v * 2 for v in (x, w))
    return np.sum(np.stack(hs) ** 2)
''', [X3, X3[::-1].copy()]),
    ('''
def f(x, w):
    hs = [x]
    more = [np.tanh(x * w), w * 2]
    hs.extend(more)
    return np.sum(hs[0] * hs[2]) + np.sum(hs[1])
''', [X3, X3[::-1].copy()]),
    ('''
import math
def f(x, y):
    vals = [x]
    vals.extend(math.sin(k * y) for k in range(3))
    return sum(v * v for v in vals)
''', [0.7, -0.4]),
])
def test_extend_appends_each_item(source, args):
    assert_right(source, args)


def test_extend_of_itself_still_refused():
    with pytest.raises(backgen.BackgenError, match="a call standing alone"):
        backgen.generate("def f(x, w):\n    hs = [x * 1.0]\n    hs.extend(hs)\n    hs[0] *= w\n    return np.sum(hs[1])\n")


# --- tuple(xs) of a sequence ---------------------------------------------------------------------


@pytest.mark.parametrize("source, args", [
    ("def f(x, w):\n    hs = []\n    for i in range(3):\n        hs.append(x * w[i])\n    t = tuple(hs)\n"
     "    return np.sum(np.stack(t) ** 2) + np.sum(t[-1])\n", [X3, X3[::-1].copy()]),
    ("def f(x):\n    rows = tuple(x)\n    return np.sum(rows[0] * rows[1])\n", [RNG.normal(size=(2, 3))]),
    ("import math\ndef f(xs):\n    t = tuple(xs)\n    return t[0] * t[1] + sum(t)\n", [[0.7, -0.4, 1.3]]),
    ("def f(x, w):\n    t = tuple([x * w, x + w])\n    a, b = t\n    return np.sum(a * b)\n", [X3, X3[::-1].copy()]),
])
def test_tuple_of_a_sequence_holds_its_items(source, args):
    # as list(xs) does, where the call was refused as an unknown function
    assert_right(source, args)


# --- a list of a helper's caches filled in a loop, read after it -----------------------------------

CELL = '''
def cell(x, h, W):
    h_new = np.tanh(np.concatenate([x, h]) @ W)
    return h_new, (x, h, h_new)
'''


@pytest.mark.parametrize("read", ["sum(np.sum(c[2]) for c in caches)", "np.sum(caches[1][2])"])
def test_caches_filled_in_a_loop_are_no_values_after_it(read, tmp_path):
    # cell() returns (out, cache): the caches list holds no values backgen follows; reading it after
    # the loop is refused (the loop's end forgot it, and the sum of it had no gradient)
    source = CELL + f'''
def f(xs, W):
    h = np.zeros(2)
    caches = []
    for x in xs:
        h, c = cell(x, h, W)
        caches.append(c)
    return np.sum(h) + {read}
'''
    with pytest.raises(backgen.BackgenError, match="'caches' holds the cache cell\\(\\) returns"):
        backgen.generate(source)
    with pytest.raises(backgen.BackgenError, match="'caches' holds the cache cell\\(\\) returns"):
        decorated(source, tmp_path).backward([X3, X3[::-1].copy()], RNG.normal(size=(5, 2)))


def test_caches_filled_in_a_loop_and_only_kept_still_followed(tmp_path):
    source = CELL + '''
def f(xs, W):
    h = np.zeros(2)
    caches = []
    for x in xs:
        h, c = cell(x, h, W)
        caches.append(c)
    return np.sum(h * h)
'''
    assert_right_decorated(source, [[X3, X3[::-1].copy()], RNG.normal(size=(5, 2))], tmp_path)


# --- a list of a helper's tuples of values --------------------------------------------------------

BOTH = '''
def both(v, w):
    return v * w, v + w

def sized(v, w):
    return v * w, np.sum(v * v)
'''


@pytest.mark.parametrize("body", [
    "outs = []\n    for i in range(3):\n        outs.append(both(x[i], w))\n"
    "    total = 0.0\n    for p, q in outs:\n        total = total + np.sum(p * q)\n    return total",
    "outs = [both(x[i], w) for i in range(3)]\n    return sum(np.sum(p * q) for p, q in outs)",
    "outs = [both(x[i], w) for i in range(3)]\n    return np.sum(outs[1][0] * outs[2][1])",
    "outs = [sized(x[i], w) for i in range(3)]\n    return sum(np.sum(p) * q for p, q in outs)",
])
def test_list_of_a_helpers_tuples(body, tmp_path):
    # the list's gradient is a list of lists (0.0 * item of a tuple raised), each tuple's a list of
    # its values' gradients, of any shapes (np.zeros_like of a tuple of several shapes raised)
    source = BOTH + f"\ndef f(x, w):\n    {body}\n"
    args = [RNG.normal(size=(3, 3)), RNG.normal(size=3)]
    assert_right(source, args)
    assert_right_decorated(source, args, tmp_path)


def test_a_function_of_the_module_mapped(tmp_path):
    # map(pair, xs) calls pair: the decorator reads it as a helper (it was an unknown function there)
    source = '''
        def pair(v):
            return v * 2, v ** 2

        def f(x):
            results = list(map(pair, [x, x * 3]))
            return sum(np.sum(a * b) for a, b in results)
    '''
    func = decorated(textwrap.dedent(source), tmp_path)
    got = func.backward(X3)
    want = finite_differences(_forward(textwrap.dedent(source), "f"), [X3], [0], (1.0,))[0]
    assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_an_empty_dict_filled_with_tuples_in_a_loop_is_refused_clearly():
    # res[k] = ... in a loop was staged as a write into an array never made (the staged forward
    # raised UnboundLocalError); a dict of values is followed as a list of them is, but not one
    # whose entries are tuples
    with pytest.raises(backgen.BackgenError, match="puts a tuple or list of values into the dict res") as info:
        backgen.generate(BOTH + '''
def f(x, w):
    res = {}
    for k in range(1, 3):
        res[k] = both(x * k, w)
    return np.sum(res[1][0] * res[2][1])
''', name="f")
    assert info.value.text.strip() == "res[k] = both(x * k, w)"


# --- self.params.items() in a method ---------------------------------------------------------------

NET = '''
import numpy as np


class Net:
    def __init__(self, params, reg):
        self.params = params
        self.reg = reg

    def loss(self, X):
        h = X
        for i in range(1, 3):
            h = np.tanh(h @ self.params['W%d' % i] + self.params['b%d' % i])
        reg = 0.0
        for k, v in self.params.items():
            if k.startswith('W'):
                reg += np.sum(v * v)
        return np.sum(h) + 0.5 * self.reg * reg
'''


def test_items_of_a_dict_attribute_in_a_method(tmp_path):
    # refused as a loop of two names before the method was read as a function of self.params
    path = tmp_path / "net_items.py"
    path.write_text(NET)
    spec = importlib.util.spec_from_file_location("net_items", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.Net({k: v.copy() for k, v in PARAMS.items()}, 0.1)
    dparams, dX = backgen.backward(net.loss).backward(X53)

    def loss(params):
        clone = copy.copy(net)
        clone.params = params
        return module.Net.loss(clone, X53)
    want = finite_differences(loss, [net.params], [0], (1.0,))[0]
    assert_close(dparams, want, rtol=1e-5, atol=1e-6)
