"""Regressions found by the wild fuzzer (``tests/wild_programs.py``, ``benchmarks/fuzz_wild.py``),
each the hand-minimized program, checked against central finite differences in float64."""

import numpy as np

import backgen

from numeric import finite_differences, assert_close


def _backward(source, shapes=None):
    ns = {}
    exec(backgen.generate(source, shapes=shapes), ns)
    return ns["f_backward"]


def _no_guard_or_right(backward, args, douts, forward, wrt):
    """The backward, run on arrays, either refuses them (the guard of code written for numbers, a
    TypeError naming them) or gives the gradients of ``forward`` and leaves ``args`` and ``douts`` alone."""
    given = [np.copy(d) for d in douts]
    kept = [np.copy(a) for a in args]
    try:
        grads = backward(*args, *given)
    except TypeError as exc:
        assert "is written for numbers" in str(exc)
        return
    for before, after in zip(douts, given):
        np.testing.assert_array_equal(before, after)
    for before, after in zip(kept, args):
        np.testing.assert_array_equal(before, after)
    want = finite_differences(forward, args, wrt, douts)
    assert_close(grads if isinstance(grads, tuple) else (grads,), tuple(want))


def test_a_parameter_returned_twice_without_shapes_leaves_dout_alone():
    """``return x, x`` uses no NumPy, so its code is written for numbers: ``dx = dout1; dx += dout2``.
    Given arrays, that added into the caller's ``dout1``; x is read neither as a number nor as a
    sequence, so the guard refusing arrays was left out."""
    source = "import numpy as np\n\ndef f(x):\n    return x, x\n"
    backward = _backward(source)
    assert backward(2.0, 0.5, 0.25) == 0.75
    x = np.array([[0.5, -1.0], [2.0, 0.3]])
    douts = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.5, 0.5], [0.5, -0.5]])]
    _no_guard_or_right(backward, [x], douts, lambda x: (x, x), [0])


def test_a_parameter_returned_beside_a_helper_of_it():
    """The same where the second contribution comes from a helper's backward: ``dx = dout2`` then
    ``dx += dx_h``, which added into the caller's ``dout2``."""
    source = "import numpy as np\n\ndef h(a):\n    return a\n\ndef f(x):\n    return h(x), x\n"
    backward = _backward(source)
    x = np.array([0.5, -1.0, 2.0])
    douts = [np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.25, -0.5])]
    _no_guard_or_right(backward, [x], douts, lambda x: (x, x), [0])


def test_a_helper_returning_its_parameter_called_twice():
    """``return h(x), h(x)`` with ``h(a)`` returning ``a``: ``dx = h_backward(x, dout2)`` is ``dout2``
    itself, and ``dx += dx_h`` added into the caller's ``dout2``."""
    source = "import numpy as np\n\ndef h(a):\n    return a\n\ndef f(x):\n    return h(x), h(x)\n"
    backward = _backward(source)
    assert backward(2.0, 0.5, 0.25) == 0.75
    x = np.array([0.5, -1.0, 2.0])
    douts = [np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.25, -0.5])]
    _no_guard_or_right(backward, [x], douts, lambda x: (x, x), [0])
