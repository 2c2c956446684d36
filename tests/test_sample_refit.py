"""Sample sizes fitted to the code where the declared ones do not run it: an index past an axis's end
lengthens the axis (``x[20]`` of ``x: (B, N)``), but an index that grows with the sizes
(``x[np.argmax(x)]``, the flat index of a 3-D array used on its first axis) is refused at once, naming
the user's line, where the sizes were grown until a sample did not fit in memory (70 seconds, then a
message about memory).  Gradients checked against central finite differences in float64."""

import numpy as np
import pytest

import backgen
from test_never_wrong import assert_right


def test_an_index_growing_with_the_sizes_is_refused_at_once_at_its_line():
    with pytest.raises(backgen.BackgenError) as info:
        backgen.generate('''
def f(x: "B, N, D"):
    y = x * 2.0
    return y[np.argmax(y)]
''')
    assert info.value.lineno == 4 and "out of bounds for axis 0" in str(info.value)
    assert "memory" not in str(info.value)  # (the samples were grown to 362 GiB before)


def test_literal_indices_past_the_sample_sizes_still_lengthen_the_axis():
    assert_right('''
    def f(x: "B, N"):
        return np.sum(x[5] * x[20] + x[-30])
    ''', [np.linspace(-1.0, 1.0, 31 * 3).reshape(31, 3)])


def test_a_reshape_of_an_empty_array_without_shapes_is_refused_not_a_division_by_zero():
    # fuzz_wild seed 14, program 680: refitting the sample sizes to a reshape divided by a size of 0
    with pytest.raises(backgen.BackgenError, match="shapes of W, v are needed"):
        backgen.generate('''
import numpy as np

def f(W, v):
    q1 = W
    return q1 - np.log(1.0 + (v[2, 2] - np.hstack([q1[[0]].reshape(1, 1)[:, 0], np.diff(q1).reshape(2, 1)[:, 0]])) ** 2)
''')
