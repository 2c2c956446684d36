"""Shapes built by tuple arithmetic (``(b,) + (1,) * (len(x_shape) - 1)``, spread into ``reshape``) read
as the lists NumPy takes alike: each gradient checked against central finite differences."""

import numpy as np
import pytest

from numeric import assert_generated_right

EXTRACT = '''
import numpy as np

def extract(a, t, x_shape):
    b = t.shape[0]
    out = a[t]
    return out.reshape({shape})

def f(x, t, noise, alphas):
    x_noisy = extract(np.sqrt(alphas), t, x.shape) * x + extract(np.sqrt(1 - alphas), t, x.shape) * noise
    return np.sum(np.tanh(x_noisy) * noise)
'''


@pytest.mark.parametrize("shape", ["b, *((1,) * (len(x_shape) - 1))", "(b,) + (1,) * (len(x_shape) - 1)",
                                   "b, *([1] * (len(x_shape) - 1))"])
def test_a_schedule_read_at_timesteps_and_broadcast_over_an_image(shape):
    # a diffusion model's extract(): refused ("tuples are only supported as arguments of calls and in
    # indexing"; "starred arguments are not supported")
    rng = np.random.default_rng(5)
    args = [rng.normal(size=(3, 2, 4, 4)), np.array([4, 0, 4]), rng.normal(size=(3, 2, 4, 4)),
            rng.uniform(0.2, 0.8, size=6)]
    assert_generated_right(EXTRACT.format(shape=shape), args, wrt=[0, 2, 3])


def test_zeros_and_broadcasts_to_joined_shapes():
    source = '''
import numpy as np

def f(x: "3, 4", w: "3"):
    n = x.shape[0]
    pad = np.zeros((n,) + (2,) * 1)
    y = np.concatenate([x, pad], axis=1)
    wide = np.broadcast_to(w[:, None], (3,) + (6,) * 1)
    return np.sum(y * wide)
'''
    rng = np.random.default_rng(6)
    assert_generated_right(source, [rng.normal(size=(3, 4)), rng.normal(size=3)])
