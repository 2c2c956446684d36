"""Central finite differences in float64, the oracle of the gradient tests.

``gradient(f, args, k)`` is the gradient of the number ``f(*args)`` with respect
to ``args[k]``: a number, an array, or a list, tuple or dict of those (the
same structure back).  ``weighted(f, douts)`` turns a function with any outputs into
the number ``sum(output * dout)`` whose gradient is the vector-Jacobian product;
``finite_differences(f, args, wrt, douts)`` is that product for each position in
``wrt`` (``douts`` one per output, ``None`` for an output not used).
``generated_gradients(source, args, douts, name, wrt)`` generates the backward of
``name`` in ``source`` (once: the same text again is the fuzzers' check, each program generated twice,
and ``test_examples``' across processes of other hash seeds), runs it on copies of ``args``
and ``douts`` (which it must leave as they were) and returns its gradients for the
positions ``wrt`` (by default those holding floats) beside central differences;
``assert_backward_right(source, args, rng)`` checks them for an upstream gradient drawn at random.
``scratch_folder(prefix)`` is a folder for modules written to be imported (the decorator reads
their source), removed when the tests end; ``imported(text, prefix)`` the names a module of that
text defines, imported from a file of its own in such a folder; ``module_in(folder, text, name)`` the
module of that text written as ``<name>.py`` into a folder given (pytest's ``tmp_path``).
``shapes_of(func, args)`` is ``generate``'s ``shapes=`` for calling ``func`` with ``args`` (None where one
is neither a float nor an array).
``same_again(text, generate)`` checks that generating again (``generate()``) gives ``text`` byte for byte, for a
share of the texts the hand-written tests and the corpora generate (the fuzzers check every program).
"""

import atexit
import hashlib
import importlib.util
import math
import os
import shutil
import tempfile
import textwrap
import zlib

import numpy as np

EPS = 1e-6
AGAIN_SHARE = 4  # (``same_again``: one text in this many generated again)


def same_again(text, generate):
    """Generating again (``generate()``) gives ``text`` byte for byte: checked for one text in ``AGAIN_SHARE``,
    chosen by a hash of the text (the same ones every run), and for every one with ``--every-case`` (which
    sets ``BACKGEN_EVERY_CASE``).  Within one process a second generation can differ only where the order
    of a set of objects hashed by their address leaks into the text; the fuzzers generate every program
    twice, and ``test_examples`` each example in processes of other hash seeds."""
    if os.environ.get("BACKGEN_EVERY_CASE") or zlib.crc32(text.encode()) % AGAIN_SHARE == 0:
        assert generate() == text, "generating again gave another text"


def scratch_folder(prefix):
    """A new temporary folder (a ``pathlib.Path``), removed when the process ends."""
    import pathlib  # noqa: PLC0415

    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return pathlib.Path(folder)


_FOLDERS = {}  # prefix -> the scratch folder of the modules ``imported`` writes


def imported(text, prefix):
    """The names the module ``text`` defines, imported from ``<prefix>_<hash>.py`` (the decorator reads
    a function's source from its file), written into a scratch folder of this process."""
    folder = _FOLDERS.get(prefix) or _FOLDERS.setdefault(prefix, scratch_folder(f"backgen_{prefix}_"))
    return vars(module_in(folder, text, f"{prefix}_{hashlib.sha1(text.encode()).hexdigest()[:12]}"))


def module_in(folder, text, name):
    """The module of the source ``text``, written as ``<name>.py`` into ``folder`` and imported."""
    path = folder / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shapes_of(func, args):
    """The shapes of ``args`` by ``func``'s parameter names, as ``generate`` takes them ("float", "3, 4",
    "int 5"); None where an argument is neither a float nor an array."""
    import inspect  # noqa: PLC0415

    shapes = {}
    for p, a in zip(inspect.signature(func).parameters, args):
        if isinstance(a, float):
            shapes[p] = "float"
        elif isinstance(a, np.ndarray):
            shapes[p] = ("int " if a.dtype.kind in "iu" else "") + ", ".join(map(str, a.shape))
        else:
            return None
    return shapes


