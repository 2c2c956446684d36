"""Shapes the user gives (annotations, docstrings, shapes=) and the sample inputs made from them.

The code may run only at some sizes of the dimensions the shapes name: a size written in the code
(``np.eye(4)``, ``np.ones((3, 4)) * mask``), a product (``x.reshape(N, -1).dot(w)``), a multiple
(``a[:, H:2 * H]`` of a gate axis of 4 * H), small sizes (``np.ones((3, 2))[i]`` for ``i`` in
``range(N)``).  The sample inputs take such sizes, and the backward, written for the ranks, must
match central finite differences at the sizes the code runs at.  Where no sizes of the named
dimensions fit, the refusal names the line and the shapes declared.
"""

import math
import textwrap

import numpy as np
import pytest

import backgen
from every_way import deterministic
from numeric import finite_differences


def run_case(source, args, dout, shapes=None, name="f"):
    """The generated gradients and the finite differences of ``name`` in ``source`` at ``args``."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace[name]
    backward = deterministic(source, name, shapes)
    douts = dout if isinstance(dout, tuple) else (dout,)
    got = backward(*[a.copy() if isinstance(a, np.ndarray) else a for a in args], *douts)
    want = finite_differences(func, list(args), range(len(args)), douts)
    return (got if isinstance(got, tuple) else (got,)), want


def assert_right(source, args, dout, shapes=None, name="f", wrt=None):
    got, want = run_case(source, args, dout, shapes, name)
    for k, (g, w) in enumerate(zip(got, want)):
        if wrt is not None and k not in wrt:
            continue
        assert np.shape(g) == np.shape(w), f"gradient {k}: shape {np.shape(g)}, expected {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


RNG = np.random.default_rng(171)


def normal(*shape):
    return RNG.standard_normal(shape)


def test_a_size_written_in_the_code_gives_a_named_dimension_its_size():
    # a docstring's (D,) where the code adds np.eye(4): D is 4 (fuzz_real seed 171 programs 3, 131)
    source = '''
    def f(x, y, ls):
        """Forward pass.

        Inputs:
        - x: A numpy array of shape (D,)
        - y: A numpy array of shape (D,)
        - ls: (float) a number
        """
        diffs = x[:, None] - x[None, :]
        K = np.exp(-0.5 * diffs ** 2 / (ls * ls + 0.5)) + 0.5 * np.eye(4)
        alpha = np.linalg.solve(K, y)
        sign, logdet = np.linalg.slogdet(K)
        return -0.5 * np.dot(y, alpha) - 0.5 * logdet
    '''
    assert_right(source, [normal(4), normal(4), 0.7], 1.3)


def test_sizes_written_in_the_code_give_two_named_dimensions_theirs():
    # np.ones((3, 4)) * mask, mask of (N, D) given by shapes= (programs 105, 220)
    source = '''
    def f(x, mask, p):
        out = np.ones((3, 4)) * mask / p
        out = out.astype(x.dtype, copy=False)
        return out * x
    '''
    assert_right(source, [normal(3, 4), normal(3, 4), 0.8], normal(3, 4),
                 shapes={"x": "N, D", "mask": "N, D", "p": "float"})


def test_a_helper_is_written_for_the_arguments_of_the_sample_run_that_ran():
    # polar(x, np.linspace(-1.0, 1.0, 3)), x of (N,): N is 3; the helper's arguments recorded in the
    # sample run at N of 7, which failed, are not those it is written for (program 289)
    source = '''
    def polar(a, b):
        r = np.sqrt(a * a + b * b)
        th = np.arctan2(b, a)
        return (r, th)

    def f(x, y):
        x = x + 0.25
        r, th = polar(x, np.linspace(-1.0, 1.0, 3))
        r, th = (th, r)
        return (r * th, (r + 1.0).prod())
    '''
    assert_right(source, [np.array([1.02, -0.77, 0.77]), normal(3)], (normal(3), 0.9), shapes={"x": "N", "y": "N"})


def test_code_that_runs_at_small_sizes_only_gets_small_samples():
    # p[i ** 2 + 1] for i in range(N - 1) runs for N up to 3 only (program 300)
    source = '''
    def f(p: 'N, T', k: float):
        total = 0.0
        for i in range(p.shape[0] - 1):
            d = p[np.square(i) + 1] - p[np.square(i)]
            length = np.linalg.norm(d)
            total += 0.5 * k - (length - 1.0) ** 2
        return total
    '''
    assert_right(source, [normal(3, 2), 0.4], 1.0)
    # np.ones((3, 2))[i] - pos[j] for i in range(N): T is 2, N at most 3 (program 360)
    source = '''
    def f(pos):
        """- pos: A numpy array of shape (N, T)"""
        n = pos.shape[0]
        energy = 0.0
        for i in range(n):
            for j in range(i + 1, n):
                r = np.sqrt(np.sum((np.ones((3, 2))[i] - pos[j]) ** 2) + 1.0)
                sr6 = (0.9 / r) ** 6
                energy = energy + 4.0 * (sr6 * sr6 - sr6)
        return energy
    '''
    assert_right(source, [normal(3, 2)], 1.0)


def test_a_dimension_the_code_slices_in_four_is_four_times_another():
    # an LSTM step whose gates' axis is named G, not 4*H: a[:, H:2 * H] needs G of 4 * H (programs
    # 110, 408, 530)
    source = '''
    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-x))

    def f(x: 'N, D', prev_h: 'N, H', prev_c: 'N, H', Wx: 'D, G', Wh: 'H, G', b: 'G'):
        H = prev_h.shape[1]
        a = x.dot(Wx) + prev_h.dot(Wh) + b
        i = sigmoid(a[:, :H])
        f_gate = sigmoid(a[:, H:2 * H])
        o = sigmoid(a[:, 2 * H:3 * H])
        g = np.tanh(a[:, 3 * H:])
        next_c = f_gate * prev_c + i * g
        next_h = o * np.tanh(next_c)
        return (next_h, next_c)
    '''
    args = [normal(2, 3), normal(2, 2), normal(2, 2), normal(3, 8), normal(2, 8), normal(8)]
    assert_right(source, args, (normal(2, 2), normal(2, 2)))


def test_a_dimension_the_code_multiplies_two_others_into():
    # x of (N, T, T) flattened to rows of T * T, which w of (D, M) takes: D is T * T (program 551)
    source = '''
    def f(x, w, b):
        N = x.shape[0]
        x_row = x.reshape(N, -1)
        out = x_row.dot(w) - b
        return out
    '''
    assert_right(source, [normal(3, 2, 2), normal(4, 5), normal(5)], normal(3, 5),
                 shapes={"x": "N, T, T", "w": "D, M", "b": "M"})


def test_sizes_the_code_writes_that_the_declared_shapes_contradict_are_refused_naming_them():
    # the sizes are written in the shapes given, not named: no sample fits, and the refusal says so at
    # the line, naming the shapes declared
    source = textwrap.dedent('''
    import numpy as np

    def f(x, w):
        y = x * 2.0
        return y * np.ones(5) + w
    ''')
    with pytest.raises(backgen.BackgenError, match=r"could not run the staged forward of f\(\) on inputs of the "
                                                   r"given shapes: ValueError: operands could not be broadcast "
                                                   r"together with shapes \(3,4\) \(5,\) ") as info:
        backgen.generate(source, shapes={"x": (3, 4), "w": "D"})
    assert info.value.lineno == 6
    assert "(shapes declared: x (3, 4), w (D,); this line runs at none of the sizes of D backgen tried: " \
           "check them against the code)" in str(info.value)


def test_code_refused_at_fitted_sizes_is_refused_or_split_as_at_any():
    # at the sizes the code asks (N of 3, D of 4) the two returns give shapes of their own (3,) and (4,):
    # what backgen does with such code where the forward runs (paths written apart), not a refusal for
    # the sample sizes (fuzz_real seed 172 program 178)
    source = '''
    def f(x, v):
        """Forward pass.

        Inputs:
        - x: A numpy array of shape (N, D)
        - v: A numpy array of shape (D,)
        """
        y = np.zeros((3, 4))
        y[[0, 0, 2]] += v
        np.add.at(y, [1, 1], x[0])
        if np.sum(v) > -1.0:
            return np.sum(y + x, axis=1)
        return np.sum(y * x, axis=0)
    '''
    v = np.array([-0.97, 1.17, 0.40, -0.74])
    assert_right(source, [normal(3, 4), v], normal(3))
    assert_right(source, [normal(3, 4), v - 1.0], normal(4))


@pytest.mark.parametrize("n", [0, 2])
def test_an_integer_parameter_indexing_a_short_axis_gets_a_small_sample(n):
    # n indexes the rows of X, of which there are 3: the integer's sample 3 was out of bounds, and
    # the refusal blamed the declared shapes (long fuzz seed 7, programs 25 and 112)
    source = """
        def f(X, s, n):
            a = np.sum(X[n]) - np.reciprocal(1.0 + X.T * X.T)
            a[:, 1] += s
            return a
        """
    namespace = {"np": np}
    exec(textwrap.dedent(source), namespace)
    backward = deterministic(textwrap.dedent(source), "f", {"X": (3, 4), "s": (), "n": int})
    X, dout = np.arange(12.0).reshape(3, 4) / 10 - 0.5, np.linspace(-1.0, 1.0, 12).reshape(4, 3)
    got = backward(X.copy(), 0.7, n, dout)
    want = finite_differences(lambda X, s: namespace["f"](X.copy(), s, n), [X, 0.7], [0, 1], (dout,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
