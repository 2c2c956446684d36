"""Values selected by a boolean mask (``x[x > 0]``, ``X[y == c]``) meeting other operands in
elementwise broadcasting arithmetic, or written into a part a mask selects: their length is known
only as the code runs (0, 1 or many elements, broadcast or not), so their gradients are summed to
their shapes as it runs (``_unbroadcast(g, Xc)``).  Each backward is generated for the arguments of
one case (``check``: of each case in turn) and checked against central finite differences at every
case: masks selecting no element, one, several and all of them."""

import textwrap

import numpy as np
import pytest

import backgen
from backgen.api import compile_backward
from numeric import gradient


def backward(source, sample, wrt, name="f"):
    """The backward generated for the arguments ``sample`` (their shapes, the mask's length there)."""
    source = "import numpy as np\n" + textwrap.dedent(source)
    back, text, _ = compile_backward(source, wrt=list(wrt), name=name, args=sample)
    assert text == compile_backward(source, wrt=list(wrt), name=name, args=sample)[1]  # deterministic
    return back, text


def check(source, cases, wrt, name="f"):
    """The backward generated for each of ``cases`` as the sample matches finite differences at
    each of them (the same shapes, other masks)."""
    for sample in cases:
        text = check_from(source, sample, cases, wrt, name)
    return text


def check_from(source, sample, cases, wrt, name="f"):
    namespace = {"np": np}
    exec(textwrap.dedent(source), namespace)
    func = namespace[name]
    params = func.__code__.co_varnames[:func.__code__.co_argcount]
    back, text = backward(source, sample, [params[k] for k in wrt], name)
    for args in cases:
        out = func(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        dout = np.linspace(0.5, 1.5, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 1.0
        copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        got = back(*copies, *((dout,) if np.ndim(out) else ()))
        got = got if isinstance(got, tuple) else (got,)
        for before, after in zip(args, copies):
            if isinstance(before, np.ndarray):
                np.testing.assert_array_equal(before, after)

        def objective(*values, dout=dout):  # (on copies: the forward may write into its arguments)
            return float(np.sum(func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values]) * dout))
        for g, k in zip(got, wrt):
            want = gradient(objective, list(args), k)
            assert np.shape(g) == np.shape(want), (np.shape(g), np.shape(want), text)
            np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6, err_msg=text)
    return text


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (the mean of no element, unread)

RNG = np.random.default_rng(7)
X = RNG.normal(size=(6, 3))
LABELS = [np.zeros(6, int), np.array([0, 0, 1, 0, 0, 0]), np.array([1, 0, 1, 1, 0, 0]), np.ones(6, int)]


def test_centred_selection():
    source = '''
    def f(X, y, w):
        Xc = X[y > 0]
        mu = Xc.mean(axis=0)
        return np.sum((Xc - mu) ** 2 * w)
    '''
    w = RNG.normal(size=3)
    text = check(source, [(X, y, w) for y in LABELS], wrt=(0, 2))
    assert "_unbroadcast(" not in text  # (mu has no axis of the rows: summed as a person writes it)


def test_selection_against_fixed_length():
    """x[m] of one element broadcasts against w of four, or has four elements itself."""
    source = '''
    def f(x, m, w):
        a = x[m > 0]
        return np.sum(np.tanh(a * w + 0.5 * a))
    '''
    x, w = RNG.normal(size=5), RNG.normal(size=4)
    check(source, [(x, m, w) for m in (np.array([0, 0, 1, 0, 0]), np.array([1, 1, 0, 1, 1]))], wrt=(0, 2))


def test_selection_against_fixed_rows():
    source = '''
    def f(X, y, W):
        rows = X[y > 0]
        return np.sum((rows - W) ** 2)
    '''
    W = RNG.normal(size=(3, 3))
    cases = [(X, y, W) for y in (np.array([0, 0, 1, 0, 0, 0]), np.array([1, 0, 1, 1, 0, 0]))]
    check(source, cases, wrt=(0, 2))


def test_two_selections_outer():
    source = '''
    def f(scores, labels):
        neg = scores[labels == 0]
        pos = scores[labels == 1]
        return np.sum(np.maximum(0, 1 + neg[None, :] - pos[:, None]))
    '''
    s = RNG.normal(size=6)
    check(source, [(s, y) for y in LABELS], wrt=(0,))


