"""Modern Python syntax around ordinary NumPy and math code: match statements on settings, assignment
expressions, positional-only parameters, membership tests against displays of constants, helpers cached
by functools.lru_cache, module constants written as NumPy numbers.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError`` and
part of its message.
"""

import inspect

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right, check_gradients, imported, module_in

RNG = np.random.default_rng(31)
X = RNG.standard_normal((4, 3))
W = RNG.standard_normal((3, 2))
B = RNG.standard_normal(2)
V = np.array([-1.3, -0.4, 0.35, 0.8, 1.7])

assert_right, assert_refused = assert_generated_right, assert_generated_refused


def assert_decorated_right(source, args, name="f"):
    """The decorator's backward of ``name`` (its module written to a file) for the parameters given, by
    position, matches central differences."""
    func = imported("import numpy as np\nimport math\n" + source, "syntax_hunt")[name]
    wrt = [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray)]
    names = tuple(list(inspect.signature(func).parameters)[k] for k in wrt)
    check_gradients(backgen.backward(func, wrt=names).backward(*args), func, args, wrt)


# --- match statements on settings: the if chains they stand for ---------------------------------


ACTIVATIONS = '''
    def f(x, w, kind="relu", alpha=0.1):
        z = x @ w
        match kind:
            case "relu":
                a = np.maximum(z, 0.0)
            case "leaky" | "leaky_relu":
                a = np.where(z > 0, z, alpha * z)
            case "tanh" if alpha > 0:
                a = np.tanh(z)
            case "tanh":
                a = -np.tanh(z)
            case _:
                a = z
        return np.sum(a ** 2)
'''


@pytest.mark.parametrize("kind", ["relu", "leaky_relu", "tanh", "identity"])
def test_match_on_a_string_setting_is_its_if_chain(kind):
    assert_right(ACTIVATIONS, [X, W, kind, 0.1])


def test_match_guard_false_falls_to_the_next_case():
    assert_right(ACTIVATIONS, [X, W, "tanh", -0.2])


@pytest.mark.parametrize("order", [1, 2, 5])
def test_match_on_an_int_with_returns_in_cases(order):
    assert_right('''
        def f(x, order=1):
            match order:
                case 1:
                    return np.sum(np.abs(x))
                case 2 | 3:
                    return np.sqrt(np.sum(x * x))
                case _:
                    return np.max(np.abs(x))
    ''', [V, order])


@pytest.mark.parametrize("reduction", [None, "sum", "mean"])
def test_match_on_none_and_strings(reduction):
    assert_right('''
        def f(x, reduction="mean"):
            losses = np.log1p(np.exp(-x))
            match reduction:
                case None | "none":
                    out = losses
                case "sum":
                    out = losses.sum()
                case _:
                    out = losses.mean()
            return out
    ''', [V, reduction], douts=(RNG.standard_normal(5) if reduction is None else 1.0,))


def test_match_capture_binds_the_subject():
    assert_right('''
        def f(x, p=2):
            match p:
                case 1:
                    return np.sum(np.abs(x))
                case q:
                    return np.sum(np.abs(x) ** q)
    ''', [V, 3])


def test_match_subject_computed_is_evaluated_once_and_tested():
    assert_right('''
        def f(x, w):
            match len(x.shape):
                case 1:
                    y = x * w[:, 0]
                case 2:
                    y = np.einsum("nd,dm->nm", x, w)
                case _:
                    raise ValueError("rank")
            return np.sum(np.tanh(y))
    ''', [X, W])


def test_match_without_a_matching_case_runs_on():
    assert_right('''
        def f(x, mode="a"):
            y = x * 1.0
            match mode:
                case "a":
                    y = y * 2
                case "b":
                    y = y * 3
            return np.sum(y ** 2)
    ''', [V, "c"])


def test_match_in_a_loop_over_settings_and_in_a_helper():
    assert_right('''
        def activate(z, kind):
            match kind:
                case "relu":
                    return np.maximum(z, 0.0)
                case "sigmoid":
                    return 1.0 / (1.0 + np.exp(-z))
                case _:
                    return z

        def f(x, w):
            total = 0.0
            for i in range(x.shape[0]):
                match i % 2:
                    case 0:
                        total = total + np.sum(activate(x[i] @ w, "sigmoid"))
                    case _:
                        total = total + np.sum(activate(x[i] @ w, "relu") ** 2)
            return total
    ''', [X, W])


