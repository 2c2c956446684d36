"""Shape-generic code sums a gradient over broadcast axes (``_unbroadcast``) only where the shapes
propagated through the rules (``backgen.shape_terms``) leave an operand's shape and its result's
apart: never for a function of one array through elementwise operations, always where two
parameters, a value bound again (a loop's, a parameter rebound) or a reduction meet.  Each backward
is checked against central differences at shapes that broadcast."""

import dataclasses
import textwrap

import numpy as np
import pytest

import backgen
from backgen import ir
from backgen.reverse_flow import FlowReverser
from backgen.shape_terms import Terms
from numeric import assert_generated_right

HEADER = "import numpy as np\n\n"


def generated(body):
    source = HEADER + textwrap.dedent(body)
    return source, backgen.generate(source, name="f")


def backward_of(text):
    return text.split("def f_backward", 1)[1]


ONE_ARRAY = [
    """
    def f(x):
        y = np.exp(-2.0 * x)
        return (1.0 - y) / (1.0 + y)
    """,
    """
    def f(x):
        s = 1.0 / (1.0 + np.exp(-x))
        return s * (1.0 - s) + np.where(x > 0, x, 0.1 * x) * s
    """,
    """
    def f(x):
        a = np.maximum(x, 0.0) ** 2
        b = np.hypot(x, a)
        return np.sum(a * b - np.minimum(a, b) / (1.0 + x * x))
    """,
]


@pytest.mark.parametrize("body", ONE_ARRAY)
@pytest.mark.parametrize("shape", [(), (4,), (3, 4), (2, 1, 3)])
def test_a_function_of_one_array_through_elementwise_operations_sums_nothing(body, shape):
    source, text = generated(body)
    assert "_unbroadcast" not in text
    x = np.random.default_rng(len(shape)).uniform(-1.2, 1.2, shape)
    x = float(x) if shape == () else x
    namespace = {}
    exec(source, namespace)
    out = namespace["f"](x)
    dout = np.random.default_rng(7).standard_normal(np.shape(out)) if np.ndim(out) else 1.0
    assert_generated_right(source, (x,), (dout,))


BROADCASTING = [
    ("""
    def f(x, w):
        return np.tanh(x * w) + x
    """, [((3, 4), (4,)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((), (2, 3))]),
    ("""
    def f(n, x):
        t = np.tanh(n)
        n = n * x
        return t * n
    """, [((4,), (3, 4)), ((3, 4), (3, 4)), ((1, 4), (3, 1))]),
    ("""
    def f(h, x):
        for i in range(2):
            h = np.tanh(h * 0.5 + x)
        return h
    """, [((4,), (4,)), ((3, 4), (3, 4))]),
    ("""
    def f(x):
        m = np.mean(x, axis=0)
        return np.exp(x - m) * m
    """, [((3, 4),), ((2, 3, 4),)]),
]


@pytest.mark.parametrize("body, shapes", BROADCASTING)
def test_where_shapes_may_part_the_sum_stays_and_the_gradient_is_right(body, shapes):
    """Two parameters; a parameter bound again after a value of its first shape was made (t, the
    shape of n as given, beside n * x of a broadcast shape); a loop's carried value; a reduction beside
    its operand: each operand read where shapes may differ keeps ``_unbroadcast``."""
    source, text = generated(body)
    assert "_unbroadcast(" in backward_of(text)
    namespace = {}
    exec(source, namespace)
    rng = np.random.default_rng(3)
    checked = 0
    for case in shapes:
        args = tuple(float(rng.uniform(0.2, 0.9)) if s == () else rng.uniform(-1.0, 1.0, s) for s in case)
        try:
            out = namespace["f"](*args)
        except ValueError:
            continue  # (shapes the forward itself refuses)
        dout = rng.standard_normal(np.shape(out)) if np.ndim(out) else 1.0
        if "for i in range" in source and np.shape(out) != np.shape(args[0]):
            continue
        assert_generated_right(source, args, (dout,))
        checked += 1
    assert checked >= 2  # (shapes the forward refuses, or a loop changing h's shape, are passed over)


def test_a_rebound_parameter_reads_as_a_new_shape_each_time():
    """t = np.tanh(n) then n = n * x: t has n's first shape, n its broadcast one; t * n sums t's
    gradient over the axis x added (a shape the first read of n, and no later one, says)."""
    source, text = generated("""
    def f(n, x):
        t = np.tanh(n)
        n = n * x
        return t * n
    """)
    lines = [line.strip() for line in backward_of(text).splitlines()]
    assert any(line.startswith("dt = _unbroadcast(") for line in lines), text
    rng = np.random.default_rng(11)
    n, x = rng.uniform(-1, 1, 4), rng.uniform(-1, 1, (3, 4))
    assert_generated_right(source, (n, x), (rng.standard_normal((3, 4)),))


def test_the_upstream_gradient_read_alone_is_copied_before_it_is_added_to():
    """y + x of one shape: dy and dx both start from dout itself, no sum between; the one added to
    is a copy, so the caller's dout is left as it was (``generated_gradients`` checks it)."""
    source, text = generated("""
    def f(x):
        y = np.tanh(x)
        return y + x
    """)
    assert "_unbroadcast" not in text
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (3, 4))
    assert_generated_right(source, (x,), (rng.standard_normal((3, 4)),))


