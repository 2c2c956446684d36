"""Shapes and numbers read from docstrings (backgen.docshapes)."""

import ast
import textwrap

from backgen.docshapes import docstring_shapes
from backgen.shapes import Spec


def read(source):
    return docstring_shapes(ast.parse(textwrap.dedent(source)).body[0])


def test_cs231n_entries():
    found = read('''
    def f(x, w, y, G, reg, eps, labels, mode):
        """
        - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
        - w: A numpy array of weights, of shape (D, M)
        - y: Vector of labels, of shape (N,) where 0 <= y[i] < C
        - G: Integer number of groups to split into
        - reg: (float) regularization strength
        - eps: Scalar constant for numeric stability
        - labels: Integer array of labels
        - mode: 'train' or 'test'
        """
    ''')
    assert found["x"] == Spec(("N", "D"))
    assert found["w"] == Spec(("D", "M"))
    assert found["y"] == Spec(("N",), "int")
    assert found["G"] == Spec((), "int")
    assert found["reg"] == Spec((), "float")
    assert found["eps"] == Spec((), "float")
    assert "labels" not in found  # an array whose shape is not given is not a number
    assert "mode" not in found


def test_numpy_and_google_styles():
    found = read('''
    def f(x, h, k):
        """
        x : ndarray, shape (N, D)
        h (np.ndarray): input of shape (N, T, D)
        k (int): how many
        """
    ''')
    assert found == {"x": Spec(("N", "D")), "h": Spec(("N", "T", "D")), "k": Spec((), "int")}