def test_match_by_the_decorator():
    assert_decorated_right('''
def f(x, w, kind="relu"):
    match kind:
        case "relu":
            a = np.maximum(x @ w, 0)
        case "gelu" | "GELU":
            z = x @ w
            a = 0.5 * z * (1 + np.tanh(0.7978845608 * (z + 0.044715 * z ** 3)))
        case _:
            a = x @ w
    return np.sum(a)
''', [X, W, "gelu"])


@pytest.mark.parametrize("pattern, kind", [("(a, b)", "sequence"), ('{"scale": s}', "mapping"),
                                           ("int()", "class")])
def test_match_patterns_other_than_literals_are_refused_at_the_pattern(pattern, kind):
    assert_refused(f'''
        def f(x, opts=None):
            match opts:
                case {pattern}:
                    return np.sum(x)
                case _:
                    return np.sum(x * x)
    ''', [V], f"{kind} patterns in match statements are not supported")


def test_match_ending_the_function_without_a_wildcard_is_refused_at_the_match():
    assert_refused('''
        def f(x, reduction="mean"):
            losses = x ** 2
            match reduction:
                case "mean":
                    return losses.mean()
                case "sum":
                    return losses.sum()
    ''', [V, "sum"], r"f\(\) ends in this match, which has no case _:")


def test_match_capture_with_a_guard_is_refused():
    assert_refused('''
        def f(x, p=2):
            match p:
                case q if q > 1:
                    return np.sum(x ** q)
                case _:
                    return np.sum(x)
    ''', [V], "binding a name and testing a guard")


# --- assignment expressions: the assignment before the statement ------------------------------


def test_walrus_in_an_if_test_reading_data():
    assert_right('''
        def f(x, max_norm=1.0):
            if (norm := np.linalg.norm(x)) > max_norm:
                x = x * (max_norm / norm)
            return np.sum(x ** 3)
    ''', [V, 1.0])


def test_walrus_in_an_elif_test_is_evaluated_only_there():
    assert_right('''
        def f(x):
            if (a := np.sum(x)) > 100:
                return a
            elif (b := np.sum(x * x)) > 0:
                return b + a
            return a
    ''', [V])


def test_walrus_of_a_size_and_in_a_raise_check():
    assert_right('''
        def f(x, w):
            if (d := x.shape[1]) != w.shape[0]:
                raise ValueError(f"shapes {d} and {w.shape[0]} do not match")
            assert (n := len(x)) > 0, "empty"
            return np.sum((x @ w) ** 2) / (d * n)
    ''', [X, W])


def test_walrus_in_a_while_test_is_evaluated_again_each_time_round():
    assert_right('''
        def f(x):
            s = 0.0
            n = 0
            while (n := n + 1) <= 3:
                if n == 2:
                    s = s + 0.5 * np.sum(x)
                    continue
                s = s + np.sum(x ** n)
            return s
    ''', [V])


def test_walrus_in_expressions_and_in_comprehensions():
    assert_right('''
        def f(x):
            y = (z := x * 2) + z ** 2
            kept = [u for v in x if (u := v * v) > 0.2]
            doubled = sum([(t := v * 3) + t for v in x])
            return np.sum(y) + sum(kept) + doubled + (s := np.sum(x)) * s
    ''', [V])


def test_walrus_rebinding_a_parameter():
    assert_right('''
        def f(x):
            if (x := x - x.mean()).std() > 0:
                return np.sum(x ** 3)
            return np.sum(x)
    ''', [V])


def test_walrus_by_the_decorator():
    assert_decorated_right('''
def f(x, w):
    total = 0.0
    for i in range(x.shape[0]):
        if (z := x[i] @ w).sum() > -10:
            total = total + np.sum(np.tanh(z))
    return total
''', [X, W])


@pytest.mark.parametrize("test", ["flag and (m := np.max(x)) > 0", "flag or (m := np.max(x)) > 0",
                                  "(m := np.max(x)) if flag else 0.0"])
def test_walrus_evaluated_only_on_some_paths_is_refused(test):
    assert_refused(f'''
        def f(x, flag=True):
            m = 0.0
            if {test}:
                return np.sum(x ** 2) + m
            return np.sum(x)
    ''', [V], "evaluated only on some paths")


