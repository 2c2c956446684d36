"""Each rule states its result's shape (``backgen.rules.result_shapes``), checked against NumPy.

Three checks: the table states a shape for every rule (as it loads); each rule's statement agrees
with NumPy on the calls the rule coverage test makes of it (several shapes each), walked as
``shapes`` walks user code; the statements of indexing, einsum, joins, splits and reductions agree
with NumPy on random shapes and arguments.  A statement that disagrees is refused at the user's
line, never written into code.
"""

import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

import backgen
from backgen import shapes as shapes_module
from backgen.rules import NUMPY, RULES, result_shapes
from backgen.rules.result_shapes import VALUES, Call, Parts, observed, stated

sys.path.insert(0, str(Path(__file__).parent))
from test_numpy_rules import upstream  # noqa: E402
from test_rule_coverage import CASES, MACHINERY, case_arguments, case_function  # noqa: E402

# Rules whose result's shape the values decide: what the walk evaluates is their shape.
BY_VALUES = {"call": "a helper's result is its own body's"}


def test_every_rule_states_its_shape():
    result_shapes.check(RULES)
    assert set(RULES) - set(result_shapes.SHAPES) <= {name for name in RULES if name.startswith("math.")}


def test_a_rule_without_a_statement_is_refused_as_the_table_loads():
    with pytest.raises(ValueError, match="states no result shape"):
        result_shapes.check({**RULES, "np.frobnicate": RULES["np.tanh"]})


def _run(tmp_path, rule, text, shapes, domains):
    """Generate the backward of the coverage call ``text`` for inputs drawn as that test draws them."""
    f = case_function(tmp_path, text, shapes)
    args = case_arguments(rule, text, shapes, domains)
    backgen.backward(f).backward(*args, dout=upstream(f(*args)))


def _compared_rules(monkeypatch):
    """Record the rules whose statement the walk compared with NumPy's shape."""
    compared = set()
    original = shapes_module._Walker.check_stated

    def spy(self, op, env):
        agreed = original(self, op, env)
        if agreed:
            compared.add(op.rule)
        return agreed
    monkeypatch.setattr(shapes_module._Walker, "check_stated", spy)
    return compared


BY_RULE = {}
for case in CASES:
    BY_RULE.setdefault(case.values[0], []).append(case.values)
# Rules the coverage calls reach in plain Python only (which the shape walk leaves alone), or spell
# otherwise: NumPy calls of them.
for name, text, shapes in [
        ("list_max", "xs = [np.sum(a), np.sum(a * b)]; return max(xs) * a", {"a": (2, 3), "b": (2, 3)}),
        ("list_min", "xs = [np.sum(a), np.sum(a * b)]; return min(xs) * b", {"a": (2, 3), "b": (3,)}),
        ("np.astype", "return np.asarray(x) * x", {"x": (2, 3)}),
        ("np.select_if", "m = np.sum(a) > 0; return (0.5 if m else 2.0) * a * b", {"a": (2, 3), "b": (2, 3)}),
        ("np.linalg.lstsq", "x, res, rank, s = np.linalg.lstsq(a, b, rcond=None); return x", {"a": (2, 4), "b": (2,)})]:
    BY_RULE[name].append((name, RULES[name], text, shapes, {}))


@pytest.mark.parametrize("name", sorted(BY_RULE))
def test_statement_agrees_with_numpy_on_the_coverage_calls(monkeypatch, tmp_path, name):
    """Every call the coverage test makes of the rule is walked; each statement met is compared with
    the shape NumPy gives (a disagreement refuses), and the rule's own is met at least once."""
    if "scipy" in " ".join(case[2] for case in BY_RULE[name]):
        pytest.importorskip("scipy.special")
    compared = _compared_rules(monkeypatch)
    for _, rule, text, shapes, domains in BY_RULE[name]:
        _run(tmp_path, rule, text, shapes, domains)
    assert name in compared or name in BY_VALUES, f"{name}'s statement was never compared"


def test_the_coverage_calls_cover_every_rule_with_a_gradient():
    assert set(NUMPY) - set(MACHINERY) <= set(BY_RULE)


def test_a_statement_that_disagrees_is_refused_at_the_users_line(monkeypatch):
    monkeypatch.setitem(result_shapes.SHAPES, "np.tanh", lambda c: (7,))
    source = "import numpy as np\n\ndef f(x: '3, 4'):\n    h = np.tanh(x)\n    return np.sum(h)\n"
    with pytest.raises(backgen.BackgenError, match=r":4:5: .*states a result of shape \(7,\) where NumPy gives \(3, 4\)"):
        backgen.generate(source)


