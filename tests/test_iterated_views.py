"""A loop iterating one view of an array (``for row in p.T``) while its body writes into another view of
the same array (``a = p[::-1]``, ``a[0, -1] += ...``): Python reads each item from the array as it is
then, written by the earlier iterations; backgen carried the two views as two arrays, read the items
as the loop started (a wrong gradient, or a backward raising).  Refused now, naming the sequence
iterated, until the write is followed.  (Long fuzz seed 2026120468, program 8647.)"""

import numpy as np
import pytest

import backgen
from test_never_wrong import assert_right


@pytest.mark.parametrize("view, write", [
    ("p[::-1]", "a[0, -1] += np.minimum(row, -0.2).mean()"),
    ("p[::-1]", "a[0, -1] += row.mean()"),
    ("p[1:]", "a[-1, -1] += row.mean()"),
])
def test_a_loop_over_one_view_writing_into_another_is_refused(view, write):
    with pytest.raises(backgen.BackgenError, match="the loop iterates p.T, which its body writes into"):
        backgen.generate(f'''
def f(p: "3, 4"):
    p = p * 1.0
    a = {view}
    for row in p.T:
        {write}
    return a
''')


def test_iterating_a_copy_is_accepted_and_right():
    assert_right('''
    def f(p: "3, 4"):
        p = p * 1.0
        a = p[::-1]
        for row in p.T.copy():
            a[0, -1] += row.mean()
        return a
    ''', [np.arange(12.0).reshape(3, 4) / 7 - 0.5], dout=np.linspace(-1.0, 1.0, 12).reshape(3, 4))