def test_walrus_after_a_read_of_its_name_is_refused():
    assert_refused('''
        def f(x):
            a = np.sum(x)
            y = a + (a := np.sum(x * x))
            return y * a
    ''', [V], "is read before the assignment expression")


# --- positional-only parameters, membership in displays ------------------------------------------


def test_positional_only_parameters_are_parameters():
    source = '''
        def _dense(x, w, /):
            return x @ w

        def f(x, /, w, alpha=0.01):
            z = _dense(x, w)
            return np.sum(np.where(z > 0, z, alpha * z))
    '''
    assert_right(source, [X, W, 0.2])
    assert_decorated_right(source.replace("\n        ", "\n"), [X, W, 0.2])


@pytest.mark.parametrize("kind", ["tanh", "Tanh", "relu"])
def test_a_setting_in_a_tuple_or_set_of_strings(kind):
    assert_right('''
        def f(x, kind="relu"):
            if kind not in ("relu", "tanh", "Tanh"):
                raise ValueError(kind)
            if kind in {"tanh", "Tanh"}:
                return np.sum(np.tanh(x))
            return np.sum(np.maximum(x, 0))
    ''', [V, kind])


# --- module hygiene ---------------------------------------------------------------------------------


def test_lru_cached_helper_on_ints_by_the_decorator():
    assert_decorated_right('''
import functools

@functools.lru_cache(maxsize=None)
def coeff(n: int) -> float:
    return 1.0 / math.factorial(n)

def f(x):
    total = 0.0
    for k in range(4):
        total = total + coeff(k) * x ** k
    return np.sum(total)
''', [V])


def test_lru_cached_helper_bound_again_is_read_again_by_the_decorator(tmp_path):
    cached = "import functools\nimport numpy as np\n\n@functools.lru_cache(maxsize=None)\ndef coeff(n):\n" \
             "    return {} * n\n"
    first = module_in(tmp_path, cached.format(2.0) + "\ndef f(x):\n    return np.sum(coeff(3) * x ** 2)\n",
                      "syntax_cached_first")
    second = module_in(tmp_path, cached.format(5.0), "syntax_cached_second")
    decorated = backgen.backward(first.f)
    check_gradients(decorated.backward(V), first.f, [V], [0])
    first.coeff = second.coeff  # (another cached helper under the name: the code is generated again)
    check_gradients(decorated.backward(V), first.f, [V], [0])


def test_module_np_float64_constant_is_its_number():
    assert_right('''
        HALF = np.float64(0.5)
        C = np.float64(0.044715)
        def f(x):
            return np.sum(HALF * x ** 2 + C * x)
    ''', [V])


# --- enum settings ----------------------------------------------------------------------------------


def test_a_plain_enum_member_is_refused_not_read_as_its_value():
    # "train" == Mode.TRAIN is False in Python: reading the member as "train" took the wrong branch
    assert_refused('''
        from enum import Enum
        class Mode(Enum):
            TRAIN = "train"
            TEST = "test"
        def f(x, mode="train"):
            if mode == Mode.TRAIN:
                return np.sum(2 * x)
            return np.sum(x)
    ''', [V, "train"], "Mode.TRAIN is a member of the enum Mode")


@pytest.mark.parametrize("mode", ["train", "test"])
def test_a_plain_enum_members_value_and_a_str_enums_member(mode):
    assert_right('''
        import enum
        class Mode(enum.Enum):
            TRAIN = "train"
            TEST = "test"
        class Phase(str, enum.Enum):
            TRAIN = "train"
            TEST = "test"
        def f(x, mode="test"):
            y = np.sum(2 * x ** 2) if mode == Mode.TRAIN.value else np.sum(x)
            if mode == Phase.TEST:
                y = y + np.sum(np.sin(x))
            return y
    ''', [V, mode])


@pytest.mark.parametrize("order", [1, 2, 3])
def test_an_int_enum_in_a_match_and_as_an_axis(order):
    assert_right('''
        from enum import IntEnum
        class Order(IntEnum):
            FIRST = 1
            SECOND = 2
        class Axis(IntEnum):
            ROWS = 0
        def f(x, order=1):
            match order:
                case Order.FIRST:
                    return np.sum(np.abs(x))
                case Order.SECOND:
                    return np.sum(np.cumsum(x, axis=Axis.ROWS) ** 2)
                case _:
                    return np.sum(x)
    ''', [V, order])