# --- statements against NumPy on random arguments --------------------------------------------


def _random_key(rng, shape):
    parts, dims = [], list(shape)
    ellipsis = rng.random() < 0.2 and len(dims) > 0
    while dims:
        n = dims.pop(0)
        kind = rng.integers(6)
        if kind == 0:
            parts.append(int(rng.integers(-n, n)))
        elif kind == 1:
            start, stop = (int(v) for v in rng.integers(-n - 1, n + 2, size=2))
            parts.append(slice(start, stop, int(rng.choice([1, 2, -1, -2, 3]))))
        elif kind == 2:
            parts.append(rng.integers(-n, n, size=tuple(rng.integers(1, 3, size=rng.integers(1, 3)))))
        elif kind == 3:
            parts.append(list(int(v) for v in rng.integers(0, n, size=rng.integers(1, 4))))
        elif kind == 4:
            parts.append(None)
            dims.insert(0, n)
        else:
            parts.append(slice(None))
    if ellipsis:
        at = int(rng.integers(0, len(parts) + 1))
        drop = int(rng.integers(0, 2))
        parts[at:at + drop] = [Ellipsis]
    return tuple(parts) if len(parts) != 1 or rng.random() < 0.5 else parts[0]


@pytest.mark.parametrize("seed", range(6))
def test_indexing_statement_against_numpy(seed):
    rng = np.random.default_rng(seed)
    checked = 0
    for _ in range(400):
        shape = tuple(int(n) for n in rng.integers(1, 5, size=rng.integers(0, 4)))
        key = _random_key(rng, shape)
        try:
            expected = np.empty(shape)[key].shape
        except (IndexError, ValueError):
            with pytest.raises(result_shapes.ShapeError):
                stated("getitem", Call([shape], params={"index": key}))
            continue
        assert stated("getitem", Call([shape], params={"index": key})) == expected, (shape, key)
        checked += 1
    assert checked > 200


def test_a_boolean_mask_is_decided_by_values():
    assert stated("getitem", Call([(3, 4)], params={"index": np.ones((3, 4), bool)})) is VALUES
    assert stated("getitem", Call([(3, 4)], params={"index": (slice(None), np.array([True, False] * 2))})) is VALUES


def test_list_items_and_copies():
    items = Parts([(3,), (2, 2)])
    assert stated("getitem", Call([items], params={"index": 1})) == (2, 2)
    assert stated("getitem", Call([items], params={"index": slice(1, None)})) == Parts([(2, 2)])
    assert stated("setitem", Call([items, ()], params={"index": 0})) == Parts([(), (2, 2)])
    assert stated("list_append", Call([items, (5,)])) == Parts([(3,), (2, 2), (5,)])
    assert stated("copy", Call([items])) == items
    assert observed([np.zeros(3), (1.0, np.zeros((2, 2)))]) == Parts([(3,), Parts([(), (2, 2)])])


def _operands(rng, shapes):
    return [rng.standard_normal(s) if s else float(rng.standard_normal()) for s in shapes]