def staged_of(body, names=("x", "w")):
    from backgen import parse
    from backgen.shapes import Spec
    from backgen.stage import stage
    forward = parse.read(HEADER + textwrap.dedent(body))
    return stage(forward, None, {n: Spec((3,)) for n in names})


def ops_of(staged):
    return {op.target: op for op in ir.ops_in(staged.body)}


def test_the_terms_follow_the_rules_that_keep_or_broadcast_shapes():
    staged = staged_of("""
    def f(x, w):
        t = np.tanh(x)
        u = t * 2.0
        v = u * w
        m = np.max(v, axis=0)
        return np.sum(v - m)
    """)
    terms = Terms(staged, frozenset())
    ops = ops_of(staged)
    assert terms.result(ops["t"]) == terms.result(ops["u"]) == frozenset({("param", "x")})
    assert terms.result(ops["v"]) == frozenset({("param", "x"), ("param", "w")})
    assert terms.same_shape(ops["t"], 0) and terms.same_shape(ops["u"], 0)
    assert not terms.same_shape(ops["v"], 0) and not terms.same_shape(ops["v"], 1)  # (x and w may broadcast)
    made = terms.result(ops["m"])
    assert made != terms.result(ops["v"]) and len(made) == 1  # (a reduction: a shape of its own)
    diff = next(op for op in ops.values() if op.rule == "sub")
    assert not terms.same_shape(diff, 1)  # (m beside v: summed back over the axis it lost)


def test_a_value_a_loop_carries_is_a_new_shape_at_each_read():
    staged = staged_of("""
    def f(x, w):
        h = x
        for i in range(3):
            h = np.tanh(h) * w
        return h
    """)
    terms = Terms(staged, frozenset())
    tanh = next(op for op in ir.ops_in(staged.body) if op.rule == "np.tanh")
    product = next(op for op in ir.ops_in(staged.body) if op.rule == "mul")
    assert terms.same_shape(tanh, 0)  # (what tanh reads, and gives, at one run)
    assert not terms.same_shape(product, 0) and not terms.same_shape(product, 1)


class _Reading(FlowReverser):
    def __init__(self, staged):
        self.staged = staged


@pytest.mark.parametrize("sample, kept", [((6, 6), True), ((), False), ((1, 1), False)])
def test_no_sum_is_left_out_where_a_parameter_is_sampled_as_a_number_or_ones(sample, kept):
    """Code written where a parameter's sample is a number, or of size-one axes (its output then maybe an
    array of ones, whose dout defaults to the number 1.0): every sum stays, to broadcast a number's
    gradient back to the operand's shape."""
    staged = staged_of("""
    def f(x):
        t = np.tanh(x)
        return t * 2.0
    """, names=("x",))
    staged = dataclasses.replace(staged, shape_free=("x",), shapes={"x": sample, "t": sample, "out": sample})
    product = next(op for op in ir.ops_in(staged.body) if op.rule == "mul")
    assert _Reading(staged).same_shape(product, 0) is kept
    assert not _Reading(dataclasses.replace(staged, shape_free=())).same_shape(product, 0)  # (shapes given)


