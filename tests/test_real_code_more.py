"""More functions as public code writes them (statistics, signal processing, SciPy's special
functions), each backward checked against central finite differences in float64, by
``generate`` (without shapes, and with them where that is another path) and by the decorator."""

import textwrap

import numpy as np
import pytest

import backgen
import real_sweep
from numeric import gradient

RNG = np.random.default_rng(20261203)


def _generated(source, function, shapes=None, wrt=None):
    namespace = {}
    exec(backgen.generate(textwrap.dedent(source), name=function, shapes=shapes, wrt=wrt), namespace)
    return namespace[f"{function}_backward"]


def _check(got, forward, args, wrt):
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(wrt)
    for g, k in zip(got, wrt):
        want = gradient(forward, args, k)
        assert np.shape(g) == np.shape(want)
        np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7)


VON_MISES = '''
import math
import numpy as np

def bessel_i0(kappa, terms=12):
    """I0 by its power series: math.factorial of the loop's count is a constant."""
    total = 0.0
    for k in range(terms):
        total += (kappa / 2) ** (2 * k) / math.factorial(k) ** 2
    return total

def von_mises_nll(mu, kappa, theta):
    return -np.sum(kappa * np.cos(theta - mu)) + len(theta) * np.log(2 * np.pi * bessel_i0(kappa))
'''


@pytest.mark.parametrize("shapes", [None, {"mu": "", "kappa": "", "theta": "N"}])
def test_factorial_of_a_count_in_numpy_code(shapes, tmp_path):
    """math.factorial(k) of a loop's count, in a module importing NumPy, is a constant (it was
    refused, "no derivative rule"); without shapes, theta read by len() is the array and mu and kappa
    numbers (kappa, an array, made the series' number an array and the output one)."""
    forward = real_sweep._module(VON_MISES, "von_mises", tmp_path)[0].von_mises_nll
    args = [0.4, 2.0, RNG.normal(size=7)]
    _check(_generated(VON_MISES, "von_mises_nll", shapes)(*args), forward, args, [0, 1, 2])
    _check(backgen.backward(forward).backward(*args), forward, args, [0, 1, 2])


def test_factorial_of_a_differentiated_number_in_numpy_code_is_refused():
    source = "import math\nimport numpy as np\n\ndef f(x, w):\n    return np.sum(w) * math.factorial(x)\n"
    with pytest.raises(backgen.BackgenError):
        backgen.generate(source, shapes={"x": "", "w": "3"})