NUMPY_CALLS = [  # (rule, NumPy's function of the operands and the static arguments, operand shapes, static)
    ("np.einsum", lambda a, b, subscripts: np.einsum(subscripts, a, b), [(2, 3), (3, 4)], {"subscripts": "ij,jk->ik"}),
    ("np.einsum", lambda a, b, subscripts: np.einsum(subscripts, a, b), [(2, 3), (3, 4)], {"subscripts": "ij,jk"}),
    ("np.einsum", lambda a, b, subscripts: np.einsum(subscripts, a, b), [(5, 2, 3), (5, 3, 4)],
     {"subscripts": "bij,bjk->bik"}),
    ("np.einsum", lambda a, b, subscripts: np.einsum(subscripts, a, b), [(5, 2, 3), (3,)],
     {"subscripts": "...j,j->..."}),
    ("np.einsum", lambda a, b, subscripts: np.einsum(subscripts, a, b), [(4,), (5,)], {"subscripts": "i,j"}),
    ("np.einsum", lambda a, b, subscripts: np.einsum(subscripts, a, b), [(3, 3), (3,)], {"subscripts": "ii,i->"}),
    ("np.einsum", lambda a, b, subscripts: np.einsum(subscripts, a, b), [(2, 1, 3), (4, 3)],
     {"subscripts": "...j,kj"}),
    ("np.tensordot", lambda a, b, axes: np.tensordot(a, b, axes), [(2, 3, 4), (3, 4, 5)], {"axes": 2}),
    ("np.tensordot", lambda a, b, axes: np.tensordot(a, b, axes), [(2, 3, 4), (4, 3, 5)], {"axes": ([1, 2], [1, 0])}),
    ("np.tensordot", lambda a, b, axes: np.tensordot(a, b, axes), [(2, 3), (3, 5)], {"axes": (1, 0)}),
    ("np.matmul", lambda a, b: a @ b, [(4,), (4,)], {}),
    ("np.matmul", lambda a, b: a @ b, [(2, 1, 3, 4), (5, 4, 2)], {}),
    ("np.matmul", lambda a, b: a @ b, [(3,), (2, 3, 4)], {}),
    ("np.matmul", lambda a, b: a @ b, [(2, 3, 4), (4,)], {}),
    ("np.dot", np.dot, [(2, 3, 4), (5, 4, 6)], {}),
    ("np.dot", np.dot, [(), (2, 3)], {}),
    ("np.dot", np.dot, [(2, 3), (3,)], {}),
    ("np.inner", np.inner, [(2, 3), (4, 3)], {}),
    ("np.kron", np.kron, [(2, 3), (4,)], {}),
    ("np.cross", np.cross, [(4, 2), (2,)], {}),
    ("np.cross", np.cross, [(4, 3), (1, 2)], {}),
    ("np.split", lambda a, indices_or_sections, axis: np.split(a, indices_or_sections, axis), [(6, 4)],
     {"indices_or_sections": [1, 4, 9], "axis": 0}),
    ("np.split", lambda a, indices_or_sections, axis: np.split(a, indices_or_sections, axis), [(6, 4)],
     {"indices_or_sections": [-2], "axis": -1}),
    ("np.array_split", lambda a, indices_or_sections: np.array_split(a, indices_or_sections), [(7, 2)],
     {"indices_or_sections": 3}),
    ("np.hsplit", lambda a, indices_or_sections: np.hsplit(a, indices_or_sections), [(3, 6)],
     {"indices_or_sections": 3}),
    ("np.hsplit", lambda a, indices_or_sections: np.hsplit(a, indices_or_sections), [(6,)],
     {"indices_or_sections": [2]}),
    ("np.concatenate", lambda a, b, axis: np.concatenate([a, b], axis), [(2, 3), (2, 5)], {"axis": -1}),
    ("np.concatenate", lambda a, b, axis: np.concatenate([a, b], axis), [(2, 3), (7,)], {"axis": None}),
    ("np.stack", lambda a, b, axis: np.stack([a, b], axis), [(2, 3), (2, 3)], {"axis": -1}),
    ("np.hstack", lambda a, b: np.hstack([a, b]), [(3,), ()], {}),
    ("np.vstack", lambda a, b: np.vstack([a, b]), [(3,), (2, 3)], {}),
    ("np.dstack", lambda a, b: np.dstack([a, b]), [(3,), (1, 3)], {}),
    ("np.column_stack", lambda a, b: np.column_stack([a, b]), [(3,), (3, 2)], {}),
    ("np.sum", lambda a, axis, keepdims: np.sum(a, axis=axis, keepdims=keepdims), [(2, 3, 4)],
     {"axis": (0, -1), "keepdims": True}),
    ("np.linalg.norm", lambda a, axis, keepdims: np.linalg.norm(a, axis=axis, keepdims=keepdims), [(2, 3, 4)],
     {"axis": (2, 1), "keepdims": False}),
    ("np.linalg.norm", lambda a, keepdims: np.linalg.norm(a, keepdims=keepdims), [(2, 3)], {"keepdims": True}),
    ("np.cumsum", lambda a: np.cumsum(a), [(2, 3)], {}),
    ("np.moveaxis", lambda a, source, destination: np.moveaxis(a, source, destination), [(2, 3, 4, 5)],
     {"source": [0, 3], "destination": [2, 0]}),
    ("np.expand_dims", lambda a, axis: np.expand_dims(a, axis), [(2, 3)], {"axis": (0, -1)}),
    ("np.squeeze", lambda a, axis: np.squeeze(a, axis), [(1, 3, 1)], {"axis": -1}),
    ("np.reshape", lambda a, shape: np.reshape(a, shape), [(2, 3, 4)], {"shape": (4, -1)}),
    ("np.reshape", lambda a, shape: np.reshape(a, shape), [(2, 3, 4)], {"shape": (-6,)}),
    ("np.transpose", lambda a, axes: np.transpose(a, axes), [(2, 3, 4)], {"axes": (1, 2, 0)}),
    ("np.pad", lambda a, pad_width: np.pad(a, pad_width), [(2, 3)], {"pad_width": ((1, 2), (0, 3))}),
    ("np.pad", lambda a, pad_width: np.pad(a, pad_width), [(2, 3)], {"pad_width": (1, 2)}),
    ("np.repeat", lambda a, repeats, axis: np.repeat(a, repeats, axis), [(2, 3)], {"repeats": [1, 0, 2], "axis": 1}),
    ("np.tile", lambda a, reps: np.tile(a, reps), [(2, 3)], {"reps": (2, 1, 2)}),
    ("np.rot90", lambda a, k, axes: np.rot90(a, k, axes), [(2, 3, 4)], {"k": 3, "axes": (2, 0)}),
    ("np.diagonal", lambda a, offset, axis1, axis2: np.diagonal(a, offset, axis1, axis2), [(2, 3, 5)],
     {"offset": -1, "axis1": 2, "axis2": 1}),
    ("np.diag", lambda a, k: np.diag(a, k), [(3, 5)], {"k": 2}),
    ("np.diag", lambda a, k: np.diag(a, k), [(3,)], {"k": -1}),
    ("np.take", lambda a, indices, axis: np.take(a, indices, axis), [(2, 3, 4)],
     {"indices": np.zeros((2, 5), int), "axis": 1}),
    ("np.take_along_axis", lambda a, indices, axis: np.take_along_axis(a, indices, axis), [(2, 3, 4)],
     {"indices": np.zeros((2, 1, 4), int), "axis": 1}),
    ("np.insert", lambda a, b, obj, axis: np.insert(a, obj, b, axis), [(2, 3), (2,)], {"obj": 1, "axis": 1}),
    ("np.insert", lambda a, b, obj, axis: np.insert(a, obj, b, axis), [(2, 3), ()], {"obj": [0, 2], "axis": None}),
    ("np.convolve", lambda a, b, mode: np.convolve(a, b, mode), [(5,), (3,)], {"mode": "valid"}),
    ("np.vander", lambda a, N: np.vander(a, N), [(4,)], {"N": 2}),
    ("np.linalg.svd", lambda a, full_matrices: np.linalg.svd(a, full_matrices=full_matrices), [(2, 3, 5)],
     {"full_matrices": False}),
    ("np.linalg.qr", lambda a: np.linalg.qr(a), [(5, 3)], {}),
    ("np.linalg.solve", lambda a, b: np.linalg.solve(a + 3 * np.eye(3), b), [(2, 3, 3), (2, 3, 4)], {}),
    ("np.linalg.solve", lambda a, b: np.linalg.solve(a + 3 * np.eye(3), b), [(3, 3), (3,)], {}),
    ("np.linalg.slogdet", lambda a: tuple(np.linalg.slogdet(a)), [(4, 3, 3)], {}),
    ("np.meshgrid", lambda a, b, indexing: np.meshgrid(a, b, indexing=indexing), [(3,), (4,)], {"indexing": "xy"}),
    ("np.diff", lambda a, b, n, axis: np.diff(a, n=n, axis=axis, prepend=b), [(3, 5), (3, 2)], {"n": 2, "axis": 1}),
    ("np.cov", lambda a, rowvar: np.cov(a, rowvar=rowvar), [(6, 3)], {"rowvar": False}),
    ("np.trace", lambda a, axis1, axis2: np.trace(a, axis1=axis1, axis2=axis2), [(2, 3, 4)],
     {"axis1": 0, "axis2": 2}),
]


