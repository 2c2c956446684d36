"""The numbers of ``scipy.constants`` read as module constants: imported by name, read through the module,
by ``generate`` and by the decorator; gradients against central differences."""

import math

import numpy as np
import pytest

import backgen
from numeric import gradient, imported

constants = pytest.importorskip("scipy.constants")

SOURCE = '''
import math

import numpy as np
from scipy.constants import h, c, k
import scipy.constants as const
import scipy.constants


def planck(lam, T):
    """Spectral radiance of a black body."""
    return 2 * h * c**2 / lam**5 / (math.exp(h * c / (lam * k * T)) - 1)


def planck_through_the_module(lam, T):
    return 2 * const.h * const.c**2 / lam**5 / (np.exp(const.h * const.c / (lam * const.k * T)) - 1)


def thermal_speed(T, m):
    h = 0.5  # (a name of the function's own: the constant read through the module gets another)
    return h * math.sqrt(8 * scipy.constants.k * T / (math.pi * m)) + const.g * m + const.h * 1e33 * T
'''

POINTS = {"planck": (5e-7, 5000.0), "planck_through_the_module": (5e-7, 5000.0), "thermal_speed": (300.0, 4.65e-26)}


@pytest.mark.parametrize("name", sorted(POINTS))
def test_generated_with_the_constants_numbers(name, tmp_path):
    text = backgen.generate(SOURCE, name=name)
    assert f"c = {constants.c!r}" in text or name == "thermal_speed"
    namespace = {}
    exec(text, namespace)
    module = imported(SOURCE, "physical")
    forward = module[name]
    args = list(POINTS[name])
    got = namespace[f"{name}_backward"](*args, dout=1.0)
    for k, g in enumerate(got):
        want = gradient(forward, args, k, eps=1e-6 * abs(args[k]))
        np.testing.assert_allclose(g, want, rtol=1e-5)
    decorated = backgen.backward(forward).backward(*args)
    np.testing.assert_allclose(decorated, got, rtol=1e-9)


def test_a_constant_read_through_the_module_takes_a_name_nothing_else_uses():
    text = backgen.generate(SOURCE, name="thermal_speed")
    assert "\nconst_h = 6.62607015e-34" in text  # (h: the function's own)
    assert "\nscipy_constants_k = 1.380649e-23" in text  # (k: the module's import)
    assert "\ng = 9.80665" in text
    assert math.isclose(constants.g, 9.80665)