def test_an_int_enum_by_the_decorator():
    assert_decorated_right('''
from enum import IntEnum
class Axis(IntEnum):
    ROWS = 0
    COLS = 1
def f(x):
    return np.sum(np.cumsum(x, axis=Axis.COLS) ** 2)
''', [X])


def test_an_enum_member_tested_by_is_is_refused():
    assert_refused('''
        import enum
        class Order(enum.IntEnum):
            FIRST = 1
            SECOND = 2
        def f(x, order=1):
            if order is Order.SECOND:
                return np.sum(x ** 2)
            return np.sum(x)
    ''', [V, 2], "a test by is of Order.SECOND")


# --- settings objects: named tuples and frozen dataclasses of the module -----------------------------


CONFIGS = '''
from dataclasses import dataclass
from typing import NamedTuple

class Config(NamedTuple):
    alpha: float = 0.1
    power: int = 2

@dataclass(frozen=True)
class Numerics:
    """Settings."""
    scale: float = 2.0
    eps: float = 1e-6

CFG = Config(0.3)
NUM = Numerics(eps=1e-3)

def f(x):
    return np.sum(CFG.alpha * x ** CFG.power + np.log(NUM.scale * x ** 2 + NUM.eps))
'''


def test_module_settings_objects_are_their_fields():
    assert_right(CONFIGS, [V])


def test_module_settings_objects_by_the_decorator_as_they_are_now():
    module = imported("import numpy as np\n" + CONFIGS, "syntax_hunt")
    func = module["f"]
    decorated = backgen.backward(func)
    check_gradients(decorated.backward(V), func, [V], [0])
    func.__globals__["CFG"] = module["Config"](alpha=0.7, power=3)  # (rebound: the code is generated again)
    check_gradients(decorated.backward(V), func, [V], [0])


def test_a_settings_class_with_post_init_is_not_read():
    assert_refused('''
        from dataclasses import dataclass
        @dataclass(frozen=True)
        class Config:
            scale: float = 2.0
            def __post_init__(self):
                object.__setattr__(self, "scale", self.scale * 10)
        CFG = Config()
        def f(x):
            return np.sum(CFG.scale * x ** 2)
    ''', [V], "CFG.scale reads an attribute of CFG")


def test_a_setting_bound_again_in_the_main_block_is_refused_by_name():
    # the demo block may rebind MODE when the file runs as a script: no constant, named as any global
    assert_refused('''
        MODE = "a"
        def f(x):
            match MODE:
                case "a":
                    return np.sum(x ** 2)
                case _:
                    return np.sum(x)
        if __name__ == "__main__":
            MODE = "b"
    ''', [V], "name 'MODE' is not a parameter or a variable assigned in the function")


def test_typing_cast_is_its_value():
    assert_right('''
        import typing
        from typing import cast
        def f(x, w):
            h = cast(np.ndarray, np.tanh(x @ w))
            return typing.cast(float, np.sum(h ** 2))
    ''', [X, W])
    assert_decorated_right('''
import typing
from typing import cast
def f(x, w):
    h = cast(np.ndarray, np.tanh(x @ w))
    return typing.cast(float, np.sum(h ** 2))
''', [X, W])


def test_a_starred_target_of_a_call_is_unpacked_from_its_value_computed_once():
    assert_right('''
        def f(x, w):
            head, *tail = np.split(x, 4)
            first, second, *_ = np.tanh(x @ w)
            return np.sum(head) * np.sum(tail[0] ** 2) + np.sum(tail[-1]) + np.sum(first * second)
    ''', [X, W])


def test_class_constants_and_int_enum_members_as_defaults():
    source = '''
from enum import IntEnum
class Norm(IntEnum):
    L1 = 1
    L2 = 2
class Cfg:
    K = 3
def f(x, p=Norm.L2, k=Cfg.K):
    return np.sum(np.abs(x) ** p) + np.sum(x[:k] ** 3)
'''
    assert_right(source, [V, 2, 3])
    assert_decorated_right(source, [V])
