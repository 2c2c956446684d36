"""Parameters from which an operand that must be symmetric positive definite is computed
(``np.linalg.cholesky``'s, the rules' domain ``spd``) are sampled as such matrices where ``generate``
learns shapes from samples: a Gaussian process's kernel matrix given as an input was refused
("Matrix is not positive definite" on the sample).  Checked against central finite differences in
float64."""

import numpy as np

from test_never_wrong import assert_right

RNG = np.random.default_rng(5)
M = RNG.uniform(-0.5, 0.5, size=(4, 4))
K = M @ M.T + 4 * np.eye(4)
Y = np.array([0.3, -0.8, 1.1, 0.4])


def test_gaussian_process_negative_log_likelihood_of_a_given_kernel_matrix():
    assert_right('''
    def f(K: "4, 4", y: "4"):
        L = np.linalg.cholesky(K + 1e-6 * np.eye(4))
        alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
        return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))
    ''', [K, Y])


def test_cholesky_of_a_parameter_itself():
    assert_right('''
    def f(K: "4, 4"):
        return np.sum(np.linalg.cholesky(K) ** 2)
    ''', [K])


def test_a_parameter_the_definite_matrix_is_computed_from():
    assert_right('''
    def f(A: "4, 4", s: float):
        K = 0.5 * (A + A.T) + s * np.eye(4)
        L = np.linalg.cholesky(K)
        return np.sum(np.log(np.diag(L)))
    ''', [K, 0.3])