def test_two_selections_elementwise():
    """Two masks' selections multiplied: of one length, or one of them of one element."""
    source = '''
    def f(a, b, m, n):
        return np.sum(a[m > 0] * b[n > 0] + a[m > 0])
    '''
    a, b = RNG.normal(size=5), RNG.normal(size=5)
    masks = [(np.array([1, 0, 1, 0, 1]), np.array([0, 1, 1, 1, 0])), (np.array([0, 0, 1, 0, 0]), np.array([1, 1, 0, 1, 1])),
             (np.array([1, 1, 0, 1, 1]), np.array([0, 0, 0, 1, 0])), (np.array([0, 0, 0, 0, 0]), np.array([0, 0, 0, 0, 0]))]
    check(source, [(a, b, m, n) for m, n in masks], wrt=(0, 1))


KMEANS = '''
    def f(X, centers, labels):
        total = 0.0
        for k in range(centers.shape[0]):
            members = X[labels == k]
            total += np.sum((members - centers[k]) ** 2)
        return total
    '''
KMEANS_LABELS = [np.array([0, 0, 0, 0, 0, 0]), np.array([0, 1, 0, 0, 2, 0]), np.array([0, 1, 2, 0, 1, 2])]


def test_kmeans_members_in_loop():
    C = RNG.normal(size=(3, 3))
    check(KMEANS, [(X, C, y) for y in KMEANS_LABELS], wrt=(0, 1))


def test_selection_against_axes_of_one():
    source = '''
    def f(X, y, c, b):
        rows = X[y > 0]
        return np.sum(np.sin(rows * c) + b / (2.0 + rows ** 2))
    '''
    c, b = RNG.normal(size=(1, 3)), RNG.normal(size=(1, 1))
    check(source, [(X, y, c, b) for y in LABELS], wrt=(0, 2, 3))


def test_where_on_selection():
    source = '''
    def f(x, y, w):
        a = x[y > 0]
        return np.sum(np.where(a > 0, a * w, 0.1 * w))
    '''
    x, w = RNG.normal(size=(6, 3)), RNG.normal(size=(1, 3))
    check(source, [(x, y, w) for y in LABELS], wrt=(0, 2))


def test_selection_broadcast_along_other_axis_stays_marked():
    """rows * c of c (1, 3) has rows's length: generated where the mask selects one row, its
    gradient must not be summed to one row where the mask selects three (it was: a wrong gradient)."""
    source = '''
    def f(X, y, c):
        rows = X[y > 0]
        return np.sum(np.sin(rows * c) + rows ** 2)
    '''
    c = RNG.normal(size=(1, 3))
    check_from(source, (X, LABELS[1], c), [(X, y, c) for y in LABELS], wrt=(0, 2))


def check_generic(source, cases, wrt, name="f"):
    """The shape-generic backward (``generate`` without shapes) matches finite differences at each of
    ``cases``."""
    source = "import numpy as np\n" + textwrap.dedent(source)
    namespace = {}
    exec(source, namespace)
    func = namespace[name]
    params = func.__code__.co_varnames[:func.__code__.co_argcount]
    text = backgen.generate(source, name=name, wrt=[params[k] for k in wrt])
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    for args in cases:
        got = generated[f"{name}_backward"](*args)
        got = got if isinstance(got, tuple) else (got,)
        for g, k in zip(got, wrt):
            want = gradient(lambda *a: float(np.sum(func(*a))), list(args), k)
            assert np.shape(g) == np.shape(want), (np.shape(g), np.shape(want), text)
            np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6, err_msg=text)


def test_generic_naive_bayes():
    source = '''
    def f(X, y, log_var, n_classes=2):
        total = 0.0
        for c in range(n_classes):
            Xc = X[y == c]
            mu = Xc.mean(axis=0)
            total += 0.5 * np.sum((Xc - mu) ** 2 / np.exp(log_var) + log_var)
        return total
    '''
    log_var = 0.1 * RNG.normal(size=3)
    check_generic(source, [(X, y, log_var) for y in LABELS], wrt=(0, 2))
    check(source, [(X, y, log_var, 2) for y in LABELS], wrt=(0, 2))


