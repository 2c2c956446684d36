"""Loss functions and activations as public NumPy code writes them: layers in CS231n's form
(``return out, cache``), losses returning ``(loss, dx)``, stable idioms.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, or asserted refused with a ``BackgenError`` and part of its message.
"""

import numpy as np
import pytest

from test_layer_acceptance import assert_close, layer_gradients

RNG = np.random.default_rng(31)


def _away(*shape):
    """Normal values kept at least 0.1 from 0 (the kink of a ReLU-like activation)."""
    v = RNG.standard_normal(shape)
    return np.where(np.abs(v) < 0.1, v + 0.3 * np.sign(v + 1e-9), v)


# --- a layer calling no NumPy, in a module importing it, is a layer of arrays ---------------------

PRELU_LAYERS = {
    "masked": '''
        import numpy as np

        def prelu_forward(x, alpha):
            mask = x > 0
            out = x * mask + alpha * x * (~mask)
            cache = (x, alpha, mask)
            return out, cache
    ''',
    "scaled": '''
        import numpy as np

        def prelu_forward(x, alpha):
            out = None
            out = alpha * x
            cache = (x, alpha)
            return out, cache
    ''',
    "added": '''
        import numpy as np

        def prelu_forward(x, alpha):
            out = x + alpha * x
            cache = (x, alpha)
            return out, cache
    ''',
}


@pytest.mark.parametrize("case", sorted(PRELU_LAYERS))
def test_a_layer_without_numpy_calls_unbroadcasts_a_learned_alpha_of_its_own_shape(case):
    # written for numbers, the backward gave dalpha = x * dout, of x's shape (4, 3), for alpha of shape (3,)
    x, alpha = _away(4, 3), RNG.uniform(0.1, 0.3, 3)
    got, want, _ = layer_gradients(PRELU_LAYERS[case], "prelu_forward", [x, alpha])
    assert_close(got, want)


def test_a_layer_without_numpy_calls_still_takes_numbers():
    got, want, _ = layer_gradients(PRELU_LAYERS["scaled"], "prelu_forward", [0.7, 0.25])
    assert_close(got, want)
