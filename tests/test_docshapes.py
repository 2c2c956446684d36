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


def test_shapes_written_after_the_names_anywhere_in_the_docstring():
    found = read('''
    def f(query, key, Wq, Wk, data, masses, positions, x, b, labels, mode):
        """Attention: query: (N, S, E), key: (N, T, E); Wq, Wk: (E, E)
        data (N, D), masses (N,), positions (N, 3): a rigid body
        Pools x of shape (N, C, H, W); b: (M) a bias; labels: (N,) integer labels
        mode: (train or test) is not a shape, nor is exp(x) (elementwise)
        """
    ''')
    assert found == {"query": Spec(("N", "S", "E")), "key": Spec(("N", "T", "E")), "Wq": Spec(("E", "E")),
                     "Wk": Spec(("E", "E")), "data": Spec(("N", "D")), "masses": Spec(("N",)),
                     "positions": Spec(("N", 3)), "x": Spec(("N", "C", "H", "W")), "b": Spec(("M",)),
                     "labels": Spec(("N",), "int")}
    found = read('''
    def f(logits, labels, center, idx):
        """logits: (N, C); labels: int (N,)
        center: (D,) a float vector; idx: int array (K,)
        """
    ''')
    assert found == {"logits": Spec(("N", "C")), "center": Spec(("D",))}


def test_entries_of_several_parameters_on_one_line_end_where_the_next_begins():
    # "x: scores of shape (N, C); y: labels of shape (N,)": the labels are y's, not x's (x read as
    # integers refused x's gradient); an entry sharing a line is read for a shape only
    found = read('''
    def multiclass_svm(x, y, w, b, k):
        """x: scores of shape (N, C); y: labels of shape (N,).
        - w: the weights, b: the biases of shape (M,); k: int (N,)
        """
    ''')
    assert found == {"x": Spec(("N", "C")), "y": Spec(("N",), "int"), "b": Spec(("M",))}


def test_an_array_the_code_indexes_with_is_integer_unless_its_entry_speaks_of_masks():
    found = read('''
    def f(X, y, W, idx, keep, target, mask):
        """X: (N, D), y: (N,), W: (V, D), idx: (N, T), keep: (N,) bool; target: (N, T), mask: (N, T)"""
        return W[idx] * X[np.arange(X.shape[0]), y[:, None]] + X[keep] + target[mask]
    ''')
    assert found["y"] == Spec(("N",), "int") and found["idx"] == Spec(("N", "T"), "int")
    assert found["X"] == Spec(("N", "D")) and found["W"] == Spec(("V", "D")) and found["target"] == Spec(("N", "T"))
    assert found["keep"] == Spec(("N",), "bool") and found["mask"] == Spec(("N", "T"))  # (as they say)



def test_an_entry_speaking_of_booleans_declares_a_boolean_array():
    found = read('''
    def temporal_softmax_loss(x, y, mask, verbose=False):
        """
        - x: Input scores, of shape (N, T, V)
        - y: Ground-truth indices, of shape (N, T) where each element is in the range 0 <= y[i, t] < V
        - mask: Boolean array of shape (N, T) where mask[i, t] tells whether or not
          the scores at x[i, t] should contribute to the loss.
        """
    ''')
    assert found["x"] == Spec(("N", "T", "V")) and found["y"] == Spec(("N", "T"), "int")
    assert found["mask"] == Spec(("N", "T"), "bool")


def test_an_entry_merely_mentioning_booleans_declares_floats():
    found = read('''
    def f(p, q, m):
        """
        - p: probability of the boolean event, of shape (N, T)
        - q: an array of booleans of shape (N,)
        - m: array of shape (N, T), dtype=bool
        """
    ''')
    assert found["p"] == Spec(("N", "T")) and found["q"] == Spec(("N",), "bool") and found["m"] == Spec(("N", "T"), "bool")
