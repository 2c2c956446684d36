"""An index by a value that certainly holds an integer is a basic one, and the row it takes a view:
``j = i + 1``, ``n = x.shape[0] - 1``, ``len(x) // 2``, ``int(i)``, ``round(v)``, and a while loop's
counter (``i = 0``, then ``i += 1``).  A write through the view (``r = out[j]; r *= 2.0``) reaches ``out``, as NumPy has it.
These were refused ("an index that may be an array").  A parameter declared ``bool`` is a number but no
integer to NumPy's indexing: ``out[flag]`` is an advanced index, a new array, and a write into it leaves
``out`` as it was; it was taken for a view (a wrong gradient).  Each case is checked against central
finite differences in float64, or refused."""

import textwrap

import numpy as np
import pytest

import backgen
from test_never_wrong import assert_refused, assert_right

X = np.linspace(-0.9, 1.3, 20).reshape(5, 4)


@pytest.mark.parametrize("body", [
    # a counter's arithmetic in a for loop
    """
    out = np.zeros((5, 4))
    for i in range(4):
        j = i + 1
        r = out[j]
        r += x[i] * x[j]
    return np.sum(out * x)
    """,
    # sizes and their arithmetic
    """
    out = x * 1.0
    n = x.shape[0] - 1
    r = out[n]
    r *= 2.0
    h = len(x) // 2
    t = out[h]
    t -= out[0]
    return np.sum(np.sin(out * x))
    """,
    """
    out = x * 1.0
    n = x.shape[0]
    for i in range(n // 2):
        r = out[n - 1 - i]
        r *= 1.5
    return np.sum(np.sin(out * x))
    """,
    # a while loop's counter, and one counted from another
    """
    out = np.zeros((5, 4))
    i = 0
    while i < 3:
        r = out[i]
        r += x[i] * 2
        i += 1
    return np.sum(out * x)
    """,
    """
    out = x * 1.0
    i = 0
    k = 1
    while i < 3:
        r = out[i]
        r *= 2.0
        i = i + k
    return np.sum(out * x)
    """,
    """
    out = x * 1.0
    i = 0
    j = 1
    while i < 3:
        r = out[j]
        r *= 1.5
        i += 1
        j = j * 2 % 5
    return np.sum(np.sin(out * x))
    """,
    # int() of a counter
    """
    out = x * 1.0
    i = 0
    while i < 3:
        r = out[int(i)]
        r *= 2.0
        i = i + 1
    return np.sum(out * x)
    """,
    # round() of a number, and int() of a test of the data, in a loop: one row wherever it points
    """
    out = x * 1.0
    r0 = round(1.2)
    r = out[r0]
    r -= np.sin(x[1])
    return np.sum(out * x) + np.sum(np.tanh(r))
    """,
    """
    out = x.copy()
    for i in range(2):
        c = int(x[0, 0] > 0)
        r = out[c]
        r *= x[2, 1]
    return np.sum(out[1] * r)
    """,
])
def test_a_write_through_a_row_taken_by_an_integer_reaches_the_array(body):
    assert_right("import numpy as np\ndef f(x: \"5, 4\"):" + textwrap.indent(textwrap.dedent(body), "    "), [X],
                 dout=0.7)


@pytest.mark.parametrize("flag", [True, False])
def test_an_index_by_a_flag_is_a_new_array_not_a_view(flag):
    source = '''
    import numpy as np
    def f(x: "5, 4", flag: bool = True):
        out = x * 1.0
        r = out[flag]
        r *= 2.0
        return np.sum(out * x) + np.sum(np.tanh(r))
    '''
    try:
        assert_right(source, [X], dout=0.7, settings={"flag": flag})
    except backgen.BackgenError as exc:
        assert "'out' may have been changed by the write into 'r'" in str(exc)


def test_a_counter_given_a_number_of_the_data_on_some_path_is_not_taken_for_an_integer():
    source = '''
    import numpy as np
    def f(x: "5, 4"):
        out = x * 1.0
        i = 0
        while i < 3:
            r = out[i]
            r *= 1.5
            i += 1
            if out[0, 0] > 100.0:
                i = x[0, 0]
        return np.sum(np.sin(out * x))
    '''
    assert_refused(source, [X], "'out' may have been changed by the write into 'r'")