def shape_specs(names, args):
    """The shapes of ``args`` by ``names`` as ``generate`` takes them ("float", "3, 4", "int 5"); None where
    an argument is neither a float nor an array of floats or integers (a list, a boolean mask)."""
    shapes = {}
    for p, a in zip(names, args):
        if isinstance(a, float):
            shapes[p] = "float"
        elif isinstance(a, np.ndarray) and a.dtype.kind in "fiu":
            shapes[p] = ("int " if a.dtype.kind in "iu" else "") + ", ".join(map(str, a.shape))
        else:
            return None
    return shapes


def weighted(f, douts):
    def objective(*args):
        result = f(*args)
        result = result if isinstance(result, tuple) else (result,)
        return float(sum(np.sum(np.asarray(r, dtype=float) * d) for r, d in zip(result, douts) if d is not None))
    return objective


def finite_differences(f, args, wrt, douts, eps=EPS):
    """Central differences of ``sum(output * dout)`` with respect to ``args[k]`` for each k in ``wrt``."""
    objective = weighted(f, douts)
    return [gradient(objective, args, k, eps) for k in wrt]


def gradient(f, args, k, eps=EPS):
    def at(value):
        trial = list(args)
        trial[k] = value
        return f(*trial)
    return _structured(at, args[k], eps)


def _structured(at, value, eps):
    if isinstance(value, dict):
        parts = {}
        for key in value:
            def inner(v, key=key):
                return at({**value, key: v})
            parts[key] = _structured(inner, value[key], eps)
        return parts
    if isinstance(value, (list, tuple)):
        parts = []
        for i in range(len(value)):
            def inner(v, i=i):
                changed = list(value)
                changed[i] = v
                return at(type(value)(changed))
            parts.append(_structured(inner, value[i], eps))
        return type(value)(parts)
    if isinstance(value, np.ndarray):
        grad = np.zeros(value.shape)
        for index in np.ndindex(value.shape):
            plus, minus = value.astype(float), value.astype(float)
            plus[index] += eps
            minus[index] -= eps
            grad[index] = (at(plus) - at(minus)) / (2 * eps)
        return grad
    return (at(value + eps) - at(value - eps)) / (2 * eps)


def assert_close(got, want, rtol=1e-5, atol=1e-7):
    """``got`` matches ``want`` in structure (list/tuple kinds and lengths) and in every number."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), f"{got!r} for the keys {list(want)}"
        for key in want:
            assert_close(got[key], want[key], rtol, atol)
        return
    if isinstance(want, (list, tuple)):
        assert isinstance(got, type(want)) and len(got) == len(want), f"{type(got).__name__} for {want!r}"
        for g, w in zip(got, want):
            assert_close(g, w, rtol, atol)
        return
    assert np.shape(got) == np.shape(want), f"shape {np.shape(got)}, expected {np.shape(want)}"
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def check_gradients(got, forward, args, wrt):
    """A backward's result ``got`` (one gradient, or a tuple of them for the parameters ``wrt``, by
    position) matches central differences of ``forward`` at ``args``, in shape and every number."""
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(wrt)
    for g, k in zip(got, wrt):
        want = gradient(forward, args, k)
        assert np.shape(g) == np.shape(want)
        np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7)


def float_positions(args):
    """The positions of ``args`` holding floats (a float, an array of floats): those differentiated."""
    return [k for k, a in enumerate(args)
            if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def fresh(value):
    """A copy of an argument a backward must leave alone: an array's, a list's (its items' too)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [fresh(item) for item in value]
    return value


def fresh_args(args):
    """``fresh`` of each argument: what a forward or a backward is given where the originals must stay
    as they are (for the next call, for central differences)."""
    return [fresh(a) for a in args]


def run_backward(text, name, args, dout=1.0):
    """What ``<name>_backward`` of the generated module ``text`` returns at copies of ``args`` (``dout``
    given by keyword), checking that it changed none of the arrays."""
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    copies = [fresh(a) for a in args]
    with np.errstate(all="ignore"):
        got = namespace[f"{name}_backward"](*copies, dout=dout)
    for before, after in zip(args, copies):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    return got


def generated_backward(source, args, name, shapes, wrt, dout=1.0):
    """``run_backward`` of ``backgen.generate(source, ...)``."""
    import backgen  # noqa: PLC0415 -- (the oracle itself needs no backgen)

    text = backgen.generate(source, name=name, shapes=shapes, wrt=wrt)
    return run_backward(text, name, args, dout)


def generated_gradients(source, args, douts=(1.0,), name="f", wrt=None, text=False):
    """``(got, want)``: the generated backward's gradients and central differences (see the module's
    contract); with ``text``, ``(got, want, the generated module)``."""
    import backgen  # noqa: PLC0415 -- (the oracle itself needs no backgen)

    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace[name]
    module = backgen.generate(source, name=name)
    generated = {}
    exec(compile(module, "<generated>", "exec"), generated)
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    dcopies = [d.copy() if isinstance(d, np.ndarray) else d for d in douts]
    with np.errstate(all="ignore"):
        got = generated[f"{name}_backward"](*copies, *dcopies)
    for before, after in zip(list(args) + list(douts), copies + dcopies):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    wrt = float_positions(args) if wrt is None else wrt
    fresh = lambda *values: func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values])  # noqa: E731
    want = finite_differences(fresh, list(args), wrt, douts)
    got = got if len(wrt) > 1 else (got,)
    return (got, want, module) if text else (got, want)


