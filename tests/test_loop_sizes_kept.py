"""A loop whose carried value changes shape at the declared sizes (``inputs`` of (T, N) made
``np.tanh(outputs)`` of (T, D) in a loop of one iteration) where the forward runs: the sample
sizes were fitted to make the shapes agree (N = D = T), and the backward written for them alone
raised at any other sizes (real-code mutants seed 176, program 61: an autograd network looping
over its layers).  Now the loop is written out as for any value that changes shape in one.
Checked against central finite differences in float64."""

import numpy as np

from test_never_wrong import assert_right

W1 = np.array([[0.9437, -0.5751, 0.8054, 0.8554], [0.919, -0.7448, 1.1343, 0.8231],
               [-1.0424, -0.3648, 0.5782, 0.3339]])
B1 = np.array([-0.67, 0.7965, 0.5348, -0.7698])
W2 = np.array([[0.7991, 0.4139], [-0.5209, -0.3792], [0.7557, 0.4308], [0.8823, 0.3684]])
B2 = np.array([-0.9983, 0.7385])
INPUTS = np.array([[0.4647, 0.4261, 1.0659], [0.6323, 0.3649, -1.1199]])


def test_layers_of_a_list_with_a_loop_of_one_iteration_in_each():
    assert_right('''
    def f(W1: 'N, D', b1: 'D', W2: 'D, T', b2: 'T', inputs: 'T, N'):
        params = [(W1, b1), (W2, b2)]
        for W, b in params:
            outputs = np.dot(inputs, W) + b
            for _k in range(1):
                inputs = np.tanh(outputs)
        return np.sum(inputs ** 2)
    ''', [W1, B1, W2, B2, INPUTS])


def test_two_loops_each_changing_the_shape_they_carry():
    assert_right('''
    def f(W1: 'N, D', b1: 'D', W2: 'D, T', b2: 'T', inputs: 'T, N'):
        outputs = np.dot(inputs, W1) + b1
        for _k in range(1):
            inputs = np.tanh(outputs)
        outputs = np.dot(inputs, W2) + b2
        for _k in range(1):
            inputs = np.tanh(outputs)
        return np.sum(inputs ** 2)
    ''', [W1, B1, W2, B2, INPUTS])


def test_a_loop_the_sizes_must_make_square_still_fits_them():
    # h @ W twice needs W square: the forward fails at distinct sizes, so they are fitted (H = D)
    W = np.array([[0.5, -0.3], [0.2, 0.8]])
    assert_right('''
    def f(h: 'N, D', W: 'D, H'):
        for _ in range(2):
            h = np.tanh(h @ W)
        return np.sum(h)
    ''', [np.array([[0.3, -0.6], [1.1, 0.4], [-0.2, 0.9]]), W])