@pytest.mark.parametrize("rule, function, shapes, static", NUMPY_CALLS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(NUMPY_CALLS)])
def test_statement_against_numpy(rule, function, shapes, static):
    rng = np.random.default_rng(zlib.crc32(rule.encode()))
    expected = observed(function(*_operands(rng, shapes), **static))
    assert stated(rule, Call(shapes, params=static)) == expected


@pytest.mark.parametrize("rule", ["np.sum", "np.mean", "np.max", "np.std", "np.prod", "np.median"])
def test_reduction_statements_against_numpy(rule):
    rng = np.random.default_rng(zlib.crc32(rule.encode()))
    function = getattr(np, rule.split(".")[1])
    for shape in [(), (4,), (2, 3), (2, 1, 3), (2, 3, 4, 1)]:
        axes = [None] + list(range(-len(shape), len(shape))) + ([(0, -1)] if len(shape) >= 2 else [])
        for axis in axes:
            for keepdims in (False, True):
                expected = np.shape(function(rng.standard_normal(shape), axis=axis, keepdims=keepdims))
                call = Call([shape], params={"axis": axis, "keepdims": keepdims})
                assert stated(rule, call) == expected, (shape, axis, keepdims)


def test_broadcasting_statements_against_numpy():
    shapes = [(), (4,), (1, 4), (3, 1), (3, 4), (2, 1, 4)]
    for a in shapes:
        for b in shapes:
            for rule in ("add", "np.maximum", "np.arctan2", "np.where"):
                operands = [(3, 1), a, b] if rule == "np.where" else [a, b]
                try:
                    expected = np.broadcast_shapes(*operands)
                except ValueError:
                    with pytest.raises(result_shapes.ShapeError):
                        stated(rule, Call(operands))
                    continue
                assert stated(rule, Call(operands)) == expected