def assert_backward_right(source, args, rng, name="f"):
    """The generated backward of ``source`` matches central differences (rtol 1e-6) for an upstream
    gradient drawn from ``rng`` in the output's shape (1.3 for a number); the generated module."""
    namespace = {"np": np, "math": math}
    exec(textwrap.dedent(source), namespace)
    out = namespace[name](*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    dout = rng.randn(*np.shape(out)) if np.shape(out) else 1.3
    got, want, module = generated_gradients(source, args, (dout,), name, text=True)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
    return module


def assert_generated_right(source, args, douts=(1.0,), name="f", wrt=None):
    """The generated backward of ``source`` (see ``generated_gradients``) matches central differences."""
    got, want = generated_gradients(source, args, douts, name, wrt)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w), f"gradient shape {np.shape(g)}, expected {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def assert_generated_refused(source, args, match, name="f"):
    """``generate`` refuses ``source`` with a BackgenError whose message matches ``match``."""
    import backgen  # noqa: PLC0415 -- (the oracle itself needs no backgen)
    import pytest  # noqa: PLC0415

    with pytest.raises(backgen.BackgenError, match=match):
        generated_gradients(source, args, name=name)


def normal_arrays(seed, *shapes):
    """Arrays of the ``shapes`` drawn from the standard normal distribution (seeded by ``seed``)."""
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for shape in shapes]


def backward_by(source, prefix, way, shapes, wrt=None, name="f"):
    """``(forward, backward)`` of the function ``name`` of the module ``source`` (imported as ``imported``
    does, under ``prefix``): the decorator's backward (``way`` "decorator"), or ``generate``'s with the
    ``shapes`` ("shapes") or without ("shape-generic"), checked to come out the same again."""
    import backgen  # noqa: PLC0415 -- (the oracle itself needs no backgen)

    forward = imported(source, prefix)[name]
    if way == "decorator":
        return forward, backgen.backward(forward, wrt=wrt).backward
    shapes = shapes if way == "shapes" else None
    text = backgen.generate(source, name=name, shapes=shapes, wrt=wrt)
    same_again(text, lambda: backgen.generate(source, name=name, shapes=shapes, wrt=wrt))
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    return forward, namespace[f"{name}_backward"]


def assert_backward_at(backward, forward, args, douts, wrt=None):
    """``backward(*args, *douts)`` matches central differences of ``forward`` for the float arguments
    (``wrt``: their positions), leaving its arguments and upstream gradients as they were."""
    copies, dcopies = fresh_args(args), fresh_args(douts)
    got = backward(*copies, *dcopies)
    for before, after in zip(list(args) + list(douts), copies + dcopies):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    wrt = float_positions(args) if wrt is None else wrt
    want = finite_differences(lambda *values: forward(*fresh_args(values)), fresh_args(args), wrt, douts)
    got = got if len(wrt) > 1 else (got,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w), f"gradient shape {np.shape(g)}, expected {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