def test_a_number_parameter_beside_an_array_sums_only_what_the_number_takes():
    """Huber's loss, delta a number by its default: the array's values keep its shape (the comparison
    with delta too), and only the gradients of delta and of what is made of it alone are summed."""
    source, text = generated("""
    def f(r, delta=1.0):
        a = np.abs(r)
        return np.sum(np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta)))
    """)
    summed = [line.split("=")[0].strip() for line in backward_of(text).splitlines() if "_unbroadcast(" in line]
    assert summed and all(name.startswith(("ddelta", "dprod")) for name in summed), summed
    assert len(summed) == 2, text
    rng = np.random.default_rng(4)
    r = rng.uniform(-2.0, 2.0, (3, 4))
    r[np.abs(np.abs(r) - 1.0) < 0.05] = 0.3  # (away from the kink)
    assert_generated_right(source, (r, 1.0), (1.0,))


NORMALIZING = [
    """
    def f(x):
        e = np.exp(x - np.max(x, axis=-1, keepdims=True))
        s = np.sum(e, axis=-1, keepdims=True)
        return np.log(s) - x + e / s
    """,
    """
    def f(x, gamma, beta):
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        xhat = (x - mu) / np.sqrt(var + 1e-5)
        return gamma * xhat + beta
    """,
    """
    def f(x):
        mu = np.mean(x, axis=1, keepdims=True)
        sd = np.std(x, axis=1, keepdims=True)
        return np.tanh((x - mu) / (sd + 1.0)) * x
    """,
]


@pytest.mark.parametrize("body", NORMALIZING)
def test_a_reduction_keeping_its_operands_axes_broadcasts_into_it(body):
    """x - x.max(axis=-1, keepdims=True), x - x.mean(axis=0): the reduction's shape broadcasts into x's,
    so the difference has x's shape and x's gradient is not summed; the reduction's is."""
    source, text = generated(body)
    lines = [line.strip() for line in backward_of(text).splitlines()]
    assert not any(line.startswith(("dx = _unbroadcast", "dx += _unbroadcast")) for line in lines), text
    assert any("_unbroadcast(" in line or "_unreduced(" in line or "keepdims=True" in line for line in lines)
    namespace = {}
    exec(source, namespace)
    rng = np.random.default_rng(9)
    for shape in [(4, 3), (2, 4, 3)]:
        x = rng.uniform(-1.0, 1.0, shape)
        args = (x,) if "gamma" not in source else (x, rng.uniform(0.5, 1.5, shape[-1]), rng.uniform(-1, 1, shape[-1]))
        out = namespace["f"](*args)
        assert_generated_right(source, args, (rng.standard_normal(np.shape(out)),))


def test_a_reduction_along_another_axis_without_its_axes_kept_is_summed_back():
    """x - x.mean(axis=1) of a square matrix: NumPy broadcasts the means along the rows' other axis,
    which the reduction did not keep: x's gradient is summed where shapes may part."""
    source, text = generated("""
    def f(x):
        return np.tanh(x - x.mean(axis=1))
    """)
    rng = np.random.default_rng(12)
    x = rng.uniform(-1.0, 1.0, (3, 3))
    assert "_unbroadcast(" in backward_of(text)
    assert_generated_right(source, (x,), (rng.standard_normal((3, 3)),))


def test_rows_divided_by_their_norms_kept_as_columns_keep_their_shape():
    """x / np.linalg.norm(x, axis=-1, keepdims=True): the norms broadcast into x, whose gradient is
    not summed; the norms' is."""
    source, text = generated("""
    def f(x, y):
        u = x / np.linalg.norm(x, axis=-1, keepdims=True)
        return np.sum(u * y)
    """)
    lines = [line.strip() for line in backward_of(text).splitlines()]
    summed = [line.split("=")[0].strip() for line in lines if "_unbroadcast(" in line]
    assert len(summed) == 3 and "dx" not in summed, text  # (u beside y, each; the norms)
    assert not any(line.startswith(("dx = _unbroadcast", "dx += _unbroadcast")) for line in lines), text
    rng = np.random.default_rng(13)
    for shape in [(4, 3), (2, 4, 3)]:
        assert_generated_right(source, (rng.uniform(-1, 1, shape), rng.uniform(-1, 1, shape)), (1.0,))


def test_the_header_speaks_of_helpers_only_where_the_module_holds_some():
    _, alone = generated("""
    def f(x):
        return np.tanh(x) * 2.0
    """)
    assert "Shape-generic" in alone and "helpers below" not in alone and "def _" not in alone
    _, helped = generated("""
    def f(x, w):
        return np.tanh(x * w)
    """)
    assert "with the small helpers below" in helped and "def _unbroadcast" in helped