@pytest.mark.parametrize("expr", ["np.logaddexp.reduce(x * 2.0)", "np.logaddexp.reduce(x, keepdims=True)",
                                  "np.logaddexp.reduce(x, axis=None)", "np.logaddexp.reduce(x, 1)"])
def test_logaddexp_reduce_is_over_the_first_axis_where_none_is_given(expr):
    # NumPy's ufunc.reduce reduces axis 0 by default: the operation was staged as over every axis,
    # which the statement's check refused (the real-code sweep's lib_np_logaddexp_reduce_log_partition)
    from test_never_wrong import assert_right
    assert_right(f'''
    def f(x: "4, 3"):
        return np.sum({expr} ** 2)
    ''', [np.linspace(-1.0, 1.4, 12).reshape(4, 3)], dout=1.0)


def test_a_constant_sliced_by_a_loops_variables_is_checked_at_each_slice():
    # real-code mutants seed 174, program 233: the shape of np.full(...)[..., 2 * i:4 - i] was noted once for
    # the text, as a constant's, and the next iteration's slice taken for a disagreement with the rule
    from test_never_wrong import assert_right
    assert_right('''
    def f(x: "1, 2, 4, 4"):
        out = np.zeros((1, 2, 2, 2))
        for c in range(2):
            for i in range(2):
                for j in range(2):
                    window = np.full((1, 2, 4, 4), 0.5)[0, c, 2 * i:2 - i + 2, 2 * j:2 * j + 2]
                    window_v = window
                    window_v[0] = 0.25
                    out[0, c, i, j] = np.max(window) * x[0, c, i, j] + np.sum(x[0, c, 2 * i:4 - i])
        return np.sum(out ** 2)
    ''', [np.linspace(-1.0, 1.2, 32).reshape(1, 2, 4, 4)])


def test_the_cumulative_sum_of_a_number_along_its_last_axis():
    # real-code mutants seed 173, program 571: NumPy takes a number as an array of one there
    from test_never_wrong import assert_right
    assert_right('''
    def f(x: "3"):
        r = np.sum(x ** 2)
        return np.sum(np.cumsum(r, axis=-1) * 2.0)
    ''', [np.array([0.3, -0.8, 1.1])])


