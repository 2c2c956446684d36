"""A log-softmax's pick written twice, the first pick overwritten before it is read (real-code mutants
seed 173, program 506: a duplicated line of CS231n's softmax loss): the pick that is read is fused
with the log-softmax; the one that is not was taken first and the second raised an internal error.
Checked against central finite differences in float64."""

import math
import textwrap

import numpy as np

import backgen
from numeric import gradient

X = np.array([[0.6459, 0.4825, -0.8609, -0.8881], [0.3846, -0.7248, -1.1464, 0.8491],
              [0.4415, 0.8895, 0.7924, -0.694]])
Y = np.array([1, 0, 2])


def assert_right_in_x(source):
    """The gradient in x of ``f(x, y)``, y integer labels, matches central differences."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    generated = {}
    exec(compile(backgen.generate(source), "<generated>", "exec"), generated)
    got = generated["f_backward"](X.copy(), Y.copy())
    np.testing.assert_allclose(got, gradient(namespace["f"], [X.copy(), Y], 0), rtol=1e-6, atol=1e-8)


def test_a_pick_of_the_log_softmax_written_twice():
    assert_right_in_x('''
    def f(x: "3, 4", y: "int 3"):
        shifted_logits = x - np.max(x, axis=1, keepdims=True)
        Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
        log_probs = shifted_logits - np.log(Z)
        N = x.shape[0]
        loss = -np.sum(log_probs[np.arange(N), y]) / N
        loss = -np.sum(log_probs[np.arange(N), y]) / N
        return loss
    ''')


def test_a_pick_read_and_another_not():
    assert_right_in_x('''
    def f(x: "3, 4", y: "int 3"):
        log_probs = x - np.max(x, axis=1, keepdims=True)
        log_probs = log_probs - np.log(np.sum(np.exp(log_probs), axis=1, keepdims=True))
        unused = log_probs[np.arange(3), y]
        picked = log_probs[np.arange(3), y]
        return -np.mean(picked)
    ''')
