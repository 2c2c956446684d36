"""Shape-generic backwards (no shapes given) run where a value the code indexes is a number or a 0-d array.

Each forward is generated once without shapes, then run at several shapes, ranks among them 0 (a
NumPy number or a 0-d array, the output's gradient a Python float where the output is one number),
and compared with central differences.
"""

import numpy as np
import pytest

import backgen
from numeric import assert_close, gradient, weighted


def _module(text, name):
    namespace = {}
    exec(compile(text, f"<{name}>", "exec"), namespace)
    return namespace[name]


def check(source, *cases):
    text = backgen.generate(source, name="f")
    assert "Shape-generic" in text
    backward, forward = _module(text, "f_backward"), _module(source, "f")
    rng = np.random.default_rng(0)
    for args in cases:
        out = forward(*[np.copy(a) for a in args])
        dout = 1.3 if np.ndim(out) == 0 else rng.normal(size=np.shape(out))
        grads = backward(*args, dout)
        grads = grads if isinstance(grads, tuple) else (grads,)
        floats = [k for k, a in enumerate(args) if np.asarray(a).dtype.kind == "f"]  # (counts: no gradient)
        for k, got in zip(floats, grads):
            assert_close(np.asarray(got, dtype=float), gradient(weighted(forward, [dout]), list(args), k))
    return text


def test_selection_of_a_number_added_to_its_own_gradient():
    # x - x[x > 0] at x a number: _unbroadcast summed the gradient into a NumPy scalar, then written into
    check("import numpy as np\n\ndef f(x):\n    return x[x > 0] - x\n",
          (np.float64(0.5),), (np.array(0.5),), (np.float64(-0.5),), (np.array([1.0, -2.0]),),
          (np.array([0.3]),))


def test_selection_after_a_loop_of_a_number():
    check("import numpy as np\n\ndef f(x):\n    v = x\n    for i in range(2):\n        v = np.tanh(v * x)\n"
          "    s = np.sum(x * v, axis=0)\n    w = v[s > 0]\n    return w.max(axis=0, keepdims=True) - v\n",
          (np.float64(0.5),), (np.array(0.7),), (np.array([0.5, -0.3]),))


def test_write_through_a_mask_of_an_output_of_one_number():
    # x of rank 1: the output is a 0-d array, whose gradient dout is a float (dout[mask] failed)
    check("import numpy as np\n\ndef f(x):\n    v = x[..., 0]\n    out = np.zeros(v.shape)\n"
          "    out[v > 0] = v[v > 0]\n    return out\n",
          (np.array([1.0, 2.0]),), (np.array([-1.0, 2.0]),), (np.array([[1.0, 2.0], [-1.0, 0.5]]),))


def test_written_over_through_a_mask_at_rank_zero():
    # dout.copy() of a float dout
    check("import numpy as np\n\ndef f(x):\n    v = x.copy()\n    v[x > 0] = 0\n    return v\n",
          (np.array(1.0),), (np.array(-1.0),), (np.array([1.0, -2.0]),))
    check("import numpy as np\n\ndef f(x):\n    v = x.copy()\n    v[x > 0] = 0\n    return v * x\n",
          (np.array(1.0),), (np.array(-1.0),), (np.array([[1.0, -2.0]]),))


def test_count_also_an_index_is_checked_to_be_a_number():
    # np.roll(x, k) made k a count, its samples numbers: dx[k] = dout, wrong for k = [1, 1] (the forward runs)
    source = "import numpy as np\n\ndef f(x, k):\n    v = np.roll(x, k)\n    return x[k] * v[0]\n"
    text = check(source, (np.array([1.0, 2.0, 3.0]), 1), (np.array([[1.0, 2.0], [0.5, 3.0]]), 0))
    backward = _module(text, "f_backward")
    with pytest.raises(TypeError, match="written for numbers k"):
        backward(np.array([1.0, 2.0, 3.0]), np.array([1, 1]), np.ones(2))


def test_repetitions_checked_to_be_a_number():
    source = "import numpy as np\n\ndef f(x, k):\n    return np.repeat(x, k)\n"
    text = check(source, (np.array([1.0, 2.0, 3.0]), 2), (np.array([[1.0, 2.0], [0.5, 3.0]]), 1))
    with pytest.raises(TypeError, match="written for numbers k"):
        _module(text, "f_backward")(np.array([1.0, 2.0, 3.0]), np.array([1, 2, 1]), np.ones(4))


def test_count_read_only_where_an_array_raises_is_not_checked():
    text = check("import numpy as np\n\ndef f(x, k):\n    for i in range(k):\n        x = x * 2\n    return x[:k]\n",
                 (np.array([1.0, 2.0, 3.0]), 2), (np.array([[1.0, 2.0], [0.5, 3.0]]), 1))
    assert "np.ndim(k)" not in text


def test_convolve_of_a_number():
    # NumPy takes a number as a vector of one element: y[::-1], np.correlate and len() raised for one
    for mode in ("", ", 'same'", ", 'valid'"):
        check(f"import numpy as np\n\ndef f(x, y):\n    return np.convolve(x, y{mode})\n",
              (np.float64(0.5), np.float64(0.3)), (np.array(0.5), np.array([1.0, 2.0, 3.0])),
              (np.array([1.0, 2.0, 4.0]), np.array(2.0)), (np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0])),
              (np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0])))