def _random_call(rng):
    """A random call of a rule that rearranges, joins or splits, with its NumPy function."""
    rank = int(rng.integers(1, 4))
    shape = tuple(int(n) for n in rng.integers(1, 5, size=rank))
    axis = int(rng.integers(-rank, rank))
    kind = rng.integers(12)
    if kind == 0:
        reps = tuple(int(n) for n in rng.integers(1, 3, size=rng.integers(1, 4)))
        return "np.tile", (lambda a, reps: np.tile(a, reps)), [shape], {"reps": reps}
    if kind == 1:
        widths = [(int(a), int(b)) for a, b in rng.integers(0, 3, size=(rank, 2))]
        return "np.pad", (lambda a, pad_width: np.pad(a, pad_width)), [shape], {"pad_width": widths}
    if kind == 2:
        order = tuple(int(i) for i in rng.permutation(rank))
        return "np.transpose", (lambda a, axes: np.transpose(a, axes)), [shape], {"axes": order}
    if kind == 3:
        where = int(rng.integers(-rank - 1, rank + 1))
        return "np.expand_dims", (lambda a, axis: np.expand_dims(a, axis)), [shape], {"axis": where}
    if kind == 4:
        other = shape[:axis % rank] + (int(rng.integers(1, 4)),) + shape[axis % rank + 1:]
        return ("np.concatenate", (lambda a, b, axis: np.concatenate([a, b], axis)), [shape, other],
                {"axis": axis})
    if kind == 5:
        return "np.stack", (lambda a, b, axis: np.stack([a, b], axis)), [shape, shape], {"axis": int(
            rng.integers(-rank - 1, rank + 1))}
    if kind == 6:
        cuts = sorted(int(i) for i in rng.integers(-4, 6, size=rng.integers(1, 3)))
        return ("np.array_split", (lambda a, indices_or_sections, axis: np.array_split(a, indices_or_sections, axis)),
                [shape], {"indices_or_sections": int(rng.integers(1, 4)) if rng.random() < 0.5 else cuts,
                          "axis": axis})
    if kind == 7:
        counts = int(rng.integers(0, 3))
        return ("np.repeat", (lambda a, repeats, axis: np.repeat(a, repeats, axis)), [shape],
                {"repeats": counts, "axis": axis if rng.random() < 0.7 else None})
    if kind == 8:
        source, destination = int(rng.integers(-rank, rank)), int(rng.integers(-rank, rank))
        return ("np.moveaxis", (lambda a, source, destination: np.moveaxis(a, source, destination)), [shape],
                {"source": source, "destination": destination})
    if kind == 9:
        indices = rng.integers(0, shape[axis % rank], size=tuple(int(n) for n in rng.integers(1, 3, size=rng.integers(0, 3))))
        return ("np.take", (lambda a, indices, axis: np.take(a, indices, axis)), [shape],
                {"indices": indices, "axis": axis})
    if kind == 10:
        squeezed = tuple(1 if rng.random() < 0.5 else n for n in shape)
        return "np.squeeze", (lambda a: np.squeeze(a)), [squeezed], {}
    other = tuple(1 if rng.random() < 0.3 else n for n in shape)[int(rng.integers(0, rank)):]
    return "np.where", (lambda c, a, b: np.where(c > 0, a, b)), [shape, other, ()], {}


@pytest.mark.parametrize("seed", range(4))
def test_random_calls_against_numpy(seed):
    rng = np.random.default_rng(1000 + seed)
    for _ in range(300):
        rule, function, shapes, static = _random_call(rng)
        try:
            expected = observed(function(*_operands(rng, shapes), **static))
        except (ValueError, IndexError, np.exceptions.AxisError):
            continue
        assert stated(rule, Call(shapes, params=static)) == expected, (rule, shapes, static)


@pytest.mark.parametrize("value, shape", [
    ([np.zeros((2, 3)), np.ones((2, 3))], Parts(((2, 3), (2, 3)))),
    ([np.zeros(2), np.zeros(3)], Parts(((2,), (3,)))),
    ([1.0, 2, np.float64(3.0)], Parts(((), (), ()))),
    ([np.zeros(2), 1.0, True], Parts(((2,), (), ()))),
    ((np.zeros(2), [np.zeros(3), 1.0]), Parts(((2,), Parts(((3,), ()))))),
    ([], Parts(())),
    ([np.zeros(2), "a"], None),
])
def test_the_shape_observed_of_a_list_is_its_items(value, shape):
    assert observed(value) == shape


@pytest.mark.parametrize("values, element, ragged", [
    ([np.zeros((2, 3))] * 3, (2, 3), False),
    ([np.zeros((2, 3)), np.zeros((3, 2))], (2, 3), True),
    ([1.0, 2, np.float64(3.0)], (), False),
    ([1.0, np.zeros(2)], (), True),
    ([np.zeros(()), 1.0], (), False),
    ([[1.0], [2.0]], (1,), True),
])
def test_a_list_is_ragged_where_its_items_are_not_all_of_one_shape(values, element, ragged):
    assert shapes_module._ragged(values, element) is ragged
