"""Complex numbers, quantum state vectors and integer or boolean dtypes as people write them: phases
``np.exp(1j * theta)``, gates and Hamiltonians as complex matrices, states made with ``dtype=complex``,
fidelities and phase-retrieval losses over complex measurement matrices, power spectra of ``np.fft``,
and masks, counts and labels mixed with floats.

backgen's rules are those of real arithmetic, so each complex value must be refused where it is made
(a constant, a complex ``dtype``, a complex type called) or, for the decorator, where it is passed;
each accepted case is checked against central finite differences in float64 with respect to its float
parameters, by ``backgen.generate`` (without shapes and with them) and by the decorator.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, float_positions, imported, shapes_of

R = np.random.RandomState(7)
X5 = R.randn(5)
A43 = R.randn(4, 3) + 1j * R.randn(4, 3)


def _module(source):
    return imported("import numpy as np\n" + textwrap.dedent(source), "complexq_hunt")


def _generated(source, name, shapes, args, dout):
    text = backgen.generate("import numpy as np\n" + textwrap.dedent(source), name=name, shapes=shapes)
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    return namespace[f"{name}_backward"](*[a.copy() if isinstance(a, np.ndarray) else a for a in args], dout)


def assert_right(source, args, name="f"):
    """generate without shapes, with shapes, and the decorator give central differences' gradients."""
    func = _module(source)[name]
    wrt = float_positions(args)
    out = func(*args)
    dout = R.randn(*np.shape(out)) if np.ndim(out) else 1.3
    want = finite_differences(func, list(args), wrt, (dout,))
    names = tuple(list(inspect.signature(func).parameters)[k] for k in wrt)
    gots = [_generated(source, name, shapes, args, dout) for shapes in (None, shapes_of(func, args))]
    gots.append(backgen.backward(func, wrt=names).backward(*args, dout=dout))
    for got in gots:
        got = got if len(wrt) > 1 else (got,)
        for g, w in zip(got, want):
            assert np.asarray(g).dtype.kind == "f"
            assert_close(g, w, rtol=1e-5, atol=1e-6)


def assert_refused(source, args, match, name="f", decorator_only=False):
    """generate (unless ``decorator_only``) and the decorator refuse, with a message matching ``match``."""
    if not decorator_only:
        with pytest.raises(backgen.BackgenError, match=match):
            backgen.generate("import numpy as np\n" + textwrap.dedent(source), name=name)
    func = _module(source)[name]
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.backward(func).backward(*args)


# --- complex arrays made by a dtype or a complex type called: refused at that line ------------------


@pytest.mark.parametrize("lines", [
    "z = np.zeros(x.shape, dtype=complex)\n    z += x",
    "z = np.zeros(x.shape, complex)\n    z += x",
    "z = np.ones_like(x, dtype=complex) * x",
    "z = np.empty(5, dtype=np.complex64)\n    z[:] = x",
    "z = np.asarray(x, dtype='complex128')",
    "z = x.astype('complex64')",
    "z = np.complex128(x)",
])
def test_complex_dtypes_refused_where_they_are_made(lines):
    # these ran with the rules of real arithmetic: np.abs's gradient np.sign(z) made the gradient complex
    source = f'''
def f(x):
    {lines}
    return np.sum(np.abs(z) ** 2)
'''
    assert_refused(source, [X5], "makes complex numbers")


def test_complex_builtin_refused_saying_so():
    assert_refused('''
        def f(a, b):
            z = complex(a, b)
            return abs(z) ** 2
    ''', [0.3, 0.7], "complex makes complex numbers")


def test_state_vector_of_complex_dtype_refused():
    assert_refused('''
        def ry(t):
            c, s = np.cos(t / 2), np.sin(t / 2)
            return np.array([[c, -s], [s, c]])

        def f(a, b):
            psi = np.zeros(4, dtype=np.complex128)
            psi[0] = 1.0
            psi = np.kron(ry(a), ry(b)) @ psi
            H = np.diag([1.0, -1.0, -1.0, 1.0])
            return np.sum(np.abs(psi) ** 2 * np.diag(H))
    ''', [0.3, 1.1], "np.complex128 makes complex numbers")


def test_dtype_checks_are_not_refused():
    # asking about a type makes nothing complex
    assert_right('''
        def f(x):
            if np.issubdtype(x.dtype, np.complexfloating):
                x = np.abs(x)
            return np.sum(x ** 2)
    ''', [X5])


# --- complex arguments: the decorator refuses them, naming the parameter -----------------------------


