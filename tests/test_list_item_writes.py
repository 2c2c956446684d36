"""Writes into the items of a list of numbers given to the decorator (``xs[i] = xs[i] * y``): the
list is differentiated as the array it makes, and a number written into an item is that element
written (numbers are values: nothing else sees the item change but through the list)."""

import copy
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences

SOURCE = '''
import math
import numpy as np

def scaled(xs, y):
    for i in range(len(xs)):
        xs[i] = xs[i] * y
    return sum(xs)

def first_kept(xs, y):
    a = xs[0]
    xs[0] = xs[0] * y
    return a + xs[0] * 2.0

def through_a_name(xs, y):
    v = xs
    v[1] += y * y
    return sum(xs) * xs[1]

def recurrence(xs, y):
    total = 0.0
    for i in range(1, len(xs)):
        xs[i] = xs[i - 1] * y + xs[i]
        total = total + math.sin(xs[i])
    return total

def array_into_item(xs, y):
    xs[0] = np.ones(2) * y
    return np.sum(xs[0])

def list_of_arrays(Ws, x):
    Ws[0] = Ws[0] * 2.0
    return np.sum(x @ Ws[0])
'''

CASES = {"scaled": [[1.0, 2.0, 3.0], 0.5], "first_kept": [[1.0, 2.0], 0.7], "through_a_name": [[1.0, 2.0, 0.5], 0.3],
         "recurrence": [[0.1, 0.2, 0.3, 0.4], 0.9]}


@pytest.fixture
def module(tmp_path, monkeypatch):
    (tmp_path / "item_writes.py").write_text(textwrap.dedent(SOURCE))
    monkeypatch.syspath_prepend(str(tmp_path))
    import item_writes
    return item_writes


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_decorator_follows_a_number_written_into_an_item_of_a_list_given(module, name):
    f = getattr(module, name)
    args = CASES[name]
    given = copy.deepcopy(args)
    got = backgen.backward(f).backward(*given)
    assert given == args  # (the backward leaves the list given alone)
    want = finite_differences(lambda *a: f(*copy.deepcopy(list(a))), copy.deepcopy(args), [0, 1], [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-6, atol=1e-8)


def test_an_array_written_into_an_item_of_a_list_of_numbers_and_an_item_of_a_list_of_arrays_are_refused(module):
    with pytest.raises(backgen.BackgenError, match="writes an array into an item of a list of numbers") as info:
        backgen.backward(module.array_into_item).backward([1.0, 2.0], 0.3)
    assert info.value.lineno == textwrap.dedent(SOURCE).splitlines().index("    xs[0] = np.ones(2) * y") + 1
    with pytest.raises(backgen.BackgenError, match="Ws is a list of arrays, which backgen differentiates as"):
        backgen.backward(module.list_of_arrays).backward([np.eye(2), np.ones((2, 2))], np.ones((3, 2)), dout=1.0)
