"""``sliding_window_view`` (NumPy's windows of an array, the fast spelling of a convolution or a
moving average): differentiated, each window's gradient added back where it reads the array, with
shapes declared, without them and by the decorator; checked against central finite differences in
float64.  Its windows are a read-only view: a write into the array they view is refused where they
are read after it, and windows made writeable are refused."""

import importlib.util
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_backward_right, finite_differences

RNG = np.random.RandomState(9)

CONV = """
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view
    def f(x{x}, w{w}):
        windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))
        return np.einsum("nchwij,fcij->nfhw", windows, w)
"""


@pytest.mark.parametrize("x, w", [(': "N, C, H, W"', ': "F, C, HH, WW"'), (': (2, 3, 5, 6)', ': (4, 3, 2, 3)'),
                                  ("", "")])
def test_a_convolution_by_windows(x, w):
    module = assert_backward_right(CONV.format(x=x, w=w), [RNG.randn(2, 3, 5, 6), RNG.randn(4, 3, 2, 3)], RNG)
    assert "_unwindowed(dwindows, x, " in module


@pytest.mark.parametrize("spelled, imported", [
    ("sliding_window_view", "from numpy.lib.stride_tricks import sliding_window_view"),
    ("stride_tricks.sliding_window_view", "from numpy.lib import stride_tricks"),
    ("st.sliding_window_view", "import numpy.lib.stride_tricks as st"),
    ("np.lib.stride_tricks.sliding_window_view", ""),
])
def test_each_spelling_of_the_function(spelled, imported):
    assert_backward_right(f"""
        import numpy as np
        {imported}
        def f(x: "2, 7", k: "3"):
            return np.sum(np.tanh({spelled}(x, 3, axis=-1) @ k))
    """, [RNG.randn(2, 7), RNG.randn(3)], RNG)


@pytest.mark.parametrize("declared", [True, False])
def test_windows_over_every_axis_pooled_by_their_maximum(declared):
    assert_backward_right(f"""
        import numpy as np
        def f(x{': "5, 4"' if declared else ''}):
            w = np.lib.stride_tricks.sliding_window_view(x, (2, 2))
            return np.sum(np.max(w, axis=(-1, -2)) ** 2)
    """, [RNG.randn(5, 4)], RNG)


def test_a_moving_average_by_the_decorator(tmp_path):
    path = tmp_path / "moving.py"
    path.write_text(textwrap.dedent("""
        import numpy as np
        import backgen
        from numpy.lib.stride_tricks import sliding_window_view

        @backgen.backward
        def f(x, n=3):
            return np.sum(sliding_window_view(x, n).mean(axis=-1) ** 2)
    """))
    spec = importlib.util.spec_from_file_location("moving", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = RNG.randn(8)
    for n in (2, 3, 8):
        got = module.f.backward(x, n)
        got = got[0] if isinstance(got, tuple) else got
        want, = finite_differences(lambda v: module.f(v.copy(), n), [x], [0], [1.0])
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("declared", [True, False])
def test_a_write_into_the_array_the_windows_view_is_refused(declared):
    with pytest.raises(backgen.BackgenError, match="'win' may have been changed by the write into 'y'"):
        backgen.generate(textwrap.dedent(f"""
            import numpy as np
            from numpy.lib.stride_tricks import sliding_window_view
            def f(x{': "6"' if declared else ''}):
                y = x * 1.0
                win = sliding_window_view(y, 3)
                y[0] = 5.0
                return np.sum(win ** 2)
        """))


def test_writeable_windows_are_refused():
    with pytest.raises(backgen.BackgenError, match="differentiated read-only"):
        backgen.generate(textwrap.dedent("""
            import numpy as np
            def f(x: "5, 4"):
                return np.sum(np.lib.stride_tricks.sliding_window_view(x, (2, 2), writeable=True))
        """))