@pytest.mark.parametrize("source, args", [
    ('''
        def f(x, A, y):
            return np.sum((np.abs(A @ x) ** 2 - y) ** 2)
    ''', [R.randn(3), A43, R.rand(4)]),  # phase retrieval: the gradient in x came back complex
    ('''
        def f(psi, H):
            psi = psi / np.linalg.norm(psi)
            return np.real(psi.conj() @ H @ psi)
    ''', [R.randn(2), np.array([[1.0, 0.5j], [-0.5j, -1.0]])]),  # a Hermitian H: real values, complex dtype
    ('''
        def f(x, c):
            return abs(c * x) ** 2
    ''', [0.7, 0.3 + 0.4j]),  # a complex number: the generated code compared it with 0
    ('''
        def f(x, cs):
            return np.sum(np.abs(cs[0] * x))
    ''', [X5, [R.randn(5) + 1j]]),  # a list holding a complex array
])
def test_complex_arguments_refused_by_the_decorator(source, args):
    func = _module(source)["f"]
    with pytest.raises(backgen.BackgenError, match="is given complex numbers"):
        backgen.backward(func).backward(*args)


# --- the real parts of the same programs are right ---------------------------------------------------


def test_real_rotations_on_two_qubits():
    assert_right('''
        def ry(t):
            c, s = np.cos(t / 2), np.sin(t / 2)
            return np.array([[c, -s], [s, c]])

        def f(params):
            psi = np.array([1.0, 0.0])
            for t in params:
                psi = ry(t) @ psi
            Z = np.array([[1.0, 0.0], [0.0, -1.0]])
            return psi @ Z @ psi
    ''', [np.array([0.3, 0.8, 1.1])])


def test_phase_retrieval_with_real_and_imaginary_parts():
    assert_right('''
        def f(x, Ar, Ai, y):
            re = Ar @ x
            im = Ai @ x
            return np.sum((re ** 2 + im ** 2 - y) ** 2)
    ''', [R.randn(3), A43.real.copy(), A43.imag.copy(), R.rand(4)])


# --- np.fft read through real values: a norm written out, entries and slices of the spectrum -----------


X8 = R.randn(8)


@pytest.mark.parametrize("body", [
    "X = np.fft.rfft(x, norm='ortho')\n    return np.sum(np.abs(X) ** 3)",
    "X = np.fft.fft(x, norm='forward')\n    return np.sum(X.real * np.arange(8)) + np.sum(X.imag ** 2)",
    "return np.abs(np.fft.rfft(x, n=6, norm='ortho'))",
    "return np.sum(np.abs(np.fft.rfft(x, norm='backward')))",
    "n = len(x)\n    X = np.fft.fft(x)\n    P = np.abs(X[:n // 2]) ** 2 / n\n    return P",
    "X = np.fft.rfft(x)\n    return np.abs(X[1]) + np.abs(X[2]) ** 2 + X[1:4].real.sum()",
    "return np.abs(np.fft.fft(x, norm='ortho')[1:3]) + np.real(np.fft.rfft(x)[::2])[0]",
])
def test_spectra_with_a_norm_or_read_at_entries(body):
    # refused before as complex values: norm= was not read, nor X[...] read through np.abs/.real/.imag
    assert_right(f'''
def f(x):
    {body}
''', [X8])


def test_spectra_of_a_batch_with_a_norm():
    assert_right('''
        def f(frames, w):
            S = np.fft.rfft(frames * w, norm="ortho")
            return np.log(np.abs(S[:, 1:]) ** 2 + 1e-3).sum()
    ''', [R.randn(3, 8), np.hanning(8)])


def test_a_spectrum_written_into_stays_refused():
    assert_refused('''
        def f(x):
            X = np.fft.rfft(x)
            X[3:] = 0
            return np.sum(np.abs(X))
    ''', [X8], "np.fft.rfft returns complex numbers")


# --- .real of real values: the value itself; a generated backward refuses complex arguments ------------


def test_expectation_value_read_through_its_real_part():
    # quantum code written for complex states too: (psi.conj() @ H @ psi).real, of a real state here
    assert_right('''
        def f(theta, H):
            psi = np.array([np.cos(theta / 2), np.sin(theta / 2)])
            return (psi.conj() @ H @ psi).real
    ''', [0.7, np.array([[1.0, 0.5], [0.5, -1.0]])])


def test_density_matrix_trace_real():
    assert_right('''
        def f(psi):
            rho = np.outer(psi, psi.conj())
            Z = np.diag([1.0, -1.0])
            return np.trace(rho @ Z).real / np.trace(rho).real
    ''', [R.randn(2)])


def test_a_complex_branch_never_taken_for_real_inputs():
    assert_right('''
        def f(x):
            if np.iscomplexobj(x):
                x = x.real
            return np.sum(x ** 2)
    ''', [X5])


def test_generated_backward_reading_real_parts_refuses_complex_arguments():
    source = '''
import numpy as np

def f(W, psi):
    out = W @ psi
    return (out * out.conj()).real.sum()
'''
    namespace = {}
    exec(backgen.generate(source, name="f"), namespace)
    W, psi = R.randn(2, 2), R.randn(2)
    namespace["f_backward"](W, psi)  # real: right (checked above for such code)
    with pytest.raises(TypeError, match="written for real numbers"):
        namespace["f_backward"](W, np.array([1.0, 1j]))


# --- counts in an integer dtype, and complex values inside containers ----------------------------------


