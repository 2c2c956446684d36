"""Values computed from a selection by a boolean mask whose length the data decides, but whose own
shape it does not (``mu = Xc.mean(axis=0)``: the rows reduced away), have gradients written as a
person writes them (``dmu = -dXcmmu.sum(axis=0)``), not summed at run time (``_unbroadcast``); and
a selection meeting operands that lack its axis, or have one element there, has the gradient of the
result itself.  Each backward is checked against central finite differences at masks selecting no
element, one, several and all of them, generated for each of those (the decorator's way) and for
the shapes given (``generate``)."""

import textwrap
import warnings

import numpy as np
import pytest

import backgen
from numeric import gradient, same_again
from test_mask_lengths import KMEANS, check

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (the mean of no element, unread)

RNG = np.random.default_rng(11)
X = RNG.normal(size=(6, 3))
LABELS = [np.zeros(6, int), np.array([0, 0, 1, 0, 0, 0]), np.array([1, 0, 1, 1, 0, 0]), np.ones(6, int)]


def generated(source, cases, wrt, shapes, name="f"):
    """``generate``'s backward for ``shapes``, checked at each of ``cases``; its text."""
    source = "import numpy as np\n" + textwrap.dedent(source)
    namespace = {"np": np}
    exec(source, namespace)
    func = namespace[name]
    params = func.__code__.co_varnames[:func.__code__.co_argcount]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = backgen.generate(source, name=name, wrt=[params[k] for k in wrt], shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name=name, wrt=[params[k] for k in wrt], shapes=shapes))
    back_space = {}
    exec(text, back_space)
    back = back_space[f"{name}_backward"]
    for args in cases:
        got = back(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        got = got if isinstance(got, tuple) else (got,)

        def objective(*values):
            return float(func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values]))
        for g, k in zip(got, wrt):
            want = gradient(objective, list(args), k)
            assert np.shape(g) == np.shape(want), text
            np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6, err_msg=text)
    return text


def both(source, cases, wrt, shapes):
    return check(source, cases, wrt), generated(source, cases, wrt, shapes)


NAIVE_BAYES = '''
def f(X, y, log_var):
    total = 0.0
    for c in range(2):
        Xc = X[y == c]
        mu = Xc.mean(axis=0)
        total += 0.5 * np.sum((Xc - mu) ** 2 / np.exp(log_var) + log_var)
    return total
'''


def test_class_means_read_as_written():
    log_var = 0.1 * RNG.normal(size=3)
    for text in both(NAIVE_BAYES, [(X, y, log_var) for y in LABELS], (0, 2), {"X": "N,D", "y": "N", "log_var": "D"}):
        assert "_unbroadcast(" not in text
        assert "dmu = -dXcmmu.sum(axis=0)" in text


def test_members_against_their_center():
    centers = RNG.normal(size=(2, 3))
    for text in both(KMEANS, [(X, centers, y) for y in LABELS], (0, 1), {"X": "N,D", "centers": "K,D", "labels": "N"}):
        assert "_unbroadcast(" not in text
        assert "dmembers = ddiff\n" in text


def test_two_selections_crossed():
    """p[None, :] - q[:, None]: each has one element along the other's axis, whatever its length."""
    source = '''
    def f(scores, labels):
        neg = scores[labels == 0]
        hardest = np.sort(neg)[::-1][:3]
        pos = scores[labels == 1]
        return np.mean(np.maximum(0, 1 + hardest[None, :] - pos[:, None]))
    '''
    scores = RNG.normal(size=6)
    masks = [np.array([1, 0, 0, 0, 0, 0]), np.array([1, 0, 1, 0, 0, 1]), np.array([0, 1, 1, 1, 1, 1])]
    for text in both(source, [(scores, y) for y in masks], (0,), {"scores": "N", "labels": "N"}):
        assert "_unbroadcast(" not in text
        assert ".sum(axis=0, keepdims=True)" in text and ".sum(axis=1, keepdims=True)" in text


def test_mean_kept_as_a_row():
    source = '''
    def f(X, y, w):
        Xc = X[y > 0]
        mu = Xc.mean(axis=0, keepdims=True)
        return np.sum((Xc - mu) ** 2 * w)
    '''
    w = RNG.normal(size=3)
    for text in both(source, [(X, y, w) for y in LABELS], (0, 2), {"X": "N,D", "y": "N", "w": "D"}):
        assert "_unbroadcast(" not in text


def test_reduced_along_another_axis_keeps_its_length():
    """Xc.sum(axis=1) still has Xc's rows: of a length the data decides."""
    source = '''
    def f(X, y, w):
        Xc = X[y > 0]
        r = Xc.sum(axis=1)
        return np.sum(r[:, None] * Xc * w)
    '''
    w = RNG.normal(size=3)
    both(source, [(X, y, w) for y in LABELS], (0, 2), {"X": "N,D", "y": "N", "w": "D"})


def test_total_of_one_selection_against_another():
    source = '''
    def f(X, y):
        a = X[y > 0].sum(axis=0)
        b = X[y == 0]
        return np.sum((b - a) ** 2)
    '''
    for text in both(source, [(X, y) for y in LABELS], (0,), {"X": "N,D", "y": "N"}):
        assert "_unbroadcast(" not in text


