"""The hand-written layer backwards of benchmarks/layer_hand.py, against central differences.

``benchmarks/bench_layers.py`` times backgen's generated backward of each CS231n-style layer against
these hand-written ones (and checks that the two agree before timing), so each must be right: here
each is checked against central finite differences of ``sum(out * dout)`` (of the loss, for a loss)
at the benchmark's small sizes.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_layers  # noqa: E402
from numeric import finite_differences  # noqa: E402

LAYERS = bench_layers._layers(np.random.default_rng(0))


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer[0])
def test_hand_written_backward_matches_central_differences(layer):
    _row, path, name, wrt, hand, make = layer
    forward = getattr(bench_layers.load(path), name)
    args = make("small")
    params = forward.__code__.co_varnames[:forward.__code__.co_argcount]
    names = wrt or tuple(p for p, a in zip(params, args) if isinstance(a, np.ndarray) and a.dtype.kind == "f")
    positions = [params.index(p) for p in names]
    outs = forward(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    if isinstance(outs, tuple) and not name.endswith("loss"):  # a layer: (out..., cache)
        *outs, cache = outs
        rng = np.random.default_rng(1)
        douts = [rng.standard_normal(np.shape(o)) for o in outs]
        got = hand(*douts, cache)

        def f(*a):
            return tuple(forward(*a)[:-1])
    else:  # a loss: its gradient from its inputs
        douts = [1.0]
        got = hand(*args)

        def f(*a):
            out = forward(*a)
            return out[0] if isinstance(out, tuple) else out
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(f, list(args), positions, douts)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)