@pytest.mark.parametrize("count", ["np.sum(x > 0, dtype=np.int64)", "(x > 0).sum(dtype=int)"])
def test_a_mask_counted_in_an_integer_dtype(count):
    # refused before as "computed in floats": a count of a mask has no gradient whatever its dtype
    assert_right(f'''
def f(x):
    n = {count}
    return np.sum(x ** 2) / n
''', [X5])


def test_a_differentiated_sum_in_an_integer_dtype_refused():
    assert_refused('''
        def f(x):
            return np.sum(x * 3, dtype=np.int64) * x
    ''', [X5], "counts in integers")


def test_a_dict_holding_a_complex_array_refused_by_the_decorator():
    func = _module('''
        def f(params, x):
            return np.sum(np.abs(params["W"] @ x) ** 2)
    ''')["f"]
    with pytest.raises(backgen.BackgenError, match="params is given complex numbers"):
        backgen.backward(func).backward({"W": R.randn(2, 3) + 1j}, R.randn(3))


def test_an_order_string_is_no_complex_dtype():
    # 'F' given by position where a constructor takes its order, not its dtype
    assert_right('''
        def f(x):
            z = np.zeros((2, 3), float, 'F')
            z[:] = x
            return np.sum(z ** 2)
    ''', [R.randn(2, 3)])


@pytest.mark.parametrize("entry", ["A : complex ndarray, shape (4, 3)", "A (np.ndarray[complex128]): measurements"])
def test_a_parameter_the_docstring_gives_as_complex_refused(entry):
    # generate wrote the real rules for it: np.sign(A @ x) and A's transpose, no gradient for complex A
    source = f'''
def f(x, A):
    """Intensity loss.

    Parameters
    ----------
    x : ndarray, shape (3,)
    {entry}
    """
    return np.sum(np.abs(A @ x) ** 2)
'''
    with pytest.raises(backgen.BackgenError, match="the docstring gives A as complex"):
        backgen.generate("import numpy as np\n" + source, name="f")


def test_a_docstring_speaking_of_complex_things_otherwise_is_read():
    assert_right('''
        def f(x, A):
            """Intensity of the real part of a complex field.

            x : ndarray, shape (3,)
            A : ndarray, shape (4, 3), the real part of a complex matrix
            """
            return np.sum((A @ x) ** 2)
    ''', [R.randn(3), R.randn(4, 3)])


@pytest.mark.parametrize("binding", ["X = np.fft.fft(x) / len(x)", "X = 2.0 * np.fft.rfft(x, norm='ortho')",
                                     "X = np.fft.rfft(x) * np.linalg.norm(x)"])
def test_a_spectrum_bound_times_or_over_a_factor(binding):
    # refused before: the name bound to the transform scaled was read as a complex value
    assert_right(f'''
def f(x):
    {binding}
    return np.sum(np.abs(X[1:4]) ** 2) + X[0].real
''', [X8])


def test_an_inverse_transform_refused_for_what_it_reads():
    assert_refused('''
        def f(x):
            return np.fft.irfft(np.log(np.abs(np.fft.rfft(x)) + 1e-6))[1:4]
    ''', [X8], "np.fft.irfft reads complex numbers")


def test_a_count_made_a_float_is_a_number_without_shapes():
    # float(n) of a parameter: a number (float() of an array of several raises); the samples made it an array
    assert_right('''
        def f(x, n, s):
            return np.sum(x ** 2) / float(n) + float(s) * np.sum(x)
    ''', [X5, 3.0, 0.7])


@pytest.mark.parametrize("call", ["np.fft.rfft(x, axis=0)", "np.fft.fft(x, n=4, axis=0, norm='ortho')",
                                  "np.fft.rfft(x, axis=1)", "np.fft.rfft(x, axis=-2)"])
def test_a_spectrum_along_another_axis(call):
    # refused before as complex values: only the last axis was read
    assert_right(f'''
def f(x):
    X = {call}
    return np.sum(np.abs(X) ** 2 * np.cos(np.abs(X))) + np.sum(X[1].imag)
''', [R.randn(6, 3)])


def test_the_norm_of_a_spectrum():
    # spectral convergence: np.linalg.norm of the spectra, refused before as a read of complex values
    assert_right('''
        def f(pred, target):
            S = np.fft.rfft(target)
            gap = np.linalg.norm(np.abs(S) - np.abs(np.fft.rfft(pred))) / np.linalg.norm(S[1:])
            return gap + np.linalg.norm(np.fft.rfft(pred, norm="ortho"))
    ''', [X8, R.randn(8)])


def test_a_complex_attribute_of_a_decorated_method_refused():
    names = _module('''
        import backgen

        class Model:
            def __init__(self, U):
                self.U = U

            @backgen.backward
            def loss(self, x):
                return (np.conj(self.U @ x) @ (self.U @ x)).real
    ''')
    model = names["Model"](np.array([[1.0, 1j], [0.5, 2.0]]))
    with pytest.raises(backgen.BackgenError, match="self.U is given complex numbers"):
        model.loss.backward(R.randn(2))
