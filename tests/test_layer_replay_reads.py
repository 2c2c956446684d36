"""A layer whose backward would compute again a value from one it reads before setting (``W = W + 0.25``
replayed from a ``W`` the cache holds only as the loop left it): the backward raised
UnboundLocalError (real-code mutants seed 179, program 138, an embedding writing into its weights in
a loop).  The names the backward reads before it sets them are those it needs from the cache, so the
layer is refused, naming W."""

import pytest

import backgen


def test_a_value_read_before_the_line_setting_it_is_needed_from_the_cache():
    with pytest.raises(backgen.BackgenError, match=r"the backward needs W \(read by `W = W \+ 0\.25`\)"):
        backgen.generate('''
import numpy as np

def f(x: 'int 2, 3', W: '5, 4'):
    for _k in range(2):
        W += 0.25
    out = W[x]
    cache = (x, W)
    return (out, cache)
''')