def test_products_contracting_the_rows():
    """Xc.T @ Xc and np.dot(r, Xc) contract the rows away: of a shape the data does not decide."""
    source = '''
    def f(X, y, W):
        Xc = X[y > 0]
        G = Xc.T @ Xc
        v = np.dot(Xc.sum(axis=1), Xc)
        return np.sum(G * W) + np.sum(v * W[0]) + np.sum(Xc @ W[1])
    '''
    W = RNG.normal(size=(3, 3))
    for text in both(source, [(X, y, W) for y in LABELS], (0, 2), {"X": "N,D", "y": "N", "W": "D,D"}):
        assert "_unbroadcast(" not in text


def test_transposed_selection_stays_right():
    """An operation whose axes are not followed (.T) keeps the mark: summed as it runs, right."""
    source = '''
    def f(X, y, w):
        Xc = X[y > 0]
        s = Xc.T * w[:, None]
        return np.sum(s.sum(axis=1) ** 2) + np.sum(Xc.T.sum(axis=1) * w)
    '''
    w = RNG.normal(size=3)
    both(source, [(X, y, w) for y in LABELS], (0, 2), {"X": "N,D", "y": "N", "w": "D"})


def test_selections_of_two_masks_meeting():
    """p[m] * q[n] of two masks: one may broadcast against the other; refused or right, never wrong."""
    source = '''
    def f(X, y, w):
        a = X[y > 0] * w
        b = X[y == 0].sum(axis=0)
        return np.sum(a * b) + np.sum(a.sum(axis=0) * b)
    '''
    w = RNG.normal(size=3)
    both(source, [(X, y, w) for y in LABELS], (0, 2), {"X": "N,D", "y": "N", "w": "D"})


HELPER = '''
import numpy as np

def step(p, q):
    return RETURNED

def f(b, c):
    BODY
'''
B = [np.array([0.5, 1.0, 2.0, 0.3]), np.array([0.5, -1.0, 2.0, 0.3]), np.array([-0.5, -1.0, 2.0, -0.3]),
     np.array([-0.5, -1.0, -2.0, -0.3])]
C = np.array([1.5, 0.7, -0.2, 0.9])


def helper_source(returned, body):
    return HELPER.replace("RETURNED", returned).replace("BODY", body)


@pytest.mark.parametrize("returned, body", [
    ("p[p > 0], q", "s, t = step(b, c)\n    return np.sum(s * 2.0) + np.sum(t)"),
    ("[p[p > 0], q]", "s, t = step(b, c)\n    return np.sum(s * 2.0) + np.sum(t)"),
    ("[p[p > 0], q]", "r = step(b, c)\n    return np.sum(r[0] * 2.0) + np.sum(r[1]) + np.sum(r[-1] ** 2)"),
    ("q, p[p > 0]", "t, s = step(b, c)\n    return np.sum(s ** 2) * np.sum(t)"),
])
def test_helper_returning_a_selection_with_another_array(returned, body, tmp_path):
    """A helper's tuple or list of a selection and an array of another length: the gradient of each item
    its own (a list of them, never one array of items of several lengths), every way."""
    from every_way import forward, generated as every_generated
    from numeric import check_gradients
    source = helper_source(returned, body)
    func = forward(source, "f", tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        backs = [every_generated(source, "f", given) for given in (None, {"b": "N", "c": "N"})]
        decorated = backgen.backward(func)
        for b in B:
            for back in backs:
                check_gradients(back(b, C), func, [b, C], [0, 1])
            check_gradients(decorated.backward(b, C, dout=1.0), func, [b, C], [0, 1])


@pytest.mark.parametrize("returned", ["p[p > 0], q", "[p[p > 0], q]"])
def test_helper_selection_times_other_item_refused(returned, tmp_path):
    from every_way import forward
    source = helper_source(returned, "s, t = step(b, c)\n    return np.sum(s * t)")
    with pytest.raises(backgen.BackgenError, match="is selected by a boolean mask"):
        backgen.generate(source, name="f", shapes={"b": "N", "c": "N"})
    with pytest.raises(backgen.BackgenError, match="is selected by a boolean mask"):
        backgen.backward(forward(source, "f", tmp_path)).backward(B[0], C, dout=1.0)


def test_selection_against_rows_and_columns_of_one():
    """p (its length the data's) meets W of shape (3, 1) and X[m] meets w[None, :]: broadcast along
    axes of one only, whatever the number of elements selected."""
    source = '''
    def f(x, X, y, W, w):
        p = x[y > 0]
        Xc = X[y > 0]
        return np.sum(np.tanh(p * W)) + np.sum((Xc * w[None, :]) ** 2)
    '''
    x = RNG.normal(size=6)
    W = RNG.normal(size=(3, 1))
    w = RNG.normal(size=3)
    for text in both(source, [(x, X, y, W, w) for y in LABELS], (0, 1, 3, 4),
                     {"x": "N", "X": "N,D", "y": "N", "W": "3,1", "w": "D"}):
        assert "_unbroadcast(" not in text
