"""SciPy's convolve2d and correlate2d, read as NumPy's windows of the image weighted by the kernel: each
gradient checked against central finite differences of SciPy's own forward, in every mode, for kernels
of odd and even sizes (where SciPy centres 'same' differently for the two)."""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, module_in

pytest.importorskip("scipy")


@pytest.mark.parametrize("kernel", [(3, 3), (2, 4)], ids=["odd", "even"])
@pytest.mark.parametrize("mode", ["valid", "full", "same"])
@pytest.mark.parametrize("function", ["convolve2d", "correlate2d"])
def test_both_operands_in_every_mode(function, mode, kernel):
    source = f'''
import numpy as np
from scipy.signal import {function}

def f(img, k):
    out = {function}(img, k, mode="{mode}")
    return np.sum(np.tanh(out) * np.cos(np.arange(out.size)).reshape(out.shape))
'''
    rng = np.random.default_rng(sum(kernel))
    assert_generated_right(source, [rng.normal(size=(6, 7)), rng.normal(size=kernel)])


@pytest.mark.parametrize("imports, call", [
    ("from scipy import signal", "signal.convolve2d(img * 2.0, k[:, ::-1])"),  # (SciPy's default mode, 'full')
    ("import scipy.signal", "scipy.signal.correlate2d(img, k, 'same', boundary='fill', fillvalue=0)"),
], ids=["module, operands computed", "dotted, keywords"])
def test_spelled_as_people_import_it(imports, call):
    source = f"import numpy as np\n{imports}\n\ndef f(img, k):\n    return np.sum({call} ** 2)\n"
    rng = np.random.default_rng(3)
    assert_generated_right(source, [rng.normal(size=(5, 5)), rng.normal(size=(3, 2))])


def test_the_decorator(tmp_path):
    source = '''
import numpy as np
from scipy.signal import convolve2d

def f(img, k):
    blurred = convolve2d(img, k, mode="same")
    return np.sum((blurred - img) ** 2)
'''
    f = module_in(tmp_path, source, "image_filters_blur").f
    rng = np.random.default_rng(4)
    args = [rng.normal(size=(6, 6)), rng.normal(size=(3, 3))]
    got = backgen.backward(f).backward(*args)
    want = finite_differences(f, args, range(2), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("call", ["convolve2d(img, k, boundary='wrap')", "convolve2d(img, k, fillvalue=1.0)",
                                  "convolve2d(img, k, mode=how)"])
def test_other_boundaries_and_modes_are_refused_at_the_call(call):
    source = f"import numpy as np\nfrom scipy.signal import convolve2d\n\ndef f(img, k, how='same'):\n" \
             f"    return np.sum({call})\n"
    with pytest.raises(backgen.BackgenError, match="with zeros outside the image") as caught:
        backgen.generate(source, name="f")
    assert caught.value.lineno == 5


def test_module_arrays_under_the_decorator_once_scipy_is_imported(tmp_path):
    # with scipy.stats imported (scipy.signal imports it), a name the module does not bind (float in
    # dtype=float) was read as scipy.stats's: its missing attribute NoneType was None too, so the
    # module's kernels were refused as globals, depending on what the process had imported before
    import scipy.signal  # noqa: F401 -- (what the failure needed: scipy.stats in sys.modules)
    source = '''
import numpy as np

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
SOBEL_Y = SOBEL_X.T

def f(img):
    gx = np.sum(img[:3, :3] * SOBEL_X)
    gy = np.sum(img[1:, 1:] * SOBEL_Y)
    return gx ** 2 + gy ** 2
'''
    f = module_in(tmp_path, source, "image_filters_sobel").f
    img = np.random.default_rng(8).normal(size=(4, 4))
    got = backgen.backward(f).backward(img)
    np.testing.assert_allclose(got, finite_differences(f, [img], [0], [1.0])[0], rtol=1e-6, atol=1e-8)