def test_generic_hinge_of_hardest():
    source = '''
    def f(scores, labels, k=3):
        neg = scores[labels == 0]
        hardest = np.sort(neg)[::-1][:k]
        pos = scores[labels == 1]
        return np.mean(np.maximum(0, 1 + hardest[None, :] - pos[:, None]))
    '''
    s = RNG.normal(size=6)
    cases = [(s, y) for y in (np.array([1, 0, 1, 1, 0, 0]), np.array([1, 0, 0, 0, 0, 0]), np.array([0, 1, 1, 1, 1, 1]),
                              np.array([1, 0, 0, 1, 0, 0]))]
    check_generic(source, cases, wrt=(0,))
    check(source, [case + (3,) for case in cases], wrt=(0,))


def test_generic_kmeans():
    C = RNG.normal(size=(3, 3))
    check_generic(KMEANS, [(X, C, y) for y in KMEANS_LABELS], wrt=(0, 1))


# --- writes into a part a mask selects -----------------------------------------------------------

def test_rows_a_mask_selects_added_to():
    source = '''
    def f(X, w, b):
        X = X * 1.0
        X[X[:, 0] > 0] += w * b
        return np.sin(X)
    '''
    w, b = RNG.normal(size=3), RNG.normal(size=1)
    signs = [np.array([[-1.0], [-1.0], [-1.0], [-1.0]]), np.array([[-1.0], [1.0], [-1.0], [-1.0]]),
             np.array([[1.0], [1.0], [-1.0], [1.0]]), np.ones((4, 1))]
    base = np.abs(RNG.normal(size=(4, 3))) + 0.1
    check(source, [(base * s, w, b) for s in signs], wrt=(0, 1, 2))


def test_a_selection_written_into_a_part_another_mask_selects():
    source = '''
    def f(v, w):
        x = v * 1.0
        x[w > 0.0] = v[v > 0.3]
        return x * w
    '''
    cases = [(np.array([0.5, -0.2, 0.1, 0.9]), np.array([1.0, -1.0, -1.0, 2.0])),  # two into two
             (np.array([0.5, -0.2, 0.1, 0.2]), np.array([1.0, -1.0, 0.5, 2.0])),  # one into three
             (np.array([0.5, 0.4, 0.7, 0.9]), np.array([1.0, 1.5, 0.5, 2.0])),  # all into all
             (np.array([0.1, -0.2, 0.1, 0.2]), np.array([-1.0, -1.0, -0.5, -2.0]))]  # none into none
    check(source, cases, wrt=(0, 1))


def test_rows_selected_by_one_mask_written_into_rows_of_another():
    source = '''
    def f(X, w):
        X = X * 1.0
        X[X[:, 0] > 0] = X[w[:, 0] > 0] * 2.0
        return np.sin(X)
    '''
    X0 = np.abs(RNG.normal(size=(4, 3))) + 0.1
    cases = [(X0 * np.array([[1.0], [-1.0], [1.0], [-1.0]]), np.array([[1.0], [-1.0], [-1.0], [2.0]])),
             (X0 * np.array([[1.0], [-1.0], [-1.0], [-1.0]]), np.array([[-1.0], [-1.0], [-1.0], [2.0]])),
             (X0 * np.array([[1.0], [1.0], [1.0], [-1.0]]), np.array([[-1.0], [-1.0], [-1.0], [2.0]])),
             (X0, np.ones((4, 1)))]
    check(source, cases, wrt=(0, 1))


def test_a_selection_of_other_lengths_on_other_paths_is_still_refused():
    source = '''
    import numpy as np
    def f(b: "3", c: "3"):
        m = b > 0
        p = b[m]
        for i in range(int(c[0] > 0)):
            p = c * 1.0
        return np.sum(p * c[m])
    '''
    with pytest.raises(backgen.BackgenError, match="'p' is selected by a boolean mask") as info:
        backgen.generate(textwrap.dedent(source), name="f")
    assert info.value.lineno == 8


def test_spread_and_differences_of_a_selection_one_element_long_at_the_samples():
    # the std, var and diff rules took the sample's one selected element for a size of 1 everywhere: the
    # std's gradient was written as zeros (long fuzz seed 2026120436, program 19221), the diff's raised
    source = '''
    def f(x, y):
        s = x[y > 0]
        return np.sum(np.diff(s, n=2) ** 2) + s.var() + s.std() + np.std(s[:, None], axis=0)[0]
    '''
    x = np.array([0.3, -0.9, 0.8, 0.2, 0.6])
    masks = [np.array([1, 0, 0, 0, 0]), np.array([1, 1, 0, 1, 0]), np.ones(5, int), np.array([0, 1, 1, 1, 1])]
    check(source, [(x, y) for y in masks], wrt=(0,))
